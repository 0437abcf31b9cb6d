"""The Improvement Plan: its contract checks, trajectory and statuses worked out by hand, and the command."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from metrics.commands import plan as plan_command
from metrics.plan.progress import (
    MET,
    MISSED,
    NO_DATA,
    NOT_DUE,
    OFF_TRACK,
    ON_TRACK,
    measure_status,
    plan_progress,
    trajectory_at,
)
from metrics.snapshot.reading import read_snapshot_folder
from tests.conftest import tiny_tables
from tests.helpers import write_snapshot

M = pd.Timestamp


def plan_rows(*milestones, indicator="timeliness", team=None, baseline="2021-01", direction=None, priority="p1"):
    """One measure's rows of plan.parquet: milestones as (month, target)."""
    return pd.DataFrame(
        {
            "priority_id": priority,
            "priority": f"Priority {priority}",
            "indicator_id": indicator,
            "team": team,
            "baseline": M(f"{baseline}-01"),
            "milestone": [M(f"{month}-01") for month, _ in milestones],
            "target": [float(target) for _, target in milestones],
            "direction": direction,
            "owner": "Head of Service",
        }
    )


def figures(values: dict[str, float], indicator="timeliness", team="", hidden=()) -> pd.DataFrame:
    """A measure's monthly figures; months in hidden are hidden (NaN, as the public view has them)."""
    months = list(values)
    return pd.DataFrame(
        {
            "indicator_id": indicator,
            "team": team,
            "period": [M(f"{month}-01") for month in months],
            "value": [np.nan if month in hidden else float(values[month]) for month in months],
            "suppressed": [month in hidden for month in months],
        }
    )


POLARITIES = pd.Series({"timeliness": "higher_is_better", "repeats": "lower_is_better", "referrals": "neutral"})


def progress(plan, values, period):
    return plan_progress(plan, values, POLARITIES, M(f"{period}-01"))


# --- the trajectory ---------------------------------------------------------------------------------------


def test_the_trajectory_runs_straight_from_the_baseline_value_then_milestone_to_milestone():
    # Baseline January 50; milestone April 80 (three months: 10 a month); then October 86 (six months: 1 a month).
    milestones = [(M("2021-04-01"), 80.0), (M("2021-10-01"), 86.0)]
    at = lambda month: trajectory_at(M("2021-01-01"), 50.0, milestones, M(f"{month}-01"))  # noqa: E731
    assert [at(month) for month in ("2021-01", "2021-02", "2021-03", "2021-04")] == [50.0, 60.0, 70.0, 80.0]
    assert at("2021-07") == pytest.approx(83.0)
    assert at("2021-10") == 86.0
    assert math.isnan(at("2020-12")) and math.isnan(at("2021-11"))  # before the plan, after its last milestone
    # The baseline month's value is needed until the first milestone, and only until then.
    assert math.isnan(trajectory_at(M("2021-01-01"), np.nan, milestones, M("2021-02-01")))
    assert trajectory_at(M("2021-01-01"), np.nan, milestones, M("2021-07-01")) == pytest.approx(83.0)


# --- statuses -----------------------------------------------------------------------------------------------


def test_each_status_higher_is_better():
    plan = plan_rows(("2021-03", 70), ("2021-06", 85), ("2021-12", 90))
    # February: path from 50 (January) to 70 (March) is 60; 62 is ahead.
    found = progress(plan, figures({"2021-01": 50, "2021-02": 62}), "2021-02")
    assert list(found["status"]) == [ON_TRACK, NOT_DUE, NOT_DUE]
    assert found["trajectory"].iloc[0] == pytest.approx(60.0) and found["value"].iloc[0] == 62.0
    assert found["next_milestone"].tolist() == [True, False, False]
    # 59 is behind the path of 60.
    assert progress(plan, figures({"2021-01": 50, "2021-02": 59}), "2021-02")["status"].iloc[0] == OFF_TRACK
    # April: March's 69 missed 70; the path from 70 (March) to 85 (June) is 75 in April; 76 is on track.
    values = figures({"2021-01": 50, "2021-03": 69, "2021-04": 76})
    found = progress(plan, values, "2021-04")
    assert list(found["status"]) == [MISSED, ON_TRACK, NOT_DUE]
    assert found["value"].tolist()[:2] == [69.0, 76.0]  # the milestone month's value, then the period's
    assert found["value_month"].tolist()[:2] == [M("2021-03-01"), M("2021-04-01")]
    assert found["trajectory"].iloc[1] == pytest.approx(75.0) and math.isnan(found["trajectory"].iloc[0])
    # March's 70 exactly meets 70.
    assert progress(plan, figures({"2021-01": 50, "2021-03": 70}), "2021-03")["status"].iloc[0] == MET


