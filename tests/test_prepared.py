"""Prepared snapshots: checks and rated tables worked out once, read back later, never stale."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import types

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from metrics.commands.ingest import main as ingest_main
from metrics.commands.prepare import main as prepare_main
from metrics.commands.scorecard import main as scorecard_main
from metrics.core.problems import InputError
from metrics.outputs.scorecard import build_scorecard
from metrics.outputs.series import indicator_series
from metrics.prepare import prepared
from metrics.rating import performance as performance_module
from metrics.rating.aggregation import in_series_order
from metrics.rating.performance import build_performance
from metrics.rating.revisions import revisions
from metrics.snapshot.reading import SnapshotFolder, data_root, find_snapshot_folders, read_snapshot, validate_tables
from tests.conftest import tiny_tables, tiny_values
from tests.helpers import write_raw, write_snapshot


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(prepared.CACHE_VARIABLE, str(folder))
    return folder


def only_folder(root_path) -> tuple:
    root = data_root(root_path)
    folders, _ = find_snapshot_folders(root)
    return root, folders[0]


def refuse(*_args, **_kwargs):
    raise AssertionError("worked out again instead of read from the cache")


def test_checks_are_read_back_without_reading_the_snapshot(tiny_root, cache, monkeypatch):
    root, folder = only_folder(tiny_root)
    first = prepared.check(root, folder)
    assert first.valid and first.latest_month == pd.Timestamp("2021-01-01")
    assert (first.indicator_count, first.team_count) == (5, 2)
    monkeypatch.setattr(prepared, "read_snapshot", refuse)
    assert prepared.check(root, folder) == first


def test_failed_checks_are_kept_with_every_problem(tmp_path, cache, monkeypatch):
    tables = tiny_tables()
    tables["values"] = pd.concat([tiny_values(), tiny_values().iloc[[0]]], ignore_index=True)
    write_snapshot(tmp_path, "2021-02-10", tables)
    root, folder = only_folder(tmp_path)
    first = prepared.check(root, folder)
    assert [str(problem) for problem in first.problems] == [
        "values.parquet: indicator_id, period, team: more than one row for the same indicator, month and team "
        "(rows: 1, 7)"
    ]
    monkeypatch.setattr(prepared, "read_snapshot", refuse)
    assert prepared.check(root, folder) == first
    with pytest.raises(InputError, match="more than one row"):
        prepared.performance(root, folder, "public")


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_rated_table_read_back_equals_the_one_worked_out(tiny_root, cache, monkeypatch, audience):
    root, folder = only_folder(tiny_root)
    built = build_performance(read_snapshot(root, folder), audience)
    first = prepared.performance(root, folder, audience)
    monkeypatch.setattr(prepared, "rate_snapshot", refuse)
    again = prepared.performance(root, folder, audience)
    for performance in (first, again):
        pd.testing.assert_frame_equal(performance.whole_service, built.whole_service)
        assert (performance.months, performance.teams) == (built.months, built.teams)
        pd.testing.assert_frame_equal(performance.table, built.table)
        pd.testing.assert_frame_equal(performance.indicators, built.indicators)
        pd.testing.assert_frame_equal(performance.commentary, built.commentary)
        pd.testing.assert_frame_equal(performance.caseloads, built.caseloads)
    assert (cache / prepared.entry_key(root, folder) / f"rated-{audience}.parquet").is_file()


def test_a_replaced_file_is_never_served_an_old_answer(tiny_root, cache):
    root, folder = only_folder(tiny_root)
    old_key = prepared.entry_key(root, folder)
    prepared.performance(root, folder, "internal")
    values = tiny_values()
    values.loc[0, "value"] = 40.0  # Team A referrals: 12 becomes 40
    write_snapshot(tiny_root, "2021-02-10", {"values": values})
    assert prepared.entry_key(root, folder) != old_key
    table = prepared.performance(root, folder, "internal").table
    referrals = table[(table["indicator_id"] == "referrals") & (table["team"] == "Team A")]
    assert referrals["value"].tolist() == [40.0]


def test_a_new_release_prepares_afresh(tiny_root, cache, monkeypatch):
    root, folder = only_folder(tiny_root)
    key = prepared.entry_key(root, folder)
    monkeypatch.setattr(prepared, "code_version", lambda: "another release")
    assert prepared.entry_key(root, folder) != key


def test_a_damaged_cache_file_is_worked_out_again(tiny_root, cache):
    root, folder = only_folder(tiny_root)
    expected = prepared.performance(root, folder, "public").table
    rated = cache / prepared.entry_key(root, folder) / "rated-public.parquet"
    rated.write_bytes(rated.read_bytes()[:100])
    (cache / prepared.entry_key(root, folder) / prepared.CHECK_FILE).write_text("{not json")
    assert prepared.check(root, folder).valid
    pd.testing.assert_frame_equal(prepared.performance(root, folder, "public").table, expected)
    assert pd.read_parquet(rated).shape == expected.shape  # written again, whole


def test_cache_off_or_unwritable_still_gives_the_figures(tiny_root, tmp_path, monkeypatch):
    root, folder = only_folder(tiny_root)
    monkeypatch.setenv(prepared.CACHE_VARIABLE, "off")
    assert prepared.cache_folder() is None
    off = prepared.performance(root, folder, "public").table
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(prepared.CACHE_VARIABLE, str(blocker))
    pd.testing.assert_frame_equal(prepared.performance(root, folder, "public").table, off)
    assert blocker.read_text() == "not a folder"


def test_least_recently_used_snapshots_leave_the_cache_first(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(prepared, "ENTRIES_KEPT", 2)
    for as_at in ("2021-02-10", "2021-03-10", "2021-04-10"):
        write_snapshot(tmp_path, as_at, tiny_tables())
    root = data_root(tmp_path)
    folders = sorted(find_snapshot_folders(root)[0], key=lambda folder: folder.as_at)
    cache.mkdir()
    (cache / "not-ours").mkdir()
    for number, folder in enumerate(folders):
        prepared.check(root, folder)
        entry = cache / prepared.entry_key(root, folder)
        os.utime(entry, (1_000_000 + number, 1_000_000 + number))
    prepared.check(root, folders[0])  # used again: now the most recent
    prepared.performance(root, folders[0], "public")  # a write prunes
    kept = {path.name for path in cache.iterdir()}
    assert kept == {"not-ours", prepared.entry_key(root, folders[0]), prepared.entry_key(root, folders[2])}


def test_scorecard_command_reads_the_prepared_snapshot(tiny_root, cache, monkeypatch, capsys):
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tiny_root))
    assert scorecard_main(["--period", "2021-01", "--team", "all"]) == 0
    first = capsys.readouterr().out
    monkeypatch.setattr(prepared, "rate_snapshot", refuse)
    monkeypatch.setattr(performance_module, "rate_snapshot", refuse)
    assert scorecard_main(["--period", "2021-01", "--team", "all"]) == 0
    assert capsys.readouterr().out == first
    assert "timeliness,Assessments in time,Assessment,percent,,2021-01,65.0,80.0,5.0,red" in first


def test_schema_problem_found_on_read_is_reported(tmp_path, cache):
    folder = tmp_path / "snapshots" / "2021-02-10"
    write_snapshot(tmp_path, "2021-02-10", tiny_tables())
    write_raw(folder, "values", tiny_values().drop(columns=["value"]))
    root = data_root(tmp_path)
    checked = prepared.check(root, SnapshotFolder(find_snapshot_folders(root)[0][0].as_at, folder.as_posix()))
    assert [str(problem) for problem in checked.problems] == ["values.parquet: value: column is missing"]


def test_prepare_command_prepares_valid_snapshots_and_names_failed_ones(tiny_root, cache, monkeypatch, capsys):
    broken = tiny_tables()
    broken["values"] = pd.concat([tiny_values(), tiny_values().iloc[[0]]], ignore_index=True)
    write_snapshot(tiny_root, "2021-03-10", broken)
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tiny_root))
    assert prepare_main([]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2021-03-10: fails its checks (1 problem(s)")
    assert lines[1].startswith("2021-02-10: prepared for public and internal in ")
    assert lines[2] == f"1 prepared, 1 failed their checks, in {cache}"
    root = data_root(tiny_root)
    valid = next(folder for folder in find_snapshot_folders(root)[0] if folder.as_at.isoformat() == "2021-02-10")
    entry = cache / prepared.entry_key(root, valid)
    assert {path.name for path in entry.iterdir()} == {
        "check.json",
        "series.parquet",
        "rated-public.parquet",
        "rated-internal.parquet",
        "whole-public.parquet",
        "whole-internal.parquet",
        "caseloads-public.parquet",
        "caseloads-internal.parquet",
    }


def test_prepare_command_run_as_a_program_says_everything_and_exits_with_its_status(tiny_root, cache, tmp_path):
    """Run as `python -m`, the command ends without tearing down the interpreter: its lines must still all
    reach a pipe, and its exit status be the one main returned."""
    environment = {**os.environ, "PERFORMANCE_DATA_DIR": str(tiny_root), prepared.CACHE_VARIABLE: str(cache)}
    environment.pop("PYTHONUNBUFFERED", None)  # its output buffered, as a pipe's is by default
    done = subprocess.run(
        [sys.executable, "-m", "metrics.commands.prepare"], capture_output=True, text=True, env=environment, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"1 prepared, 0 failed their checks, in {cache}"
    missing = subprocess.run(
        [sys.executable, "-m", "metrics.commands.prepare", "--snapshot", "1999-01-01"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert missing.returncode == 1 and "there is no snapshot as at 1999-01-01" in missing.stderr


def test_a_snapshot_that_fails_its_checks_is_reported_whatever_resolving_it_raised(tmp_path, cache, monkeypatch):
    broken = tiny_tables()
    broken["values"] = pd.concat([tiny_values(), tiny_values().iloc[[0]]], ignore_index=True)  # a row twice
    write_snapshot(tmp_path, "2021-03-10", broken)
    root, folder = only_folder(tmp_path)

    def unresolvable(_snapshot):
        raise ValueError("cannot reindex on an axis with duplicate labels")

    monkeypatch.setattr(prepared, "Sources", unresolvable)
    checked = prepared.prepare(root, folder, ["public"])  # checked beside the resolving, which failed
    assert not checked.valid
    assert "more than one row" in str(checked.problems[0])
    assert not prepared.is_prepared(root, folder, "public")
    with pytest.raises(InputError):  # a visitor is told what the checks found, not what resolving raised
        prepared.performance(root, folder, "public")


def test_resolving_a_snapshot_that_passes_its_checks_raises_what_went_wrong(tiny_root, cache, monkeypatch):
    root, folder = only_folder(tiny_root)

    def unresolvable(_snapshot):
        raise ValueError("a fault in resolving")

    monkeypatch.setattr(prepared, "Sources", unresolvable)
    with pytest.raises(ValueError, match="a fault in resolving"):  # not hidden behind checks that passed
        prepared.prepare(root, folder, ["public"])


def test_prepare_reads_a_snapshot_once_for_both_audiences_and_not_again(tiny_root, cache, monkeypatch):
    root, folder = only_folder(tiny_root)
    reads, checks = [], []

    def counted(*args, **kwargs):
        reads.append(kwargs.get("check", True))
        return read_snapshot(*args, **kwargs)

    def counted_check(tables):
        checks.append(sorted(tables))
        return validate_tables(tables)

    monkeypatch.setattr(prepared, "read_snapshot", counted)
    monkeypatch.setattr(prepared, "validate_tables", counted_check)
    checked = prepared.prepare(root, folder, ["public", "internal"])
    assert checked.valid and checked.team_count == 2
    # Read once, its contents checked once (beside the resolving), then rated for each audience.
    assert reads == [False] and len(checks) == 1 and "values" in checks[0]
    assert prepared.prepare(root, folder, ["public", "internal"]) == checked
    assert reads == [False] and len(checks) == 1  # both kept: nothing read or checked again
    monkeypatch.setattr(prepared, "rate_snapshot", refuse)
    for audience in ("public", "internal"):
        pd.testing.assert_frame_equal(
            prepared.performance(root, folder, audience).table,
            build_performance(read_snapshot(root, folder), audience).table,
        )


def test_prepare_reads_no_further_than_the_checks_of_a_failed_snapshot(tmp_path, cache, monkeypatch):
    broken = tiny_tables()
    broken["values"] = pd.concat([tiny_values(), tiny_values().iloc[[0]]], ignore_index=True)
    write_snapshot(tmp_path, "2021-03-10", broken)
    root, folder = only_folder(tmp_path)
    assert not prepared.prepare(root, folder, ["public"]).valid
    monkeypatch.setattr(prepared, "read_snapshot", refuse)
    assert len(prepared.prepare(root, folder, ["public"]).problems) == 1
    assert sorted(path.name for path in (cache / prepared.entry_key(root, folder)).iterdir()) == ["check.json"]


@pytest.fixture
def read_in_slices(monkeypatch):
    """Slices read alone however small the snapshot, as at regional scale."""
    monkeypatch.setattr(performance_module, "READ_WHOLE_UP_TO_ROWS", 0)


def test_whole_service_views_never_load_every_team(tiny_root, cache, monkeypatch, read_in_slices):
    root, folder = only_folder(tiny_root)
    prepared.performance(root, folder, "public")
    loads = []
    original = prepared._rated_table
    monkeypatch.setattr(prepared, "_rated_table", lambda *args: loads.append(args) or original(*args))
    performance = prepared.performance(root, folder, "public")
    month = pd.Timestamp("2021-01-01")
    whole = build_scorecard(performance, month, [""])
    assert whole.loc[whole["indicator_id"] == "timeliness", "value"].tolist() == [65.0]
    assert performance.series("timeliness", "")["value"].tolist() == [65.0]
    assert loads == []
    teams = build_scorecard(performance, month, ["Team A"])
    assert teams.loc[teams["indicator_id"] == "timeliness", "value"].tolist() == [90.0]
    assert loads == []  # a month's rows for every team are read alone
    assert performance.series("timeliness", "Team B")["value"].tolist() == [60.0]
    assert loads == []  # and so are one indicator's
    assert len(performance.table) == len(build_performance(read_snapshot(root, folder), "public").table)
    assert len(loads) == 1  # the whole table is read only when asked for, once


def test_every_team_is_worked_out_again_if_the_cache_lost_them(tiny_root, cache):
    root, folder = only_folder(tiny_root)
    expected = prepared.performance(root, folder, "internal").table
    performance = prepared.performance(root, folder, "internal")
    (cache / prepared.entry_key(root, folder) / "rated-internal.parquet").unlink()
    pd.testing.assert_frame_equal(performance.table, expected)


def test_default_cache_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(prepared.CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert prepared.cache_folder() == tmp_path / "childrens-services-performance"


@pytest.fixture
def three_months(tmp_path):
    """The tiny snapshot's figures for January, February and March 2021."""
    months = []
    for number, month in enumerate(["2021-01-01", "2021-02-01", "2021-03-01"]):
        values = tiny_values().assign(period=pd.Timestamp(month))
        values.loc[values["indicator_id"] == "referrals", "value"] += number  # 12, 13, 14 and 8, 9, 10
        months.append(values)
    tables = tiny_tables()
    tables["values"] = pd.concat(months, ignore_index=True)
    write_snapshot(tmp_path, "2021-04-10", tables)
    return tmp_path


