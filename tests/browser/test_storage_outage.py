"""Object storage goes away under a real app server, in a real browser: the pages already prepared keep
serving without waiting on the store, the Data page says since when it cannot be reached, and once the
store answers again the warning goes without a restart. The store is a local moto server behind a relay
the test cuts and mends (tests/test_object_storage.py's Cable), so moto keeps what it holds."""

from __future__ import annotations

import re
import time

import boto3
import pytest

from metrics.commands import ingest as ingest_command
from tests.browser.conftest import AppServer, wait_for_page
from tests.test_object_storage import REGION, Cable, demo_as_csv, start_moto

LISTING_SECONDS = 2
FIRST_SIGHT_SECONDS = 20  # the page that finds the store gone waits for S3's retries (about 6 s here)
PAGE_SECONDS = 5  # every page after that: before the fix, each took 17 s while the store was away
UNREACHABLE = "cannot be reached"


@pytest.fixture
def relayed_bucket(tmp_path, monkeypatch):
    """Two demo snapshots in a moto bucket, and the relay the app reaches it through."""
    server, endpoint, port = start_moto()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=endpoint, region_name=REGION).create_bucket(
        Bucket="outage", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    cable = Cable(port)
    uri = f"s3://outage/example-county?endpoint_override=127.0.0.1:{cable.port}&scheme=http&region={REGION}"
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", uri)
    for as_at, folder in (("2022-01-12", "a"), ("2022-02-10", "b")):
        assert ingest_command.main(["--as-at", as_at, str(demo_as_csv(tmp_path / folder, as_at))]) == 0
    yield uri, cable
    cable.cut()
    server.terminate()
    server.wait(timeout=10)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def open_timed(page, url: str, heading: str) -> float:
    """Seconds from asking for the page until it has finished drawing."""
    started = time.monotonic()
    page.goto(url)
    wait_for_page(page, heading)
    return time.monotonic() - started


def test_pages_keep_serving_while_object_storage_is_away_and_the_data_page_says_since_when(browser, relayed_bucket):
    uri, cable = relayed_bucket
    server = AppServer("internal", data_dir=uri, env={"PERFORMANCE_LISTING_SECONDS": str(LISTING_SECONDS)})
    context = browser.new_context(viewport={"width": 1280, "height": 2400})
    try:
        page = context.new_page()
        open_timed(page, f"{server.url}/data", "Data and snapshots")
        data_before = main_text(page)
        assert UNREACHABLE not in data_before
        open_timed(page, server.url, "Scorecard")
        scorecard_before = main_text(page)

        cable.cut()
        time.sleep(LISTING_SECONDS + 1)  # the listing the pages trust has run out: the next page asks again
        first = open_timed(page, f"{server.url}/data", "Data and snapshots")
        data_during = main_text(page)
        assert first < FIRST_SIGHT_SECONDS, f"the Data page took {first:.1f} s once the store was gone"
        said = re.search(r"cannot be reached, since (\d\d:\d\d) UTC on (\d\d \w+ \d{4})", data_during)
        assert said, data_during[:600]
        assert page.locator('[data-testid="stException"]').count() == 0
        # the snapshots as listed before, and the log of both publications as read before the store went
        assert "The newest valid snapshot is as at 10 February 2022" in data_during
        assert "Every publication and withdrawal (2)" in data_before
        assert "Every publication and withdrawal (2)" in data_during

        for round_ in range(3):  # the listing runs out each time; no page waits for the store
            time.sleep(LISTING_SECONDS + 0.5)
            took = open_timed(page, server.url, "Scorecard")
            assert took < PAGE_SECONDS, f"the scorecard took {took:.1f} s with the store away (round {round_})"
            assert main_text(page) == scorecard_before
            took = open_timed(page, f"{server.url}/data", "Data and snapshots")
            assert took < PAGE_SECONDS, f"the Data page took {took:.1f} s with the store away (round {round_})"
            assert f"since {said.group(1)} UTC" in main_text(page)

        cable.mend()
        deadline = time.monotonic() + 4 * LISTING_SECONDS + 10  # asked again on its own every listing interval
        while time.monotonic() < deadline:
            time.sleep(LISTING_SECONDS)
            open_timed(page, f"{server.url}/data", "Data and snapshots")
            if UNREACHABLE not in main_text(page):
                break
        assert UNREACHABLE not in main_text(page), "the warning stayed after the store answered again"
        assert main_text(page) == data_before
    finally:
        context.close()
        server.stop()
