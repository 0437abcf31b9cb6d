"""Every rule of the data contract, each with an example that breaks it."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.commands import validate
from metrics.snapshot.reading import data_root, find_snapshot_folders, read_snapshot, read_snapshot_folder
from tests.conftest import tiny_tables
from tests.helpers import write_raw, write_snapshot

FOLDER = "2021-02-10"


def problems_after(tmp_path, change) -> list[str]:
    """Write the tiny snapshot with one change applied; return its problems as text."""
    tables = tiny_tables()
    change(tables)
    folder = write_snapshot(tmp_path, FOLDER, tables)
    return [str(problem) for problem in read_snapshot_folder(folder).problems]


def test_the_tiny_snapshot_is_valid(tiny_root):
    snapshot = read_snapshot_folder(tiny_root / "snapshots" / FOLDER)
    assert snapshot.problems == []
    assert set(snapshot.tables) == {"indicators", "values", "targets", "benchmarks", "caseloads", "commentary"}


def test_the_demo_data_is_valid():
    root = data_root()
    folders, warnings = find_snapshot_folders(root)
    snapshots = [read_snapshot(root, folder) for folder in folders]
    assert [s.as_at.isoformat() for s in snapshots] == [
        "2022-02-10",
        "2022-01-12",
        "2021-12-13",
        "2021-11-12",
        "2021-10-12",
    ]
    assert all(s.valid for s in snapshots) and warnings == []


def test_truncated_parquet_is_reported(tiny_root):
    path = tiny_root / "snapshots" / FOLDER / "values.parquet"
    path.write_bytes(path.read_bytes()[:100])
    problems = [str(p) for p in read_snapshot_folder(path.parent).problems]
    assert len(problems) == 1 and problems[0].startswith("values.parquet: -: cannot be read as Parquet")


def test_missing_required_file_is_reported(tiny_root):
    (tiny_root / "snapshots" / FOLDER / "indicators.parquet").unlink()
    problems = [str(p) for p in read_snapshot_folder(tiny_root / "snapshots" / FOLDER).problems]
    assert problems == ["indicators.parquet: -: the file is missing (it is required)"]


def test_missing_optional_file_is_fine(tiny_root):
    (tiny_root / "snapshots" / FOLDER / "caseloads.parquet").unlink()
    snapshot = read_snapshot_folder(tiny_root / "snapshots" / FOLDER)
    assert snapshot.valid and snapshot.table("caseloads") is None


def test_missing_column_is_reported(tiny_root):
    folder = tiny_root / "snapshots" / FOLDER
    write_raw(folder, "values", tiny_tables()["values"].drop(columns="denominator"))
    problems = [str(p) for p in read_snapshot_folder(folder).problems]
    assert problems == ["values.parquet: denominator: column is missing"]


def test_wrong_column_type_is_reported(tiny_root):
    folder = tiny_root / "snapshots" / FOLDER
    values = tiny_tables()["values"].assign(value=lambda f: f["value"].astype(str))
    write_raw(folder, "values", values)
    problems = [str(p) for p in read_snapshot_folder(folder).problems]
    assert problems == ["values.parquet: value: should hold numbers but holds text"]


def test_wrong_unit_and_polarity_are_reported(tmp_path):
    def change(tables):
        tables["indicators"].loc[1, "unit"] = "percentage"
        tables["indicators"].loc[2, "polarity"] = "up_is_good"

    problems = problems_after(tmp_path, change)
    assert (
        "indicators.parquet: unit: 'percentage' is not one of count, percent, rate_per_10k, days, number (rows: 2)"
        in problems
    )
    assert any(
        p.startswith("indicators.parquet: polarity: 'up_is_good' is not one of") and p.endswith("(rows: 3)")
        for p in problems
    )


def test_bad_and_repeated_indicator_ids_are_reported(tmp_path):
    def change(tables):
        tables["indicators"].loc[0, "indicator_id"] = "Referrals Received"
        tables["indicators"].loc[2, "indicator_id"] = "timeliness"

    problems = problems_after(tmp_path, change)
    assert "indicators.parquet: indicator_id: must use only lower-case letters, digits and _ (rows: 1)" in problems
    assert "indicators.parquet: indicator_id: appears more than once (rows: 2, 3)" in problems


def test_empty_required_field_is_reported(tmp_path):
    problems = problems_after(tmp_path, lambda t: t["indicators"].__setitem__("definition", [None, "x", "x", "x", "x"]))
    assert problems == ["indicators.parquet: definition: must not be empty (rows: 1)"]


def test_duplicate_value_row_is_reported(tmp_path):
    def change(tables):
        tables["values"] = pd.concat([tables["values"], tables["values"].iloc[[0]]], ignore_index=True)

    problems = problems_after(tmp_path, change)
    assert problems == [
        "values.parquet: indicator_id, period, team: more than one row for the same indicator, month and team (rows: 1, 7)"
    ]


def test_duplicate_whole_service_row_is_reported(tmp_path):
    def change(tables):
        tables["values"] = pd.concat([tables["values"], tables["values"].iloc[[4]]], ignore_index=True)

    assert problems_after(tmp_path, change)[0].endswith("(rows: 5, 7)")


def test_unknown_indicator_is_reported(tmp_path):
    def change(tables):
        tables["values"].loc[0, "indicator_id"] = "made_up"
        tables["targets"].loc[0, "indicator_id"] = "also_made_up"

    problems = problems_after(tmp_path, change)
    assert "values.parquet: indicator_id: unknown indicator made_up (not in indicators.parquet) (rows: 1)" in problems
    assert (
        "targets.parquet: indicator_id: unknown indicator also_made_up (not in indicators.parquet) (rows: 1)"
        in problems
    )


def test_ratio_value_must_match_numerator_over_denominator(tmp_path):
    problems = problems_after(tmp_path, lambda t: t["values"].__setitem__("value", [12, 8, 90, 61, 60, 17.5]))
    assert problems == ["values.parquet: value: does not equal numerator / denominator x scale (rows: 4)"]


def test_ratio_value_within_tolerance_is_accepted(tmp_path):
    assert (
        problems_after(tmp_path, lambda t: t["values"].__setitem__("value", [12, 8, 90, 60.00000001, 60, 17.5])) == []
    )


def test_ratio_with_zero_denominator_is_not_an_error(tmp_path):
    def change(tables):
        tables["values"].loc[3, ["numerator", "denominator", "value"]] = [0.0, 0.0, None]

    assert problems_after(tmp_path, change) == []


def test_negative_denominator_is_reported(tmp_path):
    def change(tables):
        tables["values"].loc[3, ["denominator", "value"]] = [-50.0, None]

    assert problems_after(tmp_path, change) == ["values.parquet: denominator: must not be negative (rows: 4)"]


def test_negative_cases_and_tolerance_are_reported(tmp_path):
    def change(tables):
        tables["caseloads"].loc[1, "cases"] = -3
        tables["targets"].loc[0, "tolerance"] = -1.0

    problems = problems_after(tmp_path, change)
    assert "caseloads.parquet: cases: must not be negative (rows: 2)" in problems
    assert "targets.parquet: tolerance: must not be negative (rows: 1)" in problems


def test_empty_benchmark_value_is_reported(tmp_path):
    problems = problems_after(tmp_path, lambda t: t["benchmarks"].__setitem__("value", [None]))
    assert problems == ["benchmarks.parquet: value: must not be empty (rows: 1)"]


def test_folder_names_that_are_not_dates_are_ignored_with_a_warning(tiny_root):
    (tiny_root / "snapshots" / "2021-13-01").mkdir()
    (tiny_root / "snapshots" / "notes").mkdir()
    folders, warnings = find_snapshot_folders(data_root(tiny_root))
    assert [f.as_at.isoformat() for f in folders] == [FOLDER]
    assert warnings == ["snapshots/2021-13-01: ignored, because 2021-13-01 is not a real date (YYYY-MM-DD)"]


def test_periods_are_normalised_to_the_first_of_the_month(tmp_path):
    def change(tables):
        tables["values"]["period"] = pd.to_datetime("2021-01-17")

    folder_problems = problems_after(tmp_path, change)
    assert folder_problems == []
    snapshot = read_snapshot_folder(tmp_path / "snapshots" / FOLDER)
    assert set(snapshot.values["period"]) == {pd.Timestamp("2021-01-01")}
    assert set(snapshot.table("benchmarks")["period"]) == {pd.Timestamp("2020-03-01")}


def test_validate_command_prints_problems_and_exits_1(tiny_root, capsys, monkeypatch):
    folder = tiny_root / "snapshots" / FOLDER
    tables = tiny_tables()
    tables["values"].loc[1, "indicator_id"] = "nope"
    write_snapshot(tiny_root, FOLDER, tables)
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tiny_root))
    assert validate.main([]) == 1
    out = capsys.readouterr().out
    assert f"{folder}: INVALID" in out
    assert "values.parquet: indicator_id: unknown indicator nope (not in indicators.parquet) (rows: 2)" in out
    assert "0 valid, 1 invalid" in out


def test_validate_command_passes_the_demo(capsys, monkeypatch):
    monkeypatch.delenv("PERFORMANCE_DATA_DIR", raising=False)
    assert validate.main([]) == 0
    assert "5 valid, 0 invalid" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["not-a-date", "2021-02-30"])
def test_validate_command_rejects_a_folder_not_named_as_a_date(tmp_path, capsys, name):
    (tmp_path / name).mkdir()
    assert validate.main([str(tmp_path / name)]) == 1
    assert "the folder name must be the as-at date" in capsys.readouterr().out


def test_repeated_rows_are_found_by_their_keys_alone_missing_equal_to_missing():
    from metrics.snapshot.checking import duplicated_rows

    frame = pd.DataFrame(
        {
            "indicator_id": pd.Categorical(["a", "a", "a", "b", "b", "a"]),
            "period": pd.to_datetime(["2021-01-01", "2021-01-01", "2021-02-01", "2021-01-01", "2021-01-01", None]),
            "team": pd.Categorical(["North", None, None, None, None, None]),
        }
    )
    # rows 3 and 4 share every key (b, January, whole service); row 1 differs from row 0 by its team,
    # and from row 2 by its month; row 5 alone has no month
    assert duplicated_rows(frame, ["indicator_id", "period", "team"]).tolist() == [
        False,
        False,
        False,
        True,
        True,
        False,
    ]
    assert duplicated_rows(frame, ["indicator_id", "team"]).tolist() == [False, True, True, True, True, True]
    # Keys with more combinations than can be counted one by one are sorted instead: the same answer.
    wide = pd.DataFrame({"first": range(1100), "second": range(1100, 0, -1)})  # 1,101 x 1,101 combinations
    wide.loc[1] = wide.loc[0]
    assert duplicated_rows(wide, ["first", "second"]).tolist() == [True, True] + [False] * 1098


def test_reading_a_table_gives_back_the_memory_arrow_kept(monkeypatch):
    """Arrow's allocator keeps what it frees; at regional scale that was 200 MB more at the peak."""
    from metrics.snapshot import reading as snapshots
    from tests.helpers import counted_releases

    released = counted_releases(monkeypatch, snapshots)
    root = data_root(snapshots.REPOSITORY_DATA_DIR)
    tables, problems = snapshots.read_tables(root, find_snapshot_folders(root)[0][0].path, ["values"])
    assert not problems and len(tables["values"])
    assert len(released) == 2  # once pandas has the table, once normalise has replaced columns
