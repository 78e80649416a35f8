"""Everything an organisation stores about one member, for the member to see and take away.

The page and the JSON export are built from the same sections, so they cannot drift.
Network credentials are never part of it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Count, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from chorus.accounts.models import User
from chorus.campaigns.models import PilotFeedback, PilotReaction
from chorus.incentives.models import Entry, EntryStatus, Participation, Reason
from chorus.links.models import LinkTotals, TrackedLink
from chorus.links.selectors import base_url_of, link_settings_for
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.networks import Network
from chorus.notifications.models import (
    DEFAULT_DIGEST_FREQUENCY,
    DigestFrequency,
    DigestPreference,
    Notification,
    NotificationKind,
)
from chorus.orgs.models import Membership, Organisation
from chorus.orgs.roles import Role
from chorus.policies.models import Acknowledgment
from chorus.publishing.models import Post, PostState
from chorus.sharing.models import FeedEntry, FeedState, ProgrammeConsent
from chorus.training.models import QuizAttempt

# Sections with more columns than this are shown as one block per row, not as a table.
WIDEST_TABLE = 5


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # Display names of coded values (states, roles...); the export keeps the codes.
    choices: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    # One record (the profile) rather than a list of them.
    single: bool = False
    note: str = ""
    empty: str = ""
    display_rows: list[list[str]] = field(init=False)

    def __post_init__(self) -> None:
        display = [[_display(row.get(c.key), c.choices) for c in self.columns] for row in self.rows]
        object.__setattr__(self, "display_rows", display)

    @property
    def records(self) -> list[list[tuple[str, str]]]:
        """Each row as (label, value) pairs, for rows too wide for a table."""
        labels = [column.label for column in self.columns]
        return [list(zip(labels, row, strict=True)) for row in self.display_rows]

    @property
    def fields(self) -> list[tuple[str, str]]:
        """A single record as (label, value) pairs."""
        records = self.records
        return records[0] if records else []

    @property
    def is_wide(self) -> bool:
        return len(self.columns) > WIDEST_TABLE

    def export(self) -> dict[str, Any] | list[dict[str, Any]]:
        if self.single:
            return self.rows[0] if self.rows else {}
        return self.rows


def _display(value: Any, choices: Mapping[str, str] | None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if choices is not None and isinstance(value, str):
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _profile(user: User) -> Section:
    return Section(
        key="profile",
        title=_("Profile"),
        single=True,
        columns=(
            Column("full_name", _("Full name")),
            Column("email", _("Email address")),
            Column("language", _("Language"), {k: str(v) for k, v in settings.LANGUAGES}),
            Column("time_zone", _("Time zone")),
            Column("date_joined", _("Account created")),
        ),
        rows=[
            {
                "full_name": user.full_name,
                "email": user.email,
                "language": user.language,
                "time_zone": user.time_zone,
                "date_joined": user.date_joined,
            }
        ],
    )


def _membership(member: Membership) -> Section:
    return Section(
        key="membership",
        title=_("Membership"),
        single=True,
        columns=(
            Column("organisation", _("Organisation")),
            Column("role", _("Role"), _labels(Role)),
            Column("teams", _("Teams")),
            Column("joined_at", _("Joined")),
            Column("is_active", _("Active")),
        ),
        rows=[
            {
                "organisation": member.organisation.name,
                "role": member.role,
                "teams": sorted(team.name for team in member.teams.all()),
                "joined_at": member.joined_at,
                "is_active": member.is_active,
            }
        ],
    )


def _consents(member: Membership) -> Section:
    consents = ProgrammeConsent.objects.filter(member=member).order_by("joined_at", "pk")
    return Section(
        key="programme_consents",
        title=_("Taking part in the advocacy programme"),
        empty=_("You have not joined the advocacy programme."),
        columns=(
            Column("terms_version", _("Terms version")),
            Column("joined_at", _("Joined")),
            Column("left_at", _("Left")),
            Column("terms_text", _("Terms you agreed to")),
        ),
        rows=[
            {
                "terms_version": consent.terms_version,
                "joined_at": consent.joined_at,
                "left_at": consent.left_at,
                "terms_text": consent.terms_text,
            }
            for consent in consents
        ],
    )


def _connected_accounts(member: Membership) -> Section:
    accounts = ConnectedAccount.objects.filter(member=member).order_by("connected_at", "pk")
    return Section(
        key="connected_accounts",
        title=_("Connected accounts"),
        note=_("Chorus keeps the keys it needs to post for you, encrypted; they are not shown."),
        empty=_("You have not connected any account."),
        columns=(
            Column("network", _("Network"), _labels(Network)),
            Column("handle", _("Handle")),
            Column("display_name", _("Display name")),
            Column("status", _("Status"), _labels(AccountStatus)),
            Column("takes_part", _("Takes part in the programme")),
            Column("daily_cap", _("Posts per day at most")),
            Column("connected_at", _("Connected")),
        ),
        rows=[
            {
                "network": account.network,
                "handle": account.handle,
                "display_name": account.display_name,
                "status": account.status,
                "takes_part": account.takes_part,
                "daily_cap": account.daily_cap,
                "connected_at": account.connected_at,
            }
            for account in accounts
        ],
    )


def _posts(member: Membership) -> Section:
    posts = (
        Post.objects.filter(member=member)
        .select_related("activity__campaign")
        .order_by("created_at", "pk")
    )
    return Section(
        key="posts",
        title=_("Posts"),
        empty=_("You have not approved any post."),
        columns=(
            Column("network", _("Network"), _labels(Network)),
            Column("campaign", _("Campaign")),
            Column("activity", _("Activity")),
            Column("state", _("State"), _labels(PostState)),
            Column("text", _("Text")),
            Column("link_url", _("Link")),
            Column("approved_at", _("Approved")),
            Column("scheduled_for", _("Scheduled for")),
            Column("published_at", _("Published")),
            Column("cancelled_at", _("Cancelled")),
            Column("attempts", _("Attempts")),
            Column("external_url", _("Address on the network")),
            Column("failure_reason", _("Why it failed")),
            Column("cancelled_reason", _("Why it was cancelled")),
        ),
        rows=[
            {
                "network": post.network,
                "campaign": post.activity.campaign.name if post.activity else "",
                "activity": post.activity.title if post.activity else "",
                "state": post.state,
                "text": post.text,
                "link_url": post.link_url,
                "approved_at": post.approved_at,
                "scheduled_for": post.scheduled_for,
                "published_at": post.published_at,
                "cancelled_at": post.cancelled_at,
                "attempts": post.attempt_count,
                "external_url": post.external_url,
                "failure_reason": post.failure_reason,
                "cancelled_reason": post.cancelled_reason,
            }
            for post in posts
        ],
    )


def _feed(member: Membership) -> Section:
    entries = (
        FeedEntry.objects.filter(member=member)
        .select_related("activity", "campaign")
        .order_by("created_at", "pk")
    )
    return Section(
        key="feed",
        title=_("Activities offered to you"),
        empty=_("No activity has been offered to you yet."),
        columns=(
            Column("campaign", _("Campaign")),
            Column("activity", _("Activity")),
            Column("state", _("State"), _labels(FeedState)),
            Column("offered_at", _("Offered")),
            Column("updated_at", _("Last changed")),
        ),
        rows=[
            {
                "campaign": entry.campaign.name,
                "activity": entry.activity.title,
                "state": entry.state,
                "offered_at": entry.created_at,
                "updated_at": entry.updated_at,
            }
            for entry in entries
        ],
    )


def _notifications(member: Membership) -> Section:
    notifications = Notification.objects.filter(member=member).order_by("created_at", "pk")
    return Section(
        key="notifications",
        title=_("Notifications"),
        empty=_("You have no notifications."),
        columns=(
            Column("kind", _("Kind"), _labels(NotificationKind)),
            Column("message", _("Message")),
            Column("created_at", _("Sent")),
            Column("read_at", _("Read")),
            Column("emailed_at", _("Emailed")),
        ),
        rows=[
            {
                "kind": notification.kind,
                "message": notification.message,
                "created_at": notification.created_at,
                "read_at": notification.read_at,
                "emailed_at": notification.emailed_at,
            }
            for notification in notifications
        ],
    )


def _digest(member: Membership) -> Section:
    preference = DigestPreference.objects.filter(member=member).first()
    return Section(
        key="email_digest",
        title=_("Email digest"),
        single=True,
        columns=(
            Column("frequency", _("How often"), _labels(DigestFrequency)),
            Column("last_sent_at", _("Last sent")),
        ),
        rows=[
            {
                "frequency": preference.frequency if preference else DEFAULT_DIGEST_FREQUENCY,
                "last_sent_at": preference.last_sent_at if preference else None,
            }
        ],
    )


def _pilot_feedback(member: Membership) -> Section:
    answers = (
        PilotFeedback.objects.filter(member=member)
        .select_related("campaign")
        .order_by("created_at", "pk")
    )
    return Section(
        key="pilot_feedback",
        title=_("Pilot feedback you gave"),
        empty=_("You have not given pilot feedback."),
        columns=(
            Column("campaign", _("Campaign")),
            Column("reaction", _("Reaction"), _labels(PilotReaction)),
            Column("comment", _("Comment")),
            Column("created_at", _("Given")),
        ),
        rows=[
            {
                "campaign": answer.campaign.name,
                "reaction": answer.reaction,
                "comment": answer.comment,
                "created_at": answer.created_at,
            }
            for answer in answers
        ],
    )


def _policy_acknowledgments(member: Membership) -> Section:
    acknowledgments = (
        Acknowledgment.objects.filter(member=member)
        .select_related("version")
        .order_by("acknowledged_at", "pk")
    )
    return Section(
        key="policy_acknowledgments",
        title=_("Social media policy versions you accepted"),
        empty=_("You have not accepted a version of the social media policy."),
        columns=(Column("version", _("Version")), Column("accepted_at", _("Accepted"))),
        rows=[
            {"version": ack.version.number, "accepted_at": ack.acknowledged_at}
            for ack in acknowledgments
        ],
    )


def _quiz_attempts(member: Membership) -> Section:
    attempts = (
        QuizAttempt.objects.filter(member=member)
        .select_related("module")
        .order_by("created_at", "pk")
    )
    return Section(
        key="training_quiz_attempts",
        title=_("Training quizzes you took"),
        empty=_("You have not taken a training quiz."),
        columns=(
            Column("module", _("Module")),
            Column("score", _("Score (%)")),
            Column("passed", _("Passed")),
            Column("taken_at", _("Taken")),
        ),
        rows=[
            {
                "module": attempt.module.shown_title,
                "score": attempt.score,
                "passed": attempt.passed,
                "taken_at": attempt.created_at,
            }
            for attempt in attempts
        ],
    )


def _tracked_links(member: Membership) -> Section:
    links = (
        TrackedLink.objects.filter(member=member)
        .select_related("campaign", "activity")
        .order_by("created_at", "pk")
    )
    counted = dict(LinkTotals.objects.filter(link__member=member).values_list("link_id", "counted"))
    base = base_url_of(link_settings_for(organisation=member.organisation))
    return Section(
        key="tracked_links",
        title=_("Your tracked links"),
        note=_("Clicks are stored without addresses: only counts reach this page."),
        empty=_("You have no tracked links."),
        columns=(
            Column("short_url", _("Short link")),
            Column("target", _("Goes to")),
            Column("campaign", _("Campaign")),
            Column("network", _("Network"), _labels(Network)),
            Column("visits", _("Visits counted")),
            Column("created_at", _("Created")),
        ),
        rows=[
            {
                "short_url": base + link.code,
                "target": link.target,
                "campaign": link.campaign.name,
                "network": link.network,
                "visits": counted.get(link.pk, 0),
                "created_at": link.created_at,
            }
            for link in links
        ],
    )


def _incentives(member: Membership) -> list[Section]:
    participations = (
        Participation.objects.filter(member=member)
        .select_related("programme")
        .order_by("joined_at", "pk")
    )
    entries = (
        Entry.objects.filter(member=member)
        .select_related("programme", "campaign")
        .order_by("click_time", "pk")
    )
    return [
        Section(
            key="incentive_programmes",
            title=_("Incentive programmes you joined"),
            empty=_("You have not joined an incentive programme."),
            columns=(
                Column("programme", _("Programme")),
                Column("joined_at", _("Joined")),
                Column("left_at", _("Left")),
            ),
            rows=[
                {
                    "programme": participation.programme.name,
                    "joined_at": participation.joined_at,
                    "left_at": participation.left_at,
                }
                for participation in participations
            ],
        ),
        Section(
            key="incentive_earnings",
            title=_("Your earnings ledger"),
            empty=_("Your earnings ledger is empty."),
            columns=(
                Column("programme", _("Programme")),
                Column("campaign", _("Campaign")),
                Column("clicked_at", _("Clicked")),
                Column("amount", _("Amount")),
                Column("status", _("Status"), _labels(EntryStatus)),
                Column("reason", _("Why"), _labels(Reason)),
            ),
            rows=[
                {
                    "programme": entry.programme.name,
                    "campaign": entry.campaign.name if entry.campaign else "",
                    "clicked_at": entry.click_time,
                    "amount": str(entry.amount),
                    "status": entry.status,
                    "reason": entry.reason,
                }
                for entry in entries
            ],
        ),
    ]


def points_so_far(*, member: Membership) -> dict[str, int]:
    """Points of the activities behind the member's published posts, counted so far."""
    totals = Post.objects.filter(member=member, state=PostState.PUBLISHED).aggregate(
        points=Sum("activity__points", default=0),
        published_posts=Count("pk"),
    )
    return {"points": totals["points"], "published_posts": totals["published_posts"]}


