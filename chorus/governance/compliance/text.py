"""Folding text for matching: case- and diacritic-insensitive, with a way back to the original.

Every rule compares folded text with folded terms. Folding keeps, for each folded
character, the index of the original character it came from, so a finding can point
at the exact words the author wrote.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

# Letters that carry no combining mark to strip, written the way a keyboard without them would.
SPECIAL_LETTERS = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "\u0131": "i",  # dotless i
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
}
APOSTROPHES = frozenset("'\u2019\u2018\u02bc\u00b4`")
DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014")
WORD = re.compile(r"\w+")
SPACES = re.compile(" {2,}")


@cache
def fold_char(char: str) -> str:
    """One character as the matcher sees it: lower case, without accents; spaces as one space."""
    if char.isspace():
        return " "
    if char in APOSTROPHES:
        return "'"
    if char in DASHES:
        return "-"
    folded = []
    for part in unicodedata.normalize("NFKD", char.casefold()):
        if unicodedata.combining(part):
            continue
        folded.append(SPECIAL_LETTERS.get(part, part))
    return "".join(folded)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Folded text, for terms and settings (no positions needed)."""
    return Folded(text).text


@dataclass(frozen=True, slots=True)
class Token:
    word: str
    start: int
    end: int


class Folded:
    """Folded text, where each folded character came from, and its words.

    Runs of spaces become one space and leading spaces are dropped; where each folded
    character came from is worked out only when a span is asked for.
    """

    def __init__(self, original: str) -> None:
        self.original = original
        self._parts = tuple(map(fold_char, original))
        self.text = SPACES.sub(" ", "".join(self._parts)).lstrip(" ")

    @cached_property
    def origins(self) -> tuple[int, ...]:
        origins: list[int] = []
        previous_space = True
        for index, folded in enumerate(self._parts):
            if folded == " ":
                if previous_space:
                    continue
                previous_space = True
            elif folded:
                previous_space = False
            origins.extend([index] * len(folded))
        return tuple(origins)

    @cached_property
    def tokens(self) -> list[Token]:
        return [Token(m.group(), m.start(), m.end()) for m in WORD.finditer(self.text)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span for the folded characters ``[start, end)`` (not empty)."""
        return self.origins[start], self.origins[end - 1] + 1
