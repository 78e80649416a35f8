"""Inflected forms of a term, per language.

Each language turns one word of a term into *stems*, each with the set of endings
that may follow it. A word of a text is an inflected form of the term's word when
it is one of those stems followed by one of its endings (after folding case and
diacritics, which also makes German umlaut plurals and Finnish vowel harmony
variants fall together). Only known inflectional endings are accepted, never an
arbitrary continuation: "Novak" is not a form of "Nova".

Stems are derived from the casefolded word *before* diacritics are folded, because
some alternations depend on them (Polish ą becoming ę); the matcher folds them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from chorus.governance.compliance.languages import cy, de, en, fi, pl


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    stems: Callable[[str], list[tuple[str, frozenset[str]]]]
    # Whether a term is also found as a part of a compound word written as one word.
    compounds: bool = False


LANGUAGES: dict[str, Language] = {
    "en": Language("en", en.stems),
    "de": Language("de", de.stems, compounds=True),
    "fi": Language("fi", fi.stems),
    "pl": Language("pl", pl.stems),
    "cy": Language("cy", cy.stems),
}
SUPPORTED = frozenset(LANGUAGES)
