"""A member about to leave, with everything that could still post for them."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from chorus.networks.connectors.base import Credentials
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership
from chorus.publishing.models import Post, PostState, text_fingerprint
from chorus.rallies import services as rallies
from chorus.rallies.models import Pledge
from chorus.register import services as register
from chorus.register.models import RegisterEntry
from chorus.sharing import services as sharing
from chorus.sharing.tests.conftest import make_activity


def account_of(
    member: Membership,
    *,
    handle: str,
    network: str = "outbox",
    company: bool = False,
    credentials: Credentials | None = None,
    server: str = "",
) -> ConnectedAccount:
    return ConnectedAccount.objects.create(
        organisation=member.organisation,
        member=member,
        network=network,
        external_id=str(uuid.uuid4()),
        handle=handle,
        owned_by_company=company,
        takes_part=True,
        server=server,
        credentials=credentials or Credentials(access_token=f"token-of-{handle}"),
    )


def scheduled(member: Membership, account: ConnectedAccount, *, at: datetime, text: str) -> Post:
    return Post.objects.create(
        organisation=member.organisation,
        member=member,
        account=account,
        network=account.network,
        text=text,
        approved_text_sha256=text_fingerprint(text),
        state=PostState.SCHEDULED,
        scheduled_for=at,
        next_attempt_at=at,
    )


@dataclass
class Leaver:
    member: Membership
    own_account: ConnectedAccount
    pages: list[ConnectedAccount]
    posts: list[Post]
    pledge: Pledge
    admins_post: Post


@pytest.fixture
def leaver(admin, owner, employee, content_manager) -> Leaver:
    """The employee: delegate of two company pages, three scheduled posts and a rally pledge."""
    sharing.join_programme(member=employee)
    sharing.join_programme(member=admin)
    own = account_of(employee, handle="@erin")
    pages = [
        account_of(admin, handle=handle, company=True) for handle in ("@acme-news", "@acme-jobs")
    ]
    register.sync_connected_accounts(organisation=admin.organisation)
    for page in pages:
        entry = RegisterEntry.objects.get(connected_account=page)
        register.grant_delegation(by=admin, entry=entry, member=employee, level="publish")
    soon = timezone.now() + timedelta(hours=1)
    posts = [
        scheduled(employee, own, at=soon, text="My own view on the launch"),
        scheduled(employee, pages[0], at=soon, text="News from Acme"),
        scheduled(employee, pages[1], at=soon, text="We are hiring"),
    ]
    admins_post = scheduled(admin, pages[0], at=soon, text="The admin's own news")
    activity = make_activity(admin.organisation, title="Rally me")
    deadline = timezone.now() + timedelta(days=1)
    rally = rallies.create_rally(
        by=content_manager,
        activity=activity,
        title="Launch day",
        goal_pledges=5,
        deadline=deadline,
        window_starts_at=deadline,
        window_ends_at=deadline + timedelta(hours=2),
    )
    pledge = rallies.pledge(
        member=employee, rally=rally, account=own, text="Why I am proud of this launch"
    )
    return Leaver(
        member=employee,
        own_account=own,
        pages=pages,
        posts=posts,
        pledge=pledge,
        admins_post=admins_post,
    )
