import pytest

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent


@pytest.fixture
def settings_url(organisation):
    return f"/o/{organisation.slug}/settings/"


def valid(**overrides: str) -> dict[str, str]:
    return {
        "name": "Acme Europe",
        "default_language": "de",
        "default_time_zone": "Europe/Berlin",
        **overrides,
    }


def test_page_shows_the_current_settings(admin, login, settings_url):
    response = login(admin).get(settings_url)

    assert response.status_code == 200
    assert response.context["form"].initial == {
        "name": "Acme Ltd",
        "default_language": "en",
        "default_time_zone": "UTC",
    }


def test_update_name_language_and_time_zone(owner, organisation, login, settings_url):
    client = login(owner)

    response = client.post(settings_url, valid())

    assert response.status_code == 302
    assert response["Location"] == settings_url
    organisation.refresh_from_db()
    assert (organisation.name, organisation.default_language, organisation.default_time_zone) == (
        "Acme Europe",
        "de",
        "Europe/Berlin",
    )
    page = client.get(settings_url).content.decode()
    assert "Settings saved." in page
    assert "Acme Europe" in page


def test_update_is_audited_with_before_and_after(admin, organisation, login, settings_url):
    login(admin).post(settings_url, valid())

    event = AuditEvent.objects.get(action=AuditAction.ORGANISATION_UPDATED)
    assert event.actor == admin.user
    assert event.object_type == "organisation"
    assert event.object_id == str(organisation.pk)
    assert event.before == {
        "name": "Acme Ltd",
        "default_language": "en",
        "default_time_zone": "UTC",
    }
    assert event.after == {
        "name": "Acme Europe",
        "default_language": "de",
        "default_time_zone": "Europe/Berlin",
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"default_time_zone": "Europe/Atlantis"}, "default_time_zone"),
        ({"default_time_zone": ""}, "default_time_zone"),
        ({"default_language": "xx"}, "default_language"),
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
    ],
)
def test_invalid_settings_are_rejected(
    overrides, field, admin, organisation, login, settings_url, snapshot
):
    before = snapshot(organisation)

    response = login(admin).post(settings_url, valid(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot(organisation) == before


def test_settings_of_one_organisation_leave_another_alone(
    outsider, other_organisation, organisation, login, snapshot
):
    before = snapshot(organisation)

    login(outsider).post(f"/o/{other_organisation.slug}/settings/", valid(name="Globex Europe"))

    other_organisation.refresh_from_db()
    assert other_organisation.name == "Globex Europe"
    assert snapshot(organisation) == before
