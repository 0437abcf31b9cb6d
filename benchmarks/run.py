"""Speed and memory at the size of a regional group of councils, and on the demo data.

    python benchmarks/run.py            # 500 teams x 80 indicators x 120 months, plus the demo
    python benchmarks/run.py --demo-only

Generates a contract-valid snapshot (4.8 million values rows, 600,000 caseload rows) in a temporary
folder, then measures, each in a fresh process with an empty prepared-snapshot cache: the floor
(pyarrow reading values.parquet); ingest of those tables as a new snapshot; the first visitor's
scorecard before the snapshot is prepared; the prepare command (three times, each on an empty cache:
the median, fastest and slowest); the scorecard command; and on the
prepared snapshot every page's first render (imports included), its warm rerun after a widget
change (script time, median of 7) and peak memory. Prints its tables and writes them to
docs/performance.md (--no-write to leave it). Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from benchmarks.large_snapshot import INDICATORS, MONTHS, TEAMS, WORKERS_PER_TEAM  # noqa: E402
from benchmarks.report import write_section  # noqa: E402

FLOOR = (
    "import sys, time, pyarrow.parquet as pq; started = time.perf_counter(); "
    "table = pq.read_table(sys.argv[1]); print(table.num_rows, time.perf_counter() - started)"
)
GENERATE = (
    "import sys; from pathlib import Path; from benchmarks.large_snapshot import write_large_snapshot; "
    "write_large_snapshot(Path(sys.argv[1]))"
)
TIMEOUT_SECONDS = 300  # a page or command slower than this is reported as such, not waited for
PAGES = [
    "streamlit_app.py",
    "pages/explore.py",
    "pages/compare.py",
    "pages/off_target.py",
    "pages/plan.py",
    "pages/caseloads.py",
    "pages/data.py",
    "pages/glossary.py",
]


PREPARE_RUNS = 3  # the prepare command is timed this many times (its runs here vary by up to a second)


def timed(args: list[str], env: dict) -> tuple[float, float] | None:
    """Wall time (s) and peak memory (MB) of a command in a fresh process; None if it ran too long."""
    command = ["/usr/bin/time", "-f", "%e %M", *args] if Path("/usr/bin/time").exists() else args
    try:
        finished = subprocess.run(
            command,
            cwd=REPOSITORY,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return None
    seconds, kilobytes = finished.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) / 1024


def hidden(cache: Path) -> str:
    """The share of the prepared public figures shown as "c", as a table cell."""
    import pyarrow.parquet as pq

    rated = next(cache.glob("*/rated-public.parquet"), None)
    if rated is None:
        return "not prepared"
    suppressed = pq.read_table(rated, columns=["suppressed"]).column("suppressed").to_numpy()
    return f"{suppressed.mean() * 100:.0f}% of {len(suppressed):,}"


def timed_command(args: list[str], env: dict) -> str:
    """timed(), as table cells."""
    result = timed(args, env)
    return f"over {TIMEOUT_SECONDS} s | |" if result is None else f"{result[0]:.2f} s | {result[1]:,.0f} MB |"


def timed_runs(args: list[str], env: dict, cache: Path, runs: int) -> str:
    """The median wall time of several runs, each on an empty cache, with the fastest and slowest, and the
    highest peak, as table cells."""
    results = []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        result = timed(args, env)
        if result is None:
            return f"over {TIMEOUT_SECONDS} s | |"
        results.append(result)
    seconds = sorted(second for second, _ in results)
    return (
        f"{seconds[len(seconds) // 2]:.2f} s ({seconds[0]:.2f} to {seconds[-1]:.2f} s in {runs} runs) | "
        f"{max(megabytes for _, megabytes in results):,.0f} MB |"
    )


def probe(page: str, env: dict) -> dict | None:
    try:
        output = subprocess.run(
            [sys.executable, "benchmarks/page_probe.py", page],
            cwd=REPOSITORY,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        ).stdout
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as failed:  # reported in the table, with what it said, not a traceback
        said = [line for line in failed.stderr.splitlines() if "missing ScriptRunContext" not in line]
        return {"failed": f"exit {failed.returncode}: " + " / ".join(said[-3:])}
    return json.loads(output.strip().splitlines()[-1])


def unmeasured(result: dict | None) -> str | None:
    """Why a probe gave no figures, as a table cell; None when it gave them."""
    if result is None:
        return f"over {TIMEOUT_SECONDS} s"
    return f"failed ({result['failed']})" if "failed" in result else None


def measure(label: str, data_dir: Path | None, period: str) -> list[str]:
    cache = Path(tempfile.mkdtemp(prefix="prepared-"))
    env = {**os.environ, "PERFORMANCE_AUDIENCE": "public", "PERFORMANCE_CACHE_DIR": str(cache)}
    if data_dir is None:
        env.pop("PERFORMANCE_DATA_DIR", None)
    else:
        env["PERFORMANCE_DATA_DIR"] = str(data_dir)
    rows = [f"\n### {label}\n", "| what | time | peak memory |", "|---|---|---|"]
    if data_dir is not None:
        # In a process of its own: a child started later would otherwise count this table in its peak.
        values = next(data_dir.glob("snapshots/*/values.parquet"))
        count, seconds = subprocess.run(
            [sys.executable, "-c", FLOOR, str(values)], check=True, capture_output=True, text=True
        ).stdout.split()
        rows.append(f"| floor: pyarrow reads values.parquet ({int(count):,} rows) | {float(seconds):.2f} s | |")
    if data_dir is not None:
        # Ingest of the same tables as a new snapshot (checks and writes; preparing is measured below).
        with tempfile.TemporaryDirectory() as target:
            source = next(data_dir.glob("snapshots/*"))
            cells = timed_command(
                [sys.executable, "-m", "metrics.ingest", "--as-at", source.name, "--no-prepare", str(source)],
                {**env, "PERFORMANCE_DATA_DIR": target},
            )
        rows.append(f"| ingest of that snapshot's tables (checks and writes) | {cells}")
    # Once per snapshot: the first visitor (or the prepare command) checks and rates it.
    cold = probe("streamlit_app.py", env)
    cells = f"{unmeasured(cold)} | |" if unmeasured(cold) else f"{cold['first_s']:.2f} s | {cold['peak_mb']:,} MB |"
    rows.append(f"| first visitor before the snapshot is prepared: scorecard page, first render | {cells}")
    cells = timed_runs([sys.executable, "-m", "metrics.commands.prepare"], env, cache, PREPARE_RUNS)
    rows.append(f"| prepare command (checks, both audiences), once per snapshot: median | {cells}")
    rows.append(
        f"| figures the public view hides (“c”: small numbers, and figures they could be worked out from) "
        f"| {hidden(cache)} | |"
    )
    for team_args, what in (([], "whole service"), (["--team", "all"], "all teams")):
        cells = timed_command([sys.executable, "-m", "metrics.scorecard", "--period", period, *team_args], env)
        rows.append(f"| scorecard command, one month, {what} | {cells}")
    report = cache / "report.docx"
    cells = timed_command([sys.executable, "-m", "metrics.report", "--period", period, "--output", str(report)], env)
    rows.append(f"| committee report (Word, charts drawn), one month, whole service | {cells}")
    rows += [
        "",
        "Pages on the prepared snapshot, each in a fresh process:",
        "",
        "| page | first render, fresh process | warm rerun after a widget change (median) | peak memory |",
        "|---|---|---|---|",
    ]
    for page in PAGES:
        result = probe(page, env)
        if unmeasured(result):
            rows.append(f"| {page} | {unmeasured(result)} | not measured | |")
            continue
        failed = " (errors!)" if result["errors"] else ""
        rows.append(
            f"| {page}{failed} | {result['first_s']:.2f} s | {result['warm_ms']:.0f} ms | {result['peak_mb']:,} MB |"
        )
    shutil.rmtree(cache, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo-only", action="store_true", help="measure the shipped demo data only")
    parser.add_argument("--no-write", action="store_true", help="print the tables, leave docs/performance.md as it is")
    args = parser.parse_args()
    lines = [f"Measured on {os.cpu_count()} cores, Python {sys.version.split()[0]}."]
    lines += measure("Demo data (Example County Council)", None, "2022-01")
    if not args.demo_only:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            # Also in a process of its own, so this one stays small (children count it in their peak).
            subprocess.run([sys.executable, "-c", GENERATE, folder], cwd=REPOSITORY, check=True)
            lines.append(
                f"\nGenerated {TEAMS} teams x {INDICATORS} indicators x {MONTHS} months "
                f"({TEAMS * INDICATORS * MONTHS:,} values rows) and {TEAMS * WORKERS_PER_TEAM * MONTHS:,} "
                f"caseload rows in {time.perf_counter() - started:.1f} s."
            )
            lines += measure("Regional scale", Path(folder), "2022-03")
    print("\n".join(lines))
    if not args.no_write:
        write_section("run-demo" if args.demo_only else "run", "\n".join(lines[1:]))


if __name__ == "__main__":
    main()
