"""Cached loading: snapshots are immutable, so each is read and rated once per process."""

from __future__ import annotations

import atexit
import logging
import threading
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from metrics.annex_a.build import ImportReport, read_report
from metrics.comparators import benchmarking
from metrics.core.kept import KeptWithin
from metrics.core.months import format_month
from metrics.core.problems import InputError
from metrics.core.settings import listing_seconds, memory_bytes
from metrics.disclosure.audience import INTERNAL, PUBLIC
from metrics.outputs import comparison, narrative, report, series
from metrics.outputs import plan as plan_words
from metrics.outputs.formatting import WHOLE_SERVICE_LABEL, team_label
from metrics.outputs.scorecard import build_scorecard, shares_every_month
from metrics.plan import measures as plan_measures
from metrics.prepare import prepared
from metrics.prepare.ahead import AHEAD, large, large_folder
from metrics.prepare.prepared import CheckedSnapshot
from metrics.publishing.preview import Preview
from metrics.publishing.records import read_log, read_publication
from metrics.publishing.staging import kept_preview
from metrics.rating import revisions, spc
from metrics.rating.caseloads import DEFAULT_THRESHOLD, average_trend, summary_from_figures, team_summary
from metrics.rating.caseloads import trend as caseload_measures
from metrics.rating.caseloads import workers_over as over_threshold
from metrics.rating.performance import Performance, sparklines
from metrics.snapshot.contract import WHOLE_SERVICE
from metrics.snapshot.reading import DataRoot, SnapshotFolder, data_root, find_snapshot_folders, read_tables
from ui import tables
from ui.display import plain, with_status_labels
from ui.html import table_html
from ui.tables import OFF_TARGET_COLUMNS, SCORECARD_COLUMNS, TREND_MONTHS, CaseloadSummary, scorecard_cells
from ui.tables import caseload_summary as caseload_summary_table
from ui.turns import TURNS, step_aside

log = logging.getLogger(__name__)

LISTING_SECONDS = listing_seconds()  # how long a folder listing is trusted before new snapshots are looked for


Listing = tuple[list[tuple[date, str]], list[str]]
_LAST_LISTED: dict[str, Listing] = {}  # object storage's last listing that worked, by location
_UNREACHABLE_SINCE: dict[str, datetime] = {}  # object storage that has not answered since then (UTC)
_ASKING: dict[str, threading.Thread] = {}  # by location: the thread asking unreachable storage again
_ASKING_LOCK = threading.Lock()


@st.cache_data(ttl=LISTING_SECONDS, show_spinner=False)
def snapshot_folders(location: str) -> Listing:
    """(as-at date, path) of every snapshot folder, newest first, and folder warnings.

    Object storage that cannot be reached leaves the last listing in force, so the snapshots already
    prepared keep being served; while it is unreachable, a thread of its own asks it again every
    listing interval and no page waits for the answer (storage_unreachable_since)."""
    step_aside()  # listing object storage waits on the network
    root = data_root(location)
    if root.object_store and location in _UNREACHABLE_SINCE and location in _LAST_LISTED:
        _ask_again(location)
        return _LAST_LISTED[location]
    try:
        return _listed(location)
    except (InputError, OSError, pa.ArrowException) as error:
        if root.object_store and location in _LAST_LISTED:
            _UNREACHABLE_SINCE.setdefault(location, datetime.now(UTC))
            log.warning("object storage %s cannot be reached, the last listing stays in force: %s", root.uri, error)
            return _LAST_LISTED[location]
        # A missing or unreadable data root, with nothing listed before: the page says so.
        said = error.problems[0].message if isinstance(error, InputError) else f"the store cannot be reached: {error}"
        return [], [str(said).splitlines()[0]]


def _listed(location: str) -> Listing:
    """The snapshot folders as the data root lists them now; object storage's listing is kept, and
    storage that answers is reachable again."""
    root = data_root(location)
    folders, warnings = find_snapshot_folders(root)
    listing = [(folder.as_at, folder.path) for folder in folders], warnings
    if root.object_store:
        _LAST_LISTED[location] = listing
        _UNREACHABLE_SINCE.pop(location, None)
    return listing


