"""The snapshot data contract (version 1.1): tables, columns and allowed values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from metrics.core.arrays import coded

UNITS = ("count", "percent", "rate_per_10k", "days", "number")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
AGGREGATIONS = ("sum", "ratio", "none")
RAG_STATUSES = ("green", "amber", "red", "none")
DIRECTIONS = ("improving", "worsening", "unchanged", "up", "down", "n/a")
PLAN_DIRECTIONS = ("up", "down")  # plan.parquet: which way is progress
PRIORITY_ID_PATTERN = r"^[a-z0-9_]+$"

# A ratio indicator's value is numerator / denominator * scale.
RATIO_SCALE = {"percent": 100.0, "rate_per_10k": 10_000.0}
RATIO_TOLERANCE = 1e-6

ARROW_TYPES = {"string": pa.string(), "float": pa.float64(), "int": pa.int64(), "date": pa.date32()}

INDICATOR_ID_PATTERN = r"^[a-z0-9_]+$"
SUCCESS_MARKER = "_SUCCESS"
WITHDRAWN_MARKER = "_WITHDRAWN"  # a snapshot withdrawn: readers skip its folder (written first in object storage)
# The whole service is a null team in the contract; in computed tables it is "".
WHOLE_SERVICE = ""


def per_row(ids: pd.Series, lookup: pd.Series | dict, dtype: str = "object") -> np.ndarray:
    """lookup[id] for every row, as a plain array (looked up once per distinct id, not per row).

    Missing and unknown ids give None (object), NaN (float) or False (bool). A question about an
    indicator is quickest asked once per indicator: per_row(ids, aggregation == "ratio", "bool").
    """
    codes, distinct = coded(ids)  # a categorical's codes already number the distinct ids
    missing = {"object": None, "bool": False}.get(dtype, np.nan)
    lookup = pd.Series(lookup)
    # A dict over the few distinct ids: pandas' reindex costs about a millisecond a call, whatever the size.
    known = dict(zip(lookup.index, lookup.to_numpy(dtype=object)))
    found = [known.get(name) for name in distinct]
    # unknown ids give None, not pd.NA (which cannot be compared)
    found = np.asarray([missing if pd.isna(value) else value for value in found], dtype=dtype)
    result = found[codes] if len(found) else np.empty(len(codes), dtype=dtype)
    if (codes < 0).any():
        result[codes < 0] = missing
    return result


def per_row_words(ids: pd.Series, lookup: pd.Series) -> pd.Categorical:
    """per_row for a word (a polarity, say) as a categorical: made from codes, a byte a row, and
    compared with a word by its codes rather than string by string. Missing and unknown ids give NaN."""
    codes, distinct = coded(ids)
    found = per_row(pd.Series(distinct), lookup)  # once per distinct id
    words = sorted({word for word in found if isinstance(word, str)})
    table = np.asarray([words.index(word) if isinstance(word, str) else -1 for word in found] + [-1], dtype=np.int64)
    return pd.Categorical.from_codes(table[codes], categories=words)  # code -1 (missing id) takes the last: -1


def ratio_scale(unit: str) -> float:
    """The multiplier that turns numerator / denominator into the indicator's unit."""
    return RATIO_SCALE.get(unit, 1.0)


@dataclass(frozen=True)
class Column:
    """One column of a contract table."""

    name: str
    kind: str  # "string", "float", "int" or "date"
    nullable: bool = True
    # An extra column the project reads when it is there (the contract allows extra columns);
    # a file without it is still valid, and reads as if it were there and empty.
    optional: bool = False


@dataclass(frozen=True)
class Table:
    """One Parquet file of a snapshot."""

    name: str
    required: bool
    columns: tuple[Column, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.parquet"

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "indicators",
            True,
            (
                Column("indicator_id", "string", nullable=False),
                Column("name", "string", nullable=False),
                Column("area", "string", nullable=False),
                Column("unit", "string", nullable=False),
                Column("polarity", "string", nullable=False),
                Column("aggregation", "string", nullable=False),
                Column("definition", "string", nullable=False),
                Column("source", "string"),
            ),
        ),
        Table(
            "values",
            True,
            (
                Column("indicator_id", "string", nullable=False),
                Column("period", "date", nullable=False),
                Column("team", "string"),
                Column("numerator", "float"),
                Column("denominator", "float"),
                Column("value", "float"),
            ),
        ),
        Table(
            "targets",
            False,
            (
                Column("indicator_id", "string", nullable=False),
                Column("team", "string"),
                Column("effective_from", "date", nullable=False),
                Column("target", "float", nullable=False),
                Column("tolerance", "float", nullable=False),
            ),
        ),
        Table(
            "benchmarks",
            False,
            (
                Column("indicator_id", "string", nullable=False),
                Column("comparator", "string", nullable=False),
                Column("period", "date", nullable=False),
                Column("value", "float", nullable=False),
                # Written by `python -m metrics.comparators` (docs/data.md, "Comparing with other councils").
                Column("year", "string", optional=True),  # the year as DfE labels it: 2020-21
                Column("councils", "float", optional=True),  # how many councils a mean or quartile rests on
                Column("source", "string", optional=True),  # the file and column, or "Illustrative ..."
            ),
        ),
        Table(
            "caseloads",
            False,
            (
                Column("period", "date", nullable=False),
                Column("team", "string", nullable=False),
                Column("worker_id", "string", nullable=False),
                Column("cases", "int", nullable=False),
            ),
        ),
        Table(
            "commentary",
            False,
            (
                Column("period", "date", nullable=False),
                Column("indicator_id", "string"),
                Column("team", "string"),
                Column("text", "string", nullable=False),
                # A short name for a change in practice or definition the note records ("Lockdown"): the
                # project's extra column. SPC's limits restart from that month (metrics.rating.spc).
                Column("change", "string", optional=True),
            ),
        ),
        Table(
            "plan",
            False,
            (
                Column("priority_id", "string", nullable=False),
                Column("priority", "string", nullable=False),
                Column("indicator_id", "string", nullable=False),
                Column("team", "string"),
                Column("baseline", "date", nullable=False),
                Column("milestone", "date", nullable=False),
                Column("target", "float", nullable=False),
                Column("direction", "string"),
                Column("owner", "string"),
            ),
        ),
    )
}
