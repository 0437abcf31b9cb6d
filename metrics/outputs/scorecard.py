"""The monthly scorecard: one row per indicator (and team) for a month, and the table as exported.

`python -m metrics.scorecard` prints it (metrics/commands/scorecard.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.comparators.benchmarking import COMPARATOR_COLUMNS, comparator_dtype, comparator_figures, quarters
from metrics.outputs.formatting import export_figures
from metrics.rating.performance import Performance
from metrics.snapshot.contract import WHOLE_SERVICE

CONTRACT_COLUMNS = [
    "indicator_id",
    "name",
    "area",
    "unit",
    "team",
    "period",
    "value",
    "target",
    "tolerance",
    "rag",
    "previous_value",
    "direction",
]
EXTRA_COLUMNS = [
    "variation",
    "assurance",
    "months_off_target",
    "months_close_to_target",
    "status_since",
    "england",
    "england_year",
    "neighbours",
    "neighbours_year",
    "neighbours_councils",
    "quarter",
    "quartile_year",
    "commentary",
]


# Up to this many teams, and on a snapshot small enough to hold every team's rows (Performance.small),
# the scorecard of every month, team and indicator is built once in one pass (0.12 to 0.18 s on the demo)
# and each choice (the scorecard, off target, explore's sentences) takes its rows from it.
SHARED_UP_TO_TEAMS = 60


def build_scorecard(performance: Performance, month: pd.Timestamp, teams: list[str]) -> pd.DataFrame:
    """The scorecard rows for a month and teams ("" is the whole service), catalogue order."""
    month = pd.Timestamp(month)
    if not shares_every_month(performance) or month not in performance.months:
        return _build_scorecard(performance, [month], teams)
    every = performance.keep(
        ("scorecard",), lambda: _build_scorecard(performance, performance.months, [WHOLE_SERVICE, *performance.teams])
    )
    periods, wanted = every["period"].to_numpy(), np.datetime64(month, "ns")
    first, last = np.searchsorted(periods, wanted, side="left"), np.searchsorted(periods, wanted, side="right")
    return of_teams(every.iloc[first:last], teams)


def shares_every_month(performance: Performance) -> bool:
    """Whether the snapshot's scorecard is built once for every month and team (see SHARED_UP_TO_TEAMS)."""
    return len(performance.teams) <= SHARED_UP_TO_TEAMS and performance.small


def of_teams(scorecard: pd.DataFrame, teams: list[str]) -> pd.DataFrame:
    """The scorecard's rows of these teams, team by team in the order given (each in catalogue order)."""
    place = {}
    for team in teams:
        place.setdefault(team, len(place))
    places = np.array([place.get(team, -1) for team in scorecard["team"].to_numpy(dtype=object)], dtype=int)
    chosen = np.flatnonzero(places >= 0)
    chosen = chosen[np.argsort(places[chosen], kind="stable")]
    return scorecard.iloc[chosen].reset_index(drop=True)


def _build_scorecard(performance: Performance, months: list[pd.Timestamp], teams: list[str]) -> pd.DataFrame:
    """The scorecard rows of the months and teams: month by month, team by team, in catalogue order."""
    months = pd.DatetimeIndex(months).as_unit("ns")
    catalogue = performance.plain_catalogue
    grid = catalogue.merge(pd.DataFrame({"team": teams, "team_order": range(len(teams))}), how="cross")
    grid = grid.merge(pd.DataFrame({"period": months, "month_order": range(len(months))}), how="cross")
    month_rows = performance.rows_between(months.min(), months.max(), teams).copy()
    for column in ("indicator_id", "team"):
        month_rows[column] = month_rows[column].astype("object")
    month_rows["period"] = month_rows["period"].astype("datetime64[ns]")
    rows = grid.merge(month_rows, on=["indicator_id", "team", "period"], how="left")
    rows["suppressed"] = rows["suppressed"].fillna(False).astype(bool)
    rows["previous_suppressed"] = rows["previous_suppressed"].fillna(False).astype(bool)
    rows["rag"] = rows["rag"].fillna("none")
    rows["direction"] = rows["direction"].fillna("n/a")
    rows["months_at_status"] = rows["months_at_status"].fillna(0).astype(int)
    rows["status_from_start"] = rows["status_from_start"].fillna(False).astype(bool)
    rows["variation"] = rows["variation"].fillna("insufficient_data")
    rows["assurance"] = rows["assurance"].fillna("none")
    # The whole service lists every indicator; a team only those it reports in this snapshot.
    whole_service = rows["team"].eq(WHOLE_SERVICE)
    if not whole_service.all():
        reported = pd.MultiIndex.from_frame(rows[["indicator_id", "team"]]).isin(performance.series_keys)
        rows = rows[reported | whole_service]

    # Each row's comparators: the figures in force in its month, looked up by position (a table per month
    # joined on would cost a frame per month).
    sets, set_of_month = _comparators_by_month(performance, months)
    indicators = performance.indicators.index
    indicator_at = indicators.get_indexer(rows["indicator_id"])
    set_at = set_of_month[months.get_indexer(rows["period"])]
    for column in COMPARATOR_COLUMNS:
        dtype = comparator_dtype(column)
        figures = np.array(
            [[found[column].get(indicator_id, np.nan) for indicator_id in indicators] for found in sets], dtype=dtype
        ).reshape(len(sets), len(indicators))
        rows[column] = pd.Series(figures[set_at, indicator_at] if len(rows) else [], index=rows.index, dtype=dtype)
    rows["indicator_id"] = rows["indicator_id"].astype("object")  # plain text, like the scorecard's other names
    rows["quarter"] = pd.Series(quarters(rows), index=rows.index, dtype="object")  # None where it has none
    rows["commentary"] = _commentary(performance, rows)
    for status, column in (("red", "months_off_target"), ("amber", "months_close_to_target")):
        rows[column] = rows["months_at_status"].where(rows["rag"] == status, 0)
    rows["status_since"] = status_since(rows["period"], rows["months_at_status"])
    rows = rows.sort_values(["month_order", "team_order", "order"]).reset_index(drop=True)
    keep = (
        CONTRACT_COLUMNS
        + EXTRA_COLUMNS
        + [
            "months_at_status",
            "status_from_start",
            "polarity",
            "lower_quartile",
            "upper_quartile",
            "definition",
            "numerator",
            "denominator",
            "suppressed",
            "previous_suppressed",
        ]
    )
    return rows[keep]