def _ask_again(location: str) -> None:
    """Have a thread of its own ask unreachable object storage for its listing, if none is asking."""
    with _ASKING_LOCK:
        if location in _ASKING and _ASKING[location].is_alive():
            return
        thread = threading.Thread(target=_ask, args=(location,), name="ask-storage", daemon=True)
        _ASKING[location] = thread
    thread.start()


def _ask(location: str) -> None:
    """Every listing interval until object storage answers (or the process ends)."""
    while not _EXITING.wait(LISTING_SECONDS):
        try:
            _listed(location)
        except (InputError, OSError, pa.ArrowException) as error:
            log.info("object storage %s still cannot be reached: %s", data_root(location).uri, error)
            continue
        log.warning("object storage %s answers again", data_root(location).uri)
        return


def storage_unreachable_since(location: str) -> datetime | None:
    """When object storage at location stopped answering (UTC), or None while it answers."""
    return _UNREACHABLE_SINCE.get(location)


_LAST_READ: dict[tuple, object] = {}  # by what was read: the last that object storage answered


def _from_store(location: str, key: tuple, read, otherwise):
    """What read() gives, kept. While object storage at location cannot be reached, or when read fails
    on the network, what it gave last (otherwise, if nothing yet), without waiting on the store."""
    if location in _UNREACHABLE_SINCE:
        return _LAST_READ.get(key, otherwise)
    try:
        _LAST_READ[key] = read()
    except (OSError, pa.ArrowException) as error:
        log.warning("%s not read from %s: %s", key[0], data_root(location).uri, error)
        return _LAST_READ.get(key, otherwise)
    return _LAST_READ[key]


Folder = tuple[date, str]  # (as-at date, path)


@st.cache_resource(max_entries=4, show_spinner="Checking the snapshots…")
def _survey(
    location: str, folders: tuple[Folder, ...], settled: tuple[Folder, ...]
) -> tuple[list[CheckedSnapshot], list[CheckedSnapshot], tuple[Folder, ...]]:
    """Valid and invalid snapshots, and the large new ones left to a process of their own to check (while
    another snapshot is valid to show) until they are among the settled."""
    step_aside()  # a new snapshot is read and checked
    root = data_root(location)
    known = {folder: prepared.checked_before(root, SnapshotFolder(*folder)) for folder in folders}
    can_wait = prepared.cache_folder() is not None and any(c is not None and c.valid for c in known.values())
    checked, waiting = [], []
    for folder, checks in known.items():
        if checks is None and can_wait and folder not in settled and large_folder(root, SnapshotFolder(*folder)):
            waiting.append(folder)
        else:
            checked.append(checks or prepared.check(root, SnapshotFolder(*folder)))
    return [s for s in checked if s.valid], [s for s in checked if not s.valid], tuple(waiting)


_WAITING: dict[tuple, set[Folder]] = {}  # per listing: new snapshots left to a process of their own to check
_SETTLED: dict[tuple, set[Folder]] = {}  # of those, the ones checked since, or whose process has ended
_WAITING_LOCK = threading.Lock()


def survey(location: str, audiences: list[str]) -> tuple[list[CheckedSnapshot], list[CheckedSnapshot], list[str]]:
    """Valid snapshots (newest first), invalid ones, and folder warnings: one cache lookup per rerun.

    A large new snapshot is checked and prepared for the audiences (in one pass) by a process of
    its own while another snapshot is there to show: checking one at regional scale holds a server's
    pages up for seconds. It is listed once checked, and opened on once ready (ui/frame.py)."""
    folders, warnings = snapshot_folders(location)
    root, listing = data_root(location), (location, tuple(folders))
    with _WAITING_LOCK:
        settled = _SETTLED.setdefault(listing, set())
        for folder in _WAITING.get(listing, set()) - settled:
            snapshot = SnapshotFolder(*folder)
            if not AHEAD.running(root, snapshot) or prepared.checked_before(root, snapshot) is not None:
                settled.add(folder)  # for good: listed from now on (checked by hand if its process failed)
        settled = tuple(sorted(settled))
    valid, invalid, waiting = _survey(location, tuple(folders), settled)
    with _WAITING_LOCK:
        _WAITING.setdefault(listing, set()).update(waiting)
    for folder in waiting:
        AHEAD.start(root, SnapshotFolder(*folder), audiences)
    return valid, invalid, warnings


