"""Compliance in the composer (inline, at approval) and in the publishing pipeline."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chorus.campaigns.models import Activity
from chorus.governance import services
from chorus.governance.models import Evaluation, ReviewRequest, ReviewState
from chorus.networks.models import ConnectedAccount, OutboxPost
from chorus.notifications.models import Notification, NotificationKind
from chorus.publishing import pipeline
from chorus.publishing.models import AttemptOutcome, Post, PostState
from chorus.sharing import services as sharing
from chorus.sharing.tests.conftest import make_account, make_activity

COMPOSE = "/o/acme/share/activities/{}/"
PREVIEW = "/o/acme/share/activities/{}/preview/"


@pytest.fixture
def activity(organisation, cast):
    return make_activity(organisation)


@pytest.fixture
def author(employee):
    """The employee, in the programme, posting to the development outbox."""
    sharing.join_programme(member=employee)
    make_account(employee, network="outbox")
    return employee


@pytest.fixture
def rules(content_manager):
    for kind, severity, term in (
        ("confidential_terms", "block", "Kuutamo"),
        ("banned_phrases", "review", "guaranteed returns"),
        ("banned_phrases", "warn", "game changer"),
    ):
        services.create_rule(
            by=content_manager,
            kind=kind,
            name=f"{kind} {severity}",
            severity=severity,
            explanation=f"Explained: {term}",
            config={"terms": [{"text": term}]},
        )


def _approve(
    client: Client,
    activity: Activity,
    account: ConnectedAccount,
    text: str,
    action: str = "approve",
) -> Any:
    return client.post(
        COMPOSE.format(activity.pk), {"account": account.pk, "text": text, "action": action}
    )


def test_findings_show_inline_while_typing_with_the_rules_explanation(
    author, activity, rules, login
):
    account = author.connected_accounts.get()

    partial = login(author).post(
        PREVIEW.format(activity.pk),
        {"account": account.pk, "text": "Kuutamossa on uusi game changer"},
        headers={"HX-Request": "true"},
    )

    html = partial.content.decode()
    assert "Must change before approving" in html
    assert "“Kuutamo” is confidential." in html
    assert "<q>Kuutamossa</q>" in html
    assert "Explained: Kuutamo" in html
    assert "Think twice" in html
    evaluation = Evaluation.objects.get()
    assert (evaluation.stage, evaluation.member, evaluation.outcome) == ("draft", author, "block")


def test_a_block_level_finding_stops_approval(author, activity, rules, login):
    account = author.connected_accounts.get()

    response = _approve(login(author), activity, account, "Kuutamon julkaisu lähestyy!")

    assert response.status_code == 200
    assert "“Kuutamo” is confidential. Explained: Kuutamo" in response.content.decode()
    assert not Post.objects.exists()
    assert Evaluation.objects.filter(stage="approval", outcome="block").count() == 1


def test_a_warn_level_finding_lets_the_author_approve(author, activity, rules, login):
    account = author.connected_accounts.get()

    response = _approve(login(author), activity, account, "A real game changer, in my words.")

    assert response.status_code == 302
    post = Post.objects.get()
    assert post.state == PostState.APPROVED
    assert not ReviewRequest.objects.exists()
    assert Evaluation.objects.get(stage="approval").post == post


def test_a_review_level_post_waits_for_the_reviewer_then_goes_out(
    author, activity, rules, reviewer, login
):
    account = author.connected_accounts.get()
    client = login(author)

    response = _approve(client, activity, account, "Guaranteed returns, in my own words.")
    assert response.status_code == 302
    messages = client.get(response["Location"]).content.decode()
    assert "sent to a reviewer first" in messages
    post = Post.objects.get()
    review = ReviewRequest.objects.get()
    assert (review.post, review.state) == (post, ReviewState.PENDING)

    # The author sends it now, but the publisher holds it for the review.
    sharing.post_now(member=author, post=post)
    pipeline.publish_post(post_id=post.pk)
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    assert post.next_attempt_at is None
    assert not OutboxPost.objects.exists()

    login(reviewer).post(f"/o/acme/governance/reviews/{review.pk}/decide/", {"decision": "approve"})
    post.refresh_from_db()
    assert post.next_attempt_at is not None

    pipeline.publish_post(post_id=post.pk, now=timezone.now())
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert OutboxPost.objects.get().text == post.text


def test_a_rejected_post_is_cancelled_and_the_author_reads_why(
    author, activity, rules, reviewer, login
):
    account = author.connected_accounts.get()
    _approve(login(author), activity, account, "Guaranteed returns for all!")
    review = ReviewRequest.objects.get()

    login(reviewer).post(
        f"/o/acme/governance/reviews/{review.pk}/decide/",
        {"decision": "reject", "reason": "We promise no returns."},
    )

    post = Post.objects.get()
    assert post.state == PostState.CANCELLED
    notification = Notification.objects.get(member=author, kind=NotificationKind.POSTS_CANCELLED)
    assert "We promise no returns." in notification.message
    page = login(author).get("/o/acme/governance/my-reviews/").content.decode()
    assert "We promise no returns." in page


def test_changing_the_text_of_a_post_in_review(author, activity, rules):
    account = author.connected_accounts.get()
    post = sharing.approve_post(
        member=author, activity=activity, account=account, text="Guaranteed returns!"
    )
    first = ReviewRequest.objects.get()

    sharing.edit_post(member=author, post=post, text="Guaranteed returns, really!")
    first.refresh_from_db()
    assert first.state == ReviewState.WITHDRAWN
    assert ReviewRequest.objects.filter(state=ReviewState.PENDING).count() == 1

    sharing.edit_post(member=author, post=post, text="Nothing risky here.")
    assert not ReviewRequest.objects.filter(state=ReviewState.PENDING).exists()


def test_a_rule_added_after_approval_stops_the_post_before_publishing(
    author, activity, content_manager
):
    account = author.connected_accounts.get()
    post = sharing.approve_post(
        member=author, activity=activity, account=account, text="Kuutamo is coming soon."
    )
    sharing.post_now(member=author, post=post)
    services.create_rule(
        by=content_manager,
        kind="confidential_terms",
        name="Code names",
        severity="block",
        config={"terms": [{"text": "Kuutamo"}]},
    )

    pipeline.publish_post(post_id=post.pk)

    post.refresh_from_db()
    assert post.state == PostState.CANCELLED
    assert "“Kuutamo” is confidential." in post.cancelled_reason
    assert post.attempts.get().outcome == AttemptOutcome.REFUSED
    assert not OutboxPost.objects.exists()
    assert Evaluation.objects.get(stage="publishing").post == post


def test_a_clean_post_is_checked_once_more_and_goes_out(author, activity, rules):
    account = author.connected_accounts.get()
    post = sharing.approve_post(
        member=author, activity=activity, account=account, text="Proud of the team."
    )
    sharing.post_now(member=author, post=post)

    pipeline.publish_post(post_id=post.pk)

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert Evaluation.objects.get(stage="publishing").outcome == "pass"
