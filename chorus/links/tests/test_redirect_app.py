"""The redirect as an ASGI application, called in-process against the test database."""

import asyncio
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from chorus.links import services, store
from chorus.links.asgi_redirect import build_redirect, with_links
from chorus.links.models import Click, Device, VisitorSalt
from chorus.links.tests.asgi import Answer, acall, call
from chorus.links.tests.test_visitors import PEOPLE, PREVIEW_FETCHERS_AND_CRAWLERS
from chorus.links.visitors import network_key, visitor_key

# The redirect reads and writes from threads of its own, which see only committed data.
pytestmark = pytest.mark.django_db(transaction=True)

IPHONE = PEOPLE["safari on an iphone"][0]


@pytest.fixture
def app(settings):
    settings.CHORUS_LINK_CACHE_CHECK_MS = 0
    redirect = build_redirect(prefix="/l/")
    yield redirect
    redirect.close()


def path_of(link) -> str:
    return f"/l/{link.code}"


def test_a_known_code_redirects_to_its_target_after_storing_the_click(app, link):
    answer = call(
        app,
        path_of(link),
        headers=[("User-Agent", IPHONE), ("Referer", "https://www.linkedin.com/feed/")],
    )

    assert answer.status == 302
    assert answer.headers["location"] == link.target
    assert answer.headers["cache-control"] == "no-store"
    click = Click.objects.get()
    salt = bytes.fromhex(VisitorSalt.objects.get(day=store.today()).salt)
    assert click.link == link
    assert click.visitor_key == visitor_key(address="203.0.113.7", user_agent=IPHONE, salt=salt)
    assert (click.referrer_host, click.device, click.is_bot, click.is_member) == (
        "www.linkedin.com",
        Device.MOBILE,
        False,
        False,
    )
    assert click.counted is None
    assert timezone.now() - click.time < timedelta(seconds=30)
    # No column holds the visitor's address.
    row = Click.objects.filter(pk=click.pk).values().get()
    assert not any("203.0.113" in str(value) for value in row.values())


def test_preview_fetchers_are_recorded_as_bots(app, link):
    call(app, path_of(link), headers=[("User-Agent", PREVIEW_FETCHERS_AND_CRAWLERS["linkedin"])])

    assert Click.objects.get().is_bot


def assert_branded_not_found(answer) -> None:
    assert answer.status == 404
    assert "location" not in answer.headers
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert "Chorus" in answer.body
    assert "Link not found" in answer.body
    assert "http://" not in answer.body and "https://" not in answer.body


@pytest.mark.parametrize(
    "path",
    [
        "/l/AAAAAAAAAAAA",
        "/l/",
        "/l/short",
        "/l/https://evil.example/",
        "/l/../../admin/",
        "/l/AAAAAAAAAAAA/extra",
    ],
)
def test_unknown_codes_get_the_branded_not_found_page(app, link, path):
    answer = call(app, path)

    assert_branded_not_found(answer)
    assert not Click.objects.exists()


def test_a_disabled_link_gets_the_not_found_page_naming_its_organisation(
    app, link, content_manager, organisation
):
    organisation.name = "Acme <script>alert(1)</script> & Sons"
    organisation.save()
    services.disable_link(by=content_manager, link=link)

    answer = call(app, path_of(link))

    assert_branded_not_found(answer)
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in answer.body
    assert "<script>" not in answer.body
    assert not Click.objects.exists()