_PERFORMANCES: KeptWithin[Performance] = KeptWithin(memory_bytes, Performance.memory_bytes)


def performance(location: str, as_at: date, path: str, audience: str) -> Performance:
    """The rated performance table of one snapshot for one audience (prepared once, then read), kept in
    memory while the snapshots held fit PERFORMANCE_MEMORY_MB: the demo's five snapshots take a few MB
    each, a regional-scale one that has loaded every team some 450 MB."""

    def prepare() -> Performance:
        step_aside()  # read, or waited for while it is prepared
        root, folder = data_root(location), SnapshotFolder(as_at, path)
        with st.spinner(waiting_words(root, folder, audience)) if get_script_run_ctx() else nullcontext():
            AHEAD.wait(root, folder, audience)  # a process of its own at it already: read what it keeps
            return prepared.performance(root, folder, audience)

    return _PERFORMANCES.get((location, as_at, path, audience), prepare)


def waiting_words(root: DataRoot, folder: SnapshotFolder, audience: str) -> str:
    """What the spinner says while a snapshot is got ready: a large one not prepared yet takes a while."""
    checks = prepared.checked_before(root, folder)
    if checks is None or not large(checks) or prepared.is_prepared(root, folder, audience):
        return "Working out the figures…"
    return (
        f"The snapshot as at {folder.as_at:%d %B %Y} is large and is being prepared on this server for the "
        "first time (checks, small-number protection and ratings): up to a minute, once. Every page "
        "after that opens in moments."
    )


_READY: set[tuple] = set()  # snapshots (and audiences) known to be ready: snapshots never change


def ready(location: str, snapshot: CheckedSnapshot, audience: str) -> bool:
    """Can a page show this snapshot without waiting for it to be prepared: it is small, held in
    memory, or kept prepared (or there is no cache, so nothing could prepare it ahead)."""
    key = (location, snapshot.as_at, snapshot.path, audience)
    if key in _READY:
        return True
    if (
        not large(snapshot)
        or key in _PERFORMANCES
        or prepared.cache_folder() is None
        or prepared.is_prepared(data_root(location), SnapshotFolder(snapshot.as_at, snapshot.path), audience)
    ):
        _READY.add(key)
        return True
    return False


def being_prepared(location: str, snapshot: CheckedSnapshot, audience: str) -> bool:
    """True while a process of its own is preparing the snapshot and it is not ready for the audience yet."""
    return not ready(location, snapshot, audience) and AHEAD.running(
        data_root(location), SnapshotFolder(snapshot.as_at, snapshot.path)
    )


def prepare_ahead(location: str, snapshot: CheckedSnapshot, audiences: list[str]) -> None:
    """Have a process of its own prepare a large snapshot for these audiences (in one pass), if
    nothing is at it yet; ready() says when it is done."""
    AHEAD.start(data_root(location), SnapshotFolder(snapshot.as_at, snapshot.path), audiences)


# Other snapshots are read ahead while what is held stays under this share of PERFORMANCE_MEMORY_MB.
READ_AHEAD_SHARE = 0.5
_READ_AHEAD: set[tuple] = set()  # (location, snapshots, audience) already read ahead, or being read
_READ_AHEAD_LOCK = threading.Lock()
_READ_AHEAD_THREADS: list[threading.Thread] = []
_EXITING = threading.Event()
EXIT_WAIT_SECONDS = 10  # at the process's end, the longest a read ahead under way is waited for


def _finish_reading_ahead() -> None:
    """At the process's end, read no more ahead and let a read under way finish: an Arrow read cut off
    by the interpreter's end aborts the process ("terminate called without an active exception", once
    in a benchmark's page process that ended while the demo's other snapshots were being read)."""
    _EXITING.set()
    for thread in list(_READ_AHEAD_THREADS):
        thread.join(timeout=EXIT_WAIT_SECONDS)


