"""The supervisor behind ``manage.py chorus_serve``, with real child processes."""

import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chorus.core.processes import Child, Supervisor, login_url, plan_children

SLEEPER = """
import signal, sys, time
from pathlib import Path
marker = Path(sys.argv[1])
def stop(signum, frame):
    marker.write_text(signal.Signals(signum).name)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
marker.write_text("ready")
time.sleep(120)
"""


def sleeper(tmp_path: Path, name: str) -> tuple[Child, Path]:
    marker = tmp_path / name
    return Child(label=name, argv=(sys.executable, "-c", SLEEPER, str(marker))), marker


def supervisor(
    children: list[Child],
    *,
    lines: list[str],
    is_ready: Callable[[], bool] = lambda: True,
    on_ready: Callable[[], None] = lambda: None,
) -> Supervisor:
    return Supervisor(
        children=children,
        env=dict(os.environ),
        write=lines.append,
        is_ready=is_ready,
        on_ready=on_ready,
        grace_seconds=10,
    )


def test_when_a_child_dies_the_others_are_stopped(tmp_path):
    survivor, marker = sleeper(tmp_path, "sleeper")
    # Dies once the sleeper is ready for signals.
    doomed_code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "while not Path(sys.argv[1]).exists():\n"
        "    time.sleep(0.05)\n"
        "sys.exit(3)\n"
    )
    doomed = Child(label="doomed worker", argv=(sys.executable, "-c", doomed_code, str(marker)))
    lines: list[str] = []

    status = supervisor([survivor, doomed], lines=lines).run()

    assert status == 3
    assert "The doomed worker (process" in lines[-1]
    assert "exited with code 3" in lines[-1]
    assert marker.read_text() == "SIGTERM"


def test_a_signal_is_forwarded_to_every_child(tmp_path):
    first, first_marker = sleeper(tmp_path, "first")
    second, second_marker = sleeper(tmp_path, "second")
    lines: list[str] = []

    def children_ready() -> bool:
        return all(
            marker.exists() and marker.read_text() == "ready"
            for marker in (first_marker, second_marker)
        )

    status = supervisor(
        [first, second],
        lines=lines,
        is_ready=children_ready,
        on_ready=lambda: os.kill(os.getpid(), signal.SIGINT),
    ).run()

    assert status == 0
    assert first_marker.read_text() == "SIGINT"
    assert second_marker.read_text() == "SIGINT"
    assert "Stopping Chorus (SIGINT)" in lines[-1]


def test_a_child_killed_by_a_signal_is_named(tmp_path):
    victim, marker = sleeper(tmp_path, "victim")
    lines: list[str] = []

    def kill_victim() -> bool:
        if not marker.exists():
            return False
        pid = next(p for p in _children_of(os.getpid()) if str(marker) in _cmdline(p))
        os.kill(pid, signal.SIGKILL)
        return True

    status = supervisor([victim], lines=lines, is_ready=kill_victim).run()

    assert status == 128 + signal.SIGKILL
    assert "The victim (process" in lines[-1]
    assert "was killed by SIGKILL" in lines[-1]


def _children_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_the_plan_matches_the_task_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = plan_children(host="127.0.0.1", port=8000, web_workers=2, task_workers=3, scheduler=True)
    labels = [child.label for child in plan]
    assert labels == ["web server", "task worker 1", "task worker 2", "task worker 3", "scheduler"]
    assert plan[0].argv[1:3] == ("-m", "granian")
    assert plan[0].argv[plan[0].argv.index("--workers") :][:2] == ("--workers", "2")
    assert "db_worker" in plan[1].argv

    settings.TASKS = {"default": {"BACKEND": "chorus.core.rq_backend.RQBackend"}}
    plan = plan_children(host="::", port=8000, web_workers=1, task_workers=1, scheduler=False)
    assert [child.label for child in plan] == ["web server", "task worker 1"]
    assert "rqworker" in plan[1].argv
    assert "chorus.core.rq_backend.Job" in plan[1].argv


def test_the_login_url_is_reachable_even_for_wildcard_binds():
    wildcard = "0.0.0.0"  # noqa: S104
    assert login_url(host=wildcard, port=8000, path="/accounts/login/") == (
        "http://127.0.0.1:8000/accounts/login/"
    )
    assert login_url(host="::", port=9000, path="/x/") == "http://[::1]:9000/x/"
    assert login_url(host="chorus.example", port=80, path="/") == "http://chorus.example:80/"


def test_serve_refuses_a_port_that_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"already listening on 127.0.0.1 port {port}"):
            call_command("chorus_serve", "--port", str(port))
