"""The social networks Chorus knows, and what each allows."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Network(models.TextChoices):
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    OUTBOX = "outbox", _("Development outbox")


class ConnectMethod(models.TextChoices):
    OAUTH = "oauth"  # the member signs in on the network
    APP_PASSWORD = "app_password"  # noqa: S105 - the name of a method, not a password
    DEVELOPMENT = "development"


@dataclass(frozen=True, kw_only=True)
class NetworkProfile:
    network: Network
    connect_method: ConnectMethod = ConnectMethod.OAUTH
    # The organisation must register its own app (OAuth client) before members can connect.
    needs_app: bool = False
    # Members name their own server (Mastodon instances; Bluesky PDSes, with a default).
    names_server: bool = False
    default_server: str = ""
    max_length: int
    # X counts every link as this many characters whatever its length; 0 means "as written".
    link_length: int = 0
    default_daily_cap: int
    # Networks whose rules forbid substantially similar posts across accounts.
    forbids_similar_posts: bool = False
    # Networks where Chorus only posts for company-owned pages, never personal accounts.
    company_pages_only: bool = False


PROFILES: dict[str, NetworkProfile] = {
    profile.network: profile
    for profile in (
        NetworkProfile(
            network=Network.BLUESKY,
            max_length=300,
            default_daily_cap=6,
            connect_method=ConnectMethod.APP_PASSWORD,
            names_server=True,
            default_server="https://bsky.social",
        ),
        NetworkProfile(
            network=Network.MASTODON, max_length=500, default_daily_cap=6, names_server=True
        ),
        NetworkProfile(
            network=Network.LINKEDIN, max_length=3000, default_daily_cap=2, needs_app=True
        ),
        NetworkProfile(
            network=Network.X,
            max_length=280,
            link_length=23,
            default_daily_cap=5,
            forbids_similar_posts=True,
            needs_app=True,
        ),
        NetworkProfile(
            network=Network.FACEBOOK,
            max_length=63206,
            default_daily_cap=3,
            company_pages_only=True,
            needs_app=True,
        ),
        NetworkProfile(
            network=Network.INSTAGRAM,
            max_length=2200,
            default_daily_cap=2,
            company_pages_only=True,
            needs_app=True,
        ),
        NetworkProfile(
            network=Network.OUTBOX,
            max_length=500,
            default_daily_cap=10,
            connect_method=ConnectMethod.DEVELOPMENT,
        ),
    )
}


def profile_for(network: str) -> NetworkProfile:
    return PROFILES[network]
