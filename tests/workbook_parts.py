"""Hostile workbooks built by the tests: a real workbook from openpyxl with some of its archive's parts
replaced or added, so each case differs from a good file in one way only (nothing large is committed)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from tests.helpers import write_workbook

SHEET = "xl/worksheets/sheet1.xml"  # openpyxl writes the first sheet here
SHEET_OPEN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = b"".join(
    b'<c t="inlineStr"><is><t>' + name + b"</t></is></c>"
    for name in (b"indicator_id", b"period", b"team", b"numerator", b"denominator", b"value")
)
ROW = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 6 + b"</row>"

Part = bytes | Callable[[zipfile.ZipFile, str], None]


def with_parts(good: Path, path: Path, parts: dict[str, Part], drop: Iterable[str] = ()) -> Path:
    """A copy of a good workbook with parts replaced or added (bytes, or a function that streams the part)."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts and info.filename not in drop:
                target.writestr(info, source.read(info))
        for name, part in parts.items():
            if callable(part):
                part(target, name)
            else:
                target.writestr(name, part)
    return path


def good_workbook(folder: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """The tables as Excel would save them, with values as the first sheet."""
    path = folder / "good.xlsx"
    write_workbook(path, {"values": tables["values"], **{k: v for k, v in tables.items() if k != "values"}})
    return path


def sheet_xml(dimension: str, rows: Iterable[bytes]) -> bytes:
    """A sheet's XML with the dimension it declares and its rows (the header row first)."""
    body = b"".join(rows)
    return SHEET_OPEN + f'<dimension ref="{dimension}"/>'.encode() + b"<sheetData>" + body + b"</sheetData></worksheet>"


def streamed_sheet(dimension: str, unpacked_bytes: int) -> Callable[[zipfile.ZipFile, str], None]:
    """A sheet of identical rows that unpacks to about unpacked_bytes, written a block at a time."""

    def write(archive: zipfile.ZipFile, name: str) -> None:
        block = ROW * 10_000
        with archive.open(name, "w", force_zip64=True) as part:
            part.write(SHEET_OPEN + f'<dimension ref="{dimension}"/>'.encode() + b"<sheetData>")
            part.write(b"<row>" + HEADER_ROW + b"</row>")
            for _ in range(-(-unpacked_bytes // len(block))):
                part.write(block)
            part.write(b"</sheetData></worksheet>")

    return write
