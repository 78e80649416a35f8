"""The short-link redirect: a plain ASGI application, without Django's request stack.

A request for ``<prefix><code>`` is answered like this:

1. The code is looked up in a per-process cache, filled from the database on a miss
   (in a dedicated reader thread). A version row, bumped by every change to a link
   (disable, enable, expiry), is read at most once per ``CHORUS_LINK_CACHE_CHECK_MS``;
   when it moved, the cache is emptied. A change therefore reaches every process
   within that interval; expiry times are checked on every request.
2. Unknown, disabled and expired codes get the not-found page; nothing else redirects,
   and the target is only ever what Chorus stored for the code.
3. The click is handed to the recorder: the first click of a batch waits
   ``CHORUS_LINK_BATCH_MS`` for others, then the batch is inserted in one transaction
   (group commit) from the event loop, over a driver connection (clicksink.py). The
   response waits for its batch's commit, so every redirect a visitor receives has its
   click in the database, whenever the process dies. If the click cannot be stored the
   visitor gets a "try again" page instead of the redirect.

``with_links(app)`` mounts it beside Chorus (see chorus/asgi.py); ``standalone`` is a
factory for running it as a process of its own.
"""

import asyncio
import gc
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from importlib import import_module
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from chorus.links import clicksink, pages, store, visitors
from chorus.links.clicksink import ClickSink
from chorus.links.store import ClickRow, Resolved
from chorus.links.targets import looks_like_code

logger = logging.getLogger(__name__)

type Scope = dict[str, Any]
type Receive = Callable[[], Awaitable[Mapping[str, Any]]]
type Send = Callable[[Mapping[str, Any]], Awaitable[None]]
type ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
T = TypeVar("T")

MAX_CACHED_CODES = 200_000
SECONDS_PER_DAY = 86_400


class ClickNotStored(Exception):
    pass


def link_prefix() -> str:
    """The path the redirect answers under, from CHORUS_LINK_BASE_URL."""
    path = urlsplit(settings.CHORUS_LINK_BASE_URL).path or "/"
    return path if path.endswith("/") else path + "/"


# Finding targets


