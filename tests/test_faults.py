"""Faults a council's server will meet sooner or later, each with what the app must do."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from metrics.commands import ingest as ingest_command
from metrics.prepare import prepared
from metrics.snapshot.reading import read_snapshot_folder
from tests.apptest_helpers import all_text, exceptions, open_page
from tests.conftest import tiny_tables
from tests.helpers import write_snapshot


def damage_past_the_footer(path) -> None:
    """Overwrite the middle of a Parquet file's data pages, leaving its header, schema and footer whole."""
    data = bytearray(path.read_bytes())
    footer = int.from_bytes(data[-8:-4], "little") + 8
    start, end = 4, len(data) - footer  # the row groups lie between the magic bytes and the footer
    for position in range(start + (end - start) // 4, start + 3 * (end - start) // 4):
        data[position] = 0xFF
    path.write_bytes(bytes(data))


def a_values_file_damaged_inside(folder):
    table = pa.Table.from_pandas(tiny_tables()["values"], preserve_index=False)
    pq.write_table(table, folder / "values.parquet", row_group_size=2, compression="none")
    damage_past_the_footer(folder / "values.parquet")
    pq.read_schema(folder / "values.parquet")  # the schema still reads: only the figures are damaged


def test_a_snapshot_whose_row_groups_are_damaged_is_refused_and_never_half_shown(tmp_path, monkeypatch):
    folder = write_snapshot(tmp_path, "2021-02-10", tiny_tables())
    write_snapshot(tmp_path, "2021-01-10", tiny_tables())
    a_values_file_damaged_inside(folder)
    problems = [str(problem) for problem in read_snapshot_folder(folder).problems]
    assert problems == [problems[0]] and problems[0].startswith("values.parquet: -: cannot be read as Parquet")
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    at = open_page("streamlit_app.py")
    assert exceptions(at) == []
    text = all_text(at)
    assert at.sidebar.selectbox[0].options == ["As at 10 January 2021"]  # the damaged one is never offered
    assert "As at 10 February 2021** failed its checks" in text + " ".join(m.value for m in at.sidebar.markdown)
    data = open_page("pages/data.py")
    assert exceptions(data) == [] and "cannot be read as Parquet" in all_text(data)  # listed with its problem


def test_ingest_refuses_a_damaged_parquet_source_and_writes_nothing(tmp_path, monkeypatch, capsys):
    source = tmp_path / "source"
    source.mkdir()
    for name, frame in tiny_tables().items():
        if name != "values":
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), source / f"{name}.parquet")
    a_values_file_damaged_inside(source)
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path / "data"))
    assert ingest_command.main(["--as-at", "2021-02-10", str(source)]) == 1
    said = capsys.readouterr().err
    assert "values.parquet" in said and "Traceback" not in said
    assert not (tmp_path / "data" / "snapshots" / "2021-02-10").exists()


def test_a_snapshot_removed_while_a_page_is_open_on_it_gives_way_to_the_newest_keeping_the_rest(tmp_path, monkeypatch):
    import shutil

    from metrics.snapshot.reading import REPOSITORY_DATA_DIR
    from ui import loaders

    shutil.copytree(REPOSITORY_DATA_DIR / "snapshots", tmp_path / "snapshots")
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    at = open_page("pages/off_target.py", snapshot="2021-12-13", month="2021-10")
    assert exceptions(at) == [] and at.sidebar.selectbox[0].value == "2021-12-13"
    shutil.rmtree(tmp_path / "snapshots" / "2021-12-13")  # removed by hand on the server
    loaders.snapshot_folders.clear()  # the listing interval has passed: the server lists the snapshots again
    at.run()
    assert exceptions(at) == []
    said = " ".join(info.value for info in at.info)
    assert "The snapshot as at 13 December 2021 is no longer published here (withdrawn or removed)" in said
    assert "shows the newest, as at 10 February 2022. Your other choices are kept." in said
    assert at.sidebar.selectbox[0].value == "2022-02-10"
    assert at.selectbox(key="off_target.month").value == "2021-10"  # the link's month is kept


def cache_that_stops_taking_files(monkeypatch, error: int) -> list[str]:
    """The prepared-snapshot cache takes its first file, then every write fails with `error` (a disk that
    fills up, or a folder made read-only, while a snapshot is being prepared); the files it refused."""
    refused, real_replace = [], os.replace

    def replace(source, target):
        if not refused and not any(path.suffix == ".parquet" for path in Path(target).parent.iterdir()):
            return real_replace(source, target)  # the first file lands
        refused.append(Path(target).name)
        raise OSError(error, os.strerror(error), str(target))

    monkeypatch.setattr(prepared.os, "replace", replace)
    return refused


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS], ids=["full", "read-only"])
def test_a_cache_that_fills_up_or_turns_read_only_while_preparing_is_worked_round_quietly(tmp_path, monkeypatch, error):
    from ui import loaders

    monkeypatch.setenv("PERFORMANCE_CACHE_DIR", "off")
    expected = all_text(open_page("streamlit_app.py", month="2021-11"))  # the demo worked out without a cache
    monkeypatch.setattr(loaders, "_PERFORMANCES", loaders.KeptWithin(lambda: 10**12, lambda performance: 0))
    monkeypatch.setenv("PERFORMANCE_CACHE_DIR", str(tmp_path / "cache"))
    refused = cache_that_stops_taking_files(monkeypatch, error)
    at = open_page("streamlit_app.py", month="2021-11")
    assert refused  # the cache did stop taking files while the snapshot was prepared
    assert exceptions(at) == []
    assert all_text(at) == expected  # the same figures, worked out in memory
    assert not at.error and not at.warning  # nothing said to the public about the server's disk
    at.selectbox(key="scorecard.month").set_value(at.selectbox(key="scorecard.month").options[3]).run()
    assert exceptions(at) == [] and all_text(at) != expected  # another month, still served
