"""A snapshot's tables read from what a council supplies (a workbook or a folder of CSV or Parquet
files) and checked against the data contract: `python -m metrics.ingest` and the Load data page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from metrics.core.problems import InputError, Problem, problem_at
from metrics.snapshot.contract import TABLES, Table
from metrics.snapshot.dates import PLAN_YEARS_AHEAD, YEARS_AHEAD, read_dates
from metrics.snapshot.reading import CATEGORY_COLUMNS, normalise, validate_tables
from metrics.snapshot.workbooks import read_sheets

# Excel's other formats, refused by name with what to do instead.
OTHER_EXCEL_FORMATS = {
    ".xlsm": "is a macro-enabled workbook (.xlsm); save it as an Excel Workbook (.xlsx) without macros",
    ".xltm": "is a macro-enabled template (.xltm); save it as an Excel Workbook (.xlsx) without macros",
    ".xlsb": "is a binary workbook (.xlsb); save it as an Excel Workbook (.xlsx)",
    ".xls": "is in Excel's old format (.xls); save it as an Excel Workbook (.xlsx)",
}
PARQUET_MAGIC = b"PAR1"
LOOKS_LIKE = {b"PK\x03\x04": "a zip archive (an Excel workbook?)", PARQUET_MAGIC: "a Parquet file", b"%PDF": "a PDF"}


def misnamed(path: Path) -> str | None:
    """Why a .csv or .parquet file is not what its name says (None when it is): a CSV is text, a Parquet
    file starts and ends with PAR1."""
    with path.open("rb") as file:
        head = file.read(4096)
        if path.suffix.lower() == ".parquet":
            file.seek(max(0, path.stat().st_size - 4))
            if head[:4] != PARQUET_MAGIC or file.read(4) != PARQUET_MAGIC:
                return "is not a Parquet file (it does not start and end as one)"
            return None
    kind = next((words for magic, words in LOOKS_LIKE.items() if head.startswith(magic)), None)
    if kind or b"\x00" in head:
        return f"is not a CSV file (text): it looks like {kind or 'a binary file'}"
    return None


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as text cells; UTF-8, with or without the byte order mark Excel's "CSV UTF-8" writes."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            [Problem(path.name, "-", f"is not UTF-8 text (byte {error.start + 1}); save it from Excel as “CSV UTF-8”")]
        ) from error


def source_tables(source: Path) -> tuple[dict[str, tuple[str, pd.DataFrame]], list[str]]:
    """Raw tables by contract name, each with the file (or sheet) it came from."""
    notes: list[str] = []
    found: dict[str, tuple[str, pd.DataFrame]] = {}
    if source.is_file() and source.suffix.lower() in OTHER_EXCEL_FORMATS:
        raise InputError([Problem(source.name, "-", OTHER_EXCEL_FORMATS[source.suffix.lower()])])
    if source.is_file() and source.suffix.lower() == ".xlsx":
        sheets, skipped = read_sheets(source, lambda sheet: sheet.strip().lower() in TABLES)
        for sheet, frame in sheets.items():
            found[sheet.strip().lower()] = (f"{source.name} sheet {sheet}", frame)
        notes += [
            f"{source.name}: sheet {sheet!r} is not a table of the contract and was not read" for sheet in skipped
        ]
        return found, notes
    if not source.is_dir():
        raise InputError([Problem(str(source), "-", "is neither an .xlsx workbook nor a folder")])
    for path in sorted(source.iterdir()):
        name, suffix = path.stem.lower(), path.suffix.lower()
        if suffix not in (".csv", ".parquet"):
            continue
        if name not in TABLES:
            notes.append(f"{path.name}: not a table of the contract, ignored")
            continue
        if name in found:
            raise InputError([Problem(path.name, "-", f"{name} is given twice ({found[name][0]} and {path.name})")])
        found[name] = (path.name, table_file(path))
    return found, notes


def table_file(path: Path) -> pd.DataFrame:
    """One .csv or .parquet file as a raw table; InputError naming it when it is not what its name says
    or cannot be read."""
    if path.suffix.lower() not in (".csv", ".parquet"):
        raise InputError([Problem(path.name, "-", "is not a .csv or .parquet file")])
    wrong = misnamed(path)
    if wrong:
        raise InputError([Problem(path.name, "-", wrong)])
    try:
        return _read_csv(path) if path.suffix.lower() == ".csv" else _read_parquet(path)
    except InputError:
        raise
    except Exception as error:  # pandas and pyarrow raise many types for damaged files
        raise InputError([Problem(path.name, "-", f"cannot be read ({str(error).splitlines()[0]})")]) from error


def _read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file with repeated names as categories, Arrow's buffers freed as pandas takes them."""
    names = pq.read_schema(path).names
    table = pq.read_table(path, read_dictionary=[name for name in CATEGORY_COLUMNS if name in names])
    frame = table.to_pandas(date_as_object=False, self_destruct=True, split_blocks=True)
    del table
    pa.default_memory_pool().release_unused()  # Arrow's allocator keeps what it freed otherwise
    return frame


