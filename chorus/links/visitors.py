"""What a click says about its visitor, without keeping who they are.

Pure functions of request headers, fast enough for the redirect's hot path.
"""

import hashlib
import re
import socket
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from chorus.links.models import Device

# Link-preview fetchers of the networks Chorus posts to, chat apps, and known crawlers.
_NAMED_BOTS = (
    "LinkedInBot",
    "Twitterbot",
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "Slackbot",
    "Slack-ImgProxy",
    "Discordbot",
    "TelegramBot",
    "WhatsApp/",
    "SkypeUriPreview",
    "redditbot",
    "Pinterestbot",
    "Bluesky Cardyb",
    "Embedly",
    "Iframely",
    "Googlebot",
    "Google-InspectionTool",
    "AdsBot-Google",
    "Mediapartners-Google",
    "bingbot",
    "BingPreview",
    "DuckDuckBot",
    "YandexBot",
    "Baiduspider",
    "Applebot",
    "HeadlessChrome",
    "Lighthouse",
)
# Programs rather than browsers.
_CLIENT_LIBRARIES = (
    "curl/",
    "Wget/",
    "python-requests/",
    "python-urllib/",
    "python-httpx/",
    "aiohttp/",
    "Go-http-client/",
    "Java/",
    "libwww-perl/",
    "Apache-HttpClient/",
    "node-fetch",
    "axios/",
    "http.rb/",
    "Faraday v",
    "PostmanRuntime/",
)
_NAMED = re.compile(
    "|".join(re.escape(name) for name in _NAMED_BOTS + _CLIENT_LIBRARIES), re.IGNORECASE
)
_GENERIC = re.compile(
    # Crawlers describe themselves this way: "(compatible; Foo/1.0; +https://foo.example/bot)".
    # Mastodon instances' preview fetches look like "http.rb/5.1 (Mastodon/4.2; +https://...)".
    r"\+https?:"
    # Generic names. Case-sensitive "bot" so phone models such as "CUBOT" stay human.
    r"|[a-z]bot\b|Bot\b|(?i:crawler|spider)"
)
_TABLET = re.compile(r"iPad|Tablet|Kindle|Silk/|PlayBook|Nexus (?:7|9|10)\b")
_MOBILE = re.compile(r"Mobi|iPhone|iPod|Android|Windows Phone|BlackBerry|Opera Mini")
_DESKTOP = re.compile(r"Windows NT|Macintosh|X11|CrOS|Linux x86_64")


@dataclass(frozen=True)
class Agent:
    is_bot: bool
    device: str


@lru_cache(maxsize=4096)
def classify(user_agent: str) -> Agent:
    """Bot or person, and which kind of device. An empty user agent is a program's."""
    if not user_agent.strip() or _NAMED.search(user_agent) or _GENERIC.search(user_agent):
        return Agent(is_bot=True, device=Device.BOT)
    # Android tablets leave "Mobile" out of their user agent.
    if _TABLET.search(user_agent) or ("Android" in user_agent and "Mobile" not in user_agent):
        return Agent(is_bot=False, device=Device.TABLET)
    if _MOBILE.search(user_agent):
        return Agent(is_bot=False, device=Device.MOBILE)
    if _DESKTOP.search(user_agent):
        return Agent(is_bot=False, device=Device.DESKTOP)
    return Agent(is_bot=False, device=Device.OTHER)


def visitor_key(*, address: str, user_agent: str, salt: bytes) -> str:
    data = f"{address}\n{user_agent}".encode()
    return hashlib.blake2b(data, key=salt, digest_size=16).hexdigest()


_IPV4_MAPPED = bytes(10) + b"\xff\xff"


def network_block(address: str) -> str:
    """The address's network: its /24 for IPv4, its /48 for IPv6 ("" if it is no address)."""
    if "." in address and ":" not in address:
        head, dot, _last = address.rpartition(".")
        return head + dot if head.count(".") == 2 else ""
    try:
        packed = socket.inet_pton(socket.AF_INET6, address)
    except (OSError, ValueError):
        return ""
    if packed[:12] == _IPV4_MAPPED:
        return f"{packed[12]}.{packed[13]}.{packed[14]}."
    # The first 48 bits in hex: formatting groups as ipaddress does costs several times more.
    return packed[:6].hex() + "/48"


def network_key(*, address: str, salt: bytes) -> str:
    """A salted hash of the address's network block, for spotting bursts from one network."""
    block = network_block(address)
    if not block:
        return ""
    return hashlib.blake2b(block.encode(), key=salt, digest_size=16).hexdigest()


def referrer_host(referrer: str) -> str:
    if not referrer:
        return ""
    try:
        host = urlsplit(referrer).hostname or ""
    except ValueError:
        return ""
    return host[:255]


def forwarded_address(header: str) -> str:
    """The address the nearest proxy saw: the last entry of X-Forwarded-For."""
    return header.rsplit(",", 1)[-1].strip()


def cookie_value(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _sep, value = part.strip().partition("=")
        if key == name:
            return value.strip().strip('"')
    return ""
