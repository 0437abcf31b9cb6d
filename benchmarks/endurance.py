"""It keeps working: visitors for a long while on one server, and a server killed under load.

    python benchmarks/endurance.py --minutes 60       # 25 visitors for an hour on one app server
    python benchmarks/endurance.py --kill-replica     # two app servers behind nginx, one killed mid-run
    python benchmarks/endurance.py --minutes 5 --no-write  # a first look

Visitors are benchmarks/load.py's simulated sessions (the app's own WebSocket protocol, timed end to
end), acting every 4 to 6 seconds on any page with realistic choices. Each keeps the address its page
shows (Streamlit's page_info_changed message carries the query string the app writes), so when its
connection breaks it does what the browser does: it connects again, through nginx, and opens the same
page with the same address.

- --minutes N: 25 visitors for N minutes on one app server on the demo; the server's resident memory
  every minute, and its change from the level after the first five minutes; every error.
- --kill-replica: 25 visitors for 90 seconds on two app servers behind deploy/nginx.conf; 30 seconds
  in, one server is killed (SIGKILL). It reports how many visitors were on it (their connection broke),
  how long each took to be served again on the other, whether every choice in their address was kept
  (the app may add a default it leaves out of a link), and every error seen by visitors whose
  connection never broke.

A benchmark, not a test: it prints figures and judges nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from benchmarks.load import Run, Session, page_visit, percentile, prepare, rss_mb, serving, summary  # noqa: E402
from benchmarks.report import write_section  # noqa: E402

VISITORS = 25
THINK = (4.0, 6.0)
RECONNECT_SECONDS = 60


@dataclass
class Visitor:
    """What one simulated visitor saw."""

    runs: list[Run] = field(default_factory=list)
    broken: int = 0  # times its connection broke
    back_after: list[float] = field(default_factory=list)  # seconds from a break to its page served again
    choices_kept: list[bool] = field(default_factory=list)  # after a break: every choice in its address kept
    lost: bool = False  # it could not connect again


async def reconnect(session: Session, visitor: Visitor) -> None:
    """Connect again and open the page it was on, with the address it had, as a browser does."""
    broke = time.perf_counter()
    page, query = session.page, session.query
    while time.perf_counter() - broke < RECONNECT_SECONDS:
        try:
            await session.connect()
        except (OSError, websockets.exceptions.WebSocketException):
            await asyncio.sleep(0.5)
            continue
        run = await session.open(page, query)
        visitor.runs.append(run)
        if not run.error:
            visitor.back_after.append(time.perf_counter() - broke)
            visitor.choices_kept.append(set(query.split("&")) <= set(session.query.split("&")))
            return
    visitor.lost = True


async def visit(url: str, seed: int, until: float, visitor: Visitor) -> None:
    rng = random.Random(seed)
    session = Session(url, rng)
    await session.connect()
    visitor.runs.append(await session.open(*page_visit(rng)))
    while time.perf_counter() < until and not visitor.lost:
        await asyncio.sleep(rng.uniform(*THINK))
        if time.perf_counter() >= until:
            break
        run = await session.open(*page_visit(rng)) if rng.random() < 0.25 else await session.change()
        if run.error.startswith("connection"):
            visitor.broken += 1
            await reconnect(session, visitor)
            continue
        visitor.runs.append(run)
    await session.close()


async def soak(url: str, pid: int, minutes: float) -> tuple[list[Visitor], list[tuple[float, float]]]:
    """VISITORS visitors for `minutes`; the visitors and the server's memory (minute, MB) each minute."""
    until = time.perf_counter() + minutes * 60
    started = time.perf_counter()
    visitors = [Visitor() for _ in range(VISITORS)]
    memory = [(0.0, rss_mb(pid))]

    async def sample() -> None:
        while time.perf_counter() < until:
            await asyncio.sleep(60)
            memory.append(((time.perf_counter() - started) / 60, rss_mb(pid)))

    await asyncio.gather(sample(), *(visit(url, seed, until, visitors[seed]) for seed in range(VISITORS)))
    return visitors, memory


