"""`python -m metrics.commands.prepare`: check every snapshot and work out its figures ahead of the first visitor.

Pages and the scorecard command prepare a snapshot the first time they need it; at the size of
a regional group of councils that takes a while. Run this after ingest, or when an app server
starts (each replica keeps its own PERFORMANCE_CACHE_DIR), so nobody waits. An app server runs it
itself, at a lower priority, for a large snapshot it has not prepared (metrics/prepare/ahead.py). Prints
one line per snapshot; exits 1 if any snapshot fails its checks or --snapshot names none.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import date

from metrics.commands import snapshot_folders
from metrics.core.allocator import reuse_freed_memory
from metrics.disclosure.audience import AUDIENCES
from metrics.prepare import prepared

LOWER_PRIORITY = 10  # nice: an app server's pages come first on a busy machine; on an idle one it runs at full speed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics.commands.prepare", description=__doc__)
    parser.add_argument(
        "--audience",
        choices=AUDIENCES,
        action="append",
        help="prepare for this audience only (may be repeated; default: both)",
    )
    parser.add_argument(
        "--snapshot",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="prepare this snapshot only (default: every snapshot)",
    )
    parser.add_argument(
        "--lower-priority",
        action="store_true",
        help="run at a lower CPU priority (nice 10), as an app server runs it beside its pages",
    )
    args = parser.parse_args(argv)
    audiences = list(dict.fromkeys(args.audience or AUDIENCES))
    if args.lower_priority and hasattr(os, "nice"):
        os.nice(LOWER_PRIORITY)
    reuse_freed_memory()  # a process of its own, for this one job: see metrics/core/allocator.py
    found = snapshot_folders("prepare")
    if found is None:
        return 1
    root, folders = found
    if args.snapshot is not None:
        folders = [folder for folder in folders if folder.as_at == args.snapshot]
        if not folders:
            print(f"prepare: there is no snapshot as at {args.snapshot} under {root.uri}", file=sys.stderr)
            return 1
    if prepared.cache_folder() is None:
        print(f"{prepared.CACHE_VARIABLE} is off, so there is nowhere to keep prepared snapshots", file=sys.stderr)
        return 1
    invalid = 0
    for folder in folders:
        started = time.perf_counter()
        checked = prepared.prepare(root, folder, audiences)
        if not checked.valid:
            invalid += 1
            print(
                f"{folder.as_at}: fails its checks ({len(checked.problems)} problem(s); "
                f"python -m metrics.validate says which)"
            )
            continue
        print(f"{folder.as_at}: prepared for {' and '.join(audiences)} in {time.perf_counter() - started:.1f} s")
    print(f"{len(folders) - invalid} prepared, {invalid} failed their checks, in {prepared.cache_folder()}")
    return 1 if invalid else 0


def exit_now(status: int) -> None:
    """End the process with this status once its output is flushed, without tearing down the interpreter:
    every file is written and closed by now, and freeing pandas' and Arrow's modules and the snapshot's
    memory one object at a time added 0.1 s to the wait for nothing."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    exit_now(main())
