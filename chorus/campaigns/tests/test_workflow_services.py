"""The review workflow: who may move a campaign where, what each move needs and records."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.campaigns import services
from chorus.campaigns.models import (
    Activity,
    ActivityKind,
    Campaign,
    CampaignReview,
    CampaignState,
    Recurrence,
    ReviewDecision,
)
from chorus.campaigns.tests.conftest import add_share_link
from chorus.core.workflow import TransitionNotAllowed
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs import services as org_services
from chorus.sharing.models import FeedEntry

MOMENT = datetime(2030, 5, 6, 7, 8, tzinfo=UTC)
ALL_STATES = [state.value for state in CampaignState]

# Written out rather than read from the workflow, so a changed workflow fails here.
ALLOWED_FROM = {
    "submit": {"draft"},
    "request_changes": {"in_review"},
    "approve": {"in_review"},
    "start_pilot": {"approved"},
    "revise": {"approved", "pilot"},
    "go_live": {"approved", "pilot"},
    "end": {"live"},
    "archive": {"draft", "ended"},
}
TARGET = {
    "submit": "in_review",
    "request_changes": "draft",
    "approve": "approved",
    "start_pilot": "pilot",
    "revise": "draft",
    "go_live": "live",
    "end": "ended",
    "archive": "archived",
}
AUDIT = {
    "submit": AuditAction.CAMPAIGN_SUBMITTED,
    "request_changes": AuditAction.CAMPAIGN_CHANGES_REQUESTED,
    "approve": AuditAction.CAMPAIGN_APPROVED,
    "start_pilot": AuditAction.CAMPAIGN_PILOT_STARTED,
    "revise": AuditAction.CAMPAIGN_REVISED,
    "go_live": AuditAction.CAMPAIGN_WENT_LIVE,
    "end": AuditAction.CAMPAIGN_ENDED,
    "archive": AuditAction.CAMPAIGN_ARCHIVED,
}
MANAGERS = {"owner", "admin", "content_manager"}
REVIEWERS = {"owner", "admin", "reviewer"}
ROLES_FOR = {
    "submit": MANAGERS,
    "request_changes": REVIEWERS,
    "approve": REVIEWERS,
    "start_pilot": MANAGERS,
    "revise": MANAGERS,
    "go_live": MANAGERS,
    "end": MANAGERS,
    "archive": MANAGERS,
}


def run(transition: str, *, by, campaign: Campaign, now=MOMENT) -> None:
    if transition == "request_changes":
        services.request_changes(by=by, campaign=campaign, comment="Fix the tone", now=now)
    elif transition == "approve":
        services.approve_campaign(by=by, campaign=campaign, now=now)
    else:
        services.apply_transition(by=by, campaign=campaign, transition=transition, now=now)


def put_in(campaign: Campaign, state: str, *, submitted_by) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(state=state, submitted_by=submitted_by)
    campaign.refresh_from_db()
    return campaign


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("transition", list(ALLOWED_FROM))
def test_each_transition_is_allowed_exactly_from_its_states(
    transition, state, ready_campaign, owner, content_manager
):
    campaign = put_in(ready_campaign, state, submitted_by=content_manager)
    events_before = AuditEvent.objects.count()

    if state in ALLOWED_FROM[transition]:
        run(transition, by=owner, campaign=campaign)
        campaign.refresh_from_db()
        assert campaign.state == TARGET[transition]
        assert campaign.state_changed_at == MOMENT
        event = AuditEvent.objects.get(action=AUDIT[transition])
        assert event.actor == owner.user
        assert event.object_id == str(campaign.pk)
        assert event.before == {"state": state}
        assert (event.after or {})["state"] == TARGET[transition]
    else:
        with pytest.raises(TransitionNotAllowed):
            run(transition, by=owner, campaign=campaign)
        campaign.refresh_from_db()
        assert campaign.state == state
        assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(
    "role", ["owner", "admin", "content_manager", "reviewer", "responder", "employee"]
)
@pytest.mark.parametrize("transition", list(ALLOWED_FROM))
def test_each_transition_needs_its_capability(transition, role, cast, ready_campaign, outsider):
    # Someone who is not the actor submitted it, so the four-eyes rule stays out of the way.
    submitter = cast["admin"] if role != "admin" else cast["owner"]
    source = sorted(ALLOWED_FROM[transition])[0]
    campaign = put_in(ready_campaign, source, submitted_by=submitter)

    if role in ROLES_FOR[transition]:
        run(transition, by=cast[role], campaign=campaign)
        campaign.refresh_from_db()
        assert campaign.state == TARGET[transition]
    else:
        with pytest.raises(PermissionDenied):
            run(transition, by=cast[role], campaign=campaign)
        campaign.refresh_from_db()
        assert campaign.state == source


@pytest.mark.parametrize("transition", list(ALLOWED_FROM))
def test_nobody_from_another_organisation_moves_a_campaign(transition, ready_campaign, outsider):
    campaign = put_in(ready_campaign, sorted(ALLOWED_FROM[transition])[0], submitted_by=None)

    with pytest.raises(PermissionDenied):
        run(transition, by=outsider, campaign=campaign)


def test_a_stale_copy_cannot_move_a_campaign_someone_else_moved(in_review, reviewer, admin):
    stale = Campaign.objects.get(pk=in_review.pk)
    services.approve_campaign(by=reviewer, campaign=in_review)

    with pytest.raises(TransitionNotAllowed):
        services.request_changes(by=admin, campaign=stale, comment="Too late")

    in_review.refresh_from_db()
    assert in_review.state == CampaignState.APPROVED
    assert not CampaignReview.objects.filter(decision=ReviewDecision.CHANGES_REQUESTED).exists()


# --- submit -------------------------------------------------------------------------------


def test_submit_needs_an_activity(campaign, content_manager):
    with pytest.raises(ValidationError) as excinfo:
        services.submit_campaign(by=content_manager, campaign=campaign)

    assert "at least one activity" in excinfo.value.messages[0]
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT


def test_submit_needs_a_suggestion_for_every_shared_link(campaign, content_manager):
    add_share_link(campaign, content_manager, with_suggestion=False)

    with pytest.raises(ValidationError) as excinfo:
        services.submit_campaign(by=content_manager, campaign=campaign)

    assert "“Share the launch post” shares a link but has no suggested text." in (
        excinfo.value.messages
    )
    assert Campaign.objects.get(pk=campaign.pk).state == CampaignState.DRAFT


def test_submit_refuses_expired_activities(campaign, content_manager):
    services.add_activity(
        by=content_manager,
        campaign=campaign,
        kind=ActivityKind.OWN_POST,
        title="Old news",
        topic="t",
        expires_at=MOMENT + timedelta(hours=1),
        now=MOMENT,
    )

    with pytest.raises(ValidationError) as excinfo:
        services.submit_campaign(
            by=content_manager, campaign=campaign, now=MOMENT + timedelta(days=1)
        )

    assert "“Old news” has already expired." in excinfo.value.messages


def test_submit_records_the_submitter_and_tells_the_reviewers(
    ready_campaign, content_manager, cast, organisation
):
    services.submit_campaign(by=content_manager, campaign=ready_campaign)

    ready_campaign.refresh_from_db()
    assert ready_campaign.submitted_by == content_manager
    told = Notification.objects.filter(kind=NotificationKind.CAMPAIGN_REVIEW)
    assert {n.member.role for n in told} == {"owner", "admin", "reviewer"}
    notification = told.get(member=cast["reviewer"])
    assert notification.url == f"/o/acme/campaigns/{ready_campaign.pk}/"
    assert notification.params["campaign"] == ready_campaign.pk
    assert notification.params["name"] == "Spring launch"


def test_submit_does_not_tell_inactive_reviewers_or_the_submitter(ready_campaign, cast):
    org_services.deactivate_member(by=cast["owner"], member=cast["reviewer"])

    services.submit_campaign(by=cast["admin"], campaign=ready_campaign)

    told = Notification.objects.filter(kind=NotificationKind.CAMPAIGN_REVIEW)
    assert [n.member for n in told] == [cast["owner"]]


# --- request changes and approve --------------------------------------------------------


def test_request_changes_needs_a_comment(in_review, reviewer):
    with pytest.raises(ValidationError) as excinfo:
        services.request_changes(by=reviewer, campaign=in_review, comment="   ")

    assert excinfo.value.message_dict == {"comment": ["Say what needs to change."]}
    in_review.refresh_from_db()
    assert in_review.state == CampaignState.IN_REVIEW
    assert not CampaignReview.objects.exists()


def test_request_changes_records_the_review_and_tells_the_submitter(
    in_review, reviewer, content_manager
):
    review = services.request_changes(
        by=reviewer, campaign=in_review, comment=" Less hype, please. ", now=MOMENT
    )

    in_review.refresh_from_db()
    assert in_review.state == CampaignState.DRAFT
    assert (review.reviewer, review.decision, review.comment, review.created_at) == (
        reviewer,
        ReviewDecision.CHANGES_REQUESTED,
        "Less hype, please.",
        MOMENT,
    )
    notification = Notification.objects.get(member=content_manager)
    assert notification.kind == NotificationKind.CAMPAIGN_REVIEW
    assert notification.params["comment"] == "Less hype, please."
    event = AuditEvent.objects.get(action=AuditAction.CAMPAIGN_CHANGES_REQUESTED)
    assert event.after == {"state": "draft", "comment": "Less hype, please."}


def test_approve_records_the_review_with_an_optional_comment(in_review, reviewer):
    review = services.approve_campaign(by=reviewer, campaign=in_review, comment="Lovely")

    in_review.refresh_from_db()
    assert in_review.state == CampaignState.APPROVED
    assert (review.decision, review.comment) == (ReviewDecision.APPROVED, "Lovely")


def test_four_eyes_the_submitter_cannot_approve(ready_campaign, admin, owner):
    services.submit_campaign(by=admin, campaign=ready_campaign)

    with pytest.raises(ValidationError) as excinfo:
        services.approve_campaign(by=admin, campaign=ready_campaign)

    assert "someone else must approve it" in excinfo.value.messages[0]
    ready_campaign.refresh_from_db()
    assert ready_campaign.state == CampaignState.IN_REVIEW
    assert not AuditEvent.objects.filter(action=AuditAction.CAMPAIGN_APPROVED).exists()

    services.approve_campaign(by=owner, campaign=ready_campaign)
    ready_campaign.refresh_from_db()
    assert ready_campaign.state == CampaignState.APPROVED


# --- pilot and live ---------------------------------------------------------------------


def test_start_pilot_needs_a_pilot_team_with_an_active_member(
    approved, content_manager, pilot_team, employee, responder, owner
):
    for member in (employee, responder):
        org_services.deactivate_member(by=owner, member=member)

    with pytest.raises(ValidationError) as excinfo:
        services.start_pilot(by=content_manager, campaign=approved)
    assert "pilot team with at least one active member" in excinfo.value.messages[0]

    Campaign.objects.filter(pk=approved.pk).update(pilot_team=None)
    approved.refresh_from_db()
    with pytest.raises(ValidationError):
        services.start_pilot(by=content_manager, campaign=approved)
    assert Campaign.objects.get(pk=approved.pk).state == CampaignState.APPROVED


def test_start_pilot_offers_the_campaign_to_the_pilot_team_only(
    approved, content_manager, employee, responder, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.start_pilot(by=content_manager, campaign=approved)

    approved.refresh_from_db()
    assert approved.state == CampaignState.PILOT
    offered = set(FeedEntry.objects.filter(campaign=approved).values_list("member", flat=True))
    assert offered == {employee.pk, responder.pk}


def test_go_live_offers_every_targeted_member(
    approved,
    content_manager,
    teams,
    employee,
    reviewer,
    responder,
    django_capture_on_commit_callbacks,
):
    employee.teams.add(teams["Sales"])
    reviewer.teams.add(teams["Sales"])
    approved.target_teams.set([teams["Sales"]])

    with django_capture_on_commit_callbacks(execute=True):
        services.go_live(by=content_manager, campaign=approved)

    approved.refresh_from_db()
    assert approved.state == CampaignState.LIVE
    offered = set(FeedEntry.objects.filter(campaign=approved).values_list("member", flat=True))
    assert offered == {employee.pk, reviewer.pk}


def test_going_live_schedules_the_next_occurrence_of_evergreen_activities(
    ready_campaign, content_manager, reviewer
):
    weekly = services.add_activity(
        by=content_manager,
        campaign=ready_campaign,
        kind=ActivityKind.OWN_POST,
        title="Weekly tip",
        topic="Tips",
        recurrence=Recurrence.WEEKLY,
    )
    monthly = services.add_activity(
        by=content_manager,
        campaign=ready_campaign,
        kind=ActivityKind.OWN_POST,
        title="Monthly",
        topic="News",
        recurrence=Recurrence.MONTHLY,
    )
    services.submit_campaign(by=content_manager, campaign=ready_campaign)
    services.approve_campaign(by=reviewer, campaign=ready_campaign)
    moment = datetime(2030, 1, 31, 12, 0, tzinfo=UTC)

    services.go_live(by=content_manager, campaign=ready_campaign, now=moment)

    assert Activity.objects.get(pk=weekly.pk).next_occurrence_at == moment + timedelta(weeks=1)
    assert Activity.objects.get(pk=monthly.pk).next_occurrence_at == datetime(
        2030, 2, 28, 12, 0, tzinfo=UTC
    )
    once = ready_campaign.activities.get(kind=ActivityKind.SHARE_LINK)
    assert once.next_occurrence_at is None


def test_revise_returns_a_pilot_to_draft_for_a_new_review(in_pilot, content_manager, reviewer):
    services.revise_campaign(by=content_manager, campaign=in_pilot)

    in_pilot.refresh_from_db()
    assert in_pilot.state == CampaignState.DRAFT
    services.update_campaign(
        by=content_manager,
        campaign=in_pilot,
        name="Spring launch, revised",
        languages=in_pilot.languages,
        networks=in_pilot.networks,
        pilot_team=in_pilot.pilot_team,
    )
    with pytest.raises(TransitionNotAllowed):
        services.go_live(by=content_manager, campaign=in_pilot)


def test_unknown_button_transition_is_refused(ready_campaign, content_manager):
    with pytest.raises(ValidationError):
        services.apply_transition(by=content_manager, campaign=ready_campaign, transition="approve")
    assert Campaign.objects.get(pk=ready_campaign.pk).state == CampaignState.DRAFT
