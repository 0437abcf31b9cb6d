"""One indicator over time for chosen teams: the figures behind the explore page."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.formatting import export_figures, is_missing, team_label
from metrics.performance import Performance

ROLLING_MONTHS = 3
SERIES_COLUMNS = [
    "period", "team", "value", "numerator", "denominator", "suppressed", "numerator_suppressed",
    "denominator_suppressed", "target", "tolerance", "rag", "direction",
]
HIDDEN_FLAGS = {"value": "suppressed", "numerator": "numerator_suppressed", "denominator": "denominator_suppressed"}


def indicator_series(performance: Performance, indicator_id: str, teams: list[str],
                     start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Every month from start to end for each team, with a row (no value) where data is missing."""
    months = pd.date_range(start, end, freq="MS")
    table = performance.rows_of(indicator_id, teams)
    rows = table[table["team"].isin(teams)
                 & (table["period"] >= start) & (table["period"] <= end)].copy()
    # Team by team, month by month: each row's place in that grid, found by arithmetic rather than a merge.
    team_at = pd.Index(teams).get_indexer(rows["team"].astype("object"))  # teams: distinct, as a picker gives them
    month_at = months.get_indexer(rows["period"])
    found = np.flatnonzero((team_at >= 0) & (month_at >= 0))
    place = np.full(len(teams) * len(months), -1)
    place[team_at[found] * len(months) + month_at[found]] = found
    series = rows.reset_index(drop=True).reindex(place).reset_index(drop=True)  # -1: a month without a row
    series["team"] = pd.Series(np.repeat(np.array(teams, dtype=object), len(months)), dtype="object")
    series["period"] = np.tile(months.to_numpy(dtype="datetime64[ns]"), len(teams))
    for flag in HIDDEN_FLAGS.values():
        series[flag] = series[flag].fillna(False).astype(bool)
    series["rag"] = series["rag"].fillna("none")
    series["direction"] = series["direction"].fillna("n/a")
    series["team_label"] = series["team"].map(team_label)
    return series[[*SERIES_COLUMNS, "team_label"]]


def rolling_average(series: pd.DataFrame, months: int = ROLLING_MONTHS) -> pd.Series:
    """The mean of each month and the months before it; missing when any of them is missing."""
    return series.groupby("team", sort=False)["value"].transform(
        lambda values: values.rolling(months, min_periods=months).mean()
    )


def same_month_last_year(performance: Performance, indicator_id: str, teams: list[str],
                         start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """For each row of the series, the value twelve months earlier."""
    earlier = indicator_series(
        performance, indicator_id, teams, start - pd.DateOffset(years=1), end - pd.DateOffset(years=1)
    )
    earlier["period"] = earlier["period"] + pd.DateOffset(years=1)
    current = indicator_series(performance, indicator_id, teams, start, end)
    merged = current.merge(earlier[["team", "period", "value"]], on=["team", "period"], how="left",
                           suffixes=("", "_last_year"))
    return merged["value_last_year"]


def notes_between(performance: Performance, indicator_id: str, teams: list[str], start: pd.Timestamp,
                  end: pd.Timestamp) -> pd.DataFrame:
    """Commentary about this indicator (or the whole service in general) for the chosen teams."""
    notes = performance.commentary
    if notes is None or notes.empty:
        return pd.DataFrame(columns=["period", "team", "team_label", "text"])
    # A few dozen notes at most: looked through as Python values (a pandas step per test costs more).
    team = ["" if is_missing(name) else name for name in notes["team"].astype("object")]
    periods = notes["period"].to_numpy(dtype="datetime64[ns]")
    start, end = np.datetime64(pd.Timestamp(start), "ns"), np.datetime64(pd.Timestamp(end), "ns")
    wanted = set(teams)
    rows = np.array([row for row, (about, name, period) in enumerate(zip(notes["indicator_id"].astype("object"), team,
                                                                          periods))
                     if about == indicator_id and name in wanted and start <= period <= end], dtype=np.intp)
    chosen = pd.Series([team[row] for row in rows], dtype="object")
    return pd.DataFrame({"period": periods[rows], "team": chosen, "team_label": chosen.map(team_label),
                         "text": notes["text"].array.take(rows)})


def export_series(series: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The series as downloaded: numbers as numbers, 'c' where hidden, months as YYYY-MM."""
    table = pd.DataFrame({
        "indicator_id": indicator_id,
        "period": series["period"].dt.strftime("%Y-%m"),
        "team": series["team"],
    })
    for column, flag in HIDDEN_FLAGS.items():
        table[column] = export_figures(series[column], series[flag])
    for column in ("target", "tolerance", "rag", "direction"):
        table[column] = series[column]
    return table
