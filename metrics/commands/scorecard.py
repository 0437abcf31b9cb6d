"""`python -m metrics.scorecard --period YYYY-MM`: print the scorecard for a month.

Prints one row per indicator (and per team with --team all) for a month, as CSV or JSON.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import pandas as pd

from metrics.core.problems import InputError
from metrics.disclosure.audience import configured_audience
from metrics.outputs.exports import csv_safe
from metrics.outputs.scorecard import build_scorecard, export_table
from metrics.prepare.prepared import open_performance
from metrics.rating.performance import Performance
from metrics.snapshot.contract import WHOLE_SERVICE

ALL_TEAMS = "all"


def parse_month(text: str) -> pd.Timestamp:
    """2021-11 (or 2021-11-01) as the first day of that month."""
    try:
        return pd.Timestamp(date.fromisoformat(f"{text}-01" if len(text) == 7 else text)).to_period("M").to_timestamp()
    except ValueError as error:
        raise InputError(f"--period {text!r} is not a month written as YYYY-MM") from error


def teams_for(performance: Performance, team: str | None) -> list[str]:
    """The teams a --team option asks for: none (whole service), a name, or all."""
    if not team:
        return [WHOLE_SERVICE]
    if team == ALL_TEAMS:
        return [WHOLE_SERVICE, *performance.teams]
    if team not in performance.teams:
        known = ", ".join(performance.teams)
        raise InputError(f"--team {team!r} is not a team in this snapshot (teams: {known})")
    return [team]


def run(argv: list[str] | None = None) -> tuple[pd.DataFrame, str]:
    """Parse arguments; return the exported scorecard table and the output format."""
    parser = argparse.ArgumentParser(prog="python -m metrics.scorecard", description=__doc__)
    parser.add_argument("--period", required=True, help="the month, YYYY-MM")
    parser.add_argument("--snapshot", help="the snapshot's as-at date, YYYY-MM-DD (default: newest valid)")
    parser.add_argument("--team", help="a team name, or 'all' (default: the whole service)")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    args = parser.parse_args(argv)
    month = parse_month(args.period)
    performance = open_performance(args.snapshot, configured_audience())
    require_month(performance, month, args.period)
    return export_table(build_scorecard(performance, month, teams_for(performance, args.team))), args.format


def require_month(performance: Performance, month: pd.Timestamp, asked: str) -> None:
    """Refuse, in one line, a month the snapshot has no figures for."""
    if month not in set(performance.months):
        first, last = performance.months[0], performance.months[-1]
        raise InputError(
            f"--period {asked}: snapshot {performance.as_at:%Y-%m-%d} has no figures for that month "
            f"(it covers {first:%Y-%m} to {last:%Y-%m})"
        )


def print_table(command: str, run_command, argv: list[str] | None) -> int:
    """Run a command that makes a table and print it as CSV (cells safe for spreadsheets) or JSON; a bad
    input is one line on standard error and exit 1."""
    try:
        table, output_format = run_command(argv)
    except InputError as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 1
    if output_format == "json":
        print(table.to_json(orient="records", indent=2))
    else:
        sys.stdout.write(csv_safe(table).to_csv(index=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    return print_table("scorecard", run, argv)


if __name__ == "__main__":
    sys.exit(main())
