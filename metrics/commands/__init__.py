"""The command-line entry points, apart from the library they drive.

The data contract's commands keep their names: `python -m metrics.validate`, `python -m
metrics.ingest` and `python -m metrics.scorecard` run validate.py, ingest.py and scorecard.py here.
The others run from here: `python -m metrics.commands.prepare`, `python -m metrics.commands.demo`.
"""

from __future__ import annotations

import sys

from metrics.core.problems import InputError
from metrics.snapshot.reading import DataRoot, SnapshotFolder, data_root, find_snapshot_folders


def snapshot_folders(command: str) -> tuple[DataRoot, list[SnapshotFolder]] | None:
    """The data root and its snapshot folders, any warnings printed; None, after saying why in one
    line, when the data root cannot be read."""
    root = data_root()
    try:
        folders, warnings = find_snapshot_folders(root)
    except InputError as error:
        print(f"{command}: {error.problems[0].message}", file=sys.stderr)
        return None
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return root, folders
