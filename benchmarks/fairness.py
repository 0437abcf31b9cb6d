"""Fair to everyone when one address is greedy: what other visitors wait while one address works the
slowest pages as hard as it can.

    python benchmarks/fairness.py              # two app servers behind deploy/nginx.conf, on the demo;
                                               # writes its table into docs/performance.md
    python benchmarks/fairness.py --servers 1  # one app server, no nginx (printed only)
    python benchmarks/fairness.py --seconds 20 --no-write  # a first look

Other visitors: OTHERS people, each from an address of their own (127.0.0.2, 127.0.0.3, ...), opening
any page and changing its pickers every 2 to 4 seconds (benchmarks/load.py's simulated sessions, timed
end to end over the WebSocket). The greedy address, 127.0.0.1: first one session, then 20, working the
slowest pages (the Improvement Plan, Explore, the scorecard, Compare) with no pause between runs. Each
scenario lasts SECONDS; the others' 95th percentile under greed is given as a multiple of their own
when it is quiet. tests/test_fairness.py runs a 30-second version of the 20-session scenario.

A benchmark, not a test: it prints figures and judges nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from benchmarks.load import Run, percentile, person, prepare, serving, summary  # noqa: E402
from benchmarks.report import write_section  # noqa: E402

GREEDY_ADDRESS = "127.0.0.1"
SLOWEST_PAGES = ["plan", "explore", "", "compare"]  # "": the scorecard; from docs/performance.md's tables
OTHERS = 5
OTHERS_THINK = (2.0, 4.0)


def other_address(number: int) -> str:
    """The loopback address of other visitor `number` (0, 1, ...): 127.0.0.2 onwards."""
    return f"127.0.0.{2 + number}"


async def visitors(url: str, greedy: int, seconds: float, others: int = OTHERS) -> tuple[list[Run], list[Run]]:
    """`others` visitors at their own pace and `greedy` sessions from one address with no pause, together
    for `seconds`: the others' runs and the greedy address's."""
    others_runs: list[Run] = []
    greedy_runs: list[Run] = []
    until = time.perf_counter() + seconds
    tasks = [
        person(url, 100 + number, until, OTHERS_THINK, others_runs, address=other_address(number))
        for number in range(others)
    ]
    tasks += [
        person(url, 500 + number, until, (0.0, 0.0), greedy_runs, address=GREEDY_ADDRESS, pages=SLOWEST_PAGES)
        for number in range(greedy)
    ]
    await asyncio.gather(*tasks)
    return others_runs, greedy_runs


def waits_ms(runs: list[Run]) -> list[float]:
    return [run.seconds * 1000 for run in runs]


def report(url: str, seconds: float, label: str) -> None:
    print(f"### {label}\n")
    print(
        f"{OTHERS} other visitors, each from an address of their own, acting every 2-4 s; {seconds:.0f} s a scenario."
    )
    asyncio.run(visitors(url, 0, 10))  # every page visited once, so the quiet figures are for a warm server
    quiet, _ = asyncio.run(visitors(url, 0, seconds))
    quiet_p95 = percentile(waits_ms(quiet), 0.95)
    print(
        "| greedy address (127.0.0.1) | other visitors' runs | p50 | p95 | longest | p95 against quiet "
        "| errors | greedy runs (runs/s) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for greedy in (0, 1, 20):
        others, hammering = (quiet, []) if greedy == 0 else asyncio.run(visitors(url, greedy, seconds))
        times = waits_ms(others)
        errors = sum(1 for run in others + hammering if run.error)
        print(
            f"| {'quiet' if greedy == 0 else f'{greedy} session' + ('s' if greedy > 1 else '')} | {len(others)} "
            f"| {percentile(times, 0.5):,.0f} ms | {percentile(times, 0.95):,.0f} ms | {max(times):,.0f} ms "
            f"| {percentile(times, 0.95) / quiet_p95:.2f}× | {errors} "
            f"| {len(hammering)} ({len(hammering) / seconds:.1f}) |"
        )
        if greedy == 20:
            print(f"\nthe 20 greedy sessions' own runs: {summary(hammering)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, choices=[1, 2], default=2, help="app servers (2: behind nginx)")
    parser.add_argument("--seconds", type=float, default=60, help="how long each scenario lasts (default 60)")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave docs/performance.md as it is")
    args = parser.parse_args()
    env = {**os.environ, "PERFORMANCE_AUDIENCE": "public"}
    prepare(env)
    with serving(env, args.servers) as servers:
        label = "two app servers behind nginx" if args.servers == 2 else "one app server"
        report(servers.url, args.seconds, f"{label}, on the demo")
    return 0


if __name__ == "__main__":
    if any(flag in sys.argv for flag in ("--no-write", "--help", "-h", "--servers")):  # a look, not the table
        sys.exit(main())
    kept = io.StringIO()
    with contextlib.redirect_stdout(kept):
        status = main()
    print(kept.getvalue())
    write_section("fairness-2", kept.getvalue())
    sys.exit(status)