atexit.register(_finish_reading_ahead)  # after the server's own threads end, before the interpreter's end


def read_ahead(location: str, valid: list[CheckedSnapshot], audience: str) -> threading.Thread | None:
    """Have the other valid snapshots read into memory in the background, each with its every-month
    scorecard, so that choosing one under Snapshot is as quick as any other choice (a first switch
    to a demo snapshot took 150 to 240 ms, then 30). Once per list of snapshots and audience; the
    thread, or None when it was done before."""
    key = (location, tuple((snapshot.as_at, snapshot.path) for snapshot in valid), audience)
    with _READ_AHEAD_LOCK:
        if key in _READ_AHEAD:
            return None
        _READ_AHEAD.add(key)
    thread = threading.Thread(target=_read_ahead, args=(location, valid, audience), name="read-ahead", daemon=True)
    with _READ_AHEAD_LOCK:
        _READ_AHEAD_THREADS[:] = [*(other for other in _READ_AHEAD_THREADS if other.is_alive()), thread]
    thread.start()
    return thread


def _read_ahead(location: str, valid: list[CheckedSnapshot], audience: str) -> None:
    """Newest first, each snapshot kept prepared for the audience and not yet held, while what is held
    fits READ_AHEAD_SHARE of the budget; its every-month scorecard in a turn like a page run's (ui/turns.py).
    Nothing is prepared here: a snapshot not prepared yet is left for whoever chooses it."""
    root = data_root(location)
    for snapshot in valid:
        if _EXITING.is_set():
            return
        if (location, snapshot.as_at, snapshot.path, audience) in _PERFORMANCES:
            continue
        if _PERFORMANCES.held_bytes() > READ_AHEAD_SHARE * memory_bytes():
            return
        try:
            if not prepared.is_prepared(root, SnapshotFolder(snapshot.as_at, snapshot.path), audience):
                continue
            rated = TURNS.run(lambda snapshot=snapshot: performance(location, snapshot.as_at, snapshot.path, audience))
            if rated.latest_month is not None and shares_every_month(rated):  # its every-month scorecard
                TURNS.run(lambda rated=rated: build_scorecard(rated, rated.latest_month, [WHOLE_SERVICE]))
        except Exception as error:  # a snapshot removed meanwhile, say: it is read when chosen, as before
            log.info("snapshot as at %s not read ahead: %s", snapshot.as_at, error)


@st.cache_resource(max_entries=2, show_spinner="Reading the caseloads…")
def _worker_caseloads(location: str, as_at: date, path: str) -> pd.DataFrame | None:
    """The snapshot's worker caseloads (internal only), or None when it has none (the table is optional)."""
    step_aside()
    tables, _ = read_tables(data_root(location), path, ["caseloads"])
    return tables.get("caseloads")


def _internal_caseloads(location: str, as_at: date, path: str, audience: str) -> pd.DataFrame:
    if audience != INTERNAL:
        raise PermissionError("worker-level caseloads are for the internal view only")
    return _worker_caseloads(location, as_at, path)


@st.cache_data(max_entries=16, show_spinner=False)
def caseload_months(location: str, as_at: date, path: str, audience: str) -> list[pd.Timestamp]:
    """Months with caseload figures, oldest first (empty when the snapshot has no caseloads)."""
    figures = performance(location, as_at, path, audience).caseloads
    return [] if figures is None else sorted(pd.Timestamp(month) for month in figures["period"].unique())


@st.cache_resource(max_entries=64, show_spinner=False)
def caseload_summary(
    location: str, as_at: date, path: str, audience: str, month: str, threshold: int
) -> CaseloadSummary:
    """By team for the month: in public the disclosure-controlled team figures (at the default
    threshold only), internally every figure from the workers' caseloads."""
    if audience == PUBLIC:
        if threshold != DEFAULT_THRESHOLD:
            raise ValueError(f"the public view shows caseloads over {DEFAULT_THRESHOLD} only")
        figures = performance(location, as_at, path, audience).caseloads
        return caseload_summary_table(summary_from_figures(figures, pd.Timestamp(month)), threshold, detailed=False)
    workers = _internal_caseloads(location, as_at, path, audience)
    return caseload_summary_table(team_summary(workers, pd.Timestamp(month), threshold), threshold, detailed=True)


