"""Reading Annex A lists as councils write them: sheet and header variants, coded values, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from metrics.core.problems import InputError, Problem
from metrics.snapshot.workbooks import bounded_rows, open_workbook

SHEET_NAME = re.compile(r"^\s*list\s*(\d{1,2})\b", re.IGNORECASE)
CODE_PREFIX = re.compile(r"^\s*[a-z]{1,2}\)\s*", re.IGNORECASE)  # "a) ", "q) "
CODE_NUMBER = re.compile(r"^\s*([0-9][0-9a-z]*)\s*:\s*", re.IGNORECASE)  # "6: ", "1B: "
MISSING_TEXT = {"", "#n/a", "n/a", "na", "null", "none", "-"}
TEXT_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")
EXCEL_EPOCH = datetime(1899, 12, 30)

# Our field name: header variants (compared ignoring case, spaces and punctuation).
COLUMNS: dict[str, tuple[str, ...]] = {
    "child_id": ("Child Unique ID", "Child ID", "Unique Child ID", "CHILD ID", "Child Unique Identifier", "UPN"),
    "team": ("Allocated Team", "Team", "Allocated Team Name", "Team Name"),
    "contact_date": ("Date of Contact", "Contact Date"),
    "eh_start": ("Assessment start date", "Early Help Assessment Start Date", "EHA Start Date"),
    "eh_end": (
        "Assessment completion date",
        "Early Help Assessment Completion Date",
        "EHA Completion Date",
        "Assessment end date",
    ),
    "referral_date": ("Date of Referral", "Referral Date"),
    "referral_nfa": ("Referral NFA?", "Referral NFA", "Referral resulting in NFA", "NFA"),
    "assessment_start": ("Continuous Assessment Start Date", "Assessment Start Date", "Single Assessment Start Date"),
    "assessment_end": (
        "Continuous Assessment Date of Authorisation",
        "Assessment Date of Authorisation",
        "Date of Authorisation",
        "Assessment Authorisation Date",
        "Assessment Completion Date",
    ),
    "strategy_date": (
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Section 47 Enquiry Start Date",
        "Strategy Discussion Date",
        "S47 Start Date",
        "Date of Strategy Discussion",
    ),
    "icpc_date": (
        "Date of Initial Child Protection Conference",
        "ICPC Date",
        "Initial Child Protection Conference Date",
    ),
    "cin_start": ("CIN Start Date", "Child in Need Start Date"),
    "cin_end": ("CIN Closure Date", "Child in Need Closure Date", "CIN End Date"),
    "case_status": ("Case Status",),
    "cp_start": ("Child Protection Plan Start Date", "CP Plan Start Date", "CPP Start Date"),
    "cp_end": ("Child Protection Plan End Date", "CP Plan End Date", "CPP End Date"),
    "cp_previous": (
        "Number of Previous Child Protection Plans",
        "Previous Child Protection Plans",
        "Number of previous CP plans",
    ),
    "cla_start": (
        "Date Started to be Looked After",
        "Date Started Looked After",
        "Date Became Looked After",
        "Date Started to be Looked After (CLA)",
    ),
    "cla_end": ("Date Ceased to be Looked After", "Date Ceased Looked After"),
    "placements_12_months": (
        "Number of Placements in the Last 12 months",
        "Number of Placements in Last 12 Months",
        "Placements in the last 12 months",
    ),
    "placement_type": ("Placement Type",),
    "in_touch": ("LA in Touch", "Local Authority in Touch", "In Touch"),
    "accommodation_suitable": ("Suitability of Accommodation", "Accommodation Suitability", "Suitable Accommodation"),
    "activity": ("Activity Status", "Main Activity", "Activity"),
}


def header_key(text: object) -> str:
    """A header compared ignoring case, spaces and punctuation."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


ALIASES = {header_key(variant): name for name, variants in COLUMNS.items() for variant in variants}


