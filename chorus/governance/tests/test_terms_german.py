"""Confidential terms in German texts: endings, umlaut plurals and compounds."""

import pytest

from chorus.governance.tests.helpers import excerpts, matches, terms


@pytest.mark.parametrize(
    "word",
    ["Falke", "Falken", "Falkes", "FALKEN", "falke"],
)
def test_case_and_plural_endings(word):
    assert matches(word, "Falke", language="de")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Haus", "Häuser"),
        ("Haus", "Häusern"),
        ("Haus", "Hauses"),
        ("Apfel", "Äpfel"),
        ("Apfel", "Äpfeln"),
        ("Kind", "Kinder"),
        ("Kind", "Kindern"),
        ("Bär", "Baren"),
        ("Straße", "Strasse"),
        ("Strasse", "Straßen"),
        ("Projekt", "Projekte"),
        ("Projekt", "Projekts"),
        ("Studentin", "Studentinnen"),
    ],
)
def test_endings_umlaut_plurals_and_spelling_without_special_letters(term, word):
    assert matches(word, term, language="de")


@pytest.mark.parametrize(
    "word",
    [
        "Falkeprojekt",
        "Falkenprojekt",
        "Falkesprojekt",
        "Projektfalke",
        "Projektfalken",
        "Geheimprojektfalkes",
        "Falkenauge",
    ],
)
def test_the_term_at_the_start_or_end_of_a_compound(word):
    assert matches(word, "Falke", language="de")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Falke", "Falkner"),
        ("Falke", "Falk"),
        ("Nova", "Novak"),
        ("Rot", "Brot"),
        ("Rot", "Rotation"),
        ("Haus", "Hausx"),
    ],
)
def test_unrelated_words_do_not_match(term, word):
    assert not matches(word, term, language="de")


def test_short_terms_are_not_looked_for_inside_compounds():
    # "Rot" is too short: as a compound part it would match half the dictionary.
    assert not matches("Rotwein", "Rot", language="de")
    assert matches("Rotwein", "Rot", language="de", mode="anywhere")


def test_compounds_only_in_german_texts():
    assert not matches("Falkeprojekt", "Falke", language="en")


def test_in_a_sentence():
    text = "Das Falkeprojekt startet, die Falken fliegen und der FALKE landet."

    assert excerpts(text, terms("Falke"), language="de") == ["Falkeprojekt", "Falken", "FALKE"]
