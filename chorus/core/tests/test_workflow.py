"""State machines moving several objects at once: all of them, or none."""

import pytest
from django.db.models import F

from chorus.core.workflow import TransitionNotAllowed
from chorus.publishing.models import Post, PostState
from chorus.publishing.tests.factories import T0, connect, join_programme, scheduled_post
from chorus.publishing.workflow import POST_WORKFLOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(employee) -> list[Post]:
    join_programme(employee)
    account = connect(employee)
    return [scheduled_post(account, text=f"Post {number}") for number in range(3)]


def test_apply_many_moves_every_object_in_one_statement(posts, django_assert_num_queries):
    with django_assert_num_queries(3):  # the update, inside its savepoint
        POST_WORKFLOW.apply_many(
            posts, "claim", publishing_started_at=T0, attempt_count=F("attempt_count") + 1
        )

    assert {post.state for post in posts} == {PostState.PUBLISHING}
    stored = Post.objects.filter(pk__in=[post.pk for post in posts])
    assert set(stored.values_list("state", "publishing_started_at", "attempt_count")) == {
        (PostState.PUBLISHING, T0, 1)
    }
    # An expression is the database's to work out: the objects keep what they had.
    assert {post.attempt_count for post in posts} == {0}


def test_apply_many_moves_none_when_one_was_moved_by_someone_else(posts):
    Post.objects.filter(pk=posts[1].pk).update(state=PostState.CANCELLED)

    with pytest.raises(TransitionNotAllowed):
        POST_WORKFLOW.apply_many(posts, "claim", publishing_started_at=T0)

    assert set(Post.objects.values_list("state", flat=True)) == {
        PostState.SCHEDULED,
        PostState.CANCELLED,
    }
    assert {post.state for post in posts} == {PostState.SCHEDULED}


def test_apply_many_refuses_a_transition_the_state_does_not_allow(posts):
    with pytest.raises(TransitionNotAllowed):
        POST_WORKFLOW.apply_many(posts, "published")

    assert set(Post.objects.values_list("state", flat=True)) == {PostState.SCHEDULED}


def test_apply_many_of_nothing_does_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        POST_WORKFLOW.apply_many([], "claim")
