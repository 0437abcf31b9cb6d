"""Snapshots prepared once: their checks and rated tables kept in a local cache folder.

A snapshot never changes once written, so what is worked out from it need only be worked out
once: whether it passes its checks (with the facts the snapshot list shows), and for each
audience the rated performance table, kept two ways so that a view reads only what it shows: the
whole service's rows, and every row, a few indicators at a time month by month, in row groups of
whole months that a span of months or one indicator is read from without the rest. All of
it is kept under PERFORMANCE_CACHE_DIR and read back by any later process: another page, a
restarted server, the scorecard command. The key is the
snapshot's location, each file's size and modification time, and the source of the modules that
prepare it, so a replaced file or a release that changes a rule never gets an old answer.
PERFORMANCE_CACHE_DIR=off turns the cache off; a cache that cannot be written only costs time.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from metrics.core.arrays import coded, codes_of, exact_type, month_numbers
from metrics.core.problems import InputError, Problem
from metrics.core.settings import CACHE_DIR
from metrics.prepare.row_groups import COMPARISONS, filtered_rows, group_index
from metrics.rating.performance import (
    NAME_COLUMNS,
    RATED_WORDS,
    Performance,
    Rated,
    Sources,
    assemble_performance,
    caseload_table,
    names_in_order,
    rate_snapshot,
    rated_chunks,
    whole_service_rows,
)
from metrics.snapshot.contract import WHOLE_SERVICE
from metrics.snapshot.reading import (
    DataRoot,
    Snapshot,
    SnapshotFolder,
    data_root,
    find_snapshot_folders,
    read_snapshot,
    read_tables,
    validate_tables,
)

CACHE_VARIABLE = CACHE_DIR.name
CACHE_OFF = "off"
CACHE_NAME = "childrens-services-performance"
ENTRIES_KEPT = 24  # prepared snapshots kept; the least recently used are removed first
SMALL_TABLES = ("indicators", "targets", "benchmarks", "commentary", "plan")
CHECK_FILE = "check.json"
SERIES_FILE = "series.parquet"  # every (indicator, team) pair with a row
ROWS_PER_GROUP = 50_000  # the most rows in one Parquet row group
MONTH_GROUP_ROWS = 12_500  # month by month, a row group holds whole months of a few indicators
# What reads of rated rows filter on: a span of months (Performance.rows_between), by the row groups' statistics
# of the month; one indicator (Performance.rows_of), by the footer's index of the groups holding each.
STATISTICS_COLUMNS = ["period"]
INDEXED_COLUMN = "indicator_id"
FOLDER_MODE, FILE_MODE = 0o700, 0o600  # the internal view's figures: this account only
ENTRY_NAME = re.compile(r"^[0-9a-f]{32}$")  # only folders named like this are ever removed
PACKAGE = Path(__file__).resolve().parents[1]  # metrics/

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckedSnapshot:
    """A snapshot folder, the problems its checks found, and what the snapshot list shows of it."""

    as_at: date
    path: str
    problems: tuple[Problem, ...]
    months: tuple[pd.Timestamp, ...] = ()  # months with any figure, oldest first
    teams: tuple[str, ...] = ()  # team names, without the whole service
    indicator_count: int = 0

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def latest_month(self) -> pd.Timestamp | None:
        return self.months[-1] if self.months else None

    @property
    def team_count(self) -> int:
        return len(self.teams)


def cache_folder() -> Path | None:
    """PERFORMANCE_CACHE_DIR, else the user's cache folder; None when the cache is off."""
    setting = CACHE_DIR.value() or ""
    if setting.lower() == CACHE_OFF:
        return None
    if setting:
        return Path(setting).expanduser()
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home folder (some service accounts): the system's temporary folder
        base = Path(tempfile.gettempdir())
    return base / CACHE_NAME


