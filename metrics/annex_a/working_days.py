"""Working days: Monday to Friday, not counting bank holidays in England and Wales."""

from __future__ import annotations

from functools import lru_cache

import holidays
import numpy as np
import pandas as pd


@lru_cache(maxsize=32)
def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    """England and Wales bank holidays (the same days in both), from the maintained `holidays` library."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def working_days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days from start to end: the start day not counted, the end day counted (NaN if either is missing).

    A start on Monday and an end on the Friday after is 4; on the Monday after, 5.
    """
    known = start.notna() & end.notna()
    result = pd.Series(np.nan, index=start.index)
    if not known.any():
        return result
    first = start[known].values.astype("datetime64[D]")
    last = end[known].values.astype("datetime64[D]")
    years = pd.DatetimeIndex(np.concatenate([first, last])).year
    holidays_list = bank_holidays(int(years.min()), int(years.max()))
    counted = np.busday_count(first + 1, last + 1, holidays=holidays_list)
    result[known] = counted.astype(float)
    return result