def meaning(value: object) -> str | None:
    """A coded answer read by its meaning: 'q) 6: Police' -> 'Police', 'a) Yes' -> 'Yes'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).replace("\xa0", " ").strip()
    if text.lower() in MISSING_TEXT:
        return None
    text = CODE_PREFIX.sub("", text)
    return CODE_NUMBER.sub("", text).strip() or None


def code(value: object) -> str | None:
    """The code of a coded answer: 'f) U6: Foster placement' -> 'U6'."""
    if value is None:
        return None
    text = CODE_PREFIX.sub("", str(value).replace("\xa0", " ").strip())
    match = re.match(r"^([A-Z][0-9A-Z]*)\s*:", text, re.IGNORECASE)
    return match.group(1).upper() if match else None


def yes_no(value: object) -> bool | None:
    """Yes/No answers in any of the usual spellings; None when blank or unreadable."""
    text = (meaning(value) or "").lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    return None


def to_date(value: object) -> date | None:
    """An Excel date, or a date written as text; raises ValueError for anything else."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return (EXCEL_EPOCH + pd.Timedelta(days=float(value))).date()
    text = str(value).strip()
    if text.lower() in MISSING_TEXT:
        return None
    for pattern in TEXT_DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass
class AnnexList:
    """One list: its rows with our field names, and what could not be read."""

    number: int
    sheet: str
    rows: pd.DataFrame  # our fields, plus "row" (the Excel row number)
    missing: list[str] = field(default_factory=list)  # our fields whose column is not there
    rejected: list[Problem] = field(default_factory=list)

    def has(self, *fields: str) -> bool:
        return all(name in self.rows.columns for name in fields)


DATE_FIELDS = {name for name in COLUMNS if name.endswith(("_date", "_start", "_end"))}


def _read_sheet(number: int, sheet_name: str, values: list[tuple]) -> AnnexList:
    header_row = next((i for i, row in enumerate(values) if any(cell not in (None, "") for cell in row)), None)
    if header_row is None:
        return AnnexList(number, sheet_name, pd.DataFrame(columns=["row"]))
    headers = values[header_row]
    positions = {}
    for index, header in enumerate(headers):
        name = ALIASES.get(header_key(header))
        if name and name not in positions:
            positions[name] = index
    records, rejected = [], []
    for offset, row in enumerate(values[header_row + 1 :]):
        if not any(cell not in (None, "") for cell in row):
            continue
        excel_row = header_row + offset + 2
        record = {"row": excel_row}
        for name, index in positions.items():
            cell = row[index] if index < len(row) else None
            if name in DATE_FIELDS:
                try:
                    record[name] = to_date(cell)
                except (ValueError, OverflowError):
                    record[name] = None
                    rejected.append(
                        Problem(
                            f"List {number}",
                            COLUMNS[name][0],
                            f"row {excel_row}: {str(cell)[:40]!r} is not a date, so the row is left "
                            f"out of List {number}'s measures",
                            (excel_row,),
                            1,
                        )
                    )
            else:
                record[name] = cell
        records.append(record)
    rows = pd.DataFrame.from_records(records, columns=["row", *positions])
    if "child_id" in rows:
        rows["child_id"] = rows["child_id"].map(lambda v: None if meaning(v) is None else str(v).strip())
    if "team" in rows:
        rows["team"] = rows["team"].map(meaning)
    for name in DATE_FIELDS & set(positions):
        rows[name] = pd.to_datetime(rows[name])
    present = set(positions)
    return AnnexList(number, sheet_name, rows, [name for name in COLUMNS if name not in present], rejected)


def read_workbook(path: Path) -> dict[int, AnnexList]:
    """Every "List N" sheet of the workbook, read by meaning."""
    workbook = open_workbook(path)
    lists: dict[int, AnnexList] = {}
    try:
        for sheet in workbook.worksheets:
            match = SHEET_NAME.match(sheet.title)
            if match and 1 <= int(match.group(1)) <= 11 and int(match.group(1)) not in lists:
                read = _read_sheet(int(match.group(1)), sheet.title, list(bounded_rows(path, sheet)))
                if read.number == 2:  # List 2's "assessment" dates are Early Help assessments
                    read.rows = read.rows.rename(columns={"assessment_start": "eh_start", "assessment_end": "eh_end"})
                    read.missing = [name for name in COLUMNS if name not in read.rows.columns]
                lists[read.number] = read
    finally:
        workbook.close()
    if not lists:
        raise InputError([Problem(path.name, "-", "has no sheets named like “List 1” to “List 11”")])
    return lists
