"""What an activity looks like on each network, before anyone shares it.

Pure: everything comes in as arguments, so reviewers and content managers see
the same thing and tests need no database.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from chorus.campaigns.models import Activity, ActivityKind, Suggestion
from chorus.networks.networks import Network, profile_for
from chorus.networks.text import measure, remaining
from chorus.sharing.text import final_text


@dataclass(frozen=True, kw_only=True)
class LinkCard:
    url: str
    title: str
    description: str
    domain: str


@dataclass(frozen=True, kw_only=True)
class CaptionPreview:
    network: str
    network_label: str
    language: str
    language_label: str
    suggestion: Suggestion | None
    # The text as it would be posted: the suggestion, its link and the disclosure.
    text: str
    length: int
    remaining: int
    max_length: int

    @property
    def over_limit(self) -> bool:
        return self.remaining < 0

    @property
    def over_by(self) -> int:
        return max(-self.remaining, 0)

    @property
    def is_generic(self) -> bool:
        return self.suggestion is not None and not self.suggestion.network


@dataclass(frozen=True, kw_only=True)
class ActivityPreview:
    activity: Activity
    link_card: LinkCard | None
    has_image: bool
    image_alt: str
    captions: list[CaptionPreview]

    @property
    def over_limit(self) -> bool:
        return any(caption.over_limit for caption in self.captions)

    @property
    def missing(self) -> list[CaptionPreview]:
        return [caption for caption in self.captions if caption.suggestion is None]


def domain_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def link_card_of(activity: Activity) -> LinkCard | None:
    if activity.kind != ActivityKind.SHARE_LINK or not activity.link_url:
        return None
    return LinkCard(
        url=activity.link_url,
        title=activity.link_title,
        description=activity.link_description,
        domain=domain_of(activity.link_url),
    )


def suggestion_for(
    suggestions: Iterable[Suggestion], *, network: str, language: str
) -> Suggestion | None:
    """The suggestion written for this network, else the one for every network."""
    generic = None
    for suggestion in suggestions:
        if suggestion.language != language:
            continue
        if suggestion.network == network:
            return suggestion
        if not suggestion.network:
            generic = suggestion
    return generic


def caption_preview(
    activity: Activity,
    suggestion: Suggestion | None,
    *,
    network: str,
    language: str,
    disclosure: str = "",
) -> CaptionPreview:
    link_url = activity.link_url if activity.kind == ActivityKind.SHARE_LINK else ""
    text = (
        final_text(suggestion.text, disclosure=disclosure, link_url=link_url)
        if suggestion is not None
        else ""
    )
    return CaptionPreview(
        network=network,
        network_label=str(Network(network).label) if network in Network.values else network,
        language=language,
        language_label=str(dict(settings.LANGUAGES).get(language, language)),
        suggestion=suggestion,
        text=text,
        length=measure(text, network=network),
        remaining=remaining(text, network=network),
        max_length=profile_for(network).max_length,
    )


def preview_activity(
    activity: Activity,
    *,
    suggestions: Sequence[Suggestion],
    networks: Sequence[str],
    languages: Sequence[str],
    disclosure: str = "",
) -> ActivityPreview:
    """For every network and language of the campaign, the caption that applies."""
    # A like carries no words of its own.
    writes_text = activity.kind != ActivityKind.LIKE
    captions = [
        caption_preview(
            activity,
            suggestion_for(suggestions, network=network, language=language),
            network=network,
            language=language,
            disclosure=disclosure,
        )
        for network in networks
        for language in languages
        if writes_text
    ]
    return ActivityPreview(
        activity=activity,
        link_card=link_card_of(activity),
        has_image=bool(activity.image),
        image_alt=activity.image_alt,
        captions=captions,
    )
