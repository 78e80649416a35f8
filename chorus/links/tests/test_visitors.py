"""Telling people from programs by their user agents (real strings, as sent), and visitor keys."""

import pytest

from chorus.links.models import Device
from chorus.links.visitors import (
    classify,
    cookie_value,
    forwarded_address,
    network_block,
    network_key,
    referrer_host,
    visitor_key,
)

PREVIEW_FETCHERS_AND_CRAWLERS = {
    "linkedin": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "x": "Twitterbot/1.0",
    "facebook": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "slack": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "slack images": "Slack-ImgProxy (+https://api.slack.com/robots)",
    "mastodon 4.0": "http.rb/5.1.0 (Mastodon/4.0.2; +https://freiburg.social/) Bot",
    "mastodon 4.2": "http.rb/5.1.1 (Mastodon/4.2.10; +https://mastodon.social/)",
    "mastodon 4.3": "Mastodon/4.3.2 (http.rb/5.2.0; +https://fosstodon.org/) Bot",
    "bluesky": "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "bluesky bare": "Bluesky Cardyb/1.1",
    "discord": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "telegram": "TelegramBot (like TwitterBot)",
    "whatsapp": "WhatsApp/2.23.20.0 A",
    "googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "googlebot smartphone": (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/127.0.6533.119 Mobile Safari/537.36 "
        "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    ),
    "bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "duckduckgo": "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
    "yandex": "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "apple": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; "
        "+http://www.apple.com/go/applebot)"
    ),
    "semrush": "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "generic crawler": "Mozilla/5.0 (compatible; ExampleCrawler/2.3)",
    "headless chrome": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/120.0.0.0 Safari/537.36"
    ),
    "curl": "curl/8.5.0",
    "python-requests": "python-requests/2.31.0",
    "httpx": "python-httpx/0.28.1",
    "go": "Go-http-client/1.1",
    "wget": "Wget/1.21.4",
    "empty": "",
}

PEOPLE = {
    "chrome on windows": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        Device.DESKTOP,
    ),
    "safari on a mac": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        Device.DESKTOP,
    ),
    "firefox on linux": (
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        Device.DESKTOP,
    ),
    "safari on an iphone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        Device.MOBILE,
    ),
    "chrome on android": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.6778.39 Mobile Safari/537.36",
        Device.MOBILE,
    ),
    # The networks' own in-app browsers are people reading the post, not preview fetchers.
    "linkedin app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.6970",
        Device.MOBILE,
    ),
    "facebook app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.39.118;FBBV/553428787;"
        "FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
        Device.MOBILE,
    ),
    "a phone called cubot": (
        "Mozilla/5.0 (Linux; Android 10; CUBOT P40) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.6099.144 Mobile Safari/537.36",
        Device.MOBILE,
    ),
    "ipad": (
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        Device.TABLET,
    ),
    "android tablet": (
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        Device.TABLET,
    ),
    "chromebook": (
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        Device.DESKTOP,
    ),
}


@pytest.mark.parametrize("name", PREVIEW_FETCHERS_AND_CRAWLERS)
def test_preview_fetchers_crawlers_and_programs_are_bots(name):
    agent = classify(PREVIEW_FETCHERS_AND_CRAWLERS[name])

    assert agent.is_bot
    assert agent.device == Device.BOT


@pytest.mark.parametrize("name", PEOPLE)
def test_browsers_are_people_with_their_kind_of_device(name):
    user_agent, device = PEOPLE[name]

    agent = classify(user_agent)

    assert not agent.is_bot
    assert agent.device == device


def test_the_visitor_key_hides_the_address_and_changes_with_the_salt():
    today = visitor_key(address="203.0.113.7", user_agent="Firefox", salt=b"a" * 32)

    assert today == visitor_key(address="203.0.113.7", user_agent="Firefox", salt=b"a" * 32)
    assert len(today) == 32
    assert "203" not in today
    assert today != visitor_key(address="203.0.113.8", user_agent="Firefox", salt=b"a" * 32)
    assert today != visitor_key(address="203.0.113.7", user_agent="Chrome", salt=b"a" * 32)
    assert today != visitor_key(address="203.0.113.7", user_agent="Firefox", salt=b"b" * 32)


@pytest.mark.parametrize(
    ("referrer", "host"),
    [
        ("https://www.linkedin.com/feed/", "www.linkedin.com"),
        ("android-app://com.linkedin.android/", "com.linkedin.android"),
        ("https://[::1]:8000/x", "::1"),
        ("https://[broken/", ""),
        ("", ""),
    ],
)
def test_only_the_referrers_host_is_kept(referrer, host):
    assert referrer_host(referrer) == host


def test_the_proxys_own_entry_of_x_forwarded_for_is_used():
    assert forwarded_address("198.51.100.1, 203.0.113.9") == "203.0.113.9"
    assert forwarded_address("203.0.113.9") == "203.0.113.9"


def test_the_session_cookie_is_found_among_others():
    header = 'csrftoken=abc; sessionid="s3ss10n"; django_language=fi'

    assert cookie_value(header, "sessionid") == "s3ss10n"
    assert cookie_value(header, "missing") == ""
    assert cookie_value("xsessionid=nope", "sessionid") == ""


@pytest.mark.parametrize(
    ("address", "block"),
    [
        ("203.0.113.7", "203.0.113."),
        ("2001:db8:1:2::1", "20010db80001/48"),
        ("2001:db8:1:ffff:ffff::9", "20010db80001/48"),
        ("::ffff:203.0.113.7", "203.0.113."),
        ("", ""),
        ("not-an-address", ""),
        ("unix-socket", ""),
    ],
)
def test_the_network_block_is_the_24_or_48_around_the_address(address, block):
    assert network_block(address) == block


def test_the_network_key_hides_the_block_and_changes_with_the_salt():
    first = network_key(address="203.0.113.7", salt=b"a" * 32)

    assert first == network_key(address="203.0.113.250", salt=b"a" * 32)
    assert first != network_key(address="203.0.114.7", salt=b"a" * 32)
    assert first != network_key(address="203.0.113.7", salt=b"b" * 32)
    assert "203" not in first and len(first) == 32
    assert network_key(address="", salt=b"a" * 32) == ""
