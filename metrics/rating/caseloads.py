"""Cases per worker: the spread by team, workers over a threshold, and the trend."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.snapshot.contract import WHOLE_SERVICE

DEFAULT_THRESHOLD = 20
# Team figures the public view may show, as indicator-like columns so that they pass the same
# disclosure step as the indicators (and are linked to them where they are the same figure).
WORKERS = "caseload_workers"
CASES = "caseload_cases"
OVER_THRESHOLD = "caseload_over_threshold"
CATALOGUE = pd.DataFrame(
    {
        "indicator_id": [WORKERS, CASES, OVER_THRESHOLD],
        "name": ["Workers holding cases", "Cases held", f"Workers with more than {DEFAULT_THRESHOLD} cases"],
        "unit": ["count"] * 3,
        "aggregation": ["sum"] * 3,
    }
)


def team_figures(caseloads: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Per team and month, as contract value rows: workers, cases held, and workers over threshold."""
    grouped = caseloads.assign(over=caseloads["cases"] > threshold).groupby(["period", "team"], observed=True)
    per_team = (
        pd.DataFrame(
            {
                WORKERS: grouped["worker_id"].nunique(),
                CASES: grouped["cases"].sum(),
                OVER_THRESHOLD: grouped["over"].sum(),
            }
        )
        .astype("float64")
        .reset_index()
    )
    rows = per_team.melt(id_vars=["period", "team"], var_name="indicator_id", value_name="value")
    rows["team"] = rows["team"].astype("object")
    return rows.assign(numerator=float("nan"), denominator=float("nan"))


def summary_from_figures(figures: pd.DataFrame, month: pd.Timestamp) -> pd.DataFrame:
    """Per team (and the whole service, team "") for the month: workers, average, over, share over.

    figures are team_figures resolved and passed through the audience's disclosure step; an
    average or share shows only where both its parts do.
    """
    rows = figures[figures["period"] == month]
    wide = rows.pivot_table(
        index="team", columns="indicator_id", values="value", aggfunc="first", observed=True, dropna=False
    )
    hidden = rows.pivot_table(
        index="team", columns="indicator_id", values="suppressed", aggfunc="first", observed=True, dropna=False
    )
    wide = wide.reindex(columns=[WORKERS, CASES, OVER_THRESHOLD])
    hidden = hidden.reindex(columns=[WORKERS, CASES, OVER_THRESHOLD]).fillna(False).astype(bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        summary = pd.DataFrame(
            {
                "workers": wide[WORKERS],
                "workers_hidden": hidden[WORKERS],
                "mean": wide[CASES] / wide[WORKERS],
                "mean_hidden": hidden[CASES] | hidden[WORKERS],
                "over": wide[OVER_THRESHOLD],
                "over_hidden": hidden[OVER_THRESHOLD],
                "share_over": wide[OVER_THRESHOLD] / wide[WORKERS] * 100,
                "share_over_hidden": hidden[OVER_THRESHOLD] | hidden[WORKERS],
            }
        )
    for column in ("mean", "share_over"):
        summary.loc[summary[f"{column}_hidden"], column] = np.nan
    summary = summary.reset_index()
    summary["team"] = summary["team"].astype("object")
    whole = summary["team"] == WHOLE_SERVICE
    return pd.concat([summary[~whole].sort_values("team"), summary[whole]], ignore_index=True)


def team_summary(caseloads: pd.DataFrame, month: pd.Timestamp, threshold: int) -> pd.DataFrame:
    """Per team for the month, then the whole service (team ""): workers, mean, median, highest, over threshold."""
    rows = caseloads[caseloads["period"] == month]
    rows = pd.concat([rows.assign(team=rows["team"].astype("object")), rows.assign(team=WHOLE_SERVICE)])
    grouped = rows.assign(over=rows["cases"] > threshold).groupby("team", sort=False)
    summary = pd.DataFrame(
        {
            "workers": grouped["worker_id"].nunique(),
            "mean": grouped["cases"].mean(),
            "median": grouped["cases"].median(),
            "max": grouped["cases"].max(),
            "over": grouped["over"].sum(),
        }
    ).reset_index()
    summary["share_over"] = summary["over"] / summary["workers"] * 100
    is_whole = summary["team"] == WHOLE_SERVICE
    teams = summary[~is_whole].sort_values("mean", ascending=False)
    return pd.concat([teams, summary[is_whole]], ignore_index=True)


def trend(caseloads: pd.DataFrame, team: str) -> pd.DataFrame:
    """Mean, median and highest caseload per month, for a team or ("") the whole service."""
    rows = caseloads if team == WHOLE_SERVICE else caseloads[caseloads["team"] == team]
    grouped = rows.groupby("period")["cases"]
    frame = pd.DataFrame({"Average": grouped.mean(), "Median": grouped.median(), "Highest": grouped.max()})
    frame = frame.reset_index()
    return frame.melt(id_vars="period", var_name="measure", value_name="cases")


def workers_over(caseloads: pd.DataFrame, month: pd.Timestamp, threshold: int) -> pd.DataFrame:
    """The workers holding more than threshold cases in the month, most first (internal view only)."""
    over_rows = caseloads[(caseloads["period"] == month) & (caseloads["cases"] > threshold)]
    return (
        over_rows[["team", "worker_id", "cases"]]
        .sort_values("cases", ascending=False)
        .rename(columns={"team": "Team", "worker_id": "Worker", "cases": "Cases"})
    )


def average_trend(figures: pd.DataFrame, team: str) -> pd.DataFrame:
    """Cases per worker month by month for a team ("" = whole service), where both parts are shown."""
    rows = figures[(figures["team"] == team) & figures["indicator_id"].isin([WORKERS, CASES])]
    wide = rows.pivot_table(index="period", columns="indicator_id", values="value", aggfunc="first")
    wide = wide.reindex(columns=[WORKERS, CASES])
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (wide[CASES] / wide[WORKERS]).dropna()
    return pd.DataFrame({"period": mean.index, "measure": "Average", "cases": mean.to_numpy()})
