"""Team and whole-service figures by the contract's aggregation rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.contract import per_row, ratio_scale

# The whole service is a null team in the contract; in computed tables it is "".
WHOLE_SERVICE = ""
FIGURE_COLUMNS = ["indicator_id", "period", "team", "numerator", "denominator", "value"]


def team_figures(values: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Each supplied row's value; ratio rows recomputed from numerator and denominator."""
    catalogue = indicators.set_index("indicator_id")
    figures = values[FIGURE_COLUMNS].copy()
    team = figures["team"]
    if not isinstance(team.dtype, pd.CategoricalDtype):
        team = team.astype("category")
    if WHOLE_SERVICE not in team.cat.categories:
        team = team.cat.add_categories([WHOLE_SERVICE])
    figures["team"] = team.fillna(WHOLE_SERVICE)
    is_ratio = per_row(figures["indicator_id"], catalogue["aggregation"]) == "ratio"
    scale = per_row(figures["indicator_id"], catalogue["unit"].map(ratio_scale), "float64")
    numerator = figures["numerator"].to_numpy(dtype="float64")
    denominator = figures["denominator"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_value = np.where(denominator > 0, numerator / denominator * scale, np.nan)
    figures["value"] = np.where(is_ratio, ratio_value, figures["value"].to_numpy(dtype="float64"))
    # A ratio row without both parts is missing, so its parts are not added up either.
    incomplete = is_ratio & (np.isnan(numerator) | np.isnan(denominator))
    figures.loc[incomplete, ["numerator", "denominator"]] = np.nan
    return figures


def derived_whole_service(figures: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Whole-service rows derived from team rows: a sum, or a ratio of sums; never for `none`."""
    catalogue = indicators.set_index("indicator_id")
    teams = figures[figures["team"] != WHOLE_SERVICE]
    aggregation = per_row(teams["indicator_id"], catalogue["aggregation"])
    keys = ["indicator_id", "period"]

    summed = (
        teams[aggregation == "sum"]
        .groupby(keys, observed=True)["value"]
        .sum(min_count=1)
        .reset_index()
        .assign(numerator=np.nan, denominator=np.nan)
    )
    ratios = (
        teams[aggregation == "ratio"]
        .groupby(keys, observed=True)[["numerator", "denominator"]]
        .sum(min_count=1)
        .reset_index()
    )
    scale = per_row(ratios["indicator_id"], catalogue["unit"].map(ratio_scale), "float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios["value"] = np.where(
            ratios["denominator"] > 0, ratios["numerator"] / ratios["denominator"] * scale, np.nan
        )
    derived = pd.concat([summed, ratios], ignore_index=True)
    derived["team"] = pd.Categorical([WHOLE_SERVICE] * len(derived), categories=figures["team"].cat.categories)
    return derived[FIGURE_COLUMNS]


def resolve_figures(values: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Every team row plus the whole service: supplied whole-service rows win over derived ones."""
    figures = team_figures(values, indicators)
    supplied = figures[figures["team"] == WHOLE_SERVICE]
    derived = derived_whole_service(figures, indicators)
    supplied_keys = pd.MultiIndex.from_frame(supplied[["indicator_id", "period"]])
    derived_keys = pd.MultiIndex.from_frame(derived[["indicator_id", "period"]])
    derived = derived[~derived_keys.isin(supplied_keys)]
    resolved = pd.concat([figures, derived], ignore_index=True)
    return resolved.sort_values(["indicator_id", "team", "period"], ignore_index=True)
