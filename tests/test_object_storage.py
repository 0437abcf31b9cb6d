"""Snapshots in object storage: a local S3-compatible server (moto), started and stopped by the test."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import redirect_stdout

import boto3
import pandas as pd
import pytest

from metrics.commands import ingest as ingest_command
from metrics.commands import scorecard as scorecard_command
from metrics.commands import validate as validate_command
from metrics.publishing.records import read_log, read_publication
from metrics.snapshot import writing
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, data_root, find_snapshot_folders, read_snapshot_folder
from tests.apptest_helpers import PAGES, all_text, exceptions, open_page

BUCKET = "council-performance"
REGION = "eu-west-2"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_moto() -> tuple[subprocess.Popen, str, int]:
    """moto's S3-compatible server on a free 127.0.0.1 port, once it answers: (process, endpoint, port)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return server, endpoint, port


@pytest.fixture(scope="module")
def s3_server():
    server, endpoint, port = start_moto()
    yield endpoint, port
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def bucket(s3_server, monkeypatch, tmp_path):
    endpoint, port = s3_server
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
    name = f"{BUCKET}-{tmp_path.name.lower().replace('_', '-')[-20:]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    uri = f"s3://{name}/example-county?endpoint_override=127.0.0.1:{port}&scheme=http&region={REGION}"
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", uri)
    return client, name, uri


def demo_as_csv(folder, as_at="2022-02-10"):
    snapshot = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / as_at)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in snapshot.tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def keys(client, name) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", []))


def test_ingest_writes_every_file_then_the_success_marker(bucket, tmp_path):
    client, name, _ = bucket
    assert ingest_command.main(["--as-at", "2022-02-10", str(demo_as_csv(tmp_path / "csv"))]) == 0
    written = keys(client, name)
    assert "example-county/snapshots/2022-02-10/_SUCCESS" in written
    assert "example-county/snapshots/2022-02-10/values.parquet" in written
    assert validate_command.main([]) == 0
    assert ingest_command.main(["--as-at", "2022-02-10", str(tmp_path / "csv")]) == 1  # never overwritten


def test_the_scorecard_from_object_storage_matches_the_local_one(bucket, tmp_path, monkeypatch):
    assert ingest_command.main(["--as-at", "2022-02-10", str(demo_as_csv(tmp_path / "csv"))]) == 0

    def run(*args):
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            assert scorecard_command.main(list(args)) == 0
        return pd.read_csv(io.StringIO(buffer.getvalue()), dtype=str)

    remote = run("--period", "2021-11", "--team", "all")
    monkeypatch.delenv("PERFORMANCE_DATA_DIR")
    local = run("--period", "2021-11", "--team", "all", "--snapshot", "2022-02-10")
    pd.testing.assert_frame_equal(remote, local)


def test_a_snapshot_without_its_marker_is_ignored(bucket, tmp_path, monkeypatch):
    client, name, uri = bucket

    def connection_lost(root, target):
        raise OSError("connection lost")

    monkeypatch.setattr(writing, "_write_success_marker", connection_lost)
    assert ingest_command.main(["--as-at", "2022-02-10", str(demo_as_csv(tmp_path / "csv"))]) == 1
    # what was written before the crash is removed again (pyarrow keeps an empty "snapshots/" marker)
    assert [key for key in keys(client, name) if "2022-02-10" in key] == []
    # a folder some other writer left without its marker is not a snapshot yet
    client.put_object(Bucket=name, Key="example-county/snapshots/2022-03-01/values.parquet", Body=b"half")
    folders, warnings = find_snapshot_folders(data_root(uri))
    assert folders == []
    assert warnings == ["snapshots/2022-03-01: ignored until its _SUCCESS marker is written"]


def test_every_page_runs_on_snapshots_in_object_storage(bucket, tmp_path, monkeypatch):
    assert ingest_command.main(["--as-at", "2022-01-12", str(demo_as_csv(tmp_path / "a", "2022-01-12"))]) == 0
    assert ingest_command.main(["--as-at", "2022-02-10", str(demo_as_csv(tmp_path / "b"))]) == 0
    for page in PAGES:
        at = open_page(page)
        assert exceptions(at) == [], page
        sidebar = " ".join(str(e.value) for e in at.sidebar.get("caption"))
        assert "Snapshot as at 10 February 2022" in sidebar


def test_local_paths_still_work_without_any_cloud_settings():
    assert os.path.isdir(data_root(str(REPOSITORY_DATA_DIR)).base)


