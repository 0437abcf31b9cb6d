"""`python -m metrics.plan --period YYYY-MM`: print the Improvement Plan's progress in a month.

One row per priority, indicator, team and milestone, as CSV or JSON: the milestone's target, the value
that judges it (the milestone month's for a milestone on or before the period, the period's otherwise),
the trajectory in the period (next milestone only) and the status. In the public audience a hidden
figure is 'c' and its status 'no data'.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from metrics.commands.scorecard import parse_month, print_table, require_month
from metrics.core.problems import InputError
from metrics.disclosure.audience import configured_audience
from metrics.outputs.plan import export_progress
from metrics.plan.measures import has_plan, progress_in
from metrics.prepare.prepared import open_performance


def run(argv: list[str] | None = None) -> tuple[pd.DataFrame, str]:
    """Parse arguments; return the exported progress table and the output format."""
    parser = argparse.ArgumentParser(prog="python -m metrics.plan", description=__doc__)
    parser.add_argument("--period", required=True, help="the month, YYYY-MM")
    parser.add_argument("--snapshot", help="the snapshot's as-at date, YYYY-MM-DD (default: newest valid)")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    args = parser.parse_args(argv)
    month = parse_month(args.period)
    performance = open_performance(args.snapshot, configured_audience())
    if not has_plan(performance):
        raise InputError(f"snapshot {performance.as_at:%Y-%m-%d} has no Improvement Plan (no plan.parquet)")
    require_month(performance, month, args.period)
    return export_progress(progress_in(performance, month), month), args.format


def main(argv: list[str] | None = None) -> int:
    return print_table("plan", run, argv)


if __name__ == "__main__":
    sys.exit(main())
