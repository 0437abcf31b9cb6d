"""`python -m metrics.ingest --as-at YYYY-MM-DD SOURCE`: build a checked snapshot.

SOURCE is an .xlsx workbook (one sheet per table, named like `values`) or a
folder of .csv or .parquet files named like the tables. Everything is checked
against the data contract first; the snapshot is written to a temporary folder
beside the target and renamed into place, so no reader sees half a snapshot.
An existing snapshot is never overwritten.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from datetime import date
from pathlib import Path

import pyarrow.fs as pafs

from metrics.core.problems import InputError
from metrics.prepare import prepared
from metrics.publishing.loading import ANNEX_A_KIND, TABLES_KIND, Source, load
from metrics.publishing.publish import prepare_published, publish_loaded
from metrics.publishing.records import Publication, file_records, now
from metrics.snapshot.reading import data_root
from metrics.snapshot.writing import already_there, snapshot_exists

HOW = "python -m metrics.ingest"


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
        if args.annex_a:
            source = Source(ANNEX_A_KIND, args.annex_a, args.child_population, args.targets)
        elif args.source:
            source = Source(TABLES_KIND, args.source)
        else:
            raise InputError("name a SOURCE (a workbook or a folder), or --annex-a WORKBOOK")
        if snapshot_exists(root, as_at):
            raise already_there(root, as_at)
        loaded = load(source, as_at)
        publication = Publication(as_at.isoformat(), account(), now().isoformat(), HOW, file_records(source.path))
        where = publish_loaded(root, loaded, publication)
    except InputError as error:
        print("ingest: nothing was written, because:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"ingest: nothing was written: {error}", file=sys.stderr)
        return 1
    for note in loaded.notes:
        print(f"note: {note}")
    print(f"wrote snapshot {as_at} ({len(loaded.tables)} tables, {loaded.rows} rows) to {where}")
    del loaded  # written: the snapshot is read back from where it now lives
    if not args.no_prepare and prepared.cache_folder() is not None:
        started = time.perf_counter()
        prepare_published(root, as_at)
        print(
            f"prepared it for the app in {time.perf_counter() - started:.1f} s "
            f"(app servers elsewhere: run python -m metrics.commands.prepare there)"
        )
    return 0


def account() -> str:
    """Who ran the command, for the record: the account's name on this machine."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this account (some containers)
        return f"account {os.getuid()}"


if __name__ == "__main__":
    sys.exit(main())
