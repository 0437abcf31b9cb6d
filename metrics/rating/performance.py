"""One snapshot's performance table: every indicator, team and month with its status."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TypeVar

import numpy as np
import pandas as pd

from metrics.core.arrays import coded, codes_of, exact_type, sorted_distinct
from metrics.core.kept import KeptWithin
from metrics.core.months import months_before
from metrics.core.parallel import in_order, threads
from metrics.disclosure import suppression
from metrics.disclosure.audience import PUBLIC
from metrics.disclosure.links import components
from metrics.disclosure.suppression import suppress_figures, unsuppressed
from metrics.rating import spc
from metrics.rating.aggregation import in_series_order, resolved_parts, series_order
from metrics.rating.caseloads import CATALOGUE as CASELOAD_CATALOGUE
from metrics.rating.caseloads import team_figures as caseload_figures
from metrics.rating.status import SeriesOrder, direction_codes, rag_codes, status_runs, targets_in_force
from metrics.snapshot.contract import DIRECTIONS, RAG_STATUSES, WHOLE_SERVICE, per_row_words
from metrics.snapshot.reading import Snapshot

# Words repeated on millions of rows, held as categories (a byte a row, not a string).
RATED_WORDS = {"rag": RAG_STATUSES, "direction": DIRECTIONS, "variation": spc.VARIATIONS, "assurance": spc.ASSURANCES}
NAME_COLUMNS = ("indicator_id", "team")  # names repeated on every rated row, held as categories
INDICATORS_AT_ONCE = 4  # in memory at once, shared among the threads; fewer: less memory, a little more time
# From this many values rows, parts are rated on a thread per core; below it a part takes milliseconds
# and threads cost more than they save (the demo: 3.6 s on one thread, 4.6 s on two).
THREADS_FROM_ROWS = 500_000
SLICES_KEPT = 8  # slices (a span of months, an indicator) read alone, kept per snapshot and audience
# Up to this many rated rows, a view that needs teams reads the whole table once and keeps it (a few MB)
# instead of reading a slice per month or indicator it is asked for.
READ_WHOLE_UP_TO_ROWS = 250_000


@dataclass(frozen=True)
class Performance:
    """Figures with targets, RAG and direction, for one snapshot and audience.

    The whole service's rows are always at hand. At regional scale every team's rows are millions,
    so views ask for what they need: a span of months for every team (a month's scorecard, compare,
    off target) is read on its own where the snapshot was prepared, and the full table is loaded
    only the first time a view needs a team's whole history.
    """

    as_at: pd.Timestamp
    audience: str
    indicators: pd.DataFrame  # the catalogue, indexed by indicator_id
    whole_service: pd.DataFrame  # the rated rows of the whole service ("" team)
    load_table: Callable[[], pd.DataFrame] = field(repr=False, compare=False)
    targets: pd.DataFrame | None = None
    benchmarks: pd.DataFrame | None = None
    commentary: pd.DataFrame | None = None
    plan: pd.DataFrame | None = None  # the Improvement Plan's measures (plan.parquet), where the snapshot has one
    # Caseload team figures (workers, cases, workers over the threshold) as the audience may see them.
    caseloads: pd.DataFrame | None = None
    known_months: tuple[pd.Timestamp, ...] | None = None  # when the snapshot's checks already found them
    known_teams: tuple[str, ...] | None = None
    known_series: pd.MultiIndex | None = None
    # Reads the rows matching pyarrow-style filters, e.g. [("period", ">=", month)], without the whole
    # table, where the snapshot was prepared.
    load_rows: Callable[[tuple], pd.DataFrame] | None = field(default=None, repr=False, compare=False)
    # Reads these columns of every rated row, without the rest, where the snapshot was prepared.
    load_columns: Callable[[tuple[str, ...]], pd.DataFrame] | None = field(default=None, repr=False, compare=False)
    _slices: dict = field(default_factory=dict, repr=False, compare=False)
    _slices_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _kept: KeptWithin = field(
        default_factory=lambda: KeptWithin(lambda: sys.maxsize, lambda table: 0), repr=False, compare=False
    )  # see keep(): nothing let go
    _sizes: dict = field(default_factory=dict, repr=False, compare=False)  # id: (table, bytes), see memory_bytes
    _sizes_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @cached_property
    def table(self) -> pd.DataFrame:
        """Every rated row: all teams and the whole service."""
        return self.load_table()

    def _slice(self, filters: tuple) -> pd.DataFrame | None:
        """The rows matching filters, read alone; None when only the whole table can give them."""
        if "table" in self.__dict__ or self.load_rows is None or self.small:
            return None
        with self._slices_lock:  # sessions share this object
            if filters not in self._slices:
                while len(self._slices) >= SLICES_KEPT:
                    self._slices.pop(next(iter(self._slices)))
                self._slices[filters] = self.load_rows(filters)
            return self._slices[filters]

    def keep(self, key: tuple, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A table worked out from this snapshot once and shared by every session (every month's scorecard)."""
        return self._kept.get(key, make)

    @property
    def small(self) -> bool:
        """Few enough rows to hold them all: by the prepared snapshot's series and months, or counted
        when they were worked out in memory."""
        if self.known_series is not None and self.known_months is not None:
            return len(self.known_series) * len(self.known_months) <= READ_WHOLE_UP_TO_ROWS
        return self.load_rows is None and len(self.table) <= READ_WHOLE_UP_TO_ROWS

    def columns(self, names: tuple[str, ...]) -> pd.DataFrame:
        """These columns of every rated row (all teams and the whole service), read without the others
        where the snapshot was prepared: at regional scale the five that revisions compare are 91 MB."""
        if "table" in self.__dict__ or self.load_columns is None or self.small:
            return self.table[list(names)]
        return self.load_columns(names)

    def rows_between(self, first: pd.Timestamp, last: pd.Timestamp, teams=None) -> pd.DataFrame:
        """Rows for the months from first to last, of these teams (None: all); callers filter teams."""
        if teams is not None and all(team == WHOLE_SERVICE for team in teams):
            table = self.whole_service
        else:
            span = (("period", ">=", pd.Timestamp(first)), ("period", "<=", pd.Timestamp(last)))
            table = self._slice(span)
            table = self.table if table is None else table
        return table[(table["period"] >= first) & (table["period"] <= last)]

    def rows_of(self, indicator_id: str, teams=None) -> pd.DataFrame:
        """One indicator's rows, of these teams (None: all); callers filter teams."""
        if teams is not None and all(team == WHOLE_SERVICE for team in teams):
            table = self.whole_service
        else:
            table = self._slice((("indicator_id", "=", indicator_id),))
            table = self.table if table is None else table
        return table[table["indicator_id"] == indicator_id]

    @cached_property
    def plain_catalogue(self) -> pd.DataFrame:
        """The catalogue as columns (indicator_id first, then an `order` column), its text as Python
        strings: a scorecard joins it to a few dozen rows, where Arrow-backed text costs a call per take."""
        catalogue = self.indicators.reset_index()
        catalogue = catalogue.astype(
            {column: "object" for column in catalogue.columns if pd.api.types.is_string_dtype(catalogue[column].dtype)}
        )
        catalogue["order"] = np.arange(len(catalogue))
        return catalogue

    # Each of these scans the whole table, and pages ask on every rerun: work them out once.
    @cached_property
    def months(self) -> list[pd.Timestamp]:
        """Months with any figure, oldest first."""
        if self.known_months is not None:
            return list(self.known_months)
        return sorted(self.table["period"].unique())

    @property
    def latest_month(self) -> pd.Timestamp | None:
        return self.months[-1] if self.months else None

    @cached_property
    def teams(self) -> list[str]:
        """Team names, without the whole service."""
        if self.known_teams is not None:
            return list(self.known_teams)
        return sorted(team for team in self.table["team"].unique() if team != WHOLE_SERVICE)

    @cached_property
    def series_keys(self) -> pd.MultiIndex:
        """Every (indicator_id, team) pair that has at least one row in the snapshot."""
        if self.known_series is not None:
            return self.known_series
        indicator, team = self.table["indicator_id"].cat, self.table["team"].cat
        width = len(team.categories)
        pairs = sorted_distinct(indicator.codes.to_numpy("int64") * width + team.codes.to_numpy("int64"))
        return pd.MultiIndex.from_arrays(
            [indicator.categories[pairs // width].astype("object"), team.categories[pairs % width].astype("object")],
            names=["indicator_id", "team"],
        )

    def memory_bytes(self) -> int:
        """About how much memory its tables hold now (the whole table, slices and kept tables once made).

        Each table's size is worked out once: they are never changed, and an app server asks again
        whenever it keeps another snapshot."""
        frames = [
            frame
            for frame in (
                self.indicators,
                self.whole_service,
                self.targets,
                self.benchmarks,
                self.commentary,
                self.caseloads,
                self.__dict__.get("table"),
                *list(self._slices.values()),
                *self._kept.values(),
            )
            if isinstance(frame, pd.DataFrame)
        ]
        with self._sizes_lock:
            known = dict(self._sizes)
            self._sizes.clear()  # tables no longer held are forgotten
            for frame in frames:
                held, size = known.get(id(frame), (None, 0))
                if held is not frame:
                    size = int(frame.memory_usage(index=True, deep=False).sum())
                self._sizes[id(frame)] = (frame, size)
            return sum(size for _, size in self._sizes.values())

    def series(self, indicator_id: str, team: str) -> pd.DataFrame:
        """One indicator's monthly rows for one team ("" for the whole service), numbered from 0."""
        rows = self.rows_of(indicator_id, [team])
        return rows[rows["team"] == team].sort_values("period", ignore_index=True)


def _words(column: str, codes: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=RATED_WORDS[column])


@dataclass(frozen=True)
class RatedSnapshot:
    """A snapshot's rated figures for one audience, and its caseload team figures (None without caseloads)."""

    figures: pd.DataFrame
    caseloads: pd.DataFrame | None


class Sources:
    """A snapshot's figures resolved (ratios worked out, the whole service added) and, kept apart so
    that millions of rows are not copied, its caseload team figures as indicators of their own; read
    a few indicators at a time. Resolved once, whatever the audiences rated from them."""

    def __init__(self, snapshot: Snapshot):
        tables = [snapshot.values]
        self.indicators = snapshot.indicators
        caseloads = snapshot.table("caseloads")
        if caseloads is not None and not caseloads.empty:
            tables.append(caseload_figures(caseloads)[snapshot.values.columns])
            self.indicators = pd.concat([self.indicators, CASELOAD_CATALOGUE], ignore_index=True)
            if set(tables[0]["indicator_id"].unique()) & set(CASELOAD_CATALOGUE["indicator_id"]):
                tables = [pd.concat(tables, ignore_index=True)]  # an indicator in both: resolved as one
        # Each whole table at once: one pass, not one for each few indicators (and each audience). The
        # rows stay where they are; each indicator's positions are kept in series order instead.
        self.tables = [_Joined(*resolved_parts(table, self.indicators)) for table in tables]
        del tables
        self.positions = [_series_positions(table.keys()) for table in self.tables]
        # The rest of the snapshot (its catalogue, targets and small tables), without the values: the
        # resolved figures stand for them, and a caller that lets the snapshot go frees them.
        self.snapshot = replace(
            snapshot, tables={name: frame for name, frame in snapshot.tables.items() if name != "values"}
        )
        self.names = [name for positions in self.positions for name in positions]
        self.rank = {name: rank for rank, name in enumerate(self.names)}  # the order of series_order
        self.workers = threads() if sum(map(len, self.tables)) >= THREADS_FROM_ROWS else 1
        # Each thread rates a part of its own, so parts are smaller: the same rows in memory at once.
        self.per_part = max(1, INDICATORS_AT_ONCE // self.workers)

    def rows(self, names: list[str]) -> pd.DataFrame:
        """The resolved rows of these indicators, in series order (by indicator, team and month)."""
        names = sorted(names, key=self.rank.get)
        parts = [
            table.take(np.concatenate(found))
            for table, positions in zip(self.tables, self.positions)
            if (found := [positions[name] for name in names if name in positions])
        ]
        if not parts:
            return self.tables[0].take(np.zeros(0, dtype=np.int64))
        if len(parts) == 1:
            return parts[0].reset_index(drop=True)
        # Indicators of both tables: ordered as when the two were resolved together, by indicator as
        # text, then team in alphabetical order (the whole service last), then month.
        combined = pd.concat(parts, ignore_index=True)
        teams = combined["team"].astype(object)
        combined["team"] = pd.Categorical(teams, categories=[*sorted(set(teams) - {WHOLE_SERVICE}), WHOLE_SERVICE])
        combined["indicator_id"] = combined["indicator_id"].astype("str")
        return in_series_order(combined)

    def teams_and_months(self) -> tuple[pd.Index, pd.DatetimeIndex]:
        """Every team (the whole service "" last) and month of the snapshot."""
        parts = [part for table in self.tables for part in table.parts]
        teams = sorted({str(team) for part in parts for team in part["team"].unique()} - {WHOLE_SERVICE})
        months = sorted({month for part in parts for month in part["period"].unique()})
        return pd.Index([*teams, WHOLE_SERVICE]), pd.DatetimeIndex(months)


class _Joined:
    """Two tables with the same columns read as one, the second's rows numbered after the first's, without
    joining them: a join is a copy of every row, and the second (the derived whole service) is a few
    thousand rows beside millions."""

    KEYS = ["indicator_id", "team", "period"]

    def __init__(self, first: pd.DataFrame, second: pd.DataFrame):
        self.parts = (first, second)
        # A column of another type in each joins as a third (str and object as object): read as the join would.
        self.same_type = {
            name: exact_type(first[name].dtype) == exact_type(second[name].dtype) for name in first.columns
        }

    def __len__(self) -> int:
        return sum(map(len, self.parts))

    def keys(self) -> pd.DataFrame:
        """The names and months of every row, joined (a fraction of the whole's size), to put them in order."""
        return pd.concat([part[self.KEYS] for part in self.parts], ignore_index=True)

    def take(self, positions: np.ndarray) -> pd.DataFrame:
        """The rows at these positions, as pd.concat(parts).take(positions).reset_index(drop=True)."""
        first, second = self.parts
        cut = len(first)
        later = positions >= cut
        if all(self.same_type.values()) and not later.any():
            return first.take(positions).reset_index(drop=True)
        if all(self.same_type.values()) and later.all():
            return second.take(positions - cut).reset_index(drop=True)
        earlier = np.where(later, 0, positions)
        return pd.DataFrame({name: self._column(name, positions, earlier, later) for name in first.columns})

    def _column(self, name: str, positions: np.ndarray, earlier: np.ndarray, later: np.ndarray):
        """One column of take: the first's values at its rows, the second's at the rest."""
        first, second = (part[name] for part in self.parts)
        if not self.same_type[name] or not isinstance(first.dtype, (np.dtype, pd.CategoricalDtype)):
            return pd.concat([first, second], ignore_index=True).take(positions).reset_index(drop=True)  # as joined
        categorical = isinstance(first.dtype, pd.CategoricalDtype)
        values = (codes_of(first) if categorical else first.to_numpy())[earlier]
        values[later] = (codes_of(second) if categorical else second.to_numpy())[positions[later] - len(first)]
        return pd.Categorical.from_codes(values, dtype=first.dtype) if categorical else values


def _series_positions(figures: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each indicator's row positions in series order (by team, then month), indicators in order."""
    order = series_order(figures)
    if not len(order):
        return {}
    codes, names = coded(figures["indicator_id"])
    codes = codes[order]
    bounds = np.r_[np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]), len(order)]
    return {names[codes[start]]: order[start:stop] for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist())}


def _chunks(sources: Sources, audiences) -> tuple[list[list[str]], dict]:
    """The indicators a few at a time, keeping linked indicators together, and the link classes.

    In public every indicator sharing a figure with another (a count and the percentages whose
    denominator it is) is suppressed with it, so the link classes are found first, over every
    indicator, and then each chunk holds whole groups of linked indicators (for every audience rated
    with the public).
    """
    names = sources.names
    chunks = [names[start : start + sources.per_part] for start in range(0, len(names), sources.per_part)]
    if PUBLIC not in audiences:
        return chunks, {}
    teams, months = sources.teams_and_months()
    blocks, columns = [], []
    for block, block_columns in in_order(
        lambda chunk: suppression.column_block(sources.rows(chunk), sources.indicators, teams, months),
        chunks,
        sources.workers,
    ):
        blocks.append(block)
        columns += block_columns
    links = suppression.linked_columns(blocks, columns, teams, months)
    del blocks
    chunks = []
    for members in components(links, names):
        if chunks and len(chunks[-1]) + len(members) <= sources.per_part:
            chunks[-1].extend(members)
        else:
            chunks.append(list(members))
    return chunks, links


Rated = tuple[pd.DataFrame | None, pd.DataFrame | None]  # a chunk's rated figures, and its caseload team figures
Made = TypeVar("Made")


def rated_chunks(
    sources: Sources, audiences: list[str], then: Callable[[dict[str, Rated]], Made] | None = None
) -> Iterator[dict[str, Rated] | Made]:
    """A snapshot's resolved figures (Sources) a few indicators at a time, rated for each audience: by
    audience, their rated figures and their caseload team figures (None when none).

    Every rule but suppression works within one indicator, and suppression within groups of
    linked indicators, so indicators are rated a few at a time: at regional scale that keeps the
    working memory to a fraction of the whole. The caseload team figures pass the same
    suppression, linked to the indicators they repeat. The first chunk always has rated figures,
    if need be none, so that their columns are known. The audiences share each chunk's rows and what
    rating needs of them besides the figures (polarity, targets, series order): only the figures
    differ between audiences, where small numbers are hidden.

    then: what to make of each chunk's parts on the thread that rated them (yielded instead of the
    parts), so that whoever takes them in order has less to do: preparing writes them to files.
    """
    chunks, links = _chunks(sources, audiences)
    caseload_ids = set(CASELOAD_CATALOGUE["indicator_id"])

    def rate_chunk(numbered: tuple[int, list[str]]) -> dict[str, Rated]:
        number, chunk = numbered
        figures = sources.rows(chunk)
        is_caseload = figures["indicator_id"].isin(caseload_ids).to_numpy()
        rated_rows = (~is_caseload).any() or number == 0
        keys, parts = None, {}
        for audience in audiences:
            shown = _disclosed(figures, sources.indicators, audience, links)
            rated = None
            if rated_rows:
                rows = shown[~is_caseload].reset_index(drop=True) if is_caseload.any() else shown  # not a copy
                if keys is None:
                    keys = _keys(rows, sources.snapshot, sources.indicators)
                rated = _rate(rows, keys)
            parts[audience] = rated, (shown[is_caseload] if is_caseload.any() else None)
        return parts if then is None else then(parts)

    yield from in_order(rate_chunk, enumerate(chunks or [[]]), sources.workers)


def caseload_table(parts: list[pd.DataFrame]) -> pd.DataFrame | None:
    """The caseload team figures of rated_chunks as one table; None without caseloads."""
    if not parts:
        return None
    return pd.concat(parts, ignore_index=True)[["indicator_id", "period", "team", "value", "suppressed"]].astype(
        {"indicator_id": "str", "team": "str"}
    )


def rate_snapshot(snapshot: Snapshot, audience: str = PUBLIC, sources: Sources | None = None) -> RatedSnapshot:
    """Every figure of a snapshot resolved (unless its Sources are given), suppressed (public audience)
    and rated, in memory."""
    rated_parts, caseload_parts = [], []
    for parts in rated_chunks(sources or Sources(snapshot), [audience]):
        rated, caseloads = parts[audience]
        if rated is not None:
            rated_parts.append(rated)
        if caseloads is not None:
            caseload_parts.append(caseloads)
    rated = pd.concat(rated_parts, ignore_index=True)
    del rated_parts
    for column in NAME_COLUMNS:
        rated[column] = names_in_order(rated[column])
    return RatedSnapshot(rated, caseload_table(caseload_parts))


def names_in_order(names: pd.Series) -> pd.Series:
    """Names as categories in alphabetical order (the whole service, "", first), however they were held."""
    if not isinstance(names.dtype, pd.CategoricalDtype):
        names = names.astype("category")
    return names.cat.reorder_categories(sorted(names.cat.categories))


def _disclosed(figures: pd.DataFrame, indicators: pd.DataFrame, audience: str, links: dict) -> pd.DataFrame:
    """The figures as the audience may see them (every public figure passes the disclosure step)."""
    if audience == PUBLIC:
        return suppress_figures(figures, indicators, links)
    return unsuppressed(figures)


@dataclass(frozen=True)
class _Keys:
    """What rating needs of a chunk's rows besides their figures, the same for every audience."""

    polarity: pd.Categorical
    target: np.ndarray
    tolerance: np.ndarray
    series: SeriesOrder
    segment: np.ndarray | None = None  # where a note records a change, SPC's limits restart (spc.restart_segments)


def _keys(figures: pd.DataFrame, snapshot: Snapshot, indicators: pd.DataFrame) -> _Keys:
    targets = targets_in_force(figures, snapshot.table("targets"))
    return _Keys(
        per_row_words(figures["indicator_id"], indicators.set_index("indicator_id")["polarity"]),
        targets["target"].to_numpy(),
        targets["tolerance"].to_numpy(),
        SeriesOrder(figures),
        spc.restart_segments(figures, recorded_changes(snapshot.table("commentary"))),
    )


def change_months(commentary: pd.DataFrame | None, indicator_id: str, team: str) -> list[pd.Timestamp]:
    """The months, oldest first, from which a recorded change restarts SPC's limits for this series."""
    changes = recorded_changes(commentary)
    if changes is None:
        return []
    about = changes["indicator_id"].isna() | (changes["indicator_id"].astype("object") == indicator_id)
    teams = changes["team"].astype("object")
    about &= changes["team"].isna() | (teams == team)
    return sorted({pd.Timestamp(month) for month in changes.loc[about, "period"]})


def recorded_changes(commentary: pd.DataFrame | None) -> pd.DataFrame | None:
    """The notes that record a change in practice or definition (a `change` given): SPC restarts there."""
    if commentary is None or "change" not in commentary:
        return None
    change = commentary["change"].astype("object")
    marked = change.notna() & change.map(lambda text: isinstance(text, str) and text.strip() != "")
    return commentary[marked] if marked.any() else None


def _rate(figures: pd.DataFrame, keys: _Keys) -> pd.DataFrame:
    polarity, series = keys.polarity, keys.series
    figures["target"] = keys.target
    figures["tolerance"] = keys.tolerance
    figures["rag"] = _words("rag", rag_codes(figures["value"], figures["target"], figures["tolerance"], polarity))

    figures["previous_value"] = series.previous(figures["value"].to_numpy(dtype="float64"))
    figures["previous_suppressed"] = series.previous(figures["suppressed"].to_numpy(dtype=bool), missing=False)
    figures["direction"] = _words("direction", direction_codes(figures["value"], figures["previous_value"], polarity))
    # How long the row's status (red or amber) has lasted, and whether since its first month of data
    figures["months_at_status"], figures["status_from_start"] = status_runs(figures, series)
    # Each month's SPC reading of its series up to then: the scorecard for any month looks it up.
    signals = spc.signals_at_every_point(figures, polarity, figures["target"].to_numpy(), series.order, keys.segment)
    figures["variation"] = signals["variation"].array
    figures["assurance"] = signals["assurance"].array
    return figures


def whole_service_rows(rated: pd.DataFrame) -> pd.DataFrame:
    """The whole service's rows of a rated table."""
    return rated[rated["team"] == WHOLE_SERVICE].reset_index(drop=True)


def assemble_performance(
    as_at,
    audience: str,
    tables: dict[str, pd.DataFrame],
    whole_service: pd.DataFrame,
    load_table: Callable[[], pd.DataFrame],
    **known,
) -> Performance:
    """A Performance from a snapshot's catalogue and small tables, and its rated figures."""
    return Performance(
        as_at=pd.Timestamp(as_at),
        audience=audience,
        indicators=tables["indicators"].set_index("indicator_id"),
        whole_service=whole_service,
        load_table=load_table,
        targets=tables.get("targets"),
        benchmarks=tables.get("benchmarks"),
        commentary=tables.get("commentary"),
        plan=tables.get("plan"),
        **known,
    )


def build_performance(snapshot: Snapshot, audience: str = PUBLIC) -> Performance:
    """Resolve, suppress (public audience) and rate every figure of a snapshot."""
    rated = rate_snapshot(snapshot, audience)
    return assemble_performance(
        snapshot.as_at,
        audience,
        snapshot.tables,
        whole_service_rows(rated.figures),
        lambda: rated.figures,
        caseloads=rated.caseloads,
    )


def sparklines(
    performance: Performance, rows: pd.DataFrame, month: pd.Timestamp, months: int = 13
) -> list[list[float | None]]:
    """For each (indicator_id, team) row, the last `months` values up to the month (None = gap)."""
    first = months_before(month, months - 1)
    teams = rows["team"].unique()
    window = performance.rows_between(first, month, teams)
    # Only the window's rows of these teams, as plain arrays (filtering the frame copies every column).
    indicator, team = (window[column].astype("category") for column in ("indicator_id", "team"))
    wanted = team.cat.categories.get_indexer(pd.Index(teams, dtype=object))
    kept = np.flatnonzero(np.isin(team.cat.codes.to_numpy(), wanted[wanted >= 0]))
    indicators = np.asarray(indicator.cat.categories, dtype=object)[indicator.cat.codes.to_numpy()[kept]]
    team_names = np.asarray(team.cat.categories, dtype=object)[team.cat.codes.to_numpy()[kept]]
    month_numbers = window["period"].to_numpy(dtype="datetime64[ns]")[kept].astype("datetime64[M]").astype(np.int64)
    steps = month_numbers - np.datetime64(first, "M").astype(np.int64)
    values = window["value"].to_numpy(dtype=float, na_value=np.nan)[kept]
    places: dict[tuple, list[int]] = {}
    for position, key in enumerate(zip(rows["indicator_id"].astype("object"), rows["team"].astype("object"))):
        places.setdefault(key, []).append(position)
    lines: list[list[float | None]] = [[None] * months for _ in range(len(rows))]
    for indicator_id, team_name, step, value in zip(
        indicators.tolist(), team_names.tolist(), steps.tolist(), values.tolist()
    ):
        if value == value:  # the first figure a month has, as a gap when it has none
            for position in places.get((indicator_id, team_name), ()):
                if lines[position][step] is None:
                    lines[position][step] = float(value)
    return lines