class Cable:
    """A TCP relay from a port of its own to moto's, that the test can cut and mend: object storage
    unreachable (connections refused) and back, while moto keeps what it holds."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self.listener = None
        self.threads: list[threading.Thread] = []
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.mend()

    def mend(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        thread = threading.Thread(target=self._accept, args=(self.listener,), daemon=True)
        thread.start()
        self.threads.append(thread)

    def cut(self) -> None:
        self.listener.close()  # new connections are refused; pyarrow's kept ones fail on their next use
        with self._lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.close()

    def _accept(self, listener) -> None:
        while True:
            try:
                incoming, _ = listener.accept()
            except OSError:
                return
            outgoing = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._open.update({incoming, outgoing})
            for source, sink in ((incoming, outgoing), (outgoing, incoming)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()
                with self._lock:
                    self._open.discard(end)


def test_while_object_storage_is_unreachable_prepared_pages_keep_serving_and_it_recovers(bucket, tmp_path, monkeypatch):
    _, name, _ = bucket
    assert ingest_command.main(["--as-at", "2022-02-10", str(demo_as_csv(tmp_path / "csv"))]) == 0
    cable = Cable(int(bucket[2].split("endpoint_override=127.0.0.1:")[1].split("&")[0]))
    uri = f"s3://{name}/example-county?endpoint_override=127.0.0.1:{cable.port}&scheme=http&region={REGION}"
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", uri)
    from ui import loaders

    asked_by_pages = []  # listings asked for by a page's own run (not the thread that asks again)
    listing = loaders.find_snapshot_folders

    def counted(root):
        if threading.current_thread().name != "ask-storage":
            asked_by_pages.append(root.uri)
        return listing(root)

    monkeypatch.setattr(loaders, "find_snapshot_folders", counted)
    monkeypatch.setattr(loaders, "LISTING_SECONDS", 0.2)  # how often the store is asked again
    loaders.snapshot_folders.clear()
    before = open_page("streamlit_app.py", month="2021-11")
    assert exceptions(before) == []
    figures = all_text(before)
    assert "Snapshot as at 10 February 2022" in figures

    cable.cut()
    loaders.snapshot_folders.clear()  # the listing is looked at again, as it is every listing interval
    loaders.publications.clear()
    during = open_page("streamlit_app.py", month="2021-11")
    assert exceptions(during) == []
    assert all_text(during) == figures  # the same page, from what was prepared
    asked = len(asked_by_pages)
    for _ in range(3):  # once found unreachable, no page run waits on the store again
        loaders.snapshot_folders.clear()
        loaders.publications.clear()
        data_page = open_page("pages/data.py")
        assert exceptions(data_page) == []
        warning = " ".join(str(element.value) for element in data_page.warning)
        assert "cannot be reached, since" in warning and "UTC" in warning
        assert "Snapshot as at 10 February 2022" in all_text(data_page)
    assert len(asked_by_pages) == asked

    cable.mend()  # the store is asked again on its own, with no page run needed
    deadline = time.monotonic() + 20
    while loaders.storage_unreachable_since(uri) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert loaders.storage_unreachable_since(uri) is None
    loaders.snapshot_folders.clear()
    loaders.publications.clear()
    after = open_page("pages/data.py")
    assert exceptions(after) == []
    assert "cannot be reached" not in all_text(after)


def test_a_snapshot_not_held_in_memory_while_object_storage_is_away_is_said_in_a_sentence(
    bucket, tmp_path, monkeypatch
):
    _, name, uri = bucket
    assert ingest_command.main(["--as-at", "2022-02-10", str(demo_as_csv(tmp_path / "csv"))]) == 0
    cable = Cable(int(uri.split("endpoint_override=127.0.0.1:")[1].split("&")[0]))
    relayed = f"s3://{name}/example-county?endpoint_override=127.0.0.1:{cable.port}&scheme=http&region={REGION}"
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", relayed)
    from ui import loaders

    assert exceptions(open_page("streamlit_app.py")) == []
    cable.cut()
    monkeypatch.setattr(loaders, "_PERFORMANCES", loaders.KeptWithin(lambda: 0, lambda _: 0))  # let go of it
    at = open_page("streamlit_app.py")
    assert exceptions(at) == []
    said = " ".join(str(warning.value) for warning in at.warning)
    assert "The snapshot as at 10 February 2022 cannot be read just now" in said
    assert at.sidebar.selectbox[0].value == "2022-02-10"  # another can be chosen


def test_object_storage_unreachable_when_a_server_starts_is_said_in_a_sentence(bucket, tmp_path, monkeypatch):
    _, name, uri = bucket
    assert ingest_command.main(["--as-at", "2022-02-10", str(demo_as_csv(tmp_path / "csv"))]) == 0
    cable = Cable(int(uri.split("endpoint_override=127.0.0.1:")[1].split("&")[0]))
    cable.cut()  # down before anything was listed from it
    unreached = f"s3://{name}/example-county?endpoint_override=127.0.0.1:{cable.port}&scheme=http&region={REGION}"
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", unreached)
    at = open_page("streamlit_app.py")
    assert exceptions(at) == []
    assert "see Data and snapshots for what went wrong" in all_text(at)
    data_page = open_page("pages/data.py")
    assert exceptions(data_page) == []
    said = " ".join(str(warning.value) for warning in data_page.warning)
    assert "cannot read the data root" in said or "the store cannot be reached" in said  # listing, or a marker


def test_publication_records_tell_a_missing_record_from_a_store_that_does_not_answer(bucket, monkeypatch):
    _, name, uri = bucket
    root = data_root(uri)
    assert read_publication(root, f"{root.snapshots_path}/2022-02-10") is None  # not there: none kept
    assert read_log(root) == []
    refusing = f"s3://{name}/example-county?endpoint_override=127.0.0.1:{free_port()}&scheme=http&region={REGION}"
    with pytest.raises(OSError):  # may be there: the page keeps what it read last (ui/loaders.py)
        read_publication(data_root(refusing), f"{data_root(refusing).snapshots_path}/2022-02-10")
    with pytest.raises(OSError):
        read_log(data_root(refusing))