def _comparators_by_month(performance: Performance, months: pd.DatetimeIndex) -> tuple[list[dict], np.ndarray]:
    """The different sets of comparator_figures in force over the months (they change only in a month a
    comparator's year ends), each worked out once, and which set each month has."""
    benchmarks, units = performance.benchmarks, performance.indicators["unit"]
    ends = (
        np.array([], dtype="datetime64[ns]")
        if benchmarks is None or benchmarks.empty
        else np.unique(benchmarks["period"].to_numpy(dtype="datetime64[ns]"))
    )
    numbered: dict[int, int] = {}
    sets, set_of_month = [], []
    for month, in_force in zip(months, np.searchsorted(ends, months.to_numpy(), side="right"), strict=True):
        if in_force not in numbered:
            numbered[in_force] = len(sets)
            sets.append(comparator_figures(benchmarks, units, month))
        set_of_month.append(numbered[in_force])
    return sets, np.array(set_of_month, dtype=int)


def status_since(months: pd.Series, run_lengths: pd.Series) -> pd.Series:
    """The first month of each row's run at its status (NaT where it has none)."""
    # Months are month starts, so counting whole months back is arithmetic on months (no per-row offsets).
    length = run_lengths.to_numpy(dtype="int64")
    starts = months.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]") - np.maximum(length - 1, 0)
    starts = np.where(length > 0, starts.astype("datetime64[ns]"), np.datetime64("NaT", "ns"))
    return pd.Series(starts, index=months.index)


def _commentary(performance: Performance, rows: pd.DataFrame) -> list[str]:
    """Each row's notes on its indicator for its team that month, joined (general notes are not)."""
    notes = performance.commentary
    if notes is None or notes.empty:
        return [""] * len(rows)
    notes = notes[notes["indicator_id"].notna()]
    joined: dict[tuple, list[str]] = {}
    for indicator_id, team, period, text in zip(
        notes["indicator_id"].astype("object"),
        notes["team"].astype("object"),
        _month_numbers(notes["period"]),
        notes["text"].astype("object"),
        strict=True,
    ):
        joined.setdefault((indicator_id, WHOLE_SERVICE if pd.isna(team) else team, period), []).append(text)
    return [
        " ".join(joined.get(key, ()))
        for key in zip(
            rows["indicator_id"].astype("object"),
            rows["team"].astype("object"),
            _month_numbers(rows["period"]),
            strict=True,
        )
    ]


def _month_numbers(periods: pd.Series) -> list[int]:
    """Months as plain numbers to look up by (a Timestamp per row costs microseconds each)."""
    return periods.to_numpy(dtype="datetime64[ns]").astype("int64").tolist()


def export_table(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as exported: contract columns first, suppressed figures as 'c'."""
    table = scorecard[CONTRACT_COLUMNS + EXTRA_COLUMNS].copy()
    table["period"] = pd.to_datetime(table["period"]).dt.strftime("%Y-%m")
    table["status_since"] = pd.to_datetime(table["status_since"]).dt.strftime("%Y-%m")
    for column, flag in (("value", "suppressed"), ("previous_value", "previous_suppressed")):
        table[column] = export_figures(scorecard[column], scorecard[flag])
    return table
