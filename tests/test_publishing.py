"""Publishing and withdrawing: all or nothing, never over another officer's snapshot, and on the record."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import threading
from datetime import date

import pandas as pd
import pytest

from metrics.core.problems import InputError
from metrics.prepare import prepared
from metrics.publishing import records, staging
from metrics.publishing.loading import TABLES_KIND, Loaded, Source, load
from metrics.publishing.publish import publish_loaded, publish_staged, withdraw
from metrics.publishing.records import Publication, append_to_log, publication_from, read_log, read_publication
from metrics.publishing.uploads import Upload
from metrics.snapshot import writing
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, SnapshotFolder, data_root, find_snapshot_folders
from tests.conftest import tiny_tables
from tests.helpers import write_csv_folder
from tests.test_object_storage import bucket, s3_server  # noqa: F401 (fixtures: a moto server and a bucket)

AS_AT = date(2021, 2, 10)


def loaded_tiny(tmp_path) -> Loaded:
    write_csv_folder(tmp_path / "source", tiny_tables())
    return load(Source(TABLES_KIND, tmp_path / "source"), AS_AT)


def record(by: str) -> Publication:
    return Publication(AS_AT.isoformat(), by, "2026-12-06T09:00:00+00:00", "Load data page", [])


def _publish_in_a_process(root_text, source_text, by, results) -> None:
    from pathlib import Path

    try:
        loaded = load(Source(TABLES_KIND, Path(source_text)), AS_AT)
        results.put(("published", by, publish_loaded(data_root(root_text), loaded, record(by))))
    except InputError as error:
        results.put(("refused", by, str(error)))


def test_two_officers_publishing_one_as_at_at_once_one_succeeds_and_the_other_is_told(tmp_path, monkeypatch):
    """Two processes that have both checked nothing is there, written their files and reached the rename
    together (a barrier holds each until the other is there): the second rename is refused."""
    root = tmp_path / "data"
    root.mkdir()
    write_csv_folder(tmp_path / "source", tiny_tables())
    context = multiprocessing.get_context("fork")  # the children inherit the barrier below
    both_there = context.Barrier(2, timeout=30)
    monkeypatch.setattr(writing, "_before_rename", lambda target: both_there.wait())
    results = context.Queue()
    officers = [
        context.Process(target=_publish_in_a_process, args=(str(root), str(tmp_path / "source"), by, results))
        for by in ("first@example.gov.uk", "second@example.gov.uk")
    ]
    for officer in officers:
        officer.start()
    said = [results.get(timeout=60) for _ in officers]
    for officer in officers:
        officer.join(timeout=30)
    outcomes = sorted(outcome for outcome, _, _ in said)
    assert outcomes == ["published", "refused"]
    refused = next(words for outcome, _, words in said if outcome == "refused")
    assert "a snapshot as at 10 February 2021 (2021-02-10) already exists" in refused
    winner = next(by for outcome, by, _ in said if outcome == "published")
    # Nothing half-written: one complete snapshot, no temporary folder, one line in the log.
    assert [path.name for path in (root / "snapshots").iterdir()] == ["2021-02-10"]
    folder = SnapshotFolder(AS_AT, str(root / "snapshots" / "2021-02-10"))
    assert prepared.check(data_root(root), folder).valid
    assert read_publication(data_root(root), folder.path).by == winner
    assert [entry["by"] for entry in read_log(data_root(root))] == [winner]


def test_without_the_meeting_the_second_officer_is_refused_before_writing(tmp_path):
    root = data_root(tmp_path / "data")
    loaded = loaded_tiny(tmp_path)
    publish_loaded(root, loaded, record("first@example.gov.uk"))
    with pytest.raises(InputError, match="already exists"):
        publish_loaded(root, loaded, record("second@example.gov.uk"))
    assert sorted(p.name for p in (tmp_path / "data" / "snapshots").iterdir()) == ["2021-02-10"]


def test_a_publish_that_fails_midway_leaves_nothing(tmp_path, monkeypatch):
    root = data_root(tmp_path / "data")
    loaded = loaded_tiny(tmp_path)
    calls = []
    real = writing.pq.write_table

    def crash_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(writing.pq, "write_table", crash_on_the_third)
    with pytest.raises(OSError, match="disk full"):
        publish_loaded(root, loaded, record("officer@example.gov.uk"))
    assert [p.name for p in (tmp_path / "data" / "snapshots").iterdir()] == []
    assert read_log(root) == []


def test_in_object_storage_the_first_claim_wins_and_a_tie_leaves_nothing(bucket, tmp_path, monkeypatch):  # noqa: F811
    client, name, uri = bucket
    root = data_root(uri)
    loaded = loaded_tiny(tmp_path)
    # Two writers that both mark the folder before either looks: both see two marks and both stop.
    both_marked = threading.Barrier(2, timeout=30)
    outcomes = []

    def publish(by):
        try:
            publish_loaded(data_root(uri), loaded, record(by))
            outcomes.append("published")
        except InputError:
            outcomes.append("refused")

    original = writing._content

    def content_then_wait(data):
        write = original(data)

        def written_then_meet(filesystem, path):
            write(filesystem, path)
            if writing.CLAIM_PREFIX in path:
                both_marked.wait()

        return written_then_meet

    monkeypatch.setattr(writing, "_content", content_then_wait)
    threads = [threading.Thread(target=publish, args=(by,)) for by in ("a@example.gov.uk", "b@example.gov.uk")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["refused", "refused"]
    listed = client.list_objects_v2(Bucket=name, Prefix="example-county/snapshots/").get("Contents", [])
    assert [item["Key"] for item in listed if not item["Key"].endswith("/")] == []  # no mark, no half-written file
    assert find_snapshot_folders(root) == ([], [])  # and nothing to warn about
    monkeypatch.setattr(writing, "_content", original)
    # Tried again, one after the other: the first is published, the second refused.
    publish("a@example.gov.uk")
    publish("b@example.gov.uk")
    assert outcomes[2:] == ["published", "refused"]
    folders, _ = find_snapshot_folders(root)
    assert [folder.as_at for folder in folders] == [AS_AT]
    keys = {item["Key"].rsplit("/", 1)[1] for item in client.list_objects_v2(Bucket=name)["Contents"]}
    assert not any(key.startswith(writing.CLAIM_PREFIX) for key in keys) and "_SUCCESS" in keys


def test_withdrawing_moves_the_snapshot_under_withdrawn_and_logs_who_and_why(tmp_path):
    root_path = tmp_path / "data"
    for as_at in ("2022-01-12", "2022-02-10"):
        shutil.copytree(REPOSITORY_DATA_DIR / "snapshots" / as_at, root_path / "snapshots" / as_at)
    root = data_root(root_path)
    done = withdraw(root, date(2022, 2, 10), "officer@example.gov.uk", "  the wrong\nmonth ", records.now())
    assert done.why == "the wrong month"
    assert [folder.as_at for folder in find_snapshot_folders(root)[0]] == [date(2022, 1, 12)]
    kept = list((root_path / "withdrawn").iterdir())
    assert len(kept) == 1 and (kept[0] / "values.parquet").is_file()
    assert json.loads((kept[0] / "_WITHDRAWN").read_text())["why"] == "the wrong month"
    assert [(entry["action"], entry["why"]) for entry in read_log(root)] == [("withdraw", "the wrong month")]
    with pytest.raises(InputError, match="is the only valid one"):
        withdraw(root, date(2022, 1, 12), "officer@example.gov.uk", "oops", records.now())
    with pytest.raises(InputError, match="say why"):
        withdraw(root, date(2022, 1, 12), "officer@example.gov.uk", "   ", records.now())
    with pytest.raises(InputError, match="there is no snapshot as at 10 February 2022"):
        withdraw(root, date(2022, 2, 10), "officer@example.gov.uk", "again", records.now())


def test_in_object_storage_a_withdrawal_is_marked_first_so_readers_skip_it_at_once(bucket, tmp_path, monkeypatch):  # noqa: F811
    client, name, uri = bucket
    root = data_root(uri)
    for as_at in (date(2021, 1, 10), date(2021, 1, 20), AS_AT):
        write_csv_folder(tmp_path / "source", tiny_tables())
        loaded = load(Source(TABLES_KIND, tmp_path / "source"), as_at)
        publish_loaded(
            root, loaded, Publication(as_at.isoformat(), "o@example.gov.uk", "2026-12-06T09:00:00+00:00", "x")
        )

    real_copy = writing.pafs.copy_files

    def copy_cut_off(*args, **kwargs):
        raise OSError("connection lost")

    monkeypatch.setattr(writing.pafs, "copy_files", copy_cut_off)
    with pytest.raises(OSError, match="connection lost"):
        withdraw(root, AS_AT, "o@example.gov.uk", "wrong month", records.now())
    # Cut off after the marker: the snapshot is already out of every listing, and nothing is lost.
    assert [folder.as_at for folder in find_snapshot_folders(root)[0]] == [date(2021, 1, 20), date(2021, 1, 10)]
    keys = {item["Key"] for item in client.list_objects_v2(Bucket=name)["Contents"]}
    assert f"example-county/snapshots/{AS_AT.isoformat()}/values.parquet" in keys
    monkeypatch.setattr(writing.pafs, "copy_files", real_copy)
    done = withdraw(data_root(uri), AS_AT, "o@example.gov.uk", "wrong month", records.now())  # finished now
    keys = {item["Key"] for item in client.list_objects_v2(Bucket=name)["Contents"]}
    assert not any(key.startswith(f"example-county/snapshots/{AS_AT.isoformat()}/") for key in keys)
    kept = done.kept_at.rsplit("/", 1)[1]
    assert f"example-county/withdrawn/{kept}/values.parquet" in keys
    assert f"example-county/withdrawn/{kept}/_WITHDRAWN" in keys


def _append_many(root_text, by, count) -> None:
    for number in range(count):
        append_to_log(data_root(root_text), {"action": "publish", "as_at": "2021-02-10", "by": by, "n": number})


def test_the_log_is_appended_whole_lines_by_two_processes_at_once(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_append_many, args=(str(root), by, 200)) for by in ("a", "b")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    entries = read_log(data_root(root))
    assert len(entries) == 400
    assert sorted(entry["n"] for entry in entries if entry["by"] == "a") == list(range(200))


def test_a_damaged_record_or_log_line_is_passed_over_not_trusted(tmp_path):
    root = data_root(tmp_path)
    (tmp_path / "publications.jsonl").write_text(
        '{"action": "publish", "as_at": "2021-02-10", "by": "a"}\nnot json\n[1, 2]\n{"action": "delete"}\n'
    )
    assert [entry["by"] for entry in read_log(root)] == ["a"]
    assert publication_from(b'{"as_at": "2021-02-10", "by": "a", "at": "yesterday", "how": "x"}') is None
    assert publication_from(b"\xff") is None
    good = Publication("2021-02-10", "a", "2026-12-06T09:00:00+00:00", "x", [records.FileRecord("v.csv", "0" * 64, 3)])
    assert publication_from(good.to_json()) == good


def test_an_upload_published_keeps_what_was_prepared_for_its_preview(tmp_path):
    root = data_root(tmp_path / "data")
    uploads = [Upload(f"{name}.csv", frame.to_csv(index=False).encode()) for name, frame in tiny_tables().items()]
    staged = staging.stage(uploads, TABLES_KIND, AS_AT, base=tmp_path / "staging")
    assert prepared.is_prepared(staged.root, staged.snapshot, "public")
    publish_staged(root, staged.snapshot_path, record("officer@example.gov.uk"))
    target = SnapshotFolder(AS_AT, root.snapshot_path(AS_AT))
    assert not prepared.is_prepared(root, target, "public")
    assert prepared.adopt(staged.root, staged.snapshot, root, target)
    for audience in ("public", "internal"):
        assert prepared.is_prepared(root, target, audience)
        adopted = prepared.performance(root, target, audience).table
        worked_out = prepared.performance(staged.root, staged.snapshot, audience).table
        pd.testing.assert_frame_equal(adopted, worked_out)
    entry = prepared.cache_folder() / prepared.entry_key(staged.root, staged.snapshot)
    assert entry.is_dir()
    staging.discard(staged)
    assert not staged.folder.exists() and not entry.exists()


def test_a_staged_upload_with_problems_leaves_nothing_on_disk(tmp_path):
    tables = tiny_tables()
    tables["values"] = tables["values"].astype({"period": object})
    tables["values"].loc[0, "period"] = "not a month"
    uploads = [Upload(f"{name}.csv", frame.to_csv(index=False).encode()) for name, frame in tables.items()]
    with pytest.raises(InputError) as refused:
        staging.stage(uploads, TABLES_KIND, AS_AT, base=tmp_path / "staging")
    assert any(problem.file == "values.csv" and problem.column == "period" for problem in refused.value.problems)
    assert list((tmp_path / "staging").iterdir()) == []


def test_an_upload_checked_in_a_process_of_its_own_finds_what_this_process_would(tmp_path):
    tables = tiny_tables()
    uploads = [Upload(f"{name}.csv", frame.to_csv(index=False).encode()) for name, frame in tables.items()]
    apart = staging.stage_apart(uploads, TABLES_KIND, AS_AT, base=tmp_path / "apart")
    here = staging.stage(uploads, TABLES_KIND, AS_AT, base=tmp_path / "here")
    assert (apart.rows, apart.notes, apart.files) == (here.rows, here.notes, here.files)
    for audience in ("public", "internal"):
        kept, worked_out = staging.kept_preview(apart.folder, audience), staging.kept_preview(here.folder, audience)
        pd.testing.assert_frame_equal(kept.changes, worked_out.changes)
        assert (kept.hidden, kept.figures, kept.before) == (worked_out.hidden, worked_out.figures, worked_out.before)
    broken = [upload for upload in uploads if upload.name != "indicators.csv"]
    with pytest.raises(InputError) as refused:
        staging.stage_apart(broken, TABLES_KIND, AS_AT, base=tmp_path / "apart")
    assert [problem.file for problem in refused.value.problems] == ["indicators.parquet"]
    assert [path.name for path in (tmp_path / "apart").iterdir()] == [apart.folder.name]  # nothing kept of it
