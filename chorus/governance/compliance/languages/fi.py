"""Finnish: case endings, plural stems, possessive suffixes, clitics and consonant gradation.

Endings are written folded (ä as a, ö as o), so back- and front-vowel variants
(-ssa/-ssä) are one ending. What is covered:

- the fifteen cases in the singular and plural (Kuutamon, Kuutamoa, Kuutamossa,
  Kuutamoon, Kuutamoksi, Kuutamot, Kuutamoja, Kuutamoissa, Kuutamoihin, ...);
- possessive suffixes (-ni, -si, -mme, -nne, -nsa, and -Vn: Kuutamossaan) and the
  clitics -kin, -kaan, -han, -pa, -ko, also together (Kuutamossammekaan);
- stems of the common word types: vowel stems, -e words (kone: koneen), old -i
  words (kivi: kiven), -nen words (Virtanen: Virtasen, Virtasta), -in words
  (avain: avaimen), -as/-us words (vieras: vieraan), and foreign names ending in
  a consonant (Falcon: Falconin, Falconissa);
- consonant gradation from strong to weak in vowel-final words (kukka: kukan,
  katu: kadun, lintu: linnun, vittu: vitun), and weak to strong in -e words
  (liike: liikkeen).

Known limits: gradation in -as, -is and -in words that also changes the consonant
(rengas: renkaan, hammas: hampaan, puhelin is fine but kaunis: kauniin is not),
irregular words (mies: miehen, lapsi: lapsen) and compounds written as one word
(Finnish writes a proper name and a common noun with a hyphen, Kuutamo-projekti,
which the matcher finds as two words).
"""

VOWELS = frozenset("aeiouyäö")
CLITICS = ("kin", "kaan", "han", "pa", "ko")
POSSESSIVES = ("ni", "si", "mme", "nne", "nsa")
ILLATIVES = ("an", "en", "in", "on", "un", "yn", "han", "hen", "hin", "hon", "hun", "hyn")
SINGULAR_CASES = (
    *("", "n", "a", "ta", "tta", "ssa", "sta", "lla", "lta", "lle", "na", "ksi", "t"),
    *ILLATIVES,
    *("seen", "siin"),
)
PLURAL_I_CASES = (
    "ssa", "sta", "lla", "lta", "lle", "na", "ksi", "tta", "hin", "in", "den", "tten",
    "en", "ne", "n", "ta", "a",
)  # fmt: skip
PLURAL_J_CASES = ("a", "en")
# Strong grade -> weak grade, longest first.
GRADATION = (
    ("kk", "k"),
    ("pp", "p"),
    ("tt", "t"),
    ("nk", "ng"),
    ("mp", "mm"),
    ("lt", "ll"),
    ("nt", "nn"),
    ("rt", "rr"),
    ("lk", "l"),
    ("rk", "r"),
    ("hk", "h"),
    ("k", ""),
    ("p", "v"),
    ("t", "d"),
)
REVERSE_GRADATION = (
    ("ng", "nk"),
    ("mm", "mp"),
    ("ll", "lt"),
    ("nn", "nt"),
    ("rr", "rt"),
    ("k", "kk"),
    ("p", "pp"),
    ("t", "tt"),
    ("d", "t"),
    ("v", "p"),
)


def _with_suffixes(cases: tuple[str, ...]) -> frozenset[str]:
    """Each case ending, also followed by a possessive suffix and/or a clitic."""
    endings: set[str] = set()
    for case in cases:
        forms = {case}
        # A possessive suffix replaces a final -n or -t and turns -ksi into -kse.
        if case.endswith("ksi"):
            before = case[:-1] + "e"
        elif case.endswith(("n", "t")):
            before = case[:-1]
        else:
            before = case
        forms.update(before + suffix for suffix in POSSESSIVES)
        if before and before[-1] in VOWELS:
            forms.add(before + before[-1] + "n")
        endings |= forms
        endings.update(form + clitic for form in forms for clitic in CLITICS)
    return frozenset(endings)


SINGULAR = _with_suffixes(SINGULAR_CASES)
SINGULAR_OBLIQUE = _with_suffixes(SINGULAR_CASES[1:])
WEAK_GRADE = _with_suffixes(("n", "ssa", "sta", "lla", "lta", "lle", "ksi", "t", "tta"))
PLURAL_I = _with_suffixes(PLURAL_I_CASES)
PLURAL_J = _with_suffixes(PLURAL_J_CASES)
CONSONANT_FINAL = _with_suffixes(("", "ta"))
NEN_S = _with_suffixes(("ta", "ten"))

