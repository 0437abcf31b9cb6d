"""The Improvement Plan on the page, in the committee report and in the story: the same figures as
`python -m metrics.plan`, row by row, in each audience."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date

import pandas as pd
import pytest
from docx import Document

from metrics.core.months import format_month
from metrics.outputs import narrative
from metrics.outputs.formatting import format_value
from metrics.outputs.plan import STATUS_LABELS, path_value
from metrics.outputs.report import PLAN_COLUMNS, ReportRequest, build_report
from metrics.outputs.scorecard import build_scorecard
from metrics.rating.performance import build_performance
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder
from tests.apptest_helpers import all_text, chart_data, chart_specs, exceptions, html_tables, open_page
from tests.conftest import tiny_tables
from tests.helpers import write_snapshot

JANUARY = pd.Timestamp("2022-01-01")
NEWEST = REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10"


def command_rows(audience: str, period: str = "2022-01") -> list[dict]:
    said = subprocess.run(
        [sys.executable, "-m", "metrics.plan", "--period", period, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PERFORMANCE_AUDIENCE": audience},
    )
    return json.loads(said.stdout)


def as_shown(row: dict) -> tuple[str, str, str, str, str]:
    """A command row as the page and the report write it: milestone, target, value, due by now, status."""
    unit, status = row["unit"], row["status"]
    value = "" if status == "not due" else "c" if row["value"] == "c" else format_value(row["value"], unit)
    due = "" if row["trajectory"] is None else path_value(float(row["trajectory"]), unit)
    return (
        format_month(pd.Timestamp(f"{row['milestone']}-01")),
        format_value(row["target"], unit),
        value,
        due,
        STATUS_LABELS[status],
    )


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_the_page_agrees_with_the_command_row_by_row(audience, monkeypatch):
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", audience)
    at = open_page("pages/plan.py")
    assert exceptions(at) == []
    tables = [table for table in html_tables(at) if "Milestone" in table.columns]
    shown = Counter(
        tuple(row[column] for column in ("Milestone", "Target", "Value", "Due by now", "Status"))
        for table in tables
        for row in table.to_dict("records")
    )
    expected = Counter(as_shown(row) for row in command_rows(audience))
    assert len(tables) == 13 and sum(shown.values()) == 46
    assert shown == expected


def test_the_page_leads_with_priorities_off_track_and_says_why(monkeypatch):
    at = open_page("pages/plan.py")
    headings = [subheader.value for subheader in at.subheader]
    assert len(headings) == 5
    assert headings[0].startswith("1. Edge of care") and headings[-1].startswith("5. Visits to children")
    text = all_text(at)
    assert "4 of 5 priorities have measures off track or missed" in text.replace("\u2060", "")
    assert "Children in care was 343 in January 2022, behind the plan" in text
    assert "333.3 due by now" in text
    assert "Owner: Head of Service, Children in Care" in text
    assert "3 measures:\u2060 1 on track, 2 off track" in text
    # Every measure has its chart: the figure, the dashed path and the labelled milestones, with its sentence.
    specs = chart_specs(at)
    assert len(specs) == 13
    first = specs[0]
    assert first["description"].startswith("Children in care was 343 in January 2022")
    dashed = [layer for layer in first["layer"] if layer["mark"].get("strokeDash")]
    assert len(dashed) == 1
    labels = [layer for layer in first["layer"] if layer["mark"]["type"] == "text"]
    assert len(labels) == 1 and labels[0]["encoding"]["text"]["field"] == "short"
    assert any("Milestone December 2021: 335" in frame.to_csv() for frame in chart_data(at))  # the tooltip's words


def test_each_measure_links_to_explore_from_baseline_to_its_last_milestone():
    at = open_page("pages/plan.py")
    links = [m.value for m in at.markdown if m.value.startswith("[Explore ")]
    assert len(links) == 13
    team = next(link for link in links if "Assessment+Team+2" in link and "supervision_in_time" in link)
    assert "from=2021-06" in team and "to=2022-01" in team  # the last milestone is after the newest month


def test_the_month_changes_what_the_page_says():
    january = all_text(open_page("pages/plan.py"))
    november = all_text(open_page("pages/plan.py", month="2021-11"))
    assert "Children in care was 343 in January 2022" in january
    assert "Children in care was 345 in November 2021" in november and "343 in January" not in november


def test_a_milestone_hidden_in_public_is_no_data_there_and_met_inside(monkeypatch):
    public = all_text(open_page("pages/plan.py"))
    assert "Its November 2021 milestone of 75\\.0% cannot be judged:\u2060 the figure is hidden" in public
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    internal = all_text(open_page("pages/plan.py"))
    assert "Its November 2021 milestone of 75\\.0% was met \\(75\\.0%\\)" in internal


def test_a_snapshot_without_a_plan_says_so(tmp_path, monkeypatch):
    write_snapshot(tmp_path, "2021-02-10", tiny_tables())
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    at = open_page("pages/plan.py")
    assert exceptions(at) == []
    assert "This snapshot has no Improvement Plan" in all_text(at)


# --- the committee report ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report():
    public = build_performance(read_snapshot_folder(NEWEST), "public")
    content = build_report(public, ReportRequest(JANUARY, "", "Example County Council", date(2022, 2, 14)))
    return Document(io.BytesIO(content))


def test_the_report_has_the_plan_after_the_summary_with_the_commands_figures(report):
    headings = [p.text for p in report.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["Summary", "Progress against the Improvement Plan", "Key considerations"]
    plan_tables = [table for table in report.tables if [cell.text for cell in table.rows[0].cells] == PLAN_COLUMNS]
    assert len(plan_tables) == 5  # one per priority
    rows = Counter(tuple(cell.text for cell in row.cells[1:]) for table in plan_tables for row in table.rows[1:])
    assert rows == Counter(as_shown(row) for row in command_rows("public"))
    numbered = [p.text for p in report.paragraphs if p.style.name == "List Number"]
    assert numbered[0].startswith("Edge of care: fewer children coming into care")
    summary = [p.text for p in report.paragraphs if p.style.name == "List Bullet"]
    assert summary[0].startswith("Improvement Plan: 4 of 5 priorities have measures off track or missed")


# --- the story says what is new ----------------------------------------------------------------------------


def story_rows(**changes) -> pd.DataFrame:
    base = {
        "name": "Contacts received",
        "indicator_id": "contacts",
        "team": "",
        "period": JANUARY,
        "rag": "none",
        "months_at_status": 0,
        "variation": "neutral_high",
        "target": float("nan"),
        "suppressed": False,
        "value": 100.0,
    }
    return pd.DataFrame([{**base, **change} for change in changes.values()])


def test_a_new_signal_is_named_and_a_long_running_one_counted():
    rows = story_rows(
        fresh={"name": "Referrals", "indicator_id": "referrals"},
        old={"name": "Contacts", "indicator_id": "contacts"},
        older={"name": "Assessments", "indicator_id": "assessments"},
    )
    runs = {("referrals", ""): 2, ("contacts", ""): 14, ("assessments", ""): 5}
    said = narrative.summary(rows, runs, ("The plan first.",))
    texts = [s.text for s in said]
    assert texts[0] == "The plan first."
    assert "Volumes newly unusually high or low (SPC), in the last three months: Referrals." in texts
    lasting = next(text for text in texts if text.startswith("Long-running"))
    assert "2 volumes unusually high for more than three months (1 for a year or more)" in lasting
    assert "Contacts" not in lasting and "Assessments" not in lasting  # counted, not named
    links = {s.text: s.spc for s in said}
    assert links[lasting] == (("Contacts", "contacts", ""), ("Assessments", "assessments", ""))
    # Every long-running signal over a year: said so in as many words.
    said = narrative.summary(rows, {key: 13 for key in runs})
    assert any("3 volumes unusually high for a year or more" in s.text for s in said)


def test_the_demos_story_no_longer_lists_every_volume_as_news():
    public = build_performance(read_snapshot_folder(NEWEST), "public")
    rows = build_scorecard(public, JANUARY, [""])
    texts = narrative.service_summary(rows, narrative.signal_runs(public, rows))
    volumes = [text for text in texts if text.startswith("Volumes newly")]
    assert not volumes or volumes[0].count(",") < 3
    assert any(text.startswith("Long-running signals (SPC)") and "13 volumes unusually high" in text for text in texts)


def test_the_story_links_its_signals_to_their_spc_charts():
    at = open_page("streamlit_app.py")
    story = at.markdown[0].value
    assert story.startswith("- Improvement Plan:")
    assert "view=spc" in story and "indicator=contact_decisions_in_1_day" in story
    expander = [m.value for m in at.markdown if "indicator=contacts_received" in m.value and "view=spc" in m.value]
    assert expander, "the long-running signals' SPC charts are listed"


def test_on_target_with_a_failing_range_reads_as_one_thought():
    row = pd.Series(
        {
            "suppressed": False,
            "value": 86.0,
            "rag": "green",
            "months_at_status": 1,
            "period": JANUARY,
            "variation": "common_cause",
            "assurance": "fail",
            "polarity": "higher_is_better",
        }
    )
    reading = narrative.reading(row)
    assert reading.startswith("On target this month, but its usual range runs below the target")
    assert "will not meet" not in reading
    assert narrative.assurance_words(row.rename(None)).startswith("It is on target this month, but")
    row["rag"] = "red"
    assert "will not meet the target as things are" in narrative.reading(row)


def test_the_demos_lockdown_note_restarts_the_limits_on_the_scorecard_and_in_explore():
    public = build_performance(read_snapshot_folder(NEWEST), "public")
    contacts = public.series("contacts_received", "").set_index("period")["variation"].astype(str)
    # Limits start again in April 2020: the eleven months after it are too few to judge.
    assert set(contacts["2020-04-01":"2021-02-01"]) == {"insufficient_data"}
    assert contacts["2021-03-01"] != "insufficient_data"
    at = open_page("pages/explore.py", indicator="contacts_received", view="spc", **{"from": "2019-04"})
    assert exceptions(at) == []
    assert at.selectbox(key="explore.rebase").value == "2020-04"
