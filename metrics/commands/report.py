"""`python -m metrics.report --period YYYY-MM [--team NAME] [--snapshot YYYY-MM-DD] --output FILE.docx`:
write the monthly committee report (a Word document) for a month and team."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from metrics.commands.scorecard import parse_month, teams_for
from metrics.core.problems import InputError
from metrics.disclosure.audience import configured_audience
from metrics.outputs.report import ReportRequest, build_report
from metrics.prepare.prepared import check, find_snapshot_folders, open_performance, performance
from metrics.rating import revisions
from metrics.rating.performance import Performance
from metrics.snapshot.reading import council_name, data_root


def previous_performance(current: Performance, audience: str) -> Performance | None:
    """The newest valid snapshot older than this one, for what was revised since; None if there is none."""
    root = data_root()
    folders, _ = find_snapshot_folders(root)
    older = [
        folder for folder in folders if folder.as_at < pd.Timestamp(current.as_at).date() and check(root, folder).valid
    ]
    return performance(root, older[0], audience) if older else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics.report", description=__doc__)
    parser.add_argument("--period", required=True, help="the month, YYYY-MM")
    parser.add_argument("--team", help="a team name (default: the whole service)")
    parser.add_argument("--snapshot", help="the snapshot's as-at date, YYYY-MM-DD (default: newest valid)")
    parser.add_argument("--output", required=True, type=Path, help="the .docx file to write")
    args = parser.parse_args(argv)
    try:
        month = parse_month(args.period)
        audience = configured_audience()
        rated = open_performance(args.snapshot, audience)
        if month not in set(rated.months):
            raise InputError(f"--period {args.period}: snapshot {rated.as_at:%Y-%m-%d} has no figures for that month")
        team = teams_for(rated, args.team)[0]
        older = previous_performance(rated, audience)
        revised = None if older is None else revisions.revisions(older, rated)
        content = build_report(rated, ReportRequest(month, team, council_name(), date.today()), revised)
        args.output.write_bytes(content)
    except InputError as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"report: could not write {args.output}: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.output} ({len(content):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
