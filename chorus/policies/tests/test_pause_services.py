"""A new major version pauses the scheduled posts of everyone who has yet to accept it."""

from datetime import timedelta

import pytest

from chorus.notifications.models import Notification, NotificationKind
from chorus.policies import services
from chorus.policies.models import PolicyPause
from chorus.policies.tests.helpers import MONDAY, publish
from chorus.publishing.models import Post, PostState
from chorus.publishing.tests.factories import connect, join_programme, scheduled_post
from chorus.publishing.workflow import POST_WORKFLOW

pytestmark = pytest.mark.django_db

LATER = MONDAY + timedelta(days=2)


@pytest.fixture
def erin_account(employee):
    join_programme(employee)
    return connect(employee)


@pytest.fixture
def adam_account(admin):
    join_programme(admin)
    return connect(admin, handle="@adam")


def states(*posts: Post) -> list[str]:
    return [Post.objects.get(pk=post.pk).state for post in posts]


def test_the_first_version_pauses_every_scheduled_post(owner, erin_account, adam_account):
    erins = scheduled_post(erin_account, at=LATER)
    adams = scheduled_post(adam_account, text="Adam's own words.", at=LATER)

    publication = services.publish_version(
        by=owner, text="## Rules", summary="First", major=True, now=MONDAY
    )

    assert states(erins, adams) == [PostState.PAUSED, PostState.PAUSED]
    assert publication.paused == 2
    assert set(PolicyPause.objects.values_list("post_id", flat=True)) == {erins.pk, adams.pk}
    assert PolicyPause.objects.get(post=erins).version == publication.version


def test_only_scheduled_posts_are_paused(owner, erin_account):
    scheduled = scheduled_post(erin_account, at=LATER)
    others = {
        state: scheduled_post(erin_account, text=f"A {state} post.", at=LATER, state=state)
        for state in (
            PostState.APPROVED,
            PostState.PUBLISHING,
            PostState.PUBLISHED,
            PostState.FAILED,
            PostState.CANCELLED,
        )
    }

    publish(owner, now=MONDAY)

    assert states(scheduled) == [PostState.PAUSED]
    assert {state: Post.objects.get(pk=post.pk).state for state, post in others.items()} == {
        state: state for state in others
    }


def test_a_paused_post_keeps_its_text_key_link_and_time(owner, erin_account):
    post = scheduled_post(erin_account, at=LATER)
    Post.objects.filter(pk=post.pk).update(link_url="https://acme.test/l/abc123")
    post.refresh_from_db()

    publish(owner, now=MONDAY)

    paused = Post.objects.get(pk=post.pk)
    assert paused.state == PostState.PAUSED
    assert (paused.text, paused.approved_text_sha256, paused.idempotency_key) == (
        post.text,
        post.approved_text_sha256,
        post.idempotency_key,
    )
    assert paused.link_url == "https://acme.test/l/abc123"
    assert paused.scheduled_for == LATER


def test_a_minor_version_pauses_nothing_and_asks_nobody(owner, employee, erin_account):
    version = publish(owner, now=MONDAY)
    services.acknowledge(member=employee, version=version, now=MONDAY)
    post = scheduled_post(erin_account, at=LATER)
    Notification.objects.all().delete()

    publication = services.publish_version(
        by=owner, text="## Rules, fixed", summary="Typo", major=False, now=MONDAY
    )

    assert publication.version.number == "1.1"
    assert (publication.asked, publication.paused) == (0, 0)
    assert states(post) == [PostState.SCHEDULED]
    assert not Notification.objects.exists()


def test_a_new_major_version_pauses_posts_of_those_who_accepted_the_old_one(
    owner, employee, erin_account
):
    first = publish(owner, now=MONDAY)
    services.acknowledge(member=employee, version=first, now=MONDAY)
    post = scheduled_post(erin_account, at=LATER)

    publish(owner, major=True, now=MONDAY + timedelta(hours=1))

    assert states(post) == [PostState.PAUSED]


def test_another_organisations_posts_are_untouched(owner, outsider):
    join_programme(outsider)
    theirs = scheduled_post(connect(outsider, handle="@otto"), at=LATER)

    publish(owner, now=MONDAY)

    assert states(theirs) == [PostState.SCHEDULED]
    assert not Notification.objects.filter(member=outsider).exists()


def test_everyone_asked_is_told_how_many_posts_were_paused(owner, cast, erin_account, adam_account):
    scheduled_post(erin_account, at=LATER)
    scheduled_post(erin_account, text="Second post.", at=LATER + timedelta(hours=3))

    publication = services.publish_version(
        by=owner, text="## Rules", summary="First", major=True, now=MONDAY
    )

    notifications = {n.member_id: n for n in Notification.objects.all()}
    # Members without posts are asked too.
    assert set(notifications) == {member.pk for member in cast.values()}
    assert publication.asked == len(cast)
    erins = notifications[cast["employee"].pk]
    assert erins.kind == NotificationKind.POLICY_PUBLISHED
    assert erins.params == {"version": "1.0", "count": 2}
    assert erins.url == "/o/acme/policy/"
    assert erins.message == (
        "Version 1.0 of the social media policy is out. Read and accept it: "
        "2 scheduled posts of yours are paused until you do."
    )
    assert notifications[cast["reviewer"].pk].message == (
        "Version 1.0 of the social media policy is out. Please read and accept it."
    )


def test_inactive_members_are_not_asked(owner, employee):
    employee.is_active = False
    employee.save()

    publish(owner, now=MONDAY)

    assert not Notification.objects.filter(member=employee).exists()


def test_the_notice_is_emailed(
    owner, employee, erin_account, smtp, immediate_tasks, django_capture_on_commit_callbacks
):
    scheduled_post(erin_account, at=LATER)

    with django_capture_on_commit_callbacks(execute=True):
        publish(owner, now=MONDAY)

    mails = smtp.mailbox.to(employee.user.email)
    assert len(mails) == 1
    body = smtp.mailbox.body_of(mails[0])
    assert "1 scheduled post of yours is paused until you do" in body
    assert "/o/acme/policy/" in body


def test_paused_posts_can_still_be_cancelled(owner, erin_account):
    post = scheduled_post(erin_account, at=LATER)
    publish(owner, now=MONDAY)

    assert POST_WORKFLOW.can("cancel", PostState.PAUSED)
    assert Post.objects.get(pk=post.pk).is_pending


def test_leaving_the_programme_cancels_paused_posts(owner, employee, erin_account):
    from chorus.sharing.services import leave_programme

    post = scheduled_post(erin_account, at=LATER)
    publish(owner, now=MONDAY)

    result = leave_programme(member=employee, now=MONDAY)

    assert [p.pk for p in result.cancelled] == [post.pk]
    assert states(post) == [PostState.CANCELLED]
