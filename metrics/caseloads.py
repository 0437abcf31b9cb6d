"""Cases per worker: the spread by team, workers over a threshold, and the trend."""

from __future__ import annotations

import pandas as pd

from metrics.suppression import PUBLIC

DEFAULT_THRESHOLD = 20
SMALLEST_TEAM_SHOWN = 3  # in public, teams with fewer workers are merged so no one is identifiable
OTHER_TEAMS = "Other teams"


def public_teams(caseloads: pd.DataFrame) -> pd.DataFrame:
    """Caseloads without worker ids, small teams merged into "Other teams" (per month)."""
    workers = caseloads.groupby(["period", "team"], observed=True)["worker_id"].transform("nunique")
    team = caseloads["team"].astype("object").where(workers >= SMALLEST_TEAM_SHOWN, OTHER_TEAMS)
    merged = caseloads.assign(team=team)
    return merged.drop(columns="worker_id")


def for_audience(caseloads: pd.DataFrame, audience: str) -> pd.DataFrame:
    """The caseloads an audience may see."""
    return public_teams(caseloads) if audience == PUBLIC else caseloads.copy()


def team_summary(caseloads: pd.DataFrame, month: pd.Timestamp, threshold: int) -> pd.DataFrame:
    """Per team for the month: workers, mean, median, highest, and how many hold more than threshold."""
    rows = caseloads[caseloads["period"] == month]
    if rows.empty:
        return pd.DataFrame(columns=["team", "workers", "mean", "median", "max", "over", "share_over"])
    grouped = rows.groupby("team", observed=True)["cases"]
    summary = pd.DataFrame({
        "workers": grouped.size(),
        "mean": grouped.mean(),
        "median": grouped.median(),
        "max": grouped.max(),
        "over": grouped.apply(lambda cases: int((cases > threshold).sum())),
    })
    summary["share_over"] = summary["over"] / summary["workers"] * 100
    return summary.reset_index().sort_values("mean", ascending=False, ignore_index=True)


def service_average(caseloads: pd.DataFrame, month: pd.Timestamp) -> float | None:
    """Cases per worker across the whole service for the month."""
    cases = caseloads.loc[caseloads["period"] == month, "cases"]
    return float(cases.mean()) if len(cases) else None


def trend(caseloads: pd.DataFrame, team: str | None) -> pd.DataFrame:
    """Mean, median and highest caseload per month, for a team or (None) the whole service."""
    rows = caseloads if team is None else caseloads[caseloads["team"] == team]
    grouped = rows.groupby("period")["cases"]
    frame = pd.DataFrame({"mean": grouped.mean(), "median": grouped.median(), "max": grouped.max()}).reset_index()
    return frame.melt(id_vars="period", var_name="measure", value_name="cases")
