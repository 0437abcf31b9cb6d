"""Targets in force, RAG status, direction of travel and runs of months off target."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.aggregation import WHOLE_SERVICE

OFF_TARGET = ("amber", "red")
SAME_VALUE_TOLERANCE = 1e-9


def targets_in_force(keys: pd.DataFrame, targets: pd.DataFrame | None) -> pd.DataFrame:
    """Target and tolerance for each (indicator_id, team, period) row of keys.

    The row with the latest effective_from on or before the month applies; a
    team's own row beats an all-teams row. The whole service ("" team) takes
    only all-teams rows.
    """
    result = keys[["indicator_id", "team", "period"]].copy()
    result["target"] = np.nan
    result["tolerance"] = np.nan
    if targets is None or targets.empty or result.empty:
        return result
    result["_row"] = np.arange(len(result))
    ordered = result.sort_values("period")
    targets = targets.sort_values("effective_from")
    all_teams = targets[targets["team"].isna()].drop(columns="team")
    own = targets[targets["team"].notna()].assign(team=lambda f: f["team"].astype("object"))

    general = pd.merge_asof(
        ordered, all_teams, left_on="period", right_on="effective_from", by="indicator_id",
        suffixes=("", "_all"), allow_exact_matches=True,
    )
    ordered_teams = ordered.assign(team=ordered["team"].astype("object"))
    specific = pd.merge_asof(
        ordered_teams, own, left_on="period", right_on="effective_from", by=["indicator_id", "team"],
        suffixes=("", "_own"), allow_exact_matches=True,
    )
    general = general.set_index("_row").sort_index()
    specific = specific.set_index("_row").sort_index()
    has_own = specific["target_own"].notna() & (specific["team"] != WHOLE_SERVICE)
    result["target"] = np.where(has_own, specific["target_own"], general["target_all"])
    result["tolerance"] = np.where(has_own, specific["tolerance_own"], general["tolerance_all"])
    return result.drop(columns="_row")


def rag_status(value, target, tolerance, polarity) -> np.ndarray:
    """RAG per the contract: green, amber, red, or none (no target, no value, or neutral)."""
    value = np.asarray(value, dtype="float64")
    target = np.asarray(target, dtype="float64")
    tolerance = np.asarray(tolerance, dtype="float64")
    polarity = np.asarray(polarity, dtype="object")
    higher = polarity == "higher_is_better"
    lower = polarity == "lower_is_better"
    rated = (higher | lower) & ~np.isnan(value) & ~np.isnan(target)
    with np.errstate(invalid="ignore"):
        green = np.where(higher, value >= target, value <= target)
        amber = np.where(higher, value >= target - tolerance, value <= target + tolerance)
    status = np.select([~rated, green, amber], ["none", "green", "amber"], default="red")
    return status.astype("object")


def direction_of_travel(current, previous, polarity) -> np.ndarray:
    """Improving, worsening or unchanged by polarity; up or down for neutral; n/a with a gap."""
    current = np.asarray(current, dtype="float64")
    previous = np.asarray(previous, dtype="float64")
    polarity = np.asarray(polarity, dtype="object")
    known = ~np.isnan(current) & ~np.isnan(previous)
    with np.errstate(invalid="ignore"):
        same = np.isclose(current, previous, rtol=SAME_VALUE_TOLERANCE, atol=SAME_VALUE_TOLERANCE)
        rose = current > previous
    good_rise = polarity == "higher_is_better"
    neutral = polarity == "neutral"
    direction = np.select(
        [~known, same, neutral & rose, neutral, rose == good_rise],
        ["n/a", "unchanged", "up", "down", "improving"],
        default="worsening",
    )
    return direction.astype("object")


def previous_month(period: pd.Series) -> pd.Series:
    """The first day of the month before."""
    return period - pd.DateOffset(months=1)


def months_off_target(frame: pd.DataFrame) -> np.ndarray:
    """For each row, how many months in a row up to it were amber or red (0 when on target).

    frame has indicator_id, team, period and rag; a missing month breaks the run.
    """
    ordered = frame[["indicator_id", "team", "period", "rag"]].reset_index(drop=True).reset_index().sort_values(
        ["indicator_id", "team", "period"]
    )
    off = ordered["rag"].isin(OFF_TARGET).to_numpy()
    same_series = (
        (ordered["indicator_id"].to_numpy() == np.roll(ordered["indicator_id"].to_numpy(), 1))
        & (ordered["team"].to_numpy() == np.roll(ordered["team"].to_numpy(), 1))
    )
    follows = ordered["period"].to_numpy() == np.roll(
        (ordered["period"] + pd.DateOffset(months=1)).to_numpy(), 1
    )
    continues = same_series & follows & np.roll(off, 1) & off
    if len(continues):
        continues[0] = False
    run_id = np.cumsum(~continues)
    streak = pd.Series(off.astype(int)).groupby(run_id).cumsum().to_numpy()
    result = np.zeros(len(frame), dtype="int64")
    result[ordered["index"].to_numpy()] = np.where(off, streak, 0)
    return result
