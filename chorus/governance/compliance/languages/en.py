"""English: plurals (-s, -es, -ies, -ves) and possessives.

The possessive's apostrophe ends a word for the matcher, so "Falcon's" and
"Falcons'" are "Falcon" and "Falcons" followed by punctuation.
"""

VOWELS = frozenset("aeiou")
PLURAL = frozenset({"", "s", "es"})


def stems(word: str) -> list[tuple[str, frozenset[str]]]:
    found = [(word, PLURAL)]
    if len(word) > 2 and word.endswith("y") and word[-2] not in VOWELS:
        found.append((word[:-1], frozenset({"ies"})))
    if word.endswith("fe") and len(word) > 3:
        found.append((word[:-2], frozenset({"ves"})))
    elif word.endswith("f") and len(word) > 2:
        found.append((word[:-1], frozenset({"ves"})))
    return found
