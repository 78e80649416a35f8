"""Which supported languages a text is written in, from its most common small words.

Used when the caller does not say: inflections and profanity lists of one language
must not fire on another ("Mist" is a swear word in German, weather in English).
A bilingual text (common in Wales) gets both languages; a text too short to tell
gets every language, so nothing confidential slips through unchecked.
"""

from collections.abc import Iterable

from chorus.governance.compliance.languages import SUPPORTED

# Frequent words, folded; none is in two lists.
MARKERS: dict[str, frozenset[str]] = {
    "en": frozenset(
        {
            "the",
            "and",
            "of",
            "to",
            "is",
            "are",
            "was",
            "be",
            "our",
            "we",
            "you",
            "your",
            "with",
            "this",
            "that",
            "for",
            "it",
            "at",
            "from",
            "have",
            "has",
            "will",
            "not",
            "by",
            "they",
            "their",
            "about",
            "new",
            "just",
            "very",
            "more",
        }
    ),
    "de": frozenset(
        {
            "der",
            "die",
            "das",
            "und",
            "ist",
            "sind",
            "nicht",
            "mit",
            "wir",
            "ihr",
            "eine",
            "einen",
            "den",
            "dem",
            "des",
            "auch",
            "fur",
            "auf",
            "bei",
            "uns",
            "unser",
            "unsere",
            "sich",
            "von",
            "zu",
            "im",
            "zum",
            "zur",
            "wird",
            "haben",
        }
    ),
    "fi": frozenset(
        {
            "ja",
            "on",
            "se",
            "ovat",
            "oli",
            "kanssa",
            "me",
            "meidan",
            "olemme",
            "etta",
            "mutta",
            "myos",
            "joka",
            "tama",
            "tassa",
            "nyt",
            "kun",
            "jo",
            "vain",
            "hyva",
            "uusi",
            "uuden",
            "han",
            "he",
        }
    ),
    "pl": frozenset(
        {
            "w",
            "z",
            "na",
            "jest",
            "sie",
            "nie",
            "do",
            "ze",
            "jak",
            "od",
            "po",
            "dla",
            "nasz",
            "nasza",
            "nasze",
            "oraz",
            "czy",
            "juz",
            "tak",
            "sa",
            "tylko",
            "przez",
            "bardzo",
            "nowy",
            "jestesmy",
        }
    ),
    "cy": frozenset(
        {
            "y",
            "yr",
            "a",
            "ac",
            "yn",
            "mae",
            "eich",
            "gyda",
            "ar",
            "wedi",
            "ddim",
            "hefyd",
            "ond",
            "sydd",
            "fel",
            "hyn",
            "bod",
            "i",
            "o",
            "am",
            "ni",
            "chi",
            "newydd",
            "iawn",
        }
    ),
}
# A language counts when it has at least this many marker words ...
MIN_MARKERS = 2
# ... and at least this share of the best language's count.
MIN_SHARE = 0.5


def guess_languages(words: Iterable[str]) -> frozenset[str]:
    scores = dict.fromkeys(MARKERS, 0)
    for word in words:
        for code, markers in MARKERS.items():
            if word in markers:
                scores[code] += 1
    best = max(scores.values())
    if best < MIN_MARKERS:
        return SUPPORTED
    return frozenset(
        code for code, score in scores.items() if score >= MIN_MARKERS and score >= best * MIN_SHARE
    )
