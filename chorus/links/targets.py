"""Short codes, and the address a link sends people to: the activity's URL with UTM tags."""

import secrets
import string
from collections.abc import Mapping
from string import Formatter
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.encoding import iri_to_uri
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chorus.campaigns.models import Activity, Campaign

# Letters and digits only: nothing a post's formatting or a linkifier could cut off.
CODE_ALPHABET = string.ascii_letters + string.digits
# 62**12 is about 3 * 10**21: guessing one live code among millions takes ~10**14 tries.
CODE_LENGTH = 12
# What the redirect accepts before asking the database (longer, for codes made later).
CODE_LENGTHS = range(8, 33)

PLACEHOLDERS = ("network", "campaign", "campaign_id", "activity", "activity_id")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def looks_like_code(text: str) -> bool:
    return len(text) in CODE_LENGTHS and text.isascii() and text.isalnum()


def campaign_slug(campaign: Campaign) -> str:
    """Campaigns have no slug of their own: one from the name, or from the id."""
    return slugify(campaign.name) or f"campaign-{campaign.pk}"


def activity_slug(activity: Activity) -> str:
    return slugify(activity.title) or f"activity-{activity.pk}"


def placeholder_values(*, activity: Activity, network: str) -> dict[str, str]:
    return {
        "network": network,
        "campaign": campaign_slug(activity.campaign),
        "campaign_id": str(activity.campaign_id),
        "activity": activity_slug(activity),
        "activity_id": str(activity.pk),
    }


def check_template(template: str) -> None:
    """Refuse a UTM template naming anything but the known placeholders."""
    try:
        fields = [field for _text, field, _spec, _conv in Formatter().parse(template)]
    except ValueError:
        raise ValidationError(
            _("Use braces only around a placeholder, such as {network}."), code="braces"
        ) from None
    unknown = sorted({field for field in fields if field is not None and field not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s. Use %(known)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
            code="placeholder",
        )


def render_template(template: str, values: Mapping[str, str]) -> str:
    return template.format_map(values).strip()


def with_utm(url: str, parameters: Mapping[str, str]) -> str:
    """``url`` with the UTM parameters it does not have yet, appended to its query.

    The query string is kept byte for byte and UTM parameters already in the URL win:
    a content manager who tagged a link by hand meant those values.
    """
    parts = urlsplit(url)
    present = {name for name, _value in parse_qsl(parts.query, keep_blank_values=True)}
    added = [(name, value) for name, value in parameters.items() if value and name not in present]
    if not added:
        return url
    query = "&".join(filter(None, [parts.query, urlencode(added)]))
    return urlunsplit(parts._replace(query=query))


def check_target(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("A tracked link must lead to an http or https address."))


def target_for(*, activity: Activity, network: str, templates: Mapping[str, str]) -> str:
    values = placeholder_values(activity=activity, network=network)
    parameters = {name: render_template(template, values) for name, template in templates.items()}
    target = iri_to_uri(with_utm(activity.link_url, parameters))
    check_target(target)
    return target