def built_and_read_back(root_path, monkeypatch) -> tuple:
    """The internal performance built from the snapshot, and read back from the cache, which may not
    load the whole table."""
    root, folder = only_folder(root_path)
    built = build_performance(read_snapshot(root, folder), "internal")
    prepared.performance(root, folder, "internal")
    monkeypatch.setattr(prepared, "_rated_table", refuse)
    return built, prepared.performance(root, folder, "internal")


def test_a_month_for_every_team_is_read_without_the_whole_table(three_months, cache, monkeypatch, read_in_slices):
    built, performance = built_and_read_back(three_months, monkeypatch)
    month = pd.Timestamp("2021-02-01")
    for teams in (["", "Team A", "Team B"], ["Team B"]):
        pd.testing.assert_frame_equal(build_scorecard(performance, month, teams), build_scorecard(built, month, teams))
    february = performance.rows_between(month, month)
    assert set(february["period"]) == {month} and len(february) == len(built.table[built.table["period"] == month])
    referrals = february[(february["indicator_id"] == "referrals") & (february["team"] == "Team A")]
    assert referrals["value"].tolist() == [13.0]
    assert "table" not in performance.__dict__  # every team's rows were never loaded


def test_a_small_snapshot_is_read_whole_once_instead_of_slice_by_slice(three_months, cache, monkeypatch):
    root, folder = only_folder(three_months)
    built = build_performance(read_snapshot(root, folder), "internal")
    prepared.performance(root, folder, "internal")
    slices = []
    original = prepared._rated_rows
    monkeypatch.setattr(prepared, "_rated_rows", lambda *args: slices.append(args) or original(*args))
    performance = prepared.performance(root, folder, "internal")
    for month in ("2021-01-01", "2021-02-01", "2021-03-01"):
        month = pd.Timestamp(month)
        pd.testing.assert_frame_equal(
            build_scorecard(performance, month, ["Team A", "Team B"]),
            build_scorecard(built, month, ["Team A", "Team B"]),
        )
    pd.testing.assert_frame_equal(performance.series("referrals", "Team A"), built.series("referrals", "Team A"))
    assert slices == []
    assert "table" in performance.__dict__  # read once, then every view filters it


