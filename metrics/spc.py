"""Statistical process control: XmR charts the NHS "Making Data Count" way.

Small pure functions, one per rule, following the NHSRplotthedots package.
Each rule returns +1 (high), -1 (low) or 0 for every point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LIMIT_CONSTANT = 2.66  # converts the average moving range into 3 sigma
SCREENING_CONSTANT = 3.267  # moving ranges this many times the average are screened out
CLOSE_FRACTION = 2 / 3  # "close to the limits" starts at 2 sigma
RUN_LENGTH = 7  # points in a trend or a shift
MINIMUM_POINTS = 12

VARIATIONS = ("common_cause", "improvement", "concern", "neutral_high", "neutral_low", "insufficient_data")
ASSURANCES = ("pass", "fail", "inconsistent", "none")


@dataclass(frozen=True)
class Limits:
    """The centre line and process limits of one XmR segment."""

    mean: float
    average_moving_range: float

    @property
    def upper(self) -> float:
        return self.mean + LIMIT_CONSTANT * self.average_moving_range

    @property
    def lower(self) -> float:
        return self.mean - LIMIT_CONSTANT * self.average_moving_range

    @property
    def upper_close(self) -> float:
        return self.mean + CLOSE_FRACTION * LIMIT_CONSTANT * self.average_moving_range

    @property
    def lower_close(self) -> float:
        return self.mean - CLOSE_FRACTION * LIMIT_CONSTANT * self.average_moving_range


def moving_ranges(y: np.ndarray) -> np.ndarray:
    """|y[i] - y[i-1]| for each point after the first."""
    return np.abs(np.diff(np.asarray(y, dtype="float64")))


def average_moving_range(y: np.ndarray) -> float:
    """Mean moving range after screening out ranges of 3.267 times the first mean or more."""
    ranges = moving_ranges(y)
    if len(ranges) == 0:
        return float("nan")
    first = ranges.mean()
    kept = ranges[ranges < SCREENING_CONSTANT * first]
    return float(kept.mean()) if len(kept) else float(first)


def process_limits(y: np.ndarray) -> Limits:
    """Mean and screened average moving range of a segment."""
    y = np.asarray(y, dtype="float64")
    return Limits(float(y.mean()), average_moving_range(y))


def side_of_mean(y: np.ndarray, limits: Limits) -> np.ndarray:
    """+1 above the mean, -1 below, 0 on it."""
    return np.sign(np.asarray(y, dtype="float64") - limits.mean).astype(int)


def outside_limits(y: np.ndarray, limits: Limits) -> np.ndarray:
    """Rule 1: a point above the upper or below the lower process limit."""
    y = np.asarray(y, dtype="float64")
    return np.where(y > limits.upper, 1, np.where(y < limits.lower, -1, 0))


def _flag_runs(signs: np.ndarray, run_length: int) -> np.ndarray:
    """Flag every point in a run of at least run_length equal non-zero signs."""
    flags = np.zeros(len(signs), dtype=int)
    start = 0
    for end in range(1, len(signs) + 1):
        if end == len(signs) or signs[end] != signs[start]:
            if signs[start] != 0 and end - start >= run_length:
                flags[start:end] = signs[start]
            start = end
    return flags


def trend(y: np.ndarray) -> np.ndarray:
    """Rule 2: seven points in a row each strictly above (or below) the one before."""
    y = np.asarray(y, dtype="float64")
    if len(y) < RUN_LENGTH:
        return np.zeros(len(y), dtype=int)
    steps = np.sign(np.diff(y)).astype(int)
    # A run of six equal steps joins seven points; flag the points at both ends of each step.
    step_flags = _flag_runs(steps, RUN_LENGTH - 1)
    flags = np.zeros(len(y), dtype=int)
    flags[1:] = step_flags
    flags[:-1] = np.where(step_flags != 0, step_flags, flags[:-1])
    return flags


def two_of_three_close(y: np.ndarray, limits: Limits) -> np.ndarray:
    """Rule 3: two of three points in a row close to a limit, all three on the same side."""
    y = np.asarray(y, dtype="float64")
    side = side_of_mean(y, limits)
    inside = outside_limits(y, limits) == 0
    close = inside & ((y > limits.upper_close) | (y < limits.lower_close))
    flags = np.zeros(len(y), dtype=int)
    for start in range(len(y) - 2):
        window = slice(start, start + 3)
        same_side = abs(side[window].sum()) == 3
        if same_side and close[window].sum() >= 2:
            flags[window] = np.where(close[window], side[window], flags[window])
    return flags


def shift(y: np.ndarray, limits: Limits) -> np.ndarray:
    """Rule 4: seven points in a row on the same side of the mean (a point on it breaks the run)."""
    return _flag_runs(side_of_mean(y, limits), RUN_LENGTH)


def special_cause(y: np.ndarray, limits: Limits) -> np.ndarray:
    """+1 or -1 where any rule flags the point, by the rules' direction, else 0.

    Where rules pull both ways (a rising trend below the mean), the side of the
    mean decides, as NHSRplotthedots does for every special-cause point.
    """
    rules = np.vstack([outside_limits(y, limits), trend(y), two_of_three_close(y, limits), shift(y, limits)])
    flagged = (rules != 0).any(axis=0)
    direction = np.sign(rules.sum(axis=0))
    direction = np.where(direction == 0, side_of_mean(y, limits), direction)
    return np.where(flagged, direction, 0).astype(int)


def variation(flags: np.ndarray, polarity: str) -> np.ndarray:
    """Each point's variation by the indicator's polarity."""
    names = {
        "higher_is_better": {1: "improvement", -1: "concern"},
        "lower_is_better": {1: "concern", -1: "improvement"},
        "neutral": {1: "neutral_high", -1: "neutral_low"},
    }[polarity]
    return np.array([names.get(int(flag), "common_cause") for flag in flags], dtype=object)


def assurance(target: float | None, limits: Limits, polarity: str) -> str:
    """Whether the process will reliably meet the target in force at the last point."""
    if target is None or np.isnan(target) or polarity == "neutral" or np.isnan(limits.average_moving_range):
        return "none"
    above, below = target > limits.upper, target < limits.lower
    if polarity == "higher_is_better":
        return "fail" if above else "pass" if below else "inconsistent"
    return "pass" if above else "fail" if below else "inconsistent"


@dataclass(frozen=True)
class SpcResult:
    """An XmR analysis: per-point limits and variation, and the last point's summary."""

    points: pd.DataFrame  # period, value, mean, lower, upper, flag, variation
    variation: str
    assurance: str


