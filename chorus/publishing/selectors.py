from django.db.models import QuerySet

from chorus.publishing.models import Post, PublishAttempt


def attempts_of(*, post: Post) -> QuerySet[PublishAttempt]:
    return post.attempts.order_by("started_at", "pk")
