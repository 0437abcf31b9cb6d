"""Annex A import on a workbook written here with hand-counted answers, and on the real public sample."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from metrics.annex_a.build import annex_a_tables
from metrics.annex_a.lists import meaning, yes_no
from metrics.annex_a.working_days import working_days_between
from metrics.commands import ingest as ingest_command
from metrics.commands import validate as validate_command
from tests.apptest_helpers import PAGES, exceptions, open_page
from tests.helpers import missing

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "annex_a" / "Annex_A_sample.xlsx"
AS_AT = date(2021, 3, 10)

SHEETS = {
    # Header spelling varies on purpose; dates are Excel dates or text.
    "List 1 - Contacts": (
        ["Child Unique ID", "Gender", "date of contact", "Contact Source"],
        [
            ["C1", "a) Male", datetime(2020, 12, 3), "q) 6: Police"],
            ["C2", "b) Female", datetime(2020, 12, 15), "b) 1B: Individual"],
            ["C2", "b) Female", datetime(2020, 12, 15), "b) 1B: Individual"],  # the same contact twice
            ["C1", "a) Male", "05/01/2021", "q) 6: Police"],
            ["C3", "a) Male", "2021-02-30", "q) 6: Police"],  # row 6: an impossible date
        ],
    ),
    "List 3": (
        ["CHILD UNIQUE ID", "Referral Date", "Referral NFA?", "Allocated team"],
        [
            ["C1", datetime(2020, 12, 3), "b) No", "Team A"],
            ["C1", datetime(2021, 2, 10), "a) Yes", "Team A"],  # referred again within 12 months
            ["C2", "20/01/2021", "No", "Team B"],
            ["C4", datetime(2021, 2, 15), "No", None],  # not allocated: whole service only
        ],
    ),
    "List 4": (
        [
            "Child Unique ID",
            "Continuous Assessment Start Date",
            "Continuous Assessment Date of Authorisation",
            "Allocated Team",
        ],
        [
            ["C1", datetime(2020, 12, 1), datetime(2021, 2, 3), "Team A"],  # 43 working days across Christmas
            ["C2", datetime(2020, 12, 1), datetime(2021, 2, 8), "Team B"],  # 46 working days
            ["C3", datetime(2021, 1, 4), None, "Team A"],  # still open
        ],
    ),
    "List 5": (
        ["Child Unique ID", "Strategy discussion initiating Section 47 Enquiry Start Date", "Allocated Team"],
        [
            ["C1", datetime(2021, 1, 10), "Team A"],
        ],
    ),
    "List 7": (
        [
            "Child Unique ID",
            "Child Protection Plan Start Date",
            "Child Protection Plan End Date",
            "Number of Previous Child Protection Plans",
            "Allocated Team",
        ],
        [
            ["C5", datetime(2020, 6, 1), datetime(2021, 1, 31), 0, "Team B"],  # closes on a month end
            ["C6", datetime(2018, 11, 1), None, 0, "Team B"],  # open more than two years
            ["C7", datetime(2021, 1, 15), None, 1, "Team A"],  # a repeat plan
        ],
    ),
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("annex") / "annex_a.xlsx"
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (headers, rows) in SHEETS.items():
        sheet = book.create_sheet(name)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def imported(workbook):
    tables, report = annex_a_tables(workbook, AS_AT, child_population=10_000)
    values = tables["values"]
    values["team"] = values["team"].astype("object").where(values["team"].notna(), "")
    return values, report


def figure(values: pd.DataFrame, indicator_id: str, month: str, team: str = "") -> tuple:
    row = values[
        (values["indicator_id"] == indicator_id)
        & (values["period"] == pd.Timestamp(f"{month}-01"))
        & (values["team"] == team)
    ]
    assert len(row) == 1, (indicator_id, month, team, row)
    row = row.iloc[0]
    return (row["value"],) if pd.isna(row["numerator"]) else (row["numerator"], row["denominator"])


def test_coded_answers_are_read_by_their_meaning():
    assert meaning("q) 6: Police") == "Police" and meaning("b) 1B: Individual") == "Individual"
    assert yes_no("a) Yes") is True and yes_no("b) No") is False and yes_no("#N/A") is None


def test_working_days_leave_out_weekends_and_christmas_bank_holidays():
    start = pd.Series(pd.to_datetime(["2020-12-01", "2020-12-01", "2021-03-01"]))
    end = pd.Series(pd.to_datetime(["2021-02-03", "2021-02-08", "2021-03-05"]))
    # December: 22 weekdays after the 1st, less the 25th and the 28th (Boxing Day's substitute);
    # January: 21 weekdays less New Year's Day; then 1 to 3 February: 20 + 20 + 3 = 43
    assert working_days_between(start, end).tolist() == [43, 46, 4]


def test_months_covered_and_contacts(imported):
    values, report = imported
    assert (report.first_month, report.last_month) == ("2020-12", "2021-02")
    assert figure(values, "contacts_received", "2020-12") == (2,)  # the repeated contact counts once
    assert figure(values, "contacts_received", "2021-01") == (1,)  # a date written as text
    assert figure(values, "contacts_received", "2021-02") == (0,)  # the impossible date is not counted


def test_the_impossible_date_is_reported_not_dropped_silently(imported):
    _, report = imported
    assert report.rows_rejected == [
        "List 1: Date of Contact: row 6: '2021-02-30' is not a date, so the row is left out of List 1's measures "
        "(rows: 6)"
    ]
    assert report.rows_read["List 1"] == 5


def test_referrals_re_referrals_and_no_further_action(imported):
    values, _ = imported
    assert figure(values, "referrals_received", "2021-02") == (2,)
    assert figure(values, "referrals_received", "2021-02", "Team A") == (1,)
    assert figure(values, "referrals_received", "2021-01", "Team B") == (1,)
    assert figure(values, "re_referrals_12_months", "2021-02") == (1, 2)  # C1 referred again after 2 months
    assert figure(values, "re_referrals_12_months", "2020-12") == (0, 1)
    assert figure(values, "referrals_nfa", "2021-02") == (1, 2)


def test_assessments_in_45_working_days_across_christmas(imported):
    values, _ = imported
    assert figure(values, "assessments_completed", "2021-02") == (2,)
    assert figure(values, "assessments_in_45_days", "2021-02") == (1, 2)
    assert figure(values, "assessments_in_45_days", "2021-02", "Team A") == (1, 1)
    assert figure(values, "assessments_open", "2020-12") == (2,)
    assert figure(values, "assessments_open", "2021-01") == (3,)
    assert figure(values, "assessments_open", "2021-02") == (1,)


def test_child_protection_plans_at_month_ends(imported):
    values, _ = imported
    assert figure(values, "cp_plans_open", "2020-12") == (2,)
    assert figure(values, "cp_plans_open", "2021-01") == (2,)  # the plan ending on 31 January is not open then
    assert figure(values, "cp_plans_open", "2021-01", "Team B") == (1,)
    assert figure(values, "cp_plans_2_years", "2021-02") == (1,)
    assert figure(values, "cp_repeat_plans", "2021-01") == (1, 1)
    assert figure(values, "cp_plans_under_6_months", "2021-01") == (1, 2)
    rate = figure(values, "cp_rate_per_10k", "2021-02")
    assert rate == (2, 10_000)


def test_missing_lists_and_columns_are_named(imported):
    _, report = imported
    assert "contacts_received" in report.indicators and "cin_plans_open" not in report.indicators
    assert "cin_plans_open: the workbook has no “List 6” sheet" in report.left_out
    assert "icpc_in_15_days: List 5 has no “Date of Initial Child Protection Conference” column" in report.left_out


def test_ingest_command_writes_a_valid_snapshot_and_report(workbook, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    targets = tmp_path / "targets.csv"
    targets.write_text("indicator_id,team,effective_from,target,tolerance\nassessments_in_45_days,,2020-04-01,85,5\n")
    assert (
        ingest_command.main(["--as-at", AS_AT.isoformat(), "--annex-a", str(workbook), "--targets", str(targets)]) == 0
    )
    out = capsys.readouterr().out
    assert "left out cin_plans_open: the workbook has no “List 6” sheet" in out
    assert "rejected List 1: Date of Contact: row 6" in out
    folder = tmp_path / "snapshots" / AS_AT.isoformat()
    assert json.loads((folder / "annex_a_report.json").read_text())["rows_read"]["List 3"] == 4
    assert validate_command.main([str(folder)]) == 0


def test_a_workbook_without_lists_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path / "data"))
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.save(tmp_path / "other.xlsx")
    assert ingest_command.main(["--as-at", "2021-03-10", "--annex-a", str(tmp_path / "other.xlsx")]) == 1
    assert "has no sheets named like “List 1” to “List 11”" in capsys.readouterr().err
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.parquet"))


@pytest.fixture(scope="module")
def sample_root(tmp_path_factory):
    if not SAMPLE.exists():
        # In CI shared/ is always beside the clone: a missing sample is a fault there.
        missing(f"the public Annex A sample is not at {SAMPLE} (it lives in shared/, not in this repository)")
    root = tmp_path_factory.mktemp("sample")
    return root


def test_the_real_sample_imports_validates_and_every_page_runs(sample_root, monkeypatch):
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(sample_root))
    if not (sample_root / "snapshots").exists():
        assert (
            ingest_command.main(["--as-at", "2021-03-31", "--annex-a", str(SAMPLE), "--child-population", "50000"]) == 0
        )
    assert validate_command.main([]) == 0
    report = json.loads((sample_root / "snapshots" / "2021-03-31" / "annex_a_report.json").read_text())
    assert report["rows_rejected"] == [] and len(report["indicators"]) == 26
    for audience in ("public", "internal"):
        monkeypatch.setenv("PERFORMANCE_AUDIENCE", audience)
        for page in PAGES:
            at = open_page(page)
            assert exceptions(at) == [], (page, audience)
    data_page = open_page("pages/data.py")
    assert any("The last import" in str(m.value) for m in data_page.markdown)


def test_the_glossary_explains_the_rules_for_every_list():
    from metrics.annex_a.measures import MEASURES
    from metrics.outputs.glossary import ANNEX_A_RULES

    rules = " ".join(ANNEX_A_RULES.values())
    for number in MEASURES:
        assert f"List {number}" in rules, number
    glossary = open_page("pages/glossary.py")
    shown = " ".join(str(m.value) for m in glossary.markdown)
    assert "**Re\\-referral**: A referral for a child who had another referral on List 3" in shown
