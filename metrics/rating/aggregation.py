"""Team and whole-service figures by the contract's aggregation rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.core.arrays import lexsorted, month_numbers
from metrics.snapshot.contract import WHOLE_SERVICE, per_row, ratio_scale

FIGURE_COLUMNS = ["indicator_id", "period", "team", "numerator", "denominator", "value"]


def team_figures(values: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Each supplied row's value; ratio rows recomputed from numerator and denominator."""
    catalogue = indicators.set_index("indicator_id")
    # The columns themselves, not a copy: pandas copies a column only when it is written (copy on write),
    # and a copy of the whole joined the float columns into one block first (0.1 to 0.5 s at regional scale).
    figures = pd.DataFrame({column: values[column] for column in FIGURE_COLUMNS}, copy=False)
    team = figures["team"]
    if not isinstance(team.dtype, pd.CategoricalDtype):
        team = team.astype("category")
    if WHOLE_SERVICE not in team.cat.categories:
        team = team.cat.add_categories([WHOLE_SERVICE])
    figures["team"] = team.fillna(WHOLE_SERVICE)
    is_ratio = per_row(figures["indicator_id"], catalogue["aggregation"] == "ratio", "bool")
    scale = per_row(figures["indicator_id"], catalogue["unit"].map(ratio_scale), "float64")
    numerator = figures["numerator"].to_numpy(dtype="float64")
    denominator = figures["denominator"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_value = np.where(denominator > 0, numerator / denominator * scale, np.nan)
    figures["value"] = np.where(is_ratio, ratio_value, figures["value"].to_numpy(dtype="float64"))
    # A ratio row without both parts is missing, so its parts are not added up either.
    incomplete = is_ratio & (np.isnan(numerator) | np.isnan(denominator))
    if incomplete.any():  # else nothing is written: even writing nothing copied both columns (77 MB regionally)
        figures.loc[incomplete, ["numerator", "denominator"]] = np.nan
    return figures


def derived_whole_service(figures: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Whole-service rows derived from team rows: a sum, or a ratio of sums; never for `none`."""
    catalogue = indicators.set_index("indicator_id")
    aggregation = catalogue["aggregation"]
    added_up = per_row(figures["indicator_id"], aggregation.isin(("sum", "ratio")), "bool")
    teams = figures[added_up & (figures["team"] != WHOLE_SERVICE).to_numpy()]
    # One pass adds up every part; each indicator then keeps what its rule uses.
    derived = (
        teams.groupby(["indicator_id", "period"], observed=True)[["numerator", "denominator", "value"]]
        .sum(min_count=1)
        .reset_index()
    )
    is_ratio = per_row(derived["indicator_id"], aggregation == "ratio", "bool")
    scale = per_row(derived["indicator_id"], catalogue["unit"].map(ratio_scale), "float64")
    numerator = derived["numerator"].to_numpy(dtype="float64")
    denominator = derived["denominator"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_value = np.where(denominator > 0, numerator / denominator * scale, np.nan)
    derived["value"] = np.where(is_ratio, ratio_value, derived["value"].to_numpy(dtype="float64"))
    derived["numerator"] = np.where(is_ratio, numerator, np.nan)
    derived["denominator"] = np.where(is_ratio, denominator, np.nan)
    categories = figures["team"].cat.categories
    derived["team"] = pd.Categorical.from_codes(np.full(len(derived), categories.get_loc(WHOLE_SERVICE)), categories)
    return derived[FIGURE_COLUMNS]


def resolve_figures(values: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Every team row plus the whole service, in series order (by indicator, team and month)."""
    return in_series_order(resolved_rows(values, indicators))


def resolved_rows(values: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Every team row plus the whole service, in no particular order: supplied whole-service rows win
    over derived ones."""
    return pd.concat(resolved_parts(values, indicators), ignore_index=True)


def resolved_parts(values: pd.DataFrame, indicators: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """resolved_rows in its two parts, not joined: every supplied row (ratios worked out), and the
    whole-service rows derived where none was supplied. Joined, they are a copy of every row (175 MB at
    regional scale) for the sake of a few thousand."""
    figures = team_figures(values, indicators)
    supplied = figures[figures["team"] == WHOLE_SERVICE]
    derived = derived_whole_service(figures, indicators)
    supplied_keys = pd.MultiIndex.from_frame(supplied[["indicator_id", "period"]])
    derived_keys = pd.MultiIndex.from_frame(derived[["indicator_id", "period"]])
    return figures, derived[~derived_keys.isin(supplied_keys)].reset_index(drop=True)


def in_series_order(figures: pd.DataFrame) -> pd.DataFrame:
    """Rows by indicator, team and month: sort_values(["indicator_id", "team", "period"])."""
    return figures.take(series_order(figures)).reset_index(drop=True)


def series_order(figures: pd.DataFrame) -> np.ndarray:
    """The row positions that put figures in series order: by one sort of the names' category codes
    where the names are categories and nothing is missing (else as sort_values orders them)."""
    names = [figures[column] for column in ("indicator_id", "team")]
    if not (
        all(isinstance(name.dtype, pd.CategoricalDtype) and name.notna().all() for name in names)
        and figures["period"].notna().all()
    ):
        return figures.reset_index(drop=True).sort_values(["indicator_id", "team", "period"]).index.to_numpy()
    days = month_numbers(figures["period"], "D")
    return lexsorted((days, names[1].cat.codes.to_numpy(), names[0].cat.codes.to_numpy()))
