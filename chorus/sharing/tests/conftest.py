"""Objects the sharing tests build on: a live campaign in everyone's feed, accounts, posts."""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState, Suggestion
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.orgs.models import Membership, Organisation
from chorus.publishing.models import Post, PostState, text_fingerprint
from chorus.sharing import services
from chorus.sharing.feed import offer_campaign
from chorus.sharing.similarity import signature

SUGGESTION = (
    "Our new solar roof tiles cut a family's energy bill by a third. "
    "Proud of the team that built them over three long winters."
)


def make_activity(
    organisation: Organisation,
    *,
    state: str = CampaignState.LIVE,
    networks: list[str] | None = None,
    kind: str = ActivityKind.SHARE_LINK,
    expires_at: datetime | None = None,
    suggestions: list[tuple[str, str, str]] | None = None,
    title: str = "Solar tiles launch",
    offer: bool = True,
) -> Activity:
    """An activity of a campaign in ``state``, offered to every member of the organisation."""
    campaign = Campaign.objects.create(
        organisation=organisation, name=f"Campaign {title}", state=state, networks=networks or []
    )
    activity = Activity.objects.create(
        campaign=campaign,
        kind=kind,
        title=title,
        link_url="https://acme.test/solar" if kind == ActivityKind.SHARE_LINK else "",
        link_title="Solar roof tiles",
        link_description="Tiles that make power",
        post_url="https://social.test/p/1" if kind != ActivityKind.SHARE_LINK else "",
        topic="Solar",
        expires_at=expires_at,
    )
    for network, language, text in (
        suggestions if suggestions is not None else [("", "en", SUGGESTION)]
    ):
        Suggestion.objects.create(activity=activity, network=network, language=language, text=text)
    if offer:
        offer_campaign(campaign=campaign, pilot=state == CampaignState.PILOT)
    return activity


def make_account(
    member: Membership,
    *,
    network: str = "linkedin",
    takes_part: bool = True,
    status: str = AccountStatus.ACTIVE,
    daily_cap: int | None = None,
) -> ConnectedAccount:
    return ConnectedAccount.objects.create(
        organisation=member.organisation,
        member=member,
        network=network,
        external_id=str(uuid.uuid4()),
        handle=f"@{member.user.get_short_name().lower()}-{network}",
        takes_part=takes_part,
        status=status,
        daily_cap=daily_cap,
    )


def make_post(
    member: Membership,
    account: ConnectedAccount,
    activity: Activity | None,
    *,
    state: str = PostState.APPROVED,
    text: str = "My own take on the solar tiles, written by me.",
    scheduled_for: datetime | None = None,
    **fields: Any,
) -> Post:
    return Post.objects.create(
        organisation=member.organisation,
        member=member,
        account=account,
        network=account.network,
        activity=activity,
        text=text,
        approved_text_sha256=text_fingerprint(text),
        signature=signature(text),
        state=state,
        scheduled_for=scheduled_for,
        next_attempt_at=scheduled_for,
        **fields,
    )


@pytest.fixture
def activity(organisation: Organisation, cast: dict[str, Membership]) -> Activity:
    return make_activity(organisation)


@pytest.fixture
def participant(employee: Membership) -> Membership:
    """The employee, in the programme with one LinkedIn account taking part."""
    services.join_programme(member=employee)
    make_account(employee)
    return employee


@pytest.fixture
def join() -> Callable[[Membership], Membership]:
    def join_with_account(member: Membership, network: str = "linkedin") -> Membership:
        services.join_programme(member=member)
        make_account(member, network=network)
        return member

    return join_with_account
