"""The starter policy: in every interface language, chosen by the organisation's language."""

import pytest
from django.conf import settings

from chorus.policies import selectors
from chorus.policies.selectors import STARTER_DIRECTORY

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Words each language's starter uses for its first and third sections, and for monitoring.
MARKERS = {
    "en": ("Why we have this policy", "Who owns which accounts and content", "Monitoring"),
    "de": (
        "Warum es diese Richtlinie gibt",
        "Wem welche Konten und Inhalte gehören",
        "Beobachtung",
    ),
    "fi": ("Miksi meillä on tämä ohje", "Kenelle tilit ja sisällöt kuuluvat", "Seuranta"),
    "pl": ("Dlaczego mamy tę politykę", "Do kogo należą konta i treści", "Monitorowanie"),
    "cy": (
        "Pam mae gennym ni'r polisi hwn",
        "Pwy sy'n berchen ar ba gyfrifon a chynnwys",
        "Monitro",
    ),
}


def test_there_is_a_starter_in_every_interface_language():
    assert sorted(MARKERS) == sorted(LANGUAGES)
    for language in LANGUAGES:
        assert (STARTER_DIRECTORY / f"{language}.md").is_file()


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_starter_follows_the_same_ten_sections(language):
    text = selectors.starter_text(language=language)
    headings = [line for line in text.splitlines() if line.startswith("## ")]

    assert len(headings) == 10
    first, ownership, monitoring = MARKERS[language]
    assert headings[0] == f"## {first}"
    assert headings[2] == f"## {ownership}"
    assert f"## {monitoring}" in headings
    assert "{organisation}" in text


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_each_translation_is_its_own_text(language):
    assert selectors.starter_text(language=language) != selectors.starter_text(language="en")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_organisations_language_chooses_the_starter(organisation, language):
    organisation.default_language = language
    organisation.save()

    text = selectors.starter_text_for(organisation=organisation)

    assert text.startswith(f"## {MARKERS[language][0]}")
    assert "Acme Ltd" in text
    assert "{organisation}" not in text


def test_an_unknown_language_falls_back_to_english():
    assert selectors.starter_text(language="sv") == selectors.starter_text(language="en")
    assert selectors.starter_text(language="../en") == selectors.starter_text(language="en")
