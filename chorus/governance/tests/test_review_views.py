"""The reviewer queue and a member's own reviews."""

import pytest

from chorus.governance import services
from chorus.governance.models import ReviewRequest, ReviewState
from chorus.publishing.models import PostState
from chorus.publishing.tests.factories import connect, join_programme, scheduled_post

QUEUE = "/o/acme/governance/reviews/"


@pytest.fixture
def review(employee, content_manager):
    services.create_rule(
        by=content_manager,
        kind="banned_phrases",
        name="Promises",
        severity="review",
        explanation="Financial promises need a second look.",
        config={"terms": [{"text": "guaranteed returns"}]},
    )
    join_programme(employee)
    post = scheduled_post(connect(employee), text="Guaranteed returns <script>x</script>!")
    assert services.gate_before_publishing(post=post).hold
    return ReviewRequest.objects.get()


def test_the_queue_shows_the_text_with_what_was_found(login, reviewer, review):
    html = login(reviewer).get(QUEUE).content.decode()

    assert '<mark class="finding-review">Guaranteed returns</mark>' in html
    assert "&lt;script&gt;" in html
    assert "“guaranteed returns” is a banned phrase." in html
    assert "Financial promises need a second look." in html
    assert f"/o/acme/governance/reviews/{review.pk}/decide/" in html


def test_approving_from_the_queue(login, reviewer, review):
    response = login(reviewer).post(
        f"{QUEUE}{review.pk}/decide/", {"decision": "approve", "reason": "OK"}
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.APPROVED


def test_rejecting_needs_a_reason_and_the_author_reads_it(login, reviewer, review, employee):
    client = login(reviewer)
    client.post(f"{QUEUE}{review.pk}/decide/", {"decision": "reject", "reason": ""})
    review.refresh_from_db()
    assert review.state == ReviewState.PENDING

    client.post(f"{QUEUE}{review.pk}/decide/", {"decision": "reject", "reason": "No promises."})

    review.refresh_from_db()
    assert review.state == ReviewState.REJECTED
    assert review.post.state == PostState.CANCELLED
    page = login(employee).get("/o/acme/governance/my-reviews/").content.decode()
    assert "Rejected" in page
    assert "No promises." in page


def test_a_decided_review_leaves_the_queue(login, reviewer, review):
    client = login(reviewer)
    client.post(f"{QUEUE}{review.pk}/decide/", {"decision": "approve"})

    html = client.get(QUEUE).content.decode()
    assert "Nothing waits for review." in html
    assert "Recently decided" in html
