"""Checks made while typing are deleted after the configured days; the record of what
went out (approval, publishing, and checks a review points to) stays."""

from datetime import UTC, datetime, timedelta

from chorus.core.scheduler import registered_jobs
from chorus.governance import services
from chorus.governance.models import Evaluation, ReviewRequest
from chorus.publishing.models import Post, PostState, text_fingerprint

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def check(organisation, stage: str, *, days_ago: float) -> Evaluation:
    return services.evaluate(
        organisation=organisation,
        text="A text",
        network="x",
        stage=stage,
        now=NOW - timedelta(days=days_ago),
    )[1]


def test_only_old_checks_made_while_typing_go(organisation, settings):
    settings.CHORUS_DRAFT_CHECKS_KEPT_DAYS = 30
    old_draft = check(organisation, "draft", days_ago=31)
    recent_draft = check(organisation, "draft", days_ago=29)
    old_approval = check(organisation, "approval", days_ago=400)
    old_publishing = check(organisation, "publishing", days_ago=400)

    assert services.prune_draft_evaluations(now=NOW) == 1

    remaining = set(Evaluation.objects.values_list("pk", flat=True))
    assert remaining == {recent_draft.pk, old_approval.pk, old_publishing.pk}
    assert old_draft.pk not in remaining


def test_a_check_a_review_points_to_stays(organisation, employee):
    evaluation = check(organisation, "draft", days_ago=90)
    post = Post.objects.create(
        organisation=organisation,
        member=employee,
        network="x",
        text="A text",
        approved_text_sha256=text_fingerprint("A text"),
        state=PostState.APPROVED,
    )
    ReviewRequest.objects.create(
        organisation=organisation, post=post, evaluation=evaluation, text_sha256="x"
    )

    assert services.prune_draft_evaluations(now=NOW) == 0
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()


def test_more_than_a_batch_is_pruned(organisation, monkeypatch):
    monkeypatch.setattr(services, "PRUNE_BATCH", 2)
    for _number in range(5):
        check(organisation, "draft", days_ago=60)

    assert services.prune_draft_evaluations(now=NOW) == 5
    assert not Evaluation.objects.exists()


def test_the_pruning_runs_every_six_hours():
    jobs = {job.name: job for job in registered_jobs()}

    assert jobs["governance.prune_draft_evaluations"].every == timedelta(hours=6)