def test_rated_table_is_kept_month_by_month_with_the_row_groups_of_each_indicator_in_its_footer(
    three_months, cache, monkeypatch
):
    monkeypatch.setattr(performance_module, "INDICATORS_AT_ONCE", 1)  # an indicator at a time
    monkeypatch.setattr(prepared, "MONTH_GROUP_ROWS", 4)  # and row groups of a few months
    root, folder = only_folder(three_months)
    prepared.performance(root, folder, "internal")  # no linked indicators rated together, as in public
    path = cache / prepared.entry_key(root, folder) / "rated-internal.parquet"
    file = prepared.pq.ParquetFile(path)
    ids = [
        file.read_row_group(group, columns=["indicator_id"]).column(0).to_pylist()
        for group in range(file.num_row_groups)
    ]
    held = {}
    for group, names in enumerate(ids):
        for name in set(names):
            held.setdefault(name, []).append(group)
    index = json.loads(file.metadata.metadata[b"row groups by indicator_id"])
    assert index == held and len(held) == 4 and file.num_row_groups > 4  # each indicator's groups, exactly
    rows = pd.read_parquet(path)
    assert (rows["indicator_id"] != rows["indicator_id"].shift()).sum() == 4  # an indicator at a time
    assert (
        rows.groupby("indicator_id", observed=True)["period"].apply(lambda months: months.is_monotonic_increasing).all()
    )


