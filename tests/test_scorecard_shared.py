"""On a small snapshot the scorecard of every month and team is built once, and each choice of month and teams
takes its rows from it (metrics/outputs/scorecard.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.outputs import scorecard
from metrics.prepare.prepared import open_performance


@pytest.fixture
def demo():
    return open_performance("2022-02-10", "public")  # a fresh Performance: nothing built yet


def direct(performance, month, teams):
    return scorecard._build_scorecard(performance, [month], list(dict.fromkeys(teams)))


@pytest.mark.parametrize(
    "teams", [[""], ["MASH"], ["MASH", ""], ["No such team", "Care Leavers", ""], ["Care Leavers", "Care Leavers"]]
)
def test_each_choice_gets_the_rows_a_build_of_its_own_gives(demo, teams):
    for month in demo.months[-14:]:
        pd.testing.assert_frame_equal(scorecard.build_scorecard(demo, month, teams), direct(demo, month, teams))


def test_every_month_and_team_is_built_once(demo, monkeypatch):
    built = []
    original = scorecard._build_scorecard
    monkeypatch.setattr(scorecard, "_build_scorecard", lambda *args: built.append(args[1:]) or original(*args))
    for month, team in [(demo.months[-1], ""), (demo.months[-1], "MASH"), (demo.months[3], "Care Leavers")]:
        rows = scorecard.build_scorecard(demo, month, [team])
        assert set(rows["team"]) == {team} and set(rows["period"]) == {month}
    assert built == [(demo.months, ["", *demo.teams])]


def test_past_the_team_limit_each_choice_is_built_alone(demo, monkeypatch):
    monkeypatch.setattr(scorecard, "SHARED_UP_TO_TEAMS", 3)
    built = []
    original = scorecard._build_scorecard
    monkeypatch.setattr(scorecard, "_build_scorecard", lambda *args: built.append(args[1:]) or original(*args))
    scorecard.build_scorecard(demo, demo.months[-1], ["MASH"])
    assert built == [([demo.months[-1]], ["MASH"])]


def test_a_month_without_figures_lists_the_indicators_with_no_data(demo):
    rows = scorecard.build_scorecard(demo, pd.Timestamp("2012-01-01"), [""])
    assert len(rows) == len(demo.indicators) and rows["value"].isna().all() and set(rows["rag"]) == {"none"}
