"""Pilot feedback: only the pilot team, only during the pilot, one answer each."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.campaigns import services
from chorus.campaigns.models import Campaign, CampaignState, PilotFeedback, PilotReaction
from chorus.notifications.models import Notification, NotificationKind
from chorus.orgs import services as org_services


def test_a_pilot_member_answers_and_the_creator_is_told(in_pilot, employee, content_manager):
    feedback = services.record_pilot_feedback(
        by=employee, campaign=in_pilot, reaction=PilotReaction.MIXED, comment=" Too salesy "
    )

    assert (feedback.member, feedback.reaction, feedback.comment) == (
        employee,
        "mixed",
        "Too salesy",
    )
    notification = Notification.objects.get(kind=NotificationKind.PILOT_FEEDBACK)
    assert notification.member == content_manager
    assert notification.url == f"/o/acme/campaigns/{in_pilot.pk}/"
    assert notification.params["reaction"] == "mixed"


def test_a_second_answer_replaces_the_first(in_pilot, employee):
    services.record_pilot_feedback(by=employee, campaign=in_pilot, reaction=PilotReaction.NEGATIVE)
    services.record_pilot_feedback(
        by=employee, campaign=in_pilot, reaction=PilotReaction.POSITIVE, comment="On reflection"
    )

    assert list(PilotFeedback.objects.values_list("member", "reaction", "comment")) == [
        (employee.pk, "positive", "On reflection")
    ]


def test_someone_outside_the_pilot_team_cannot_answer(in_pilot, reviewer, admin):
    for member in (reviewer, admin):
        with pytest.raises(ValidationError) as excinfo:
            services.record_pilot_feedback(
                by=member, campaign=in_pilot, reaction=PilotReaction.POSITIVE
            )
        assert "pilot team" in excinfo.value.messages[0]
    assert not PilotFeedback.objects.exists()


def test_a_deactivated_pilot_member_cannot_answer(in_pilot, employee, owner):
    org_services.deactivate_member(by=owner, member=employee)
    employee.refresh_from_db()

    with pytest.raises(ValidationError):
        services.record_pilot_feedback(by=employee, campaign=in_pilot, reaction="positive")


def test_an_outsider_cannot_answer(in_pilot, outsider):
    with pytest.raises(PermissionDenied):
        services.record_pilot_feedback(by=outsider, campaign=in_pilot, reaction="positive")


@pytest.mark.parametrize("state", ["draft", "in_review", "approved", "live", "ended", "archived"])
def test_answers_only_while_in_pilot(state, in_pilot, employee):
    Campaign.objects.filter(pk=in_pilot.pk).update(state=state)
    in_pilot.refresh_from_db()

    with pytest.raises(ValidationError) as excinfo:
        services.record_pilot_feedback(by=employee, campaign=in_pilot, reaction="positive")

    assert excinfo.value.code == "not_in_pilot"
    assert not PilotFeedback.objects.exists()


def test_reaction_must_be_one_of_the_choices(in_pilot, employee):
    with pytest.raises(ValidationError) as excinfo:
        services.record_pilot_feedback(by=employee, campaign=in_pilot, reaction="meh")

    assert "reaction" in excinfo.value.message_dict
    assert in_pilot.state == CampaignState.PILOT
