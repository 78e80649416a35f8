"""Benchmark: how long a thread woken by I/O waits for the interpreter beside one
running queries, with and without the pause ``chorus/core/stages.py`` makes
(``GIVE_WAY``) before each query.

The publishing pipeline's network thread is woken by the network's answer while a
stage's thread claims or records a batch: a little Python, a query, a little Python.
The database driver lets go of the interpreter for every query, but takes it back
before the woken thread gets to run, and each wake-up starts that thread's wait for
the switch interval anew. Here a child process writes to a pipe every 10 ms (the
"answer"), a thread reads it and notes how late it got to run, and a second thread
alternates about 0.2 ms of Python with an SQLite query: first without pausing, then
pausing ``GIVE_WAY`` seconds before each query.

    .venv/bin/python bench/give_way.py [--wakes 200]
"""

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

from common import machine

WAKE_EVERY = 0.01
# Reads of this many bytes carry one time stamp each.
MESSAGE = 32


def wake_latencies(*, pause: float, wakes: int) -> list[float]:
    """Seconds from each write to the pipe until the reading thread ran."""
    read_end, write_end = os.pipe()
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(write_end), str(wakes), str(WAKE_EVERY)],
        pass_fds=(write_end,),
    )
    os.close(write_end)
    stop = threading.Event()
    querying = threading.Thread(target=_query_until, args=(stop, pause))
    querying.start()
    latencies = []
    try:
        while data := os.read(read_end, MESSAGE):
            latencies.append(time.monotonic() - float(data))
    finally:
        stop.set()
        querying.join()
        writer.wait()
        os.close(read_end)
    return latencies


_WRITER = """
import os, sys, time
fd, wakes, every = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
for _ in range(wakes):
    time.sleep(every)
    os.write(fd, f"{time.monotonic():.9f}".encode().ljust(32))
"""


def _query_until(stop: threading.Event, pause: float) -> None:
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE item (number INTEGER)")
    database.executemany("INSERT INTO item VALUES (?)", [(n,) for n in range(100)])
    while not stop.is_set():
        total = 0
        for number in range(3000):  # about 0.2 ms of Python
            total += number * number
        if pause:
            time.sleep(pause)
        database.execute("SELECT sum(number) FROM item").fetchone()
    database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wakes", type=int, default=200)
    arguments = parser.parse_args()

    from chorus.core.stages import GIVE_WAY, SWITCH_INTERVAL

    sys.setswitchinterval(SWITCH_INTERVAL)
    print("## A woken thread's wait beside a thread running queries\n")
    print(f"Machine: {machine()}  ")
    print(f"Switch interval {SWITCH_INTERVAL * 1000:g} ms, as while the stages run.\n")
    print("| querying thread | wakes | median ms | 90th percentile ms | 99th percentile ms |")
    print("|---|---:|---:|---:|---:|")
    for label, pause in (("no pause", 0.0), (f"pauses {GIVE_WAY * 1000:g} ms", GIVE_WAY)):
        latencies = sorted(wake_latencies(pause=pause, wakes=arguments.wakes))
        median = statistics.median(latencies)
        p90 = latencies[int(len(latencies) * 0.9)]
        p99 = latencies[int(len(latencies) * 0.99)]
        print(
            f"| {label} | {len(latencies)} | {median * 1000:.2f} | {p90 * 1000:.2f} "
            f"| {p99 * 1000:.2f} |"
        )


if __name__ == "__main__":
    main()