type Stems = list[tuple[str, frozenset[str]]]


def _has_long_final_vowel(word: str) -> bool:
    return len(word) > 1 and word[-1] == word[-2] and word[-1] in VOWELS


def _plural_stems(stem: str) -> Stems:
    last = stem[-1]
    if _has_long_final_vowel(stem):
        return [(stem[:-1] + "i", PLURAL_I)]
    if last in "aä":
        back = "o" if last == "a" else "ö"
        return [
            (stem[:-1] + "i", PLURAL_I),
            (stem[:-1] + back + "i", PLURAL_I),
            (stem[:-1] + back + "j", PLURAL_J),
        ]
    if last in "ouyö":
        return [(stem + "i", PLURAL_I), (stem + "j", PLURAL_J)]
    if last == "e":
        return [(stem + "i", PLURAL_I)]
    # An -i word: kivi keeps its i (kivissä), banaani takes -e- (banaaneja, banaaneissa).
    return [(stem, PLURAL_I), (stem[:-1] + "ei", PLURAL_I), (stem[:-1] + "ej", PLURAL_J)]


def _swap_grade(body: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """``body`` (the word without its final vowel) with its last consonants in the other grade."""
    for source, target in table:
        if not body.endswith(source):
            continue
        head = body[: -len(source)]
        # A single k, p, t, d or v alternates only between vowels (not in -sk-, -st-, -tk-).
        if len(source) == 1 and (not head or head[-1] not in VOWELS):
            return None
        # Stems that would lose too much to say anything, like "aka" from "akka";
        # a dropped k needs more still ("soko" would become "soo", then "soita").
        if len(head) < (3 if not target else 2):
            return None
        return head + target
    return None


def _vowel_final(word: str) -> Stems:
    stems: Stems = [(word, SINGULAR), *_plural_stems(word)]
    last = word[-1]
    if last == "e":
        stems.append((word + "e", SINGULAR_OBLIQUE))
        strong = _swap_grade(word[:-1], REVERSE_GRADATION)
        if strong is not None:
            stems += [(strong + "ee", SINGULAR_OBLIQUE), (strong + "ei", PLURAL_I)]
        return stems
    if last == "i" and not _has_long_final_vowel(word):
        stems.append((word[:-1] + "e", SINGULAR_OBLIQUE))
    if _has_long_final_vowel(word):
        return stems
    weak = _swap_grade(word[:-1], GRADATION)
    if weak is not None:
        weak_word = weak + last
        stems.append((weak_word, WEAK_GRADE))
        if weak[-1] not in VOWELS:  # after a dropped k the vowels meet: reiän, no plural stem
            stems += [(stem, PLURAL_I) for stem, _ in _plural_stems(weak_word)]
        if last == "i":
            stems.append((weak + "e", WEAK_GRADE))
    return stems


def _consonant_final(word: str) -> Stems:
    if word.endswith("nen") and len(word) > 4:
        head = word[:-3]
        return [
            (word, CONSONANT_FINAL),
            (head + "se", SINGULAR_OBLIQUE),
            (head + "s", NEN_S),
            (head + "si", PLURAL_I),
        ]
    stems: Stems = [(word, CONSONANT_FINAL)]
    if word.endswith("in") and len(word) > 3:
        stems += [(word[:-1] + "me", SINGULAR_OBLIQUE), (word[:-1] + "mi", PLURAL_I)]
    if word.endswith("s") and len(word) > 3 and word[-2] in VOWELS:
        stems.append((word[:-1] + word[-2], SINGULAR_OBLIQUE))
        if word[-2] in "uy":
            stems += [(word[:-1] + "de", SINGULAR_OBLIQUE), (word[:-1] + "t", NEN_S)]
    # Names from other languages take a helper vowel: Falconin, Falconissa, Falconeita.
    stems += [(word + "i", SINGULAR_OBLIQUE), (word + "ei", PLURAL_I)]
    return stems


def stems(word: str) -> Stems:
    if not word[-1].isalpha():
        return [(word, CONSONANT_FINAL)]
    if word[-1] in VOWELS:
        return _vowel_final(word)
    return _consonant_final(word)