def _distinct(series: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """(code per row, -1 where missing; the distinct values), so that a rule is applied once per distinct
    value rather than once per row; None where that could change the answer: cells of mixed types
    (1 and 1.0 and True are one value to a hash), or unhashable cells (lists)."""
    if series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) not in ("string", "empty"):
        return None
    try:
        codes, values = pd.factorize(series, use_na_sentinel=True)
    except TypeError:
        return None
    return codes, np.asarray(values, dtype=object)


def _per_row(rule, series: pd.Series) -> np.ndarray:
    """rule(cell) for every cell, worked out once per distinct value where that is safe."""
    distinct = _distinct(series)
    if distinct is None:
        return np.array([rule(value) for value in series.to_numpy(dtype=object)], dtype=object)
    codes, values = distinct
    answers = np.array([rule(value) for value in values] + [rule(None)], dtype=object)
    return answers[codes]  # code -1 (missing) takes the last answer, rule(None)


def _is_list(value) -> bool:
    return isinstance(value, (list, tuple, dict, set, np.ndarray))


def _stripped(value) -> str | None:
    """The cell as text without surrounding spaces; None when missing or blank."""
    if not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value):
        return None  # None, NaN, NaT, pd.NA: missing, never the text "nan" or "NaT"
    return str(value).strip() or None


def _convert_column(
    file: str, column: str, kind: str, series: pd.Series, as_at: date | None, years_ahead: int = YEARS_AHEAD
) -> tuple[pd.Series, list[Problem]]:
    """One column in its contract type; values that cannot be converted are reported."""
    if kind == "date":
        converted, refused = read_dates(series, as_at, years_ahead)
        return converted, [problem_at(file, column, why, rows + 1) for why, rows in refused.items()]
    listed = _per_row(_is_list, series).astype(bool) if series.dtype == object else np.zeros(len(series), bool)
    if listed.any():
        return series, [problem_at(file, column, "holds a list, not a single value", np.flatnonzero(listed) + 1)]
    if kind != "string" and pd.api.types.is_numeric_dtype(series.dtype):
        present = series.notna()  # numbers already: nothing to strip
    else:
        text = pd.Series(_per_row(_stripped, series), index=series.index, name=series.name, dtype=object)
        if kind == "string":
            if column in CATEGORY_COLUMNS:  # names repeated on every row: categories, as when read from Parquet
                return text.astype("category"), []
            return text, []
        present = text.notna()
    converted = pd.to_numeric(series.where(present.to_numpy(), None), errors="coerce")
    bad = present & converted.isna()
    message = "is not a number"
    if kind == "int":
        fractional = converted.notna() & (converted != np.floor(converted))
        if fractional.any():
            bad |= fractional
            message = "is not a whole number"
    problems = [problem_at(file, column, message, np.flatnonzero(bad.to_numpy()) + 1)] if bad.any() else []
    return converted, problems


def convert(name: str, file: str, frame: pd.DataFrame, as_at: date | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """A raw table in the contract's columns and types, ready for the contract checks."""
    table: Table = TABLES[name]
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    missing = [column.name for column in table.columns if column.name not in frame.columns and not column.optional]
    if missing:
        return frame, [Problem(file, column, "column is missing") for column in missing]
    problems: list[Problem] = []
    converted = pd.DataFrame(index=frame.index)
    for column in table.columns:
        raw = frame[column.name] if column.name in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        ahead = PLAN_YEARS_AHEAD if (name, column.name) == ("plan", "milestone") else YEARS_AHEAD
        converted[column.name], column_problems = _convert_column(file, column.name, column.kind, raw, as_at, ahead)
        problems += column_problems
    return converted.reset_index(drop=True), problems


def read_source(source: Path, as_at: date | None = None) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Every table of the source, converted and checked against the contract (months against as_at)."""
    raw, notes = source_tables(source)
    return checked_tables(raw, as_at), notes


def checked_tables(raw: dict[str, tuple[str, pd.DataFrame]], as_at: date | None = None) -> dict[str, pd.DataFrame]:
    """Raw tables (by contract name, each with the file it came from) in the contract's types, checked.

    Raises InputError naming every problem. Each raw frame is let go of (taken out of raw) once it is
    converted, so that a large table is not held twice.
    """
    problems = [
        Problem(
            TABLES[name].file_name,
            "-",
            f"the table is missing (it is required: a sheet named {name}, or {name}.csv or {name}.parquet)",
        )
        for name, table in TABLES.items()
        if table.required and name not in raw
    ]
    tables: dict[str, pd.DataFrame] = {}
    for name in list(raw):
        file, frame = raw.pop(name)
        converted, table_problems = convert(name, file, frame, as_at)
        del frame
        problems += table_problems
        if not table_problems:
            tables[name] = normalise(name, converted)
    if problems:
        raise InputError(problems)
    problems = validate_tables(tables)
    if problems:
        raise InputError(problems)
    return tables
