"""`python -m metrics.comparators --la CODE [--neighbours CODES_OR_FILE] [--mapping MAPPING.csv]
--output benchmarks.csv FILE.csv [FILE.csv ...]`: England, region, statistical neighbour and quartile
comparators from DfE's published files, as a benchmarks table ready for `python -m metrics.ingest`.

Download the files from DfE's statistics service (explore-education-statistics.service.gov.uk):
"Children in need", "Children looked after in England including adoptions" and "Children's social
work workforce", each release's "Download all data" archive. The mapping (default
metrics/dfe_mapping.csv) says which file, column and filter values hold each indicator.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from metrics.comparators.benchmarking import NEIGHBOURS
from metrics.comparators.dfe import MAPPING_FILE, benchmarks_csv, import_comparators, read_codes, read_mapping
from metrics.core.problems import InputError


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target and rename into place: a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m metrics.comparators", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--la", required=True, help="the council's code: new (E10000900) or old (900)")
    parser.add_argument(
        "--neighbours", default="", help="statistical neighbours: codes separated by commas, or a file listing them"
    )
    parser.add_argument("--mapping", type=Path, default=MAPPING_FILE, help="which DfE column is which indicator")
    parser.add_argument("--output", required=True, type=Path, help="the benchmarks .csv to write")
    parser.add_argument("files", nargs="+", type=Path, help="DfE data files (.csv); a later file revises an earlier")
    args = parser.parse_args(argv)
    try:
        neighbours = read_codes(args.neighbours) if args.neighbours else []
        mapping = read_mapping(args.mapping)
        imported = import_comparators(args.files, args.la.strip(), neighbours, mapping)
        if imported.benchmarks.empty:
            raise InputError(f"no indicator of {args.mapping.name} was found in the files given; nothing written")
        write_atomically(args.output, benchmarks_csv(imported.benchmarks))
    except InputError as error:
        print(f"comparators: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"comparators: could not write {args.output}: {error}", file=sys.stderr)
        return 1
    table, council = imported.benchmarks, imported.council
    years = sorted(table["year"].unique())
    print(
        f"wrote {args.output}: {len(table):,} rows for {table['indicator_id'].nunique()} indicators, "
        f"{len(years)} years ({years[0]} to {years[-1]})"
    )
    print(
        f"council: {council.name} ({council.code}), region {council.region}; "
        f"{len(council.neighbours)} statistical neighbours"
    )
    for comparator, rows in table.groupby("comparator", sort=False):
        extra = ""
        if comparator == NEIGHBOURS:
            extra = (
                f" (mean of {int(rows['councils'].min())} to {int(rows['councils'].max())} neighbours with a figure)"
            )
        print(f"  {comparator}: {len(rows)} figures{extra}")
    if imported.not_given:
        print(f"not in the files given: {', '.join(imported.not_given)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
