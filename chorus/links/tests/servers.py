"""Real servers for the redirect tests: child processes on a database file of their own."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def server_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        CHORUS_ENV="development",
        CHORUS_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'chorus.sqlite3'}",
        DJANGO_SETTINGS_MODULE="chorus.settings",
        CHORUS_TASKS_BACKEND="database",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def database_of(env: dict[str, str]) -> Path:
    return Path(env["CHORUS_VAR_DIR"]) / "chorus.sqlite3"


def manage(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def migrate_and_seed(env: dict[str, str]) -> dict[str, Any]:
    manage(env, "-m", "django", "migrate", "--noinput")
    return dict(json.loads(manage(env, "-m", "chorus.links.tests.seed").strip().splitlines()[-1]))


def wait_for_port(port: int, *, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listened on port {port}")


@dataclass
class Reply:
    status: int
    location: str | None
    body: bytes


def get(port: int, path: str, *, headers: dict[str, str] | None = None) -> Reply:
    """One request, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.getheader("Location"), response.read())
    finally:
        connection.close()


def granian(
    env: dict[str, str], *, port: int, target: str, log: Path, factory: bool = False
) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "granian", "--interface", "asgi", "--port", str(port)]
    argv += ["--no-ws", "--workers", "1", *(["--factory"] if factory else []), target]
    with log.open("ab") as output:
        # A session of its own: a kill of the process group reaches Granian's workers too.
        return subprocess.Popen(
            argv, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
