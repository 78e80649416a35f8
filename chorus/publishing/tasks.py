from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from chorus.core.scheduler import PeriodicJob, register
from chorus.publishing import pipeline


@task
def publish_post(*, post_id: int) -> None:
    pipeline.publish_post(post_id=post_id)


@task
def publish_posts(*, post_ids: list[int]) -> None:
    pipeline.publish_in_order(post_ids=post_ids, now=timezone.now())


@task
def publish_due_posts() -> int:
    return pipeline.run_due_posts()


@task
def recover_interrupted_posts() -> int:
    return pipeline.recover_interrupted_posts()


register(
    PeriodicJob(
        name="publishing.publish_due_posts", task=publish_due_posts, every=timedelta(minutes=1)
    )
)
register(
    PeriodicJob(
        name="publishing.recover_interrupted_posts",
        task=recover_interrupted_posts,
        every=timedelta(minutes=5),
    )
)
