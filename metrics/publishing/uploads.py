"""Files an officer uploads in the browser: each checked by name, size and kind, then placed in a
folder of their own on this server, from which they are read exactly as ingest reads its source."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from metrics.core.problems import InputError, Problem
from metrics.publishing.loading import ANNEX_A_KIND, TABLES_KIND, Source
from metrics.publishing.records import FileRecord, file_record
from metrics.snapshot.contract import TABLES
from metrics.snapshot.sources import OTHER_EXCEL_FORMATS
from metrics.snapshot.workbooks import MAX_WORKBOOK_MB

MAX_UPLOAD_MB = MAX_WORKBOOK_MB  # each file; Streamlit's server.maxUploadSize is set to the same
TABLE_SUFFIXES = (".csv", ".parquet")
WORKBOOK_SUFFIX = ".xlsx"
MAX_NAME_LENGTH = 120
FILE_MODE = 0o600  # the figures before publishing: this account only


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the browser gave it, and its bytes."""

    name: str
    content: bytes


def _name_problem(name: str) -> str | None:
    """Why a file's name cannot be used as it is (None when it can)."""
    if "/" in name or "\\" in name or name in (".", ".."):
        return "has a folder in its name; upload the file itself"
    if any(unicodedata.category(character).startswith("C") for character in name):
        return "has a control character in its name"
    if name.startswith(".") or len(name) > MAX_NAME_LENGTH:
        return f"cannot be used as a file name (it starts with a dot, or is over {MAX_NAME_LENGTH} characters)"
    return None


def _kind_problem(upload: Upload, suffixes: tuple[str, ...]) -> str | None:
    suffix = Path(upload.name).suffix.lower()
    if suffix in OTHER_EXCEL_FORMATS:
        return OTHER_EXCEL_FORMATS[suffix]
    if suffix not in suffixes:
        return f"is not one of the kinds accepted here ({', '.join(suffixes)})"
    if len(upload.content) > MAX_UPLOAD_MB * 1024 * 1024:
        return f"is {len(upload.content) / 1024 / 1024:,.0f} MB; files over {MAX_UPLOAD_MB} MB are refused"
    if not upload.content:
        return "is empty"
    return None


def _checked(uploads: list[Upload], suffixes: tuple[str, ...]) -> list[Problem]:
    problems, seen = [], {}
    for upload in uploads:
        why = _name_problem(upload.name) or _kind_problem(upload, suffixes)
        if why is None and upload.name.casefold() in seen:
            why = f"is given twice (also as {seen[upload.name.casefold()]})"
        if why:
            problems.append(Problem(upload.name, "-", why))
        seen.setdefault(upload.name.casefold(), upload.name)
    return problems


def _write(folder: Path, upload: Upload) -> Path:
    path = folder / upload.name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)  # never through a link
    with os.fdopen(descriptor, "wb") as file:
        file.write(upload.content)
    return path


@dataclass(frozen=True)
class Placed:
    """Uploads placed on disk as a source ingest can read, with each file's SHA-256 and size."""

    source: Source
    files: list[FileRecord]


def place(
    uploads: list[Upload],
    folder: Path,
    kind: str,
    child_population: int | None = None,
    targets: Upload | None = None,
) -> Placed:
    """Check the uploads' names, kinds and sizes (every problem at once) and write them into folder (new,
    empty, this account's), as a source: a workbook, files named like the tables, or an Annex A workbook
    with an optional targets file. InputError names each file that cannot be used; nothing is written then."""
    if not uploads:
        raise InputError("choose the file or files to load")
    if kind == ANNEX_A_KIND:
        problems = _checked(uploads, (WORKBOOK_SUFFIX,))
        if len(uploads) > 1:
            problems.append(Problem(uploads[1].name, "-", "one Annex A workbook at a time, please"))
        if targets is not None:
            problems += _checked([targets], (*TABLE_SUFFIXES, WORKBOOK_SUFFIX))
            if targets.name.casefold() == uploads[0].name.casefold():
                problems.append(Problem(targets.name, "-", "has the same name as the Annex A workbook"))
    else:
        problems = _checked(uploads, (WORKBOOK_SUFFIX, *TABLE_SUFFIXES))
        workbooks = [upload for upload in uploads if upload.name.lower().endswith(WORKBOOK_SUFFIX)]
        if workbooks and len(uploads) > 1:
            problems.append(
                Problem(workbooks[0].name, "-", "upload one workbook, or CSV and Parquet files, not both at once")
            )
        named = {problem.file for problem in problems}
        for upload in uploads:
            name = Path(upload.name).stem.lower()
            if upload.name not in named and upload not in workbooks and name not in TABLES:
                problems.append(
                    Problem(upload.name, "-", f"is not named like a table ({', '.join(f'{t}.csv' for t in TABLES)})")
                )
    if problems:
        raise InputError(problems)
    folder.mkdir(mode=0o700, parents=True, exist_ok=False)
    written = [_write(folder, upload) for upload in uploads]
    files = [file_record(path.name, path) for path in written]
    if kind == ANNEX_A_KIND:
        extra = None if targets is None else _write(folder, targets)
        if extra is not None:
            files.append(file_record(extra.name, extra))
        return Placed(Source(ANNEX_A_KIND, written[0], child_population, extra), files)
    return Placed(
        Source(
            TABLES_KIND, written[0] if len(written) == 1 and written[0].suffix.lower() == WORKBOOK_SUFFIX else folder
        ),
        files,
    )
