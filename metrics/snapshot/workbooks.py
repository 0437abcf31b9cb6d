"""Excel workbooks read safely: a size limit, and only the sheets that are wanted are parsed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd

from metrics.core.problems import InputError, Problem

MAX_WORKBOOK_MB = 50  # a monthly return is a few MB; a larger file is refused before it is opened


def open_workbook(path: Path):
    """The workbook, read-only and values only; InputError if it is too large or not a workbook."""
    size = path.stat().st_size
    if size > MAX_WORKBOOK_MB * 1024 * 1024:
        raise InputError(
            [
                Problem(
                    path.name,
                    "-",
                    f"is {size / 1024 / 1024:,.0f} MB; workbooks over "
                    f"{MAX_WORKBOOK_MB} MB are refused (save the tables as CSV)",
                )
            ]
        )
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged or non-Excel file
        raise InputError([Problem(path.name, "-", f"cannot be read as an Excel workbook ({error})")]) from error


def read_sheets(path: Path, wanted: Callable[[str], bool]) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The wanted sheets as tables (first row the header), and the names of the sheets left unread."""
    workbook = open_workbook(path)
    tables, skipped = {}, []
    try:
        for sheet in workbook.worksheets:
            if not wanted(sheet.title):
                skipped.append(sheet.title)
                continue
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, ())
            columns = [f"column {number}" if name is None else str(name) for number, name in enumerate(header, 1)]
            tables[sheet.title] = pd.DataFrame(list(rows), columns=columns, dtype=object) if columns else pd.DataFrame()
    finally:
        workbook.close()
    return tables, skipped