def test_an_expired_link_gets_the_not_found_page(app, link, content_manager):
    services.set_link_expiry(
        by=content_manager, link=link, expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert_branded_not_found(call(app, path_of(link)))
    assert not Click.objects.exists()


def test_a_cached_link_expires_on_time_without_a_new_lookup(settings, link, content_manager):
    settings.CHORUS_LINK_CACHE_CHECK_MS = 60_000
    services.set_link_expiry(
        by=content_manager, link=link, expires_at=timezone.now() + timedelta(seconds=1)
    )
    app = build_redirect(prefix="/l/")
    try:
        assert call(app, path_of(link)).status == 302
        time.sleep(1.1)
        assert call(app, path_of(link)).status == 404
    finally:
        app.close()


def test_disabling_reaches_a_process_that_cached_the_link_within_the_check_interval(
    settings, link, content_manager
):
    settings.CHORUS_LINK_CACHE_CHECK_MS = 300
    app = build_redirect(prefix="/l/")
    try:
        assert call(app, path_of(link)).status == 302
        services.disable_link(by=content_manager, link=link)
        # Still cached until the version row is read again: the documented delay.
        assert call(app, path_of(link)).status == 302
        time.sleep(0.35)
        assert call(app, path_of(link)).status == 404
        services.enable_link(by=content_manager, link=link)
        time.sleep(0.35)
        assert call(app, path_of(link)).status == 302
    finally:
        app.close()


def test_head_redirects_without_recording_and_other_methods_are_refused(app, link):
    head = call(app, path_of(link), method="HEAD")
    post = call(app, path_of(link), method="POST")

    assert (head.status, head.headers["location"]) == (302, link.target)
    assert (post.status, post.headers["allow"]) == (405, "GET, HEAD")
    assert not Click.objects.exists()


def test_a_signed_in_member_of_the_organisation_is_flagged(app, link, admin, outsider):
    def session_of(member) -> str:
        client = Client()
        client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
        return client.cookies["sessionid"].value

    for cookie in (f"sessionid={session_of(admin)}", f"sessionid={session_of(outsider)}", ""):
        call(app, path_of(link), headers=[("Cookie", cookie)] if cookie else [])

    flags = list(Click.objects.order_by("pk").values_list("is_member", "clicker_member_id"))
    assert flags == [(True, admin.pk), (False, None), (False, None)]


def test_clicks_from_one_network_block_share_a_network_key(app, link):
    for address in ("203.0.113.7", "203.0.113.200", "198.51.100.7", "2001:db8:1:2::1"):
        call(app, path_of(link), headers=[("User-Agent", IPHONE)], client=(address, 50000))

    salt = bytes.fromhex(VisitorSalt.objects.get(day=store.today()).salt)
    keys = list(Click.objects.order_by("pk").values_list("network_key", flat=True))
    assert keys[0] == keys[1] == network_key(address="203.0.113.9", salt=salt)
    assert keys[2] != keys[0]
    assert keys[3] == network_key(address="2001:db8:1:ffff::9", salt=salt)
    assert not any("203.0.113" in key or "2001:db8" in key for key in keys)


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(settings, link):
    forwarded = [("X-Forwarded-For", "198.51.100.1, 198.51.100.2")]
    trusting_settings = [False, True]
    for trusted in trusting_settings:
        settings.CHORUS_LINK_TRUST_FORWARDED_FOR = trusted
        app = build_redirect(prefix="/l/")
        try:
            call(app, path_of(link), headers=[("User-Agent", IPHONE), *forwarded])
        finally:
            app.close()

    salt = bytes.fromhex(VisitorSalt.objects.get().salt)
    keys = list(Click.objects.order_by("pk").values_list("visitor_key", flat=True))
    assert keys == [
        visitor_key(address="203.0.113.7", user_agent=IPHONE, salt=salt),
        visitor_key(address="198.51.100.2", user_agent=IPHONE, salt=salt),
    ]


def test_clicks_arriving_together_are_committed_together(settings, link):
    settings.CHORUS_LINK_CACHE_CHECK_MS = 60_000
    app = build_redirect(prefix="/l/")

    async def burst() -> list[Answer]:
        await acall(app, path_of(link))  # the code and the day's salt are now in hand
        return await asyncio.gather(
            *(
                acall(app, path_of(link), client=(f"203.0.113.{n % 250}", 40000 + n))
                for n in range(200)
            )
        )

    try:
        answers = asyncio.run(burst())
    finally:
        app.close()

    assert {answer.status for answer in answers} == {302}
    assert Click.objects.count() == 201
    # The first click, then the 200 that arrived while it was written (or together).
    assert app.recorder.batches <= 3


def test_no_redirect_when_the_click_cannot_be_stored(app, link):
    assert call(app, path_of(link)).status == 302
    with connection.schema_editor() as editor:
        editor.delete_model(Click)
    try:
        answer = call(app, path_of(link))
    finally:
        with connection.schema_editor() as editor:
            editor.create_model(Click)

    assert answer.status == 503
    assert "location" not in answer.headers
    assert "try again" in answer.body
    # The writer recovers once the database does.
    assert call(app, path_of(link)).status == 302
    assert Click.objects.count() == 1


def test_beside_chorus_only_the_link_path_reaches_the_redirect(settings, link):
    settings.CHORUS_LINK_CACHE_CHECK_MS = 0
    seen = []

    async def chorus(scope, receive, send):
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"chorus"})

    app = with_links(chorus)
    try:
        assert call(app, path_of(link)).status == 302
        assert call(app, "/o/acme/").body == "chorus"
        assert call(app, "/links/").body == "chorus"
    finally:
        asyncio.run(_shut_down(app))

    assert seen == ["/o/acme/", "/links/"]


async def _shut_down(app) -> None:
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent = []

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message["type"])

    await app({"type": "lifespan"}, receive, send)
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def countries_database(path, countries: dict[str, str]) -> str:
    """A MaxMind-format country database mapping networks to ISO country codes."""
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-Country")
    for network, code in countries.items():
        writer.insert_network(IPSet([network]), {"country": {"iso_code": code}})
    writer.to_db_file(str(path))
    return str(path)


def test_clicks_get_a_country_when_a_geoip_database_is_configured(settings, link, tmp_path):
    settings.CHORUS_LINK_CACHE_CHECK_MS = 0
    settings.CHORUS_GEOIP_DATABASE = countries_database(
        tmp_path / "countries.mmdb", {"203.0.113.0/24": "FI", "2001:db8:cafe::/48": "PL"}
    )
    app = build_redirect(prefix="/l/")
    try:
        call(app, path_of(link), client=("203.0.113.7", 1234))
        call(app, path_of(link), client=("2001:db8:cafe::1", 1234))
        call(app, path_of(link), client=("198.51.100.4", 1234))
    finally:
        app.close()

    countries = list(Click.objects.order_by("pk").values_list("country", flat=True))
    assert countries == ["FI", "PL", ""]


def test_an_unreadable_geoip_database_leaves_clicks_without_a_country(settings, link, tmp_path):
    settings.CHORUS_LINK_CACHE_CHECK_MS = 0
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    settings.CHORUS_GEOIP_DATABASE = str(broken)
    app = build_redirect(prefix="/l/")
    try:
        answer = call(app, path_of(link), client=("203.0.113.7", 1234))
    finally:
        app.close()

    assert answer.status == 302
    assert list(Click.objects.values_list("country", flat=True)) == [""]
