"""``manage.py chorus_serve`` (what ``make run`` starts) serves short links beside Chorus."""

import signal
import sqlite3
import subprocess
import sys

import pytest

from chorus.links.tests.servers import database_of, get, migrate_and_seed, server_env, wait_for_port
from chorus.links.tests.test_visitors import PEOPLE
from chorus.testing.smtp import free_port


@pytest.fixture
def env(tmp_path):
    return server_env(tmp_path)


def test_chorus_serve_answers_short_links_and_pages(env, tmp_path):
    seeded = migrate_and_seed(env)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        serve = subprocess.Popen(
            [sys.executable, "-m", "django", "chorus_serve", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process=serve)
        user_agent = PEOPLE["chrome on android"][0]

        followed = get(port, f"/l/{seeded['code']}", headers={"User-Agent": user_agent})
        disabled = get(port, f"/l/{seeded['disabled_code']}")
        unknown = get(port, "/l/NoSuchCode12")
        login = get(port, "/accounts/login/")

        assert (followed.status, followed.location) == (302, seeded["target"])
        assert disabled.status == 404
        assert b"This link from Acme Ltd is not active." in disabled.body
        assert disabled.location is None
        assert (unknown.status, unknown.location) == (404, None)
        assert b"Link not found" in unknown.body
        assert login.status == 200
        assert b"csrfmiddlewaretoken" in login.body
        with sqlite3.connect(database_of(env)) as db:
            clicks = db.execute("SELECT link_id, device, is_bot FROM links_click").fetchall()
        assert clicks == [(seeded["link_id"], "mobile", 0)]

        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
