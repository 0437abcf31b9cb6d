"""Progress against the Improvement Plan, exactly as the data contract (version 1.1) defines it.

A measure is one (priority, indicator, team) of plan.parquet: a baseline month and one or more
milestones, each a month and a target. Its trajectory runs in a straight line, month by month, from the
baseline month's value to the first milestone's target, then from each milestone's target to the next.
In a month m each milestone has a status:

- met / missed: a milestone on or before m, by whether its own month's value reached its target;
- on track / off track: the next milestone after m, by whether m's value is at or better than the
  trajectory in m;
- not due: a later milestone than the next;
- no data: the value needed is missing or hidden in the audience shown (a public page never guesses).

The trajectory needs the baseline month's value until the first milestone; where that value is hidden,
the trajectory is left empty too (with the target and the months it would give the hidden value away).
Before the baseline month the plan has not started: every milestone is not due.

Pure functions of tables: the figures are given (value NaN where missing or hidden), nothing is read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.snapshot.contract import WHOLE_SERVICE

MET, MISSED, ON_TRACK, OFF_TRACK, NOT_DUE, NO_DATA = "met", "missed", "on track", "off track", "not due", "no data"
STATUSES = (MET, MISSED, ON_TRACK, OFF_TRACK, NOT_DUE, NO_DATA)
UP, DOWN = "up", "down"
# Which way a measure's progress runs where the plan does not say: the indicator's polarity.
POLARITY_DIRECTION = {"higher_is_better": UP, "lower_is_better": DOWN}
MEASURE_KEYS = ["priority_id", "indicator_id", "team"]
# What `python -m metrics.plan` must print at least (the data contract), then what this module adds.
CONTRACT_COLUMNS = [
    "priority_id",
    "priority",
    "indicator_id",
    "team",
    "milestone",
    "target",
    "value",
    "trajectory",
    "status",
]
COLUMNS = [
    *CONTRACT_COLUMNS,
    "value_month",
    "baseline",
    "baseline_value",
    "direction",
    "owner",
    "next_milestone",
    "suppressed",
]
# Trajectory and value compared to a billionth of the target's size: a trajectory that lands exactly on a
# value (2 + 3 x 1/3) is not missed by a rounding error.
CLOSE = 1e-9


def month_number(month) -> int:
    """A month as a count of months (January 2022 is 2022 x 12), for straight lines month by month."""
    month = pd.Timestamp(month)
    return month.year * 12 + month.month - 1


def direction_of(direction, polarity: str) -> str | None:
    """Which way is progress: the plan's own word, else the indicator's polarity (None for neutral)."""
    if isinstance(direction, str) and direction in (UP, DOWN):
        return direction
    return POLARITY_DIRECTION.get(polarity)


def reached(value: float, target: float, direction: str) -> bool:
    """Whether value is at or beyond target in the direction of progress."""
    margin = CLOSE * max(abs(target), 1.0)
    return value >= target - margin if direction == UP else value <= target + margin


def trajectory_at(baseline, baseline_value: float, milestones: list[tuple[pd.Timestamp, float]], month) -> float:
    """The trajectory's value in month: NaN before the baseline, after the last milestone, or where the
    baseline month's value is needed (before the first milestone) and missing. Milestones sorted by month."""
    points = [(month_number(baseline), baseline_value)] + [(month_number(when), target) for when, target in milestones]
    at = month_number(month)
    if at < points[0][0] or at > points[-1][0]:
        return np.nan
    for (start, start_value), (end, end_value) in zip(points, points[1:]):
        if start <= at <= end:
            if at == end:
                return float(end_value)
            return float(start_value + (end_value - start_value) * (at - start) / (end - start))
    return np.nan