@st.cache_data(max_entries=32, show_spinner=False)
def caseload_workers(location: str, as_at: date, path: str, audience: str, month: str) -> pd.DataFrame:
    """Every worker's caseload in the month (internal only)."""
    workers = _internal_caseloads(location, as_at, path, audience)
    return workers[workers["period"] == pd.Timestamp(month)]


@st.cache_data(max_entries=64, show_spinner=False)
def caseload_trend(location: str, as_at: date, path: str, audience: str, team: str) -> pd.DataFrame:
    """Cases per worker over time for a team or "Whole service": the average in public, more internally."""
    team = WHOLE_SERVICE if team == WHOLE_SERVICE_LABEL else team
    if audience == PUBLIC:
        return average_trend(performance(location, as_at, path, audience).caseloads, team)
    return caseload_measures(_internal_caseloads(location, as_at, path, audience), team)


@st.cache_data(max_entries=32, show_spinner=False)
def workers_over(location: str, as_at: date, path: str, audience: str, month: str, threshold: int) -> pd.DataFrame:
    """The workers over the threshold in the month, most cases first (internal only)."""
    return over_threshold(_internal_caseloads(location, as_at, path, audience), pd.Timestamp(month), threshold)


@dataclass(frozen=True)
class AreaTable:
    """One area's part of the scorecard, ready to draw."""

    area: str
    html: str
    definitions: str
    paragraph: str  # what the area's figures say


@st.cache_resource(max_entries=128, show_spinner=False)
def scorecard(
    location: str, as_at: date, path: str, audience: str, month: str, teams: tuple[str, ...]
) -> tuple[pd.DataFrame, list[AreaTable], list[narrative.Said]]:
    """The scorecard rows for a month and teams, per area the table as people read it, and the story (led,
    for the whole service, by the Improvement Plan's priorities off track).

    Shared between sessions and never changed, so it is built once per choice.
    """
    rated = performance(location, as_at, path, audience)
    month = pd.Timestamp(month)
    rows = build_scorecard(rated, month, list(teams))
    cells = scorecard_cells(rows, sparklines(rated, rows, month, TREND_MONTHS))
    where = ", ".join(team_label(team) for team in teams) + f", {format_month(month)}"
    areas = []
    read = rows[narrative.PARAGRAPH_COLUMNS]  # a narrow table to slice per area (the scorecard has forty-odd columns)
    for area, positions in rows.groupby("area", sort=False).indices.items():
        definitions = "\n".join(
            f"- **{plain(name)}**: {plain(definition)}"
            for name, definition in zip(rows["name"].iloc[positions], rows["definition"].iloc[positions])
        )
        html = table_html(SCORECARD_COLUMNS, [cells[i] for i in positions], f"{area}: {where}")
        areas.append(AreaTable(area, html, definitions, narrative.area_paragraph(read.iloc[positions])))
    lead = ()
    if teams == (WHOLE_SERVICE,) and plan_measures.has_plan(rated):
        lead = (plan_words.off_track_sentence(plan_words.priorities(plan_measures.progress_in(rated, month), month)),)
    return rows, areas, narrative.summary(rows, narrative.signal_runs(rated, rows), lead)


@st.cache_data(max_entries=8, show_spinner=False)
def committee_report(
    location: str,
    as_at: date,
    path: str,
    audience: str,
    month: str,
    team: str,
    previous: str | None,
    council: str,
    today: date,
) -> bytes:
    """The committee report (.docx) for a month and team; previous is the next older valid snapshot's
    as-at date (YYYY-MM-DD), for what was revised since."""
    rated = performance(location, as_at, path, audience)
    revised = None if previous is None else revisions_between(location, previous, as_at.isoformat(), audience)
    return report.build_report(rated, report.ReportRequest(pd.Timestamp(month), team, council, today), revised)


