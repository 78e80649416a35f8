"""Finding terms in a text: exact words, inflected forms, or anywhere inside words.

All of an organisation's terms are compiled into one ``TermMatcher``:

- a *word index* from every stem of every term word (in each language) to the
  endings that may follow it; a word of the text is looked up once per possible
  ending length, so the cost of a check grows with the text, not with the number
  of terms;
- for German, an index of compound heads (the term plus a linking element) and
  tails (the term, inflected, at the end of a longer word);
- for "anywhere" terms, an index by their first letters, checked at each position.

Matching works on folded text (see ``text.Folded``): case and diacritics never matter.
"""

import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from chorus.governance.compliance.languages import LANGUAGES, SUPPORTED
from chorus.governance.compliance.languages.de import COMPOUND_LINKS
from chorus.governance.compliance.text import WORD, Folded, Token, fold_char


class MatchMode(StrEnum):
    EXACT = "exact"
    INFLECTED = "inflected"
    ANYWHERE = "anywhere"


# Compound parts: the term must be this long, and what it is joined to at least this long.
MIN_COMPOUND_TERM = 4
MIN_COMPOUND_REST = 3
ANYWHERE_KEY_LENGTH = 3
# Between the words of a term in the text: spaces, hyphens and apostrophes only.
JOINERS = frozenset(" -'")
NO_ENDING = frozenset({""})
ALL_LANGUAGES = ""  # an index entry that applies whatever the text's language


@dataclass(frozen=True)
class Term:
    text: str
    key: Hashable  # handed back with each hit, e.g. which rule the term belongs to
    mode: MatchMode = MatchMode.INFLECTED
    # Inflect only as these languages do, and only in texts in them (a profanity list).
    languages: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    key: Hashable
    term: str
    start: int  # span in the original text
    end: int


@dataclass(frozen=True, slots=True)
class _Compiled:
    term: Term
    words: tuple[str, ...]
    prefix: str  # symbols before the first word, e.g. "#" of "#ad"
    suffix: str


type _Entry = tuple[int, int, str, frozenset[str]]  # term, word position, language, endings


@cache
def _longest(endings: frozenset[str]) -> int:
    return max(map(len, endings))


def fold_word(word: str) -> str:
    return "".join(fold_char(char) for char in word)


