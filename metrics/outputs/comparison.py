"""Teams side by side for a month, and everything off target."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.outputs.scorecard import build_scorecard
from metrics.rating.performance import Performance
from metrics.snapshot.contract import WHOLE_SERVICE

RAG_SEVERITY = {"red": 0, "amber": 1}


def teams_for_month(performance: Performance, indicator_id: str, month: pd.Timestamp) -> pd.DataFrame:
    """Each team's figure for one indicator and month, highest first (missing last)."""
    table = performance.rows_between(month, month)
    rows = table[(table["indicator_id"] == indicator_id) & (table["team"] != WHOLE_SERVICE)].copy()
    rows["team"] = rows["team"].astype("object")
    return rows.sort_values("value", ascending=False, na_position="last").reset_index(drop=True)


def rag_matrix(performance: Performance, month: pd.Timestamp) -> pd.DataFrame:
    """Every team (and the whole service) by every indicator for the month: value, RAG, suppressed."""
    rows = performance.rows_between(month, month)[["indicator_id", "team", "value", "suppressed", "rag"]].copy()
    for column in ("indicator_id", "team"):
        rows[column] = rows[column].astype("object")
    return rows.reset_index(drop=True)


def off_target(performance: Performance, month: pd.Timestamp) -> pd.DataFrame:
    """Every indicator and team amber or red in the month, most severe first.

    Severity: red before amber, then the longest run at that status, then the
    furthest from target relative to the target.
    """
    table = performance.rows_between(month, month)
    month_rows = table[table["rag"].isin(list(RAG_SEVERITY))]
    if month_rows.empty:
        return pd.DataFrame(
            columns=[
                "indicator_id",
                "name",
                "area",
                "unit",
                "team",
                "value",
                "target",
                "tolerance",
                "rag",
                "months_at_status",
                "status_from_start",
                "status_since",
                "direction",
                "variation",
                "gap",
            ]
        )
    teams = list(dict.fromkeys(month_rows["team"].astype("object")))
    rows = build_scorecard(performance, month, teams)
    rows = rows[rows["rag"].isin(list(RAG_SEVERITY))].copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        rows["gap"] = np.abs(rows["value"] - rows["target"]) / np.abs(rows["target"]).replace(0, np.nan)
    rows["severity"] = rows["rag"].astype("object").map(RAG_SEVERITY)
    rows = rows.sort_values(["severity", "months_at_status", "gap"], ascending=[True, False, False])
    return rows.drop(columns="severity").reset_index(drop=True)


def _in_catalogue_order(performance: Performance, indicator_ids) -> list[str]:
    wanted = set(indicator_ids)
    return [indicator_id for indicator_id in performance.indicators.index if indicator_id in wanted]


def indicator_most_teams_report(performance: Performance, month: pd.Timestamp) -> str:
    """The indicator compare opens on: of those with a target this month, the one the most teams report
    (ties in scorecard order), so the first chart has several bars and a target line to read against."""
    rows = performance.rows_between(month, month)
    rows = rows[rows["team"] != WHOLE_SERVICE]
    with_target = rows[rows["target"].notna()]
    chosen = with_target if not with_target.empty else rows
    if chosen.empty:
        return str(performance.indicators.index[0])
    teams = chosen.groupby(chosen["indicator_id"].astype("object"))["team"].nunique()
    most = teams[teams == teams.max()].index
    return _in_catalogue_order(performance, most)[0]


def first_red_indicator(performance: Performance, month: pd.Timestamp) -> str:
    """The indicator explore opens on: the whole service's first red indicator in scorecard order this
    month, else its first with a target, else the first in the catalogue."""
    rows = performance.rows_between(month, month, [WHOLE_SERVICE])
    rows = rows[rows["team"] == WHOLE_SERVICE]
    for wanted in (rows[rows["rag"] == "red"], rows[rows["target"].notna()]):
        found = _in_catalogue_order(performance, wanted["indicator_id"].astype("object"))
        if found:
            return found[0]
    return str(performance.indicators.index[0])