def _points(member: Membership) -> Section:
    return Section(
        key="points",
        title=_("Points"),
        single=True,
        note=_(
            "This is the count so far: the points of the activities behind each of your "
            "published posts, added up."
        ),
        columns=(
            Column("points", _("Points so far")),
            Column("published_posts", _("Published posts")),
        ),
        rows=[points_so_far(member=member)],
    )


def _rally_pledges(member: Membership) -> list[Section]:
    """Rally pledges, when the rallies app is installed."""
    if not apps.is_installed("chorus.rallies"):
        return []
    from chorus.rallies.models import Pledge, RallyState

    pledges = (
        Pledge.objects.filter(member=member)
        .select_related("rally", "account", "post")
        .order_by("created_at", "pk")
    )
    return [
        Section(
            key="rally_pledges",
            title=_("Rally pledges"),
            empty=_("You have not pledged to any rally."),
            columns=(
                Column("rally", _("Rally")),
                Column("rally_state", _("Rally state"), _labels(RallyState)),
                Column("account", _("Account")),
                Column("pledged_at", _("Pledged")),
                Column("withdrawn_at", _("Withdrawn")),
                Column("post_state", _("Post state"), _labels(PostState)),
            ),
            rows=[
                {
                    "rally": pledge.rally.title,
                    "rally_state": pledge.rally.state,
                    "account": str(pledge.account),
                    "pledged_at": pledge.created_at,
                    "withdrawn_at": pledge.withdrawn_at,
                    "post_state": pledge.post.state,
                }
                for pledge in pledges
            ],
        )
    ]


