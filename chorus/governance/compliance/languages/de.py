"""German: case and plural endings, umlaut plurals, and compounds.

Umlaut plurals need no rule of their own: folding ä, ö and ü to a, o and u makes
"Häuser" the stem "haus" with the ending "-er". Compounds are handled by the
matcher (see ``COMPOUND_LINKS``): the term as the first part of a compound, with or
without a linking element, or as its last part, inflected.

Known limits: a term in the middle of a compound is not found (use "anywhere inside
words"); a term of fewer than four letters is never looked for inside compounds; and
since any word starting or ending with the term counts as a compound, a German text
can match words that only look like one ("Nova" in "Novation" or "Casanova"). For
such terms the exact mode is the better choice. Plurals that change more than an
umlaut (Museum: Museen, Globus: Globen) are not generated.
"""

ENDINGS = frozenset({"", "e", "en", "er", "es", "n", "s", "ern", "ens", "nen"})
# What may join a term to the next part of a compound: Falke|projekt, Falke|n|auge, ...
COMPOUND_LINKS = ("", "s", "es", "n", "en", "er", "e")


def stems(word: str) -> list[tuple[str, frozenset[str]]]:
    return [(word, ENDINGS)]
