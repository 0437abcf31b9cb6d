"""`python -m metrics.commands.stage FOLDER --kind KIND --as-at YYYY-MM-DD --source PATH`: check an upload an
app server has placed in FOLDER, in a process of its own, and leave the result there.

The Load data page runs it (metrics/publishing/staging.py): it reads and checks the files exactly as
ingest does, writes them as the snapshot they would be, prepares it for both audiences and works out
each audience's preview against the newest published snapshot, then writes FOLDER/result.json (the
problems, or what was read). Exits 0 either way once the result is written; 1 if it could not be.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from metrics.core.allocator import reuse_freed_memory
from metrics.core.problems import InputError
from metrics.publishing.loading import KINDS, Source
from metrics.publishing.staging import LOWER_PRIORITY, check_placed, files_placed, keep_result
from metrics.snapshot.reading import data_root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics.commands.stage", description=__doc__)
    parser.add_argument("folder", type=Path, help="the upload's folder under the staging folder")
    parser.add_argument("--kind", choices=KINDS, required=True, help="tables, or annex_a")
    parser.add_argument("--as-at", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--source", type=Path, required=True, help="the workbook or folder of files, in FOLDER")
    parser.add_argument("--child-population", type=int, help="annex_a: children aged 0 to 17, for rates")
    parser.add_argument("--targets", type=Path, help="annex_a: a targets file, in FOLDER")
    parser.add_argument("--lower-priority", action="store_true", help="run at a lower CPU priority (nice 10)")
    args = parser.parse_args(argv)
    if args.lower_priority and hasattr(os, "nice"):
        os.nice(LOWER_PRIORITY)
    reuse_freed_memory()  # a process of its own, for this one job
    source = Source(args.kind, args.source, args.child_population, args.targets)
    try:
        outcome = check_placed(args.folder, source, args.as_at, files_placed(args.folder), data_root())
    except InputError as error:
        outcome = error
    try:
        keep_result(args.folder, outcome)
    except OSError as error:
        print(f"stage: the result could not be written: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
