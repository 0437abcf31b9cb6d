"""Workbooks an attacker (or an accident) could hand ingest, Annex A or the Load data page: each is
refused with one message naming the file, quickly, in little memory, and nothing is written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import tracemalloc

import pytest

from metrics.annex_a.lists import read_workbook
from metrics.commands import ingest as ingest_command
from metrics.snapshot import workbooks
from metrics.snapshot.workbooks import inspect_workbook, read_sheets
from tests.conftest import tiny_tables
from tests.workbook_parts import HEADER_ROW, ROW, SHEET, good_workbook, sheet_xml, streamed_sheet, with_parts

MEGABYTE = 1024 * 1024


@pytest.fixture
def root(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(data))
    return data


@pytest.fixture
def good(tmp_path):
    return good_workbook(tmp_path, tiny_tables())


def refusal(root, path, capsys) -> str:
    """What ingest says of the file; it must write nothing under the data root."""
    assert ingest_command.main(["--as-at", "2021-02-10", str(path)]) == 1
    said = capsys.readouterr().err
    assert said.startswith("ingest: nothing was written, because:")
    assert list(root.rglob("*")) == []
    lines = said.splitlines()[1:]
    assert len(lines) == 1 and lines[0].strip().startswith(f"{path.name}: -: "), said
    return lines[0]


def test_a_good_workbook_is_read(good, root, capsys):
    assert ingest_command.main(["--as-at", "2021-02-10", str(good)]) == 0
    assert "wrote snapshot 2021-02-10" in capsys.readouterr().out


def test_the_bomb_is_refused_in_moments_and_little_memory(good, tmp_path):
    """The case that ran 66 s and reached 1.77 GB: 400 MB of sheet in a small file, 4 million rows declared."""
    bomb = with_parts(good, tmp_path / "bomb.xlsx", {SHEET: streamed_sheet("A1:F4000000", 400 * MEGABYTE)})
    assert bomb.stat().st_size < 5 * MEGABYTE
    # In a process of its own, so that its peak memory is its own.
    program = (
        "import json, sys, time\n"
        "def peak_mb():  # this process's own high-water mark (ru_maxrss would count the test's, from the fork)\n"
        "    status = open('/proc/self/status').read()\n"
        "    return int(status.split('VmHWM:')[1].split()[0]) / 1024\n"
        "from metrics.commands.ingest import main\n"
        "started = time.perf_counter()\n"
        f"status = main(['--as-at', '2021-02-10', {str(bomb)!r}])\n"
        "seconds = time.perf_counter() - started\n"
        "print(json.dumps({'status': status, 'seconds': seconds,\n"
        "                  'peak_mb': peak_mb()}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "PERFORMANCE_DATA_DIR": str(tmp_path / "data")},
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["status"] == 1
    assert re.search(
        r"bomb.xlsx: -: unpacks to 40[01] MB; a workbook that unpacks to more than 200 MB is refused", done.stderr
    )
    assert measured["seconds"] < 2
    assert measured["peak_mb"] < 300  # the interpreter, pandas and pyarrow take most of it
    assert not (tmp_path / "data").exists() or list((tmp_path / "data").rglob("*")) == []


def test_a_sheet_declaring_too_many_rows_is_refused_before_a_cell_is_read(good, tmp_path, root, capsys):
    path = with_parts(
        good, tmp_path / "tall.xlsx", {SHEET: sheet_xml("A1:F4000000", [b"<row>" + HEADER_ROW + b"</row>"])}
    )
    started = time.perf_counter()
    said = refusal(root, path, capsys)
    assert time.perf_counter() - started < 2
    assert "sheet 'values' says it holds 4,000,000 rows; at most 1,000,000 are read" in said


def test_a_sheet_declaring_too_many_columns_is_refused(good, tmp_path, root, capsys):
    """openpyxl pads every row out to the declared width: 16,384 columns a row would fill memory."""
    path = with_parts(good, tmp_path / "wide.xlsx", {SHEET: sheet_xml("A1:XFD3", [b"<row>" + HEADER_ROW + b"</row>"])})
    assert "sheet 'values' says it is 16,384 columns wide; at most 200 are read" in refusal(root, path, capsys)


def test_a_sheet_that_lies_about_its_rows_is_stopped_while_reading(good, tmp_path, monkeypatch):
    monkeypatch.setattr(workbooks, "MAX_ROWS", 50)
    rows = [b"<row>" + HEADER_ROW + b"</row>", *[ROW] * 60]
    path = with_parts(good, tmp_path / "liar.xlsx", {SHEET: sheet_xml("A1:F3", rows)})
    with pytest.raises(workbooks.InputError, match="sheet 'values' holds more than 50 rows"):
        read_sheets(path, lambda sheet: sheet == "values")


def test_gaps_between_rows_count_as_rows(good, tmp_path, monkeypatch):
    """openpyxl fills a gap between row 2 and row 2,000 with empty rows: they are counted too."""
    monkeypatch.setattr(workbooks, "MAX_ROWS", 100)
    rows = [b'<row r="1">' + HEADER_ROW + b"</row>", b'<row r="2000"><c r="A2000"><v>1</v></c></row>']
    path = with_parts(good, tmp_path / "gap.xlsx", {SHEET: sheet_xml("A1:F3", rows)})
    with pytest.raises(workbooks.InputError, match="holds more than 100 rows"):
        read_sheets(path, lambda sheet: True)


def test_a_part_packed_too_tightly_is_refused_as_a_zip_bomb(good, tmp_path, root, capsys):
    path = with_parts(good, tmp_path / "tight.xlsx", {"xl/media/padding.bin": b"\0" * (5 * MEGABYTE)})
    said = refusal(root, path, capsys)
    assert "holds a part (xl/media/padding.bin) that unpacks" in said and "refused as a zip bomb" in said


def test_too_many_parts_are_refused(good, tmp_path, root, capsys):
    path = with_parts(good, tmp_path / "parts.xlsx", {f"xl/media/image{n}.png": b"x" for n in range(1_001)})
    assert "holds 1,0" in refusal(root, path, capsys) and "more than 1,000 is refused" in refusal(root, path, capsys)


@pytest.mark.parametrize("name", ["../../etc/cron.d/evil", "/etc/passwd", "C:\\Windows\\evil.dll", "xl/../../up.xml"])
def test_a_part_named_outside_the_workbook_is_refused(good, tmp_path, root, capsys, name):
    path = with_parts(good, tmp_path / "escape.xlsx", {name: b"x"})
    assert f"holds a part named {name!r}, which points outside the workbook" in refusal(root, path, capsys)


def test_a_macro_enabled_workbook_is_refused_whatever_its_name(good, tmp_path, root, capsys):
    with_vba = with_parts(good, tmp_path / "macros.xlsx", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 VBA"})
    assert "holds macros (a VBA project)" in refusal(root, with_vba, capsys)
    import zipfile

    types = (
        zipfile.ZipFile(good)
        .read("[Content_Types].xml")
        .replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    )
    declared = with_parts(good, tmp_path / "declared.xlsx", {"[Content_Types].xml": types})
    assert "is a macro-enabled workbook" in refusal(root, declared, capsys)


@pytest.mark.parametrize(
    ("suffix", "why"),
    [(".xlsm", "is a macro-enabled workbook (.xlsm)"), (".xls", "old format (.xls)"), (".xlsb", "binary workbook")],
)
def test_other_excel_formats_are_refused_by_name_with_what_to_do(good, tmp_path, root, capsys, suffix, why):
    path = tmp_path / f"return{suffix}"
    path.write_bytes(good.read_bytes())
    said = refusal(root, path, capsys)
    assert why in said and "save it as an Excel Workbook (.xlsx)" in said


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "an .xlsx file is a zip archive, and this is not one"),
        (b"indicator_id,period\nreferrals,2021-01\n", "an .xlsx file is a zip archive, and this is not one"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(tmp_path, root, capsys, content, why):
    path = tmp_path / "return.xlsx"
    path.write_bytes(content)
    assert why in refusal(root, path, capsys)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path, root, capsys):
    import zipfile

    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.jpg", b"\xff\xd8 not a sheet")
    assert "a zip archive without a workbook in it" in refusal(root, path, capsys)


def test_xml_entities_are_never_expanded(good, tmp_path, root, capsys):
    """The billion laughs: ten entities of ten each, a few hundred bytes that would expand to gigabytes."""
    entities = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 10))
    sheet = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e0 "laugh">{entities}]>'.encode() + sheet_xml(
        "A1:F2", [b"<row>" + HEADER_ROW + b"</row>", b'<row><c t="inlineStr"><is><t>&e9;</t></is></c></row>']
    )
    path = with_parts(good, tmp_path / "laughs.xlsx", {SHEET: sheet})
    started = time.perf_counter()
    tracemalloc.start()
    said = refusal(root, path, capsys)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "part xl/worksheets/sheet1.xml declares XML entities, which Excel never writes" in said
    assert time.perf_counter() - started < 2 and peak < 50 * MEGABYTE


def test_formulas_are_read_as_the_values_excel_saved_never_worked_out(good, tmp_path):
    """A formula cell counts as the value Excel stored with it; a formula without one reads as empty."""
    rows = [
        b"<row>" + HEADER_ROW + b"</row>",
        b'<row><c t="inlineStr"><is><t>referrals</t></is></c><c t="inlineStr"><is><t>2021-01-01</t></is></c>'
        b'<c t="inlineStr"><is><t>Team A</t></is></c><c/><c/>'
        b'<c><f>WEBSERVICE("http://attacker.example/")</f><v>12</v></c></row>',
        b'<row><c t="inlineStr"><is><t>referrals</t></is></c><c t="inlineStr"><is><t>2021-01-01</t></is></c>'
        b'<c t="inlineStr"><is><t>Team B</t></is></c><c/><c/><c><f>1+1</f></c></row>',
    ]
    path = with_parts(good, tmp_path / "formulas.xlsx", {SHEET: sheet_xml("A1:F3", rows)})
    sheets, _ = read_sheets(path, lambda sheet: sheet == "values")
    assert list(sheets["values"]["value"]) == [12, None]


def test_annex_a_workbooks_are_inspected_the_same_way(good, tmp_path):
    bomb = with_parts(
        good, tmp_path / "annex.xlsx", {SHEET: sheet_xml("A1:F4000000", [b"<row>" + HEADER_ROW + b"</row>"])}
    )
    with pytest.raises(workbooks.InputError, match="annex.xlsx: -: sheet 'values' says it holds 4,000,000 rows"):
        read_workbook(bomb)


def test_a_workbook_is_inspected_before_openpyxl_opens_it(good, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(workbooks.openpyxl, "load_workbook", lambda *a, **k: opened.append(a))
    tall = with_parts(good, tmp_path / "tall.xlsx", {SHEET: sheet_xml("A1:F4000000", [])})
    with pytest.raises(workbooks.InputError):
        workbooks.open_workbook(tall)
    assert opened == []
    inspect_workbook(good)  # a good one passes
