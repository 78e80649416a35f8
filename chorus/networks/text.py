"""How long a text is in each network's own reckoning."""

import regex  # type: ignore[import-untyped]

from chorus.networks.networks import Network, profile_for

GRAPHEME_COUNTED = frozenset({Network.BLUESKY, Network.X})
URL_PATTERN = regex.compile(r"https?://\S+")


def measure(text: str, *, network: str) -> int:
    """Length as the network counts it: graphemes, with X's fixed link length."""
    profile = profile_for(network)
    if profile.link_length:
        text = URL_PATTERN.sub("x" * profile.link_length, text)
    if network in GRAPHEME_COUNTED:
        return len(regex.findall(r"\X", text))
    return len(text)


def remaining(text: str, *, network: str) -> int:
    """Characters left; negative when the text is too long for the network."""
    return profile_for(network).max_length - measure(text, network=network)
