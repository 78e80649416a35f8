"""No redirect without its click: the server is killed outright under load, again and again.

A load generator follows a short link from several threads, each request with a user
agent of its own, and notes every redirect it receives. Meanwhile the server (Granian
serving chorus/asgi.py, as ``make run`` does) is killed with SIGKILL at random moments
and started again. Afterwards every received redirect must have its click stored: the
click's visitor key is recomputed from the request's address, user agent and the day's
salt.
"""

import http.client
import os
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from chorus.links.tests.servers import (
    database_of,
    granian,
    migrate_and_seed,
    server_env,
    wait_for_port,
)
from chorus.links.visitors import visitor_key
from chorus.testing.smtp import free_port

KILLS = 3
THREADS = 8


class LoadGenerator:
    def __init__(self, port: int, path: str) -> None:
        self.port = port
        self.path = path
        self.received: list[str] = []
        self.failures = 0
        self._counter = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run) for _ in range(THREADS)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _next_agent(self) -> str:
        with self._lock:
            self._counter += 1
            return f"Mozilla/5.0 (X11; Linux x86_64) Durability/{self._counter}"

    def _run(self) -> None:
        connection: http.client.HTTPConnection | None = None
        while not self._stop.is_set():
            agent = self._next_agent()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", self.path, headers={"User-Agent": agent})
                response = connection.getresponse()
                response.read()
                if response.status == 302:
                    with self._lock:
                        self.received.append(agent)
            except (OSError, http.client.HTTPException):
                # Killed mid-request: this redirect was never received.
                self.failures += 1
                if connection is not None:
                    connection.close()
                connection = None
                time.sleep(0.01)
        if connection is not None:
            connection.close()


def start_server(env, port: int, log: Path):
    process = granian(env, port=port, target="chorus.asgi:application", log=log)
    wait_for_port(port, process=process)
    return process


def wait_until_more_than(generator: LoadGenerator, counts: list[int]) -> None:
    deadline = time.monotonic() + 60
    while len(generator.received) <= counts[0]:
        assert time.monotonic() < deadline, "the server never answered after its restart"
        time.sleep(0.05)


def kill_outright(process) -> None:
    """SIGKILL to Granian's supervisor and its worker at the same instant."""
    os.killpg(os.getpgid(process.pid), signal.SIGKILL)
    process.wait()


def stored_clicks(database: Path) -> tuple[set[str], list[bytes]]:
    with sqlite3.connect(database) as db:
        keys = {row[0] for row in db.execute("SELECT visitor_key FROM links_click")}
        salts = [bytes.fromhex(row[0]) for row in db.execute("SELECT salt FROM links_visitorsalt")]
    return keys, salts


@pytest.mark.timeout(600)
def test_every_received_redirect_has_its_click_stored_across_kills(tmp_path):
    env = server_env(tmp_path)
    seeded = migrate_and_seed(env)
    port = free_port()
    log = tmp_path / "granian.log"
    generator = LoadGenerator(port, f"/l/{seeded['code']}")
    random_moment = random.Random()

    server = start_server(env, port, log)
    generator.start()
    received_before_each_kill: list[int] = []
    try:
        for _kill in range(KILLS):
            # Kill at a random moment once the (re)started server is answering.
            wait_until_more_than(generator, received_before_each_kill[-1:] or [0])
            time.sleep(random_moment.uniform(0.2, 2.0))
            kill_outright(server)
            received_before_each_kill.append(len(generator.received))
            server = start_server(env, port, log)
        wait_until_more_than(generator, received_before_each_kill[-1:])
    finally:
        generator.stop()
        if server.poll() is None:
            kill_outright(server)

    keys, salts = stored_clicks(database_of(env))
    lost = [
        agent
        for agent in generator.received
        if not any(
            visitor_key(address="127.0.0.1", user_agent=agent, salt=salt) in keys for salt in salts
        )
    ]
    assert generator.failures > 0  # the kills did interrupt requests in flight
    assert lost == []
    print(
        f"{len(generator.received)} redirects received, {len(keys)} clicks stored, "
        f"{generator.failures} requests cut off by {KILLS} kills"
    )
