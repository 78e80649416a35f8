"""Reads on rallies: progress, who may see what, and what a pledge would look like."""

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from chorus.campaigns.models import Activity, Campaign
from chorus.networks.models import AccountStatus, ConnectedAccount
from chorus.networks.networks import profile_for
from chorus.networks.text import remaining
from chorus.orgs.models import Membership, Organisation
from chorus.publishing.models import PostState
from chorus.rallies.models import Pledge, Rally, RallyState
from chorus.sharing.models import AdvocacySettings, DuplicateGuardMode, FeedEntry, ProgrammeConsent
from chorus.sharing.similarity import Match, most_similar, signature
from chorus.sharing.text import final_text, fits

# A pledge counts while it is not withdrawn and its post was not cancelled some other way
# (the member left the programme, or disconnected the account).
LIVE_PLEDGE = Q(withdrawn_at__isnull=True) & ~Q(post__state=PostState.CANCELLED)


def live_pledges(*, rally: Rally) -> QuerySet[Pledge]:
    return Pledge.objects.filter(LIVE_PLEDGE, rally=rally)


def with_progress(rallies: QuerySet[Rally]) -> QuerySet[Rally]:
    """Annotate ``pledge_count``: the live pledges of each rally."""
    live = Q(pledges__withdrawn_at__isnull=True) & ~Q(pledges__post__state=PostState.CANCELLED)
    return rallies.annotate(pledge_count=Count("pledges", filter=live))


def rallies_of(*, organisation: Organisation) -> QuerySet[Rally]:
    """Every rally of the organisation, newest first, for the people who run them."""
    return with_progress(
        Rally.objects.filter(organisation=organisation).select_related("activity__campaign")
    ).order_by("-created_at", "-pk")


def rallies_for_member(*, member: Membership) -> QuerySet[Rally]:
    """Rallies about activities in the member's feed: open ones first, then the rest."""
    in_feed = FeedEntry.objects.filter(member=member, activity_id=OuterRef("activity_id"))
    open_first = Case(
        When(state=RallyState.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        with_progress(Rally.objects.filter(Exists(in_feed), organisation_id=member.organisation_id))
        .select_related("activity__campaign")
        .order_by(open_first, "deadline", "-pk")
    )


def pledges_of(*, member: Membership, rally: Rally) -> QuerySet[Pledge]:
    return (
        Pledge.objects.filter(member=member, rally=rally)
        .select_related("account", "post")
        .order_by("-created_at", "-pk")
    )


def live_pledge_of(*, member: Membership, rally: Rally, account: ConnectedAccount) -> Pledge | None:
    return live_pledges(rally=rally).filter(member=member, account=account).first()


@dataclass(frozen=True)
class PledgeSummary:
    live: int
    withdrawn: int
    by_network: list[tuple[str, int]]
    by_post_state: list[tuple[str, int]]


def pledge_summary(*, rally: Rally) -> PledgeSummary:
    """Counts only: who wrote what stays between each member and their audience."""
    pledges = Pledge.objects.filter(rally=rally)
    live = pledges.filter(LIVE_PLEDGE)
    by_network = live.values_list("account__network").annotate(n=Count("pk")).order_by("-n")
    by_state = pledges.values_list("post__state").annotate(n=Count("pk")).order_by("-n")
    state_labels = dict(PostState.choices)
    return PledgeSummary(
        live=live.count(),
        withdrawn=pledges.filter(withdrawn_at__isnull=False).count(),
        by_network=[(str(profile_for(network).network.label), n) for network, n in by_network],
        by_post_state=[(str(state_labels.get(state, state)), n) for state, n in by_state],
    )


def is_participant(*, member: Membership) -> bool:
    return ProgrammeConsent.objects.filter(member=member, left_at__isnull=True).exists()


def allows_network(campaign: Campaign, network: str) -> bool:
    """A campaign without a list of networks suits every network."""
    return not campaign.networks or network in campaign.networks


def pledge_accounts(*, member: Membership, campaign: Campaign) -> QuerySet[ConnectedAccount]:
    """The member's accounts that may pledge: connected, in the programme, allowed here."""
    accounts = ConnectedAccount.objects.filter(
        member=member, status=AccountStatus.ACTIVE, takes_part=True
    )
    if campaign.networks:
        accounts = accounts.filter(network__in=campaign.networks)
    return accounts.order_by("network", "handle")


def suggestion_for(*, activity: Activity, network: str, language: str) -> str:
    """The suggested caption closest to this network and language, or nothing.

    A caption for this network beats one for every network; the member's language
    beats any other.
    """
    suggestions = list(activity.suggestions.filter(network__in=[network, ""]))
    preferences = [(network, language), ("", language), (network, None), ("", None)]
    for wanted_network, wanted_language in preferences:
        for suggestion in suggestions:
            if suggestion.network == wanted_network and wanted_language in (
                None,
                suggestion.language,
            ):
                return suggestion.text
    return ""


def advocacy_settings(*, organisation: Organisation) -> AdvocacySettings:
    settings, _created = AdvocacySettings.objects.get_or_create(organisation=organisation)
    return settings


@dataclass(frozen=True)
class Similarity:
    score: float
    # Which text it resembles: "pledge" (a colleague's) or "suggestion" (the one offered).
    resembles: str
    blocks: bool

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def find_similar(
    *,
    rally: Rally,
    member: Membership,
    network: str,
    draft_signature: list[int],
    settings: AdvocacySettings,
) -> Similarity | None:
    """The closest other pledge or suggestion, if it is too close to the draft."""
    others = live_pledges(rally=rally).exclude(Q(member=member) & ~Q(post__network=network))
    pledge_match = most_similar(draft_signature, others.values_list("pk", "post__signature"))
    suggestion_match = most_similar(
        draft_signature,
        (
            (suggestion.pk, signature(suggestion.text, ignore=settings.disclosure))
            for suggestion in rally.activity.suggestions.all()
        ),
    )
    closest: tuple[str, Match] | None = None
    for resembles, match in (("pledge", pledge_match), ("suggestion", suggestion_match)):
        if match is not None and (closest is None or match.score > closest[1].score):
            closest = (resembles, match)
    if closest is None or closest[1].score < settings.duplicate_threshold:
        return None
    blocks = (
        profile_for(network).forbids_similar_posts
        or settings.duplicate_guard == DuplicateGuardMode.BLOCK
    )
    return Similarity(score=closest[1].score, resembles=closest[0], blocks=blocks)


@dataclass(frozen=True)
class PledgePreview:
    text: str
    characters_left: int
    fits: bool
    similarity: Similarity | None

    @property
    def characters_over(self) -> int:
        return max(0, -self.characters_left)


def preview_pledge(
    *,
    rally: Rally,
    member: Membership,
    account: ConnectedAccount | None,
    text: str,
    link_url: str,
) -> PledgePreview:
    """The exact text that would go out, disclosure and link included, and how it fares."""
    settings = advocacy_settings(organisation=rally.organisation)
    final = final_text(text.strip(), disclosure=settings.disclosure, link_url=link_url)
    if account is None:
        return PledgePreview(text=final, characters_left=0, fits=True, similarity=None)
    similar = None
    if text.strip():
        similar = find_similar(
            rally=rally,
            member=member,
            network=account.network,
            draft_signature=signature(final, ignore=settings.disclosure),
            settings=settings,
        )
    return PledgePreview(
        text=final,
        characters_left=remaining(final, network=account.network),
        fits=fits(final, network=account.network),
        similarity=similar,
    )
