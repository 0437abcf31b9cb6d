"""A month's scorecard is built once for every team and shared by each choice of teams (metrics/scorecard.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import scorecard
from metrics.prepared import open_performance


@pytest.fixture(scope="module")
def demo():
    return open_performance("2022-02-10", "public")


@pytest.mark.parametrize("teams", [[""], ["MASH"], ["MASH", ""], ["No such team", "Care Leavers", ""],
                                   ["Care Leavers", "Care Leavers"]])
def test_each_choice_of_teams_gets_the_rows_a_build_of_its_own_gives(demo, teams):
    for month in demo.months[-14:]:
        direct = scorecard._build_scorecard(demo, month, list(dict.fromkeys(teams)))
        pd.testing.assert_frame_equal(scorecard.build_scorecard(demo, month, teams), direct)


def test_a_month_is_built_once_for_every_team(demo, monkeypatch):
    month = demo.months[-20]
    built = []
    original = scorecard._build_scorecard
    monkeypatch.setattr(scorecard, "_build_scorecard", lambda *args: built.append(args[2]) or original(*args))
    demo._kept.pop(("scorecard", month), None)
    for team in ["", "MASH", "Care Leavers", ""]:
        assert set(scorecard.build_scorecard(demo, month, [team])["team"]) == {team}
    assert built == [["", *demo.teams]]


def test_past_the_limit_each_choice_is_built_alone(demo, monkeypatch):
    monkeypatch.setattr(scorecard, "SHARED_UP_TO_TEAMS", 3)
    month = demo.months[-21]
    built = []
    original = scorecard._build_scorecard
    monkeypatch.setattr(scorecard, "_build_scorecard", lambda *args: built.append(args[2]) or original(*args))
    scorecard.build_scorecard(demo, month, ["MASH"])
    assert built == [["MASH"]]


def test_only_the_latest_months_are_kept(demo, monkeypatch):
    monkeypatch.setattr(scorecard, "MONTHS_SHARED", 2)
    demo._kept.clear()
    for month in demo.months[-5:]:
        scorecard.build_scorecard(demo, month, [""])
    assert [key[1] for key in demo._kept if key[0] == "scorecard"] == list(demo.months[-2:])