class LinkResolver:
    """Codes to targets, cached in the process and checked against the version row."""

    def __init__(self, *, check_interval: float, max_entries: int = MAX_CACHED_CODES) -> None:
        self.check_interval = check_interval
        self.max_entries = max_entries
        self._cache: dict[str, Resolved] = {}
        self._generation = 0
        self._version: int | None = None
        self._checked_at = float("-inf")
        self._salt_day = -1
        self._salt = b""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="links-reader")

    async def _in_thread(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, *args)

    def cached(self, code: str) -> Resolved | None:
        """The cached entry, if there is one and the version needs no check yet."""
        if time.monotonic() - self._checked_at >= self.check_interval:
            return None
        return self._cache.get(code)

    async def resolve(self, code: str) -> Resolved | None:
        await self._check_version_if_due()
        entry = self._cache.get(code)
        if entry is not None:
            return entry
        generation = self._generation
        entry = await self._in_thread(store.resolve, code)
        # A lookup that raced with an invalidation may hold old data: do not keep it.
        if entry is not None and generation == self._generation:
            if len(self._cache) >= self.max_entries:
                self._cache.clear()
            self._cache[code] = entry
        return entry

    async def _check_version_if_due(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < self.check_interval:
            return
        # Claimed before awaiting: concurrent requests keep using the cache meanwhile.
        self._checked_at = now
        try:
            version = await self._in_thread(store.cache_version)
        except Exception:
            logger.exception("Could not read the link cache version")
            self._checked_at = float("-inf")
            return
        if version != self._version:
            self._version = version
            self._cache.clear()
            self._generation += 1

    def todays_salt(self) -> bytes | None:
        """The salt in hand, unless the day changed since it was read."""
        return self._salt if int(time.time() // SECONDS_PER_DAY) == self._salt_day else None

    async def salt(self) -> bytes:
        day_number = int(time.time() // SECONDS_PER_DAY)
        if day_number != self._salt_day:
            day = date.fromordinal(date(1970, 1, 1).toordinal() + day_number)
            self._salt = await self._in_thread(store.salt_for, day)
            self._salt_day = day_number
        return self._salt

    async def member_of(self, session_key: str, organisation_id: int) -> int | None:
        try:
            return await self._in_thread(store.member_of, session_key, organisation_id)
        except Exception:
            logger.exception("Could not check whether a click came from a member")
            return None

    def close(self) -> None:
        self._executor.submit(store.close)
        self._executor.shutdown(wait=True)


# Recording clicks


type Pending = tuple[ClickRow, asyncio.Future[None]]


class ClickRecorder:
    """Group commit on the event loop: one transaction per batch of clicks.

    The first click of a batch starts a flush that waits ``window`` for others to join;
    clicks arriving while a batch is being written make up the next one, written as
    soon as the first is committed. Each request waits for its own batch's commit.
    """

    def __init__(self, *, sink: ClickSink | None = None, window: float) -> None:
        self.window = window
        self._sink = sink
        self._pending: list[Pending] = []
        self._flushing: asyncio.Task[None] | None = None
        self.batches = 0
        self.clicks = 0

    @property
    def sink(self) -> ClickSink:
        if self._sink is None:
            self._sink = clicksink.default_sink()
        return self._sink

    async def record(self, row: ClickRow) -> None:
        """Return once the click is committed; raise ClickNotStored if it could not be."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((row, future))
        if self._flushing is None or self._flushing.get_loop() is not loop:
            self._flushing = loop.create_task(self._flush())
        await future

    async def _flush(self) -> None:
        try:
            if self.window:
                await asyncio.sleep(self.window)
            # Nothing is awaited between the last check and the end of this task, so a
            # click appended after it finds no flush running and starts the next one.
            while self._pending:
                batch, self._pending = self._pending, []
                await self._write(batch)
                # The batch's redirects answer before the next batch takes the write
                # lock: another process that waited for it gets its turn meanwhile
                # (without it, two workers on one SQLite file took turns unevenly and
                # the 99th percentile went from about 12 ms to 30-50 ms).
                await asyncio.sleep(0)
        finally:
            self._flushing = None

    async def _write(self, batch: list[Pending]) -> None:
        self.batches += 1
        self.clicks += len(batch)
        try:
            await self.sink.write([row for row, _future in batch])
        except Exception as error:
            logger.exception("Could not store %d clicks", len(batch))
            _finish(batch, ClickNotStored(str(error)))
        else:
            _finish(batch, None)

    async def drain(self) -> None:
        """Wait until every click handed over so far is written (or refused)."""
        while self._flushing is not None:
            await asyncio.shield(self._flushing)

    def close(self) -> None:
        if self.batches:
            logger.info(
                "Stored %d clicks in %d transactions (%.1f per transaction)",
                self.clicks,
                self.batches,
                self.clicks / self.batches,
            )
        if self._sink is not None:
            self._sink.close()


def _finish(batch: list[Pending], error: Exception | None) -> None:
    for _row, future in batch:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


# The application


def _country_lookup() -> Callable[[str], str]:
    """Countries from a MaxMind-format database when one is configured (and readable)."""
    path = settings.CHORUS_GEOIP_DATABASE
    if not path:
        return lambda address: ""
    try:
        reader = import_module("maxminddb").open_database(path)
    except Exception:
        logger.exception("The GeoIP database %s cannot be read: clicks get no country", path)
        return lambda address: ""

    def country(address: str) -> str:
        try:
            record = reader.get(address) or {}
        except ValueError:
            return ""
        return str(record.get("country", {}).get("iso_code", ""))[:2]

    return country


def _headers(status: int, content_type: bytes = b"") -> list[tuple[bytes, bytes]]:
    headers = [
        (b"cache-control", b"no-store"),
        (b"x-robots-tag", b"noindex"),
        (b"x-content-type-options", b"nosniff"),
    ]
    if content_type:
        headers += [
            (b"content-type", content_type),
            (b"content-security-policy", pages.CONTENT_SECURITY_POLICY),
            (b"referrer-policy", b"no-referrer"),
        ]
    return headers


class LinkRedirect:
    def __init__(
        self,
        *,
        prefix: str,
        resolver: LinkResolver,
        recorder: ClickRecorder,
        trust_forwarded_for: bool,
        session_cookie: str,
        country: Callable[[str], str],
    ) -> None:
        self.prefix = prefix
        self.resolver = resolver
        self.recorder = recorder
        self.trust_forwarded_for = trust_forwarded_for
        self.session_cookie = session_cookie
        self.country = country
        self._redirect_headers = [*_headers(302), (b"content-length", b"0")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, send)
        elif scope["type"] == "lifespan":
            await self.lifespan(receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.recorder.drain()
                await asyncio.get_running_loop().run_in_executor(None, self.close)
                await send({"type": "lifespan.shutdown.complete"})
                return

    def close(self) -> None:
        self.recorder.close()
        self.resolver.close()

    async def http(self, scope: Scope, send: Send) -> None:
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await self._page(send, 405, pages.METHOD_NOT_ALLOWED, [(b"allow", b"GET, HEAD")])
            return
        path: str = scope["path"]
        code = path[len(self.prefix) :] if path.startswith(self.prefix) else ""
        if not looks_like_code(code):
            await self._page(send, 404, pages.not_found())
            return
        try:
            # Most requests find their code cached and never leave this coroutine.
            entry = self.resolver.cached(code) or await self.resolver.resolve(code)
        except Exception:
            logger.exception("Could not look up a short link")
            await self._page(send, 503, pages.UNAVAILABLE)
            return
        if entry is None or not entry.redirects(time.time()):
            await self._page(send, 404, pages.not_found(entry.organisation_name if entry else ""))
            return
        if method == "GET":
            try:
                # Plain calls unless a lookup is needed: a coroutine per redirect costs.
                salt = self.resolver.todays_salt() or await self.resolver.salt()
                row, session_key = self._click(scope, entry, salt)
                if session_key:
                    row = await self._with_member(row, session_key, entry)
                await self.recorder.record(row)
            except Exception:
                await self._page(send, 503, pages.UNAVAILABLE, [(b"retry-after", b"2")])
                return
        await send(
            {
                "type": "http.response.start",
                "status": 302,
                "headers": [(b"location", entry.location), *self._redirect_headers],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _with_member(self, row: ClickRow, session_key: str, entry: Resolved) -> ClickRow:
        """The click, marked as a member's when the session is one of the organisation's."""
        member_id = await self.resolver.member_of(session_key, entry.organisation_id)
        if member_id is None:
            return row
        return row._replace(is_member=True, clicker_member_id=member_id)

    def _click(self, scope: Scope, entry: Resolved, salt: bytes) -> tuple[ClickRow, str]:
        """The click as far as the request tells, and the Chorus session key it carried."""
        user_agent = referrer = cookie = forwarded = ""
        for name, value in scope["headers"]:
            if name == b"user-agent":
                user_agent = value.decode("latin-1")
            elif name == b"referer":
                referrer = value.decode("latin-1")
            elif name == b"cookie":
                cookie = value.decode("latin-1")
            elif name == b"x-forwarded-for":
                forwarded = value.decode("latin-1")
        client = scope.get("client")
        address = client[0] if client else ""
        if self.trust_forwarded_for and forwarded:
            address = visitors.forwarded_address(forwarded)
        agent = visitors.classify(user_agent)
        session_key = ""
        if cookie and self.session_cookie in cookie:
            session_key = visitors.cookie_value(cookie, self.session_cookie)
        row = ClickRow(
            entry.link_id,
            datetime.now(UTC),
            visitors.visitor_key(address=address, user_agent=user_agent, salt=salt),
            visitors.referrer_host(referrer),
            self.country(address) if address else "",
            agent.device,
            agent.is_bot,
            False,
            visitors.network_key(address=address, salt=salt) if address else "",
            None,
        )
        return row, session_key

    async def _page(
        self,
        send: Send,
        status: int,
        body: bytes,
        extra: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        headers = _headers(status, b"text/html; charset=utf-8")
        headers += [(b"content-length", str(len(body)).encode()), *(extra or [])]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def build_redirect(*, prefix: str | None = None) -> LinkRedirect:
    """The redirect, configured from Django's settings."""
    return LinkRedirect(
        prefix=prefix or link_prefix(),
        resolver=LinkResolver(check_interval=settings.CHORUS_LINK_CACHE_CHECK_MS / 1000),
        recorder=ClickRecorder(window=settings.CHORUS_LINK_BATCH_MS / 1000),
        trust_forwarded_for=settings.CHORUS_LINK_TRUST_FORWARDED_FOR,
        session_cookie=settings.SESSION_COOKIE_NAME,
        country=_country_lookup(),
    )


def with_links(application: ASGIApp) -> ASGIApp:
    """``application`` with the redirect answering every request under the link prefix."""
    redirect = build_redirect()
    prefix = redirect.prefix
    if prefix == "/":
        raise ImproperlyConfigured(
            "CHORUS_LINK_BASE_URL needs a path (such as /l/) to be served beside Chorus; "
            "serve a link-only domain with chorus.links.asgi_redirect:standalone instead."
        )

    async def router(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(prefix):
            await redirect.http(scope, send)
        elif scope["type"] == "lifespan":
            # Django does not take part in the lifespan protocol; the redirect does.
            await redirect.lifespan(receive, send)
        else:
            await application(scope, receive, send)

    return router


def settle_memory() -> None:
    """Exempt everything loaded so far from garbage collection, in a server process.

    Pending clicks keep objects alive across requests, which triggers full collections;
    with Django loaded each one paused the event loop for tens of milliseconds (the
    redirect's 99th percentile fell from about 40 ms to about 10 ms without them).
    """
    gc.collect()
    gc.freeze()


def standalone() -> LinkRedirect:
    """Factory for a redirect-only process: ``granian --factory ...:standalone``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")
    import django

    django.setup()
    redirect = build_redirect()
    settle_memory()
    return redirect
