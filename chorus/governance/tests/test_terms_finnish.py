"""Confidential terms in Finnish texts: cases, plurals, possessives, clitics, gradation."""

import pytest

from chorus.governance.tests.helpers import excerpts, matches, terms

KUUTAMO_FORMS = [
    "Kuutamo",
    "Kuutamon",
    "Kuutamoa",
    "Kuutamossa",
    "Kuutamosta",
    "Kuutamoon",
    "Kuutamolla",
    "Kuutamolta",
    "Kuutamolle",
    "Kuutamona",
    "Kuutamoksi",
    "Kuutamotta",
    "Kuutamot",
    "Kuutamoja",
    "Kuutamojen",
    "Kuutamoiden",
    "Kuutamoissa",
    "Kuutamoista",
    "Kuutamoihin",
    "Kuutamoilla",
    "Kuutamoille",
    "Kuutamoina",
    "Kuutamoiksi",
    "Kuutamoineen",
    "Kuutamokin",
    "Kuutamokaan",
    "Kuutamoakaan",
    "Kuutamossakin",
    "Kuutamoni",
    "Kuutamosi",
    "Kuutamonsa",
    "Kuutamossani",
    "Kuutamossaan",
    "Kuutamoonsa",
    "Kuutamollemme",
    "Kuutamoksemme",
    "Kuutamossammekaan",
    "Kuutamohan",
    "Kuutamoko",
    "KUUTAMOSSA",
]


@pytest.mark.parametrize("word", KUUTAMO_FORMS)
def test_case_endings_plurals_possessives_and_clitics(word):
    assert matches(word, "Kuutamo", language="fi")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        # a-words: plural stems with -i- and -oi-/-oj-
        ("Kissa", "kissoja"),
        ("Kissa", "kissoissa"),
        ("Koira", "koiria"),
        ("Koira", "koirien"),
        # front vowels and diacritics fold together
        ("Päivä", "päivässä"),
        ("Päivä", "Paivassa"),
        ("Kesä", "kesällä"),
        # -e words
        ("Kone", "koneen"),
        ("Kone", "koneessa"),
        ("Kone", "koneita"),
        ("Kone", "konetta"),
        # old -i words and new -i words
        ("Suomi", "Suomen"),
        ("Suomi", "Suomessa"),
        ("Banaani", "banaaneja"),
        ("Banaani", "banaanissa"),
        # -nen names
        ("Virtanen", "Virtasen"),
        ("Virtanen", "Virtasta"),
        ("Virtanen", "Virtaselle"),
        ("Virtanen", "Virtasia"),
        # -in and -as/-us words
        ("Avain", "avaimen"),
        ("Avain", "avaimessa"),
        ("Vieras", "vieraan"),
        ("Rakkaus", "rakkauden"),
        ("Rakkaus", "rakkautta"),
        # names from other languages
        ("Falcon", "Falconin"),
        ("Falcon", "Falconissa"),
        ("Falcon", "Falconia"),
        ("Falcon", "Falconkin"),
        # long vowels
        ("Maa", "maassa"),
        ("Maa", "maissa"),
        ("Maa", "maahan"),
    ],
)
def test_word_types(term, word):
    assert matches(word, term, language="fi")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Kukka", "kukan"),
        ("Kukka", "kukassa"),
        ("Kukka", "kukissa"),
        ("Kukka", "kukkia"),
        ("Katu", "kadun"),
        ("Katu", "kaduilla"),
        ("Lintu", "linnun"),
        ("Ranta", "rannalla"),
        ("Kampa", "kamman"),
        ("Matto", "maton"),
        ("Pelto", "pellolla"),
        ("Parta", "parran"),
        ("Hanki", "hangen"),
        ("Reikä", "reiän"),
        ("Vittu", "vitun"),
        ("Liike", "liikkeen"),
        ("Liike", "liikkeessä"),
        ("Liike", "liikkeitä"),
        ("Osoite", "osoitteen"),
    ],
)
def test_consonant_gradation(term, word):
    assert matches(word, term, language="fi")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Kuutamo", "Kuutamoinen"),
        ("Kuutamo", "Kuutamokset"),
        ("Nova", "Novak"),
        ("Kone", "Konetti"),
        ("Soko", "Soita"),
        ("Kuu", "Kuukausi"),
        ("Sata", "Satama"),
    ],
)
def test_unrelated_words_do_not_match(term, word):
    assert not matches(word, term, language="fi")


def test_a_hyphenated_compound_and_an_abbreviation_with_a_colon_ending():
    text = "Kuutamo-projekti etenee. Kuutamo:n julkaisu on lähellä."

    assert excerpts(text, terms("Kuutamo"), language="fi") == ["Kuutamo", "Kuutamo"]


def test_in_a_sentence():
    text = "Kerroimme Kuutamosta eilen, ja Kuutamoakaan ei saa mainita kuutamoissamme."

    assert excerpts(text, terms("Kuutamo"), language="fi") == [
        "Kuutamosta",
        "Kuutamoakaan",
        "kuutamoissamme",
    ]