def test_lower_is_better_runs_down():
    plan = plan_rows(("2021-04", 14), indicator="repeats")  # from 20 in January to 14 in April: 18 in February
    assert progress(plan, figures({"2021-01": 20, "2021-02": 18}, "repeats"), "2021-02")["status"][0] == ON_TRACK
    assert progress(plan, figures({"2021-01": 20, "2021-02": 18.5}, "repeats"), "2021-02")["status"][0] == OFF_TRACK
    assert progress(plan, figures({"2021-01": 20, "2021-04": 13}, "repeats"), "2021-04")["status"][0] == MET
    assert progress(plan, figures({"2021-01": 20, "2021-04": 15}, "repeats"), "2021-04")["status"][0] == MISSED


def test_a_neutral_indicator_goes_the_way_the_plan_says():
    # Children in care brought down: 300 in January to 270 in April, 290 due in February.
    plan = plan_rows(("2021-04", 270), indicator="referrals", direction="down")
    at = lambda value: progress(plan, figures({"2021-01": 300, "2021-02": value}, "referrals"), "2021-02")  # noqa: E731
    assert at(289)["status"][0] == ON_TRACK and at(290)["status"][0] == ON_TRACK
    assert at(291)["status"][0] == OFF_TRACK
    up = plan_rows(("2021-04", 330), indicator="referrals", direction="up")
    assert progress(up, figures({"2021-01": 300, "2021-02": 309}, "referrals"), "2021-02")["status"][0] == OFF_TRACK


def test_a_path_landing_exactly_on_a_value_is_on_track():
    # 2 to 5 over three months: 3 in February, worked out as floating point does it.
    plan = plan_rows(("2021-04", 5), baseline="2021-01")
    value = 0.1 * 30  # 3.0000000000000004
    assert progress(plan, figures({"2021-01": 2, "2021-02": value}), "2021-02")["status"][0] == ON_TRACK


def test_a_team_measure_reads_the_team_not_the_whole_service():
    plan = plan_rows(("2021-04", 80), team="Team A")
    values = pd.concat(
        [
            figures({"2021-01": 50, "2021-02": 70}, team="Team A"),  # ahead of 60
            figures({"2021-01": 50, "2021-02": 40}, team=""),  # the whole service, behind
        ]
    )
    found = progress(plan, values, "2021-02")
    assert found["team"][0] == "Team A" and found["value"][0] == 70.0 and found["status"][0] == ON_TRACK


def test_a_milestone_month_hidden_in_public_is_no_data_never_guessed():
    plan = plan_rows(("2021-03", 70), ("2021-06", 85))
    values = figures({"2021-01": 50, "2021-03": 72, "2021-04": 76}, hidden={"2021-03"})
    found = progress(plan, values, "2021-04")
    assert found["status"].tolist() == [NO_DATA, ON_TRACK]
    assert math.isnan(found["value"][0]) and bool(found["suppressed"][0]) and not found["suppressed"][1]
    # This month hidden: no data, though the path is known (it gives nothing away).
    found = progress(plan, figures({"2021-01": 50, "2021-04": 76}, hidden={"2021-04"}), "2021-04")
    assert found["status"].tolist() == [NO_DATA, NO_DATA]


def test_a_hidden_baseline_leaves_the_path_empty_until_the_first_milestone():
    # With the target, the months and the path in February, the hidden January figure could be worked out.
    plan = plan_rows(("2021-04", 80), ("2021-10", 86))
    found = progress(plan, figures({"2021-01": 50, "2021-02": 70}, hidden={"2021-01"}), "2021-02")
    assert found["status"][0] == NO_DATA and math.isnan(found["trajectory"][0]) and found["value"][0] == 70.0
    # After the first milestone the path runs from targets alone.
    found = progress(plan, figures({"2021-01": 50, "2021-04": 81, "2021-07": 84}, hidden={"2021-01"}), "2021-07")
    assert found["status"].tolist() == [MET, ON_TRACK] and found["trajectory"][1] == pytest.approx(83.0)


