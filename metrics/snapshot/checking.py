"""Every rule of the data contract, checked on tables already read into pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from metrics.core.problems import Problem, problem_at
from metrics.snapshot.contract import (
    AGGREGATIONS,
    INDICATOR_ID_PATTERN,
    PLAN_DIRECTIONS,
    POLARITIES,
    PRIORITY_ID_PATTERN,
    RATIO_TOLERANCE,
    TABLES,
    UNITS,
    Table,
    per_row,
    ratio_scale,
)


def _rows(mask: pd.Series | np.ndarray) -> np.ndarray:
    """1-based row numbers where mask is true."""
    return np.flatnonzero(np.asarray(mask, dtype=bool)) + 1


def _type_matches(kind: str, arrow_type: pa.DataType) -> bool:
    if pa.types.is_null(arrow_type):
        return True  # a column with no values at all; the null checks judge it
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if kind == "string":
        return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
    if kind == "float":
        return pa.types.is_floating(arrow_type) or pa.types.is_integer(arrow_type)
    if kind == "int":
        return pa.types.is_integer(arrow_type)
    if kind == "date":
        return pa.types.is_date(arrow_type) or pa.types.is_timestamp(arrow_type)
    raise ValueError(f"unknown column kind {kind}")


KIND_WORDS = {"string": "text", "float": "numbers", "int": "whole numbers", "date": "dates"}


def _words_for(arrow_type: pa.DataType) -> str:
    """An Arrow type in the words a performance officer would use."""
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    for kind in ("int", "float", "date", "string"):
        if _type_matches(kind, arrow_type):
            return KIND_WORDS[kind]
    return "true/false values" if pa.types.is_boolean(arrow_type) else str(arrow_type)


def check_schema(table: Table, schema: pa.Schema) -> list[Problem]:
    """Missing columns and columns of the wrong Arrow type."""
    problems = []
    for column in table.columns:
        if column.name not in schema.names and column.optional:
            continue
        if column.name not in schema.names:
            problems.append(Problem(table.file_name, column.name, "column is missing"))
        elif not _type_matches(column.kind, schema.field(column.name).type):
            actual = _words_for(schema.field(column.name).type)
            expected = KIND_WORDS[column.kind]
            problems.append(Problem(table.file_name, column.name, f"should hold {expected} but holds {actual}"))
    return problems


def check_nulls(table: Table, frame: pd.DataFrame) -> list[Problem]:
    """Non-null columns that hold nulls."""
    return [
        problem_at(table.file_name, column.name, "must not be empty", _rows(frame[column.name].isna()))
        for column in table.columns
        if not column.nullable and frame[column.name].isna().any()
    ]


def _check_allowed(file: str, frame: pd.DataFrame, column: str, allowed: tuple[str, ...]) -> list[Problem]:
    bad = frame[column].notna() & ~frame[column].isin(allowed)
    if not bad.any():
        return []
    examples = ", ".join(sorted({repr(v) for v in frame.loc[bad, column]})[:3])
    message = f"{examples} is not one of {', '.join(allowed)}"
    return [problem_at(file, column, message, _rows(bad))]


def _check_known_indicator(file: str, frame: pd.DataFrame, known: set[str]) -> list[Problem]:
    ids = frame["indicator_id"]
    if isinstance(ids.dtype, pd.CategoricalDtype):  # each name once, not each of millions of rows
        strange = [position for position, name in enumerate(ids.cat.categories) if name not in known]
        if not strange:
            return []
        unknown = pd.Series(np.isin(ids.cat.codes.to_numpy(), strange), index=frame.index)
    else:
        unknown = ids.notna() & ~ids.isin(known)
    if not unknown.any():
        return []
    examples = ", ".join(sorted(set(frame.loc[unknown, "indicator_id"]))[:3])
    message = f"unknown indicator {examples} (not in indicators.parquet)"
    return [problem_at(file, "indicator_id", message, _rows(unknown))]


def duplicated_rows(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """frame.duplicated(subset=keys, keep=False) (missing equals missing), for millions of rows: each key
    column as integer codes, the codes as one number per row, and equal numbers found by sorting."""
    combined = np.zeros(len(frame), dtype=np.int64)
    width = 1
    for key in keys:
        column = frame[key]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes, size = column.cat.codes.to_numpy(np.int64), len(column.cat.categories)
        else:
            codes, distinct = pd.factorize(column, use_na_sentinel=True)
            size = len(distinct)
        if width * (size + 1) >= 2**62:  # too many combinations for one number: pandas' own way
            return frame.duplicated(subset=keys, keep=False).to_numpy()
        combined *= size + 1  # in place: at regional scale each copy is another 38 MB
        np.add(combined, codes, out=combined, casting="unsafe")
        combined += 1  # missing (-1) is code 0
        width *= size + 1
    if width <= 8 * len(frame) + 1_000_000:  # few enough combinations to count each one
        return np.take(np.bincount(combined, minlength=width) > 1, combined)
    order = np.argsort(combined, kind="stable")
    ordered = combined[order]
    same = ordered[1:] == ordered[:-1]
    duplicated = np.zeros(len(frame), dtype=bool)
    duplicated[order[1:][same]] = True
    duplicated[order[:-1][same]] = True
    return duplicated


def _check_duplicates(file: str, frame: pd.DataFrame, keys: list[str], what: str) -> list[Problem]:
    duplicated = pd.Series(duplicated_rows(frame, keys), index=frame.index)
    if not duplicated.any():
        return []
    return [problem_at(file, ", ".join(keys), f"more than one row for the same {what}", _rows(duplicated))]


def _check_not_negative(file: str, frame: pd.DataFrame, column: str) -> list[Problem]:
    negative = frame[column].notna() & (frame[column] < 0)
    if not negative.any():
        return []
    return [problem_at(file, column, "must not be negative", _rows(negative))]


def check_indicators(frame: pd.DataFrame) -> list[Problem]:
    """The indicator catalogue: unique well-formed ids and known unit, polarity, aggregation."""
    file = TABLES["indicators"].file_name
    problems = check_nulls(TABLES["indicators"], frame)
    ids = frame["indicator_id"]
    malformed = ids.notna() & ~ids.astype("string").str.fullmatch(INDICATOR_ID_PATTERN).fillna(False).astype(bool)
    if malformed.any():
        problems.append(
            problem_at(file, "indicator_id", "must use only lower-case letters, digits and _", _rows(malformed))
        )
    repeated = ids.notna() & ids.duplicated(keep=False)
    if repeated.any():
        problems.append(problem_at(file, "indicator_id", "appears more than once", _rows(repeated)))
    problems += _check_allowed(file, frame, "unit", UNITS)
    problems += _check_allowed(file, frame, "polarity", POLARITIES)
    problems += _check_allowed(file, frame, "aggregation", AGGREGATIONS)
    return problems


def check_values(frame: pd.DataFrame, indicators: pd.DataFrame) -> list[Problem]:
    """Values: known indicators, one row per indicator, month and team, consistent ratios."""
    file = TABLES["values"].file_name
    problems = check_nulls(TABLES["values"], frame)
    problems += _check_known_indicator(file, frame, set(indicators["indicator_id"].dropna()))
    problems += _check_duplicates(file, frame, ["indicator_id", "period", "team"], "indicator, month and team")
    problems += _check_not_negative(file, frame, "denominator")

    catalogue = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    is_ratio = per_row(frame["indicator_id"], catalogue["aggregation"] == "ratio", "bool")
    numerator, denominator, value = (
        frame[column].to_numpy(dtype="float64") for column in ("numerator", "denominator", "value")
    )
    with np.errstate(invalid="ignore"):
        checkable = np.flatnonzero(is_ratio & ~np.isnan(numerator) & (denominator > 0) & ~np.isnan(value))
    scale = per_row(frame["indicator_id"].iloc[checkable], catalogue["unit"].map(ratio_scale), "float64")
    expected = numerator[checkable] / denominator[checkable] * scale
    mismatch = pd.Series(False, index=frame.index)
    mismatch.iloc[checkable] = ~np.isclose(value[checkable], expected, rtol=RATIO_TOLERANCE, atol=0.0)
    if mismatch.any():
        problems.append(problem_at(file, "value", "does not equal numerator / denominator x scale", _rows(mismatch)))
    return problems


def check_targets(frame: pd.DataFrame, known: set[str]) -> list[Problem]:
    """Targets: known indicators, non-negative tolerance, one row per start month."""
    file = TABLES["targets"].file_name
    problems = check_nulls(TABLES["targets"], frame)
    problems += _check_known_indicator(file, frame, known)
    problems += _check_not_negative(file, frame, "tolerance")
    # Not in the contract's words, but two targets starting the same month make
    # "the target in force" ambiguous, so they are refused rather than guessed.
    keys = ["indicator_id", "team", "effective_from"]
    problems += _check_duplicates(file, frame, keys, "indicator, team and start month")
    return problems


def check_benchmarks(frame: pd.DataFrame, known: set[str]) -> list[Problem]:
    """Benchmarks: known indicators and no empty fields."""
    file = TABLES["benchmarks"].file_name
    return check_nulls(TABLES["benchmarks"], frame) + _check_known_indicator(file, frame, known)


def check_caseloads(frame: pd.DataFrame) -> list[Problem]:
    """Caseloads: no empty fields and no negative cases."""
    file = TABLES["caseloads"].file_name
    problems = check_nulls(TABLES["caseloads"], frame)
    problems += _check_not_negative(file, frame, "cases")
    problems += _check_duplicates(file, frame, ["period", "worker_id"], "worker and month")
    return problems


def check_commentary(frame: pd.DataFrame) -> list[Problem]:
    """Commentary: a month and some text on every row."""
    return check_nulls(TABLES["commentary"], frame)


def _more_than_one(frame: pd.DataFrame, keys: list[str], column: str) -> np.ndarray:
    """Rows whose group (by keys, missing equal to missing) holds more than one distinct value of column."""
    grouped = frame[keys + [column]].astype("object").where(frame[keys + [column]].notna(), "\x00missing")
    distinct = grouped.groupby(keys, sort=False, dropna=False)[column].transform("nunique")
    return distinct.to_numpy() > 1


def check_plan(frame: pd.DataFrame, indicators: pd.DataFrame) -> list[Problem]:
    """The Improvement Plan: well-formed priorities, one title and one baseline each, milestones after
    their baseline, and a direction of progress wherever the indicator's polarity does not give one."""
    file = TABLES["plan"].file_name
    problems = check_nulls(TABLES["plan"], frame)
    problems += _check_known_indicator(file, frame, set(indicators["indicator_id"].dropna()))
    ids = frame["priority_id"]
    malformed = ids.notna() & ~ids.astype("string").str.fullmatch(PRIORITY_ID_PATTERN).fillna(False).astype(bool)
    if malformed.any():
        problems.append(
            problem_at(file, "priority_id", "must use only lower-case letters, digits and _", _rows(malformed))
        )
    keys = ["priority_id", "indicator_id", "team", "milestone"]
    problems += _check_duplicates(file, frame, keys, "priority, indicator, team and milestone")
    titles = _more_than_one(frame, ["priority_id"], "priority")
    if titles.any():
        problems.append(problem_at(file, "priority", "one priority_id has more than one title", _rows(titles)))
    baselines = _more_than_one(frame, ["priority_id", "indicator_id", "team"], "baseline")
    if baselines.any():
        message = "one priority, indicator and team has more than one baseline month"
        problems.append(problem_at(file, "baseline", message, _rows(baselines)))
    early = frame["milestone"].notna() & frame["baseline"].notna() & (frame["milestone"] <= frame["baseline"])
    if early.any():
        problems.append(problem_at(file, "milestone", "must be a later month than the baseline", _rows(early)))
    problems += _check_allowed(file, frame, "direction", PLAN_DIRECTIONS)
    catalogue = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    polarity = pd.Series(per_row(frame["indicator_id"], catalogue["polarity"]), index=frame.index)
    direction = frame["direction"].astype("object")
    unset = direction.isna()
    neutral = (polarity == "neutral") & unset
    if neutral.any():
        message = "must say up or down: the indicator is neutral, so the plan must say which way is progress"
        problems.append(problem_at(file, "direction", message, _rows(neutral)))
    contrary = ((polarity == "higher_is_better") & (direction == "down")) | (
        (polarity == "lower_is_better") & (direction == "up")
    )
    if contrary.any():
        message = "contradicts the indicator's polarity (up for higher_is_better, down for lower_is_better)"
        problems.append(problem_at(file, "direction", message, _rows(contrary.fillna(False))))
    return problems
