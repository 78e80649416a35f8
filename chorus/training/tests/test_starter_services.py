"""Starter modules: added with one click, never twice, and read in each member's language."""

import pytest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chorus.audit.actions import AuditAction
from chorus.audit.models import AuditEvent
from chorus.training import services, starter
from chorus.training.models import Module
from chorus.training.services import ModuleFields

pytestmark = pytest.mark.django_db


def test_both_starter_modules_are_added_with_lessons_and_quizzes(content_manager):
    added = services.add_starter_modules(by=content_manager)

    assert [module.title for module in added] == [
        "Advocacy basics",
        "Writing your own posts and commenting",
    ]
    for module in added:
        assert 2 <= module.lessons.count() <= 3
        assert 3 <= module.questions.count() <= 4
        for question in module.questions.all():
            choices = list(question.choices.all())
            assert len(choices) >= 2
            assert any(choice.is_correct for choice in choices)
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_STARTERS_ADDED).count() == 2


def test_a_second_click_adds_nothing(content_manager, organisation):
    services.add_starter_modules(by=content_manager)

    assert services.add_starter_modules(by=content_manager) == []
    assert Module.objects.filter(organisation=organisation).count() == 2


def test_an_edited_starter_module_is_still_not_added_again(content_manager, organisation):
    basics = services.add_starter_modules(by=content_manager)[0]
    services.update_module(by=content_manager, module=basics, fields=ModuleFields(title="Ours"))

    services.add_starter_modules(by=content_manager)

    assert Module.objects.filter(organisation=organisation).count() == 2


def test_every_starter_text_goes_through_gettext():
    for key, fields in starter.TEXTS.items():
        for value in fields.values():
            assert isinstance(value, Promise), key


def test_members_read_the_starter_text_through_gettext_in_their_language(content_manager):
    basics = services.add_starter_modules(by=content_manager)[0]
    lesson = basics.lessons.all()[0]

    for language in ("de", "fi", "pl", "cy"):
        with translation.override(language):
            assert basics.shown_title == gettext("Advocacy basics")
            assert lesson.shown_body == gettext(str(starter.ADVOCACY_BASICS.lessons[0].body))


def test_the_text_follows_the_active_language_until_the_organisation_edits_it(monkeypatch):
    # A starter text whose translation the catalogs already carry.
    monkeypatch.setitem(starter.TEXTS, "known", {"title": _("Write your own post")})
    module = Module(starter_key="known", title="Stored text")

    with translation.override("fi"):
        assert module.shown_title == "Kirjoita oma julkaisu"
    with translation.override("de"):
        assert module.shown_title == "Einen eigenen Beitrag schreiben"

    module.customised = True
    with translation.override("fi"):
        assert module.shown_title == "Stored text"


def test_changing_only_the_assignment_keeps_the_starter_text(content_manager):
    basics = services.add_starter_modules(by=content_manager)[0]

    services.update_module(
        by=content_manager,
        module=basics,
        fields=ModuleFields(
            title=basics.shown_title,
            description=basics.shown_description,
            assigned_to_everyone=True,
        ),
    )

    basics.refresh_from_db()
    assert basics.assigned_to_everyone and not basics.customised


def test_editing_a_starter_question_makes_it_the_organisations_own(content_manager):
    basics = services.add_starter_modules(by=content_manager)[0]
    question = basics.questions.all()[0]

    services.update_question(
        by=content_manager,
        question=question,
        text="Is taking part up to you?",
        choices=[("Yes", True), ("No", False)],
    )

    question.refresh_from_db()
    assert question.customised
    with translation.override("fi"):
        assert question.shown_text == "Is taking part up to you?"
        assert [c.shown_text for c in question.choices.all()] == ["Yes", "No"]
