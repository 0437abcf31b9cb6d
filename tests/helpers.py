"""Small hand-made snapshots for tests, written as real Parquet files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from metrics.snapshot.reading import normalise
from metrics.snapshot.writing import to_arrow

NAN = float("nan")

TINY_INDICATORS = pd.DataFrame(
    [
        ("referrals", "Referrals received", "Front door", "count", "neutral", "sum", "Referrals in the month.", None),
        (
            "timeliness",
            "Assessments in time",
            "Assessment",
            "percent",
            "higher_is_better",
            "ratio",
            "Share of assessments in time.",
            "Annex A list 4",
        ),
        (
            "repeats",
            "Repeat plans",
            "Child Protection",
            "percent",
            "lower_is_better",
            "ratio",
            "Share of plans that are repeats.",
            None,
        ),
        (
            "cla_rate",
            "Children in care per 10,000",
            "Children in Care",
            "rate_per_10k",
            "neutral",
            "ratio",
            "Children in care per 10,000 children.",
            None,
        ),
        (
            "caseload",
            "Average caseload",
            "Practice and workforce",
            "number",
            "lower_is_better",
            "none",
            "Cases per worker.",
            None,
        ),
    ],
    columns=["indicator_id", "name", "area", "unit", "polarity", "aggregation", "definition", "source"],
)


def values_frame(rows: list[tuple]) -> pd.DataFrame:
    """(indicator_id, 'YYYY-MM', team or None, numerator, denominator, value) rows."""
    frame = pd.DataFrame(rows, columns=["indicator_id", "period", "team", "numerator", "denominator", "value"])
    frame["period"] = pd.to_datetime(frame["period"] + "-01")
    return frame


def write_snapshot(root: Path, as_at: str, tables: dict[str, pd.DataFrame]) -> Path:
    """Write contract tables (already in contract shape) as a snapshot folder."""
    folder = root / "snapshots" / as_at
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        pq.write_table(to_arrow(name, normalise(name, frame.copy())), folder / f"{name}.parquet")
    return folder


def write_csv_folder(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Tables as the CSV files a council's pipeline would give ingest (or an officer would upload)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)


def write_workbook(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Tables as a workbook with a sheet per table, as Excel writes it."""
    with pd.ExcelWriter(path) as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name, index=False)


def write_raw(folder: Path, name: str, frame: pd.DataFrame) -> None:
    """Write a table exactly as given (for tests of malformed input)."""
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / f"{name}.parquet")


def counted_releases(monkeypatch, module) -> list:
    """Count each time module asks Arrow's allocator to give back what it freed (it still does)."""
    released, pool = [], pa.default_memory_pool()

    class Pool:
        def release_unused(self):
            released.append(1)
            pool.release_unused()

    monkeypatch.setattr(module.pa, "default_memory_pool", Pool)
    return released


def missing(message: str) -> None:
    """Something a test needs is not there: in CI (CI=true) that fails the run, where it must always be
    there; on a developer's machine the test is skipped, saying what to install."""
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(message)
    pytest.skip(message)