def test_one_indicator_for_every_team_is_read_without_the_whole_table(three_months, cache, monkeypatch, read_in_slices):
    built, performance = built_and_read_back(three_months, monkeypatch)
    start, end = pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01")
    for teams in (["Team A", "Team B"], ["", "Team B"]):
        pd.testing.assert_frame_equal(
            indicator_series(performance, "referrals", teams, start, end),
            indicator_series(built, "referrals", teams, start, end),
        )
    assert indicator_series(performance, "referrals", ["Team A"], start, end)["value"].tolist() == [12.0, 13.0, 14.0]


def test_ingest_prepares_the_new_snapshot_so_no_visitor_waits(tmp_path, cache, monkeypatch, capsys):
    source = tmp_path / "monthly"
    source.mkdir()
    for name, frame in tiny_tables().items():
        frame.to_csv(source / f"{name}.csv", index=False)
    root_path = tmp_path / "root"
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(root_path))
    reads, read = [], prepared.read_snapshot
    monkeypatch.setattr(
        prepared, "read_snapshot", lambda *args, **kwargs: reads.append(kwargs) or read(*args, **kwargs)
    )
    assert ingest_main(["--as-at", "2021-02-10", str(source)]) == 0
    assert "prepared it for the app in " in capsys.readouterr().out
    assert reads == [{"check": False}]  # read back once, checked beside resolving, rated for both in one pass
    root, folder = only_folder(root_path)
    assert prepared.checked_before(root, folder).valid
    monkeypatch.setattr(prepared, "read_snapshot", refuse)
    monkeypatch.setattr(prepared, "rate_snapshot", refuse)
    for audience in ("public", "internal"):
        assert prepared.performance(root, folder, audience).whole_service["value"].notna().any()
    assert ingest_main(["--as-at", "2021-03-10", "--no-prepare", str(source)]) == 0
    assert "prepared it" not in capsys.readouterr().out