def report_soak(minutes: float) -> None:
    env = {**os.environ, "PERFORMANCE_AUDIENCE": "public"}
    env.pop("PERFORMANCE_DATA_DIR", None)
    prepare(env)
    with serving(env) as servers:
        visitors, memory = asyncio.run(soak(servers.url, servers.apps[0].pid, minutes))
    runs = [run for visitor in visitors for run in visitor.runs]
    print(f"### {VISITORS} visitors for {minutes:.0f} minutes on one app server, on the demo\n")
    print(f"runs: {summary(runs)}")
    errors = [run for run in runs if run.error]
    broken = sum(visitor.broken for visitor in visitors)
    print(f"errors: {len(errors)}; connections broken: {broken}")
    at_five = next((mb for minute, mb in memory if minute >= 5), memory[-1][1])
    print("\n| minute | server's resident memory | against minute 5 |\n|---|---|---|")
    for minute, mb in memory:
        if round(minute) % 5 == 0 or (minute, mb) == memory[-1]:
            print(f"| {minute:.0f} | {mb:,.0f} MB | {(mb / at_five - 1) * 100:+.1f}% |")


async def kill_one(url: str, servers, seconds: float = 90, kill_after: float = 30) -> tuple[list[Visitor], float]:
    until = time.perf_counter() + seconds
    visitors = [Visitor() for _ in range(VISITORS)]
    tasks = [asyncio.create_task(visit(url, seed, until, visitors[seed])) for seed in range(VISITORS)]
    await asyncio.sleep(kill_after)
    killed_at = time.perf_counter()
    servers.apps[0].kill()
    await asyncio.gather(*tasks)
    return visitors, killed_at


def report_kill() -> None:
    env = {**os.environ, "PERFORMANCE_AUDIENCE": "public"}
    env.pop("PERFORMANCE_DATA_DIR", None)
    prepare(env)
    with serving(env, apps=2) as servers:
        visitors, killed_at = asyncio.run(kill_one(servers.url, servers))
    on_killed = [visitor for visitor in visitors if visitor.broken]
    on_other = [visitor for visitor in visitors if not visitor.broken]
    back = [seconds for visitor in on_killed for seconds in visitor.back_after]
    other_runs = [run for visitor in on_other for run in visitor.runs]
    after_kill = [run for run in other_runs if run.started >= killed_at]
    print(f"### two app servers behind nginx, {VISITORS} visitors for 90 s, one server killed 30 s in\n")
    print(f"- visitors on the killed server (their connection broke): {len(on_killed)} of {VISITORS}")
    print(
        f"- served again on the other server: {len(back)} of {len(on_killed)}, after "
        f"{percentile(back, 0.5):.1f} s (median), {max(back, default=float('nan')):.1f} s (longest); "
        f"with every choice in their address kept: {sum(v for visitor in on_killed for v in visitor.choices_kept)}; "
        f"lost: {sum(visitor.lost for visitor in on_killed)}"
    )
    print(f"- errors seen by the others: {sum(1 for run in other_runs if run.error)} in {len(other_runs)} runs")
    print(f"- the others' runs after the kill: {summary(after_kill)}")
    killed_runs = [run for visitor in on_killed for run in visitor.runs if run.error]
    print(f"- errors seen by the visitors on the killed server, besides the broken connection: {len(killed_runs)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=60, help="how long the visitors stay (default 60)")
    parser.add_argument("--kill-replica", action="store_true", help="two servers behind nginx, one killed")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave docs/performance.md as it is")
    args = parser.parse_args()
    if args.kill_replica:
        report_kill()
    else:
        report_soak(args.minutes)
    return 0


if __name__ == "__main__":
    if any(flag in sys.argv for flag in ("--no-write", "--help", "-h")):
        sys.exit(main())
    kept = io.StringIO()
    with contextlib.redirect_stdout(kept):
        status = main()
    print(kept.getvalue())
    write_section("endurance-kill" if "--kill-replica" in sys.argv else "endurance-soak", kept.getvalue())
    sys.exit(status)
