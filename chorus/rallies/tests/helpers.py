"""Building blocks for rally tests: a live campaign offered to people who joined the programme."""

import random
import uuid
from datetime import datetime, timedelta

from django.utils import timezone

from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState, Suggestion
from chorus.conftest import make_member
from chorus.links.models import TrackedLink
from chorus.links.selectors import short_url
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.orgs.models import Membership, Organisation
from chorus.orgs.roles import Role
from chorus.rallies import services
from chorus.rallies.models import Pledge, Rally
from chorus.sharing.feed import offer_campaign
from chorus.sharing.models import ProgrammeConsent

LINK = "https://acme.test/news/helsinki-office"
SUGGESTION = "We opened our new Helsinki office today and the whole team is thrilled about it."

# Made-up words: random picks of them share hardly any three-word run.
_VOCABULARY = [consonant + vowel + "ro" for consonant in "bcdfghklmnpstvz" for vowel in "aeiou"]


def tracked_link_of(account: ConnectedAccount, activity: Activity) -> str:
    """The member's own short link for the activity on that account's network."""
    link = TrackedLink.objects.get(
        member=account.member, activity=activity, network=account.network
    )
    assert link.target.startswith(f"{LINK}?utm_source={account.network}&")
    return short_url(link)


def now() -> datetime:
    return timezone.now().replace(microsecond=0)


def own_words(seed: int) -> str:
    """A text of its own: random words, so no two seeds read alike."""
    words = random.Random(seed).sample(_VOCABULARY, 14)
    return "Proud of this one: " + " ".join(words) + "."


def live_activity(
    organisation: Organisation,
    *,
    networks: list[str] | None = None,
    kind: str = ActivityKind.SHARE_LINK,
) -> Activity:
    campaign = Campaign.objects.create(
        organisation=organisation,
        name="Helsinki office",
        state=CampaignState.LIVE,
        languages=["en"],
        networks=networks or [],
    )
    activity = Activity.objects.create(
        campaign=campaign, kind=kind, title="Share the news", link_url=LINK, topic="Helsinki"
    )
    Suggestion.objects.create(activity=activity, language="en", text=SUGGESTION)
    Suggestion.objects.create(
        activity=activity, network="x", language="en", text="Helsinki office is open!"
    )
    return activity


def offer(activity: Activity) -> None:
    """Put the activity into the feed of every member there is (so: add members first)."""
    offer_campaign(campaign=activity.campaign)


def join(member: Membership) -> ProgrammeConsent:
    return ProgrammeConsent.objects.create(member=member, terms_version=1, terms_text="terms")


def connect(
    member: Membership,
    *,
    network: str = "outbox",
    takes_part: bool = True,
    status: str = AccountStatus.ACTIVE,
) -> ConnectedAccount:
    return ConnectedAccount.objects.create(
        organisation=member.organisation,
        member=member,
        network=network,
        external_id=str(uuid.uuid4()),
        handle=f"@{member.user.email.split('@')[0]}-{network}",
        status=status,
        takes_part=takes_part,
    )


def participant(organisation: Organisation, number: int) -> tuple[Membership, ConnectedAccount]:
    """A new employee in the programme with an outbox account that takes part."""
    member = make_member(organisation, Role.EMPLOYEE, f"pledger{number}@acme.test")
    join(member)
    return member, connect(member)


def open_rally(
    *,
    by: Membership,
    activity: Activity,
    at: datetime,
    goal: int = 3,
    deadline_in: timedelta = timedelta(days=2),
    window_gap: timedelta = timedelta(hours=1),
    window: timedelta = timedelta(hours=4),
) -> Rally:
    deadline = at + deadline_in
    return services.create_rally(
        by=by,
        activity=activity,
        title="Welcome Helsinki",
        call_to_action="Tell your network why the new office matters to you.",
        goal_pledges=goal,
        deadline=deadline,
        window_starts_at=deadline + window_gap,
        window_ends_at=deadline + window_gap + window,
        now=at,
    )


def pledge_own_words(
    member: Membership, account: ConnectedAccount, rally: Rally, *, seed: int, at: datetime
) -> Pledge:
    return services.pledge(
        member=member, rally=rally, account=account, text=own_words(seed), now=at
    )
