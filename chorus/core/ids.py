"""Identifiers Chorus makes."""

import os
import time
import uuid

_VERSION_7 = 0x7 << 76
_VARIANT = 0b10 << 62


def time_ordered_uuid() -> uuid.UUID:
    """A version 7 UUID (RFC 9562): milliseconds since 1970, then 74 random bits.

    Keys made one after another sort in the order they were made, which networks that
    take a key from it (Bluesky's record keys) store more cheaply than random ones.
    """
    milliseconds = time.time_ns() // 1_000_000
    random_bits = int.from_bytes(os.urandom(10), "big")
    rand_a = random_bits >> 68  # 12 bits
    rand_b = random_bits & ((1 << 62) - 1)
    return uuid.UUID(int=(milliseconds << 80) | _VERSION_7 | (rand_a << 64) | _VARIANT | rand_b)


def milliseconds_of(value: str) -> int | None:
    """The time a version 7 UUID carries (ms since 1970); None for anything else."""
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return parsed.int >> 80 if parsed.version == 7 else None
