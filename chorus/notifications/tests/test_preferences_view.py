"""The member's email settings: how often the digest comes, weekly unless they chose."""

from datetime import UTC, datetime

import pytest

from chorus.notifications.models import DigestFrequency, DigestPreference


@pytest.fixture
def preferences_url(organisation):
    return f"/o/{organisation.slug}/notifications/settings/"


def test_weekly_is_chosen_until_the_member_changes_it(employee, login, preferences_url):
    response = login(employee).get(preferences_url)

    assert response.status_code == 200
    assert response.context["form"].initial == {"frequency": DigestFrequency.WEEKLY}
    page = response.content.decode()
    assert 'value="weekly" required id="id_frequency_2" checked' in page
    assert "in your time zone (UTC)" in page


@pytest.mark.parametrize("frequency", [DigestFrequency.DAILY, DigestFrequency.OFF])
def test_choose_a_frequency(employee, login, preferences_url, frequency):
    client = login(employee)

    response = client.post(preferences_url, {"frequency": frequency})

    assert response.status_code == 302
    assert response["Location"] == preferences_url
    assert DigestPreference.objects.get(member=employee).frequency == frequency
    page = client.get(preferences_url).content.decode()
    assert "Your email settings are saved." in page
    assert f'value="{frequency}"' in page


def test_changing_again_keeps_one_row_and_the_last_send(employee, login, preferences_url):
    sent = datetime(2026, 3, 2, 7, tzinfo=UTC)
    DigestPreference.objects.create(member=employee, frequency="daily", last_sent_at=sent)

    login(employee).post(preferences_url, {"frequency": "weekly"})

    preference = DigestPreference.objects.get(member=employee)
    assert (preference.frequency, preference.last_sent_at) == ("weekly", sent)


def test_an_unknown_choice_is_refused_without_a_500(employee, login, preferences_url):
    response = login(employee).post(preferences_url, {"frequency": "hourly"})

    assert response.status_code == 200
    assert response.context["form"].errors["frequency"]
    assert not DigestPreference.objects.filter(member=employee).exists()


def test_settings_are_per_membership(employee, outsider, login, preferences_url):
    DigestPreference.objects.create(member=outsider, frequency="off")

    login(employee).post(preferences_url, {"frequency": "daily"})

    assert DigestPreference.objects.get(member=outsider).frequency == "off"


def test_outsider_gets_404(outsider, login, preferences_url):
    client = login(outsider)

    assert client.get(preferences_url).status_code == 404
    assert client.post(preferences_url, {"frequency": "off"}).status_code == 404
    assert not DigestPreference.objects.exists()
