"""Short-link redirects per second and latency: Chorus with durable clicks vs a bare app.

Both run under Granian with the same options, one after the other in the same run, and
wrk drives them over loopback with the same script: random codes out of 1,000 links,
browser user agents. The Chorus redirect is chorus/asgi.py as ``make run`` serves it,
so every redirect waits for its click's group commit. Afterwards the clicks stored are
compared with the redirects wrk received.

Each app runs under each number of Granian worker processes given (``--workers 1,2``:
one, and one per core of the 2-core target machine), and the best run of Chorus is
compared with the best run of the bare app, whichever number of workers each had.

    cd bench && ../.venv/bin/python redirect.py
    scripts/test-postgres bash -c 'cd bench && ../.venv/bin/python redirect.py'

Needs wrk (``apt-get install -y wrk``). Exits non-zero when a target is missed:
at least 10,000 redirects per second, p99 under 10 ms, and at least 0.6 of the bare
app's throughput.
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, machine, run, setup_django

LINKS = 1000
USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.6778.39 Mobile Safari/537.36",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
]
TARGET_RPS = 10_000
TARGET_P99_MS = 10.0
TARGET_SHARE = 0.6
BARE = "bare ASGI redirect"
CHORUS = "Chorus, durable clicks"


@dataclass
class WrkResult:
    name: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def seed_links() -> dict[str, str]:
    from chorus.campaigns.models import Activity, ActivityKind, Campaign, CampaignState
    from chorus.conftest import make_member
    from chorus.links.services import tracked_link_for
    from chorus.orgs.models import Organisation
    from chorus.orgs.roles import Role

    organisation = Organisation.objects.create(name="Bench", slug="bench")
    campaign = Campaign.objects.create(
        organisation=organisation, name="Launch", state=CampaignState.LIVE
    )
    activity = Activity.objects.create(
        campaign=campaign,
        kind=ActivityKind.SHARE_LINK,
        title="Launch post",
        link_url="https://example.com/launch?ref=bench",
    )
    members = [
        make_member(organisation, Role.EMPLOYEE, f"member{n}@bench.test") for n in range(LINKS // 4)
    ]
    links = {}
    for member in members:
        for network in ("linkedin", "bluesky", "mastodon", "x"):
            link = tracked_link_for(member=member, activity=activity, network=network)
            links[link.code] = link.target
    return links


def wrk_script(codes: list[str], directory: Path) -> Path:
    script = directory / "redirect.lua"
    quoted_codes = ",".join(f'"{code}"' for code in codes)
    quoted_agents = ",".join(json.dumps(agent) for agent in USER_AGENTS)
    script.write_text(
        f"local codes = {{{quoted_codes}}}\n"
        f"local agents = {{{quoted_agents}}}\n"
        "request = function()\n"
        "  local code = codes[math.random(#codes)]\n"
        "  local agent = agents[math.random(#agents)]\n"
        '  return wrk.format("GET", "/l/" .. code, {["User-Agent"] = agent})\n'
        "end\n"
    )
    return script


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(target: str, *, port: int, env: dict[str, str], options: list[str]):
    argv = [sys.executable, "-m", "granian", "--interface", "asgi", "--port", str(port)]
    argv += ["--no-ws", "--log-level", "warning", *options, target]
    process = subprocess.Popen(argv, env=env, cwd=ROOT / "bench", start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    return process


def stop_server(process) -> None:
    os.killpg(os.getpgid(process.pid), signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(os.getpgid(process.pid), signal.SIGKILL)
        process.wait()


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(name: str, *, port: int, script: Path, seconds: int, args: argparse.Namespace):
    output = subprocess.run(
        [
            "wrk",
            f"-t{args.wrk_threads}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+(?:us|ms|s))$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if socket_errors:
        print(f"  {name}: socket errors: {socket_errors.group(1)}")
    return WrkResult(
        name=name,
        requests=int(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_milliseconds(percentiles["50"]),
        p99_ms=_milliseconds(percentiles["99"]),
        errors=int(errors.group(1)) if errors else 0,
    )


def clicks_stored() -> int:
    from django.db import connection

    from chorus.links.models import Click

    connection.close()
    return Click.objects.count()


def main() -> bool:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--workers",
        type=lambda text: [int(number) for number in text.split(",")],
        default=[1, 2],
        help="Granian worker processes, one or more counts separated by commas",
    )
    parser.add_argument("--loop", default="uvloop")
    parser.add_argument("--batch-ms", default="0")
    args = parser.parse_args()

    vendor = setup_django()
    links = seed_links()
    directory = Path(tempfile.mkdtemp(prefix="chorus-bench-redirect-"))
    links_file = directory / "links.json"
    links_file.write_text(json.dumps(links))
    script = wrk_script(sorted(links), directory)
    env = {
        **os.environ,
        "BENCH_LINKS_FILE": str(links_file),
        "CHORUS_DEBUG": "false",
        "CHORUS_LINK_BATCH_MS": args.batch_ms,
        "PYTHONPATH": str(ROOT),
    }
    apps = {
        BARE: "bare_redirect:app",
        CHORUS: "chorus.asgi:application",
    }

    results: list[WrkResult] = []
    stored: list[tuple[int, int]] = []
    for _round in range(args.rounds):
        for workers in args.workers:
            options = ["--workers", str(workers), "--loop", args.loop]
            for name, target in apps.items():
                name = f"{name}, {workers} worker{'s' if workers > 1 else ''}"
                port = free_port()
                server = start_server(target, port=port, env=env, options=options)
                try:
                    run_wrk(name, port=port, script=script, seconds=args.warm_up, args=args)
                    before = clicks_stored()
                    result = run_wrk(
                        name, port=port, script=script, seconds=args.seconds, args=args
                    )
                finally:
                    stop_server(server)
                results.append(result)
                if target.startswith("chorus"):
                    stored.append((result.requests, clicks_stored() - before))
    return report(vendor, args, results, stored=stored)


def report(vendor, args, results, *, stored: list[tuple[int, int]]) -> bool:
    from django.db import connection

    version = connection.pg_version if vendor == "postgresql" else ""  # type: ignore[attr-defined]
    print(f"\n## Short-link redirects on {vendor} {version}\n")
    print(f"Machine: {machine()}  ")
    print(
        f"Granian, ASGI, {'/'.join(map(str, args.workers))} worker(s), loop {args.loop}; "
        f"wrk {args.wrk_threads} "
        f"thread(s), {args.connections} connections, {args.seconds} s per run after "
        f"{args.warm_up} s of warm-up; {LINKS} links; group commit window {args.batch_ms} ms.  "
    )
    print(f"Load average at the end: {os.getloadavg()[0]:.2f}\n")
    print("| app | requests | redirects/s | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for result in results:
        print(
            f"| {result.name} | {result.requests:,} | {result.rps:,.0f} | {result.p50_ms:.2f} "
            f"| {result.p99_ms:.2f} | {result.errors} |"
        )
    bare = max((r for r in results if r.name.startswith(BARE)), key=lambda r: r.rps)
    best = max((r for r in results if r.name.startswith(CHORUS)), key=lambda r: r.rps)
    share = best.rps / bare.rps
    met_rps = best.rps >= TARGET_RPS
    met_p99 = best.p99_ms < TARGET_P99_MS
    met_share = share >= TARGET_SHARE
    print(
        f"\nBest Chorus run ({best.name}): {best.rps:,.0f} redirects/s "
        f"({'met' if met_rps else 'MISSED'} ≥ {TARGET_RPS:,}), p99 {best.p99_ms:.2f} ms "
        f"({'met' if met_p99 else 'MISSED'} < {TARGET_P99_MS:g} ms), {share:.3f} of the bare "
        f"app's best ({bare.name}: {bare.rps:,.0f}/s; "
        f"{'met' if met_share else 'MISSED'} ≥ {TARGET_SHARE}).  "
    )
    complete = all(clicks >= requests for requests, clicks in stored)
    counts = "; ".join(f"{clicks:,} for {requests:,}" for requests, clicks in stored)
    print(
        f"Clicks stored during each measured Chorus run, for the redirects wrk completed: "
        f"{counts} ({'every one stored' if complete else 'CLICKS LOST'})."
    )
    return met_rps and met_p99 and met_share and complete


if __name__ == "__main__":
    run(main)
