"""The page choice after a Facebook sign-in: an admin picks which company Pages (or their
Instagram accounts) to connect. The Pages come from ``/me/accounts`` as Meta documents it."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.networks import pages
from chorus.networks.connectors.base import Connection, Credentials
from chorus.networks.models import ConnectedAccount
from chorus.orgs.models import Membership
from chorus.publishing.tests.factories import connect

USER_TOKEN = "EAALongLivedUserTokenOfAdam"
PAGE_ONE, PAGE_TWO, IG_USER_ID = "546349135390552", "1353269864728879", "17841405822304914"
ME_ACCOUNTS = {
    "data": [
        {
            "access_token": "EAAPageOneToken",
            "category": "Internet Company",
            "name": "Acme Ltd",
            "id": PAGE_ONE,
            "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
            "instagram_business_account": {"id": IG_USER_ID, "username": "acme", "name": "Acme"},
        },
        {
            "access_token": "EAAPageTwoToken",
            "category": "Product/service",
            "name": "Acme Robots",
            "id": PAGE_TWO,
            "tasks": ["ANALYZE", "CREATE_CONTENT"],
        },
    ],
    "paging": {"cursors": {"before": "MTM1MzI2OTg2NDcyODg3OQZDZD", "after": "MTAxNTE="}},
}


def sign_in(member: Membership) -> Connection:
    return Connection(
        external_id="10158",
        handle=member.user.display_name,
        display_name=member.user.display_name,
        credentials=Credentials(
            access_token=USER_TOKEN, expires_at=timezone.now() + timedelta(days=60)
        ),
    )


def signed_in_client(
    login: Callable[[Membership], Client], member: Membership, network: str = "facebook"
) -> Client:
    """The member's browser right after the network's callback held their sign-in."""
    client = login(member)
    session = client.session
    pages.hold_sign_in(session=session, by=member, network=network, connection=sign_in(member))
    session.save()
    return client


def choose_url(member: Membership) -> str:
    return reverse("networks:choose_page", kwargs={"org": member.organisation.slug})


@pytest.fixture
def me_accounts(graph_api):
    return graph_api.get("/me/accounts").respond(200, json=ME_ACCOUNTS)


@pytest.mark.django_db
def test_contract_the_choice_lists_the_pages_without_any_token(login, admin, me_accounts):
    client = signed_in_client(login, admin)

    response = client.get(choose_url(admin))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Acme Ltd" in content and "Acme Robots" in content
    for token in (USER_TOKEN, "EAAPageOneToken", "EAAPageTwoToken"):
        assert token not in content
    assert me_accounts.calls.last.request.headers["Authorization"] == f"Bearer {USER_TOKEN}"


@pytest.mark.django_db
def test_contract_choosing_a_page_connects_it_as_a_company_account(login, admin, me_accounts):
    client = signed_in_client(login, admin)

    response = client.post(choose_url(admin), {"pages": [PAGE_TWO]})

    assert response.status_code == 302
    assert response["Location"] == reverse("networks:accounts", kwargs={"org": "acme"})
    account = ConnectedAccount.objects.get(network="facebook")
    assert (account.member, account.external_id, account.handle) == (admin, PAGE_TWO, "Acme Robots")
    assert account.owned_by_company is True
    assert account.credentials.access_token == "EAAPageTwoToken"
    assert account.token_expires_at is None
    assert not account.takes_part  # until the admin chooses it for the programme
    # The sign-in is used up: its user token is no longer held.
    assert pages.SESSION_KEY not in client.session


@pytest.mark.django_db
def test_contract_an_instagram_sign_in_connects_the_business_account(login, admin, me_accounts):
    client = signed_in_client(login, admin, network="instagram")

    listing = client.get(choose_url(admin))
    client.post(choose_url(admin), {"pages": [IG_USER_ID]})

    assert "@acme" in listing.content.decode()
    account = ConnectedAccount.objects.get(network="instagram")
    assert (account.external_id, account.handle, account.owned_by_company) == (
        IG_USER_ID,
        "@acme",
        True,
    )
    assert account.credentials.access_token == "EAAPageOneToken"


@pytest.mark.django_db
def test_contract_a_page_the_sign_in_does_not_manage_is_refused(login, admin, me_accounts):
    client = signed_in_client(login, admin)

    response = client.post(choose_url(admin), {"pages": ["999999"]})

    assert response.status_code == 200
    assert "does not manage 999999" in response.content.decode()
    assert not ConnectedAccount.objects.exists()
    assert pages.SESSION_KEY in client.session


@pytest.mark.django_db
def test_contract_choosing_nothing_asks_for_a_choice(login, admin, me_accounts):
    client = signed_in_client(login, admin)

    response = client.post(choose_url(admin), {})

    assert "Choose at least one page" in response.content.decode()
    assert not ConnectedAccount.objects.exists()


@pytest.mark.django_db
def test_contract_a_page_a_colleague_connected_is_left_to_them(login, admin, owner, me_accounts):
    theirs = connect(owner, handle="Acme Ltd", network="facebook")
    ConnectedAccount.objects.filter(pk=theirs.pk).update(external_id=PAGE_ONE)
    client = signed_in_client(login, admin)

    listing = client.get(choose_url(admin))
    response = client.post(choose_url(admin), {"pages": [PAGE_ONE]})

    assert "already connected by Olivia Owner" in listing.content.decode()
    assert "A colleague already connected Acme Ltd" in response.content.decode()
    assert list(ConnectedAccount.objects.filter(external_id=PAGE_ONE)) == [theirs]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["content_manager", "reviewer", "responder", "employee"])
def test_only_those_who_manage_the_organisation_choose_company_pages(login, cast, role, graph_api):
    member = cast[role]
    client = login(member)

    assert client.get(choose_url(member)).status_code == 403
    assert client.post(choose_url(member), {"pages": [PAGE_ONE]}).status_code == 403
    with pytest.raises(PermissionDenied):
        pages.hold_sign_in(
            session=client.session, by=member, network="facebook", connection=sign_in(member)
        )
    assert not ConnectedAccount.objects.exists()
    assert not graph_api.calls


@pytest.mark.django_db
def test_without_a_held_sign_in_there_is_nothing_to_choose(login, admin, graph_api):
    response = login(admin).get(choose_url(admin))

    assert response.status_code == 200
    assert "no sign-in waiting" in response.content.decode()
    assert not graph_api.calls


@pytest.mark.django_db
def test_the_user_token_is_held_encrypted_and_only_for_minutes(login, admin):
    client = signed_in_client(login, admin)
    session = client.session

    assert USER_TOKEN not in str(session[pages.SESSION_KEY])
    held = pages.held_sign_in(session=session, by=admin)
    assert held is not None and held.credentials.access_token == USER_TOKEN
    later = timezone.now() + pages.SIGN_IN_HOLD + timedelta(seconds=1)
    assert pages.held_sign_in(session=session, by=admin, now=later) is None
    assert pages.SESSION_KEY not in session


@pytest.mark.django_db
def test_a_sign_in_is_only_for_the_member_who_made_it(login, admin, owner):
    session = signed_in_client(login, admin).session

    assert pages.held_sign_in(session=session, by=owner) is None


@pytest.mark.django_db
def test_cancel_forgets_the_sign_in(login, admin, graph_api):
    client = signed_in_client(login, admin)

    response = client.post(choose_url(admin), {"cancel": "1"})

    assert response.status_code == 302
    assert pages.SESSION_KEY not in client.session
    assert not ConnectedAccount.objects.exists()


@pytest.mark.django_db
def test_contract_a_failed_listing_is_explained(login, admin, graph_api):
    graph_api.get("/me/accounts").respond(
        400,
        json={
            "error": {
                "message": "Error validating access token: Session has expired.",
                "type": "OAuthException",
                "code": 190,
                "error_subcode": 463,
                "fbtrace_id": "AbCdEf",
            }
        },
    )
    client = signed_in_client(login, admin)

    response = client.get(choose_url(admin))

    assert response.status_code == 200
    assert "did not list your pages: Error validating access token" in response.content.decode()


@pytest.mark.django_db
def test_contract_choosing_ones_own_page_again_renews_its_token(login, admin, me_accounts):
    mine = connect(admin, handle="Acme Robots", network="facebook")
    ConnectedAccount.objects.filter(pk=mine.pk).update(
        external_id=PAGE_TWO,
        owned_by_company=True,
        credentials=Credentials(access_token="EAAInvalidatedPageToken"),
    )
    client = signed_in_client(login, admin)

    listing = client.get(choose_url(admin))
    client.post(choose_url(admin), {"pages": [PAGE_TWO]})

    assert "connected already; choose it to renew its access" in listing.content.decode()
    [account] = ConnectedAccount.objects.filter(network="facebook")
    assert account.pk == mine.pk
    assert account.credentials.access_token == "EAAPageTwoToken"