def test_the_cache_is_readable_by_this_account_only(tiny_root, cache):
    root, folder = only_folder(tiny_root)
    cache.mkdir(mode=0o755)  # made by an older release, open to all
    prepared.performance(root, folder, "internal")
    entry = cache / prepared.entry_key(root, folder)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700 and stat.S_IMODE(entry.stat().st_mode) == 0o700
    files = list(entry.iterdir())
    assert len(files) >= 5 and all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)


def _package(root, files: dict[str, str]):
    package = root / "rules_package"
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    return package


def test_the_code_version_covers_what_prepared_imports_however_it_is_imported(tmp_path):
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "prepare/__init__.py": "",
            "prepare/prepared.py": "import os\nfrom rules_package import rules\n\ndef later():\n"
            "    from rules_package.annex_a.measures import WINDOW\n",
            "rules.py": "import rules_package.links as links\nfrom rules_package.words import Missing\nTARGET = 1\n",
            "links.py": "",
            "words.py": "",
            "charts.py": "from rules_package import rules\n",
            "annex_a/__init__.py": "",
            "annex_a/measures.py": "WINDOW = 12\n",
        },
    )
    found = prepared.preparing_sources(package)
    assert {path.relative_to(package).as_posix() for path in found} == {
        "__init__.py",
        "prepare/__init__.py",
        "prepare/prepared.py",
        "rules.py",
        "links.py",
        "words.py",
        "annex_a/__init__.py",
        "annex_a/measures.py",
    }  # not charts.py, which nothing prepared imports


