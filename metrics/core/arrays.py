"""Small array helpers for millions of rows."""

from __future__ import annotations

import collections
import functools

import numpy as np
import pandas as pd


def sorted_distinct(values) -> np.ndarray:
    """np.unique(values), by one sort: numpy 2.4's np.unique takes about 40 times as long on a million
    integers (0.9 s against 0.02 s)."""
    ordered = np.sort(np.asarray(values), kind="stable")
    if not len(ordered):
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def dense_codes(values) -> np.ndarray:
    """Each value's number among the distinct values, 0, 1, 2 ... in sorted order, for non-negative
    integers: pd.factorize(values)[0] but numbered in order of value rather than of first appearance,
    found by marking the values present (3 ms instead of 35 on 500,000 keys). Values spread far wider
    than they are many are sorted instead."""
    values = np.asarray(values, dtype=np.int64)
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    highest = int(values.max())
    if highest >= 8 * len(values) + 1_000_000:
        distinct = sorted_distinct(values)
        return np.searchsorted(distinct, values).astype(np.int64)
    present = np.zeros(highest + 1, dtype=bool)
    present[values] = True
    return (np.cumsum(present, dtype=np.int64) - 1)[values]


def coded(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(a number for each row's value, -1 where missing; the distinct values, as objects): a categorical's
    own codes and categories, else pd.factorize's (a hash of every row, 5 ms on 240,000 names, where the
    codes cost nothing)."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # the array's own codes: .cat.codes makes a Series of them
        return column.array.codes, np.asarray(column.array.categories, dtype=object)
    codes, distinct = pd.factorize(column)
    return codes, np.asarray(distinct, dtype=object)


def exact_type(dtype) -> tuple | str:
    """A column type that tells categories in another order apart, to compare or to key by: pandas counts two
    unordered categoricals equal whatever their order, yet codes read against the other's categories would
    name other things."""
    if isinstance(dtype, pd.CategoricalDtype):
        return "category", dtype.ordered, str(dtype.categories.dtype), tuple(dtype.categories)
    return str(dtype)


def codes_of(column: pd.Series) -> np.ndarray:
    """coded's number for each row."""
    return coded(column)[0]


def month_starts(stamps) -> np.ndarray:
    """Timestamps as the first moment of their month (datetime64[ns])."""
    return _per_distinct_stamp(stamps, lambda distinct: distinct.astype("datetime64[M]").astype("datetime64[ns]"))


def month_numbers(periods, unit: str = "M") -> np.ndarray:
    """Months (unit "M") or days ("D") since 1970 of timestamps."""
    return _per_distinct_stamp(periods, lambda distinct: distinct.astype(f"datetime64[{unit}]").astype(np.int64))


def _per_distinct_stamp(stamps, convert) -> np.ndarray:
    """convert(timestamps) for each row, worked out once per distinct timestamp (a snapshot has a few
    dozen months): a third of the time of converting every row's calendar date."""
    stamps = np.asarray(stamps, dtype="datetime64[ns]")
    codes, distinct = pd.factorize(stamps.view(np.int64))
    return convert(np.asarray(distinct).view("datetime64[ns]"))[codes]


def lexsorted(keys) -> np.ndarray:
    """np.lexsort(keys) for integer keys (the last the primary one), as one stable sort of a single
    number made of them where their ranges fit in one: 1 ms instead of 15 on 240,000 rows already in
    order (rated rows mostly are), 22 ms instead of 49 when shuffled."""
    keys = [np.asarray(key) for key in keys]
    if not len(keys[0]):
        return np.lexsort(keys)
    combined, span = np.zeros(len(keys[0]), dtype=np.int64), 1
    for key in keys:  # the least significant first
        low, high = int(key.min()), int(key.max())
        if span * (high - low + 1) >= 2**62:
            return np.lexsort(keys)
        combined += (key.astype(np.int64) - low) * span
        span *= high - low + 1
    return np.argsort(combined, kind="stable")


def row_tuples(frame) -> list[tuple]:
    """list(frame.itertuples(index=False)), in half the time: each column turned into Python values at once,
    and the named tuple type made once per set of columns (a scorecard's 35 columns: 1.4 ms, not 2.7)."""
    columns = tuple(frame.columns)
    return list(map(_row_type(columns)._make, zip(*(frame[column].tolist() for column in columns))))


@functools.lru_cache(maxsize=64)
def _row_type(columns: tuple) -> type:
    return collections.namedtuple("Row", columns, rename=True)  # as itertuples names them
