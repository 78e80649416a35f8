"""Reading a lesson: safe Markdown, and a button that marks it read and moves on."""

import pytest

from chorus.training import services
from chorus.training.models import LessonRead
from chorus.training.tests.helpers import make_module

pytestmark = pytest.mark.django_db


def lesson_url(module, lesson) -> str:
    return f"/o/acme/training/{module.pk}/lessons/{lesson.pk}/"


def test_markdown_is_rendered_without_raw_html(content_manager, employee, login):
    module = make_module(content_manager, lessons=0, questions=0)
    lesson = services.create_lesson(
        by=content_manager,
        module=module,
        title="Tone",
        body="**Be kind** <script>alert(1)</script> [bad](javascript:alert(1)) [ok](https://acme.test)",
    )

    page = login(employee).get(lesson_url(module, lesson)).content.decode()

    assert "<strong>Be kind</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert '<a href="https://acme.test" rel="noopener noreferrer">ok</a>' in page
    assert "Lesson 1 of 1" in page


def test_marking_read_goes_to_the_next_lesson_then_the_quiz(content_manager, employee, login):
    module = make_module(content_manager, lessons=2, questions=1)
    first, second = module.lessons.all()
    client = login(employee)

    response = client.post(lesson_url(module, first))
    assert response["Location"] == lesson_url(module, second)
    assert (
        "Mark as read and take the quiz" in client.get(lesson_url(module, second)).content.decode()
    )

    response = client.post(lesson_url(module, second))
    assert response["Location"] == f"/o/acme/training/{module.pk}/quiz/"
    assert LessonRead.objects.filter(member=employee).count() == 2


def test_without_a_quiz_the_last_lesson_returns_to_the_module(content_manager, employee, login):
    module = make_module(content_manager, lessons=1, questions=0)

    response = login(employee).post(lesson_url(module, module.lessons.get()))

    assert response["Location"] == f"/o/acme/training/{module.pk}/"


def test_the_module_page_shows_read_lessons_and_attempts(content_manager, employee, login):
    module = make_module(content_manager, lessons=2)
    services.mark_lesson_read(member=employee, lesson=module.lessons.all()[0])
    services.submit_quiz(member=employee, module=module, answers={})

    page = login(employee).get(f"/o/acme/training/{module.pk}/").content.decode()

    assert "1 of 2 lessons read" in page
    assert "Not passed" in page


def test_a_lesson_of_another_module_or_organisation_is_not_found(
    content_manager, employee, outsider, login
):
    module = make_module(content_manager, lessons=1)
    other = make_module(content_manager, "Other", lessons=1)
    theirs = make_module(outsider, "Theirs", lessons=1)
    client = login(employee)

    assert client.get(lesson_url(module, other.lessons.get())).status_code == 404
    assert client.get(lesson_url(theirs, theirs.lessons.get())).status_code == 404
    assert client.post(lesson_url(theirs, theirs.lessons.get())).status_code == 404
    assert not LessonRead.objects.exists()
