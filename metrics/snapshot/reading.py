"""Find, read and validate snapshots under the data root (a folder or object storage)."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from metrics.core.arrays import month_starts
from metrics.core.problems import InputError, Problem
from metrics.core.settings import COUNCIL_NAME, DATA_DIR
from metrics.snapshot import checking
from metrics.snapshot.contract import SUCCESS_MARKER, TABLES, WITHDRAWN_MARKER

REPOSITORY_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SNAPSHOTS_FOLDER = "snapshots"
WITHDRAWN_FOLDER = "withdrawn"  # snapshots taken out of use, kept beside snapshots/
LOOKS_LIKE_A_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
SNAPSHOT_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # only YYYY-MM-DD (Python also reads 2022-W06-4 as a date)
CATEGORY_COLUMNS = ("indicator_id", "team", "comparator")


@dataclass(frozen=True)
class DataRoot:
    """Where snapshots live: a filesystem and a base path on it."""

    filesystem: pafs.FileSystem
    base: str
    uri: str
    object_store: bool

    @property
    def snapshots_path(self) -> str:
        return f"{self.base.rstrip('/')}/{SNAPSHOTS_FOLDER}"

    def snapshot_path(self, as_at: date) -> str:
        return f"{self.snapshots_path}/{as_at.isoformat()}"


def data_root(location: str | os.PathLike | None = None) -> DataRoot:
    """The data root: the argument, else PERFORMANCE_DATA_DIR, else the repository's data/."""
    text = str(location or DATA_DIR.value() or REPOSITORY_DATA_DIR)
    if "://" in text and not text.startswith("file://"):
        # made afresh: its endpoint and keys come from the environment
        filesystem, base = pafs.FileSystem.from_uri(text)
        return DataRoot(filesystem, base, text, object_store=True)
    return _folder_root(text)


@functools.lru_cache(maxsize=64)
def _folder_root(text: str) -> DataRoot:
    """A folder's data root, resolved once per process (pages ask for it many times a run)."""
    local = Path(text.removeprefix("file://")).expanduser().resolve()
    return DataRoot(pafs.LocalFileSystem(), local.as_posix(), local.as_posix(), object_store=False)


@dataclass(frozen=True)
class SnapshotFolder:
    """A snapshot folder found under the data root."""

    as_at: date
    path: str


def find_snapshot_folders(root: DataRoot) -> tuple[list[SnapshotFolder], list[str]]:
    """Snapshot folders, newest first, and warnings about folders that look like mistakes.

    InputError when the data root is missing, not a folder, or cannot be read.
    """
    selector = pafs.FileSelector(root.snapshots_path, allow_not_found=True)
    folders, warnings = [], []
    try:
        if not root.object_store and root.filesystem.get_file_info(root.base).type != pafs.FileType.Directory:
            found = root.filesystem.get_file_info(root.base).type
            raise InputError(
                f"the data root {root.uri} "
                + ("does not exist" if found == pafs.FileType.NotFound else "is not a folder")
            )
        infos = root.filesystem.get_file_info(selector)
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"cannot read the data root {root.uri}: {_first_line(error)}") from error
    for info in infos:
        if info.type != pafs.FileType.Directory:
            continue
        name = info.base_name
        if not SNAPSHOT_NAME.match(name):
            if LOOKS_LIKE_A_DATE.match(name) or re.match(r"^\d{4}-?W?\d", name):
                warnings.append(f"snapshots/{name}: ignored; a snapshot folder is named YYYY-MM-DD")
            continue
        try:
            as_at = date.fromisoformat(name)
        except ValueError:
            warnings.append(f"snapshots/{name}: ignored, because {name} is not a real date (YYYY-MM-DD)")
            continue
        success, withdrawn = root.filesystem.get_file_info(
            [f"{info.path}/{SUCCESS_MARKER}", f"{info.path}/{WITHDRAWN_MARKER}"]
        )
        if withdrawn.type == pafs.FileType.File:
            continue  # being withdrawn: moved under withdrawn/ in a moment
        if root.object_store and success.type != pafs.FileType.File:
            if root.filesystem.get_file_info(pafs.FileSelector(info.path, allow_not_found=True)):
                warnings.append(f"snapshots/{name}: ignored until its {SUCCESS_MARKER} marker is written")
            continue  # an empty folder (what a writer that stopped leaves in object storage): nothing to say
        folders.append(SnapshotFolder(as_at, info.path))
    folders.sort(key=lambda folder: folder.as_at, reverse=True)
    return folders, warnings


def to_month(values: pd.Series) -> pd.Series:
    """Any day (date or timestamp, with or without zone) as the first day of its month."""
    stamps = pd.to_datetime(values)
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    months = month_starts(stamps)
    return pd.Series(months, index=values.index, name=values.name)


@dataclass
class Snapshot:
    """One snapshot's tables, normalised, plus any problems found while reading it."""

    as_at: date
    path: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def table(self, name: str) -> pd.DataFrame | None:
        """The table, or None when the snapshot does not have it (optional tables)."""
        return self.tables.get(name)

    @property
    def indicators(self) -> pd.DataFrame:
        return self.tables["indicators"]

    @property
    def values(self) -> pd.DataFrame:
        return self.tables["values"]