def test_a_target_reached_early_is_on_track_then_met():
    plan = plan_rows(("2021-04", 80), ("2021-10", 90))
    values = figures({"2021-01": 50, "2021-02": 85, "2021-04": 88, "2021-05": 91, "2021-10": 92})
    assert progress(plan, values, "2021-02")["status"].tolist() == [ON_TRACK, NOT_DUE]  # 85 beats April's 80
    assert progress(plan, values, "2021-05")["status"].tolist() == [MET, ON_TRACK]  # 91 beats October's 90
    assert progress(plan, values, "2021-10")["status"].tolist() == [MET, MET]


def test_before_the_baseline_nothing_is_due_and_a_missing_month_is_no_data():
    plan = plan_rows(("2021-04", 80), baseline="2021-02")
    found = progress(plan, figures({"2021-01": 50}), "2021-01")
    assert found["status"].tolist() == [NOT_DUE] and math.isnan(found["trajectory"][0])
    assert progress(plan, figures({"2021-02": 50}), "2021-03")["status"].tolist() == [NO_DATA]  # March missing


def test_a_measure_takes_its_next_milestone_status_or_its_last_one():
    plan = plan_rows(("2021-03", 70), ("2021-06", 85))
    values = figures({"2021-01": 50, "2021-03": 69, "2021-04": 76, "2021-06": 86})
    assert measure_status(progress(plan, values, "2021-04")) == ON_TRACK  # missed March, on track for June
    assert measure_status(progress(plan, values, "2021-06")) == MET  # every milestone past: the last one's
    assert measure_status(progress(plan, values, "2020-12")) == NOT_DUE


def test_priorities_and_measures_keep_the_plans_order():
    plan = pd.concat(
        [
            plan_rows(("2021-04", 14), indicator="repeats", priority="second"),
            plan_rows(("2021-04", 80), priority="first"),
            plan_rows(("2021-06", 90), indicator="timeliness", team="Team A", priority="second"),
        ]
    )
    values = pd.concat([figures({"2021-01": 20}, "repeats"), figures({"2021-01": 50})])
    found = progress(plan, values, "2021-01")
    assert found["priority_id"].tolist() == ["second", "second", "first"]
    assert found["indicator_id"].tolist() == ["repeats", "timeliness", "timeliness"]


# --- the contract's checks ------------------------------------------------------------------------------------


def plan_problems(tmp_path, plan: pd.DataFrame) -> list[str]:
    tables = tiny_tables()
    tables["plan"] = plan
    folder = write_snapshot(tmp_path, "2021-02-10", tables)
    return [str(problem) for problem in read_snapshot_folder(folder).problems]


def test_a_good_plan_is_valid_and_a_snapshot_without_one_too(tmp_path):
    plan = pd.concat([plan_rows(("2021-04", 80)), plan_rows(("2021-04", 270), indicator="referrals", direction="down")])
    assert plan_problems(tmp_path / "with", plan) == []
    folder = write_snapshot(tmp_path / "without", "2021-02-10", tiny_tables())
    assert read_snapshot_folder(folder).problems == [] and "plan" not in read_snapshot_folder(folder).tables


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda plan: plan.assign(indicator_id="referrals", direction=None),
            "plan.parquet: direction: must say up or down: the indicator is neutral",
        ),
        (
            lambda plan: plan.assign(direction="down"),
            "plan.parquet: direction: contradicts the indicator's polarity",
        ),
        (
            lambda plan: plan.assign(milestone=M("2021-01-01")),
            "plan.parquet: milestone: must be a later month than the baseline",
        ),
        (
            lambda plan: plan.assign(priority=["One title", "Another title"]),
            "plan.parquet: priority: one priority_id has more than one title",
        ),
        (
            lambda plan: plan.assign(baseline=[M("2021-01-01"), M("2021-02-01")]),
            "plan.parquet: baseline: one priority, indicator and team has more than one baseline month",
        ),
        (
            lambda plan: plan.assign(milestone=M("2021-04-01")),
            "more than one row for the same priority, indicator, team and milestone",
        ),
        (lambda plan: plan.assign(priority_id="Priority 1"), "plan.parquet: priority_id: must use only lower-case"),
        (lambda plan: plan.assign(indicator_id="nothing"), "plan.parquet: indicator_id: unknown indicator nothing"),
        (lambda plan: plan.assign(direction="sideways"), "plan.parquet: direction: 'sideways' is not one of up, down"),
    ],
)
def test_a_broken_plan_is_refused_naming_file_column_and_rows(tmp_path, change, expected):
    problems = plan_problems(tmp_path, change(plan_rows(("2021-04", 80), ("2021-10", 90))))
    found = [problem for problem in problems if expected in problem]
    assert found, problems
    assert "rows: 1" in found[0] or "rows 1" in found[0] or "row 1" in found[0], found


