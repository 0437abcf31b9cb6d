"""`python -m metrics.commands.demo [--data-dir DIR]`: write the demo council's five snapshots."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from metrics.demo.build import write_demo
from metrics.snapshot.reading import REPOSITORY_DATA_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics.commands.demo", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=REPOSITORY_DATA_DIR, help="where to write (default: data/)")
    args = parser.parse_args(argv)
    for folder in write_demo(args.data_dir):
        print(f"wrote {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
