"""The scorecard command against figures worked out by hand."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pandas as pd
import pytest

from metrics.commands import scorecard as scorecard_command
from metrics.outputs import scorecard
from tests.helpers import NAN, TINY_INDICATORS, values_frame, write_snapshot

VOLUME = ("volume", "Cases open", "Front door", "count", "neutral", "sum", "Cases open at month end.", None)


@pytest.fixture
def worked_root(tmp_path, monkeypatch):
    """A snapshot whose scorecard figures are worked out by hand in the tests below."""
    indicators = pd.concat([TINY_INDICATORS, pd.DataFrame([VOLUME], columns=TINY_INDICATORS.columns)])
    values = values_frame(
        [
            # timeliness: Team A and Team B with unequal denominators
            ("timeliness", "2021-01", "Team A", 9, 10, NAN),
            ("timeliness", "2021-01", "Team B", 30, 50, NAN),
            ("timeliness", "2021-02", "Team A", 8, 10, NAN),
            ("timeliness", "2021-02", "Team B", 20, 40, NAN),
            ("timeliness", "2021-03", "Team A", 0, 0, NAN),
            ("timeliness", "2021-03", "Team B", 33, 50, NAN),
            # no April at all: a gap month
            ("timeliness", "2021-05", "Team A", 10, 10, NAN),
            ("timeliness", "2021-05", "Team B", 45, 50, NAN),
            ("volume", "2021-01", "Team A", NAN, NAN, 12),
            ("volume", "2021-01", "Team B", NAN, NAN, 8),
            ("volume", "2021-02", "Team A", NAN, NAN, 15),
            ("volume", "2021-02", "Team B", NAN, NAN, 10),
            ("volume", "2021-03", "Team A", NAN, NAN, 3),
            ("volume", "2021-03", "Team B", NAN, NAN, 20),
        ]
    )
    targets = pd.DataFrame(
        {
            "indicator_id": ["timeliness", "timeliness", "timeliness", "volume"],
            "team": [None, None, "Team B", None],
            "effective_from": pd.to_datetime(["2021-01-01", "2021-03-01", "2021-01-01", "2021-01-01"]),
            "target": [80.0, 60.0, 55.0, 22.0],
            "tolerance": [5.0, 5.0, 5.0, 2.0],
        }
    )
    write_snapshot(tmp_path, "2021-06-10", {"indicators": indicators, "values": values, "targets": targets})
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    return tmp_path


def run_command(*args: str) -> pd.DataFrame:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert scorecard_command.main(list(args)) == 0
    return pd.read_csv(io.StringIO(buffer.getvalue()), keep_default_na=False, dtype=str)


def row(table: pd.DataFrame, indicator_id: str, team: str = "") -> dict:
    match = table[(table["indicator_id"] == indicator_id) & (table["team"] == team)]
    assert len(match) == 1, match
    return match.iloc[0].to_dict()


def test_ratio_is_the_ratio_of_sums_not_the_mean_of_percentages(worked_root):
    table = run_command("--period", "2021-01")
    # (9 + 30) / (10 + 50) = 65%, not (90% + 60%) / 2 = 75%
    assert float(row(table, "timeliness")["value"]) == pytest.approx(65.0)
    assert row(table, "timeliness")["rag"] == "red"  # target 80, amber from 75


def test_contract_columns_come_first(worked_root):
    table = run_command("--period", "2021-01")
    assert list(table.columns[:12]) == scorecard.CONTRACT_COLUMNS
    assert row(table, "timeliness")["period"] == "2021-01"


def test_team_target_overrides_the_all_teams_target(worked_root):
    table = run_command("--period", "2021-01", "--team", "Team B")
    team_b = row(table, "timeliness", "Team B")
    assert float(team_b["value"]) == pytest.approx(60.0)
    assert float(team_b["target"]) == 55.0 and team_b["rag"] == "green"  # all-teams 80 would be red


def test_target_that_changes_part_way_through(worked_root):
    february = row(run_command("--period", "2021-02"), "timeliness")
    march = row(run_command("--period", "2021-03"), "timeliness")
    assert float(february["value"]) == pytest.approx(56.0) and february["target"] == "80.0"
    assert february["rag"] == "red" and february["direction"] == "worsening"
    assert float(march["value"]) == pytest.approx(66.0) and march["target"] == "60.0"
    assert march["rag"] == "green" and march["direction"] == "improving"


def test_team_row_still_beats_a_later_all_teams_row(worked_root):
    team_b = row(run_command("--period", "2021-03", "--team", "Team B"), "timeliness", "Team B")
    assert team_b["target"] == "55.0" and team_b["rag"] == "green"


def test_neutral_indicator_with_a_target_has_no_rag(worked_root):
    volume = row(run_command("--period", "2021-02"), "volume")
    assert volume["value"] == "25.0" and volume["target"] == "22.0"
    assert volume["rag"] == "none" and volume["direction"] == "up"


def test_zero_denominator_means_no_value_and_no_rag(worked_root):
    team_a = row(run_command("--period", "2021-03", "--team", "Team A"), "timeliness", "Team A")
    assert team_a["value"] == "" and team_a["rag"] == "none" and team_a["direction"] == "n/a"


def test_gap_month_gives_direction_not_known(worked_root):
    may = row(run_command("--period", "2021-05"), "timeliness")
    assert float(may["value"]) == pytest.approx(55 / 60 * 100)
    assert may["previous_value"] == "" and may["direction"] == "n/a"


def test_team_all_lists_the_whole_service_then_each_team(worked_root):
    table = run_command("--period", "2021-01", "--team", "all")
    assert table.loc[table["indicator_id"] == "timeliness", "team"].tolist() == ["", "Team A", "Team B"]


def test_public_audience_shows_c_for_small_numbers(worked_root, monkeypatch):
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "public")
    table = run_command("--period", "2021-03", "--team", "all")
    assert row(table, "volume", "Team A")["value"] == "c"  # 3 cases
    # with Team B's 20 shown, the total of 23 would give Team A's 3 away: Team B (the smallest team shown)
    # is hidden as well, and the total stays, since 23 split two ways pins neither team closer than 5
    assert row(table, "volume", "Team B")["value"] == "c"
    assert row(table, "volume")["value"] == "23.0"


def test_json_format(worked_root):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert scorecard_command.main(["--period", "2021-01", "--format", "json"]) == 0
    records = json.loads(buffer.getvalue())
    timeliness = next(r for r in records if r["indicator_id"] == "timeliness")
    assert timeliness["value"] == pytest.approx(65.0) and timeliness["team"] == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2020-12"], "has no figures for that month (it covers 2021-01 to 2021-05)"),
        (["--period", "Jan 2021"], "is not a month written as YYYY-MM"),
        (
            ["--period", "2021-01", "--team", "Team Z"],
            "'Team Z' is not a team in this snapshot (teams: Team A, Team B)",
        ),
        (["--period", "2021-01", "--snapshot", "2021-07-01"], "no such snapshot"),
        (["--period", "2021-01", "--snapshot", "yesterday"], "is not a date written as YYYY-MM-DD"),
    ],
)
def test_bad_arguments_give_a_clear_message_and_exit_1(worked_root, capsys, args, message):
    assert scorecard_command.main(args) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_demo_story_figures(monkeypatch):
    monkeypatch.delenv("PERFORMANCE_DATA_DIR", raising=False)
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "public")
    november = run_command("--period", "2021-11", "--snapshot", "2022-02-10")
    december = run_command("--period", "2021-12", "--snapshot", "2022-02-10")
    assert row(november, "children_in_care")["value"] == "345.0"
    assert row(november, "children_in_care")["previous_value"] == "348.0"
    assert float(row(november, "assessments_in_45_days")["value"]) == 58.0
    assert float(row(december, "assessments_in_45_days")["value"]) == 67.0
    assert row(december, "assessments_in_45_days")["direction"] == "improving"
