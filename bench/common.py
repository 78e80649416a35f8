"""Shared set-up for Chorus benchmarks: a fresh database, timing and peak memory.

Each benchmark runs in its own process against an empty database (a temporary
SQLite file, or the PostgreSQL server named by DATABASE_URL), so results do not
depend on what ran before.
"""

import atexit
import gc
import os
import platform
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> str:
    """Configure Django on a fresh database and migrate it; return the database vendor."""
    os.environ.setdefault("CHORUS_ENV", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "chorus.settings"
    directory = tempfile.mkdtemp(prefix="chorus-bench-")
    # Its database grows to hundreds of megabytes in a run of the redirect benchmark.
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3")
    # One place for the generated secret key, whatever directory a process starts in:
    # the worker processes a benchmark starts decrypt what this one stored.
    os.environ.setdefault("CHORUS_VAR_DIR", f"{directory}/var")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        _recreate_postgres_database()
    call_command("migrate", verbosity=0)
    return connection.vendor


def _recreate_postgres_database() -> None:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Measurement:
    name: str
    seconds: float
    peak_mib: float
    detail: str = ""


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _reset_peak_rss() -> bool:
    """Linux resets the process's peak resident set size (VmHWM) on request."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@contextmanager
def measured(name: str, results: list[Measurement], detail: str = "") -> Iterator[None]:
    """Time a block and record the process's peak memory inside it.

    Peak memory is the peak resident set size during the block (Linux), so it includes
    database driver buffers; elsewhere it falls back to tracemalloc's Python-only peak.
    """
    gc.collect()
    use_rss = _reset_peak_rss()
    if not use_rss:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        if use_rss:
            peak_mib = _status_kib("VmHWM") / 1024
        else:
            peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        results.append(Measurement(name, seconds, peak_mib, detail))


def machine() -> str:
    cpus = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = f"{platform.system()} {platform.release()}"
    return (
        f"{platform.machine()}, {cpus} cores, {memory:.0f} GiB, {system}, "
        f"Python {platform.python_version()}"
    )


def report(
    title: str, vendor: str, results: list[Measurement], targets: dict[str, tuple[float, float]]
) -> bool:
    """Print results as a Markdown table; return whether every target was met."""
    from django.db import connection

    version = connection.pg_version if vendor == "postgresql" else ""  # type: ignore[attr-defined]
    print(f"\n## {title} on {vendor} {version}\n")
    print(f"Machine: {machine()}  ")
    print("Peak memory: the process's peak resident set size during the step.\n")
    print("| step | seconds | peak memory MiB | target | detail |")
    print("|---|---:|---:|---|---|")
    met = True
    for result in results:
        target = targets.get(result.name)
        verdict = ""
        if target is not None:
            ok = result.seconds <= target[0] and result.peak_mib <= target[1]
            met &= ok
            verdict = f"{'met' if ok else 'MISSED'} (≤ {target[0]:g} s, ≤ {target[1]:g} MiB)"
        print(
            f"| {result.name} | {result.seconds:.2f} | {result.peak_mib:.1f} "
            f"| {verdict} | {result.detail} |"
        )
    return met


def run(main: Callable[[], Any]) -> None:
    sys.exit(0 if main() else 1)