def _api_tokens(member: Membership) -> list[Section]:
    """The member's API tokens (never their secrets), when the API app is installed."""
    if not apps.is_installed("chorus.api"):
        return []
    from chorus.api.models import ApiToken

    tokens = ApiToken.objects.filter(member=member).order_by("created_at", "pk")
    return [
        Section(
            key="api_tokens",
            title=_("API tokens"),
            empty=_("You have no API tokens."),
            columns=(
                Column("name", _("Name")),
                Column("prefix", _("Starts with")),
                Column("created_at", _("Created")),
                Column("last_used_at", _("Last used")),
                Column("expires_at", _("Expires")),
                Column("revoked_at", _("Revoked")),
            ),
            rows=[
                {
                    "name": token.name,
                    "prefix": token.prefix,
                    "created_at": token.created_at,
                    "last_used_at": token.last_used_at,
                    "expires_at": token.expires_at,
                    "revoked_at": token.revoked_at,
                }
                for token in tokens
            ],
        )
    ]


SECTION_BUILDERS: tuple[Callable[[Membership], Section], ...] = (
    _membership,
    _consents,
    _connected_accounts,
    _posts,
    _points,
    _feed,
    _pilot_feedback,
    _policy_acknowledgments,
    _quiz_attempts,
    _tracked_links,
    _notifications,
    _digest,
)


