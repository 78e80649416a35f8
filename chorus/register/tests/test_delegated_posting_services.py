"""A delegate posts to a company account through the composer, the same review and publisher."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chorus.governance import services as governance
from chorus.governance.models import ReviewRequest, ReviewState
from chorus.networks.models import ConnectedAccount, OutboxPost
from chorus.orgs.models import Membership
from chorus.publishing import pipeline
from chorus.publishing.models import Post, PostState
from chorus.publishing.tests.factories import connect
from chorus.register import services
from chorus.register.models import Delegation
from chorus.register.tests.conftest import company_page, entry_of
from chorus.sharing import selectors as sharing_selectors
from chorus.sharing import services as sharing
from chorus.sharing.tests.conftest import make_activity

TEXT = "Our solar tiles are out: proud of the team behind them."


@pytest.fixture(autouse=True)
def fresh_compiled_rules():
    governance.COMPILED.clear()
    yield
    governance.COMPILED.clear()


@pytest.fixture
def page(admin):
    return company_page(admin)


@pytest.fixture
def activity(organisation, admin, employee, content_manager):
    return make_activity(organisation)


def delegate(
    admin: Membership, page: ConnectedAccount, member: Membership, level: str = "publish"
) -> Delegation:
    return services.grant_delegation(by=admin, entry=entry_of(page), member=member, level=level)


@pytest.fixture
def delegate_member(admin, page, employee):
    """The employee, in the programme with no account of their own, a delegate of the page."""
    sharing.join_programme(member=employee)
    delegate(admin, page, employee)
    return employee


def test_the_composer_offers_the_company_account_to_its_delegate(delegate_member, page, activity):
    accounts = sharing_selectors.composer_accounts(
        member=delegate_member, campaign=activity.campaign
    )

    assert accounts == [page]


def test_a_delegate_composes_approves_and_the_publisher_sends_it_to_the_company_account(
    delegate_member, page, activity
):
    post = sharing.approve_post(member=delegate_member, activity=activity, account=page, text=TEXT)
    sharing.post_now(member=delegate_member, post=post)

    assert pipeline.run_due_posts(now=timezone.now(), synchronous=True) == 1

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert (post.member, post.account) == (delegate_member, page)
    sent = OutboxPost.objects.get()
    assert sent.account == page
    assert sent.text == post.text


def test_a_non_delegate_is_not_offered_the_account_and_cannot_post_to_it(
    admin, page, employee, activity
):
    sharing.join_programme(member=employee)
    connect(employee, handle="@erin")

    assert page not in sharing_selectors.composer_accounts(
        member=employee, campaign=activity.campaign
    )
    with pytest.raises(ValidationError) as caught:
        sharing.approve_post(member=employee, activity=activity, account=page, text=TEXT)

    assert "account" in caught.value.message_dict
    assert not Post.objects.exists()


def test_a_personal_account_is_only_ever_posted_to_by_its_owner(
    admin, employee, content_manager, activity
):
    erins = connect(employee, handle="@erin")
    sharing.join_programme(member=content_manager)
    connect(content_manager, handle="@carla")
    with pytest.raises(ValidationError):
        services.grant_delegation(
            by=admin, entry=entry_of(erins), member=content_manager, level="publish"
        )

    with pytest.raises(ValidationError) as caught:
        sharing.approve_post(member=content_manager, activity=activity, account=erins, text=TEXT)

    assert "account" in caught.value.message_dict


def test_a_block_level_rule_stops_a_delegated_post(
    delegate_member, page, activity, content_manager
):
    governance.create_rule(
        by=content_manager,
        kind="confidential_terms",
        name="Code names",
        severity="block",
        config={"terms": [{"text": "Kuutamo"}]},
    )

    with pytest.raises(ValidationError) as caught:
        sharing.approve_post(
            member=delegate_member, activity=activity, account=page, text="Kuutamo ships soon."
        )

    assert "“Kuutamo” is confidential." in caught.value.message_dict["text"][0]
    assert not Post.objects.exists()


def test_a_rule_added_later_stops_a_delegated_post_at_the_pre_publish_gate(
    delegate_member, page, activity, content_manager
):
    post = sharing.approve_post(
        member=delegate_member, activity=activity, account=page, text="Kuutamo ships soon."
    )
    sharing.post_now(member=delegate_member, post=post)
    governance.create_rule(
        by=content_manager,
        kind="confidential_terms",
        name="Code names",
        severity="block",
        config={"terms": [{"text": "Kuutamo"}]},
    )

    pipeline.run_due_posts(now=timezone.now(), synchronous=True)

    post.refresh_from_db()
    assert post.state == PostState.CANCELLED
    assert not OutboxPost.objects.exists()


def test_a_draft_level_delegates_post_waits_for_a_reviewer_then_goes_out(
    admin, page, employee, reviewer, activity
):
    sharing.join_programme(member=employee)
    delegate(admin, page, employee, level="draft")
    post = sharing.approve_post(member=employee, activity=activity, account=page, text=TEXT)
    sharing.post_now(member=employee, post=post)

    pipeline.run_due_posts(now=timezone.now(), synchronous=True)

    post.refresh_from_db()
    assert (post.state, post.next_attempt_at) == (PostState.SCHEDULED, None)
    assert not OutboxPost.objects.exists()
    review = ReviewRequest.objects.get(post=post, state=ReviewState.PENDING)

    governance.approve_review(by=reviewer, review=review)
    pipeline.run_due_posts(now=timezone.now(), synchronous=True)

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert OutboxPost.objects.get().account == page


def test_the_admin_who_connected_the_page_posts_to_it_without_review(admin, page, activity):
    sharing.join_programme(member=admin)
    post = sharing.approve_post(member=admin, activity=activity, account=page, text=TEXT)
    sharing.post_now(member=admin, post=post)

    pipeline.run_due_posts(now=timezone.now(), synchronous=True)

    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED


def test_after_revoking_the_delegate_can_no_longer_post(delegate_member, admin, page, activity):
    post = sharing.approve_post(member=delegate_member, activity=activity, account=page, text=TEXT)
    delegation = entry_of(page).delegations.get()

    services.revoke_delegation(by=admin, delegation=delegation)

    post.refresh_from_db()
    assert post.state == PostState.CANCELLED
    with pytest.raises(ValidationError):
        sharing.approve_post(member=delegate_member, activity=activity, account=page, text=TEXT)
    assert (
        sharing_selectors.composer_accounts(member=delegate_member, campaign=activity.campaign)
        == []
    )
