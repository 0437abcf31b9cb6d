"""How the council compares (metrics/comparators/benchmarking.py): comparators in force, what can be compared, quarters."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.comparators.benchmarking import (
    BOTTOM,
    HIGHEST,
    LOWEST,
    MIDDLE,
    TOP,
    _in_force_records,
    available,
    comparable,
    comparator_points,
    in_force,
    quarter,
    quarters,
    scorecard_comparators,
)

NAN = float("nan")


def benchmarks() -> pd.DataFrame:
    rows = []
    for indicator_id in ("timeliness", "children"):
        for year, shift in ((2020, 0.0), (2021, 1.0)):
            period = pd.Timestamp(f"{year}-03-01")
            rows += [
                (indicator_id, "England", period, 80.0 + shift, str(year), NAN, "DfE"),
                (indicator_id, "Statistical neighbours", period, 78.0 + shift, str(year), 9.0, "DfE"),
                (indicator_id, "England lower quartile", period, 70.0 + shift, str(year), 150.0, "DfE"),
                (indicator_id, "England upper quartile", period, 88.0 + shift, str(year), 150.0, "DfE"),
                (indicator_id, "Published (this council)", period, 75.0 + shift, str(year), NAN, "DfE"),
                (indicator_id, "North West", period, 79.0 + shift, str(year), NAN, "DfE"),
            ]
    return pd.DataFrame(rows, columns=["indicator_id", "comparator", "period", "value", "year", "councils", "source"])


@pytest.mark.parametrize(
    ("value", "polarity", "words"),
    [
        (88.0, "higher_is_better", TOP),  # at the upper quartile counts as the top quarter
        (95.0, "higher_is_better", TOP),
        (80.0, "higher_is_better", MIDDLE),
        (70.0, "higher_is_better", BOTTOM),
        (95.0, "lower_is_better", BOTTOM),  # high is bad where lower is better
        (60.0, "lower_is_better", TOP),
        (80.0, "lower_is_better", MIDDLE),
        (95.0, "neutral", HIGHEST),  # a volume is never good or bad
        (60.0, "neutral", LOWEST),
        (80.0, "neutral", MIDDLE),
        (NAN, "higher_is_better", None),
    ],
)
def test_quarter_by_polarity(value, polarity, words):
    assert quarter(value, 70.0, 88.0, polarity) == words


def test_no_quarter_without_both_quartiles():
    assert quarter(80.0, NAN, 88.0, "higher_is_better") is None


def test_a_count_is_only_compared_with_its_own_published_figure():
    assert comparable("percent", "England") and comparable("rate_per_10k", "Statistical neighbours")
    assert not comparable("count", "England") and not comparable("count", "England upper quartile")
    assert comparable("count", "Published (this council)")


def test_the_figure_in_force_is_the_latest_year_ended_by_the_month():
    current = in_force(benchmarks(), pd.Timestamp("2021-02-01"))
    assert set(current["period"]) == {pd.Timestamp("2020-03-01")}  # the year to March 2021 has not ended
    current = in_force(benchmarks(), pd.Timestamp("2021-03-01"))
    assert set(current["period"]) == {pd.Timestamp("2021-03-01")}
    assert in_force(benchmarks(), pd.Timestamp("2020-02-01")).empty


@pytest.mark.parametrize("month", ["2020-02-01", "2020-03-01", "2020-11-01", "2021-03-01", "2030-01-01"])
def test_the_scorecards_figures_in_force_are_in_forces_rows(month):
    """scorecard_comparators finds the figures in force without building in_force's table: the same rows,
    the later of two figures for the same year ending (import order) included."""
    table = pd.concat([benchmarks(), benchmarks().iloc[[0]].assign(value=99.0)], ignore_index=True)
    expected = in_force(table, pd.Timestamp(month))
    records = _in_force_records(table, pd.Timestamp(month))
    columns = ["indicator_id", "comparator", "value", "year", "councils"]

    def comparable_form(rows) -> list[tuple]:  # NaN is never equal to itself
        return sorted((tuple(None if pd.isna(field) else field for field in row) for row in rows), key=str)

    assert comparable_form(records) == comparable_form(expected[columns].itertuples(index=False, name=None))
    if month >= "2020-03-01":
        assert ("timeliness", "England", 99.0 if month < "2021-03-01" else 81.0) in {record[:3] for record in records}


def test_quarters_of_a_scorecard_are_quarter_row_by_row():
    cases = [
        (value, lower, upper, polarity)
        for value in (NAN, 60.0, 70.0, 80.0, 88.0, 95.0)
        for lower, upper in ((70.0, 88.0), (NAN, 88.0), (70.0, NAN), (90.0, 80.0))
        for polarity in ("higher_is_better", "lower_is_better", "neutral")
    ]
    rows = pd.DataFrame(cases, columns=["value", "lower_quartile", "upper_quartile", "polarity"]).assign(
        team="", suppressed=False
    )
    assert quarters(rows) == [quarter(*case) for case in cases]
    assert set(quarters(rows)) == {None, TOP, MIDDLE, BOTTOM, HIGHEST, LOWEST}


def test_a_benchmarks_table_without_the_optional_columns_still_works():
    bare = benchmarks()[["indicator_id", "comparator", "period", "value"]]
    table = scorecard_comparators(bare, pd.Series({"timeliness": "percent"}), pd.Timestamp("2021-06-01"))
    assert table.loc["timeliness", "england"] == 81.0
    assert table.loc["timeliness", "england_year"] == "Mar 2021"  # the month, where DfE's label is not given


def test_scorecard_comparators_leave_counts_empty():
    units = pd.Series({"timeliness": "percent", "children": "count"})
    table = scorecard_comparators(benchmarks(), units, pd.Timestamp("2021-06-01"))
    assert table.loc["timeliness"].to_dict() == {
        "england": 81.0,
        "england_year": "2021",
        "neighbours": 79.0,
        "neighbours_year": "2021",
        "neighbours_councils": 9.0,
        "lower_quartile": 71.0,
        "upper_quartile": 89.0,
        "quartile_year": "2021",
    }
    assert table.loc["children"].isna().all()


def test_quarters_only_for_the_whole_service_and_never_for_a_hidden_figure():
    rows = pd.DataFrame(
        {
            "value": [95.0, 95.0, 95.0],
            "lower_quartile": 70.0,
            "upper_quartile": 88.0,
            "polarity": "higher_is_better",
            "team": ["", "Team A", ""],
            "suppressed": [False, False, True],
        }
    )
    assert quarters(rows) == [TOP, None, None]


def test_comparator_points_are_yearly_and_labelled():
    points = comparator_points(
        benchmarks(),
        "timeliness",
        "percent",
        ["England", "North West"],
        pd.Timestamp("2020-06-01"),
        pd.Timestamp("2021-12-01"),
    )
    england = points[points["comparator"] == "England"]
    # the year in force at the start is drawn at the start, labelled with its year; the next at its year end
    assert list(england["shown_at"]) == [pd.Timestamp("2020-06-01"), pd.Timestamp("2021-03-01")]
    assert list(england["year"]) == ["2020", "2021"]
    assert set(points["comparator"]) == {"England", "North West"}
    counted = comparator_points(
        benchmarks(),
        "children",
        "count",
        ["England", "Published (this council)"],
        pd.Timestamp("2020-06-01"),
        pd.Timestamp("2021-12-01"),
    )
    assert set(counted["comparator"]) == {"Published (this council)"}


def test_available_comparators_england_first_then_region_neighbours_quartiles_own():
    assert available(benchmarks(), "timeliness", "percent") == [
        "England",
        "North West",
        "Statistical neighbours",
        "England lower quartile",
        "England upper quartile",
        "Published (this council)",
    ]
    assert available(benchmarks(), "children", "count") == ["Published (this council)"]
    assert available(None, "timeliness", "percent") == []


def test_comparator_points_by_comparator_then_year_without_the_optional_columns():
    bare = benchmarks()[["indicator_id", "comparator", "period", "value"]]
    points = comparator_points(
        bare, "timeliness", "percent", ["North West", "England"], pd.Timestamp("2020-06-01"), pd.Timestamp("2021-12-01")
    )
    assert list(points.columns) == ["comparator", "period", "value", "year", "councils", "source", "shown_at"]
    assert list(points["comparator"]) == ["England", "England", "North West", "North West"]
    assert list(points["value"]) == [80.0, 81.0, 79.0, 80.0]
    assert list(points["year"]) == ["Mar 2020", "Mar 2021"] * 2  # the month, where DfE's label is not given
    assert list(points["shown_at"]) == [pd.Timestamp("2020-06-01"), pd.Timestamp("2021-03-01")] * 2
    assert points["councils"].isna().all() and points["source"].isna().all()
    none = comparator_points(bare, "timeliness", "percent", [], pd.Timestamp("2020-06-01"), pd.Timestamp("2021-12-01"))
    assert none.empty and list(none.columns) == list(points.columns)