def analyse(series: pd.DataFrame, polarity: str, target: float | None = None,
            rebase_from: pd.Timestamp | None = None) -> SpcResult:
    """XmR analysis of a monthly series (period, value); missing months are left out.

    With rebase_from, the months before it and the months from it onwards get
    limits of their own. The variation is the last point's.
    """
    points = series[["period", "value"]].dropna().sort_values("period").reset_index(drop=True)
    for column in ("mean", "lower", "upper"):
        points[column] = np.nan
    points["flag"] = 0
    points["variation"] = "insufficient_data"
    segment = np.zeros(len(points), dtype=int)
    if rebase_from is not None:
        segment = (points["period"] >= rebase_from).to_numpy().astype(int)
    last_limits = None
    for number in np.unique(segment):
        rows = np.flatnonzero(segment == number)
        y = points.loc[rows, "value"].to_numpy()
        limits = process_limits(y)
        last_limits = limits
        points.loc[rows, ["mean", "lower", "upper"]] = [limits.mean, limits.lower, limits.upper]
        if len(y) >= MINIMUM_POINTS:
            flags = special_cause(y, limits)
            points.loc[rows, "flag"] = flags
            points.loc[rows, "variation"] = variation(flags, polarity)
    if points.empty or last_limits is None:
        return SpcResult(points, "insufficient_data", "none")
    last_variation = points["variation"].iloc[-1]
    enough = last_variation != "insufficient_data"
    last_assurance = assurance(target, last_limits, polarity) if enough else "none"
    return SpcResult(points, last_variation, last_assurance)


