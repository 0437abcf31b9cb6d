"""Every page under AppTest: it runs, and widgets and links change what it shows."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stdout

import pandas as pd
import pytest

from metrics.commands import scorecard as scorecard_command
from metrics.snapshot.reading import REPOSITORY_DATA_DIR
from tests.apptest_helpers import (
    PAGES,
    all_text,
    chart_data,
    chart_specs,
    download_frame,
    exceptions,
    html_tables,
    open_page,
    record_downloads,
)
from tests.apptest_helpers import (
    table as shown_table,
)
from tests.odd_snapshot import write_odd_snapshot
from tests.test_charts import layer
from ui.frame import NAVIGATION


@pytest.fixture(autouse=True)
def demo_data(monkeypatch):
    monkeypatch.delenv("PERFORMANCE_DATA_DIR", raising=False)
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "public")
    record_downloads(monkeypatch)


@pytest.fixture
def odd_root(tmp_path, monkeypatch):
    write_odd_snapshot(tmp_path)
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    return tmp_path


def assert_framed(at, demo: bool = False) -> None:
    """The shared frame is there: our navigation, the snapshot, how current it is, and the audience."""
    links = [link.proto.label for link in at.sidebar.get("page_link")]
    assert links == [label for pages in NAVIGATION.values() for _, label, _ in pages]
    sidebar_text = " ".join(str(e.value) for e in at.sidebar.get("caption") + at.sidebar.get("markdown"))
    if demo:  # the shipped demo says what it is, not how many years old its months are
        assert "Demonstration data for Example County Council, up to **January 2022**" in sidebar_text
        assert "behind today" not in sidebar_text
    else:
        assert "figures up to" in sidebar_text and "months behind today" in sidebar_text
    assert "Audience: " in sidebar_text


@pytest.mark.parametrize("audience", ["public", "internal"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_the_frame_on_the_demo(page, audience, monkeypatch):
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", audience)
    at = open_page(page)
    assert exceptions(at) == []
    assert_framed(at, demo=True)
    assert f"Audience: {audience}" in all_text(at) + " ".join(str(m.value) for m in at.sidebar.get("markdown"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_odd_snapshot(page, odd_root):
    at = open_page(page)
    assert exceptions(at) == []
    assert_framed(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_the_optional_tables(page, tmp_path, monkeypatch):
    write_odd_snapshot(tmp_path, without=("targets", "benchmarks", "caseloads", "commentary"))
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    at = open_page(page)
    assert exceptions(at) == []
    if page == "pages/caseloads.py":
        assert "This snapshot has no caseloads table" in all_text(at)


def test_odd_text_is_never_html(odd_root):
    at = open_page(
        "pages/explore.py",
        indicator="timeliness",
        teams=["Whole service", "Smith & Jones"],
        **{"from": "2021-01", "to": "2021-06"},
    )
    assert exceptions(at) == []
    markdown = [str(m.value) for m in [*at.markdown, *at.caption]]
    # data text reaches markdown only escaped, so Streamlit shows it as typed
    assert not any("<script>" in text for text in markdown)
    notes = [frame for frame in chart_data(at) if "text" in frame.columns]
    assert notes and notes[0]["text"].iloc[0].startswith("<b>bold</b> <script>")  # literal text in a tooltip


def test_newest_snapshot_corrupt_falls_back_and_says_so(tmp_path, monkeypatch):
    shutil.copytree(REPOSITORY_DATA_DIR / "snapshots" / "2022-01-12", tmp_path / "snapshots" / "2022-01-12")
    shutil.copytree(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10", tmp_path / "snapshots" / "2022-02-10")
    values = tmp_path / "snapshots" / "2022-02-10" / "values.parquet"
    values.write_bytes(values.read_bytes()[:500])
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    for page in PAGES:
        at = open_page(page)
        assert exceptions(at) == []
        warning = " ".join(w.value for w in at.warning)
        assert "The newest snapshot, as at 10 February 2022, failed its checks" in warning
        assert "shows the snapshot as at 12 January 2022" in warning


def test_no_valid_snapshot_explains_how_to_load_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    at = open_page("streamlit_app.py")
    assert exceptions(at) == []
    assert "There is no valid snapshot to show yet" in at.error[0].value


def command_rows(*args: str) -> pd.DataFrame:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert scorecard_command.main(list(args)) == 0
    return pd.read_csv(io.StringIO(buffer.getvalue()), dtype=str, keep_default_na=False)


# --- the scorecard (home page) -------------------------------------------------------------


def scorecard_rows(at) -> pd.DataFrame:
    return pd.concat(html_tables(at), ignore_index=True)


def test_scorecard_defaults_to_the_latest_month_and_the_whole_service():
    at = open_page("streamlit_app.py")
    assert at.selectbox(key="scorecard.month").value == "2022-01"
    assert at.selectbox(key="scorecard.team").value == "Whole service"
    rows = scorecard_rows(at)
    assert len(rows) == 38
    assert rows.loc[rows["Indicator"] == "Children in care", "This month"].item() == "343"
    assert [s.value for s in at.subheader][2:5] == ["Front door", "Early Help", "Assessment"]


def test_scorecard_month_and_team_pickers_change_the_figures():
    at = open_page("streamlit_app.py")
    at.selectbox(key="scorecard.month").select("2021-11").run()
    rows = scorecard_rows(at)
    assert rows.loc[rows["Indicator"] == "Children in care", "This month"].item() == "345"
    assert rows.loc[rows["Indicator"] == "Assessments completed within 45 working days", "This month"].item() == "58.0%"
    assert at.query_params["month"] == "2021-11"
    at.selectbox(key="scorecard.team").select("Assessment Team 1").run()
    rows = scorecard_rows(at)
    assert "Children in care" not in set(rows["Indicator"])  # not an indicator this team reports
    assert at.query_params["teams"] in ("Assessment Team 1", ["Assessment Team 1"])


@pytest.mark.parametrize(
    "team",
    [
        "MASH",
        "Early Help North",
        "Assessment Team 2",
        "Safeguarding and Family Support West",
        "Children in Care",
        "Care Leavers",
        "Children with Disabilities",
    ],
)
def test_scorecard_runs_for_each_team(team):
    at = open_page("streamlit_app.py", teams=team)
    assert exceptions(at) == []
    assert at.selectbox(key="scorecard.team").value == team
    assert len(scorecard_rows(at)) >= 3


def test_scorecard_month_with_gaps(odd_root):
    at = open_page("streamlit_app.py", month="2020-10")
    rows = scorecard_rows(at)
    assert exceptions(at) == []
    assert rows.loc[rows["Indicator"] == "Assessments in time", "Change detail"].item() == "last month: no data"
    assert rows.loc[rows["Indicator"] == "Assessments in time", "Change"].item() == "– Not known"


def test_scorecard_downloads_hold_the_same_numbers_as_the_command():
    at = open_page("streamlit_app.py", month="2021-12")
    expected = command_rows("--period", "2021-12")
    csv_button, excel_button = at.get("download_button")[:2]
    assert excel_button.proto.deferred_file_id and csv_button.proto.deferred_file_id  # both made on click
    for button in (csv_button, excel_button):
        downloaded = download_frame(button)
        assert list(downloaded["indicator_id"]) == list(expected["indicator_id"])
        for got, want in zip(downloaded["value"], expected["value"]):
            assert got == want or float(got) == pytest.approx(float(want))
    assert "c" in set(expected["value"])  # the public audience hides small numbers in both


def test_scorecard_summary_counts_match_the_rows():
    at = open_page("streamlit_app.py", month="2021-11")
    rows = scorecard_rows(at)
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["✓ Green: on target"] == (rows["Status"] == "✓ Green").sum()
    assert metrics["✗ Red: off target"] == (rows["Status"] == "✗ Red").sum()


def test_warm_rerun_uses_the_caches(monkeypatch):
    at = open_page("streamlit_app.py", month="2021-11")
    before = scorecard_rows(at)

    def refuse(*args, **kwargs):
        raise AssertionError("a warm rerun worked something out again")

    for target in (
        "metrics.prepare.prepared.performance",
        "metrics.prepare.prepared.rate_snapshot",
        "ui.loaders.build_scorecard",
        "ui.loaders.scorecard_cells",
        "ui.loaders.sparklines",
    ):
        monkeypatch.setattr(target, refuse)
    at.run()
    assert exceptions(at) == []
    pd.testing.assert_frame_equal(scorecard_rows(at), before)


# --- explore -----------------------------------------------------------------------------------


def explore_series(at) -> pd.DataFrame:
    return next(frame for frame in chart_data(at) if "team_label" in frame.columns and "rag_text" in frame.columns)


def test_explore_link_selects_indicator_teams_and_period():
    at = open_page(
        "pages/explore.py",
        indicator="assessments_in_45_days",
        teams=["Whole service", "Assessment Team 2"],
        **{"from": "2021-01", "to": "2021-12"},
    )
    assert exceptions(at) == []
    series = explore_series(at)
    assert set(series["team_label"]) == {"Whole service", "Assessment Team 2"}
    assert series["period"].min() == pd.Timestamp("2021-01-01") and series["period"].max() == pd.Timestamp("2021-12-01")
    spec = chart_specs(at)[0]
    assert spec["description"] == (
        "Assessments completed within 45 working days (%) — Whole service, "
        "Assessment Team 2, January 2021 to December 2021"
    )
    # drawn as two lines, so that neither runs off a phone's screen
    assert spec["title"] == {
        "text": "Assessments completed within 45 working days (%)",
        "subtitle": "Whole service, Assessment Team 2, January 2021 to December 2021",
    }


def test_explore_widgets_change_the_chart_and_the_link():
    at = open_page("pages/explore.py")
    before = explore_series(at)
    at.selectbox(key="explore.indicator").select("children_in_care").run()
    at.multiselect(key="explore.teams").select("Children in Care").run()
    at.selectbox(key="explore.period.from").select("2021-03").run()
    after = explore_series(at)
    assert not before.equals(after)
    assert set(after["team_label"]) == {"Whole service", "Children in Care"}
    november = after[(after["team_label"] == "Whole service") & (after["period"] == pd.Timestamp("2021-11-01"))]
    assert november["value"].item() == 345
    assert at.query_params["indicator"] == "children_in_care"
    assert at.query_params["teams"] == ["Whole service", "Children in Care"]
    assert at.query_params["from"] == "2021-03"


def test_explore_shows_target_band_and_notes():
    at = open_page("pages/explore.py", indicator="assessments_in_45_days", **{"from": "2020-01", "to": "2022-01"})
    spec = chart_specs(at)[0]
    assert layer(spec, "area", y="target", y2="band_edge")  # the amber band
    assert layer(spec, "line", y="target")["mark"]["interpolate"] == "step-after"  # the target as it changed
    assert any("text" in frame.columns and frame["text"].str.contains("67%").any() for frame in chart_data(at))


def test_explore_rolling_average_small_multiples_and_spc():
    at = open_page("pages/explore.py", indicator="referrals_received", teams=["Whole service", "MASH"])
    at.checkbox(key="explore.rolling").check().run()
    assert any("line" in frame.columns and "3-month average" in set(frame["line"]) for frame in chart_data(at))
    at.radio(key="explore.layout").set_value("A chart per team").run()
    assert len(chart_specs(at)) == 2
    at.radio(key="explore.view").set_value("spc").run()
    assert exceptions(at) == []
    spc = next(frame for frame in chart_data(at) if "upper" in frame.columns)
    assert {"mean", "lower", "upper", "signal"} <= set(spc.columns)


def test_explore_nonsense_link_gives_a_notice_not_an_error():
    at = open_page(
        "pages/explore.py",
        indicator="<script>nope</script>",
        teams=["Team that is not"],
        **{"from": "2021-99", "to": "yesterday"},
        snapshot="1999-01-01",
    )
    assert exceptions(at) == []
    notices = " ".join(str(i.value) for i in at.info)
    assert "does not match anything here" in notices
    assert "<script>" not in notices  # shown escaped
    assert (
        at.selectbox(key="explore.indicator").value == "re_referrals_12_months"
    )  # the default: the first red indicator
    assert at.multiselect(key="explore.teams").value == ["Whole service"]


def test_explore_table_shows_numerator_and_denominator_for_ratios(monkeypatch):
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    at = open_page("pages/explore.py", indicator="assessments_in_45_days", **{"from": "2021-11", "to": "2021-12"})
    table = shown_table(at, 0)
    assert list(table.columns[:5]) == ["Month", "Team", "Value", "Numerator", "Denominator"]
    assert table.loc[table["Month"] == "November 2021", ["Value", "Numerator", "Denominator"]].values.tolist() == [
        ["58.0%", "174", "300"]
    ]


# --- compare -----------------------------------------------------------------------------------


def test_compare_teams_for_a_month_and_the_matrix():
    at = open_page("pages/compare.py", indicator="assessments_in_45_days", month="2021-11")
    assert exceptions(at) == []
    table = shown_table(at, 0)
    assert set(table["Team"]) == {"Assessment Team 1", "Assessment Team 2"}
    assert table["Explore"].str.startswith("/explore?indicator=assessments_in_45_days&teams=Assessment+Team").all()
    matrix = shown_table(at, 1)
    assert "Whole service" in set(matrix["Team"])
    cell = matrix.loc[matrix["Team"] == "Whole service", "Assessments completed within 45 working days"].item()
    assert cell == "58.0% ✗ Red"
    at.selectbox(key="compare.indicator").select("cin_visits_in_time").run()
    assert set(shown_table(at, 0)["Team"]) == {
        "Safeguarding and Family Support East",
        "Safeguarding and Family Support West",
        "Children with Disabilities",
    }


def test_a_large_grid_keeps_its_status_words_without_colour(monkeypatch):
    column = "Assessments completed within 45 working days"
    chips = open_page("pages/compare.py", indicator="assessments_in_45_days", month="2021-11")
    labelled = chips.dataframe[1].value
    assert not isinstance(labelled[column].iloc[0], str)  # the demo's 11 x 38 grid has coloured labels
    assert not any("without colour" in caption.value for caption in chips.caption)
    monkeypatch.setattr("ui.display.COLOURED_CELLS_UP_TO", 10)
    at = open_page("pages/compare.py", indicator="assessments_in_45_days", month="2021-11")
    matrix = at.dataframe[1].value
    cell = matrix.loc[matrix["Team"] == "Whole service", column].item()
    assert isinstance(cell, str) and cell == "58.0% ✗ Red"  # plain text, the status in words and a symbol
    assert any("cells are plain text, without colour" in caption.value for caption in at.caption)


def test_many_teams_chart_both_ends_of_the_ranking_and_the_table_lists_all(monkeypatch):
    monkeypatch.setattr("metrics.outputs.charts.BARS_AT_EACH_END", 1)
    at = open_page("pages/compare.py", indicator="cin_visits_in_time", month="2021-11")
    bars = next(frame for frame in chart_data(at) if "team_label" in frame.columns and "row_order" in frame.columns)
    table = shown_table(at, 0)
    assert len(table) == 3 and len(bars) == 2
    assert list(bars["team_label"]) == [table["Team"].iloc[0], table["Team"].iloc[-1]]  # highest and lowest
    assert any(
        spec.get("title", {}).get("subtitle") == "November 2021: the 1 highest and 1 lowest of 3 teams"
        for spec in chart_specs(at)
    )
    assert any("lists all 3 teams" in caption.value for caption in at.caption)


def test_choices_follow_the_user_between_pages():
    at = open_page("pages/explore.py", indicator="children_in_care", month="2021-10")
    at.switch_page("pages/compare.py").run()
    assert at.selectbox(key="compare.indicator").value == "children_in_care"
    assert at.selectbox(key="compare.month").value == "2021-10"


# --- off target --------------------------------------------------------------------------------


def test_off_target_lists_red_before_amber_with_filters():
    at = open_page("pages/off_target.py", month="2021-11")
    table = html_tables(at)[0]
    statuses = list(table["Status"])
    assert statuses == sorted(statuses, key=lambda s: 0 if s == "✗ Red" else 1)
    assert set(statuses) == {"✗ Red", "! Amber"}
    assert table["Trend link"].str.startswith("/explore?").all()
    at.multiselect(key="off_target.areas").select("Care leavers").run()
    assert set(html_tables(at)[0]["Indicator detail"]) == {"Care leavers"}


def test_off_target_links_keep_the_snapshot_and_month():
    # "See the trend" from an older snapshot used to open the newest one
    at = open_page("pages/off_target.py", snapshot="2022-01-12", month="2021-11")
    links = html_tables(at)[0]["Trend link"]
    assert links.str.contains("&snapshot=2022-01-12").all() and links.str.contains("&to=2021-11&month=2021-11").all()
    newest = html_tables(open_page("pages/off_target.py", month="2021-11"))[0]["Trend link"]
    assert not newest.str.contains("snapshot=").any()


# --- caseloads ---------------------------------------------------------------------------------


def test_caseloads_public_hides_worker_ids_and_internal_shows_them(monkeypatch):
    at = open_page("pages/caseloads.py")
    assert "W0" not in all_text(at)
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    at = open_page("pages/caseloads.py")
    assert "W0" in all_text(at)


def test_caseload_threshold_changes_the_count_over_it(monkeypatch):
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    at = open_page("pages/caseloads.py")
    over_20 = int(at.metric[1].value)
    at.number_input(key="caseloads.threshold").set_value(25).run()
    assert int(at.metric[1].value) < over_20
    assert at.metric[1].label == "Workers with more than 25 cases"


def test_caseload_threshold_is_fixed_in_public():
    at = open_page("pages/caseloads.py")
    assert at.number_input(key="caseloads.threshold").disabled
    assert at.metric[1].label == "Workers with more than 20 cases"


def test_caseloads_of_small_teams_are_hidden_in_public(odd_root):
    at = open_page("pages/caseloads.py")
    table = shown_table(at, 0)
    # every odd team has 1 to 5 workers: headcount, average and share are all hidden; the service's 15 show
    assert set(table["Team"]) == {
        "Équipe d'Été",
        'The "Quoted" Team',
        "Smith & Jones",
        "<script>alert('x')</script>",
        "$x$ *team*",
    }
    assert set(table["Workers"]) == {"c"} and set(table["Average"]) == {"c"}
    assert [frame for frame in chart_data(at) if "mean" in frame.columns and len(frame)] == []
    assert at.metric[0].value != "c"


# --- data and snapshots ------------------------------------------------------------------------


def test_snapshot_list_and_a_revision_checked_by_hand(monkeypatch):
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    at = open_page("pages/data.py")
    snapshots = shown_table(at, 0)
    assert list(snapshots["As at"]) == [
        "10 February 2022",
        "12 January 2022",
        "13 December 2021",
        "12 November 2021",
        "12 October 2021",
    ]
    assert set(snapshots["Checks"]) == {"✓ Passed"}
    revisions = shown_table(at, 1)
    # December 2021 contacts: the January snapshot held 95% of the final figure, rounded down
    row = revisions[
        (revisions["Indicator"] == "Contacts received")
        & (revisions["Month"] == "December 2021")
        & (revisions["Team"] == "Whole service")
    ]
    final = 1220
    assert row[["Old value", "New value"]].values.tolist() == [[f"{int(final * 0.95):,}", f"{final:,}"]]
    assert set(revisions["Month"]) == {"December 2021", "November 2021"}


def test_revision_filters_and_download():
    at = open_page("pages/data.py")
    at.multiselect(key="data.indicators").select("Contacts received").run()
    table = shown_table(at, 1)
    assert set(table["Indicator"]) == {"Contacts received"}
    downloaded = download_frame(at.get("download_button")[0])
    assert set(downloaded["indicator_id"]) == {"contacts_received"}


def test_revisions_fit_a_tablet_held_upright_without_scrolling_sideways():
    """At 768 pixels the table has about 700; sized to its contents, the difference was off the edge."""
    at = open_page("pages/data.py")
    grid = next(grid for grid in at.dataframe if "Difference" in grid.value.columns)
    widths = {
        name: column.get("width")
        for name, column in json.loads(grid.proto.columns).items()
        if name in grid.value.columns
    }
    assert set(widths) == set(grid.value.columns) and all(isinstance(width, int) for width in widths.values())
    assert sum(widths.values()) <= 700


# --- glossary ----------------------------------------------------------------------------------


def test_glossary_search_narrows_terms_and_indicators():
    at = open_page("pages/glossary.py")
    shown = [m.value for m in at.markdown]
    assert "**MASH**" in " ".join(shown)
    headings = [s.value for s in at.subheader]
    assert headings.index("Terms and acronyms") < headings.index("How a snapshot built from Annex A counts")
    at.text_input(key="glossary.search").input("visits").run()
    indicators = shown_table(at, 0)
    assert set(indicators["Indicator"]) == {
        "Child in Need visits in time",
        "Child Protection visits in time",
        "Children in care visits in time",
    }


@pytest.mark.parametrize("team", ["", "Assessment Team 1", "Children in Care"])
def test_scorecard_spc_agrees_with_the_command_for_every_indicator(team):
    from metrics.outputs.formatting import ASSURANCE_LABELS, VARIATION_LABELS

    args = ["--period", "2021-12"] + (["--team", team] if team else [])
    expected = command_rows(*args)
    expected = expected[expected["team"] == team]
    at = open_page("streamlit_app.py", month="2021-12", teams=team or "Whole service")
    rows = scorecard_rows(at)
    assert len(rows) == len(expected)
    assert list(rows["Signal (SPC)"]) == [VARIATION_LABELS[v] for v in expected["variation"]]
    assert list(rows["Signal (SPC) detail"]) == [
        ASSURANCE_LABELS[a] if a != "none" else "" for a in expected["assurance"]
    ]


CHART_COLUMNS = ("line_chart", "area_chart", "bar_chart")


def chart_columns_with_gaps(at) -> list[str]:
    """Grid columns drawn as small charts whose lists hold a null or NaN (the browser prints those as text)."""
    found = []
    for grid in at.dataframe:
        config = json.loads(grid.proto.columns or "{}")
        frame = grid.value
        for name, column in config.items():
            if (column.get("type_config") or {}).get("type") in CHART_COLUMNS and name in frame.columns:
                if any(cell is None or any(pd.isna(v) for v in cell) for cell in frame[name]):
                    found.append(name)
    return found


def test_no_grid_sends_a_small_chart_with_a_gap():
    for page in PAGES:
        at = open_page(page)
        assert chart_columns_with_gaps(at) == [], page
    # the scorecard's 13-month trends are images: one per indicator with figures, gaps drawn as breaks
    rows = scorecard_rows(open_page("streamlit_app.py", month="2021-11"))
    drawn = rows[rows["Trend image"] != ""]
    # every month of the last 13 is hidden for one small count: nothing to draw, and no text either
    assert list(rows.loc[rows["Trend image"] == "", "Indicator"]) == ["Child Protection plans open 2 years or more"]
    assert rows.loc[rows["Trend image"] == "", "Trend"].item() == ""
    assert len(drawn) == 37 and drawn["Trend image"].str.startswith("13 months to November 2021: ").all()
    assert drawn["Trend image"].str.contains("hidden or missing").any()


def test_explore_spc_holds_limits_from_a_baseline_and_says_which():
    at = open_page("pages/explore.py", indicator="referrals_received", **{"from": "2020-02", "to": "2022-01"})
    at.radio(key="explore.view").set_value("spc").run()
    assert at.selectbox(key="explore.baseline").value == 12  # the default baseline
    assert at.selectbox(key="explore.rebase").value == "2020-04"  # the lockdown the notes record
    at.selectbox(key="explore.rebase").set_value("none").run()
    points = next(frame for frame in chart_data(at) if "upper" in frame.columns).sort_values("period")
    baseline = points["value"].iloc[:12]
    assert points["mean"].nunique() == 1 and points["mean"].iloc[0] == pytest.approx(baseline.mean())
    reading = " ".join(str(m.value) for m in at.markdown)
    assert "worked out from February 2020 to January 2021 (the baseline) and held for the months after" in reading
    at.selectbox(key="explore.baseline").set_value(0).run()
    points = next(frame for frame in chart_data(at) if "upper" in frame.columns)
    assert points["mean"].iloc[0] == pytest.approx(points["value"].mean())
    assert "worked out from every month from February 2020 to January 2022" in " ".join(
        str(m.value) for m in at.markdown
    )


def test_explore_says_the_figure_in_words_with_its_revision_and_rule():
    at = open_page("pages/explore.py", indicator="contacts_received", **{"from": "2021-01", "to": "2021-12"})
    said = " ".join(str(m.value) for m in at.markdown).replace("\\", "").replace("\u2060", "")  # as read
    # December 2021 contacts: 1,220 in this snapshot, 1,159 in January's (late recording)
    assert "Contacts received was 1,220 in December 2021" in said
    assert "This figure was revised since the previous snapshot." in said
    assert "SPC shows it is unusually high: a real rise, not chance: seven months in a row above the average." in said
    at = open_page(
        "pages/explore.py", indicator="contacts_received", **{"from": "2021-01", "to": "2021-12"}, snapshot="2021-10-12"
    )  # the oldest snapshot: nothing to compare with
    assert "revised" not in " ".join(str(m.value) for m in at.markdown)


def test_explore_links_name_the_indicator_team_month_and_snapshot(monkeypatch):
    from ui.state import explore_urls

    links = explore_urls(
        ["referrals_received", "referrals_received", "cp_plans"],
        ["", 'A & "B" Team', ""],
        pd.Timestamp("2021-06-01"),
        "2021-07-10",
    )
    assert links == [
        "/explore?indicator=referrals_received&teams=Whole+service&to=2021-06&month=2021-06&snapshot=2021-07-10",
        "/explore?indicator=referrals_received&teams=A+%26+%22B%22+Team&to=2021-06&month=2021-06&snapshot=2021-07-10",
        "/explore?indicator=cp_plans&teams=Whole+service&to=2021-06&month=2021-06&snapshot=2021-07-10",
    ]
    assert explore_urls(["x"], ["T"], pd.Timestamp("2021-06-01"), None) == [
        "/explore?indicator=x&teams=T&to=2021-06&month=2021-06"
    ]
    monkeypatch.setattr("streamlit.get_option", lambda name: "/council/" if name == "server.baseUrlPath" else None)
    assert explore_urls(["x"], ["T"], pd.Timestamp("2021-06-01"), None)[0].startswith("/council/explore?indicator=x&")


def test_the_demo_the_browser_checks_draws_workers_over_the_threshold_each_chart_with_a_name(monkeypatch):
    """tests/browser/test_layout.py runs axe on this page of the demo in the internal view: the chart it
    checks must draw workers over the threshold (points beyond the red line), and say what it shows."""
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    at = open_page("pages/caseloads.py")
    spread = next(spec for spec in chart_specs(at) if "Cases per worker by team" in str(spec.get("description")))
    assert any(layer["mark"]["type"] == "point" for layer in spread["layer"])
    workers = next(frame for frame in chart_data(at) if "worker_id" in frame.columns)
    assert (workers["cases"] > 20).sum() >= 1
    assert int(at.metric[1].value) >= 1  # "Workers with more than 20 cases"
    assert all(spec.get("description") for spec in chart_specs(at))
