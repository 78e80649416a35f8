"""“Add the starter modules”: one click adds both, a second click adds nothing."""

import pytest

from chorus.training.models import Module

pytestmark = pytest.mark.django_db

URL = "/o/acme/training/manage/starters/"


def test_one_click_adds_the_starter_modules_and_a_second_does_not_duplicate(
    content_manager, organisation, login
):
    client = login(content_manager)

    first = client.post(URL, follow=True).content.decode()
    second = client.post(URL, follow=True).content.decode()

    assert "2 starter modules added." in first
    assert "Advocacy basics" in first
    assert "Writing your own posts and commenting" in first
    assert "Your organisation already has the starter modules." in second
    assert Module.objects.filter(organisation=organisation).count() == 2


def test_the_button_is_on_the_management_page(content_manager, login):
    page = login(content_manager).get("/o/acme/training/manage/").content.decode()

    assert ">Add the starter modules</button>" in page


def test_members_take_a_starter_module_like_any_other(content_manager, employee, login):
    login(content_manager).post(URL)
    basics = Module.objects.get(starter_key="advocacy_basics")
    lesson = basics.lessons.all()[0]

    page = login(employee).get(f"/o/acme/training/{basics.pk}/lessons/{lesson.pk}/")

    assert "What the programme is" in page.content.decode()
    assert "<strong>You decide</strong>" in page.content.decode()


def test_only_content_managers_may_add_them(employee, organisation, login):
    assert login(employee).post(URL).status_code == 403
    assert not Module.objects.exists()
