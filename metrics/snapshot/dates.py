"""Dates as a council's files give them, read strictly: a month the contract can trust, or a problem.

pandas' own parsing turns 0001-01-01 or 9999-12-31 into other dates (it wraps past its
nanosecond range) and an integer into a day in 1970; a date with a time zone or a list in a cell
stops it with a traceback. Here each cell is read on its own terms, and anything doubtful is
refused with a reason.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
EARLIEST_YEAR = 2000  # no council's performance figures are older
YEARS_AHEAD = 1  # a target or month may lie up to a year after the as-at date, no further
PLAN_YEARS_AHEAD = 5  # an Improvement Plan's milestones may run up to five years ahead


def _one(value: object) -> tuple[dt.date | None, str | None]:
    """(the date, None), or (None, why it is not one). Missing cells are (None, None)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None, None
    if isinstance(value, (list, tuple, dict, set, np.ndarray)):
        return None, "holds a list, not a date"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if value.tzinfo is not None:
            return None, "has a time zone; give the date alone (YYYY-MM-DD)"
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (bool, int, float, np.integer, np.floating)):
        return None, "is a number, not a date (write it as YYYY-MM-DD)"
    text = str(value).strip()
    if not text:
        return None, None
    match = ISO_DATE.match(text)
    if not match:
        if re.search(r"(Z|[+-]\d{2}:?\d{2})$", text) and ISO_DATE.match(re.sub(r"(Z|[+-]\d{2}:?\d{2})$", "", text)):
            return None, "has a time zone; give the date alone (YYYY-MM-DD)"
        return None, "is not a date (write it as YYYY-MM-DD)"
    try:
        return dt.date.fromisoformat(match.group(1)), None
    except ValueError:
        return None, "is not a real date (write it as YYYY-MM-DD)"


def _read_one(value: object, as_at: dt.date | None, latest: dt.date | None) -> tuple[dt.date | None, str | None]:
    date, why = _one(value)
    if date is not None and as_at is not None and not (dt.date(EARLIEST_YEAR, 1, 1) <= date <= latest):
        date, why = (
            None,
            (f"is outside the months a snapshot as at {as_at} can hold ({EARLIEST_YEAR} to {latest:%B %Y})"),
        )
    return date, why


def read_dates(
    values: pd.Series, as_at: dt.date | None, years_ahead: int = YEARS_AHEAD
) -> tuple[pd.Series, dict[str, np.ndarray]]:
    """The dates (datetime64, NaT where missing or refused) and, per reason, the positions refused.

    With an as-at date, months before EARLIEST_YEAR or more than years_ahead after it are refused.
    Each distinct cell is read once (a column of millions of rows holds a few hundred months).
    """
    latest = None if as_at is None else dt.date(as_at.year + years_ahead, as_at.month, min(as_at.day, 28))
    try:
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        distinct = np.asarray(distinct, dtype=object)
    except TypeError:  # a list in a cell: each cell on its own
        codes, distinct = np.arange(len(values)), values.to_numpy(dtype=object)
    read = [_read_one(value, as_at, latest) for value in distinct]
    days = np.array(
        [np.datetime64(date, "D") if date else np.datetime64("NaT") for date, _ in read] + [None], dtype="datetime64[D]"
    )  # the last entry is for missing cells (code -1)
    reasons: dict[str, list[int]] = {}
    for code, (_, why) in enumerate(read):
        if why:
            reasons.setdefault(why, []).append(code)
    converted = pd.Series(days[codes].astype("datetime64[ns]"), index=values.index, name=values.name)
    return converted, {why: np.flatnonzero(np.isin(codes, found)) for why, found in reasons.items()}
