"""Confidential terms and banned phrases in English texts."""

import pytest

from chorus.governance.tests.helpers import excerpts, matches, terms


@pytest.mark.parametrize(
    "word",
    ["Falcon", "Falcons", "Falcon's", "Falcons'", "Falcon\u2019s", "FALCON", "falcon", "fálcon"],
)
def test_plurals_possessives_case_and_accents_of_a_term_match(word):
    assert matches(word, "Falcon", language="en")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Nova", "Novas"),
        ("Atlas", "Atlases"),
        ("Blackberry", "Blackberries"),
        ("Blackberry", "Blackberry's"),
        ("Wolf", "Wolves"),
        ("Knife", "knives"),
        ("Box", "boxes"),
    ],
)
def test_plural_forms(term, word):
    assert matches(word, term, language="en")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Nova", "Novak"),
        ("Nova", "Novartis"),
        ("Nova", "supernova"),
        ("Falcon", "Falconer"),
        ("Cat", "Catalogue"),
        ("Cat", "scattered"),
        ("Blackberry", "Blackberryx"),
    ],
)
def test_a_word_that_merely_contains_the_term_does_not_match(term, word):
    assert not matches(word, term, language="en")


def test_inside_words_mode_does_match_a_word_containing_the_term():
    assert matches("Novak", "Nova", language="en", mode="anywhere")
    assert matches("supernova", "NOVA", language="en", mode="anywhere")


def test_exact_mode_matches_only_the_word_itself():
    assert matches("Falcon", "falcon", language="en", mode="exact")
    assert matches("Falcon's", "falcon", language="en", mode="exact")  # the word, then 's
    assert not matches("Falcons", "falcon", language="en", mode="exact")


def test_a_phrase_matches_across_spaces_line_breaks_and_hyphens_with_its_last_word_inflected():
    rule = terms("Project Falcon")
    text = "Our project\nfalcons and Project-Falcon's launch, and #ProjectFalcon too"

    assert excerpts(text, rule, language="en") == [
        "project\nfalcons",
        "Project-Falcon",
        "ProjectFalcon",
    ]


def test_a_phrase_does_not_match_across_a_full_stop():
    assert excerpts("A project. Falcon flies.", terms("project falcon"), language="en") == []


def test_symbols_in_a_term_must_be_there():
    rule = terms("#ad")

    assert excerpts("Great deal #ad but no ad here", rule, language="en") == ["#ad"]


def test_every_occurrence_is_found_with_its_span():
    text = "Falcon is here. The falcons' nest: FALCON!"

    assert excerpts(text, terms("Falcon"), language="en") == ["Falcon", "falcons", "FALCON"]