@st.cache_data(max_entries=64, show_spinner=False)
def indicator_sentences(
    location: str,
    as_at: date,
    path: str,
    audience: str,
    indicator_id: str,
    month: str,
    teams: tuple[str, ...],
    previous: str | None,
) -> list[str]:
    """One indicator's sentence for each team in the month (teams that report it); previous is the next older
    valid snapshot's as-at date (YYYY-MM-DD), for what was revised since."""
    rated = performance(location, as_at, path, audience)
    rows = build_scorecard(rated, pd.Timestamp(month), list(teams))
    revised = None if previous is None else revisions_between(location, previous, as_at.isoformat(), audience)
    return narrative.sentences(rated, rows[rows["indicator_id"] == indicator_id], revised)


@st.cache_data(max_entries=64, show_spinner=False)
def opening_indicators(location: str, as_at: date, path: str, audience: str) -> tuple[str, str]:
    """The indicators explore and compare open on for the snapshot's latest month (links choose others)."""
    rated = performance(location, as_at, path, audience)
    month = rated.latest_month
    return comparison.first_red_indicator(rated, month), comparison.indicator_most_teams_report(rated, month)


@st.cache_data(max_entries=16, show_spinner=False)
def comparator_sources(location: str, as_at: date, path: str, audience: str) -> pd.DataFrame:
    """Where the snapshot's comparators come from (the data page's table)."""
    return benchmarking.provenance(performance(location, as_at, path, audience).benchmarks)


@st.cache_data(max_entries=64, show_spinner=False)
def off_target(location: str, as_at: date, path: str, audience: str, month: str) -> pd.DataFrame:
    """Every indicator and team amber or red in the month, worst first."""
    return comparison.off_target(performance(location, as_at, path, audience), pd.Timestamp(month))


@st.cache_data(max_entries=16, show_spinner="Comparing the snapshots…")
def revisions_between(location: str, older: str, newer: str, audience: str) -> pd.DataFrame:
    """Figures revised between two valid snapshots (as-at dates as YYYY-MM-DD)."""
    step_aside()  # at regional scale, both snapshots read whole
    folders = dict(snapshot_folders(location)[0])
    rated = [
        performance(location, date.fromisoformat(as_at), folders[date.fromisoformat(as_at)], audience)
        for as_at in (older, newer)
    ]
    return revisions.revisions(*rated)


# --- page tables: each keyed by everything it is built from, the audience always among them ---------------


@st.cache_data(max_entries=64, show_spinner=False)
def indicator_series(
    location: str,
    as_at: date,
    path: str,
    audience: str,
    indicator_id: str,
    teams: tuple[str, ...],
    start: str,
    end: str,
) -> pd.DataFrame:
    """One indicator month by month for the teams, from start to end (YYYY-MM-DD)."""
    rated = performance(location, as_at, path, audience)
    return series.indicator_series(rated, indicator_id, list(teams), pd.Timestamp(start), pd.Timestamp(end))


@st.cache_data(max_entries=64, show_spinner=False)
def explore_tables(
    location: str,
    as_at: date,
    path: str,
    audience: str,
    indicator_id: str,
    teams: tuple[str, ...],
    start: str,
    end: str,
) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """The explore page's figures as people read them (statuses as labels), their config, and the download."""
    rated = performance(location, as_at, path, audience)
    figures = indicator_series(location, as_at, path, audience, indicator_id, teams, start, end)
    unit, aggregation = rated.indicators.at[indicator_id, "unit"], rated.indicators.at[indicator_id, "aggregation"]
    shown, config = with_status_labels(tables.explore_figures(figures, unit, aggregation == "ratio"), ["Status"])
    return shown, config, series.export_series(figures, indicator_id)


@st.cache_data(max_entries=64, show_spinner=False)
def spc_reading(
    location: str,
    as_at: date,
    path: str,
    audience: str,
    indicator_id: str,
    team: str,
    start: str,
    end: str,
    rebase: str | None,
    fix_after: int | None = None,
) -> spc.SpcResult:
    """The SPC reading of one team's series over the period, with new limits from rebase (YYYY-MM-DD) on
    and, with fix_after, limits from each part's first fix_after months."""
    rated = performance(location, as_at, path, audience)
    one = indicator_series(location, as_at, path, audience, indicator_id, (team,), start, end)
    target_now = one["target"].dropna().iloc[-1] if one["target"].notna().any() else None
    polarity = rated.indicators.at[indicator_id, "polarity"]
    return spc.analyse(one, polarity, target_now, None if rebase is None else pd.Timestamp(rebase), fix_after)


