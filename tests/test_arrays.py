"""Array helpers that stand in for slower numpy and pandas calls must give the same answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.core.arrays import coded, codes_of, dense_codes, exact_type, lexsorted, month_numbers
from metrics.rating.aggregation import in_series_order
from metrics.snapshot.contract import per_row, per_row_words


@pytest.mark.parametrize("shuffled", [False, True])
def test_lexsorted_is_numpys_lexsort_ties_kept_in_order(shuffled):
    generator = np.random.default_rng(7)
    indicator = np.repeat(np.arange(3), 40)
    team = np.tile(np.repeat(np.arange(4), 10), 3)
    month = generator.integers(0, 5, size=120)  # ties: the same month more than once in a series
    if shuffled:
        order = generator.permutation(120)
        indicator, team, month = indicator[order], team[order], month[order]
    np.testing.assert_array_equal(lexsorted((month, team, indicator)), np.lexsort((month, team, indicator)))


def test_lexsorted_with_keys_too_wide_for_one_number_or_negative_or_empty():
    wide = np.array([2**61, 0, 2**61, 5], dtype=np.int64)
    other = np.array([1, 1, 0, 0])
    np.testing.assert_array_equal(lexsorted((wide, other)), np.lexsort((wide, other)))  # falls back
    negative = np.array([-3, 7, -3, 0])
    np.testing.assert_array_equal(lexsorted((other, negative)), [2, 0, 3, 1])
    assert len(lexsorted((np.array([], dtype=int), np.array([], dtype=int)))) == 0


def test_per_row_looks_up_each_distinct_id_with_none_nan_or_false_for_unknown():
    ids = pd.Series(["b", "a", None, "zz", "b"])
    lookup = pd.Series({"a": "sum", "b": "ratio"})
    assert list(per_row(ids, lookup)) == ["ratio", "sum", None, None, "ratio"]
    assert list(per_row(ids.astype("category"), lookup == "ratio", "bool")) == [True, False, False, False, True]
    scale = per_row(ids, {"a": 1.0, "b": 100.0}, "float64")
    np.testing.assert_array_equal(scale, [100.0, 1.0, np.nan, np.nan, 100.0])
    assert list(per_row(ids, pd.Series({"a": np.nan, "b": "x"}))) == ["x", None, None, None, "x"]


@pytest.mark.parametrize("as_categories", [True, False])
def test_rows_in_series_order_are_sort_values_order(as_categories):
    frame = pd.DataFrame(
        {
            "indicator_id": ["b", "a", "b", "a", "a"],
            "team": ["", "North", "North", "", "North"],
            "period": pd.to_datetime(["2021-02-01", "2021-03-01", "2021-01-01", "2021-01-01", "2021-01-01"]),
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    if as_categories:  # the whole service "" last, as team_figures adds it
        frame["indicator_id"] = frame["indicator_id"].astype("category")
        frame["team"] = pd.Categorical(frame["team"], categories=["North", ""])
    expected = frame.sort_values(["indicator_id", "team", "period"], ignore_index=True)
    pd.testing.assert_frame_equal(in_series_order(frame), expected)
    assert list(in_series_order(frame)["value"]) == (
        [5.0, 2.0, 4.0, 3.0, 1.0] if as_categories else [4.0, 5.0, 2.0, 1.0, 3.0]
    )


def test_row_tuples_are_what_itertuples_gives():
    from metrics.core.arrays import row_tuples

    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2021-01-01", "2021-02-01", None]),
            "rag": pd.Series(["red", None, "green"], dtype="category"),
            "value": [1.5, float("nan"), 3.0],
            "Compared with": ["England", "Region", None],  # not a Python name: renamed as itertuples does
            "class": [1, 2, 3],
        }
    )
    rows, expected = row_tuples(frame), list(frame.itertuples(index=False))

    def same(a, b) -> bool:
        return a == b or (a != a and b != b)  # missing (NaN, NaT) on both sides

    assert len(rows) == len(expected) == 3
    assert all(same(a, b) for row, wanted in zip(rows, expected) for a, b in zip(row, wanted, strict=True))
    assert [type(value) for value in rows[0]] == [type(value) for value in next(frame.itertuples(index=False))]
    assert rows[0]._fields == next(frame.itertuples(index=False))._fields
    assert rows[0].period == pd.Timestamp("2021-01-01") and rows[2].rag == "green" and rows[0]._3 == "England"
    assert row_tuples(frame.iloc[:0]) == []


def test_dense_codes_number_the_distinct_values_in_order():
    assert dense_codes([7, 3, 7, 0, 3]).tolist() == [2, 1, 2, 0, 1]
    assert dense_codes([]).tolist() == []
    spread = [10**12, 5, 10**12, 40]  # far wider than they are many: sorted instead of marked
    assert dense_codes(spread).tolist() == [2, 0, 2, 1]


def test_per_row_words_are_categories_made_from_codes():
    lookup = pd.Series({"a": "lower_is_better", "b": "higher_is_better"})
    for ids in (pd.Series(["b", "a", None, "zz", "a"]), pd.Series(["b", "a", None, "zz", "a"], dtype="category")):
        words = per_row_words(ids, lookup)
        assert list(words.categories) == ["higher_is_better", "lower_is_better"]
        assert list(words.astype(object)[[0, 1, 4]]) == ["higher_is_better", "lower_is_better", "lower_is_better"]
        assert words.isna().tolist() == [False, False, True, True, False]


def test_codes_of_give_one_number_per_value_and_months_count_from_1970():
    names = pd.Series(["b", "a", "b"])
    assert codes_of(names).tolist() == [0, 1, 0]
    assert codes_of(names.astype("category")).tolist() == [1, 0, 1]  # the categories' own codes
    # with the distinct values, as plain objects, missing as -1: the one way every rule numbers names
    for column in (
        pd.Series(["b", None, "a", "b"]),
        pd.Series(["b", None, "a", "b"], dtype="string"),
        pd.Series(["b", None, "a", "b"]).astype("category"),
    ):
        codes, distinct = coded(column)
        assert codes[1] == -1 and [distinct[code] for code in codes[[0, 2, 3]]] == ["b", "a", "b"]
        assert distinct.dtype == object and all(type(value) is str for value in distinct)
    periods = pd.Series(pd.to_datetime(["2021-03-01", "1969-12-01", "2021-03-01", "1970-01-02"]))
    assert month_numbers(periods).tolist() == [51 * 12 + 2, -1, 51 * 12 + 2, 0]
    assert month_numbers(periods, "D").tolist() == [18687, -31, 18687, 1]


def test_exact_type_tells_categories_in_another_order_apart():
    """pandas counts these two equal; codes read against the other's categories would name other things."""
    one, other = pd.CategoricalDtype(["a", "b"]), pd.CategoricalDtype(["b", "a"])
    assert one == other and exact_type(one) != exact_type(other)
    assert exact_type(pd.CategoricalDtype(["a", "b"])) == exact_type(one)
    assert exact_type(np.dtype("float64")) == "float64" != exact_type(pd.CategoricalDtype(["a", "b"], ordered=True))