def test_a_release_that_changes_a_rule_prepares_afresh_and_one_that_changes_a_chart_does_not(tmp_path, monkeypatch):
    package = _package(
        tmp_path,
        {
            "prepare/prepared.py": "from rules_package.annex_a import measures\n",
            "annex_a/__init__.py": "",
            "annex_a/measures.py": "WINDOW = 12\n",
            "charts.py": "HEIGHT = 440\n",
        },
    )
    monkeypatch.setattr(prepared, "PACKAGE", package)
    version = prepared.code_version.__wrapped__  # worked out afresh, not the process's remembered one
    before = version()
    (package / "charts.py").write_text("HEIGHT = 480\n")  # a chart changed: snapshots stay prepared
    assert version() == before
    (package / "annex_a" / "measures.py").write_text("WINDOW = 13\n")  # a rule changed in a sub-package
    changed = version()
    (package / "annex_a" / "measures.py").rename(package / "measures.py")  # the same file moved up
    (package / "prepare" / "prepared.py").write_text("from rules_package import measures\n")
    assert len({before, changed, version()}) == 3


def test_every_rule_that_shapes_a_prepared_file_is_in_the_code_version():
    names = {path.relative_to(prepared.PACKAGE).as_posix() for path in prepared.preparing_sources(prepared.PACKAGE)}
    assert {
        "prepare/prepared.py",
        "rating/performance.py",
        "disclosure/suppression.py",
        "rating/spc.py",
        "rating/status.py",
        "rating/aggregation.py",
        "snapshot/reading.py",
        "snapshot/checking.py",
        "disclosure/links.py",
        "snapshot/contract.py",
        "snapshot/__init__.py",
    } <= names
    assert not names & {
        "outputs/charts.py",
        "outputs/narrative.py",
        "outputs/report.py",
        "outputs/scorecard.py",
        "comparators/benchmarking.py",
        "snapshot/sources.py",
        "snapshot/writing.py",
    }