@st.cache_data(max_entries=64, show_spinner=False)
def teams_for_month(
    location: str, as_at: date, path: str, audience: str, indicator_id: str, month: str
) -> pd.DataFrame:
    """Each team's figure for one indicator and month, highest first."""
    return comparison.teams_for_month(performance(location, as_at, path, audience), indicator_id, pd.Timestamp(month))


@st.cache_resource(max_entries=64, show_spinner=False)
def comparators_in_force(
    location: str, as_at: date, path: str, audience: str, indicator_id: str, month: str, comparators: tuple[str, ...]
) -> pd.DataFrame:
    """The chosen comparators' figures in force for one indicator in the month (shared: never changed)."""
    current = benchmarking.in_force(performance(location, as_at, path, audience).benchmarks, pd.Timestamp(month))
    return current[(current["indicator_id"] == indicator_id) & current["comparator"].isin(comparators)]


@st.cache_resource(max_entries=64, show_spinner=False)
def compare_table(
    location: str, as_at: date, path: str, audience: str, indicator_id: str, month: str, link_snapshot: str | None
) -> tuple[pd.DataFrame, pa.Table, dict]:
    """The compare page's team table: as downloaded, as drawn (statuses as labels), and its config."""
    rated = performance(location, as_at, path, audience)
    rows = teams_for_month(location, as_at, path, audience, indicator_id, month)
    unit = rated.indicators.at[indicator_id, "unit"]
    table = tables.compare_teams(rows, unit, indicator_id, pd.Timestamp(month), link_snapshot)
    shown, config = with_status_labels(table, ["Status"])
    return table, pa.Table.from_pandas(shown, preserve_index=False), config


@st.cache_resource(max_entries=32, show_spinner=False)
def team_grid(
    location: str, as_at: date, path: str, audience: str, month: str, coloured_up_to: int
) -> tuple[pd.DataFrame, pa.Table, dict]:
    """Teams by indicators for the month: the plain grid, the grid as drawn, and its config."""
    rated = performance(location, as_at, path, audience)
    grid = tables.team_grid(comparison.rag_matrix(rated, pd.Timestamp(month)), rated.indicators)
    shown, config = grid, {}
    if len(grid) * (len(grid.columns) - 1) <= coloured_up_to:
        shown, config = with_status_labels(grid, list(grid.columns[1:]))
    return grid, pa.Table.from_pandas(shown, preserve_index=False), config


@st.cache_resource(max_entries=64, show_spinner=False)
def off_target_table(
    location: str,
    as_at: date,
    path: str,
    audience: str,
    month: str,
    areas: tuple[str, ...],
    teams: tuple[str, ...],
    link_snapshot: str | None,
    rows_shown: int,
) -> str:
    """The most serious off-target rows for the chosen areas and teams, as an HTML table."""
    rows = filtered_off_target(location, as_at, path, audience, month, areas, teams)
    cells = tables.off_target_cells(rows.head(rows_shown), pd.Timestamp(month), link_snapshot)
    return table_html(OFF_TARGET_COLUMNS, cells, f"Off target and close to target, {format_month(pd.Timestamp(month))}")


@st.cache_data(max_entries=64, show_spinner=False)
def filtered_off_target(
    location: str, as_at: date, path: str, audience: str, month: str, areas: tuple[str, ...], teams: tuple[str, ...]
) -> pd.DataFrame:
    """Off-target rows of the chosen areas and teams (team labels; none chosen means all), worst first."""
    rows = off_target(location, as_at, path, audience, month)
    return tables.chosen_rows(rows, "area", areas, teams).reset_index(drop=True)


