"""Links in a text and the domains they point to.

A link is anything starting with http://, https:// or www. (the forms every
network turns into a link). A domain allows itself and its subdomains:
"acme.com" allows "www.acme.com" and "blog.acme.com", not "acme.com.evil.test".
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

LINK = re.compile(
    r"(?:\bhttps?://|(?<![\w@.-])www\.)[^\s<>\"'\u201c\u201d\u2018\u2019\u00ab\u00bb]+",
    re.IGNORECASE,
)
TRAILING_PUNCTUATION = ".,;:!?)]}…"


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    host: str
    start: int
    end: int


def _host(url: str) -> str:
    if not re.match(r"https?://", url, re.IGNORECASE):
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def find_links(text: str) -> list[Link]:
    links = []
    for match in LINK.finditer(text):
        url = match.group()
        while url and url[-1] in TRAILING_PUNCTUATION:
            # A closing bracket belongs to the link when the link opened it (Wikipedia style).
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        links.append(Link(url, _host(url), match.start(), match.start() + len(url)))
    return links


def clean_domain(domain: str) -> str:
    """A domain as an administrator may type it (with scheme, path or port) to its bare host."""
    domain = domain.strip().lower()
    if "//" not in domain:
        domain = "http://" + domain
    try:
        host = urlsplit(domain).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("*.").rstrip(".")


def is_allowed(host: str, domains: frozenset[str]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)
