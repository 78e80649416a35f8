import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

LANGUAGE_URL = "/language/"


def html_lang(response) -> str:
    page = str(response.content.decode())
    start = page.index("<html lang=") + len('<html lang="')
    return page[start : page.index('"', start)]


@pytest.mark.parametrize("language", ["de", "fi", "pl", "cy"])
def test_logged_in_choice_is_stored_on_the_account(language, employee, login):
    client = login(employee)

    response = client.post(LANGUAGE_URL, {"language": language, "next": "/profile/"})

    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    employee.user.refresh_from_db()
    assert employee.user.language == language
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == language
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert html_lang(client.get("/profile/")) == language


def test_stored_choice_follows_the_person_to_a_new_browser(employee, login):
    login(employee).post(LANGUAGE_URL, {"language": "pl"})

    fresh = login(employee)

    assert html_lang(fresh.get("/o/acme/")) == "pl"


def test_anonymous_choice_is_kept_in_the_cookie(client):
    response = client.post(LANGUAGE_URL, {"language": "de", "next": "/accounts/login/"})

    assert response["Location"] == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert html_lang(client.get("/accounts/login/")) == "de"


@pytest.mark.parametrize("language", ["xx", "", "en-gb-x-pirate", "DE<script>"])
def test_unknown_language_is_refused_with_a_message(language, employee, login):
    employee.user.language = "fi"
    employee.user.save()
    client = login(employee)

    response = client.post(LANGUAGE_URL, {"language": language, "next": "/profile/"})

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    employee.user.refresh_from_db()
    assert employee.user.language == "fi"
    page = client.get("/profile/")
    assert html_lang(page) == "fi"
    [message] = list(page.context["messages"])
    with translation.override("fi"):
        expected = gettext(
            "“%(language)s” is not a language Chorus speaks. Choose one of the list."
        ) % {"language": language}
    assert str(message) == expected
    assert "<script>" not in page.content.decode().split("<main", 1)[1]


def test_anonymous_unknown_language_sets_no_cookie(client):
    response = client.post(LANGUAGE_URL, {"language": "xx"})

    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
        "",
    ],
)
def test_next_is_not_an_open_redirect(next_url, client):
    response = client.post(LANGUAGE_URL, {"language": "de", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("next_url", ["/o/acme/people/?q=erin", "http://testserver/profile/"])
def test_next_on_this_site_is_followed(next_url, client):
    response = client.post(LANGUAGE_URL, {"language": "de", "next": next_url})

    assert response["Location"] == next_url


def test_get_is_not_allowed(employee, login):
    response = login(employee).get(LANGUAGE_URL, {"language": "de"})

    assert response.status_code == 405
    employee.user.refresh_from_db()
    assert employee.user.language == ""


def test_language_switcher_posts_back_to_the_current_page(employee, login):
    page = login(employee).get("/o/acme/").content.decode()

    assert 'action="/language/"' in page
    assert 'name="next" value="/o/acme/"' in page


def test_changing_language_changes_no_one_else(employee, reviewer, login):
    login(employee).post(LANGUAGE_URL, {"language": "cy"})

    reviewer.user.refresh_from_db()
    assert reviewer.user.language == ""
    assert html_lang(Client().get("/accounts/login/")) == "en"