@st.cache_resource(max_entries=16, show_spinner=False)
def revision_tables(
    location: str, older: str, newer: str, audience: str, names: tuple[str, ...], teams: tuple[str, ...]
) -> tuple[pa.Table, pd.DataFrame]:
    """Revisions of the chosen indicators and teams: as drawn, and as downloaded."""
    changes = tables.chosen_rows(revisions_between(location, older, newer, audience), "name", names, teams)
    table, export = tables.revisions(changes)
    return pa.Table.from_pandas(table, preserve_index=False), export


@st.cache_data(ttl=LISTING_SECONDS, max_entries=8, show_spinner=False)
def annex_a_report(location: str, paths: tuple[tuple[date, str], ...], audience: str) -> AnnexAReport | None:
    """The newest snapshot that came from Annex A, with its import report as the audience may see it."""
    step_aside()
    root = data_root(location)

    def read() -> AnnexAReport | None:
        for as_at, path in paths:
            report = read_report(root, path)
            if report is not None:
                return AnnexAReport(f"{as_at:%d %B %Y}", report, tables.rows_read(report.rows_read, audience))
        return None

    return _from_store(location, ("the Annex A report", location, audience), read, None)


# --- loading data (officers): an upload's preview, and who published what -----------------------------------


@st.cache_resource(max_entries=16, show_spinner=False)
def upload_preview(staged_folder: str, audience: str) -> Preview:
    """What an upload changes against the newest published snapshot, in the audience's view, as the
    upload's check worked it out (in a process of its own: metrics/publishing/staging.py)."""
    return kept_preview(Path(staged_folder), audience)


def let_go_of_upload() -> None:
    """Forget the previews memory holds of uploads published or let go."""
    upload_preview.clear()


@st.cache_data(ttl=LISTING_SECONDS, max_entries=16, show_spinner=False)
def publications(location: str, folders: tuple[tuple[date, str], ...], audience: str) -> dict[date, str]:
    """When each snapshot was published; internally also by whom and how (the public sees the date only)."""
    step_aside()
    root = data_root(location)

    def read() -> dict[date, str]:
        said = {}
        for as_at, path in folders:
            record = read_publication(root, path)
            if record is not None:
                when = record.when
                said[as_at] = (
                    f"{when:%d %B %Y}"
                    if audience == PUBLIC
                    else f"{when:%d %B %Y %H:%M} UTC by {record.by} ({record.how})"
                )
        return said

    return _from_store(location, ("the publication records", location, audience), read, {})


@st.cache_data(ttl=LISTING_SECONDS, max_entries=4, show_spinner=False)
def publication_log(location: str, audience: str) -> pd.DataFrame:
    """The log of publications and withdrawals, newest first (internal only: it names people)."""
    if audience != INTERNAL:
        raise PermissionError("the publication log names officers: internal view only")
    step_aside()
    root = data_root(location)
    entries = _from_store(location, ("the publication log", location), lambda: read_log(root), [])
    return tables.publication_log(entries)


@dataclass(frozen=True)
class AnnexAReport:
    as_at: str
    report: ImportReport
    rows_read: pd.DataFrame  # per list, "c" for 1 to 5 rows in public


@st.cache_data(max_entries=64, show_spinner=False)
def plan_progress(location: str, as_at: date, path: str, audience: str, month: str) -> pd.DataFrame:
    """The Improvement Plan's progress in the month (empty where the snapshot has no plan)."""
    return plan_measures.progress_in(performance(location, as_at, path, audience), pd.Timestamp(month))


@st.cache_resource(max_entries=64, show_spinner=False)
def plan_priorities(location: str, as_at: date, path: str, audience: str, month: str) -> list[dict]:
    """The plan's priorities in the month, those off track first, each measure with its sentence (shared
    between sessions and never changed; empty where the snapshot has no plan)."""
    progress = plan_progress(location, as_at, path, audience, month)
    return [] if progress.empty else plan_words.priorities(progress, pd.Timestamp(month))


@st.cache_data(max_entries=16, show_spinner=False)
def plan_figures(location: str, as_at: date, path: str, audience: str) -> pd.DataFrame:
    """Every month's figure of each of the plan's measures, as the audience sees it."""
    rated = performance(location, as_at, path, audience)
    return plan_measures.measure_figures(rated) if plan_measures.has_plan(rated) else pd.DataFrame()
