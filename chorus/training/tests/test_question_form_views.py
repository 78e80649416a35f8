"""The question form: choices with correct marks, and clear errors when they do not add up."""

import pytest

from chorus.training.tests.helpers import make_module

pytestmark = pytest.mark.django_db

MANAGE = "/o/acme/training/manage/"


@pytest.fixture
def module(content_manager):
    return make_module(content_manager, lessons=0, questions=0)


def test_adding_a_question_with_several_correct_choices(content_manager, module, login):
    response = login(content_manager).post(
        f"{MANAGE}{module.pk}/questions/new/",
        {
            "text": "Which are confidential?",
            "choice_1": "Code names",
            "correct_1": "on",
            "choice_2": "Press releases",
            "choice_3": "Unreleased figures",
            "correct_3": "on",
        },
    )

    assert response["Location"] == f"{MANAGE}{module.pk}/"
    question = module.questions.get()
    assert list(question.choices.values_list("text", "is_correct")) == [
        ("Code names", True),
        ("Press releases", False),
        ("Unreleased figures", True),
    ]


def test_fewer_than_two_choices_is_a_field_error(content_manager, module, login):
    response = login(content_manager).post(
        f"{MANAGE}{module.pk}/questions/new/",
        {"text": "Q?", "choice_1": "Only", "correct_1": "on"},
    )

    assert response.context["form"].errors["choice_1"] == ["Give at least two choices."]
    assert "Give at least two choices." in response.content.decode()
    assert not module.questions.exists()


def test_no_correct_choice_is_a_field_error(content_manager, module, login):
    response = login(content_manager).post(
        f"{MANAGE}{module.pk}/questions/new/", {"text": "Q?", "choice_1": "A", "choice_2": "B"}
    )

    assert response.context["form"].errors["choice_1"] == ["Mark at least one choice as correct."]
    assert not module.questions.exists()


def test_a_missing_question_text_is_a_field_error(content_manager, module, login):
    response = login(content_manager).post(
        f"{MANAGE}{module.pk}/questions/new/",
        {"text": "", "choice_1": "A", "correct_1": "on", "choice_2": "B"},
    )

    assert "text" in response.context["form"].errors


def test_editing_shows_and_replaces_the_choices(content_manager, login):
    module = make_module(content_manager, lessons=0, questions=1)
    question = module.questions.get()
    client = login(content_manager)

    page = client.get(f"{MANAGE}questions/{question.pk}/").content.decode()
    assert 'value="Also right 1"' in page

    client.post(
        f"{MANAGE}questions/{question.pk}/",
        {"text": "Changed?", "choice_1": "Yes", "correct_1": "on", "choice_2": "No"},
    )
    question.refresh_from_db()
    assert question.text == "Changed?"
    assert list(question.choices.values_list("text", flat=True)) == ["Yes", "No"]


def test_moving_and_deleting(content_manager, login):
    module = make_module(content_manager, lessons=0, questions=2)
    first, second = module.questions.all()
    client = login(content_manager)

    client.post(f"{MANAGE}questions/{first.pk}/move/", {"direction": "down"})
    assert list(module.questions.values_list("text", flat=True)) == ["Question 2?", "Question 1?"]

    client.post(f"{MANAGE}questions/{second.pk}/delete/")
    assert list(module.questions.values_list("text", flat=True)) == ["Question 1?"]
