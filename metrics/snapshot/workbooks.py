"""Excel workbooks read safely: the archive is checked before any cell is read, and rows are counted
as they stream, so a hostile file is refused in moments and in little memory.

An .xlsx file is a zip archive of XML parts. What it unpacks to, not its size, decides what reading
it costs: a 1.5 MB file can unpack to 400 MB. So before openpyxl opens it, the archive's own
directory is read (every member's declared size, name and the ratio of unpacked to packed), the
content types are checked for macros, and each sheet's declared dimension is read from the first
bytes of its XML. Cells are read as the values Excel saved with the file (formulas are never
worked out), and rows are counted as they arrive, so a sheet that lies about its dimension is still
stopped. Every refusal is one message naming the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

import defusedxml.ElementTree as safe_xml
import openpyxl
import pandas as pd
from defusedxml import DefusedXmlException

from metrics.core.problems import InputError, Problem

MAX_WORKBOOK_MB = 50  # a monthly return is a few MB; a larger file is refused before it is opened
MAX_UNPACKED_MB = 200  # every part of the archive together, as its directory declares them
MAX_RATIO = 100  # unpacked over packed, for a part of over RATIO_FROM_MB: Excel's own sheets pack 5 to 20 times
RATIO_FROM_MB = 1  # small parts (styles, an empty sheet) pack tighter and cost nothing to read
MAX_MEMBERS = 1_000  # parts in the archive: a workbook of 30 sheets has about 50
MAX_ROWS = 1_000_000  # a sheet's rows, by its dimension and again as they are read
MAX_COLUMNS = 200  # a sheet's columns by its dimension: openpyxl pads every row out to them
DIMENSION_BYTES = 64 * 1024  # where a sheet's <dimension> element stands: near the start of its XML
DOCTYPE_BYTES = 4096  # where an XML part would declare a document type, before its first element
SMALL_PART_MB = 5  # the workbook's list of sheets and its relationships, parsed here, are small

ZIP_MAGIC = b"PK\x03\x04"
MEGABYTE = 1024 * 1024
SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
MACRO_TYPES = ("macroenabled", "vbaproject", "ms-office.activex")
WORKBOOK_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def refused(path: Path, why: str) -> InputError:
    """One problem naming the workbook."""
    return InputError([Problem(path.name, "-", why)])


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _unsafe_name(name: str) -> bool:
    """A part named to land outside the archive's folder when unpacked (../, /etc, C:\\)."""
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or bool(re.match(r"^[A-Za-z]:", name))


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet part's name in the archive, mapped to the sheet's title as Excel shows it."""
    try:
        workbook = safe_xml.fromstring(archive.read("xl/workbook.xml"))
        rels = safe_xml.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, safe_xml.ParseError, DefusedXmlException):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{PACKAGE_RELS_NS}Relationship")}
    titles = {}
    for sheet in workbook.iter(f"{WORKBOOK_NS}sheet"):
        target = targets.get(sheet.get(f"{RELATIONSHIP_NS}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        titles[part] = sheet.get("name", part)
    return titles


def _dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int] | None:
    """(rows, columns) a sheet declares in its <dimension ref="A1:F4000000"/>, read from its first bytes."""
    with archive.open(info) as part:
        head = part.read(DIMENSION_BYTES)
    found = DIMENSION.search(head)
    if found is None:
        return None
    first_column, first_row, last_column, last_row = found.groups()
    column = last_column or first_column
    row = last_row or first_row
    return (int(row) if row else 0), (_column_number(column.decode()) if column else 0)


def inspect_workbook(path: Path) -> None:
    """Refuse a workbook that is too large, not an .xlsx archive, macro-enabled, or that unpacks (or says
    it holds) more than is ever read, before any cell is read. InputError names the file and why."""
    size = path.stat().st_size
    if size > MAX_WORKBOOK_MB * MEGABYTE:
        raise refused(
            path,
            f"is {size / MEGABYTE:,.0f} MB; workbooks over {MAX_WORKBOOK_MB} MB are refused (save the tables as CSV)",
        )
    with path.open("rb") as file:
        if file.read(4) != ZIP_MAGIC:
            raise refused(path, "is not an Excel workbook (.xlsx): an .xlsx file is a zip archive, and this is not one")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise refused(path, f"is not an Excel workbook (.xlsx): its archive cannot be read ({error})") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise refused(path, f"holds {len(members):,} parts; a workbook of more than {MAX_MEMBERS:,} is refused")
        names = {info.filename for info in members}
        for info in members:
            if _unsafe_name(info.filename):
                raise refused(path, f"holds a part named {info.filename!r}, which points outside the workbook")
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise refused(path, "is not an Excel workbook (.xlsx): it is a zip archive without a workbook in it")
        unpacked = sum(info.file_size for info in members)
        if unpacked > MAX_UNPACKED_MB * MEGABYTE:
            raise refused(
                path,
                f"unpacks to {unpacked / MEGABYTE:,.0f} MB; a workbook that unpacks to more than "
                f"{MAX_UNPACKED_MB} MB is refused (save the tables as CSV)",
            )
        for info in members:
            packed = max(info.compress_size, 1)
            if info.file_size > RATIO_FROM_MB * MEGABYTE and info.file_size / packed > MAX_RATIO:
                raise refused(
                    path,
                    f"holds a part ({info.filename}) that unpacks {info.file_size / packed:,.0f} times its "
                    f"packed size; more than {MAX_RATIO} times is refused as a zip bomb",
                )
        for info in members:
            if info.filename.lower().endswith("vbaproject.bin"):
                raise refused(path, "holds macros (a VBA project); save it as an Excel Workbook (.xlsx) without them")
        types = archive.read("[Content_Types].xml").lower()
        if any(word.encode() in types for word in MACRO_TYPES):
            raise refused(path, "is a macro-enabled workbook; save it as an Excel Workbook (.xlsx) without macros")
        small = [info for info in members if info.filename in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")]
        if any(info.file_size > SMALL_PART_MB * MEGABYTE for info in small):
            raise refused(path, "has a list of sheets too large to be a real workbook's")
        for info in members:
            if info.filename.lower().endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(DOCTYPE_BYTES)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise refused(
                        path,
                        f"cannot be read: its part {info.filename} declares XML entities, which Excel never writes",
                    )
        titles = _sheet_titles(archive)
        for info in members:
            if not SHEET_PART.match(info.filename):
                continue
            dimension = _dimension(archive, info)
            if dimension is None:
                continue
            rows, columns = dimension
            title = titles.get(info.filename, info.filename)
            if rows > MAX_ROWS:
                raise refused(path, f"sheet {title!r} says it holds {rows:,} rows; at most {MAX_ROWS:,} are read")
            if columns > MAX_COLUMNS:
                raise refused(
                    path, f"sheet {title!r} says it is {columns:,} columns wide; at most {MAX_COLUMNS} are read"
                )


def open_workbook(path: Path):
    """The workbook, read-only and as saved (formulas as the values Excel stored, never worked out);
    InputError if it is refused by inspect_workbook or cannot be read."""
    inspect_workbook(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except DefusedXmlException as error:
        raise refused(path, "cannot be read: it declares XML entities, which Excel never writes") from error
    except Exception as error:  # openpyxl raises many types for a damaged or non-Excel file
        raise refused(path, f"cannot be read as an Excel workbook ({_first_line(error)})") from error


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def bounded_rows(path: Path, sheet) -> Iterator[tuple]:
    """A sheet's rows as values (as long as each row's cells go), refused once more than MAX_ROWS have
    come. Every row is read whatever the dimension says: openpyxl would stop at a dimension that says
    too few, and drop the rest without a word."""
    sheet.reset_dimensions()
    try:
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            if number > MAX_ROWS:
                raise refused(
                    path, f"sheet {sheet.title!r} holds more than {MAX_ROWS:,} rows; at most that many are read"
                )
            yield row
    except DefusedXmlException as error:
        raise refused(path, "cannot be read: it declares XML entities, which Excel never writes") from error
    except (zipfile.BadZipFile, EOFError, OSError) as error:  # a part that does not unpack as its directory says
        raise refused(path, f"cannot be read: sheet {sheet.title!r} is damaged ({error})") from error


def read_sheets(path: Path, wanted: Callable[[str], bool]) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The wanted sheets as tables (first row the header), and the names of the sheets left unread."""
    workbook = open_workbook(path)
    tables, skipped = {}, []
    try:
        for sheet in workbook.worksheets:
            if not wanted(sheet.title):
                skipped.append(sheet.title)
                continue
            rows = bounded_rows(path, sheet)
            header = next(rows, ())
            body = list(rows)
            width = max([len(header), *(len(row) for row in body)])
            header = (*header, *[None] * (width - len(header)))
            columns = [f"column {number}" if name is None else str(name) for number, name in enumerate(header, 1)]
            body = [row + (None,) * (width - len(row)) if len(row) < width else row for row in body]
            tables[sheet.title] = pd.DataFrame(body, columns=columns, dtype=object) if columns else pd.DataFrame()
    finally:
        workbook.close()
    return tables, skipped
