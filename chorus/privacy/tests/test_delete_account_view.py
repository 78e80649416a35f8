"""The account deletion page: a password to confirm, a refusal for the only owner."""

import pytest
from django.test import Client

from chorus.accounts.models import User
from chorus.conftest import PASSWORD
from chorus.orgs.models import Membership


@pytest.fixture
def delete_url(organisation):
    return f"/o/{organisation.slug}/my-data/delete/"


def test_the_page_explains_and_asks_for_the_password(
    erin_data, other_organisation, login, delete_url
):
    Membership.objects.create(organisation=other_organisation, user=erin_data.member.user)

    response = login(erin_data.member).get(delete_url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be undone" in page
    assert "<li>Acme Ltd</li>" in page
    assert "<li>Globex</li>" in page
    assert 'type="password" name="password"' in page
    assert 'autocomplete="current-password"' in page


def test_deleting_logs_out_and_confirms(erin_data, login, delete_url):
    user_id = erin_data.member.user_id
    client = login(erin_data.member)

    response = client.post(delete_url, {"password": PASSWORD})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your account is deleted" in page
    assert "You are no longer a member of Acme Ltd." in page
    assert 'href="/o/acme/' not in page
    assert not User.objects.filter(pk=user_id).exists()
    assert client.get("/o/acme/")["Location"].startswith("/accounts/login/")


def test_other_sessions_end_too(erin_data, delete_url):
    user = erin_data.member.user
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert client.get("/o/acme/").status_code == 200

    here.post(delete_url, {"password": PASSWORD})

    assert elsewhere.get("/o/acme/").status_code == 302


def test_a_wrong_password_keeps_the_account(erin_data, login, delete_url):
    response = login(erin_data.member).post(delete_url, {"password": "not it"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"password": ["This is not your password."]}
    assert User.objects.filter(pk=erin_data.member.user_id).exists()


def test_no_password_keeps_the_account(erin_data, login, delete_url):
    response = login(erin_data.member).post(delete_url, {})

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert User.objects.filter(pk=erin_data.member.user_id).exists()


def test_the_only_owner_is_told_why_and_cannot_post(owner, login, delete_url):
    client = login(owner)

    page = client.get(delete_url).content.decode()
    response = client.post(delete_url, {"password": PASSWORD})

    assert "you are the only owner of Acme Ltd" in page
    assert 'name="password"' not in page
    assert response.status_code == 200
    assert User.objects.filter(pk=owner.user_id).exists()


def test_outsider_gets_404(erin_data, outsider, login, delete_url):
    client = login(outsider)

    assert client.get(delete_url).status_code == 404
    assert client.post(delete_url, {"password": PASSWORD}).status_code == 404
    assert User.objects.filter(pk=outsider.user_id).exists()
