"""Run Chorus on one machine: web server, task workers and scheduler as child processes."""

import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType

from django.tasks import task_backends
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend

from chorus.core.rq_backend import RQBackend

POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, kw_only=True)
class Child:
    label: str
    argv: tuple[str, ...]


@dataclass(kw_only=True)
class Running:
    child: Child
    process: subprocess.Popen[bytes]


def manage_py(*arguments: str) -> tuple[str, ...]:
    return (sys.executable, "-m", "django", *arguments)


def web_server(*, host: str, port: int, workers: int) -> Child:
    # ASGI, so the short-link redirect is served beside Chorus (chorus/asgi.py). Granian
    # allows one blocking thread per ASGI worker; Django runs each view in a thread of its own.
    options = ["--interface", "asgi", "--host", host, "--port", str(port)]
    options += ["--workers", str(workers)]
    argv = (sys.executable, "-m", "granian", *options, "chorus.asgi:application")
    return Child(label=_("web server"), argv=argv)


def task_worker_argv(*, backend_alias: str = "default") -> tuple[str, ...] | None:
    """How to start a worker for the configured task backend; None if it needs none."""
    backend = task_backends[backend_alias]
    queues = sorted(backend.queues)
    if isinstance(backend, DatabaseBackend):
        return manage_py("db_worker", "--queue-name", ",".join(queues), "--no-reload")
    if isinstance(backend, RQBackend):
        job_class = "chorus.core.rq_backend.Job"
        return manage_py("rqworker", *queues, "--job-class", job_class, "--with-scheduler")
    return None


def plan_children(
    *,
    host: str,
    port: int,
    web_workers: int,
    task_workers: int,
    scheduler: bool,
) -> list[Child]:
    children = [web_server(host=host, port=port, workers=web_workers)]
    worker_argv = task_worker_argv()
    if worker_argv is not None:
        children += [
            Child(label=_("task worker %(number)d") % {"number": number}, argv=worker_argv)
            for number in range(1, task_workers + 1)
        ]
    if scheduler:
        children.append(Child(label=_("scheduler"), argv=manage_py("chorus_scheduler")))
    return children


def login_url(*, host: str, port: int, path: str) -> str:
    return f"http://{_reachable_host(host)}:{port}{path}"


def _reachable_host(host: str) -> str:
    # A wildcard bind is reachable on loopback.
    if host in ("0.0.0.0", ""):  # noqa: S104
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def port_accepts(*, host: str, port: int) -> bool:
    address = _reachable_host(host).strip("[]")
    try:
        with socket.create_connection((address, port), timeout=0.5):
            return True
    except OSError:
        return False


def _die_with_parent() -> None:
    # Linux only: children get SIGTERM if the supervisor is killed outright.
    libc_name = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and libc_name:
        ctypes.CDLL(libc_name, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(child: Child, *, env: dict[str, str]) -> Running:
    # Own process group: Ctrl+C reaches only the supervisor, which forwards it once.
    process = subprocess.Popen(child.argv, env=env, process_group=0, preexec_fn=_die_with_parent)
    return Running(child=child, process=process)


def stop_all(running: Sequence[Running], *, signum: int, grace_seconds: float) -> None:
    """Send ``signum`` to every child still alive, then kill whoever outlives the grace."""
    for item in running:
        if item.process.poll() is None:
            item.process.send_signal(signum)
    deadline = time.monotonic() + grace_seconds
    for item in running:
        try:
            item.process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            item.process.kill()
            item.process.wait()


@dataclass(kw_only=True)
class Supervisor:
    children: Sequence[Child]
    env: dict[str, str]
    write: Callable[[str], None]
    is_ready: Callable[[], bool]
    on_ready: Callable[[], None]
    grace_seconds: float = 15.0
    received: list[int] = field(default_factory=list)

    def run(self) -> int:
        """Run until a signal arrives (exit 0) or a child dies (exit non-zero)."""
        previous = {
            signum: signal.signal(signum, self._remember)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        running: list[Running] = []
        try:
            running = [start(child, env=self.env) for child in self.children]
            return self._watch(running)
        finally:
            stop_all(running, signum=signal.SIGTERM, grace_seconds=self.grace_seconds)
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _remember(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signum)

    def _watch(self, running: list[Running]) -> int:
        announced = False
        while True:
            if self.received:
                signum = self.received[0]
                self.write(_("Stopping Chorus (%(signal)s)…") % {"signal": signal_name(signum)})
                stop_all(running, signum=signum, grace_seconds=self.grace_seconds)
                return 0
            dead = next((item for item in running if item.process.poll() is not None), None)
            if dead is not None:
                self._report_death(dead)
                return exit_status(dead.process.returncode)
            if not announced and self.is_ready():
                self.on_ready()
                announced = True
            time.sleep(POLL_SECONDS)

    def _report_death(self, dead: Running) -> None:
        code = dead.process.returncode
        details = {"child": dead.child.label, "pid": dead.process.pid}
        if code < 0:
            details["signal"] = signal_name(-code)
            message = _("The %(child)s (process %(pid)d) was killed by %(signal)s.")
        else:
            details["code"] = code
            message = _("The %(child)s (process %(pid)d) exited with code %(code)d.")
        stopping = _("Stopping the other processes.")
        self.write(f"{message % details} {stopping}")


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


def exit_status(returncode: int) -> int:
    """The shell's convention: 128 + signal for a child killed by a signal; never 0."""
    if returncode < 0:
        return 128 - returncode
    return returncode or 1


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")
    return env
