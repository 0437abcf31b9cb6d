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
    unit = figures["indicator_id"].map(indicators.set_index("indicator_id")["unit"]).to_numpy()
    small_count = (unit == "count") & is_small(figures["value"])
    small_parts = is_small(figures["numerator"]) | is_small(figures["denominator"])
    small_rate = np.isin(unit, RATE_UNITS) & small_parts
    return small_count | small_rate


def _recoverable(parts: pd.DataFrame, hidden: np.ndarray, total_shown: bool, additive: list[str]) -> bool:
    """Could a reader work out the hidden teams from the shown total and the shown teams?"""
    if not total_shown or not hidden.any():
        return False
    if hidden.sum() == 1:
        return True
    hidden_parts = parts.loc[hidden, additive]
    sums = hidden_parts.sum()
    count = int(hidden.sum())
    # Hidden counts are known to be at least 1; if they add up to exactly that, each is 1.
    lower_bound_met = any(sums[column] == count for column in additive if column != "numerator")
    # Numerators are at least 0 and at most their denominator: 0% or 100% throughout gives them away.
    if "numerator" in additive:
        lower_bound_met |= sums["numerator"] == 0 or sums["numerator"] == sums["denominator"]
    return bool(lower_bound_met)


def _secondary_for_group(group: pd.DataFrame, suppressed: np.ndarray, additive: list[str]) -> np.ndarray:
    """Extra rows to suppress in one indicator-month so no hidden team can be recovered."""
    suppressed = suppressed.copy()
    is_total = (group["team"] == WHOLE_SERVICE).to_numpy()
    size_column = "denominator" if "denominator" in additive else "value"
    size = group[size_column].to_numpy(dtype="float64")
    while True:
        hidden_teams = suppressed & ~is_total
        total_shown = bool((is_total & ~suppressed).any())
        if not _recoverable(group, hidden_teams, total_shown, additive):
            return suppressed
        candidates = ~suppressed & ~is_total & (np.nan_to_num(size) > 0)
        if candidates.any():
            smallest = np.where(candidates, size, np.inf).argmin()
            suppressed[smallest] = True
        else:
            suppressed[is_total] = True


def suppress_figures(figures: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Figures for the public audience: suppressed rows lose their numbers and are flagged."""
    catalogue = indicators.set_index("indicator_id")
    result = figures.copy()
    suppressed = primary_suppression(result, indicators)
    aggregation = result["indicator_id"].map(catalogue["aggregation"]).to_numpy()
    unit = result["indicator_id"].map(catalogue["unit"]).to_numpy()
    additive = ((aggregation == "sum") & (unit == "count")) | ((aggregation == "ratio") & np.isin(unit, RATE_UNITS))

    # Only indicator-months with a hidden team need a second look.
    needs_look = suppressed & additive & (result["team"] != WHOLE_SERVICE).to_numpy()
    months = pd.MultiIndex.from_frame(result[["indicator_id", "period"]])
    looked_at = np.flatnonzero(months.isin(months[needs_look]))
    subset = result.iloc[looked_at]
    for positions in subset.groupby(["indicator_id", "period"], observed=True).indices.values():
        rows = looked_at[positions]
        columns = ["numerator", "denominator"] if aggregation[rows[0]] == "ratio" else ["value"]
        suppressed[rows] = _secondary_for_group(result.iloc[rows], suppressed[rows], columns)

    result["suppressed"] = suppressed
    result.loc[suppressed, ["value", "numerator", "denominator"]] = np.nan
    return result
