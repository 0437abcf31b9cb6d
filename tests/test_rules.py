"""Aggregation, targets, RAG, direction and runs off target, with hand-worked numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.core.months import format_month, months_behind
from metrics.outputs.formatting import format_value, format_values, status_run_text
from metrics.rating.aggregation import resolve_figures
from metrics.rating.status import direction_of_travel, rag_status, status_runs, targets_in_force
from metrics.snapshot.contract import WHOLE_SERVICE
from tests.helpers import NAN, TINY_INDICATORS, values_frame


def figures(rows):
    resolved = resolve_figures(values_frame(rows), TINY_INDICATORS)
    return {(r.indicator_id, r.team, r.period.strftime("%Y-%m")): r.value for r in resolved.itertuples()}


def test_sum_adds_team_values_and_ignores_missing_ones():
    result = figures(
        [
            ("referrals", "2021-01", "Team A", NAN, NAN, 12.0),
            ("referrals", "2021-01", "Team B", NAN, NAN, NAN),
            ("referrals", "2021-01", "Team C", NAN, NAN, 5.0),
            ("referrals", "2021-02", "Team A", NAN, NAN, NAN),
        ]
    )
    assert result[("referrals", WHOLE_SERVICE, "2021-01")] == 17.0
    assert np.isnan(result[("referrals", WHOLE_SERVICE, "2021-02")])  # no data is not zero


def test_ratio_is_sum_of_numerators_over_sum_of_denominators():
    result = figures(
        [
            ("timeliness", "2021-01", "Team A", 1, 4, NAN),
            ("timeliness", "2021-01", "Team B", 90, 100, NAN),
            ("cla_rate", "2021-01", "Team A", 30, 5_000, NAN),
            ("cla_rate", "2021-01", "Team B", 40, 5_000, NAN),
        ]
    )
    assert result[("timeliness", "Team A", "2021-01")] == 25.0
    assert result[("timeliness", WHOLE_SERVICE, "2021-01")] == pytest.approx(91 / 104 * 100)
    assert result[("cla_rate", WHOLE_SERVICE, "2021-01")] == pytest.approx(70 / 10_000 * 10_000)


def test_ratio_row_without_numerator_is_missing_and_not_added():
    result = figures(
        [
            ("timeliness", "2021-01", "Team A", NAN, 10, 50.0),
            ("timeliness", "2021-01", "Team B", 6, 10, NAN),
        ]
    )
    assert np.isnan(result[("timeliness", "Team A", "2021-01")])
    assert result[("timeliness", WHOLE_SERVICE, "2021-01")] == 60.0


def test_supplied_whole_service_row_wins_over_derived():
    result = figures(
        [
            ("referrals", "2021-01", "Team A", NAN, NAN, 12.0),
            ("referrals", "2021-01", "Team B", NAN, NAN, 8.0),
            ("referrals", "2021-01", None, NAN, NAN, 25.0),  # includes children not allocated to a team
        ]
    )
    assert result[("referrals", WHOLE_SERVICE, "2021-01")] == 25.0


def test_aggregation_none_is_never_derived():
    result = figures([("caseload", "2021-01", "Team A", NAN, NAN, 20.0)])
    assert ("caseload", WHOLE_SERVICE, "2021-01") not in result


def keys(*rows):
    return pd.DataFrame(rows, columns=["indicator_id", "team", "period"]).assign(
        period=lambda f: pd.to_datetime(f["period"] + "-01")
    )


def targets(*rows):
    return pd.DataFrame(rows, columns=["indicator_id", "team", "effective_from", "target", "tolerance"]).assign(
        effective_from=lambda f: pd.to_datetime(f["effective_from"] + "-01")
    )


def test_target_in_force_is_the_latest_on_or_before_the_month_and_team_rows_win():
    table = targets(
        ("x", None, "2019-04", 80.0, 5.0),
        ("x", None, "2021-04", 85.0, 5.0),
        ("x", "Team B", "2020-01", 70.0, 3.0),
        ("y", None, "2021-06", 10.0, 1.0),
    )
    result = targets_in_force(
        keys(
            ("x", "", "2021-03"),
            ("x", "", "2021-04"),
            ("x", "Team A", "2021-05"),
            ("x", "Team B", "2019-12"),
            ("x", "Team B", "2021-05"),
            ("y", "", "2021-05"),
            ("z", "", "2021-05"),
        ),
        table,
    )
    assert result["target"].tolist()[:5] == [80.0, 85.0, 85.0, 80.0, 70.0]
    assert result["tolerance"].tolist()[:5] == [5.0, 5.0, 5.0, 5.0, 3.0]
    assert np.isnan(result["target"].iloc[5]) and np.isnan(result["target"].iloc[6])


@pytest.mark.parametrize(
    ("value", "polarity", "expected"),
    [
        (80, "higher_is_better", "green"),
        (75, "higher_is_better", "amber"),
        (74.9, "higher_is_better", "red"),
        (80, "lower_is_better", "green"),
        (85, "lower_is_better", "amber"),
        (85.1, "lower_is_better", "red"),
        (99, "neutral", "none"),
        (NAN, "higher_is_better", "none"),
    ],
)
def test_rag_status(value, polarity, expected):
    assert rag_status([value], [80.0], [5.0], [polarity]).tolist() == [expected]


def test_rag_without_a_target_is_none():
    assert rag_status([50.0], [NAN], [NAN], ["higher_is_better"]).tolist() == ["none"]


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "expected"),
    [
        (60, 55, "higher_is_better", "improving"),
        (50, 55, "higher_is_better", "worsening"),
        (60, 55, "lower_is_better", "worsening"),
        (50, 55, "lower_is_better", "improving"),
        (55, 55, "higher_is_better", "unchanged"),
        (60, 55, "neutral", "up"),
        (50, 55, "neutral", "down"),
        (55, 55, "neutral", "unchanged"),
        (60, NAN, "higher_is_better", "n/a"),
        (NAN, 55, "neutral", "n/a"),
    ],
)
def test_direction_of_travel(current, previous, polarity, expected):
    assert direction_of_travel([current], [previous], [polarity]).tolist() == [expected]


def test_status_runs_count_months_at_the_same_status_and_a_gap_breaks_them():
    frame = pd.DataFrame(
        {
            "indicator_id": ["x"] * 7 + ["y"] * 2,
            "team": [""] * 9,
            "period": pd.to_datetime(
                [
                    "2021-01-01",
                    "2021-02-01",
                    "2021-03-01",
                    "2021-04-01",
                    "2021-05-01",
                    "2021-07-01",
                    "2021-08-01",
                    "2021-01-01",
                    "2021-02-01",
                ]
            ),
            "rag": ["red", "red", "amber", "amber", "red", "red", "green", "red", "red"],
        }
    )
    months, from_start = status_runs(frame)
    # x: red 2 months from the first month; amber starts a new run; June is missing, so July starts again
    assert months.tolist() == [1, 2, 1, 2, 1, 1, 0, 1, 2]
    assert from_start.tolist() == [True, True, False, False, False, False, False, True, True]


def test_status_runs_in_any_row_order():
    frame = pd.DataFrame(
        {
            "indicator_id": ["x", "x", "x"],
            "team": ["", "", ""],
            "period": pd.to_datetime(["2021-03-01", "2021-01-01", "2021-02-01"]),
            "rag": ["amber", "green", "amber"],
        }
    )
    months, from_start = status_runs(frame)
    assert months.tolist() == [2, 0, 1] and from_start.tolist() == [False, False, False]


@pytest.mark.parametrize(
    ("rag", "months", "from_start", "expected"),
    [
        ("red", 3, False, "off target for 3 months"),
        ("red", 1, False, "off target for 1 month"),
        ("amber", 2, False, "close to target for 2 months"),
        ("red", 34, True, "off target since April 2019 (first month of data)"),
        ("amber", 1, True, "close to target for 1 month"),  # one month of data says nothing about since when
        ("green", 5, False, ""),
        ("none", 0, False, ""),
    ],
)
def test_status_run_text(rag, months, from_start, expected):
    assert status_run_text(rag, months, from_start, pd.Timestamp("2022-01-01")) == expected


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (58.0, "percent", "58.0%"),
        (94.46, "rate_per_10k", "94.5 per 10,000"),
        (345.0, "count", "345"),
        (1234.0, "count", "1,234"),
        (17.24, "number", "17.2"),
        (12.0, "days", "12.0 days"),
        (NAN, "percent", "no data"),
        (None, "count", "no data"),
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


TRICKY_FIGURES = [
    None,
    NAN,
    pd.NA,
    float("inf"),
    float("-inf"),
    -0.0,
    0,
    5,
    1234.5,
    1e12,
    np.float32(2.25),
    np.int64(7),
    0.05,
    99.95,
    -3.14159,
]


@pytest.mark.parametrize("unit", ["percent", "rate_per_10k", "count", "days", "number", "something else"])
def test_format_values_writes_each_figure_as_format_value_does(unit):
    hidden = [number % 3 == 0 for number in range(len(TRICKY_FIGURES))]
    for figures in (
        TRICKY_FIGURES,
        [figure for figure in TRICKY_FIGURES if figure is not pd.NA],
        pd.Series(TRICKY_FIGURES[3:], dtype="Float64"),
        np.array([1.25, NAN, 3e6]),
    ):
        expected = [format_value(figure, unit, missing="none") for figure in figures]
        assert format_values(figures, unit, missing="none") == expected
        flags = hidden[: len(figures)]
        assert format_values(figures, unit, flags, missing="none") == [
            format_value(figure, unit, flag, missing="none") for figure, flag in zip(figures, flags)
        ]
        assert format_values(figures, [unit] * len(figures)) == [format_value(figure, unit) for figure in figures]


def test_format_values_writes_each_figure_in_its_own_unit():
    units = ["percent", "count", "days", "rate_per_10k", "number"] * 3
    figures = TRICKY_FIGURES[: len(units)]
    hidden = [number % 4 == 1 for number in range(len(units))]
    assert format_values(figures, units, hidden, missing="none") == [
        format_value(figure, unit, flag, missing="none") for figure, unit, flag in zip(figures, units, hidden)
    ]
    assert format_values([12.5, 3.0], pd.Series(["percent", "count"]))[::-1] == ["3", "12.5%"]


def test_suppressed_value_is_c_and_months_read_in_words():
    assert format_value(3.0, "count", suppressed=True) == "c"
    assert format_month(pd.Timestamp("2021-11-01")) == "November 2021"


def test_months_behind_counts_whole_months_after_last_month():
    assert months_behind(pd.Timestamp("2022-01-01"), pd.Timestamp("2022-02-10")) == 0
    assert months_behind(pd.Timestamp("2021-11-01"), pd.Timestamp("2022-02-10")) == 2


def test_statuses_in_words_from_text_or_categories():
    from metrics.outputs.formatting import RAG_LABELS, in_words
    from metrics.snapshot.contract import RAG_STATUSES

    text = pd.Series(["red", "green", "none"])
    categories = text.astype(pd.CategoricalDtype(RAG_STATUSES))
    for statuses in (text, categories):
        assert in_words(statuses, RAG_LABELS).tolist() == ["✗ Red", "✓ Green", "– No status"]
    # A missing status, or one without a label, has no words; the index and name are kept.
    odd = pd.Series(["red", None, "purple"], index=[7, 8, 9], name="rag", dtype=pd.CategoricalDtype(["red", "purple"]))
    words = in_words(odd, RAG_LABELS)
    assert words.iloc[0] == "✗ Red" and words.iloc[1:].isna().all()
    assert words.index.tolist() == [7, 8, 9] and words.name == "rag"


def test_sorted_distinct_gives_what_np_unique_gives():
    from metrics.core.arrays import sorted_distinct

    assert sorted_distinct([5, 3, 5, -1, 3, 0]).tolist() == [-1, 0, 3, 5]
    assert sorted_distinct(np.array([], dtype=np.int64)).tolist() == []
    months = np.array(["2021-02", "2021-01", "2021-02"], dtype="datetime64[M]")
    assert sorted_distinct(months).tolist() == np.unique(months).tolist()


def test_a_status_run_started_that_many_months_back_counting_the_month_itself():
    from metrics.outputs.scorecard import status_since

    months = pd.Series(pd.to_datetime(["2022-01-01", "2022-01-01", "2022-03-01", "2021-02-01"]))
    since = status_since(months, pd.Series([1, 3, 0, 14]))
    assert since.iloc[0] == pd.Timestamp("2022-01-01")  # one month: this month
    assert since.iloc[1] == pd.Timestamp("2021-11-01")  # three months: November, December, January
    assert pd.isna(since.iloc[2])  # no run
    assert since.iloc[3] == pd.Timestamp("2020-01-01")  # fourteen months back over a year end


def test_months_before_counts_whole_months_across_years():
    from metrics.core.months import months_before

    assert months_before(pd.Timestamp("2021-03-01"), 1) == pd.Timestamp("2021-02-01")
    assert months_before(pd.Timestamp("2021-01-01"), 1) == pd.Timestamp("2020-12-01")
    assert months_before("2021-01-01", 13) == pd.Timestamp("2019-12-01")
    assert months_before(pd.Timestamp("2021-11-01"), -2) == pd.Timestamp("2022-01-01")
    assert months_before(pd.Timestamp("2021-05-01"), 0) == pd.Timestamp("2021-05-01")


def test_rag_direction_and_runs_read_words_held_as_categories_the_same():
    polarity = ["higher_is_better", "lower_is_better", "neutral", "higher_is_better"]
    as_words = pd.Categorical(polarity)
    values, previous = [80.0, 85.0, 99.0, 74.9], [75.0, 80.0, 99.0, NAN]
    assert rag_status(values, [80.0] * 4, [5.0] * 4, as_words).tolist() == ["green", "amber", "none", "red"]
    assert direction_of_travel(values, previous, as_words).tolist() == ["improving", "worsening", "unchanged", "n/a"]
    frame = pd.DataFrame(
        {
            "indicator_id": pd.Categorical(["x"] * 3),
            "team": pd.Categorical([""] * 3),
            "period": pd.to_datetime(["2021-01-01", "2021-02-01", "2021-03-01"]),
            "rag": pd.Categorical(["red", "red", "amber"], categories=["green", "amber", "red", "none"]),
        }
    )
    months, from_start = status_runs(frame)
    assert months.tolist() == [1, 2, 1] and from_start.tolist() == [True, True, False]


def test_a_month_without_a_status_breaks_a_run_however_the_statuses_are_held():
    """A missing status is in no run, whichever status its categories list last (the codes' -1)."""
    periods = pd.to_datetime(["2021-01-01", "2021-02-01", "2021-03-01", "2021-04-01"])
    for rag in (
        pd.Categorical(["red", None, "red", "red"], categories=["green", "red"]),
        pd.Series(["red", None, "red", "red"], dtype=object),
    ):
        frame = pd.DataFrame({"indicator_id": ["x"] * 4, "team": [""] * 4, "period": periods, "rag": rag})
        months, from_start = status_runs(frame)
        assert months.tolist() == [1, 0, 1, 2] and from_start.tolist() == [True, False, False, False]
    unrated = pd.DataFrame(
        {
            "indicator_id": ["x"] * 4,
            "team": [""] * 4,
            "period": periods,
            "rag": pd.Categorical([None] * 4, categories=[]),
        }
    )
    assert status_runs(unrated)[0].tolist() == [0, 0, 0, 0]


def test_team_figures_with_every_ratio_complete_share_the_supplied_numerators_and_denominators():
    """Nothing to blank out, nothing written: blanking no rows still copied both columns (77 MB regionally)."""
    from metrics.rating.aggregation import team_figures

    values = values_frame(
        [("timeliness", "2021-01", "Team A", 5, 10, 50.0), ("timeliness", "2021-01", "Team B", 6, 10, 60.0)]
    )
    figures = team_figures(values, TINY_INDICATORS)
    for column in ("numerator", "denominator"):
        assert np.shares_memory(figures[column].to_numpy(), values[column].to_numpy())
    incomplete = values_frame([("timeliness", "2021-01", "Team A", NAN, 10, 50.0)])
    assert np.isnan(team_figures(incomplete, TINY_INDICATORS)["denominator"]).all()  # blanked where incomplete