@functools.cache
def code_version() -> str:
    """A digest of the source of the code that works out what is prepared: a release that changes it
    prepares snapshots afresh; one that changes only wording, charts, the report or the pages keeps them."""
    digest = hashlib.sha256()
    for path in sorted(preparing_sources(PACKAGE)):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def preparing_sources(package: Path) -> set[Path]:
    """The source files of the package's prepared module and of every module of the package it imports,
    directly or through others, found by reading their import statements (those inside functions too).
    Nothing else runs while a snapshot is prepared, so nothing else can change what is kept."""
    found: set[Path] = set()
    waiting = [f"{package.name}.prepare.prepared"]
    while waiting:
        module = waiting.pop()
        path = _module_source(package, module)
        if path is None or path in found:
            continue
        found.add(path)
        waiting.append(module.rpartition(".")[0])  # importing a.b.c runs a/b/__init__.py first
        for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
            if isinstance(node, ast.Import):
                waiting += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from metrics import spc` names a module too; a name that is not one is skipped.
                waiting += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return found


def _module_source(package: Path, module: str) -> Path | None:
    """The file of one of the package's modules (a sub-package's __init__.py); None if not the package's."""
    top, *parts = module.split(".")
    if top != package.name:
        return None
    for candidate in (
        package.joinpath(*parts).with_suffix(".py") if parts else None,
        package.joinpath(*parts, "__init__.py"),
    ):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def entry_key(root: DataRoot, folder: SnapshotFolder) -> str:
    """The cache key of a snapshot folder: its location, its files' sizes and times, and the code."""
    infos = root.filesystem.get_file_info(pafs.FileSelector(folder.path, allow_not_found=True))  # gone: no files
    files = sorted((info.base_name, info.size, info.mtime_ns) for info in infos if info.type == pafs.FileType.File)
    text = json.dumps([code_version(), root.uri, folder.path, files], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class _Entry:
    """One snapshot's folder in the cache. Reads that fail are misses; writes that fail are logged."""

    def __init__(self, root: DataRoot, folder: SnapshotFolder):
        base = cache_folder()
        self.path = None if base is None else base / entry_key(root, folder)

    def read_bytes(self, name: str) -> bytes | None:
        if self.path is None:
            return None
        try:
            data = (self.path / name).read_bytes()
            os.utime(self.path)  # recently used: removed last
            return data
        except OSError:
            return None

    def read_table(self, name: str, filters=None, columns=None) -> pd.DataFrame | None:
        if self.path is None or not (self.path / name).is_file():
            return None
        try:
            path = self.path / name
            table = pq.read_table(path, columns=columns) if not filters else filtered_rows(path, filters, columns)
            os.utime(self.path)
        except (pa.ArrowException, OSError) as error:
            log.warning("prepared table %s unreadable, working it out again: %s", self.path / name, error)
            return None
        frame = table.to_pandas(self_destruct=True, split_blocks=True)
        for column, words in RATED_WORDS.items():  # the same categories, in the same order, as when rated
            if column in frame.columns:
                frame[column] = frame[column].astype(pd.CategoricalDtype(words))
        for column in NAME_COLUMNS:  # kept a few indicators at a time: the names in order again, as in memory
            if column in frame.columns and isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = names_in_order(frame[column])
        return frame

    def write(self, name: str, write_to) -> bool:
        """Write through a temporary file and rename, so a reader never sees half a file; False if it failed."""
        if self.path is None:
            return False
        temporary = self.path / f".{name}.{uuid.uuid4().hex}.tmp"
        try:
            _private_folder(self.path.parent)
            _private_folder(self.path)
            write_to(temporary)
            os.chmod(temporary, FILE_MODE)
            os.replace(temporary, self.path / name)
        except (OSError, pa.ArrowException) as error:
            log.warning("could not keep %s in the cache (%s); it will be worked out again next time", name, error)
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            return False
        _remove_least_recently_used(self.path.parent)
        return True


def _private_folder(path: Path) -> None:
    """The folder, made if need be, readable by this account only: it holds unsuppressed figures."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != FOLDER_MODE:
        os.chmod(path, FOLDER_MODE)


def _remove_least_recently_used(base: Path) -> None:
    try:
        entries = [path for path in base.iterdir() if path.is_dir() and ENTRY_NAME.match(path.name)]
        entries.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    except OSError:
        return
    for stale in entries[ENTRIES_KEPT:]:
        shutil.rmtree(stale, ignore_errors=True)


def _to_arrow(rated: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(rated, preserve_index=False)


def _arrow_part(rated: pd.DataFrame, order: np.ndarray) -> pa.Table:
    """A few indicators' rated rows in Arrow, in this order: the table pandas' own conversion makes (its
    metadata gives the pandas types back on reading), names and words as dictionaries with the same index
    type in every part, so that the parts make one table.

    Built a column at a time from the numpy arrays, each put in order as it is taken: a third of the time
    of converting the frame and then putting it in order (8 ms against 27 on 120,000 rows), most of it
    with Python's lock let go."""
    text = [column for column in NAME_COLUMNS if not isinstance(rated[column].dtype, pd.CategoricalDtype)]
    if text:
        rated = rated.astype(dict.fromkeys(text, "category"))
    schema, words = _arrow_layout(rated.dtypes)
    return pa.Table.from_arrays(
        [_arrow_column(rated[field.name], order, field.type, words.get(field.name)) for field in schema], schema=schema
    )


_LAYOUTS: dict[tuple, tuple[pa.Schema, dict[str, pa.Array]]] = {}
LAYOUTS_KEPT = 16


def _arrow_layout(dtypes: pd.Series) -> tuple[pa.Schema, dict[str, pa.Array]]:
    """The schema of rated rows with these column types, as _arrow_part makes it, and each dictionary
    column's words: the same for every part of a snapshot, so worked out once (pandas' conversion of no
    rows took 3.5 ms a part). Kept by the exact types (arrays.exact_type): a part's codes must be read
    against its own words."""
    key = tuple((name, exact_type(dtype)) for name, dtype in dtypes.items())
    layout = _LAYOUTS.get(key)
    if layout is None:
        if len(_LAYOUTS) >= LAYOUTS_KEPT:
            _LAYOUTS.clear()
        layout = _LAYOUTS[key] = _layout_of(dtypes)
    return layout


def _layout_of(dtypes: pd.Series) -> tuple[pa.Schema, dict[str, pa.Array]]:
    empty = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in dtypes.items()})
    schema = _to_arrow(empty).schema
    schema = pa.schema(
        [
            pa.field(field.name, pa.dictionary(pa.int32(), field.type.value_type))
            if pa.types.is_dictionary(field.type)
            else field
            for field in schema
        ],
        metadata=schema.metadata,
    )
    words = {
        name: pa.array(np.asarray(dtype.categories, dtype=object), type=schema.field(name).type.value_type)
        for name, dtype in dtypes.items()
        if isinstance(dtype, pd.CategoricalDtype)
    }
    return schema, words


def _arrow_column(column: pd.Series, order: np.ndarray, kind: pa.DataType, words: pa.Array | None) -> pa.Array:
    """One column's values in this order, as pandas' conversion makes them (NaN and NaT as nulls)."""
    if pa.types.is_dictionary(kind):
        codes = codes_of(column)[order]
        missing = codes < 0
        indices = pa.array(codes.astype(kind.index_type.to_pandas_dtype()), mask=missing if missing.any() else None)
        return pa.DictionaryArray.from_arrays(indices, words)
    return pa.array(np.asarray(column)[order], type=kind, from_pandas=True)


class _Streamed:
    """A Parquet file in the cache written a table at a time, through a temporary file renamed into
    place when finished, so that a reader never sees half a file. Its footer says which row groups hold
    each indicator (row_groups.group_index)."""

    def __init__(self, entry: _Entry, name: str):
        self.final = entry.path / name
        self.temporary = entry.path / f".{name}.{uuid.uuid4().hex}.tmp"
        self.writer: pq.ParquetWriter | None = None
        self.groups = 0  # row groups written so far
        self.holding: dict[str, list[int]] = {}  # the row groups holding each indicator

    def write(self, table: pa.Table, row_group_size: int, indicators) -> None:
        """Write the rows (of these indicators) as row groups of at most row_group_size rows."""
        if self.writer is None:
            # Statistics only where reads filter (a third of the writing time is spent on them otherwise), and
            # no compression: the dictionary and run-length encoding already keep a regional snapshot's
            # files to tens of MB, and compressing took another 45 ms of every 240,000 rows.
            self.writer = pq.ParquetWriter(
                self.temporary, table.schema, write_statistics=STATISTICS_COLUMNS, compression="none"
            )
        self.writer.write_table(table, row_group_size=row_group_size)
        # A table of no rows is written as one empty row group, which is counted too.
        written = range(self.groups, self.groups + max(1, -(-table.num_rows // row_group_size)))
        for indicator in indicators:
            self.holding.setdefault(indicator, []).extend(written)
        self.groups = written.stop

    def finish(self) -> None:
        self.writer.add_key_value_metadata(group_index(INDEXED_COLUMN, self.holding))
        self.writer.close()
        os.chmod(self.temporary, FILE_MODE)
        os.replace(self.temporary, self.final)

    def abandon(self) -> None:
        if self.writer is not None:
            with contextlib.suppress(OSError, pa.ArrowException):
                self.writer.close()
        with contextlib.suppress(OSError):
            self.temporary.unlink(missing_ok=True)


def _by_month(periods) -> tuple[np.ndarray, list[int]]:
    """The positions that put a part's rows month by month (each month's rows in the order rated), and
    where to cut them into row groups of whole months, about MONTH_GROUP_ROWS rows each. The same for
    every audience, whose parts differ only in their figures."""
    months = month_numbers(periods)
    if not len(months):
        return np.zeros(0, dtype=np.int64), [0, 0]
    # A stable sort of 16-bit numbers is a radix sort in numpy: one pass, not a comparison sort. Months fit:
    # timestamps in nanoseconds reach from 1677 to 2262, some 7,000 months.
    order = np.argsort((months - months.min()).astype(np.int16), kind="stable")
    months = months[order]
    starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
    cuts, group_start = [], 0
    for start in starts[1:]:
        if start - group_start >= MONTH_GROUP_ROWS:
            cuts.append(int(start))
            group_start = start
    return order, [0, *cuts, len(months)]


Kept = tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame]  # whole service, caseload team figures, series


@dataclass
class _Part:
    """One audience's share of a rated chunk, made ready for the file on the thread that rated it."""

    whole_service: pd.DataFrame | None  # the whole service's rows (None with no rated rows)
    caseloads: pd.DataFrame | None  # caseload team figures
    by_month: list[pa.Table]  # the rows month by month, a row group each (_Chunk.groups)


@dataclass
class _Chunk:
    """A rated chunk ready for the files: what every audience shares, and each audience's part."""

    names: dict[str, np.ndarray]  # the indicator ids and teams it has
    series: pd.DataFrame | None  # its (indicator_id, team) pairs
    groups: list[np.ndarray]  # the indicators in each row group of the parts' rows month by month
    parts: dict[str, _Part]


def _present(column: pd.Series) -> np.ndarray:
    """The distinct names of a column (as objects, in no particular order), from its codes: 0.2 ms on
    240,000 rows where hashing every row took 1.5."""
    codes, distinct = coded(column)
    found = np.bincount(codes[codes >= 0], minlength=len(distinct)) > 0
    return distinct[found] if (codes >= 0).all() else np.r_[distinct[found], [np.nan]].astype(object)


def _series_of(rated: pd.DataFrame) -> pd.DataFrame:
    """Each (indicator_id, team) pair of the rows, in order of first appearance, as objects:
    drop_duplicates of the two columns, from their codes (one number a pair) instead of the names."""
    indicators, indicator_names = coded(rated["indicator_id"])
    teams, team_names = coded(rated["team"])
    width = len(team_names) + 1  # codes from -1 (missing) up
    pairs = pd.unique((indicators.astype(np.int64) + 1) * width + teams + 1)
    return pd.DataFrame(
        {"indicator_id": _named(pairs // width - 1, indicator_names), "team": _named(pairs % width - 1, team_names)},
        dtype=object,
    )


def _named(codes: np.ndarray, names: np.ndarray) -> np.ndarray:
    return np.where(codes >= 0, names[np.maximum(codes, 0)] if len(names) else np.nan, np.nan).astype(object)


def _ready_for_files(parts: dict[str, Rated]) -> _Chunk:
    """A chunk's rated parts (rated_chunks), turned into Arrow tables month by month, on the rating thread:
    the thread that writes the files in order then only writes (Parquet writing lets go of Python's lock),
    and is no longer the slowest step of preparing."""
    rated = next(iter(parts.values()))[0]  # every audience rates the same rows (only figures differ)
    names, series, order, cuts, groups = {}, None, None, [0, 0], []
    if rated is not None:
        names = {column: _present(rated[column]) for column in NAME_COLUMNS}
        series = _series_of(rated)
        order, cuts = _by_month(rated["period"])
        codes, indicators = coded(rated["indicator_id"])
        codes = codes[order]
        groups = [
            indicators[np.flatnonzero(np.bincount(codes[first:last], minlength=len(indicators)))]
            for first, last in zip(cuts[:-1], cuts[1:])
        ]
        whole = np.flatnonzero((rated["team"] == WHOLE_SERVICE).to_numpy())  # the same rows for every audience
    del rated
    ready = {}
    for audience in list(parts):
        rated, caseloads = parts.pop(audience)
        if rated is None:
            ready[audience] = _Part(None, caseloads, [])
            continue
        by_month = _arrow_part(rated, order)
        ready[audience] = _Part(
            rated.take(whole).reset_index(drop=True),
            caseloads,
            [by_month.slice(first, last - first) for first, last in zip(cuts[:-1], cuts[1:])],
        )
        del rated
    return _Chunk(names, series, groups, ready)


class _Keeping:
    """One audience's rated parts on their way into the cache: written month by month as they come; the
    whole service's rows and the caseload team figures gathered to be written at the end."""

    def __init__(self, entry: _Entry, audience: str):
        self.audience = audience
        self.whole_parts: list[pd.DataFrame] = []
        self.caseload_parts: list[pd.DataFrame] = []
        self.file = _Streamed(entry, f"rated-{audience}.parquet")
        self.metadata = None

    def add(self, part: _Part, groups: list[np.ndarray]) -> None:
        """A chunk's part for this audience (_ready_for_files), with the indicators in each of its row groups."""
        if part.caseloads is not None:
            self.caseload_parts.append(part.caseloads)
        if not part.by_month:  # no rated rows for this audience in the chunk (caseload figures alone)
            return
        self.whole_parts.append(part.whole_service)
        self.metadata = self.metadata or part.by_month[0].schema.metadata  # pandas' own: the first part's for all
        for months, indicators in zip(part.by_month, groups):
            self.file.write(months.replace_schema_metadata(self.metadata), ROWS_PER_GROUP, indicators)

    def finish(self) -> None:
        self.file.finish()

    def abandon(self) -> None:
        self.file.abandon()

    def whole_service(self, names: dict[str, set]) -> pd.DataFrame:
        whole_service = pd.concat(self.whole_parts, ignore_index=True)
        for column in NAME_COLUMNS:
            whole_service[column] = pd.Categorical(
                whole_service[column].astype("object"), categories=sorted(names[column])
            )
        return whole_service


def _rate_and_keep(sources: Sources, audiences: list[str], entry: _Entry) -> dict[str, Kept] | None:
    """Rate a snapshot for these audiences a few indicators at a time and keep each part in the cache as
    soon as it is rated, month by month in row groups of whole months, so that a span of months for
    every team, or one indicator, is read without the rest. Memory holds a few parts at a time, never
    the whole.

    Returns, by audience, the whole service's rows, the caseload team figures and the series; None if
    the cache could not take it all.
    """
    keepers = [_Keeping(entry, audience) for audience in audiences]
    series_parts = []
    names: dict[str, set] = {column: set() for column in NAME_COLUMNS}
    try:
        for chunk in rated_chunks(sources, audiences, _ready_for_files):
            for column, found in chunk.names.items():
                names[column].update(found)
            if chunk.series is not None:
                series_parts.append(chunk.series)
            for keeper in keepers:
                keeper.add(chunk.parts.pop(keeper.audience), chunk.groups)
        for keeper in keepers:
            keeper.finish()
    except BaseException as error:  # no half file is left behind, whatever stopped it
        for keeper in keepers:
            keeper.abandon()
        if not isinstance(error, (OSError, pa.ArrowException)):
            raise
        log.warning("could not keep the rated rows in the cache (%s); a view works them out in memory instead", error)
        return None
    series = pd.concat(series_parts, ignore_index=True)
    results = {
        keeper.audience: (keeper.whole_service(names), caseload_table(keeper.caseload_parts), series)
        for keeper in keepers
    }
    # An empty table stands for "no caseloads", so that a missing file always means "not prepared".
    written = [
        entry.write(
            f"caseloads-{audience}.parquet",
            lambda path, caseloads=caseloads: pq.write_table(
                _to_arrow(caseloads if caseloads is not None else pd.DataFrame()), path
            ),
        )
        for audience, (_, caseloads, _) in results.items()
    ]
    written.append(
        entry.write(SERIES_FILE, lambda path: pq.write_table(pa.Table.from_pandas(series, preserve_index=False), path))
    )
    # Written last, and only when the rest is there: a reader that finds one knows every file of its
    # audience is there.
    if not all(written):
        return None
    for audience, (whole_service, _, _) in results.items():
        if not entry.write(
            f"whole-{audience}.parquet", lambda path, whole=whole_service: pq.write_table(_to_arrow(whole), path)
        ):
            return None
    return results


def _summary(snapshot: Snapshot) -> CheckedSnapshot:
    if not snapshot.valid:
        return CheckedSnapshot(snapshot.as_at, snapshot.path, tuple(snapshot.problems))
    values = snapshot.values
    return CheckedSnapshot(
        snapshot.as_at,
        snapshot.path,
        (),
        months=tuple(pd.Timestamp(month) for month in sorted(values["period"].dropna().unique())),
        teams=tuple(sorted(str(team) for team in values["team"].dropna().unique())),
        indicator_count=int(snapshot.indicators["indicator_id"].nunique()),
    )


def _summary_to_json(checked: CheckedSnapshot) -> bytes:
    return json.dumps(
        {
            "problems": [asdict(problem) for problem in checked.problems],
            "months": [month.isoformat() for month in checked.months],
            "teams": list(checked.teams),
            "indicator_count": checked.indicator_count,
        }
    ).encode()


def _summary_from_json(folder: SnapshotFolder, data: bytes) -> CheckedSnapshot | None:
    try:
        facts = json.loads(data)
        problems = tuple(Problem(**{**problem, "rows": tuple(problem["rows"])}) for problem in facts["problems"])
        return CheckedSnapshot(
            folder.as_at,
            folder.path,
            problems,
            months=tuple(pd.Timestamp(month) for month in facts["months"]),
            teams=tuple(str(team) for team in facts["teams"]),
            indicator_count=int(facts["indicator_count"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _cached_summary(entry: _Entry, folder: SnapshotFolder) -> CheckedSnapshot | None:
    cached = entry.read_bytes(CHECK_FILE)
    return None if cached is None else _summary_from_json(folder, cached)


def _keep_summary(entry: _Entry, checked: CheckedSnapshot) -> None:
    entry.write(CHECK_FILE, lambda path: path.write_bytes(_summary_to_json(checked)))


def checked_before(root: DataRoot, folder: SnapshotFolder) -> CheckedSnapshot | None:
    """A snapshot's checks if the cache holds them; None if it has not been checked (or has gone)."""
    entry = _Entry(root, folder)
    return _cached_summary(entry, folder)


def check(root: DataRoot, folder: SnapshotFolder) -> CheckedSnapshot:
    """A snapshot's checks and list facts: from the cache, or read and validated (then kept)."""
    entry = _Entry(root, folder)
    checked = _cached_summary(entry, folder)
    if checked is None:
        checked = _summary(read_snapshot(root, folder))
        _keep_summary(entry, checked)
    return checked


def performance(root: DataRoot, folder: SnapshotFolder, audience: str) -> Performance:
    """The rated performance of a snapshot that passes its checks, for one audience.

    When it was prepared before, only the whole service's rows are read now, and every team's
    rows when a view first asks for them. Otherwise it is worked out and kept. InputError if
    the snapshot fails its checks.
    """
    entry = _Entry(root, folder)
    checked = _cached_summary(entry, folder)
    if checked is not None and not checked.valid:
        raise InputError(list(checked.problems))
    whole_service = None if checked is None else entry.read_table(f"whole-{audience}.parquet")
    series = None if whole_service is None else entry.read_table(SERIES_FILE)
    caseloads = None if series is None else entry.read_table(f"caseloads-{audience}.parquet")
    if whole_service is not None and series is not None and caseloads is not None:
        tables, problems = read_tables(root, folder.path, SMALL_TABLES)
        if not problems:
            return assemble_performance(
                folder.as_at,
                audience,
                tables,
                whole_service,
                functools.partial(_rated_table, root, folder, audience),
                caseloads=caseloads if len(caseloads.columns) else None,
                known_months=checked.months,
                known_teams=checked.teams,
                known_series=pd.MultiIndex.from_frame(series),
                load_rows=functools.partial(_rated_rows, root, folder, audience),
                load_columns=functools.partial(_rated_columns, root, folder, audience),
            )
    return _prepare(root, folder, audience, entry, checked)


def is_prepared(root: DataRoot, folder: SnapshotFolder, audience: str) -> bool:
    """True when the cache holds the snapshot's checks and its rated tables for the audience (the
    whole service's file is written last, once the rest is there)."""
    entry = _Entry(root, folder)
    return _rated_for(entry, audience) and (entry.path / CHECK_FILE).is_file()


def _rated_for(entry: _Entry, audience: str) -> bool:
    return entry.path is not None and (entry.path / f"whole-{audience}.parquet").is_file()


def prepare(root: DataRoot, folder: SnapshotFolder, audiences: list[str]) -> CheckedSnapshot:
    """Check a snapshot and keep its rated tables for each audience not yet prepared, reading it once."""
    entry = _Entry(root, folder)
    checked = _cached_summary(entry, folder)
    waiting = [audience for audience in audiences if not _rated_for(entry, audience)]
    if checked is not None and not (checked.valid and waiting):
        return checked
    checked, sources = _read_and_resolve(root, folder, entry, checked)
    if sources is not None:  # resolved once, and rated for every audience in one pass
        _rate_into_cache(sources, waiting, entry)
    return checked


def _read_and_resolve(
    root: DataRoot, folder: SnapshotFolder, entry: _Entry, checked: CheckedSnapshot | None
) -> tuple[CheckedSnapshot, Sources | None]:
    """Read a snapshot and resolve its figures (Sources; None if it fails its checks), checking it first
    unless it was checked before (the checks then kept in the cache).

    The contents are checked on a thread of their own while the figures are resolved, 0.15 to 0.3 s of
    a regional snapshot's preparing that no longer waits its turn. Resolving figures that then fail
    their checks is wasted (ingest lets no such snapshot in); whatever it raised on them is dropped
    for the problems the checks found.
    """
    snapshot = read_snapshot(root, folder, check=False)
    sources = None
    if checked is None and snapshot.valid:  # schemas pass: check the contents beside the resolving
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="check") as pool:
            checking = pool.submit(validate_tables, snapshot.tables)
            try:
                sources, failure = Sources(snapshot), None
            except Exception as error:  # figures that fail their checks need not resolve
                failure = error
            snapshot.problems = checking.result()
        if failure is not None and snapshot.valid:
            raise failure
    if checked is None:
        checked = _summary(snapshot)
        _keep_summary(entry, checked)
    elif not snapshot.valid:  # passed its checks before, yet its files no longer read as they did
        checked = _summary(snapshot)
    if not checked.valid:
        return checked, None
    return checked, Sources(snapshot) if sources is None else sources


def _rate_into_cache(sources: Sources, audiences: list[str], entry: _Entry) -> dict[str, Kept] | None:
    """_rate_and_keep, or None (and a warning) when there is no cache or it cannot take the files."""
    if entry.path is None:
        return None
    try:
        _private_folder(entry.path.parent)
        _private_folder(entry.path)
        return _rate_and_keep(sources, audiences, entry)
    except OSError as error:
        log.warning("could not keep %s in the cache (%s); a view works it out in memory instead", entry.path, error)
        return None


def _prepare(
    root: DataRoot, folder: SnapshotFolder, audience: str, entry: _Entry, checked: CheckedSnapshot | None
) -> Performance:
    """Read (and check, unless already checked), rate and keep a snapshot for one audience.

    Once kept, its views read from the cache like everyone after; the values are let go once rated.
    """
    checked, sources = _read_and_resolve(root, folder, entry, checked)
    if sources is None:
        raise InputError(list(checked.problems))
    tables = {name: frame for name, frame in sources.snapshot.tables.items() if name in SMALL_TABLES}
    kept = _rate_into_cache(sources, [audience], entry)
    if kept is None:  # nowhere to keep it, or the cache could not take it: this process keeps the rows itself
        rated = rate_snapshot(sources.snapshot, audience, sources)
        del sources
        return assemble_performance(
            folder.as_at,
            audience,
            tables,
            whole_service_rows(rated.figures),
            lambda: rated.figures,
            caseloads=rated.caseloads,
        )
    del sources
    whole_service, caseloads, series = kept[audience]
    return assemble_performance(
        folder.as_at,
        audience,
        tables,
        whole_service,
        functools.partial(_rated_table, root, folder, audience),
        caseloads=caseloads,
        known_months=checked.months,
        known_teams=checked.teams,
        known_series=pd.MultiIndex.from_frame(series),
        load_rows=functools.partial(_rated_rows, root, folder, audience),
        load_columns=functools.partial(_rated_columns, root, folder, audience),
    )


def _rated_table(root: DataRoot, folder: SnapshotFolder, audience: str) -> pd.DataFrame:
    """Every team's rated rows: from the cache, or worked out again if they have gone meanwhile."""
    entry = _Entry(root, folder)
    rated = entry.read_table(f"rated-{audience}.parquet")
    if rated is None:  # gone meanwhile: prepared again (in memory if it cannot be kept)
        performance = _prepare(root, folder, audience, entry, _cached_summary(entry, folder))
        rated = entry.read_table(f"rated-{audience}.parquet")
        if rated is None:
            rated = performance.table
    return rated


def _rated_rows(root: DataRoot, folder: SnapshotFolder, audience: str, filters: tuple) -> pd.DataFrame:
    """The rated rows matching filters, read alone: from the row groups that can hold them."""
    entry = _Entry(root, folder)
    by_month = any(column == "period" for column, _, _ in filters)
    rows = entry.read_table(f"rated-{audience}.parquet", filters=list(filters))
    if by_month and rows is not None:  # kept month by month a few indicators at a time: in month order
        rows = rows.sort_values("period", kind="stable", ignore_index=True)
    if rows is None:  # gone from the cache meanwhile: from the whole table, worked out again if need be
        rows = _rated_table(root, folder, audience)
        for column, comparison, value in filters:
            rows = rows[COMPARISONS[comparison](rows[column], value)]
    return rows


def _rated_columns(root: DataRoot, folder: SnapshotFolder, audience: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """These columns of every rated row, read without the others."""
    rows = _Entry(root, folder).read_table(f"rated-{audience}.parquet", columns=list(columns))
    return _rated_table(root, folder, audience)[list(columns)] if rows is None else rows


def adopt(source_root: DataRoot, source_folder: SnapshotFolder, root: DataRoot, folder: SnapshotFolder) -> bool:
    """Keep for a snapshot what was prepared for another snapshot with the same files (an upload checked on
    this server, then published as it is): copied, not worked out again. Nothing prepared depends on
    where a snapshot is, only on its files and the code. False when there was nothing to copy."""
    source, target = _Entry(source_root, source_folder), _Entry(root, folder)
    if source.path is None or not (source.path / CHECK_FILE).is_file() or target.path.exists():
        return False
    _private_folder(target.path.parent)
    temporary = target.path.parent / f".{target.path.name}.{uuid.uuid4().hex}.tmp"
    try:
        shutil.copytree(source.path, temporary)
        os.chmod(temporary, FOLDER_MODE)
        os.replace(temporary, target.path)
    except OSError as error:
        log.warning("could not copy what was prepared (%s); it will be worked out again", error)
        shutil.rmtree(temporary, ignore_errors=True)
        return False
    return True


def forget(root: DataRoot, folder: SnapshotFolder) -> None:
    """Remove what the cache keeps for a snapshot (an upload that was never published)."""
    entry = _Entry(root, folder)
    if entry.path is not None:
        shutil.rmtree(entry.path, ignore_errors=True)


def open_performance(as_at: str | None, audience: str, root: DataRoot | None = None) -> Performance:
    """The named snapshot's (YYYY-MM-DD) performance, else the newest valid one's; InputError if none."""
    root = root or data_root()
    folders, _ = find_snapshot_folders(root)
    if as_at:
        try:
            wanted = date.fromisoformat(as_at)
        except ValueError as error:
            raise InputError(f"--snapshot {as_at!r} is not a date written as YYYY-MM-DD") from error
        folder = next((folder for folder in folders if folder.as_at == wanted), None)
        if folder is None:
            known = ", ".join(folder.as_at.isoformat() for folder in folders) or "none"
            raise InputError(f"--snapshot {as_at}: no such snapshot under {root.uri} (snapshots: {known})")
        return performance(root, folder, audience)
    for folder in folders:
        if check(root, folder).valid:
            return performance(root, folder, audience)
    raise InputError(f"there is no valid snapshot under {root.uri}")
