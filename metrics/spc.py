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


def _group_mean(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The mean of each contiguous group (groups begin at starts), leaving out NaN; NaN if none."""
    known = ~np.isnan(x)
    sums = np.add.reduceat(np.where(known, x, 0.0), starts)
    counts = np.add.reduceat(known.astype("int64"), starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def latest_signals(history: pd.DataFrame, polarity: pd.Series, target: pd.Series) -> pd.DataFrame:
    """Variation and assurance of the last point of many series at once (no rebase).

    history has a `series` key, `period` and `value`; polarity and target are indexed by series.
    For the last point every rule only needs the last few points: a trend ending there is the
    last six steps all one way; a shift, the last seven points on one side; two of three close,
    the last three points. So this gives exactly what analyse() gives for each series' last
    point, with the series side by side in flat arrays instead of a Python loop per series.
    """
    data = history[["series", "period", "value"]].dropna(subset=["value"]).sort_values(["series", "period"])
    key = data["series"].to_numpy()
    y = data["value"].to_numpy(dtype="float64")
    if len(y) == 0:
        return pd.DataFrame({"variation": [], "assurance": [], "last_period": []})
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    count = np.diff(np.r_[starts, len(y)])
    last = starts + count - 1
    member = np.repeat(np.arange(len(starts)), count)  # each point's series, as a position

    mean = np.add.reduceat(y, starts) / count
    steps = np.r_[np.nan, np.diff(y)]
    steps[starts] = np.nan  # a series' first point has no moving range
    ranges = np.abs(steps)
    first_average = _group_mean(ranges, starts)
    with np.errstate(invalid="ignore"):
        kept = np.where(ranges < SCREENING_CONSTANT * first_average[member], ranges, np.nan)
    average = _group_mean(kept, starts)
    average = np.where(np.isnan(average), first_average, average)
    upper, lower = mean + LIMIT_CONSTANT * average, mean - LIMIT_CONSTANT * average
    upper_close = mean + CLOSE_FRACTION * LIMIT_CONSTANT * average
    lower_close = mean - CLOSE_FRACTION * LIMIT_CONSTANT * average

    def back(k: int, values: np.ndarray) -> np.ndarray:
        """Each series' value k points before its last (0 where the series is shorter)."""
        return np.where(count > k, values[np.maximum(last - k, starts)], 0)

    side = np.sign(y - mean[member])
    with np.errstate(invalid="ignore"):
        step = np.nan_to_num(np.sign(steps))
        close = (y <= upper[member]) & (y >= lower[member]) & ((y > upper_close[member]) | (y < lower_close[member]))
    last_value, last_side = y[last], side[last]
    outside = np.where(last_value > upper, 1, np.where(last_value < lower, -1, 0))

    def same_sign_run(values: np.ndarray, length: int) -> np.ndarray:
        """The common sign of each series' last `length` values, or 0 if they differ or are too few."""
        recent = np.vstack([back(k, values) for k in range(length)])
        agree = (count >= length) & (recent.min(axis=0) == recent.max(axis=0))
        return np.where(agree, recent[0], 0)

    trend = np.where(count >= RUN_LENGTH, same_sign_run(step, RUN_LENGTH - 1), 0)
    shift = same_sign_run(side, RUN_LENGTH)
    three_sides = sum(back(k, side) for k in range(3))
    three_close = sum(back(k, close.astype(int)) for k in range(3))
    two_of_three = np.where(close[last] & (three_close >= 2) & (np.abs(three_sides) == 3), last_side, 0)

    rules = np.vstack([outside, trend, two_of_three, shift])
    flagged = (rules != 0).any(axis=0)
    direction = np.sign(rules.sum(axis=0))
    direction = np.where(direction == 0, last_side, direction)
    ids = key[starts]
    polarity = polarity.reindex(ids)
    high = polarity.map({name: pair[0] for name, pair in VARIATION_BY_POLARITY.items()}).to_numpy()
    low = polarity.map({name: pair[1] for name, pair in VARIATION_BY_POLARITY.items()}).to_numpy()
    variation = np.where(~flagged, "common_cause", np.where(direction > 0, high, low))
    variation = np.where(count >= MINIMUM_POINTS, variation, "insufficient_data")

    target = target.reindex(ids).to_numpy(dtype="float64")
    polarity = polarity.to_numpy()
    higher = polarity == "higher_is_better"
    above, below = target > upper, target < lower
    assurance = np.select(
        [np.isnan(target) | (polarity == "neutral") | np.isnan(average) | (count < MINIMUM_POINTS),
         above & higher, below & higher, above & ~higher, below & ~higher],
        ["none", "fail", "pass", "pass", "fail"], default="inconsistent",
    )
    last_period = data["period"].to_numpy()[last]
    return pd.DataFrame({"variation": variation, "assurance": assurance, "last_period": last_period},
                        index=pd.Index(ids, name="series"))
