"""Where compare and explore open: on figures that show what the pages are for."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.outputs.comparison import first_red_indicator, indicator_most_teams_report
from metrics.rating.performance import build_performance
from metrics.snapshot.reading import read_snapshot_folder
from tests.apptest_helpers import chart_data, open_page
from tests.conftest import tiny_tables
from tests.helpers import write_snapshot

JANUARY = pd.Timestamp("2021-01-01")


def tiny_performance(tmp_path, targets: list[tuple[str, float, float]]):
    tables = tiny_tables()
    tables["targets"] = pd.DataFrame(
        {
            "indicator_id": [indicator for indicator, _, _ in targets],
            "team": [None] * len(targets),
            "effective_from": pd.to_datetime(["2021-01-01"] * len(targets)),
            "target": [target for _, target, _ in targets],
            "tolerance": [tolerance for _, _, tolerance in targets],
        }
    )
    return build_performance(read_snapshot_folder(write_snapshot(tmp_path, "2021-02-10", tables)), "internal")


def test_compare_opens_on_the_indicator_with_a_target_that_most_teams_report(tmp_path):
    # referrals and timeliness are each reported by teams A and B; only timeliness has a target
    assert indicator_most_teams_report(tiny_performance(tmp_path, [("timeliness", 80, 5)]), JANUARY) == "timeliness"


def test_compare_without_any_target_opens_on_what_most_teams_report(tmp_path):
    assert indicator_most_teams_report(tiny_performance(tmp_path, [("caseload", 20, 1)]), JANUARY) == "referrals"


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        # whole service timeliness 39 of 60 = 65.0%: red against 80 (amber down to 75)
        ([("timeliness", 80, 5)], "timeliness"),
        # timeliness green against 60; average caseload 17.5 red against 15 (lower is better, amber up to 16)
        ([("timeliness", 60, 5), ("caseload", 15, 1)], "caseload"),
        # nothing red: the first indicator with a target, in scorecard order
        ([("timeliness", 60, 5), ("caseload", 20, 1)], "timeliness"),
    ],
)
def test_explore_opens_on_the_whole_services_first_red_indicator(tmp_path, targets, expected):
    assert first_red_indicator(tiny_performance(tmp_path, targets), JANUARY) == expected


def test_pages_open_on_their_defaults_and_a_link_still_wins():
    at = open_page("pages/compare.py")
    bars = next(frame for frame in chart_data(at) if "row_order" in frame.columns)
    assert at.selectbox(key="compare.indicator").value == "supervision_in_time"
    assert bars["team_label"].nunique() > 1
    at = open_page("pages/explore.py")
    assert at.selectbox(key="explore.indicator").value == "re_referrals_12_months"
    assert any("target" in frame.columns and frame["target"].notna().any() for frame in chart_data(at))
    assert (
        open_page("pages/explore.py", indicator="contacts_received").selectbox(key="explore.indicator").value
        == "contacts_received"
    )
    assert (
        open_page("pages/compare.py", indicator="contacts_received").selectbox(key="compare.indicator").value
        == "contacts_received"
    )
