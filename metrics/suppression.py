"""Small-number suppression for the public audience, the way DfE statistics do it.

Primary: a count from 1 to 5, or a percentage or rate whose numerator or
denominator is from 1 to 5, is shown as "c". Zero stays zero.

Secondary: teams add up to the whole service, so where the whole-service
figure is shown, a reader could subtract the shown teams from it. Whenever
that would pin down the suppressed teams exactly, the next smallest team is
suppressed too (or, if none is left, the whole-service figure).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.aggregation import WHOLE_SERVICE
from metrics.contract import per_row

PUBLIC = "public"
INTERNAL = "internal"
AUDIENCES = (PUBLIC, INTERNAL)
AUDIENCE_VARIABLE = "PERFORMANCE_AUDIENCE"
SUPPRESSED = "c"
SMALLEST_SHOWN = 6  # counts from 1 to SMALLEST_SHOWN - 1 are suppressed
RATE_UNITS = ("percent", "rate_per_10k")


def audience_from(value: str | None) -> str:
    """The audience named by PERFORMANCE_AUDIENCE; anything unknown falls back to public."""
    value = (value or PUBLIC).strip().lower()
    return value if value in AUDIENCES else PUBLIC


def is_small(numbers) -> np.ndarray:
    """True for figures from 1 to 5 inclusive (zero and missing are not small)."""
    numbers = np.asarray(numbers, dtype="float64")
    with np.errstate(invalid="ignore"):
        return (numbers > 0) & (numbers < SMALLEST_SHOWN)


def primary_suppression(figures: pd.DataFrame, indicators: pd.DataFrame) -> np.ndarray:
    """Rows whose own figures are small counts or rates built on small numbers."""
    unit = per_row(figures["indicator_id"], indicators.set_index("indicator_id")["unit"])
    small_count = (unit == "count") & is_small(figures["value"])
    small_parts = is_small(figures["numerator"]) | is_small(figures["denominator"])
    small_rate = np.isin(unit, RATE_UNITS) & small_parts
    return small_count | small_rate


def _recoverable_groups(part: pd.DataFrame, hidden: np.ndarray, is_total: np.ndarray, ratio: np.ndarray,
                       group: np.ndarray) -> np.ndarray:
    """Per group: could a reader work out the hidden teams from the shown total and the shown teams?

    One hidden team is the total less the others. Several, each known to be at least 1, are pinned
    down when they add up to exactly their number; hidden numerators (between 0 and their
    denominator) when they add up to 0 or to the hidden denominators (0% or 100% throughout).
    """
    hidden_team = hidden & ~is_total
    frame = pd.DataFrame({
        "group": group,
        "hidden": hidden_team,
        "total_shown": is_total & ~hidden,
        "value": np.where(hidden_team, part["value"].to_numpy(dtype="float64"), 0.0),
        "numerator": np.where(hidden_team, part["numerator"].to_numpy(dtype="float64"), 0.0),
        "denominator": np.where(hidden_team, part["denominator"].to_numpy(dtype="float64"), 0.0),
        "ratio": ratio,
    })
    per_group = frame.groupby("group").agg(
        hidden=("hidden", "sum"), total_shown=("total_shown", "any"), value=("value", "sum"),
        numerator=("numerator", "sum"), denominator=("denominator", "sum"), ratio=("ratio", "any"),
    )
    count = per_group["hidden"]
    pinned = np.where(
        per_group["ratio"],
        (per_group["denominator"] == count) | (per_group["numerator"] == 0)
        | (per_group["numerator"] == per_group["denominator"]),
        per_group["value"] == count,
    )
    return (per_group["total_shown"] & (count > 0) & ((count == 1) | pinned)).reindex(
        np.arange(group.max() + 1), fill_value=False).to_numpy()


def _secondary(part: pd.DataFrame, suppressed: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """Hide the next smallest team (or else the total) until no hidden team can be worked out."""
    suppressed = suppressed.copy()
    group = part.groupby(["indicator_id", "period"], observed=True, sort=False).ngroup().to_numpy()
    is_total = (part["team"] == WHOLE_SERVICE).to_numpy()
    size = np.where(ratio, part["denominator"].to_numpy(dtype="float64"), part["value"].to_numpy(dtype="float64"))
    size = np.nan_to_num(size)
    while True:
        exposed = _recoverable_groups(part, suppressed, is_total, ratio, group)[group]
        if not exposed.any():
            return suppressed
        candidates = np.flatnonzero(exposed & ~suppressed & ~is_total & (size > 0))
        order = candidates[np.lexsort((size[candidates], group[candidates]))]
        first = order[np.r_[True, group[order][1:] != group[order][:-1]]] if len(order) else order
        suppressed[first] = True
        without = np.setdiff1d(np.unique(group[exposed]), group[first])
        suppressed |= is_total & np.isin(group, without)


def suppress_figures(figures: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Figures for the public audience: suppressed rows lose their numbers and are flagged."""
    catalogue = indicators.set_index("indicator_id")
    result = figures.copy()
    suppressed = primary_suppression(result, indicators)
    aggregation = per_row(result["indicator_id"], catalogue["aggregation"])
    unit = per_row(result["indicator_id"], catalogue["unit"])
    additive = ((aggregation == "sum") & (unit == "count")) | ((aggregation == "ratio") & np.isin(unit, RATE_UNITS))

    # Only indicator-months with a hidden team need a second look.
    needs_look = suppressed & additive & (result["team"] != WHOLE_SERVICE).to_numpy()
    if needs_look.any():
        months = pd.MultiIndex.from_frame(result[["indicator_id", "period"]])
        looked_at = np.flatnonzero(months.isin(months[needs_look]) & additive)
        ratio = aggregation[looked_at] == "ratio"
        suppressed[looked_at] = _secondary(result.iloc[looked_at], suppressed[looked_at], ratio)

    result["suppressed"] = suppressed
    result.loc[suppressed, ["value", "numerator", "denominator"]] = np.nan
    return result
