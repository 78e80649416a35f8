"""Confidential terms in Welsh texts: soft, nasal and aspirate mutations, and h- before vowels."""

import pytest

from chorus.governance.tests.helpers import excerpts, matches, terms


@pytest.mark.parametrize(
    ("term", "word"),
    [
        # soft
        ("Prosiect", "brosiect"),
        ("Teulu", "deulu"),
        ("Cariad", "gariad"),
        ("Bara", "fara"),
        ("Dafad", "ddafad"),
        ("Gardd", "ardd"),
        ("Mam", "fam"),
        ("Llyfr", "lyfr"),
        ("Rhaglen", "raglen"),
        # nasal
        ("Prosiect", "mhrosiect"),
        ("Teulu", "nheulu"),
        ("Cariad", "nghariad"),
        ("Bara", "mara"),
        ("Dafad", "nafad"),
        ("Gardd", "ngardd"),
        # aspirate
        ("Prosiect", "phrosiect"),
        ("Teulu", "theulu"),
        ("Cariad", "chariad"),
        # h- before a vowel
        ("Enw", "henw"),
        ("Afon", "hafon"),
        ("Ysgol", "hysgol"),
    ],
)
def test_mutated_forms_match(term, word):
    assert matches(word, term, language="cy")


@pytest.mark.parametrize("word", ["Prosiect", "PROSIECT", "prosiect"])
def test_the_radical_form_matches(word):
    assert matches(word, "Prosiect", language="cy")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Prosiect", "prosiectau"),
        ("Prosiect", "brosiectydd"),
        ("Cariad", "cariadus"),
        ("Prosiect", "hrosiect"),
        ("Gwen", "wenci"),
    ],
)
def test_unrelated_words_do_not_match(term, word):
    assert not matches(word, term, language="cy")


def test_accents_do_not_matter():
    assert matches("Tân", "tan", language="cy")
    assert matches("nhân", "Tân", language="cy")


def test_mutations_only_in_welsh_texts():
    assert not matches("Dan", "Tân", language="en")


def test_in_a_sentence():
    text = "Mae ein mhrosiect newydd yn barod, a'i brosiect hi hefyd. Prosiect Falcon!"

    assert excerpts(text, terms("Prosiect"), language="cy") == [
        "mhrosiect",
        "brosiect",
        "Prosiect",
    ]