def _read_table(root: DataRoot, folder: str, name: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    table = TABLES[name]
    path = f"{folder}/{table.file_name}"
    if root.filesystem.get_file_info(path).type != pafs.FileType.File:
        if table.required:
            return None, [Problem(table.file_name, "-", "the file is missing (it is required)")]
        return None, []
    try:
        schema = pq.read_schema(path, filesystem=root.filesystem)
    except (pa.ArrowException, OSError) as error:
        return None, [Problem(table.file_name, "-", f"cannot be read as Parquet ({_first_line(error)})")]
    problems = checking.check_schema(table, schema)
    if problems:
        return None, problems
    # Names repeat on every row: read them as dictionaries (pandas categories), not millions of strings.
    repeated = [column.name for column in table.columns if column.name in CATEGORY_COLUMNS]
    try:
        present = [name for name in table.column_names if name in schema.names]
        arrow = pq.read_table(path, columns=present, filesystem=root.filesystem, read_dictionary=repeated)
    except (pa.ArrowException, OSError) as error:
        return None, [Problem(table.file_name, "-", f"cannot be read as Parquet ({_first_line(error)})")]
    # Arrow's buffers are freed column by column as pandas takes them: one copy in memory, not two.
    frame = arrow.to_pandas(date_as_object=False, self_destruct=True, split_blocks=True)
    del arrow
    pool = pa.default_memory_pool()
    pool.release_unused()  # Arrow's allocator keeps what it freed (a few hundred MB at regional scale)
    frame = normalise(name, frame)
    pool.release_unused()  # the columns normalise replaced
    return frame, []


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _without_unused_categories(series: pd.Series) -> pd.Series:
    """remove_unused_categories, counting codes rather than sorting millions of them."""
    codes = series.cat.codes.to_numpy()
    used = np.bincount(codes[codes >= 0], minlength=len(series.cat.categories)) > 0
    return series if used.all() else series.cat.remove_categories(series.cat.categories[~used])


def normalise(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Contract types in pandas: months as month starts, blank team names as the whole service."""
    table = TABLES[name]
    frame = frame.reset_index(drop=True)
    for column in table.columns:
        if column.name not in frame.columns:  # an optional column the file does not have: empty
            frame[column.name] = pd.Series(None, index=frame.index, dtype=object)
        series = frame[column.name]
        if column.kind == "date":
            frame[column.name] = to_month(series)
        elif column.kind == "float":
            if series.dtype != np.float64:
                series = pd.to_numeric(series, errors="coerce").astype("float64")
            # A copy of its own, writeable: a column read without conversion shares Arrow's read-only memory.
            frame[column.name] = np.array(series, dtype="float64")
        elif column.kind == "string" and isinstance(series.dtype, pd.CategoricalDtype):
            blank = [category for category in series.cat.categories if str(category).strip() == ""]
            if column.name == "team" and blank:
                # An empty team name can only mean the whole service; say so with null.
                series = series.cat.remove_categories(blank)
            frame[column.name] = _without_unused_categories(series)
        elif column.kind == "string":
            text = series.astype("object").where(series.notna(), None)
            if column.name == "team" and column.nullable:
                text = text.where(text.map(lambda v: v is None or str(v).strip() != ""), None)
            frame[column.name] = text.astype("string")
    return frame


def validate_tables(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every contract rule that needs the table contents (schema already checked)."""
    indicators = tables["indicators"]
    problems = checking.check_indicators(indicators)
    known = set(indicators["indicator_id"].dropna())
    problems += checking.check_values(tables["values"], indicators)
    checks = {
        "targets": lambda frame: checking.check_targets(frame, known),
        "benchmarks": lambda frame: checking.check_benchmarks(frame, known),
        "caseloads": checking.check_caseloads,
        "commentary": checking.check_commentary,
        "plan": lambda frame: checking.check_plan(frame, indicators),
    }
    for name, check in checks.items():
        if name in tables:
            problems += check(tables[name])
    return problems


def read_tables(root: DataRoot, folder: str, names) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The named tables of one snapshot folder (optional ones left out when absent), schemas checked."""
    tables, problems = {}, []
    for name in names:
        frame, found = _read_table(root, folder, name)
        problems += found
        if frame is not None:
            tables[name] = frame
    return tables, problems


def read_snapshot(root: DataRoot, folder: SnapshotFolder, check: bool = True) -> Snapshot:
    """Read every table of one snapshot folder and (unless told it passed already) validate it."""
    tables, problems = read_tables(root, folder.path, TABLES)
    snapshot = Snapshot(folder.as_at, folder.path, tables, problems)
    if check and not snapshot.problems:
        snapshot.problems = validate_tables(snapshot.tables)
    return snapshot


def read_snapshot_folder(path: str | os.PathLike) -> Snapshot:
    """Read one snapshot folder named by a local path (the folder name is its date)."""
    local = Path(path).resolve()
    root = DataRoot(pafs.LocalFileSystem(), local.parent.as_posix(), local.parent.as_posix(), False)
    try:
        as_at = date.fromisoformat(local.name)
    except ValueError:
        snapshot = Snapshot(date.min, local.as_posix())
        snapshot.problems.append(Problem(local.name, "-", "the folder name must be the as-at date, YYYY-MM-DD"))
        return snapshot
    if not local.is_dir():
        snapshot = Snapshot(as_at, local.as_posix())
        snapshot.problems.append(Problem(local.as_posix(), "-", "no such snapshot folder"))
        return snapshot
    return read_snapshot(root, SnapshotFolder(as_at, local.as_posix()))


DEMO_COUNCIL = "Example County Council"


def shipped_demo() -> bool:
    """Whether the data root is the demonstration data shipped in the repository."""
    return data_root().uri == REPOSITORY_DATA_DIR.as_posix()


def council_name() -> str:
    """The council's name: PERFORMANCE_COUNCIL_NAME, or the demo council on the shipped data, else ""."""
    return COUNCIL_NAME.value() or (DEMO_COUNCIL if shipped_demo() else "")