def measure_progress(
    measure: pd.DataFrame, values: pd.Series, polarity: str, period, hidden: frozenset = frozenset()
) -> pd.DataFrame:
    """One measure's milestones (rows of plan.parquet) with their status in period.

    values: the measure's figures by month (month-start Timestamps), NaN where missing or hidden;
    hidden: the months whose figure the audience may not see (a download shows them as 'c').
    """
    period = pd.Timestamp(period)
    rows = measure.sort_values("milestone").reset_index(drop=True)
    baseline = pd.Timestamp(rows["baseline"].iloc[0])
    plan_direction = next((word for word in rows["direction"] if isinstance(word, str)), None)
    direction = direction_of(plan_direction, polarity)

    def value_in(month) -> float:
        found = values.get(pd.Timestamp(month), np.nan)
        return float(found) if pd.notna(found) else np.nan

    baseline_value = value_in(baseline)
    milestones = [(pd.Timestamp(when), float(target)) for when, target in zip(rows["milestone"], rows["target"])]
    upcoming = [index for index, (when, _) in enumerate(milestones) if when > period]
    next_one = upcoming[0] if upcoming and period >= baseline else None
    out = []
    for index, (when, target) in enumerate(milestones):
        trajectory, value_month = np.nan, when
        if when <= period:
            value = value_in(when)
            if np.isnan(value) or direction is None:
                status = NO_DATA
            else:
                status = MET if reached(value, target, direction) else MISSED
        elif index == next_one:
            value_month = period
            value = value_in(period)
            trajectory = trajectory_at(baseline, baseline_value, milestones, period)
            if np.isnan(value) or np.isnan(trajectory) or direction is None:
                status = NO_DATA
            else:
                status = ON_TRACK if reached(value, trajectory, direction) else OFF_TRACK
        else:
            value, value_month, status = np.nan, pd.NaT, NOT_DUE
        out.append(
            {
                "priority_id": rows["priority_id"].iloc[index],
                "priority": rows["priority"].iloc[index],
                "indicator_id": rows["indicator_id"].iloc[index],
                "team": rows["team"].iloc[index],
                "milestone": when,
                "target": target,
                "value": value,
                "trajectory": trajectory,
                "status": status,
                "value_month": value_month,
                "baseline": baseline,
                "baseline_value": baseline_value,
                "direction": direction,
                "owner": rows["owner"].iloc[index] if "owner" in rows else None,
                "next_milestone": index == next_one,
                "suppressed": pd.notna(value_month) and pd.Timestamp(value_month) in hidden,
            }
        )
    return pd.DataFrame(out, columns=COLUMNS)


def plain_plan(plan: pd.DataFrame) -> pd.DataFrame:
    """plan.parquet as plain text and month starts, the whole service as "" (as computed tables have it)."""
    plan = plan.copy()
    for column in ("priority_id", "priority", "indicator_id", "team", "direction", "owner"):
        if column in plan:
            plan[column] = plan[column].astype("object").where(plan[column].notna(), None)
    plan["team"] = plan["team"].map(lambda team: WHOLE_SERVICE if team is None else team)
    for column in ("baseline", "milestone"):
        plan[column] = pd.to_datetime(plan[column]).dt.to_period("M").dt.to_timestamp()
    plan["order"] = range(len(plan))
    return plan


def plan_progress(plan: pd.DataFrame, figures: pd.DataFrame, polarities: pd.Series, period) -> pd.DataFrame:
    """Every milestone of the plan with its status in period, priorities and measures in the plan's order.

    figures: indicator_id, team ("" the whole service), period and value (NaN where missing or hidden) of
    the plan's measures, and optionally suppressed (True where hidden); polarities: each indicator's
    polarity, by indicator_id.
    """
    plan = plain_plan(plan)
    by_series, hidden_in = {}, {}
    for key, rows in figures.groupby(["indicator_id", "team"], sort=False, observed=True):
        by_series[key] = rows.set_index("period")["value"]
        if "suppressed" in rows:
            hidden_in[key] = frozenset(pd.to_datetime(rows.loc[rows["suppressed"].astype(bool), "period"]))
    parts = []
    for _, measure in plan.groupby(MEASURE_KEYS, sort=False):
        indicator_id, team = measure["indicator_id"].iloc[0], measure["team"].iloc[0]
        values = by_series.get((indicator_id, team), pd.Series(dtype="float64"))
        polarity = polarities.get(indicator_id, "neutral")
        hidden = hidden_in.get((indicator_id, team), frozenset())
        progress = measure_progress(measure, values, polarity, period, hidden)
        progress["order"] = measure["order"].min()
        parts.append(progress)
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    table = pd.concat(parts, ignore_index=True)
    first_of_priority = table.groupby("priority_id")["order"].transform("min")
    table = table.assign(priority_order=first_of_priority).sort_values(["priority_order", "order", "milestone"])
    return table[COLUMNS].reset_index(drop=True)


def measure_status(progress: pd.DataFrame) -> str:
    """One measure's status in a month: its next milestone's, or, once all are past, its last one's
    (not due before the plan starts). progress: one measure's rows of plan_progress."""
    upcoming = progress[progress["next_milestone"]]
    if len(upcoming):
        return upcoming["status"].iloc[0]
    due = progress[progress["status"].isin([MET, MISSED, NO_DATA])]
    return due["status"].iloc[-1] if len(due) else NOT_DUE
