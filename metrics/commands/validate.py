"""`python -m metrics.validate [SNAPSHOT_DIR ...]`: check snapshots against the data contract.

With no folder named, checks every snapshot under the data root. Prints every
problem as `file: column: what is wrong (rows: first few)`; exits 1 if any
snapshot is invalid.
"""

from __future__ import annotations

import argparse
import sys

from metrics.commands import snapshot_folders
from metrics.snapshot.reading import Snapshot, read_snapshot, read_snapshot_folder


def report(snapshot: Snapshot) -> list[str]:
    """Lines describing one snapshot's result."""
    if snapshot.valid:
        tables = ", ".join(sorted(snapshot.tables))
        return [f"{snapshot.path}: valid ({tables})"]
    return [f"{snapshot.path}: INVALID"] + [f"  {problem}" for problem in snapshot.problems]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics.validate", description=__doc__)
    parser.add_argument("folders", nargs="*", metavar="SNAPSHOT_DIR", help="snapshot folders (default: all)")
    args = parser.parse_args(argv)
    if args.folders:
        snapshots = [read_snapshot_folder(folder) for folder in args.folders]
    else:
        found = snapshot_folders("validate")
        if found is None:
            return 1
        root, folders = found
        if not folders:
            print(f"no snapshots found under {root.snapshots_path}", file=sys.stderr)
            return 1
        snapshots = [read_snapshot(root, folder) for folder in folders]
    for snapshot in snapshots:
        print("\n".join(report(snapshot)))
    invalid = sum(not snapshot.valid for snapshot in snapshots)
    print(f"{len(snapshots) - invalid} valid, {invalid} invalid")
    return 1 if invalid else 0
