"""Cached loading: snapshots are immutable, so each is read and rated once per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics import comparison, prepared, revisions
from metrics.performance import Performance, sparklines
from metrics.prepared import CheckedSnapshot
from metrics.scorecard import build_scorecard
from metrics.snapshots import SnapshotFolder, data_root, find_snapshot_folders, read_tables
from ui.display import plain, with_status_labels
from ui.tables import SCORECARD_COLUMNS, STATUS_COLUMNS, STATUS_HELP, scorecard_rows

LISTING_SECONDS = 60  # how long a folder listing is trusted before new snapshots are looked for
# Snapshot-and-audience performances held in memory at once. Each holds the whole service and the
# slices views asked for; at regional scale one that has loaded every team holds some 450 MB.
PERFORMANCES_KEPT = 3


@st.cache_data(ttl=LISTING_SECONDS, show_spinner=False)
def snapshot_folders(location: str) -> tuple[list[tuple[date, str]], list[str]]:
    """(as-at date, path) of every snapshot folder, newest first, and folder warnings."""
    folders, warnings = find_snapshot_folders(data_root(location))
    return [(folder.as_at, folder.path) for folder in folders], warnings


@st.cache_resource(max_entries=4, show_spinner="Checking the snapshots…")
def _survey(location: str,
            folders: tuple[tuple[date, str], ...]) -> tuple[list[CheckedSnapshot], list[CheckedSnapshot]]:
    root = data_root(location)
    checked = [prepared.check(root, SnapshotFolder(as_at, path)) for as_at, path in folders]
    return [s for s in checked if s.valid], [s for s in checked if not s.valid]


def survey(location: str) -> tuple[list[CheckedSnapshot], list[CheckedSnapshot], list[str]]:
    """Valid snapshots (newest first), invalid ones, and folder warnings: one cache lookup per rerun."""
    folders, warnings = snapshot_folders(location)
    valid, invalid = _survey(location, tuple(folders))
    return valid, invalid, warnings


@st.cache_resource(max_entries=PERFORMANCES_KEPT, show_spinner="Working out the figures…")
def performance(location: str, as_at: date, path: str, audience: str) -> Performance:
    """The rated performance table of one snapshot for one audience (prepared once, then read)."""
    return prepared.performance(data_root(location), SnapshotFolder(as_at, path), audience)


@st.cache_resource(max_entries=2, show_spinner="Reading the caseloads…")
def caseloads(location: str, as_at: date, path: str) -> pd.DataFrame | None:
    """The snapshot's worker caseloads, or None when it has none (the table is optional)."""
    tables, _ = read_tables(data_root(location), path, ["caseloads"])
    return tables.get("caseloads")


@dataclass(frozen=True)
class AreaTable:
    """One area's part of the scorecard, ready to draw."""

    area: str
    table: pa.Table
    column_config: dict
    definitions: str


@st.cache_resource(max_entries=128, show_spinner=False)
def scorecard(location: str, as_at: date, path: str, audience: str, month: str,
              teams: tuple[str, ...]) -> tuple[pd.DataFrame, list[AreaTable]]:
    """The scorecard rows for a month and teams, and per area the table as people read it.

    Shared between sessions and never changed, so it is built once per choice.
    """
    rated = performance(location, as_at, path, audience)
    rows = build_scorecard(rated, pd.Timestamp(month), list(teams))
    display = scorecard_rows(rows, sparklines(rated, rows, pd.Timestamp(month)))
    areas = []
    for area, positions in rows.groupby("area", sort=False).indices.items():
        table, status_config = with_status_labels(display.iloc[positions], STATUS_COLUMNS, STATUS_HELP)
        definitions = "\n".join(
            f"- **{plain(name)}**: {plain(definition)}"
            for name, definition in zip(rows["name"].iloc[positions], rows["definition"].iloc[positions])
        )
        areas.append(AreaTable(area, pa.Table.from_pandas(table, preserve_index=False),
                               {**SCORECARD_COLUMNS, **status_config}, definitions))
    return rows, areas


@st.cache_data(max_entries=64, show_spinner=False)
def off_target(location: str, as_at: date, path: str, audience: str, month: str) -> pd.DataFrame:
    """Every indicator and team amber or red in the month, worst first."""
    return comparison.off_target(performance(location, as_at, path, audience), pd.Timestamp(month))


@st.cache_data(max_entries=16, show_spinner="Comparing the snapshots…")
def revisions_between(location: str, older: str, newer: str, audience: str) -> pd.DataFrame:
    """Figures revised between two valid snapshots (as-at dates as YYYY-MM-DD)."""
    folders = dict(snapshot_folders(location)[0])
    rated = [
        performance(location, date.fromisoformat(as_at), folders[date.fromisoformat(as_at)], audience)
        for as_at in (older, newer)
    ]
    return revisions.revisions(*rated)
