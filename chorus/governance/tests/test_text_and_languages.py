"""Folding text for matching, and guessing a text's language."""

import pytest

from chorus.governance.compliance.language_guess import guess_languages
from chorus.governance.compliance.languages import SUPPORTED
from chorus.governance.compliance.text import Folded, fold
from chorus.governance.tests.helpers import excerpts, terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Jastrząb", "jastrzab"),
        ("ŁÓDŹ", "lodz"),
        ("Straße", "strasse"),
        ("Päivä Öljy", "paiva oljy"),
        ("Tŷ Gwŵr", "ty gwwr"),
        ("Ærø", "aero"),
        ("Cafe\u0301", "cafe"),
        ("  two   spaces\n\tand tabs ", "two spaces and tabs "),
        ("it\u2019s \u2013 ok", "it's - ok"),
    ],
)
def test_folding(text, folded):
    assert fold(text) == folded


def test_spans_point_back_into_the_original_text():
    text = "  Die STRASSE und die Straße\u0301n"
    folded = Folded(text)
    tokens = folded.tokens

    assert [text[slice(*folded.span(t.start, t.end))] for t in tokens] == [
        "Die",
        "STRASSE",
        "und",
        "die",
        "Straße\u0301n",
    ]


def test_a_finding_spans_the_words_as_the_author_wrote_them():
    assert excerpts("Le  ŁÓDŹ!", terms("Łódź"), language="pl") == ["ŁÓDŹ"]


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("We are proud of the new release and you will love it", {"en"}),
        ("Wir sind stolz auf die neue Version und ihr werdet sie lieben", {"de"}),
        ("Olemme ylpeitä ja uusi versio on nyt valmis, mutta se ei ole kaikki", {"fi"}),
        ("Jesteśmy dumni z nowej wersji i nie możemy się doczekać, jak się spodoba", {"pl"}),
        ("Mae ein tîm yn falch iawn o'r fersiwn newydd a gyda chi", {"cy"}),
        (
            "Mae ein tîm yn falch iawn o'r fersiwn newydd. "
            "Our team is very proud of the new version and you will love it",
            {"cy", "en"},
        ),
        ("Kuutamo!", SUPPORTED),
    ],
)
def test_language_guess(text, languages):
    words = [token.word for token in Folded(text).tokens]

    assert guess_languages(words) == languages


def test_without_a_language_the_guess_decides_which_inflections_apply():
    rule = terms("Falke")

    # German compound found in a German text ...
    assert excerpts("Wir sind stolz auf das Falkeprojekt und die neue Version", rule) == [
        "Falkeprojekt"
    ]
    # ... but German compounding is not applied to an English text.
    assert excerpts("We are proud of the Falkeprojekt and the new release", rule) == []
    # A text too short to tell gets every language.
    assert excerpts("Falkeprojekt!", rule) == ["Falkeprojekt"]


def test_an_unsupported_language_falls_back_to_the_guess():
    assert excerpts("Kuutamossa!", terms("Kuutamo"), language="sv") == ["Kuutamossa"]
    assert excerpts("Kuutamossa!", terms("Kuutamo"), language="fi-FI") == ["Kuutamossa"]
