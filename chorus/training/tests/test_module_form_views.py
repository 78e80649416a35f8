"""Managing modules through the pages: list, create, edit with field errors, move, delete."""

import pytest

from chorus.orgs.roles import Role
from chorus.training.models import Module
from chorus.training.tests.helpers import make_module

pytestmark = pytest.mark.django_db

MANAGE = "/o/acme/training/manage/"


def test_creating_a_module_leads_to_its_page(content_manager, teams, login):
    response = login(content_manager).post(
        f"{MANAGE}new/",
        {
            "title": "Posting safely",
            "pass_mark": "70",
            "teams": [teams["Sales"].pk],
            "roles": [Role.EMPLOYEE],
        },
    )

    module = Module.objects.get()
    assert response["Location"] == f"{MANAGE}{module.pk}/"
    assert (module.title, module.pass_mark, module.assigned_roles) == (
        "Posting safely",
        70,
        [Role.EMPLOYEE],
    )
    assert list(module.assigned_teams.all()) == [teams["Sales"]]


@pytest.mark.parametrize("pass_mark", ["0", "101", ""])
def test_a_bad_pass_mark_is_a_field_error(content_manager, login, pass_mark):
    response = login(content_manager).post(f"{MANAGE}new/", {"title": "X", "pass_mark": pass_mark})

    assert response.status_code == 200
    assert "pass_mark" in response.context["form"].errors
    assert not Module.objects.exists()


def test_editing_shows_the_lessons_and_questions_and_saves(content_manager, login):
    module = make_module(content_manager)
    client = login(content_manager)

    page = client.get(f"{MANAGE}{module.pk}/").content.decode()
    assert "Lesson 2" in page and "Question 4?" in page

    response = client.post(f"{MANAGE}{module.pk}/", {"title": "Renamed", "pass_mark": "90"})
    assert response.status_code == 302
    module.refresh_from_db()
    assert (module.title, module.pass_mark) == ("Renamed", 90)


def test_the_list_orders_modules_and_moves_them(content_manager, login):
    first = make_module(content_manager, "First", lessons=0, questions=0)
    second = make_module(content_manager, "Second", lessons=0, questions=0)
    client = login(content_manager)

    client.post(f"{MANAGE}{second.pk}/move/", {"direction": "up"})

    page = client.get(MANAGE).content.decode()
    assert page.index(f'{second.pk}/">Second</a>') < page.index(f'{first.pk}/">First</a>')


def test_deleting_a_module(content_manager, login):
    module = make_module(content_manager)

    response = login(content_manager).post(f"{MANAGE}{module.pk}/delete/")

    assert response["Location"] == MANAGE
    assert not Module.objects.exists()


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.REVIEWER, Role.RESPONDER])
def test_other_roles_may_not_manage(cast, content_manager, login, role):
    module = make_module(content_manager)
    client = login(cast[role])

    assert client.get(MANAGE).status_code == 403
    assert client.post(f"{MANAGE}new/", {"title": "X", "pass_mark": "80"}).status_code == 403
    assert client.post(f"{MANAGE}{module.pk}/delete/").status_code == 403
    assert Module.objects.count() == 1


def test_another_organisations_module_cannot_be_managed(content_manager, outsider, login):
    module = make_module(content_manager)
    client = login(outsider)

    assert client.get(f"/o/globex/training/manage/{module.pk}/").status_code == 404
    assert client.post(f"/o/globex/training/manage/{module.pk}/delete/").status_code == 404
    assert Module.objects.count() == 1
