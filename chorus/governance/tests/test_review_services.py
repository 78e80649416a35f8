"""The reviewer queue and the last check before publishing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.governance import selectors, services
from chorus.governance.models import Evaluation, ReviewRequest, ReviewState
from chorus.notifications.models import Notification, NotificationKind
from chorus.publishing.models import PostState, text_fingerprint
from chorus.publishing.tests.factories import connect, join_programme, scheduled_post


@pytest.fixture
def account(employee):
    join_programme(employee)
    return connect(employee)


@pytest.fixture
def guaranteed(content_manager):
    return services.create_rule(
        by=content_manager,
        kind="banned_phrases",
        name="Promises",
        severity="review",
        explanation="Financial promises need a second look.",
        config={"terms": [{"text": "guaranteed returns"}]},
    )


@pytest.fixture
def held_post(account, guaranteed):
    post = scheduled_post(account, text="Guaranteed returns for everyone!")
    gate = services.gate_before_publishing(post=post)
    assert gate.hold
    return post


def test_a_review_level_finding_holds_the_post_and_queues_it(held_post, organisation):
    held_post.refresh_from_db()
    assert held_post.state == PostState.SCHEDULED
    assert held_post.next_attempt_at is None
    review = ReviewRequest.objects.get()
    assert review.state == ReviewState.PENDING
    assert review.text_sha256 == text_fingerprint(held_post.text)
    assert review.evaluation and review.evaluation.stage == "publishing"
    assert list(selectors.pending_reviews(organisation=organisation)) == [review]
    assert selectors.is_awaiting_review(post=held_post)


def test_asking_again_for_the_same_text_reuses_the_request(held_post):
    services.request_review(post=held_post)

    assert ReviewRequest.objects.count() == 1


def test_approval_lets_the_post_go_out_as_planned(held_post, reviewer):
    review = ReviewRequest.objects.get()
    now = timezone.now()

    services.approve_review(by=reviewer, review=review, reason="Fine, it is a joke.", now=now)

    review.refresh_from_db()
    held_post.refresh_from_db()
    assert review.state == ReviewState.APPROVED
    assert (review.decided_by, review.reason) == (reviewer, "Fine, it is a joke.")
    assert held_post.next_attempt_at == max(held_post.scheduled_for, now)
    assert services.gate_before_publishing(post=held_post) == services.PublishGate()
    event = AuditEvent.objects.get(action=AuditAction.COMPLIANCE_REVIEW_APPROVED)
    assert event.actor == reviewer.user
    assert event.after == {"post": held_post.pk, "reason": "Fine, it is a joke."}
    assert list(selectors.reviews_of_member(member=held_post.member)) == [review]


def test_approval_tells_the_author_with_the_reviewers_note(held_post, reviewer):
    services.approve_review(by=reviewer, review=ReviewRequest.objects.get(), reason="Fine.")

    notification = Notification.objects.get(member=held_post.member)
    assert notification.kind == NotificationKind.POST_REVIEW_APPROVED
    assert notification.message == "A reviewer approved your post on Development outbox: Fine."
    assert notification.url.endswith("/governance/my-reviews/")


def test_rejection_cancels_the_post_and_tells_the_author_why(held_post, admin, employee):
    review = ReviewRequest.objects.get()

    services.reject_review(by=admin, review=review, reason="No promises about returns.")

    held_post.refresh_from_db()
    assert held_post.state == PostState.CANCELLED
    assert "No promises about returns." in held_post.cancelled_reason
    notification = Notification.objects.get(member=employee)
    assert notification.kind == NotificationKind.POSTS_CANCELLED
    assert "No promises about returns." in notification.message
    event = AuditEvent.objects.get(action=AuditAction.COMPLIANCE_REVIEW_REJECTED)
    assert event.actor == admin.user


def test_a_rejection_needs_a_reason(held_post, reviewer):
    with pytest.raises(ValidationError) as refused:
        services.reject_review(by=reviewer, review=ReviewRequest.objects.get(), reason="  ")

    assert "reason" in refused.value.message_dict
    assert ReviewRequest.objects.get().state == ReviewState.PENDING


def test_a_review_is_decided_once(held_post, reviewer, admin):
    review = ReviewRequest.objects.get()
    services.approve_review(by=reviewer, review=review)

    with pytest.raises(ValidationError):
        services.reject_review(by=admin, review=ReviewRequest.objects.get(), reason="No")


@pytest.mark.parametrize("role", ["content_manager", "responder", "employee"])
def test_only_reviewers_admins_and_owners_decide(held_post, role, request):
    with pytest.raises(PermissionDenied):
        services.approve_review(
            by=request.getfixturevalue(role), review=ReviewRequest.objects.get()
        )


def test_a_changed_text_needs_its_own_review(held_post, reviewer):
    services.approve_review(by=reviewer, review=ReviewRequest.objects.get())
    held_post.text = "Guaranteed returns, again!"
    held_post.approved_text_sha256 = text_fingerprint(held_post.text)
    held_post.save()

    gate = services.gate_before_publishing(post=held_post)

    assert gate.hold
    assert ReviewRequest.objects.filter(state=ReviewState.PENDING).count() == 1


def test_a_rejected_text_is_refused_at_publishing(held_post, reviewer):
    review = ReviewRequest.objects.get()
    services.reject_review(by=reviewer, review=review, reason="No")

    assert (
        services.gate_before_publishing(post=held_post).refusal == "It was not approved in review."
    )


def test_a_block_level_finding_refuses_the_post(account, confidential):
    post = scheduled_post(account, text="Kuutamon julkaisu on huomenna!")

    gate = services.gate_before_publishing(post=post)

    assert gate.refusal == "It breaks a compliance rule: “Kuutamo” is confidential."
    evaluation = Evaluation.objects.get()
    assert (evaluation.stage, evaluation.post, evaluation.outcome) == ("publishing", post, "block")


def test_a_clean_post_passes_and_is_logged(account, confidential):
    post = scheduled_post(account, text="Nothing secret here")

    assert services.gate_before_publishing(post=post) == services.PublishGate()
    assert Evaluation.objects.get().outcome == "pass"


def test_posts_checked_together_are_logged_in_one_statement_and_each_gated_alone(
    account, confidential, guaranteed
):
    clean, secret, promising = (
        scheduled_post(account, text=text)
        for text in ("Nothing secret here", "Kuutamo ships soon", "Guaranteed returns!")
    )
    now = timezone.now()

    with CaptureQueriesContext(connection) as queries:
        checks = services.check_before_publishing(posts=[clean, secret, promising], now=now)

    logs = [q["sql"] for q in queries if f'INTO "{Evaluation._meta.db_table}"' in q["sql"]]
    assert len(logs) == 1
    stored = {e.post_id: e.outcome for e in Evaluation.objects.filter(stage="publishing")}
    assert stored == {clean.pk: "pass", secret.pk: "block", promising.pk: "review"}
    gates = [services.gate_checked(check=check, now=now) for check in checks]
    assert gates[0] == services.PublishGate()
    assert gates[1].refusal == "It breaks a compliance rule: “Kuutamo” is confidential."
    assert gates[2].hold
    assert ReviewRequest.objects.get().evaluation == checks[2].evaluation


def test_withdrawing_reviews_of_a_post(held_post):
    assert services.withdraw_reviews(post=held_post, now=timezone.now() + timedelta(minutes=1)) == 1
    assert ReviewRequest.objects.get().state == ReviewState.WITHDRAWN
    assert not selectors.is_awaiting_review(post=held_post)
