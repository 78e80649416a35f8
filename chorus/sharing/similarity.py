"""Near-duplicate detection: is this text the employee's own, or a colleague's copy?

Texts are reduced to word 3-shingles after dropping links, mentions and the
disclosure; a 64-value MinHash signature of the shingle set estimates the Jaccard
similarity of two texts. Signatures are stored with each post, so checking a
draft against thousands of colleagues' posts needs no re-reading of their text.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import regex  # type: ignore[import-untyped]

SHINGLE_SIZE = 3
SIGNATURE_SIZE = 64
_MERSENNE_PRIME = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1


def _coefficients() -> list[tuple[int, int]]:
    # Fixed, derived coefficients: signatures stay comparable across processes and releases.
    pairs = []
    for index in range(SIGNATURE_SIZE):
        digest = hashlib.blake2b(f"chorus-minhash-{index}".encode(), digest_size=16).digest()
        a = int.from_bytes(digest[:8], "big") % _MERSENNE_PRIME or 1
        b = int.from_bytes(digest[8:], "big") % _MERSENNE_PRIME
        pairs.append((a, b))
    return pairs


_COEFFICIENTS = _coefficients()
_NOISE = regex.compile(r"https?://\S+|[@#]\w+")
_WORD = regex.compile(r"\w+")


def words(text: str, *, ignore: str = "") -> list[str]:
    if ignore:
        text = text.replace(ignore, " ")
    found: list[str] = _WORD.findall(_NOISE.sub(" ", text.casefold()))
    return found


def shingles(text: str, *, ignore: str = "") -> set[str]:
    tokens = words(text, ignore=ignore)
    if len(tokens) < SHINGLE_SIZE:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + SHINGLE_SIZE]) for i in range(len(tokens) - SHINGLE_SIZE + 1)}


def signature(text: str, *, ignore: str = "") -> list[int]:
    """The MinHash signature of a text; empty for a text without words."""
    hashes = [
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "big")
        for s in shingles(text, ignore=ignore)
    ]
    if not hashes:
        return []
    return [
        min((a * h + b) % _MERSENNE_PRIME & _MAX_HASH for h in hashes) for a, b in _COEFFICIENTS
    ]


def similarity(first: list[int], second: list[int]) -> float:
    """Estimated Jaccard similarity of the texts behind two signatures (0 to 1)."""
    if not first or not second:
        return 0.0
    return sum(1 for x, y in zip(first, second, strict=True) if x == y) / SIGNATURE_SIZE


@dataclass(frozen=True)
class Match:
    key: int
    score: float


def most_similar(draft: list[int], others: Iterable[tuple[int, list[int]]]) -> Match | None:
    """The closest of ``others`` (key, signature) to the draft's signature."""
    best: Match | None = None
    for key, other in others:
        score = similarity(draft, other)
        if best is None or score > best.score:
            best = Match(key=key, score=score)
    return best
