"""Targets in force, RAG status, direction of travel and runs of months at a status."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.core.arrays import coded, codes_of, lexsorted, month_numbers
from metrics.snapshot.contract import DIRECTIONS, RAG_STATUSES

RUN_STATUSES = ("red", "amber")  # statuses whose runs are counted: off target, close to target
SAME_VALUE_TOLERANCE = 1e-9


def _apply_targets(
    rows: pd.DataFrame, positions: np.ndarray, periods: np.ndarray, target: np.ndarray, tolerance: np.ndarray
) -> None:
    """Give each position the row with the latest effective_from on or before its month."""
    rows = rows.sort_values("effective_from")
    starts = rows["effective_from"].to_numpy(dtype="datetime64[ns]")
    latest = np.searchsorted(starts, periods[positions], side="right") - 1
    in_force = latest >= 0
    target[positions[in_force]] = rows["target"].to_numpy(dtype="float64")[latest[in_force]]
    tolerance[positions[in_force]] = rows["tolerance"].to_numpy(dtype="float64")[latest[in_force]]


def targets_in_force(keys: pd.DataFrame, targets: pd.DataFrame | None) -> pd.DataFrame:
    """Target and tolerance for each (indicator_id, team, period) row of keys.

    The row with the latest effective_from on or before the month applies; a
    team's own row beats an all-teams row. The whole service ("" team) takes
    only all-teams rows.
    """
    result = keys[["indicator_id", "team", "period"]].copy()
    target = np.full(len(result), np.nan)
    tolerance = np.full(len(result), np.nan)
    if targets is not None and not targets.empty and len(result):
        periods = result["period"].to_numpy(dtype="datetime64[ns]")
        by_indicator = result.groupby("indicator_id", observed=True, sort=False).indices
        # Only these rows' indicators' targets: rated a few indicators at a time, most targets are for others.
        targets = targets[targets["indicator_id"].isin(list(by_indicator))]
        all_teams = targets[targets["team"].isna()]
        for indicator_id, rows in all_teams.groupby("indicator_id", observed=True):
            if indicator_id in by_indicator:
                _apply_targets(rows, by_indicator[indicator_id], periods, target, tolerance)
        own = targets[targets["team"].notna()]
        if not own.empty:  # a team's own target, where one is in force, replaces the all-teams one
            by_team = result.groupby(["indicator_id", "team"], observed=True, sort=False).indices
            for key, rows in own.groupby(["indicator_id", "team"], observed=True):
                if key in by_team:
                    _apply_targets(rows, by_team[key], periods, target, tolerance)
    result["target"] = target
    result["tolerance"] = tolerance
    return result


def rag_status(value, target, tolerance, polarity) -> np.ndarray:
    """RAG per the contract: green, amber, red, or none (no target, no value, or neutral)."""
    return np.asarray(RAG_STATUSES, dtype=object)[rag_codes(value, target, tolerance, polarity)]


def rag_codes(value, target, tolerance, polarity) -> np.ndarray:
    """rag_status as positions in RAG_STATUSES (a byte a row, for millions of rows)."""
    code = RAG_STATUSES.index
    value = np.asarray(value, dtype="float64")
    target = np.asarray(target, dtype="float64")
    tolerance = np.asarray(tolerance, dtype="float64")
    higher, lower = _polarity_is(polarity, "higher_is_better"), _polarity_is(polarity, "lower_is_better")
    rated = (higher | lower) & ~np.isnan(value) & ~np.isnan(target)
    with np.errstate(invalid="ignore"):
        green = np.where(higher, value >= target, value <= target)
        amber = np.where(higher, value >= target - tolerance, value <= target + tolerance)
    return np.select([~rated, green, amber], [code("none"), code("green"), code("amber")], default=code("red"))


def direction_of_travel(current, previous, polarity) -> np.ndarray:
    """Improving, worsening or unchanged by polarity; up or down for neutral; n/a with a gap."""
    return np.asarray(DIRECTIONS, dtype=object)[direction_codes(current, previous, polarity)]


def direction_codes(current, previous, polarity) -> np.ndarray:
    """direction_of_travel as positions in DIRECTIONS."""
    code = DIRECTIONS.index
    current = np.asarray(current, dtype="float64")
    previous = np.asarray(previous, dtype="float64")
    known = ~np.isnan(current) & ~np.isnan(previous)
    with np.errstate(invalid="ignore"):
        same = np.isclose(current, previous, rtol=SAME_VALUE_TOLERANCE, atol=SAME_VALUE_TOLERANCE)
        rose = current > previous
    good_rise, neutral = _polarity_is(polarity, "higher_is_better"), _polarity_is(polarity, "neutral")
    return np.select(
        [~known, same, neutral & rose, neutral, rose == good_rise],
        [code("n/a"), code("unchanged"), code("up"), code("down"), code("improving")],
        default=code("worsening"),
    )


def _polarity_is(polarity, name: str) -> np.ndarray:
    """Which rows have this polarity: by the codes of a categorical, else row by row."""
    if isinstance(polarity, (pd.Categorical, pd.Series)):
        return np.asarray(polarity == name, dtype=bool)
    return np.asarray(polarity, dtype="object") == name


class SeriesOrder:
    """Rows sorted once into monthly series (indicator, team, month), to look back along each series."""

    def __init__(self, frame: pd.DataFrame):
        indicator, team = codes_of(frame["indicator_id"]), codes_of(frame["team"])
        month = month_numbers(frame["period"])
        self.order = lexsorted((month, team, indicator))
        indicator, team, month = indicator[self.order], team[self.order], month[self.order]
        # follows[i]: sorted row i is the month straight after sorted row i - 1 of the same series
        self.follows = np.zeros(len(self.order), dtype=bool)
        same_series = (indicator[1:] == indicator[:-1]) & (team[1:] == team[:-1])
        self.follows[1:] = same_series & (month[1:] == month[:-1] + 1)
        # starts[i]: sorted row i is its series' first month of data
        self.starts = np.r_[True, ~same_series] if len(self.order) else np.zeros(0, dtype=bool)

    def _back_to_rows(self, sorted_values: np.ndarray) -> np.ndarray:
        result = np.empty_like(sorted_values)
        result[self.order] = sorted_values
        return result

    def previous(self, values, missing=np.nan) -> np.ndarray:
        """Each row's value in the month before, or `missing` when that month has no row."""
        ordered = np.asarray(values)[self.order]
        shifted = np.empty_like(ordered)
        if len(ordered):
            shifted[0] = missing
            shifted[1:] = np.where(self.follows[1:], ordered[:-1], missing)
        return self._back_to_rows(shifted)

    def runs(self, kinds) -> tuple[np.ndarray, np.ndarray]:
        """For each row, how many months in a row up to it were of its kind (0 for kind -1, in no run), and
        whether they go back to its series' first month of data. kinds: a number per row."""
        ordered = np.asarray(kinds)[self.order]
        counted = ordered >= 0
        continues = self.follows & counted  # the month after the row before, and of the same kind
        continues[1:] &= ordered[1:] == ordered[:-1]
        # A run starts wherever a row does not continue one; a counted row is that far into its run.
        position = np.arange(len(ordered))
        run_start = np.maximum.accumulate(np.where(continues, 0, position)) if len(ordered) else position
        runs = np.where(counted, position - run_start + 1, 0)
        from_start = counted & self.starts[run_start] if len(runs) else counted
        return self._back_to_rows(runs), self._back_to_rows(from_start)


def status_runs(frame: pd.DataFrame, order: SeriesOrder | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each red or amber row, how many months in a row up to it had that same status (0 for
    any other status), and whether the run goes back to its series' first month of data.

    frame has indicator_id, team, period and rag; a missing month breaks a run. A red month after an
    amber one starts a new run: "off target for 3 months" counts red months only.
    """
    order = order or SeriesOrder(frame)
    rag = frame["rag"]
    if isinstance(rag.dtype, pd.CategoricalDtype):  # a byte a row: the statuses asked once each, not per row
        # A missing status (code -1) takes the last entry, in no run: there is one even without categories.
        codes, statuses = coded(rag)
        counted = np.r_[np.isin(statuses, RUN_STATUSES), False]
        kinds = np.where(counted[codes], codes, -1)
    else:
        statuses = rag.to_numpy(dtype=object)
        kinds = np.select([statuses == status for status in RUN_STATUSES], range(len(RUN_STATUSES)), default=-1)
    months, from_start = order.runs(kinds)
    return months.astype(int), from_start
