"""The quiz page: one fieldset per question, and a result that says what passing unlocked."""

import re

import pytest

from chorus.campaigns.models import ActivityKind
from chorus.training import services
from chorus.training.models import QuizAttempt
from chorus.training.tests.helpers import make_module, right_choices, wrong_choices

pytestmark = pytest.mark.django_db


def quiz_url(module) -> str:
    return f"/o/acme/training/{module.pk}/quiz/"


def form_data(module, *, right: int) -> dict[str, list[str]]:
    return {
        f"question_{question.pk}": [
            str(pk)
            for pk in (right_choices(question) if index < right else wrong_choices(question))
        ]
        for index, question in enumerate(module.questions.all())
    }


@pytest.fixture
def module(content_manager):
    module = make_module(content_manager, "Advocacy basics", questions=4, pass_mark=75)
    services.set_unlock_requirements(
        by=content_manager,
        requirements={ActivityKind.OWN_POST: module, ActivityKind.COMMENT: module},
    )
    return module


def test_each_question_is_a_fieldset_of_labelled_checkboxes(employee, module, login):
    page = login(employee).get(quiz_url(module)).content.decode()

    assert page.count("<fieldset>") == 4
    assert "<legend>Question 1?</legend>" in page
    assert re.search(r'<label for="[^"]+"><input type="checkbox"[^>]*> Right 1</label>', page)
    assert ">Submit answers</button>" in page


def test_passing_says_so_and_lists_what_it_unlocked(employee, module, login):
    response = login(employee).post(quiz_url(module), form_data(module, right=3))

    page = response.content.decode()
    assert "You passed with 75%." in page
    assert "Write your own post" in page and "Comment on a post" in page
    assert QuizAttempt.objects.get(member=employee).passed


def test_the_unlocked_types_are_named_in_the_members_language(employee, module, login):
    employee.user.language = "fi"
    employee.user.save()

    page = login(employee).post(quiz_url(module), form_data(module, right=4)).content.decode()

    assert "Kirjoita oma julkaisu" in page
    assert "Kommentoi julkaisua" in page


def test_failing_shows_the_score_and_the_form_again(employee, module, login):
    client = login(employee)

    page = client.post(quiz_url(module), form_data(module, right=2)).content.decode()

    assert "Not passed yet: you scored 50%, and 75% passes." in page
    assert ">Submit answers</button>" in page
    retry = client.post(quiz_url(module), form_data(module, right=4)).content.decode()
    assert "You passed" in retry


def test_another_organisations_quiz_is_not_found(outsider, module, login):
    client = login(outsider)

    assert client.get(quiz_url(module)).status_code == 404
    assert client.post(quiz_url(module), form_data(module, right=4)).status_code == 404
    assert client.post(f"/o/globex/training/{module.pk}/quiz/").status_code == 404
    assert not QuizAttempt.objects.exists()