class TermMatcher:
    def __init__(self, terms: Iterable[Term]) -> None:
        self._terms: list[_Compiled] = []
        self._words: dict[str, list[_Entry]] = {}
        self._max_ending = 0
        self._compound_heads: dict[str, list[int]] = {}
        self._compound_tails: dict[str, list[tuple[int, frozenset[str]]]] = {}
        self._compound_max_ending = 0
        self._anywhere: dict[str, list[int]] = {}
        self._anywhere_key_lengths: set[int] = set()
        for term in terms:
            self._add(term)

    def __len__(self) -> int:
        return len(self._terms)

    # Compiling

    def _add(self, term: Term) -> None:
        # Stems come from the casefolded words before their diacritics are folded.
        text = " ".join(unicodedata.normalize("NFC", term.text).casefold().split())
        if term.mode == MatchMode.ANYWHERE:
            folded = fold_word(text)
            if folded:
                self._add_anywhere(self._append(term, (folded,), "", ""), folded)
            return
        matches = list(WORD.finditer(text))
        if not matches:
            return
        raw_words = [m.group() for m in matches]
        index = self._append(
            term,
            tuple(fold_word(word) for word in raw_words),
            fold_word(text[: matches[0].start()]).strip(),
            fold_word(text[matches[-1].end() :]).strip(),
        )
        for position, raw in enumerate(raw_words):
            if term.languages is None:
                self._index(fold_word(raw), (index, position, ALL_LANGUAGES, NO_ENDING))
            if term.mode == MatchMode.INFLECTED:
                for code in self._languages(term):
                    for stem, endings in LANGUAGES[code].stems(raw):
                        self._index(fold_word(stem), (index, position, code, endings))
        if term.mode != MatchMode.INFLECTED:
            return
        if len(raw_words) > 1:
            # A hashtag or handle often runs the words together: #ProjectFalcon.
            self._add(Term(text="".join(raw_words), key=term.key, languages=term.languages))
        else:
            self._add_compounds(index, term, raw_words[0])

    def _append(self, term: Term, words: tuple[str, ...], prefix: str, suffix: str) -> int:
        self._terms.append(_Compiled(term=term, words=words, prefix=prefix, suffix=suffix))
        return len(self._terms) - 1

    def _languages(self, term: Term) -> list[str]:
        return sorted(SUPPORTED if term.languages is None else term.languages & SUPPORTED)

    def _index(self, stem: str, entry: _Entry) -> None:
        if not stem:
            return
        self._words.setdefault(stem, []).append(entry)
        self._max_ending = max(self._max_ending, _longest(entry[3]))

    def _add_compounds(self, index: int, term: Term, word: str) -> None:
        if len(fold_word(word)) < MIN_COMPOUND_TERM:
            return
        for code in self._languages(term):
            if not LANGUAGES[code].compounds:
                continue
            for stem, endings in LANGUAGES[code].stems(word):
                folded = fold_word(stem)
                for link in COMPOUND_LINKS:
                    self._compound_heads.setdefault(folded + link, []).append(index)
                self._compound_tails.setdefault(folded, []).append((index, endings))
                self._compound_max_ending = max(self._compound_max_ending, _longest(endings))

    def _add_anywhere(self, index: int, folded: str) -> None:
        key = folded[:ANYWHERE_KEY_LENGTH]
        self._anywhere.setdefault(key, []).append(index)
        self._anywhere_key_lengths.add(len(key))

    # Matching

    def find(self, text: Folded, *, languages: frozenset[str]) -> list[Hit]:
        hits: list[Hit] = []
        if self._words or self._compound_heads:
            hits += self._find_words(text, languages)
        if self._anywhere:
            hits += self._find_anywhere(text)
        return hits

    def _find_words(self, text: Folded, languages: frozenset[str]) -> list[Hit]:
        tokens = text.tokens
        compounds = bool(self._compound_heads) and any(
            LANGUAGES[code].compounds for code in languages
        )
        seen: dict[str, set[tuple[int, int]]] = {}
        per_token: list[set[tuple[int, int]]] = []
        for token in tokens:
            word_hits = seen.get(token.word)
            if word_hits is None:
                word_hits = self._word_hits(token.word, languages)
                if compounds:
                    word_hits |= self._compound_hits(token.word)
                seen[token.word] = word_hits
            per_token.append(word_hits)
        hits = []
        for first, token_hits in enumerate(per_token):
            for term_index, position in token_hits:
                if position != 0:
                    continue
                last = self._phrase_end(term_index, first, tokens, per_token, text.text)
                if last is not None:
                    compiled = self._terms[term_index]
                    start, end = text.span(
                        tokens[first].start - len(compiled.prefix),
                        tokens[last].end + len(compiled.suffix),
                    )
                    hits.append(Hit(compiled.term.key, compiled.term.text, start, end))
        return hits

    def _word_hits(self, word: str, languages: frozenset[str]) -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        length = len(word)
        for cut in range(max(1, length - self._max_ending), length + 1):
            entries = self._words.get(word[:cut])
            if entries is None:
                continue
            ending = word[cut:]
            for term_index, position, language, endings in entries:
                if ending in endings and (language == ALL_LANGUAGES or language in languages):
                    found.add((term_index, position))
        return found

    def _compound_hits(self, word: str) -> set[tuple[int, int]]:
        """The term as the first or the last part of a compound (Falkeprojekt, Projektfalken)."""
        found: set[tuple[int, int]] = set()
        length = len(word)
        for cut in range(MIN_COMPOUND_TERM, length - MIN_COMPOUND_REST + 1):
            for term_index in self._compound_heads.get(word[:cut], ()):
                found.add((term_index, 0))
        for start in range(MIN_COMPOUND_REST, length - MIN_COMPOUND_TERM + 1):
            lowest = max(start + MIN_COMPOUND_TERM, length - self._compound_max_ending)
            for cut in range(lowest, length + 1):
                for term_index, endings in self._compound_tails.get(word[start:cut], ()):
                    if word[cut:] in endings:
                        found.add((term_index, 0))
        return found

    def _phrase_end(
        self,
        term_index: int,
        first: int,
        tokens: list[Token],
        per_token: list[set[tuple[int, int]]],
        text: str,
    ) -> int | None:
        """The last token of the term's words starting at ``first``, if they all follow."""
        compiled = self._terms[term_index]
        last = first + len(compiled.words) - 1
        if last >= len(tokens):
            return None
        for position in range(1, len(compiled.words)):
            token = first + position
            if (term_index, position) not in per_token[token]:
                return None
            between = text[tokens[token - 1].end : tokens[token].start]
            if not set(between) <= JOINERS:
                return None
        if compiled.prefix and not text[: tokens[first].start].endswith(compiled.prefix):
            return None
        if compiled.suffix and not text[tokens[last].end :].startswith(compiled.suffix):
            return None
        return last

    def _find_anywhere(self, text: Folded) -> list[Hit]:
        hits = []
        folded = text.text
        lengths = sorted(self._anywhere_key_lengths)
        for position in range(len(folded)):
            for length in lengths:
                for term_index in self._anywhere.get(folded[position : position + length], ()):
                    compiled = self._terms[term_index]
                    needle = compiled.words[0]
                    if folded.startswith(needle, position):
                        start, end = text.span(position, position + len(needle))
                        hits.append(Hit(compiled.term.key, compiled.term.text, start, end))
        return hits
