import pytest
from django.utils import translation
from django.utils.translation import gettext

PROFILE_URL = "/profile/"


def valid(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Erin E. Employee",
        "language": "de",
        "time_zone": "America/New_York",
        **overrides,
    }


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(PROFILE_URL)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/profile/"


def test_page_shows_the_current_values(employee, login):
    employee.user.time_zone = "Europe/Helsinki"
    employee.user.save()

    response = login(employee).get(PROFILE_URL)

    assert response.status_code == 200
    assert response.context["form"].initial == {
        "full_name": "Erin Employee",
        "language": "en",
        "time_zone": "Europe/Helsinki",
    }
    assert "erin.employee@acme.test" in response.content.decode()


def test_saving_stores_name_language_and_time_zone(employee, login):
    client = login(employee)

    response = client.post(PROFILE_URL, valid(full_name="  Erin E. Employee "))

    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    user = employee.user
    user.refresh_from_db()
    assert (user.full_name, user.language, user.time_zone) == (
        "Erin E. Employee",
        "de",
        "America/New_York",
    )
    page = client.get(PROFILE_URL)
    assert '<html lang="de">' in page.content.decode()
    with translation.override("de"):
        expected = gettext("Your profile has been saved.")
    assert [str(m) for m in page.context["messages"]] == [expected]


def test_time_zone_is_used_for_the_persons_requests(employee, login):
    login(employee).post(PROFILE_URL, valid(time_zone="Asia/Tokyo"))

    response = login(employee).get(PROFILE_URL)

    assert str(response.context["TIME_ZONE"]) == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"time_zone": "Europe/Atlantis"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"language": "xx"}, "language"),
        ({"full_name": "x" * 151}, "full_name"),
    ],
)
def test_invalid_values_are_refused(overrides, field, employee, login):
    response = login(employee).post(PROFILE_URL, valid(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    user = employee.user
    user.refresh_from_db()
    assert (user.full_name, user.language, user.time_zone) == ("Erin Employee", "", "UTC")


def test_saving_changes_only_ones_own_profile(employee, reviewer, login):
    login(employee).post(PROFILE_URL, valid(full_name="Someone Else"))

    reviewer.user.refresh_from_db()
    assert reviewer.user.full_name == "Rita Reviewer"
