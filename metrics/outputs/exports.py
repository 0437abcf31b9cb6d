"""Tables as files people open in a spreadsheet: CSV and Excel that cannot run code.

A cell that starts with =, +, -, @, a tab or a carriage return is a formula to a spreadsheet
(OWASP "CSV injection"). Team names, indicator names and notes come from data, so in CSV such a
text cell gets a leading apostrophe, and in Excel every text cell is stored as text, never as a
formula. Numbers stay numbers, and a text cell that is only a number ("-2.5") is left alone.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils.dataframe import dataframe_to_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?%?$")
SHEET_NAME_LENGTH = 31


def safe_text(value: object) -> object:
    """A text cell a spreadsheet will not run: prefixed with ' when it would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell made safe for CSV (column names included)."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = _safe_column(safe[column])
    safe.columns = [safe_text(str(column)) for column in safe.columns]
    return safe


def _safe_column(column: pd.Series) -> pd.Series:
    """safe_text for every cell; for a column of text, once per distinct text (names repeat on every row)."""
    if pd.api.types.infer_dtype(column, skipna=True) != "string":
        return column.map(safe_text)
    return column.map({text: safe_text(text) for text in column.dropna().unique()})


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV that cannot run code in a spreadsheet."""
    return csv_safe(frame).to_csv(index=False).encode("utf-8")


def excel_bytes(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """The table as an .xlsx workbook: numbers as numbers, every text cell as text (never a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:SHEET_NAME_LENGTH] or "table"
    for row in dataframe_to_rows(frame, index=False, header=True):
        sheet.append([None if _missing(value) else value for value in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula: keep it text
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
