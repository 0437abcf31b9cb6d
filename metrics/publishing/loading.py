"""What is loaded, read and checked one way for the ingest command and the Load data page alike: a
workbook or a folder of CSV and Parquet files named like the tables, or an Annex A workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from metrics.annex_a.build import annex_a_source
from metrics.snapshot.sources import read_source

TABLES_KIND = "tables"  # a workbook with a sheet per table, or files named like the tables
ANNEX_A_KIND = "annex_a"  # Ofsted's Annex A lists
KINDS = (TABLES_KIND, ANNEX_A_KIND)


@dataclass(frozen=True)
class Source:
    """Where the month's figures are, and how to read them."""

    kind: str
    path: Path  # the workbook, or the folder of files
    child_population: int | None = None  # Annex A: children aged 0 to 17, for rates per 10,000
    targets: Path | None = None  # Annex A: a targets table (.csv or a workbook with a targets sheet)


@dataclass
class Loaded:
    """A source's tables, checked against the contract, with what was noted on the way and any files
    kept beside them in the snapshot folder (the Annex A import report)."""

    tables: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)
    extra_files: dict[str, bytes] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(len(frame) for frame in self.tables.values())


def load(source: Source, as_at: date) -> Loaded:
    """Every table of the source, converted and checked against the contract (months against as_at);
    InputError naming the file, column and rows of every problem, and nothing written."""
    if source.kind == ANNEX_A_KIND:
        return Loaded(*annex_a_source(source.path, as_at, source.child_population, source.targets))
    tables, notes = read_source(source.path, as_at)
    return Loaded(tables, notes)
