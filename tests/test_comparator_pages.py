"""Comparators on the pages, for the demo: the scorecard's England and Similar councils columns with DfE year and
quarter, explore's yearly points, compare's lines across the bars, and the glossary's words."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.apptest_helpers import all_text, chart_data, chart_specs, exceptions, html_tables, open_page


def page_text(at) -> str:
    """The page's text as read: without markdown's escapes or the word joiners plain() puts after colons."""
    return all_text(at).replace("\\", "").replace("\u2060", "")


ASSESSMENTS = "Assessments completed within 45 working days"


@pytest.fixture(autouse=True)
def demo_data(monkeypatch):
    monkeypatch.delenv("PERFORMANCE_DATA_DIR", raising=False)
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "public")


def scorecard_rows(at) -> pd.DataFrame:
    return pd.concat(html_tables(at), ignore_index=True).set_index("Indicator")


def test_scorecard_shows_england_neighbours_year_and_quarter():
    at = open_page("streamlit_app.py", month="2022-01")
    assert not exceptions(at)
    rows = scorecard_rows(at)
    assessments = rows.loc[ASSESSMENTS]
    # January 2022's 71.2% against DfE's year to March 2021 (metrics/demo_dfe: England 87.6%, neighbours 84.06)
    assert (assessments["This month"], assessments["England"], assessments["Similar councils"]) == (
        "71.2%",
        "87.6%",
        "84.1%",
    )
    assert assessments["England detail"] == "DfE 2021 · bottom quarter of councils"
    assert assessments["Similar councils detail"] == "DfE 2021 · mean of 10"
    assert rows.loc["Re-referrals within 12 months", "England detail"] == "DfE 2021 · top quarter of councils"
    # a neutral rate sits in the highest quarter, never the "top" or "bottom" one
    assert rows.loc["Child Protection plans per 10,000 children", "England detail"] == (
        "DfE 2021 · highest quarter of councils"
    )
    # a neighbour with no published figure is left out of the mean, which says so
    assert (
        rows.loc["Care leavers in education, employment or training", "Similar councils detail"]
        == "DfE 2021 · mean of 9"
    )
    # counts are never set against other places
    assert rows.loc["Children in care", "England"] == "" and rows.loc["Children in care", "Similar councils"] == ""


def test_scorecard_in_april_2019_compares_with_the_year_to_march_2019():
    rows = scorecard_rows(open_page("streamlit_app.py", month="2019-04"))
    assert rows.loc[ASSESSMENTS, "England"] == "83.1%"
    assert rows.loc[ASSESSMENTS, "England detail"].startswith("DfE 2019 · ")


def test_published_figures_are_the_same_for_both_audiences(monkeypatch):
    public = scorecard_rows(open_page("streamlit_app.py", month="2022-01"))
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    internal = scorecard_rows(open_page("streamlit_app.py", month="2022-01"))
    columns = ["England", "England detail", "Similar councils", "Similar councils detail"]
    pd.testing.assert_frame_equal(public[columns], internal[columns])
    assert (public["England"] != "").sum() == 12  # the 15 DfE measures less the 3 counts


def comparator_frame(at) -> pd.DataFrame:
    """The chart's comparator points, each once: every layer that draws or labels them (a shape per
    comparator, labels above and below) holds some of them."""
    frames = [frame for frame in chart_data(at) if {"comparator", "shown_at", "year"} <= set(frame.columns)]
    assert frames
    return pd.concat(frames, ignore_index=True).drop_duplicates(["comparator", "shown_at", "year"])


def test_explore_draws_england_and_neighbours_as_yearly_points_by_default():
    at = open_page("pages/explore.py", indicator="assessments_in_45_days", **{"from": "2020-01", "to": "2022-01"})
    assert not exceptions(at)
    points = comparator_frame(at)
    assert set(points["comparator"]) == {"England", "Statistical neighbours"}
    england = points[points["comparator"] == "England"].sort_values("shown_at")
    # in force at the start (year to March 2019) drawn at the start; then each year at the month it ends
    assert list(england["year"]) == ["2019", "2020", "2021"]
    assert list(pd.to_datetime(england["shown_at"]).dt.strftime("%Y-%m")) == ["2020-01", "2020-03", "2021-03"]
    assert list(england["value"]) == [83.1, 84.1, 87.6]
    assert at.multiselect(key="explore.compare").value == ["England", "Statistical neighbours"]
    assert (
        "England: 87.6% (DfE 2021), so this is worse; statistical neighbours: 84.1% (mean of 10 councils, "
        "DfE 2021), worse; it would sit in the bottom quarter of councils (England's quartiles, DfE 2021)."
        in page_text(at)
    )
    spec = chart_specs(at)[0]
    assert not [
        layer
        for layer in spec["layer"]
        if layer["mark"] in ("line", {"type": "line"})
        and layer.get("encoding", {}).get("x", {}).get("field") == "shown_at"
    ]  # never a monthly line


def test_explore_comparators_follow_the_link_and_the_picker():
    at = open_page(
        "pages/explore.py", indicator="assessments_in_45_days", compare=["England upper quartile", "Example Region"]
    )
    assert set(comparator_frame(at)["comparator"]) == {"England upper quartile", "Example Region"}
    at.multiselect(key="explore.compare").select("Published (this council)").run()
    assert set(comparator_frame(at)["comparator"]) == {
        "England upper quartile",
        "Example Region",
        "Published (this council)",
    }
    assert at.query_params["compare"] == ["England upper quartile", "Example Region", "Published (this council)"]


def test_explore_sets_a_count_only_against_its_own_published_figure():
    at = open_page("pages/explore.py", indicator="children_in_care", **{"from": "2020-01", "to": "2022-01"})
    assert at.multiselect(key="explore.compare").options == ["Published (this council)"]
    points = comparator_frame(at)
    assert set(points["comparator"]) == {"Published (this council)"}
    # DfE's count at 31 March 2021 is the demo's own count that month
    march = points[points["year"] == "2021"]["value"].item()
    series = [frame for frame in chart_data(at) if "team_label" in frame.columns and "value" in frame.columns][0]
    assert series.loc[series["period"] == pd.Timestamp("2021-03-01"), "value"].item() == march


def test_compare_draws_comparator_lines_across_the_team_bars():
    at = open_page("pages/compare.py", indicator="assessments_in_45_days", month="2022-01")
    assert not exceptions(at)
    lines = [frame for frame in chart_data(at) if set(frame.columns) == {"value", "label"}]  # a rule each
    assert len(lines) == 1
    assert sorted(lines[0]["label"]) == ["England (DfE 2021): 87.6%", "Statistical neighbours (DfE 2021): 84.1%"]
    assert "Dotted purple lines: England, 87.6% (DfE 2021); Statistical neighbours, 84.1% (DfE 2021)." in page_text(at)
    at.multiselect(key="compare.compare").set_value([]).run()
    assert not [frame for frame in chart_data(at) if set(frame.columns) == {"value", "label"}]


def test_glossary_explains_neighbours_quartiles_and_dfe_years():
    text = page_text(open_page("pages/glossary.py"))
    for term in ("Statistical neighbours", "Quartiles", "DfE year", "Published (this council)"):
        assert term in text
    assert "mean: the average of those neighbours that have a published figure" in text


def test_published_counts_match_the_public_whole_service_figure_for_that_month():
    """DfE's count for the council is public; where the app shows the month it equals, it must show the same
    figure, or a hidden team could be worked out from DfE's total and the teams shown."""
    from metrics.comparators.benchmarking import PUBLISHED
    from metrics.prepare.prepared import open_performance

    performance = open_performance(None, "public")
    published = performance.benchmarks[performance.benchmarks["comparator"] == PUBLISHED]
    counts = performance.indicators.index[performance.indicators["unit"] == "count"]
    checked = 0
    held = published["indicator_id"].isin(counts) & published["period"].isin(performance.months)
    for row in published[held].itertuples():
        month = performance.rows_between(row.period, row.period, [""])
        shown = month[month["indicator_id"] == row.indicator_id]
        assert not shown["suppressed"].item() and shown["value"].item() == row.value, row
        checked += 1
    assert checked == 4  # children in care and CP plans open at March 2020 and 2021 (2 years or more is "c")


def test_data_page_says_where_each_comparator_comes_from():
    at = open_page("pages/data.py")
    assert not exceptions(at)
    text = page_text(at)
    assert "Compared with other councils" in text
    assert "Illustrative (demo): not a published figure (41)" in text  # England: 41 made up, 4 from DfE
    assert "DfE, Children looked after in England including adoptions, 2021 (1)" in text
    assert "Illustrative (demo): Example County Council's own monthly figures" in text
