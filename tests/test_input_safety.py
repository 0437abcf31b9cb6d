"""Bad dates, odd folders, oversized workbooks and missing data roots: refused with a clear message."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from metrics.commands.ingest import main as ingest_main
from metrics.snapshot import workbooks
from metrics.snapshot.dates import read_dates
from metrics.snapshot.reading import data_root, find_snapshot_folders
from tests.conftest import tiny_tables
from tests.helpers import write_snapshot

REPOSITORY = Path(__file__).resolve().parent.parent
AS_AT = dt.date(2022, 2, 10)


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("0001-01-01", "outside the months"),
        ("9999-12-31", "outside the months"),
        ("2262-04-12", "outside the months"),
        ("1999-12-01", "outside the months"),
        ("2023-03-01", "outside the months"),
        (20210101, "is a number"),
        (44197, "is a number"),
        ("2021-01-01T09:00:00+01:00", "time zone"),
        ("2021-01-01T00:00:00Z", "time zone"),
        (pd.Timestamp("2021-01-01", tz="Europe/London"), "time zone"),
        (["2021-01-01"], "holds a list"),
        ("2021-02-30", "not a real date"),
        ("01/02/2021", "is not a date"),
    ],
)
def test_doubtful_dates_are_refused(cell, why):
    dates, refused = read_dates(pd.Series([cell, "2021-06-01"], dtype=object), AS_AT)
    assert [reason for reason in refused if why in reason] and list(refused.values())[0].tolist() == [0]
    assert pd.isna(dates[0]) and dates[1] == pd.Timestamp("2021-06-01")


@pytest.mark.parametrize(
    "cell",
    [
        "2021-06-01",
        "2021-06-01 00:00:00",
        dt.date(2021, 6, 1),
        dt.datetime(2021, 6, 1, 0, 0),
        pd.Timestamp("2021-06-01"),
        "2023-02-01",
    ],
)
def test_plain_dates_are_read(cell):
    dates, refused = read_dates(pd.Series([cell], dtype=object), AS_AT)
    assert refused == {} and dates[0] in (pd.Timestamp("2021-06-01"), pd.Timestamp("2023-02-01"))


def ingest_folder(tmp_path, monkeypatch, change) -> tuple[int, str]:
    source = tmp_path / "source"
    source.mkdir()
    for name, frame in tiny_tables().items():
        frame = change(name, frame)
        if isinstance(frame, pa.Table):
            pq.write_table(frame, source / f"{name}.parquet")
        else:
            frame.to_csv(source / f"{name}.csv", index=False)
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path / "root"))
    return ingest_main(["--as-at", "2021-02-10", "--no-prepare", str(source)]), str(tmp_path / "root")


def test_an_ancient_month_is_refused_with_file_column_and_row(tmp_path, monkeypatch, capsys):
    def ancient(name, frame):
        if name == "values":
            frame = frame.astype({"period": object})
            frame.loc[1, "period"] = "0001-01-01"
        return frame

    code, root = ingest_folder(tmp_path, monkeypatch, ancient)
    error = capsys.readouterr().err
    assert code == 1 and "values.csv: period: is outside the months a snapshot as at 2021-02-10 can hold" in error
    assert "(rows: 2)" in error and not Path(root, "snapshots").exists()


def test_a_period_with_time_zones_is_refused_without_a_traceback(tmp_path, monkeypatch, capsys):
    def zoned(name, frame):
        if name != "values":
            return frame
        table = pa.Table.from_pandas(frame.drop(columns="period"), preserve_index=False)
        stamps = pa.array([pd.Timestamp("2021-01-01", tz="Europe/London")] * len(frame), pa.timestamp("us", "UTC"))
        return table.append_column("period", stamps)

    code, _ = ingest_folder(tmp_path, monkeypatch, zoned)
    error = capsys.readouterr().err
    assert code == 1 and "values.parquet: period: has a time zone" in error and "Traceback" not in error


def test_a_list_in_a_cell_is_refused(tmp_path, monkeypatch, capsys):
    def listed(name, frame):
        if name != "values":
            return frame
        frame = frame.astype({"team": object})
        frame["team"] = [["Team A", "Team B"]] + list(frame["team"][1:])
        return pa.Table.from_pandas(
            frame.assign(team=frame["team"].map(lambda t: t if isinstance(t, list) else [t])), preserve_index=False
        )

    code, _ = ingest_folder(tmp_path, monkeypatch, listed)
    error = capsys.readouterr().err
    assert code == 1 and "values.parquet: team: holds a list, not a single value" in error


def test_only_yyyy_mm_dd_folders_are_snapshots(tmp_path):
    write_snapshot(tmp_path, "2021-02-10", tiny_tables())
    write_snapshot(tmp_path, "2022-W06-4", tiny_tables())  # Python's fromisoformat reads this as 10 February 2022
    write_snapshot(tmp_path, "20220210", tiny_tables())
    folders, warnings = find_snapshot_folders(data_root(tmp_path))
    assert [folder.as_at.isoformat() for folder in folders] == ["2021-02-10"]
    assert any("2022-W06-4" in warning for warning in warnings)


def test_a_workbook_over_the_limit_is_refused_and_unused_sheets_are_not_read(tmp_path, monkeypatch, capsys):
    workbook = openpyxl.Workbook()
    workbook.active.title = "junk"
    for _ in range(200):
        workbook.active.append(list(range(50)))
    for name, frame in tiny_tables().items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
            sheet.append([value.to_pydatetime() if isinstance(value, pd.Timestamp) else value for value in row])
    path = tmp_path / "return.xlsx"
    workbook.save(path)
    tables, skipped = workbooks.read_sheets(path, lambda sheet: sheet != "junk")
    assert skipped == ["junk"] and "junk" not in tables and set(tables) == set(tiny_tables())
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path / "root"))
    assert ingest_main(["--as-at", "2021-02-10", "--no-prepare", str(path)]) == 0
    assert "sheet 'junk' is not a table of the contract and was not read" in capsys.readouterr().out
    monkeypatch.setattr(workbooks, "MAX_WORKBOOK_MB", 0)
    assert ingest_main(["--as-at", "2021-03-10", "--no-prepare", str(path)]) == 1
    assert "workbooks over 0 MB are refused" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command", [["metrics.validate"], ["metrics.commands.prepare"], ["metrics.scorecard", "--period", "2022-01"]]
)
@pytest.mark.parametrize("root", ["missing", "a file"])
def test_every_command_answers_a_bad_data_root_in_one_line(command, root, tmp_path):
    location = tmp_path / "nowhere"
    if root == "a file":
        location.write_text("not a folder")
    done = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PERFORMANCE_DATA_DIR": str(location),
            "PERFORMANCE_CACHE_DIR": str(tmp_path / "cache"),
            "HOME": str(tmp_path),
        },
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert (
        len(lines) == 1
        and ("does not exist" in lines[0] or "is not a folder" in lines[0])
        and str(location) in lines[0]
    )
