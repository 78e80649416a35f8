"""Polish: case endings of nouns, with the common stem alternations.

Endings are written folded (ą as a, ę as e, ó as o, ś as s, ...). What is covered:

- masculine nouns and names ending in a consonant (Falcon: Falcona, Falconowi,
  Falconem, Falconie; plural -y, -i, -e, -ów, -om, -ami, -ach, -owie);
- soft stems (Jastrząb: Jastrzębia, Jastrzębiem, Jastrzębiowi, Jastrzębiu, ...);
- ą/ę in the last syllable (Jastrząb: Jastrzębia; ó/o needs no rule once folded:
  Kraków: Krakowa, Sokół: Sokoła);
- the mobile e (Marek: Marka, Piotrek: Piotrka);
- the consonant changes before the locative and dative -e (Piotr: Piotrze,
  Michał: Michale, kot: kocie, Polska: Polsce, Praga: Pradze, Warszawa: Warszawie);
- feminine (and masculine) nouns in -a and neuter nouns in -o and -e.

Known limits: the vowel changes of a few nouns (miasto: mieście, kościół:
kościele work only partly), suppletive forms (człowiek: ludzie, rok: lata),
adjectival declension of names (Nowy, Wysoki: only the base form) and the
genitive plural of -a nouns, which has no ending (kobiet) and would otherwise let
"Nov" match "Nova".
"""

import re

VOWELS = frozenset("aeiouyąęó")
LABIALS = frozenset("bpwfm")
MASCULINE = frozenset({"", "a", "u", "owi", "em", "ie", "e", "y", "ow", "om", "ami", "ach", "owie"})
# The plural -i follows only these (ptaki, pługi, hotele... ); after others it is -y.
TAKES_PLURAL_I = frozenset("kglj")
SOFT = frozenset({"a", "em", "owi", "u", "e", "om", "ami", "ach", "ow"})
FEMININE_A = frozenset({"a", "y", "i", "e", "ie", "o", "om", "ami", "ach"})
NEUTER = frozenset({"o", "e", "a", "u", "em", "ie", "om", "ami", "ach"})
LOCATIVE = frozenset({"e", "ie"})
# The last consonants before the locative or dative -e, as they change (unfolded).
SOFTENED = (
    ("st", "ści"),
    ("zd", "ździ"),
    ("sł", "śl"),
    ("ch", "sz"),
    ("t", "ci"),
    ("d", "dzi"),
    ("r", "rz"),
    ("ł", "l"),
    ("k", "c"),
    ("g", "dz"),
)
MOBILE_E = re.compile(r"^(.*[^aeiouyąęó])i?e([^aeiouyąęó]{1,2})$")

type Stems = list[tuple[str, frozenset[str]]]


def _softened(stem: str) -> str | None:
    for hard, soft in SOFTENED:
        if stem.endswith(hard):
            return stem[: -len(hard)] + soft
    return None


def _locative(stem: str) -> Stems:
    softened = _softened(stem)
    return [(softened, LOCATIVE)] if softened is not None else []


def _swap_last_vowel(word: str) -> str | None:
    """ą in the last syllable becomes ę in most other forms (gołąb: gołębia), and back."""
    for index in range(len(word) - 1, -1, -1):
        char = word[index]
        if char in VOWELS:
            swapped = {"ą": "ę", "ę": "ą"}.get(char)
            return word[:index] + swapped + word[index + 1 :] if swapped else None
    return None


def _consonant_stem(stem: str, *, endings: frozenset[str] = MASCULINE) -> Stems:
    soft_endings = SOFT | {""} if stem[-1] in LABIALS else SOFT
    if stem[-1] in TAKES_PLURAL_I:
        endings |= {"i"}
    return [(stem, endings), (stem + "i", soft_endings), *_locative(stem)]


def _consonant_final(word: str) -> Stems:
    stems = _consonant_stem(word)
    swapped = _swap_last_vowel(word)
    if swapped is not None:
        stems += _consonant_stem(swapped, endings=MASCULINE - {""})
    mobile = MOBILE_E.match(word)
    if mobile is not None and len(mobile[1]) + len(mobile[2]) >= 3:
        stems += _consonant_stem(mobile[1] + mobile[2], endings=MASCULINE - {""})
    return stems


def stems(word: str) -> Stems:
    last = word[-1]
    if not last.isalpha():
        return [(word, frozenset({""}))]
    if last not in VOWELS:
        return _consonant_final(word)
    stem = word[:-1]
    if len(stem) < 2:
        return [(word, frozenset({""}))]
    if last == "a":
        return [(word, frozenset({""})), (stem, FEMININE_A), *_locative(stem)]
    if last in "oe":
        return [(word, frozenset({""})), (stem, NEUTER), *_locative(stem)]
    return [(word, frozenset({""}))]
