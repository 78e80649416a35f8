import re

from chorus.api import services
from chorus.api.models import ApiToken, hash_api_token
from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent

URL = "/o/acme/api-tokens/"


def _secret_in(html: str) -> str:
    match = re.search(r'value="(chorus_[^"]+)"', html)
    assert match, "the new token is not on the page"
    return match.group(1)


def test_the_page_lists_only_ones_own_tokens(employee, admin, login):
    services.create_token(by=employee, name="My intranet feed")
    services.create_token(by=admin, name="Admin's deploy script")

    response = login(employee).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "My intranet feed" in html
    assert "Admin&#x27;s deploy script" not in html
    assert "Admin's deploy script" not in html
    assert "/api/v1/openapi.json" in html
    assert "/api/v1/docs" in html


def test_creating_a_token_shows_its_secret_once(employee, login):
    client = login(employee)

    response = client.post(URL, {"name": "Intranet feed", "expires_in": "30"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    secret = _secret_in(html)
    assert "Chorus shows it only this once" in html
    token = ApiToken.objects.get()
    assert token.member == employee
    assert token.token_hash == hash_api_token(secret)
    assert token.expires_at is not None
    assert (token.expires_at - token.created_at).days == 30
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_CREATED).count() == 1
    assert secret not in client.get(URL).content.decode()


def test_a_token_that_never_expires(employee, login):
    login(employee).post(URL, {"name": "Forever", "expires_in": ""})

    assert ApiToken.objects.get().expires_at is None


def test_a_token_needs_a_name(employee, login):
    response = login(employee).post(URL, {"name": "", "expires_in": "30"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()
    assert 'value="chorus_' not in response.content.decode()


def test_revoking_a_token(employee, login):
    created = services.create_token(by=employee, name="Old script")

    response = login(employee).post(f"{URL}{created.token.pk}/revoke/", follow=True)

    assert response.status_code == 200
    assert "is revoked and no longer works" in response.content.decode()
    assert ApiToken.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_REVOKED).count() == 1


def test_nobody_revokes_someone_elses_token(employee, admin, login):
    created = services.create_token(by=employee, name="Erin's script")

    response = login(admin).post(f"{URL}{created.token.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_the_navigation_offers_the_token_page(employee, login):
    html = login(employee).get("/o/acme/").content.decode()

    assert 'href="/o/acme/api-tokens/"' in html
