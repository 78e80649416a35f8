"""Reads for the social media policy: versions, who accepted what, and the one gate."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from chorus.core.memo import read_once_per_batch
from chorus.orgs.models import Membership, Organisation
from chorus.policies.models import Acknowledgment, PolicyDraft, PolicyReminder, PolicyVersion
from chorus.publishing.models import Post, PostState

STARTER_DIRECTORY = Path(__file__).resolve().parent / "starter"
STARTER_FALLBACK_LANGUAGE = "en"
REMINDER_INTERVAL = timedelta(hours=24)


# Versions


@read_once_per_batch
def current_version(*, organisation: Organisation) -> PolicyVersion | None:
    """The latest published version, or None while the organisation has published none."""
    return (
        PolicyVersion.objects.filter(organisation=organisation)
        .select_related("published_by")
        .first()
    )


def versions_of(*, organisation: Organisation) -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.filter(organisation=organisation).select_related("published_by")


def draft_of(*, organisation: Organisation) -> PolicyDraft | None:
    return PolicyDraft.objects.filter(organisation=organisation).first()


def starter_text(*, language: str) -> str:
    """The starter policy in ``language``, or in English where there is none."""
    languages = {code for code, _name in settings.LANGUAGES}
    if language not in languages or not (STARTER_DIRECTORY / f"{language}.md").is_file():
        language = STARTER_FALLBACK_LANGUAGE
    return (STARTER_DIRECTORY / f"{language}.md").read_text(encoding="utf-8")


def starter_text_for(*, organisation: Organisation) -> str:
    text = starter_text(language=organisation.default_language)
    return text.replace("{organisation}", organisation.name)


def editor_text(*, organisation: Organisation) -> str:
    """What the editor opens with: the draft, else the current version, else the starter."""
    draft = draft_of(organisation=organisation)
    if draft is not None:
        return draft.text
    current = current_version(organisation=organisation)
    if current is not None:
        return current.text
    return starter_text_for(organisation=organisation)


# Acknowledgments


def _accepted(version: PolicyVersion) -> Q:
    """Acknowledgments that count for ``version``: any of the same major version."""
    return Q(version__organisation_id=version.organisation_id, version__major=version.major)


@read_once_per_batch
def has_accepted(*, member: Membership, version: PolicyVersion) -> bool:
    return Acknowledgment.objects.filter(_accepted(version), member=member).exists()


def latest_acknowledgment(*, member: Membership) -> Acknowledgment | None:
    return (
        Acknowledgment.objects.filter(member=member)
        .select_related("version")
        .order_by("-version__major", "-version__minor", "-acknowledged_at")
        .first()
    )


def policy_url(organisation: Organisation) -> str:
    return reverse("policies:policy", kwargs={"org": organisation.slug})


def unaccepted_version(*, member: Membership) -> PolicyVersion | None:
    """The current version if the member has yet to accept it (or one of its major)."""
    version = current_version(organisation=member.organisation)
    if version is None or has_accepted(member=member, version=version):
        return None
    return version


def check_policy_accepted(*, member: Membership) -> None:
    """Refuse, pointing to the policy, while the member has not accepted its current version.

    An organisation that has published no policy asks nothing.
    """
    version = unaccepted_version(member=member)
    if version is None:
        return
    raise ValidationError(
        _(
            "First read and accept version %(version)s of your organisation's social media "
            "policy: %(url)s"
        )
        % {"version": version.number, "url": settings.SITE_URL + policy_url(member.organisation)},
        code="policy_not_accepted",
    )


def active_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(
        organisation=organisation, is_active=True, user__is_active=True
    )


def members_to_accept(*, version: PolicyVersion) -> QuerySet[Membership]:
    """Active members who have not accepted ``version`` (nor another of its major)."""
    accepted = Acknowledgment.objects.filter(_accepted(version), member=OuterRef("pk"))
    return active_members(organisation=version.organisation).filter(~Exists(accepted))


@dataclass(frozen=True)
class AcknowledgmentRow:
    member: Membership
    version_number: str
    acknowledged_at: datetime | None
    accepted_current: bool


def acknowledgment_overview(
    *, organisation: Organisation, pending_only: bool = False
) -> QuerySet[Membership]:
    """Active members with the latest version each accepted, and when; by name."""
    latest = Acknowledgment.objects.filter(member=OuterRef("pk")).order_by(
        "-version__major", "-version__minor", "-acknowledged_at"
    )
    members = active_members(organisation=organisation)
    version = current_version(organisation=organisation)
    if version is not None and pending_only:
        members = members_to_accept(version=version)
    return (
        members.select_related("user")
        .annotate(
            latest_major=Subquery(latest.values("version__major")[:1]),
            latest_minor=Subquery(latest.values("version__minor")[:1]),
            latest_at=Subquery(latest.values("acknowledged_at")[:1]),
        )
        .order_by("user__full_name", "user__email", "pk")
    )


def overview_rows(
    *, members: list[Membership], version: PolicyVersion | None
) -> list[AcknowledgmentRow]:
    """What the owners' page shows for one page of ``acknowledgment_overview``."""
    rows = []
    for member in members:
        major = getattr(member, "latest_major", None)
        minor = getattr(member, "latest_minor", None)
        rows.append(
            AcknowledgmentRow(
                member=member,
                version_number=f"{major}.{minor}" if major is not None else "",
                acknowledged_at=getattr(member, "latest_at", None),
                accepted_current=version is not None and major == version.major,
            )
        )
    return rows


def recently_reminded_ids(*, member_ids: list[int], now: datetime) -> set[int]:
    return set(
        PolicyReminder.objects.filter(
            member_id__in=member_ids, sent_at__gt=now - REMINDER_INTERVAL
        ).values_list("member_id", flat=True)
    )


# Paused posts


def paused_posts(*, member: Membership) -> QuerySet[Post]:
    return (
        Post.objects.filter(member=member, state=PostState.PAUSED)
        .select_related("account", "activity", "activity__campaign")
        .order_by("scheduled_for", "pk")
    )


@dataclass(frozen=True)
class PauseNotice:
    """What "My posts" shows about posts held for the policy."""

    posts: list[Post]
    version: PolicyVersion | None
    url: str


def pause_notice(*, member: Membership) -> PauseNotice | None:
    posts = list(paused_posts(member=member))
    version = unaccepted_version(member=member)
    if not posts and version is None:
        return None
    return PauseNotice(posts=posts, version=version, url=policy_url(member.organisation))
