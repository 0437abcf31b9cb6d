"""Two app servers behind Debian's nginx (deploy/nginx.conf), reading one S3 bucket (a local moto server),
in a real browser: pages load through nginx, a session stays on its server, a reload after its server
stops is served by the other with the same view, and a new snapshot appears on both within
PERFORMANCE_LISTING_SECONDS."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import boto3
import pytest

from deploy.nginx import local_config
from metrics.commands import ingest as ingest_command
from tests.browser.conftest import AppServer, free_port, require_tool, wait_for_page
from tests.test_object_storage import REGION, demo_as_csv, start_moto

LISTING_SECONDS = 3
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture
def bucket_uri(tmp_path, monkeypatch):
    server, endpoint, port = start_moto()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=endpoint, region_name=REGION).create_bucket(
        Bucket="replicas", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    uri = f"s3://replicas/example-county?endpoint_override=127.0.0.1:{port}&scheme=http&region={REGION}"
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", uri)
    monkeypatch.setenv("PERFORMANCE_LISTING_SECONDS", str(LISTING_SECONDS))
    yield uri
    server.terminate()
    server.wait(timeout=10)


class Nginx:
    """nginx with the shipped config, on a free port of 127.0.0.1, in front of the given app ports."""

    def __init__(self, upstreams: list[int], folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "performance-access.log"
        conf = folder / "nginx.conf"
        conf.write_text(local_config(self.port, upstreams, folder), encoding="utf-8")
        self.process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("nginx did not start: " + self.process.stderr.read().decode(errors="replace")[-500:])

    def lines(self) -> int:
        return len(self.log.read_text(encoding="utf-8").splitlines())

    def upstreams_for(self, key: str, since: int = 0) -> set[str]:
        """The app servers that answered a browser's requests (by its sticky key), from nginx's log
        (from line `since` on)."""
        found = set()
        for line in self.log.read_text(encoding="utf-8").splitlines()[since:]:
            match = re.search(r"upstream=(\S+) key=(\S+)", line)
            if match and match.group(2) == key and match.group(1) != "-":
                found.add(match.group(1).split(",")[-1].strip())
        return found

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def sticky_key(context) -> str:
    return next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "performance_replica")


def indicator_shown(page) -> str:
    return page.get_by_role("combobox", name="Indicator (type to search)").input_value()


def sidebar_text(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def test_two_replicas_behind_nginx(browser, bucket_uri, tmp_path, monkeypatch):
    require_tool(NGINX, "nginx")
    assert ingest_command.main(["--as-at", "2022-01-12", str(demo_as_csv(tmp_path / "a", "2022-01-12"))]) == 0
    replicas = []
    for number in (1, 2):  # each keeps prepared snapshots on its own disk, as on two machines
        monkeypatch.setenv("PERFORMANCE_CACHE_DIR", str(tmp_path / f"cache-{number}"))
        replicas.append(AppServer(data_dir=bucket_uri))
    by_address = {f"127.0.0.1:{replica.port}": replica for replica in replicas}
    nginx = Nginx([replica.port for replica in replicas], tmp_path)
    link = "explore?indicator=cla_rate_per_10k&teams=Children+in+Care"
    try:
        # Browsers until one is on each app server (the first request's random key picks the server).
        people = {}
        for _ in range(12):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{nginx.url}/{link}")
            wait_for_page(page, "Explore an indicator")
            served = nginx.upstreams_for(sticky_key(context))
            assert len(served) == 1, served  # the page, its scripts and its WebSocket: one server
            address = served.pop()
            if address in people:
                context.close()
                continue
            people[address] = (context, page)
            if len(people) == 2:
                break
        assert set(people) == set(by_address)
        for _context, page in people.values():
            assert "as at 12 January 2022" in sidebar_text(page)
            assert "Children in care per 10,000 children" in indicator_shown(page)

        # A new snapshot in the bucket appears on both servers within the listing interval.
        assert ingest_command.main(["--as-at", "2022-02-10", str(demo_as_csv(tmp_path / "b"))]) == 0
        time.sleep(LISTING_SECONDS + 1)
        for address, (context, page) in people.items():
            page.goto(f"{nginx.url}/{link}")
            wait_for_page(page, "Explore an indicator")
            assert "as at 10 February 2022" in sidebar_text(page), address
            assert nginx.upstreams_for(sticky_key(context)) == {address}  # still on its own server

        # One server stops: its people's next reload is served by the other, with the same view from the link.
        stopped = next(iter(people))
        by_address[stopped].stop()
        context, page = people[stopped]
        before = nginx.lines()
        page.goto(f"{nginx.url}/{link}")
        wait_for_page(page, "Explore an indicator")
        other = next(address for address in people if address != stopped)
        assert nginx.upstreams_for(sticky_key(context), since=before) == {other}
        assert page.url.startswith(f"{nginx.url}/{link}")
        assert "Children in care per 10,000 children" in indicator_shown(page)
        assert "Children in Care" in page.locator("[data-testid='stMultiSelect']").first.inner_text()
        assert "as at 10 February 2022" in sidebar_text(page)
        for context, _ in people.values():
            context.close()
    finally:
        nginx.stop()
        for replica in replicas:
            replica.stop()