VARIATION_BY_POLARITY = {
    "higher_is_better": ("improvement", "concern"),
    "lower_is_better": ("concern", "improvement"),
    "neutral": ("neutral_high", "neutral_low"),
}


def latest_signals(history: pd.DataFrame, polarity: pd.Series, target: pd.Series) -> pd.DataFrame:
    """Variation and assurance of the last point of many series at once (no rebase).

    history has a `series` key, `period` and `value` (no gaps in value); polarity and target are
    indexed by series. For the last point every rule only needs the last few points: a trend
    ending there is the last six steps all one way; a shift, the last seven points on one side;
    two of three close, the last three points. So this gives exactly what analyse() gives for
    each series' last point, without a Python loop per series.
    """
    data = history[["series", "period", "value"]].dropna(subset=["value"]).sort_values(["series", "period"])
    key = data["series"]
    y = data["value"].astype("float64")
    grouped = y.groupby(key)
    count, mean = grouped.size(), grouped.mean()
    ranges = grouped.diff().abs()
    first_average = ranges.groupby(key).transform("mean")
    kept = ranges.where(ranges < SCREENING_CONSTANT * first_average)
    average = kept.groupby(key).mean().fillna(ranges.groupby(key).mean())
    upper, lower = mean + LIMIT_CONSTANT * average, mean - LIMIT_CONSTANT * average
    upper_close = mean + CLOSE_FRACTION * LIMIT_CONSTANT * average
    lower_close = mean - CLOSE_FRACTION * LIMIT_CONSTANT * average

    side = np.sign(y - key.map(mean))
    step = np.sign(grouped.diff())
    inside = (y <= key.map(upper)) & (y >= key.map(lower))
    close = inside & ((y > key.map(upper_close)) | (y < key.map(lower_close)))

    def tail(values: pd.Series, size: int) -> pd.DataFrame:
        last = values.groupby(key).tail(size)
        return last.groupby(key.loc[last.index]).agg(["min", "max", "sum", "count"])

    last_value = grouped.last()
    outside = np.where(last_value > upper, 1, np.where(last_value < lower, -1, 0))
    steps = tail(step.fillna(0), RUN_LENGTH - 1)
    trend = np.where((steps["count"] == RUN_LENGTH - 1) & (steps["min"] == steps["max"]) & (count >= RUN_LENGTH),
                     steps["min"], 0)
    sides = tail(side, RUN_LENGTH)
    shift = np.where((sides["count"] == RUN_LENGTH) & (sides["min"] == sides["max"]), sides["min"], 0)
    last_three_sides, last_three_close = tail(side, 3), tail(close.astype(int), 3)
    last_side, last_close = side.groupby(key).last(), close.groupby(key).last()
    two_of_three = np.where(last_close & (last_three_close["sum"] >= 2) & (last_three_sides["sum"].abs() == 3),
                            last_side, 0)

    rules = np.vstack([outside, trend, two_of_three, shift])
    flagged = (rules != 0).any(axis=0)
    direction = np.sign(rules.sum(axis=0))
    direction = np.where(direction == 0, last_side.to_numpy(), direction)
    polarity = polarity.reindex(count.index)
    high = polarity.map(lambda p: VARIATION_BY_POLARITY[p][0])
    low = polarity.map(lambda p: VARIATION_BY_POLARITY[p][1])
    variation = np.where(~flagged, "common_cause", np.where(direction > 0, high, low))
    variation = np.where(count >= MINIMUM_POINTS, variation, "insufficient_data")

    target = target.reindex(count.index)
    higher = polarity == "higher_is_better"
    above, below = target > upper, target < lower
    assurance = np.select(
        [target.isna() | (polarity == "neutral") | average.isna() | (count < MINIMUM_POINTS),
         above & higher, below & higher, above & ~higher, below & ~higher],
        ["none", "fail", "pass", "pass", "fail"], default="inconsistent",
    )
    last_period = data.groupby(key)["period"].last()
    return pd.DataFrame({"variation": variation, "assurance": assurance, "last_period": last_period},
                        index=count.index)
