"""`python -m metrics.ingest --as-at YYYY-MM-DD SOURCE`: build a checked snapshot.

SOURCE is an .xlsx workbook (one sheet per table, named like `values`) or a
folder of .csv or .parquet files named like the tables. Everything is checked
against the data contract first; the snapshot is written to a temporary folder
beside the target and renamed into place, so no reader sees half a snapshot.
An existing snapshot is never overwritten.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.fs as pafs

from metrics.core.problems import InputError, Problem
from metrics.disclosure.audience import AUDIENCES
from metrics.prepare import prepared
from metrics.snapshot.reading import DataRoot, SnapshotFolder, data_root
from metrics.snapshot.sources import convert, read_source, source_tables
from metrics.snapshot.writing import snapshot_exists, write_snapshot


def _annex_a(args: argparse.Namespace, as_at: date) -> tuple[dict[str, pd.DataFrame], list[str], dict[str, bytes]]:
    """Tables from an Annex A workbook, what was left out (as notes), and the report file."""
    from metrics.annex_a.build import REPORT_FILE, annex_a_tables

    targets = None
    if args.targets:
        raw, _ = (
            source_tables(args.targets)
            if args.targets.suffix.lower() == ".xlsx"
            else (
                {
                    "targets": (
                        args.targets.name,
                        pd.read_csv(args.targets, dtype=str, keep_default_na=False, na_values=[""]),
                    )
                },
                [],
            )
        )
        if "targets" not in raw:
            raise InputError([Problem(args.targets.name, "-", "has no targets table (a sheet named targets)")])
        targets, problems = convert("targets", *raw["targets"], as_at)
        if problems:
            raise InputError(problems)
    tables, report = annex_a_tables(args.annex_a, as_at, args.child_population, targets)
    notes = [f"read {rows} rows from {name}" for name, rows in report.rows_read.items()]
    notes += [f"left out {reason}" for reason in report.left_out]
    notes += [f"rejected {problem}" for problem in report.rows_rejected]
    return tables, notes, {REPORT_FILE: report.to_json()}


def parse_as_at(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise InputError(f"--as-at {text!r} is not a date written as YYYY-MM-DD") from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics.ingest", description=__doc__)
    parser.add_argument("--as-at", required=True, help="the day the figures were extracted, YYYY-MM-DD")
    parser.add_argument("source", nargs="?", type=Path, help="an .xlsx workbook or a folder of .csv/.parquet files")
    parser.add_argument("--annex-a", type=Path, metavar="WORKBOOK", help="build the snapshot from Ofsted Annex A lists")
    parser.add_argument("--child-population", type=int, help="with --annex-a: children aged 0 to 17, for rates")
    parser.add_argument("--targets", type=Path, help="with --annex-a: a targets table (.csv or .xlsx)")
    parser.add_argument(
        "--no-prepare",
        action="store_true",
        help="leave preparing the snapshot for the app to the app (or python -m metrics.commands.prepare)",
    )
    args = parser.parse_args(argv)
    try:
        as_at = parse_as_at(args.as_at)
        root = data_root()
        if not root.object_store and root.filesystem.get_file_info(root.base).type == pafs.FileType.File:
            raise InputError(f"the data root {root.uri} is not a folder")
        extra_files: dict[str, bytes] = {}
        if args.annex_a:
            tables, notes, extra_files = _annex_a(args, as_at)
        elif args.source:
            tables, notes = read_source(args.source, as_at)
        else:
            raise InputError("name a SOURCE (a workbook or a folder), or --annex-a WORKBOOK")
        if snapshot_exists(root, as_at):
            raise InputError(f"snapshot {as_at} already exists under {root.uri}; a snapshot is never overwritten")
        where = write_snapshot(root, as_at, tables, extra_files)
    except InputError as error:
        print("ingest: nothing was written, because:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"ingest: nothing was written: {error}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note}")
    rows = sum(len(frame) for frame in tables.values())
    print(f"wrote snapshot {as_at} ({len(tables)} tables, {rows} rows) to {where}")
    del tables  # written: the snapshot is read back from where it now lives
    if not args.no_prepare:
        prepare_new(root, as_at)
    return 0


def prepare_new(root: DataRoot, as_at: date) -> None:
    """Check and rate the new snapshot for both audiences now, so that no visitor waits for it."""
    if prepared.cache_folder() is None:
        return
    started = time.perf_counter()
    # Read once, checked, then rated for both audiences in one pass, as the prepare command does.
    prepared.prepare(root, SnapshotFolder(as_at, root.snapshot_path(as_at)), list(AUDIENCES))
    print(
        f"prepared it for the app in {time.perf_counter() - started:.1f} s "
        f"(app servers elsewhere: run python -m metrics.commands.prepare there)"
    )


if __name__ == "__main__":
    sys.exit(main())
