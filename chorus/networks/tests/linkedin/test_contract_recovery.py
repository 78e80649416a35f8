"""A LinkedIn post whose worker died mid-send, for an app that may not read posts back.

LinkedIn only lets partner apps read posts (r_member_social), so recovery cannot
ask whether the post went out; it sends again, and LinkedIn's duplicate answer
names the post the first attempt made. LinkedIn answers as its docs show (respx).
"""

from datetime import timedelta

import pytest

from chorus.publishing import pipeline
from chorus.publishing.models import AttemptOutcome, PostState
from chorus.publishing.tests.factories import T0, join_programme, scheduled_post
from chorus.publishing.tests.test_pipeline_services import interrupt

from .conftest import REST

EARLIER = "urn:li:share:7162436563624898560"


@pytest.mark.django_db
def test_contract_recovery_without_read_access_resends_and_finds_the_first_post(
    account, app, linkedin
):
    join_programme(account.member)
    post = scheduled_post(account, text="Proud of the team")
    interrupt(post)
    post.attempt_count = 1  # the dead worker's claim counted its attempt
    post.save(update_fields=["attempt_count"])
    reading = linkedin.get(f"{REST}/posts").respond(
        403, json={"status": 403, "code": "ACCESS_DENIED", "message": "Not enough permissions"}
    )
    creating = linkedin.post(f"{REST}/posts").respond(
        422,
        json={"message": f"Content is a duplicate of {EARLIER}", "status": 422},
    )
    now = T0 + timedelta(minutes=11)

    assert pipeline.recover_interrupted_posts(now=now) == 1
    post.refresh_from_db()
    assert (post.state, post.next_attempt_at) == (PostState.SCHEDULED, now)

    pipeline.publish_post(post_id=post.pk, now=now)

    post.refresh_from_db()
    assert (post.state, post.external_id) == (PostState.PUBLISHED, EARLIER)
    assert [a.outcome for a in post.attempts.order_by("started_at", "pk")] == [
        AttemptOutcome.INTERRUPTED,
        AttemptOutcome.PUBLISHED,
    ]
    assert reading.called
    assert creating.call_count == 1
