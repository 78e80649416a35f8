import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.sharing.models import AdvocacySettings

pytestmark = pytest.mark.django_db

URL = "/o/acme/share/settings/"


def valid(**overrides: str) -> dict[str, str]:
    return {
        "disclosure": "I work at Acme.",
        "duplicate_guard": "block",
        "duplicate_threshold": "0.75",
        "programme_terms": "Only what you choose, in your words.",
        **overrides,
    }


def test_page_shows_the_current_settings(admin, login) -> None:
    response = login(admin).get(URL)

    assert response.status_code == 200
    assert response.context["form"].initial["disclosure"] == "#employee"
    assert "The programme terms are at version 1." in response.content.decode()


def test_saving_changes_the_settings_bumps_the_terms_and_audits(owner, login) -> None:
    response = login(owner).post(URL, valid())

    assert response.status_code == 302
    advocacy = AdvocacySettings.objects.get()
    assert (
        advocacy.disclosure,
        advocacy.duplicate_guard,
        advocacy.duplicate_threshold,
        advocacy.programme_terms,
        advocacy.programme_terms_version,
    ) == ("I work at Acme.", "block", 0.75, "Only what you choose, in your words.", 2)
    event = AuditEvent.objects.get(action=AuditAction.ADVOCACY_SETTINGS_UPDATED)
    assert event.actor == owner.user


def test_a_threshold_out_of_range_is_shown_and_nothing_changes(admin, login) -> None:
    response = login(admin).post(URL, valid(duplicate_threshold="1.5"))

    assert response.status_code == 200
    assert "duplicate_threshold" in response.context["form"].errors
    assert 'value="I work at Acme."' in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.ADVOCACY_SETTINGS_UPDATED).exists()


@pytest.mark.parametrize("role", ["content_manager", "reviewer", "responder", "employee"])
def test_other_roles_may_not(cast, login, role) -> None:
    client = login(cast[role])

    assert client.get(URL).status_code == 403
    assert client.post(URL, valid()).status_code == 403
    assert not AuditEvent.objects.exists()


def test_outsiders_get_404(outsider, login) -> None:
    assert login(outsider).post(URL, valid()).status_code == 404
    assert not AdvocacySettings.objects.filter(disclosure="I work at Acme.").exists()