def test_a_span_of_months_is_read_alone_in_month_order_a_few_indicators_at_a_time(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(performance_module, "INDICATORS_AT_ONCE", 2)  # the demo's 38 indicators in many parts
    monkeypatch.setattr(prepared, "MONTH_GROUP_ROWS", 40)  # and many row groups of whole months
    from metrics.snapshot.reading import REPOSITORY_DATA_DIR

    root = data_root(REPOSITORY_DATA_DIR)
    folder = find_snapshot_folders(root)[0][0]
    built = build_performance(read_snapshot(root, folder), "public").table
    performance = prepared.performance(root, folder, "public")
    first, last = pd.Timestamp("2021-03-01"), pd.Timestamp("2021-05-01")
    span = (("period", ">=", first), ("period", "<=", last))
    rows = prepared._rated_rows(root, folder, "public", span)
    expected = built[(built["period"] >= first) & (built["period"] <= last)]
    expected = expected.sort_values("period", kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(rows, expected)
    # The whole table: the same rows, a few indicators at a time month by month.
    pd.testing.assert_frame_equal(in_series_order(performance.table), in_series_order(built))
    entry = cache / prepared.entry_key(root, folder)
    months = prepared.pq.ParquetFile(entry / "rated-public.parquet").metadata
    assert months.num_row_groups > 20  # cut into whole months, so a span of months skips the rest
    period = months.schema.names.index("period")  # skipped by the months each row group's statistics give
    assert all(months.row_group(group).column(period).is_stats_set for group in range(months.num_row_groups))
    assert not [path.name for path in entry.iterdir() if path.name.endswith(".tmp")]
    read = []
    original = prepared.pq.ParquetFile.read_row_groups
    monkeypatch.setattr(
        prepared.pq.ParquetFile,
        "read_row_groups",
        lambda self, groups, **options: read.append(list(groups)) or original(self, groups, **options),
    )
    one = prepared._rated_rows(root, folder, "public", (("indicator_id", "=", "supervision_in_time"),))
    expected = built[built["indicator_id"] == "supervision_in_time"]
    names = {"indicator_id": str, "team": str}
    pd.testing.assert_frame_equal(in_series_order(one.astype(names)), in_series_order(expected.astype(names)))
    file = prepared.pq.ParquetFile(entry / "rated-public.parquet")
    holding = [
        group
        for group in range(file.num_row_groups)
        if "supervision_in_time" in file.read_row_group(group, columns=["indicator_id"]).column(0).to_pylist()
    ]
    assert read == [holding] and len(holding) < months.num_row_groups / 4  # its own row groups, not the rest


def test_the_footer_names_each_indicators_row_groups_whatever_sizes_the_parts_come_in(tmp_path):
    """A part of no rows is written as one empty row group, and a part of more rows than a group holds
    as several: the index counts both as Parquet writes them."""
    entry = types.SimpleNamespace(path=tmp_path)
    rows = pa.table({"indicator_id": ["a", "a", "b", "b", "b", "c"], "value": [1.0, 2, 3, 4, 5, 6]})
    streamed = prepared._Streamed(entry, "rated-public.parquet")
    for first, last, indicators in ((0, 0, []), (0, 2, ["a"]), (2, 5, ["b"]), (5, 5, []), (5, 6, ["c"])):
        streamed.write(rows.slice(first, last - first), 2, indicators)
    streamed.finish()
    file = prepared.pq.ParquetFile(tmp_path / "rated-public.parquet")
    held = {}
    for group in range(file.num_row_groups):
        for name in set(file.read_row_group(group, columns=["indicator_id"]).column(0).to_pylist()):
            held.setdefault(name, []).append(group)
    assert file.num_row_groups == 6  # empty, a, b b, b, empty, c
    assert (
        json.loads(file.metadata.metadata[b"row groups by indicator_id"]) == held == {"a": [1], "b": [2, 3], "c": [5]}
    )


def test_a_cache_that_fails_part_way_leaves_no_half_file_and_still_gives_the_figures(tiny_root, cache, monkeypatch):
    root, folder = only_folder(tiny_root)
    built = build_performance(read_snapshot(root, folder), "public")
    writes = []

    def fail_second(self, table, row_group_size, indicators):
        writes.append(self.final.name)
        if len(writes) == 2:
            raise OSError("disk full")
        original(self, table, row_group_size, indicators)

    original = prepared._Streamed.write
    monkeypatch.setattr(prepared._Streamed, "write", fail_second)
    monkeypatch.setattr(performance_module, "INDICATORS_AT_ONCE", 1)  # a write an indicator: half a file written
    performance = prepared.performance(root, folder, "public")
    pd.testing.assert_frame_equal(performance.table, built.table)
    pd.testing.assert_frame_equal(performance.whole_service, built.whole_service)
    entry = cache / prepared.entry_key(root, folder)
    assert sorted(path.name for path in entry.iterdir()) == ["check.json"]  # no rated file, whole or half


def test_revisions_read_only_the_columns_they_compare(three_months, cache, monkeypatch, read_in_slices):
    """Comparing two snapshots at regional scale loaded both whole tables (4.8 million rows and all their
    columns each); only the five columns compared are read now."""
    newer = read_snapshot(*only_folder(three_months)).tables
    newer["values"].loc[newer["values"]["indicator_id"] == "referrals", "value"] += 5
    write_snapshot(three_months, "2021-05-10", newer)
    root = data_root(three_months)
    folders = find_snapshot_folders(root)[0]  # newest first
    built = [build_performance(read_snapshot(root, folder), "internal") for folder in reversed(folders)]
    for folder in folders:
        prepared.performance(root, folder, "internal")
    monkeypatch.setattr(prepared, "_rated_table", refuse)
    read_back = [prepared.performance(root, folder, "internal") for folder in reversed(folders)]
    changed = revisions(*read_back)
    pd.testing.assert_frame_equal(changed, revisions(*built))
    # referrals, three months: each team 5 more, and the whole service (their sum) 10 more
    assert len(changed) == 9 and dict(zip(changed["team"], changed["difference"])) == {
        "": 10.0,
        "Team A": 5.0,
        "Team B": 5.0,
    }
    assert all("table" not in performance.__dict__ for performance in read_back)


def test_columns_are_worked_out_again_if_the_cache_lost_them(three_months, cache, read_in_slices):
    root, folder = only_folder(three_months)
    expected = prepared.performance(root, folder, "internal").table[["team", "value"]]
    performance = prepared.performance(root, folder, "internal")
    (cache / prepared.entry_key(root, folder) / "rated-internal.parquet").unlink()
    pd.testing.assert_frame_equal(performance.columns(("team", "value")), expected)


def test_a_part_is_put_month_by_month_keeping_each_months_rows_in_rated_order(monkeypatch):
    """One order for every audience (their parts differ only in figures), by a one-pass sort of month numbers:
    rows of the same month keep the order they were rated in, and row groups end on a month's last row."""
    monkeypatch.setattr(prepared, "MONTH_GROUP_ROWS", 3)
    periods = pd.to_datetime(
        ["2021-03-01", "2021-01-01", "2021-02-01", "2021-01-01", "2021-03-01", "2021-02-01", "2021-01-01"]
    )
    order, cuts = prepared._by_month(periods)
    assert order.tolist() == [1, 3, 6, 2, 5, 0, 4]  # January's three rows, then February's, then March's
    assert cuts == [0, 3, 7]  # January alone fills a group; February and March share the last
    assert prepared._by_month(pd.to_datetime([]))[1] == [0, 0]
    many = pd.to_datetime(np.random.default_rng(5).choice(periods.unique(), 500))  # where a quicksort is not stable
    assert prepared._by_month(many)[0].tolist() == sorted(range(500), key=lambda row: many[row])
    widest = pd.to_datetime(["2262-04-01", "1677-10-01"])  # as far apart as months in nanoseconds can be
    assert prepared._by_month(widest)[0].tolist() == [1, 0]


def test_a_part_in_arrow_is_what_pandas_own_conversion_makes_put_in_order():
    """Built a column at a time from numpy (quicker, and mostly without Python's lock), a part must be the very
    table pandas' conversion gives: nulls where figures are missing, names and words as dictionaries of the
    categories with int32 indices, a name held as text turned into categories, and pandas' metadata."""
    rated = pd.DataFrame(
        {
            "indicator_id": pd.Series(["b", "a", "b"], dtype="str"),  # text, as a caseload team figure's may be
            "period": pd.to_datetime(["2021-02-01", "2021-01-01", "2021-01-01"]),
            "team": pd.Categorical(["T1", "", None], categories=["T1", "T2", ""]),  # an unused category, a missing one
            "value": [1.5, np.nan, 3.0],
            "suppressed": [False, True, False],
            "months_at_status": np.array([0, 2, 1], dtype="int64"),
            "rag": pd.Categorical.from_codes([0, 2, 1], categories=["green", "amber", "red", "none"]),
        }
    )
    order = np.array([2, 0, 1])
    table = prepared._arrow_part(rated, order)
    named = rated.astype({"indicator_id": "category"})
    expected = pa.Table.from_pandas(named, preserve_index=False)
    expected = expected.cast(
        pa.schema(
            [
                pa.field(field.name, pa.dictionary(pa.int32(), field.type.value_type))
                if pa.types.is_dictionary(field.type)
                else field
                for field in expected.schema
            ],
            metadata=expected.schema.metadata,
        )
    ).take(order)
    assert table.equals(expected, check_metadata=True)
    assert table.column("value").null_count == 1 and table.column("team").null_count == 1


def test_a_parts_series_are_its_name_pairs_in_order_of_first_appearance():
    rated = pd.DataFrame(
        {
            "indicator_id": pd.Series(["b", "a", "b", "a", None, "b"], dtype="str"),
            "team": pd.Categorical(["x", None, "x", None, "y", ""], categories=["", "x", "y", "z"]),
        }
    )
    expected = rated.drop_duplicates().astype("object").reset_index(drop=True)
    pd.testing.assert_frame_equal(prepared._series_of(rated), expected)
    assert len(prepared._series_of(rated.iloc[:0])) == 0
    assert sorted(map(str, prepared._present(rated["team"]))) == ["", "nan", "x", "y"]  # "z" is not there


def test_parts_whose_categories_come_in_another_order_keep_their_own_words():
    """pandas counts two unordered categories equal whatever their order, so what is worked out once per
    column types must tell the orders apart, or a part's codes would be read against another's words."""
    order = np.array([0, 1])
    for categories in (["T1", "T2"], ["T2", "T1"]):  # as two snapshots' files might list the same teams
        rated = pd.DataFrame(
            {
                "indicator_id": pd.Categorical(["a", "a"]),
                "team": pd.Categorical(["T1", "T2"], categories=categories),
                "value": [1.0, 2.0],
            }
        )
        table = prepared._arrow_part(rated, order)
        assert table.column("team").to_pylist() == ["T1", "T2"]
