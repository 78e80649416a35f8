"""The final text of a post: the employee's words plus the organisation's disclosure."""

from chorus.networks.text import remaining


def with_disclosure(text: str, *, disclosure: str) -> str:
    """Append the disclosure once, on its own line, unless the employee already wrote it."""
    text = text.strip()
    disclosure = disclosure.strip()
    if not disclosure or disclosure.casefold() in text.casefold():
        return text
    return f"{text}\n\n{disclosure}"


def with_link(text: str, *, link_url: str) -> str:
    """Networks make a link card from a link in the text; add it if the employee removed it."""
    if not link_url or link_url in text:
        return text
    return f"{text}\n{link_url}"


def final_text(text: str, *, disclosure: str, link_url: str = "") -> str:
    return with_disclosure(with_link(text, link_url=link_url), disclosure=disclosure)


def fits(text: str, *, network: str) -> bool:
    return remaining(text, network=network) >= 0
