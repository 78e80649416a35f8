"""Confidential terms in Polish texts: case endings and stem alternations."""

import pytest

from chorus.governance.tests.helpers import excerpts, matches, terms

JASTRZAB_FORMS = [
    "Jastrząb",
    "Jastrzębia",
    "Jastrzębiowi",
    "Jastrzębiem",
    "Jastrzębiu",
    "Jastrzębie",
    "Jastrzębi",
    "Jastrzębiom",
    "Jastrzębiami",
    "Jastrzębiach",
    "JASTRZĘBIA",
    "jastrzebia",
    "Jastrzab",
]


@pytest.mark.parametrize("word", JASTRZAB_FORMS)
def test_jastrzab_in_every_case_with_its_vowel_change(word):
    assert matches(word, "Jastrząb", language="pl")


@pytest.mark.parametrize(
    "word",
    [
        "Falcona",
        "Falconu",
        "Falconowi",
        "Falconem",
        "Falconie",
        "Falcony",
        "Falconów",
        "Falconom",
        "Falconami",
        "Falconach",
    ],
)
def test_regular_endings_of_a_masculine_name(word):
    assert matches(word, "Falcon", language="pl")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Kraków", "Krakowa"),
        ("Kraków", "Krakowie"),
        ("Sokół", "Sokoła"),
        ("Sokół", "sokołem"),
        ("Marek", "Marka"),
        ("Marek", "Markiem"),
        ("Piotrek", "Piotrka"),
        ("Piotr", "Piotrze"),
        ("Michał", "Michale"),
        ("Kot", "kocie"),
        ("Gołąb", "gołębia"),
        ("Warszawa", "Warszawie"),
        ("Warszawa", "Warszawy"),
        ("Warszawa", "Warszawą"),
        ("Warszawa", "Warszawę"),
        ("Polska", "Polsce"),
        ("Praga", "Pradze"),
        ("Nova", "Novy"),
        ("Nova", "Novie"),
        ("Kuutamo", "Kuutama"),
        ("Kuutamo", "Kuutamem"),
        ("Pole", "polu"),
        ("Ręka", "ręce"),
        ("Ptak", "ptaki"),
    ],
)
def test_alternations_and_other_genders(term, word):
    assert matches(word, term, language="pl")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Nova", "Novak"),
        ("Nova", "Nov"),
        ("Falcon", "Falconi"),
        ("Falcon", "Falconetti"),
        ("Kot", "Kotlet"),
        ("Jastrząb", "Jastrzębiec"),
    ],
)
def test_unrelated_words_do_not_match(term, word):
    assert not matches(word, term, language="pl")


def test_in_a_sentence():
    text = "Pracujemy nad Jastrzębiem. O Jastrzębiu nie piszemy, a jastrząb to ptak."

    assert excerpts(text, terms("Jastrząb"), language="pl") == [
        "Jastrzębiem",
        "Jastrzębiu",
        "jastrząb",
    ]
