"""Statistical process control: XmR charts the NHS "Making Data Count" way.

Small pure functions, one per rule, following the NHSRplotthedots package.
Each rule returns +1 (high), -1 (low) or 0 for every point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.core.arrays import codes_of, lexsorted, month_numbers
from metrics.core.months import format_month

LIMIT_CONSTANT = 2.66  # converts the average moving range into 3 sigma
SCREENING_CONSTANT = 3.267  # moving ranges this many times the average are screened out
CLOSE_FRACTION = 2 / 3  # "close to the limits" starts at 2 sigma
RUN_LENGTH = 7  # points in a trend or a shift
MINIMUM_POINTS = 12
BASELINES = (12, 18, 24)  # months a chart's limits can be fixed on (NHSRplotthedots needs at least 12)
ROUNDING = 1e-9  # relative: differences this small are rounding, not variation

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


def rounding_allowance(mean) -> np.ndarray:
    """How far a point may sit from a line and still count as on it: rounding in the mean, not a signal.

    Without it a flat series (85.714... every month) sits a hair's breadth below its own mean,
    and seven of them in a row would read as a shift.
    """
    return ROUNDING * np.maximum(1.0, np.abs(mean))


def side_of_mean(y: np.ndarray, limits: Limits) -> np.ndarray:
    """+1 above the mean, -1 below, 0 on it."""
    gap = np.asarray(y, dtype="float64") - limits.mean
    return np.where(np.abs(gap) <= rounding_allowance(limits.mean), 0, np.sign(gap)).astype(int)


def outside_limits(y: np.ndarray, limits: Limits) -> np.ndarray:
    """Rule 1: a point above the upper or below the lower process limit."""
    y = np.asarray(y, dtype="float64")
    allowance = rounding_allowance(limits.mean)
    return np.where(y > limits.upper + allowance, 1, np.where(y < limits.lower - allowance, -1, 0))


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
    """+1 or -1 where any rule flags the point, else 0.

    Where rules pull both ways (a rising trend wholly below the mean), the first rule in
    NHSRplotthedots 0.2.x's order decides: outside the limits, then the trend, then two of three
    close to a limit, then the shift. A rising run below the mean is therefore a rise.
    """
    return first_rule(outside_limits(y, limits), trend(y), two_of_three_close(y, limits), shift(y, limits))


RULE_WORDS = {  # the rule that decided a point, by direction (+1 high, -1 low)
    ("outside", 1): "this month is above the upper process limit",
    ("outside", -1): "this month is below the lower process limit",
    ("trend", 1): "seven months in a row each higher than the last",
    ("trend", -1): "seven months in a row each lower than the last",
    ("two_of_three", 1): "two of the last three months close to the upper limit",
    ("two_of_three", -1): "two of the last three months close to the lower limit",
    ("shift", 1): "seven months in a row above the average",
    ("shift", -1): "seven months in a row below the average",
}


def deciding_rule(y: np.ndarray) -> str:
    """In words, the rule that decides the last point of a series (limits from all of it), or "" if none."""
    y = np.asarray(y, dtype="float64")
    if len(y) < MINIMUM_POINTS:
        return ""
    limits = process_limits(y)
    rules = {
        "outside": outside_limits(y, limits),
        "trend": trend(y),
        "two_of_three": two_of_three_close(y, limits),
        "shift": shift(y, limits),
    }
    return next((RULE_WORDS[name, int(flags[-1])] for name, flags in rules.items() if flags[-1] != 0), "")


def first_rule(*rules: np.ndarray) -> np.ndarray:
    """For each point, the direction of the first rule (in the order given) that flags it, else 0."""
    return np.select([rule != 0 for rule in rules], list(rules), 0).astype(int)


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


def analyse(
    series: pd.DataFrame,
    polarity: str,
    target: float | None = None,
    rebase_from: pd.Timestamp | None = None,
    fix_after: int | None = None,
) -> SpcResult:
    """XmR analysis of a monthly series (period, value); missing months are left out.

    With rebase_from, the months before it and the months from it onwards get limits of their
    own. With fix_after (NHSRplotthedots' fix_after_n_points, at least 12), each part's limits are
    worked out from its first fix_after months only and then held for the months after: the
    baseline the later months are judged against. The variation is the last point's.
    """
    if fix_after is not None and fix_after < MINIMUM_POINTS:
        raise ValueError(f"a baseline needs at least {MINIMUM_POINTS} months, not {fix_after}")
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
        limits = process_limits(y[:fix_after])
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


class _Grid:
    """Points laid out as one row per series, padded to the longest, so each series' prefixes line up:
    each point's place in the flattened grid, worked out once for every grid of the same points."""

    def __init__(self, member: np.ndarray, position: np.ndarray, series: int):
        self.shape = (series, int(position.max()) + 1)
        self.place = member * self.shape[1] + position

    def of(self, values: np.ndarray, fill=np.nan) -> np.ndarray:
        grid = np.full(self.shape, fill, dtype=np.asarray(values).dtype)
        grid.ravel()[self.place] = values
        return grid

    def at_points(self, grid: np.ndarray) -> np.ndarray:
        return grid.ravel()[self.place]


def _screened_average_at_every_point(ranges: np.ndarray, points: _Grid) -> tuple[np.ndarray, np.ndarray]:
    """For every point, its series' average moving range up to it: before and after screening.

    Screening depends on the average of all ranges so far, so each prefix is screened afresh. Only
    a range at least 3.267 times some later prefix's average can ever be screened out; those are
    few, so the sums are corrected for them alone instead of comparing every pair of points.
    """
    known = ~np.isnan(ranges)
    grid = points.of(np.where(known, ranges, 0.0), 0.0)
    known = points.of(known, False)
    total = np.cumsum(grid, axis=1)
    counted = np.cumsum(known, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = total / counted
    limit = SCREENING_CONSTANT * first
    lowest_ahead = np.fmin.accumulate(limit[:, ::-1], axis=1)[:, ::-1]  # the lowest limit from here on
    with np.errstate(invalid="ignore"):
        series_of, point_of = np.nonzero(known & (grid >= lowest_ahead))  # by series, then point
    removed, removed_count = np.zeros_like(total), np.zeros_like(total)
    length = points.shape[1]
    months = np.arange(length)
    block = max(1, 2_000_000 // length)
    for start in range(0, len(series_of), block):
        rows, at = series_of[start : start + block], point_of[start : start + block]
        big = grid[rows, at][:, None]
        with np.errstate(invalid="ignore"):
            screened_out = (months[None, :] >= at[:, None]) & (big >= limit[rows])
        # Each series' candidates are together: summed a series at a time, not added one by one.
        first_of = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        removed[rows[first_of]] += np.add.reduceat(np.where(screened_out, big, 0.0), first_of, axis=0)
        removed_count[rows[first_of]] += np.add.reduceat(screened_out, first_of, axis=0, dtype=np.float64)
    kept = counted - removed_count
    with np.errstate(invalid="ignore", divide="ignore"):
        screened = np.where(kept > 0, (total - removed) / kept, first)
    return points.at_points(first), points.at_points(screened)


def _same_sign_run(recent, count: np.ndarray, length: int) -> np.ndarray:
    """The common sign of `length` values per point, or 0 where they differ or the series is shorter."""
    low = high = None
    for values in recent:
        low = values if low is None else np.minimum(low, values)
        high = values if high is None else np.maximum(high, values)
    return np.where((count >= length) & (low == high), high, 0).astype("int8")


def _codes(names, categories: tuple[str, ...]) -> np.ndarray:
    return np.asarray([categories.index(name) for name in names], dtype="int8")


def restart_segments(frame: pd.DataFrame, changes: pd.DataFrame | None) -> np.ndarray | None:
    """For each row (indicator_id, team, period), how many recorded changes its series has had by its
    month: the part of the series whose limits it belongs to (0 before the first change).

    changes: the notes that record a change in practice or definition (commentary with a `change`), each
    with its month and, where it is about one, its indicator and team (null: every indicator, every team).
    None where nothing was recorded.
    """
    if changes is None or changes.empty:
        return None
    segment = np.zeros(len(frame), dtype="int16")
    periods = frame["period"].to_numpy(dtype="datetime64[ns]")
    indicators = frame["indicator_id"].astype("object").to_numpy()
    teams = frame["team"].astype("object").to_numpy()
    for month, indicator_id, team in zip(
        changes["period"].to_numpy(dtype="datetime64[ns]"),
        changes["indicator_id"].astype("object"),
        changes["team"].astype("object"),
        strict=True,
    ):
        applies = periods >= month
        if isinstance(indicator_id, str):
            applies &= indicators == indicator_id
        if isinstance(team, str):
            applies &= teams == team
        segment += applies
    return segment if segment.any() else None


def signals_at_every_point(
    frame: pd.DataFrame, polarity, target, order: np.ndarray | None = None, segment: np.ndarray | None = None
) -> pd.DataFrame:
    """Variation and assurance for every row, as if the row were the last point of its series.

    frame has indicator_id, team, period and value; polarity and target are given per row. Each
    row's answer is what analyse() gives for its series up to and including that month (no
    rebase), with missing values left out. A row without a value has insufficient_data and none.
    Only the last few points matter to every rule at the last point: a trend ending there is the
    last six steps all one way; a shift, the last seven points on one side of the mean; two of
    three close, the last three points. The limits are each prefix's own. Returns categories.

    order: the rows' positions by indicator, team and month, where already known (SeriesOrder.order).
    segment: each row's part of its series (restart_segments): the limits restart with each part, as
    analyse's rebase_from does (a part shorter than MINIMUM_POINTS has insufficient data).
    """
    variation = np.full(len(frame), VARIATIONS.index("insufficient_data"), dtype="int8")
    assurance = np.full(len(frame), ASSURANCES.index("none"), dtype="int8")
    value = frame["value"].to_numpy(dtype="float64")
    has_value = np.flatnonzero(~np.isnan(value))
    if len(has_value):
        variation[has_value], assurance[has_value] = _rate_points(
            frame, value, has_value, polarity, target, order, segment
        )
    return pd.DataFrame(
        {
            "variation": pd.Categorical.from_codes(variation, categories=VARIATIONS),
            "assurance": pd.Categorical.from_codes(assurance, categories=ASSURANCES),
        },
        index=frame.index,
    )


def _rate_points(
    frame: pd.DataFrame,
    value: np.ndarray,
    has_value: np.ndarray,
    polarity,
    target,
    series_order: np.ndarray | None,
    segment: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Variation and assurance codes for the rows with a value, in the order of has_value."""
    if series_order is None:
        indicator = codes_of(frame["indicator_id"])[has_value]
        team = codes_of(frame["team"])[has_value]
        month = month_numbers(frame["period"].to_numpy(dtype="datetime64[ns]")[has_value], "D")
        order = lexsorted((month, team, indicator))  # each series together, oldest month first
    else:  # the same order, of the rows with a value
        place = np.full(len(value), -1)
        place[has_value] = np.arange(len(has_value))
        order = place[series_order]
        order = order[order >= 0]
    rows = has_value[order]
    indicator, team = codes_of(frame["indicator_id"])[rows], codes_of(frame["team"])[rows]
    boundary = (indicator[1:] != indicator[:-1]) | (team[1:] != team[:-1])
    if segment is not None:  # a recorded change: the limits start again (a part is its own series)
        part = np.asarray(segment)[rows]
        boundary |= part[1:] != part[:-1]
    starts = np.flatnonzero(np.r_[True, boundary])
    member = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(rows)]))
    index = np.arange(len(rows))
    position = index - starts[member]
    count = position + 1
    y = value[rows]
    points = _Grid(member, position, len(starts))

    mean = points.at_points(np.cumsum(points.of(y), axis=1)) / count
    steps = np.r_[np.nan, np.diff(y)]
    steps[starts] = np.nan  # a series' first point has no moving range
    first_average, average = _screened_average_at_every_point(np.abs(steps), points)
    average = np.where(np.isnan(average), first_average, average)
    upper, lower = mean + LIMIT_CONSTANT * average, mean - LIMIT_CONSTANT * average
    upper_close = mean + CLOSE_FRACTION * LIMIT_CONSTANT * average
    lower_close = mean - CLOSE_FRACTION * LIMIT_CONSTANT * average
    step = np.nan_to_num(np.sign(steps)).astype("int8")
    allowance = rounding_allowance(mean)

    def back(k: int, values: np.ndarray) -> np.ndarray:
        """Each point's series value k points earlier (0 where the series is shorter)."""
        earlier = np.empty_like(values)  # the array shifted k places: a copy, not a gather by index
        shift = min(k, len(values))
        earlier[shift:], earlier[:shift] = values[: len(values) - shift], values[:1]
        return np.where(position >= k, earlier, 0)

    def side(k: int) -> np.ndarray:
        """The side of the current mean that the point k points earlier lies on (0 if none)."""
        gap = back(k, y) - mean
        return np.where((position >= k) & (np.abs(gap) > allowance), np.sign(gap), 0).astype("int8")

    def close(k: int) -> np.ndarray:
        earlier = back(k, y)
        with np.errstate(invalid="ignore"):
            near = (earlier <= upper) & (earlier >= lower) & ((earlier > upper_close) | (earlier < lower_close))
        return (position >= k) & near

    outside = np.where(y > upper + allowance, 1, np.where(y < lower - allowance, -1, 0)).astype("int8")
    trend = np.where(
        count >= RUN_LENGTH, _same_sign_run((back(k, step) for k in range(RUN_LENGTH - 1)), count, RUN_LENGTH - 1), 0
    )
    last_three = [side(k) for k in range(3)]
    shift = _same_sign_run((*last_three, *(side(k) for k in range(3, RUN_LENGTH))), count, RUN_LENGTH)
    three_close = close(0).astype("int8") + close(1) + close(2)
    three_sides = np.abs(last_three[0] + last_three[1] + last_three[2])
    two_of_three = np.where(close(0) & (three_close >= 2) & (three_sides == 3), last_three[0], 0)

    direction = first_rule(outside, trend, two_of_three, shift)  # the same order as special_cause
    flagged = direction != 0
    polarity, names = pd.factorize(
        polarity[rows] if isinstance(polarity, pd.Categorical) else np.asarray(polarity, dtype=object)[rows]
    )
    names = np.asarray(names, dtype=object)
    high = _codes([VARIATION_BY_POLARITY[name][0] for name in names], VARIATIONS)[polarity]
    low = _codes([VARIATION_BY_POLARITY[name][1] for name in names], VARIATIONS)[polarity]
    shown = np.where(~flagged, VARIATIONS.index("common_cause"), np.where(direction > 0, high, low))
    variation = np.where(count >= MINIMUM_POINTS, shown, VARIATIONS.index("insufficient_data"))

    target = np.asarray(target, dtype="float64")[rows]
    higher = (names == "higher_is_better")[polarity]
    neutral = (names == "neutral")[polarity]
    above, below = target > upper, target < lower
    assurance = np.select(
        [
            np.isnan(target) | neutral | np.isnan(average) | (count < MINIMUM_POINTS),
            above & higher,
            below & higher,
            above & ~higher,
            below & ~higher,
        ],
        [_codes([name], ASSURANCES)[0] for name in ("none", "fail", "pass", "pass", "fail")],
        default=ASSURANCES.index("inconsistent"),
    )
    result_variation = np.empty(len(rows), dtype="int8")
    result_assurance = np.empty(len(rows), dtype="int8")
    result_variation[order], result_assurance[order] = variation, assurance  # back to has_value's order
    return result_variation, result_assurance


def limits_in_words(points: pd.DataFrame, fix_after: int | None, rebase_from: pd.Timestamp | None) -> str:
    """Which months an analysis's limits come from, in words (points as analyse() returns them)."""
    if points.empty:
        return "none yet."
    parts = (
        [points]
        if rebase_from is None
        else [points[points["period"] < rebase_from], points[points["period"] >= rebase_from]]
    )
    texts = []
    for part in (part for part in parts if not part.empty):
        first = format_month(part["period"].iloc[0])
        if fix_after and len(part) > fix_after:
            texts.append(
                f"worked out from {first} to {format_month(part['period'].iloc[fix_after - 1])} "
                f"(the baseline) and held for the months after"
            )
        else:
            texts.append(f"worked out from every month from {first} to {format_month(part['period'].iloc[-1])}")
    return "; new limits ".join(texts) + "."
