"""Adding, editing, moving and deleting lessons through the pages."""

import pytest

from chorus.training.models import Lesson
from chorus.training.tests.helpers import make_module

pytestmark = pytest.mark.django_db

MANAGE = "/o/acme/training/manage/"


def test_adding_a_lesson(content_manager, login):
    module = make_module(content_manager, lessons=0, questions=0)

    response = login(content_manager).post(
        f"{MANAGE}{module.pk}/lessons/new/", {"title": "Tone", "body": "Be *kind*."}
    )

    assert response["Location"] == f"{MANAGE}{module.pk}/"
    assert list(module.lessons.values_list("title", "body")) == [("Tone", "Be *kind*.")]


def test_missing_fields_are_field_errors(content_manager, login):
    module = make_module(content_manager, lessons=0, questions=0)

    response = login(content_manager).post(
        f"{MANAGE}{module.pk}/lessons/new/", {"title": "", "body": ""}
    )

    assert set(response.context["form"].errors) == {"title", "body"}


def test_editing_moving_and_deleting(content_manager, login):
    module = make_module(content_manager, lessons=2, questions=0)
    first, second = module.lessons.all()
    client = login(content_manager)

    assert "Text of lesson 1." in client.get(f"{MANAGE}lessons/{first.pk}/").content.decode()
    client.post(f"{MANAGE}lessons/{first.pk}/", {"title": "Renamed", "body": "New"})
    client.post(f"{MANAGE}lessons/{second.pk}/move/", {"direction": "up"})
    assert list(module.lessons.values_list("title", flat=True)) == ["Lesson 2", "Renamed"]

    client.post(f"{MANAGE}lessons/{second.pk}/delete/")
    assert list(module.lessons.values_list("title", flat=True)) == ["Renamed"]


def test_another_organisations_lesson_is_not_found(content_manager, outsider, login):
    module = make_module(content_manager, lessons=1, questions=0)
    lesson = module.lessons.get()
    client = login(outsider)

    assert client.get(f"/o/globex/training/manage/lessons/{lesson.pk}/").status_code == 404
    assert client.post(f"/o/globex/training/manage/lessons/{lesson.pk}/delete/").status_code == 404
    assert Lesson.objects.filter(pk=lesson.pk).exists()
