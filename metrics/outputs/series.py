"""One indicator over time for chosen teams: the figures behind the explore page."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.core.months import months_before
from metrics.outputs.formatting import export_figures, is_missing, team_label
from metrics.rating.performance import Performance

ROLLING_MONTHS = 3
SERIES_COLUMNS = [
    "period",
    "team",
    "value",
    "numerator",
    "denominator",
    "suppressed",
    "numerator_suppressed",
    "denominator_suppressed",
    "target",
    "tolerance",
    "rag",
    "direction",
]
HIDDEN_FLAGS = {"value": "suppressed", "numerator": "numerator_suppressed", "denominator": "denominator_suppressed"}
GAPS = {"rag": "none", "direction": "n/a"}  # a month without a row


def indicator_series(
    performance: Performance, indicator_id: str, teams: list[str], start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Every month from start to end for each team, with a row (no value) where data is missing."""
    months = pd.date_range(start, end, freq="MS")
    table = performance.rows_of(indicator_id, teams)
    # Team by team, month by month: each row's place in that grid, found by arithmetic rather than a merge
    # (teams are distinct, as a picker gives them), and the grid filled column by column.
    team = table["team"].astype("category")
    team_at = np.r_[pd.Index(teams).get_indexer(team.cat.categories.astype("object")), -1][team.cat.codes.to_numpy()]
    month_at = months.get_indexer(table["period"])
    found = np.flatnonzero((team_at >= 0) & (month_at >= 0))
    place = np.full(len(teams) * len(months), -1)
    place[team_at[found] * len(months) + month_at[found]] = found
    at, missing = np.maximum(place, 0), place < 0  # the row of each place (any, where it has none)
    columns = {
        "period": np.tile(months.to_numpy(dtype="datetime64[ns]"), len(teams)),
        "team": pd.Series(np.repeat(np.array(teams, dtype=object), len(months)), dtype="object"),
    }
    for column in SERIES_COLUMNS[2:]:
        values = table[column]
        if isinstance(values.dtype, pd.CategoricalDtype):  # rag, direction: "none" and "n/a" where missing
            codes = np.where(missing, -1, values.cat.codes.to_numpy()[at] if len(values) else -1)
            filled = pd.Categorical.from_codes(codes, dtype=values.dtype).fillna(GAPS[column])
        elif column in HIDDEN_FLAGS.values():
            filled = ~missing & (values.to_numpy(dtype=bool)[at] if len(values) else False)
        else:
            filled = np.where(
                missing, np.nan, values.to_numpy(dtype="float64", na_value=np.nan)[at] if len(values) else np.nan
            )
        columns[column] = filled
    series = pd.DataFrame(columns)
    series["team_label"] = series["team"].map(team_label)
    return series


def rolling_average(series: pd.DataFrame, months: int = ROLLING_MONTHS) -> pd.Series:
    """The mean of each month and the months before it; missing when any of them is missing."""
    return series.groupby("team", sort=False)["value"].transform(
        lambda values: values.rolling(months, min_periods=months).mean()
    )


def same_month_last_year(
    performance: Performance, indicator_id: str, teams: list[str], start: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    """For each row of the series, the value twelve months earlier: the series of the same teams a year
    earlier, laid out the same way (team by team, month by month), row for row."""
    earlier = indicator_series(performance, indicator_id, teams, months_before(start, 12), months_before(end, 12))
    return earlier["value"].rename("value_last_year")


def notes_between(
    performance: Performance, indicator_id: str, teams: list[str], start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Commentary about this indicator (or the whole service in general) for the chosen teams."""
    notes = performance.commentary
    if notes is None or notes.empty:
        return pd.DataFrame(columns=["period", "team", "team_label", "text"])
    # A few dozen notes at most: looked through as Python values (a pandas step per test costs more).
    team = ["" if is_missing(name) else name for name in notes["team"].astype("object")]
    periods = notes["period"].to_numpy(dtype="datetime64[ns]")
    start, end = np.datetime64(pd.Timestamp(start), "ns"), np.datetime64(pd.Timestamp(end), "ns")
    wanted = set(teams)
    rows = np.array(
        [
            row
            for row, (about, name, period) in enumerate(zip(notes["indicator_id"].astype("object"), team, periods))
            if about == indicator_id and name in wanted and start <= period <= end
        ],
        dtype=np.intp,
    )
    chosen = pd.Series([team[row] for row in rows], dtype="object")
    return pd.DataFrame(
        {
            "period": periods[rows],
            "team": chosen,
            "team_label": chosen.map(team_label),
            "text": notes["text"].array.take(rows),
        }
    )


def export_series(series: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The series as downloaded: numbers as numbers, 'c' where hidden, months as YYYY-MM."""
    table = pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "period": series["period"].dt.strftime("%Y-%m"),
            "team": series["team"],
        }
    )
    for column, flag in HIDDEN_FLAGS.items():
        table[column] = export_figures(series[column], series[flag])
    for column in ("target", "tolerance", "rag", "direction"):
        table[column] = series[column]
    return table