def member_data(*, member: Membership) -> list[Section]:
    """Every section of what the organisation stores about ``member``, in reading order."""
    return [
        _profile(member.user),
        *(build(member) for build in SECTION_BUILDERS),
        *_rally_pledges(member),
        *_incentives(member),
        *_api_tokens(member),
    ]


def member_data_export(*, member: Membership, now: datetime | None = None) -> dict[str, Any]:
    """The same sections as plain data, for a JSON download."""
    organisation: Organisation = member.organisation
    return {
        "exported_at": now or timezone.now(),
        "organisation": {"name": organisation.name, "slug": organisation.slug},
        **{section.key: section.export() for section in member_data(member=member)},
    }


def memberships_of(*, user: User) -> list[Membership]:
    """Every membership of ``user``, active or not."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def organisations_only_owned_by(*, user: User) -> list[Organisation]:
    """Organisations where ``user`` is the only active owner, which deleting them would orphan."""
    owned = Membership.objects.filter(
        user=user, role=Role.OWNER, is_active=True, user__is_active=True
    ).values("organisation_id")
    other_owners = (
        Membership.objects.filter(
            organisation_id__in=owned, role=Role.OWNER, is_active=True, user__is_active=True
        )
        .exclude(user=user)
        .values("organisation_id")
    )
    return list(
        Organisation.objects.filter(pk__in=owned).exclude(pk__in=other_owners).order_by("name")
    )
