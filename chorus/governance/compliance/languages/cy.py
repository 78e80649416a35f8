"""Welsh: initial mutations, and h- before a vowel.

A Welsh word changes its first sound after certain words: "prosiect" is
"brosiect" (soft), "mhrosiect" (nasal) or "phrosiect" (aspirate), and a word
starting with a vowel takes an h- ("ei henw"). Every mutated form of the term is a
stem with no ending.

Known limits: plurals (-au, -iau, -od, ...) and internal vowel changes
(bardd: beirdd) are not generated; the soft mutation of g- drops the letter, so a
term like "Gwen" also matches "wen" in a Welsh text.
"""

# Radical consonant -> its soft, nasal and aspirate forms; digraphs first.
MUTATIONS = (
    ("ll", ("l",)),
    ("rh", ("r",)),
    ("p", ("b", "mh", "ph")),
    ("t", ("d", "nh", "th")),
    ("c", ("g", "ngh", "ch")),
    ("b", ("f", "m")),
    ("d", ("dd", "n")),
    ("g", ("", "ng")),
    ("m", ("f",)),
)
VOWELS = frozenset("aeiouwyâêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ")
NO_ENDING = frozenset({""})
# Shorter than this, a g- word without its g- would say too little.
MIN_MUTATED_LENGTH = 3


def mutations(word: str) -> set[str]:
    if word[0] in VOWELS:
        return {"h" + word}
    for radical, mutated in MUTATIONS:
        if word.startswith(radical):
            rest = word[len(radical) :]
            return {start + rest for start in mutated if len(start + rest) >= MIN_MUTATED_LENGTH}
    return set()


def stems(word: str) -> list[tuple[str, frozenset[str]]]:
    return [(form, NO_ENDING) for form in sorted({word} | mutations(word))]
