"""The Improvement Plan of one snapshot, for the audience it is shown to: its measures' figures and progress."""

from __future__ import annotations

import pandas as pd

from metrics.plan.progress import MEASURE_KEYS, plain_plan, plan_progress
from metrics.rating.performance import Performance

FIGURE_COLUMNS = ["indicator_id", "team", "period", "value", "suppressed"]


def has_plan(performance: Performance) -> bool:
    """Whether the snapshot carries an Improvement Plan with at least one measure."""
    return performance.plan is not None and len(performance.plan) > 0


def measure_figures(performance: Performance) -> pd.DataFrame:
    """Every month's figure of each of the plan's measures, as the audience sees it (NaN where hidden)."""
    plan = plain_plan(performance.plan)
    parts = []
    for indicator_id, team in plan[["indicator_id", "team"]].drop_duplicates().itertuples(index=False):
        if indicator_id not in performance.indicators.index:
            continue
        series = performance.series(indicator_id, team)
        rows = pd.DataFrame(
            {
                "indicator_id": indicator_id,
                "team": team,
                "period": pd.to_datetime(series["period"]).to_numpy(),
                "value": series["value"].to_numpy(dtype="float64"),
                "suppressed": series["suppressed"].to_numpy(dtype=bool),
            }
        )
        rows.loc[rows["suppressed"], "value"] = float("nan")  # hidden stays hidden, whatever the rows held
        parts.append(rows)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FIGURE_COLUMNS)


def progress_in(performance: Performance, period: pd.Timestamp) -> pd.DataFrame:
    """The plan's progress in period, with each indicator's name and unit (empty where there is no plan)."""
    if not has_plan(performance):
        return pd.DataFrame()
    figures = performance.keep(("plan figures",), lambda: measure_figures(performance))
    progress = plan_progress(performance.plan, figures, performance.indicators["polarity"], period)
    catalogue = performance.indicators[["name", "unit", "polarity"]]
    return progress.join(catalogue, on="indicator_id")


def measures_of(progress: pd.DataFrame) -> list[pd.DataFrame]:
    """progress split into its measures, in the plan's order."""
    return [rows for _, rows in progress.groupby(MEASURE_KEYS, sort=False)]
