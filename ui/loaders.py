"""Cached loading: snapshots are immutable, so each is read and rated once per process."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from metrics import comparison, revisions
from metrics.performance import Performance, build_performance, sparklines
from metrics.scorecard import build_scorecard
from metrics.snapshots import Snapshot, SnapshotFolder, data_root, find_snapshot_folders, read_snapshot

LISTING_SECONDS = 60  # how long a folder listing is trusted before new snapshots are looked for
SNAPSHOTS_KEPT = 6


@st.cache_data(ttl=LISTING_SECONDS, show_spinner=False)
def snapshot_folders(location: str) -> tuple[list[tuple[date, str]], list[str]]:
    """(as-at date, path) of every snapshot folder, newest first, and folder warnings."""
    folders, warnings = find_snapshot_folders(data_root(location))
    return [(folder.as_at, folder.path) for folder in folders], warnings


@st.cache_resource(max_entries=SNAPSHOTS_KEPT * 2, show_spinner="Reading the snapshot…")
def snapshot(location: str, as_at: date, path: str) -> Snapshot:
    """One snapshot, read and validated (shared by every session; never changed)."""
    return read_snapshot(data_root(location), SnapshotFolder(as_at, path))


@st.cache_resource(max_entries=SNAPSHOTS_KEPT, show_spinner="Working out the figures…")
def performance(location: str, as_at: date, path: str, audience: str) -> Performance:
    """The rated performance table of one snapshot for one audience."""
    return build_performance(snapshot(location, as_at, path), audience)


@st.cache_data(max_entries=128, show_spinner=False)
def scorecard(location: str, as_at: date, path: str, audience: str, month: str, teams: tuple[str, ...]):
    """The scorecard rows and their 13-month sparklines for a month and teams."""
    rated = performance(location, as_at, path, audience)
    rows = build_scorecard(rated, pd.Timestamp(month), list(teams))
    return rows, sparklines(rated, rows, pd.Timestamp(month))


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