# --- the command ----------------------------------------------------------------------------------------------


def run_plan(*argv: str, audience: str = "public") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "metrics.plan", *argv],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PERFORMANCE_AUDIENCE": audience},
    )


def test_the_command_prints_the_contracts_columns_and_hides_what_public_hides():
    public = json.loads(run_plan("--period", "2022-01", "--format", "json").stdout)
    internal = json.loads(run_plan("--period", "2022-01", "--format", "json", audience="internal").stdout)
    columns = ["priority_id", "priority", "indicator_id", "team", "milestone", "target", "value", "trajectory"]
    assert set(columns + ["status"]) <= set(public[0])
    team_row = lambda rows: next(  # noqa: E731
        row for row in rows if row["team"] == "Assessment Team 2" and row["indicator_id"] == "supervision_in_time"
    )
    assert team_row(internal)["milestone"] == "2021-11" and team_row(internal)["status"] == MET
    assert team_row(public)["value"] == "c" and team_row(public)["status"] == NO_DATA
    assert len(public) == len(internal) == 46
    statuses = {row["status"] for row in public}
    assert {MET, MISSED, ON_TRACK, OFF_TRACK, NOT_DUE} <= statuses


def test_the_command_says_in_one_line_when_there_is_no_plan(tmp_path, monkeypatch, capsys):
    write_snapshot(tmp_path, "2021-02-10", tiny_tables())
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    assert plan_command.main(["--period", "2021-01"]) == 1
    error = capsys.readouterr().err.strip()
    assert error == "plan: snapshot 2021-02-10 has no Improvement Plan (no plan.parquet)"
    assert plan_command.main(["--period", "2021-13"]) == 1


# --- ingest: a plan sheet or plan.csv ---------------------------------------------------------------------------


def a_plan() -> pd.DataFrame:
    plan = pd.concat(
        [
            plan_rows(("2021-04", 80), ("2022-03", 90)),
            plan_rows(("2021-06", 270), indicator="referrals", direction="down"),
        ],
        ignore_index=True,
    )
    return plan.assign(
        baseline=plan["baseline"].dt.strftime("%Y-%m-%d"), milestone=plan["milestone"].dt.strftime("%Y-%m-%d")
    )


def test_ingest_takes_a_plan_sheet_or_plan_csv_with_milestones_years_ahead(tmp_path, monkeypatch):
    from metrics.commands import ingest as ingest_command
    from tests.helpers import write_csv_folder, write_workbook

    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path / "data"))
    tables = {**tiny_tables(), "plan": a_plan()}
    tables["plan"].loc[1, "milestone"] = "2024-03-01"  # three years after the as-at: a plan runs that far
    write_csv_folder(tmp_path / "csv", tables)
    assert ingest_command.main(["--as-at", "2021-02-10", str(tmp_path / "csv")]) == 0
    snapshot = read_snapshot_folder(tmp_path / "data" / "snapshots" / "2021-02-10")
    assert snapshot.problems == [] and len(snapshot.table("plan")) == 3
    write_workbook(tmp_path / "month.xlsx", tables)
    assert ingest_command.main(["--as-at", "2021-03-10", str(tmp_path / "month.xlsx")]) == 0
    assert len(read_snapshot_folder(tmp_path / "data" / "snapshots" / "2021-03-10").table("plan")) == 3


def test_ingest_refuses_a_broken_plan_naming_the_file_column_and_rows(tmp_path, monkeypatch, capsys):
    from metrics.commands import ingest as ingest_command
    from tests.helpers import write_csv_folder

    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path / "data"))
    plan = a_plan()
    plan.loc[2, "direction"] = None  # referrals are neutral: which way is progress?
    plan.loc[0, "milestone"] = "2020-12-01"  # before its January 2021 baseline
    write_csv_folder(tmp_path / "csv", {**tiny_tables(), "plan": plan})
    assert ingest_command.main(["--as-at", "2021-02-10", str(tmp_path / "csv")]) == 1
    said = capsys.readouterr().err
    # The contract's rules name the table, as for every table (ingest's own reading names plan.csv).
    assert "plan.parquet: direction: must say up or down" in said and "(rows: 3)" in said
    assert "plan.parquet: milestone: must be a later month than the baseline (rows: 1)" in said
    assert not (tmp_path / "data" / "snapshots" / "2021-02-10").exists()
