"""Deactivating a member on the People page stops everything that could post for them, at once."""

import time
from datetime import timedelta

from django.utils import timezone

from chorus.networks.models import AccountStatus, ConnectedAccount, OutboxPost
from chorus.offboarding.models import OffboardingReport
from chorus.publishing import pipeline
from chorus.publishing.models import Post, PostState
from chorus.rallies.models import Pledge
from chorus.register.models import Delegation

PEOPLE = "/o/acme/people/"


def test_deactivating_on_the_people_page_stops_all_their_posting_within_a_minute(
    leaver, owner, login
):
    client = login(owner)
    started = time.monotonic()

    response = client.post(f"{PEOPLE}{leaver.member.pk}/active/", {"active": "0"})

    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 60
    leaver.member.refresh_from_db()
    assert not leaver.member.is_active

    # The publisher runs with the clock past every post's time: nothing of theirs goes out.
    later = timezone.now() + timedelta(hours=2)
    pipeline.run_due_posts(now=later, synchronous=True)
    assert not Post.objects.filter(member=leaver.member, state=PostState.PUBLISHED).exists()
    assert all(
        post.state == PostState.CANCELLED for post in Post.objects.filter(member=leaver.member)
    )
    through_pages = OutboxPost.objects.filter(account__in=leaver.pages)
    assert [record.text for record in through_pages] == ["The admin's own news"]
    leaver.admins_post.refresh_from_db()
    assert leaver.admins_post.state == PostState.PUBLISHED

    # Their tokens are gone and their account disconnected; the company pages stay.
    own = ConnectedAccount.objects.get(pk=leaver.own_account.pk)
    assert own.status == AccountStatus.DISCONNECTED
    assert own.credentials.is_empty
    assert all(
        page.status == AccountStatus.ACTIVE
        for page in ConnectedAccount.objects.filter(pk__in=[p.pk for p in leaver.pages])
    )

    pledge = Pledge.objects.get(pk=leaver.pledge.pk)
    assert pledge.withdrawn_at is not None
    assert not Delegation.objects.filter(member=leaver.member, revoked_at__isnull=True).exists()

    report = OffboardingReport.objects.get(member=leaver.member)
    assert sorted(a["handle"] for a in report.company_accounts) == ["@acme-jobs", "@acme-news"]
    assert {a["how"] for a in report.company_accounts} == {"delegation"}
    assert report.personal_accounts == [{"network": "outbox", "handle": "@erin"}]
    # Three scheduled posts and the pledge's post.
    assert report.posts_cancelled == 4
    assert (report.pledges_withdrawn, report.delegations_revoked, report.tokens_deleted) == (
        1,
        2,
        1,
    )

    # The member's page links to the report, which lists both company accounts.
    member_page = client.get(f"{PEOPLE}{leaver.member.pk}/").content.decode()
    assert f"/o/acme/offboarding/{report.pk}/" in member_page
    report_page = client.get(f"/o/acme/offboarding/{report.pk}/").content.decode()
    assert "@acme-news" in report_page and "@acme-jobs" in report_page


def test_their_published_history_stays_attributed(leaver, owner, login):
    published = leaver.posts[0]
    Post.objects.filter(pk=published.pk).update(
        state=PostState.PUBLISHED, published_at=timezone.now(), next_attempt_at=None
    )

    login(owner).post(f"{PEOPLE}{leaver.member.pk}/active/", {"active": "0"})

    published.refresh_from_db()
    assert (published.state, published.member) == (PostState.PUBLISHED, leaver.member)
