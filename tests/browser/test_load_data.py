"""An officer signs in through a real OpenID Connect provider, uploads the month's workbook, sees the
preview and publishes; a public browser then sees the new month on the scorecard."""

from __future__ import annotations

import shutil
import time

import pytest

from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder
from tests.browser.conftest import AppServer, free_port, register, sidebar, sign_in, sign_in_secrets, wait_for_page
from tests.browser.test_sign_in import ALLOWED_DOMAIN, provider  # noqa: F401
from tests.helpers import write_workbook

LISTING_SECONDS = 3
EARLIER = ("2021-10-12", "2021-11-12", "2021-12-13", "2022-01-12")
OFFICER = f"officer@{ALLOWED_DOMAIN}"


@pytest.fixture(scope="module")
def officers_app(provider, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("officers")
    data = folder / "data"
    for as_at in EARLIER:
        shutil.copytree(REPOSITORY_DATA_DIR / "snapshots" / as_at, data / "snapshots" / as_at)
    port = free_port()
    secrets = sign_in_secrets(
        folder / "secrets.toml", port, provider, {"internal_domains": [ALLOWED_DOMAIN], "officers": [OFFICER]}
    )
    server = AppServer(
        "public",
        extra_args=("--secrets.files", str(secrets)),
        port=port,
        data_dir=data,
        env={"PERFORMANCE_LISTING_SECONDS": str(LISTING_SECONDS)},
    )
    server.data = data
    yield server
    server.stop()


@pytest.fixture
def workbook(tmp_path):
    """The demo's February 2022 snapshot as the workbook an officer would save from Excel."""
    path = tmp_path / "monthly_return.xlsx"
    write_workbook(path, read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10").tables)
    return path


def choose_date(page, label: str, day: str, month: str, year: str) -> None:
    """Type a date into Streamlit's date input, a segment at a time, and close its calendar."""
    for part, value in (("day", day), ("month", month), ("year", year)):
        segment = page.get_by_role("spinbutton", name=f"{part}, {label}")
        segment.click()
        segment.type(value)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")


def scorecard_month(page) -> str:
    return page.get_by_role("heading", name="What the figures say").first.inner_text()


def test_an_officer_uploads_previews_and_publishes_and_the_public_sees_the_month(
    browser,
    officers_app,
    provider,  # noqa: F811 (the fixture imported above)
    workbook,
):
    public = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    public.goto(officers_app.url)
    wait_for_page(public, "Scorecard")
    assert scorecard_month(public) == "What the figures say: Whole service, December 2021"

    register(provider, "officer", {"email": OFFICER, "email_verified": True})
    context = browser.new_context(viewport={"width": 1280, "height": 2400})
    officer = context.new_page()
    sign_in(officer, officers_app, provider, "officer")
    assert "performance officer" in sidebar(officer)
    officer.get_by_role("link", name="Load data").click()
    wait_for_page(officer, "Load data")
    choose_date(officer, "As at: the day the figures were extracted", "10", "02", "2022")
    wait_for_page(officer, "Load data")
    officer.locator("input[type=file]").first.set_input_files(str(workbook))
    officer.get_by_text("The files pass every check of the data contract").wait_for(timeout=60_000)
    wait_for_page(officer, "Load data")
    text = officer.get_by_test_id("stMain").inner_text()
    assert "beside the newest published snapshot (as at 12 January 2022, figures to December 2021)" in text
    assert "Figures revised in earlier months: 114" in text
    assert not (officers_app.data / "snapshots" / "2022-02-10").exists()  # nothing written before Publish

    officer.get_by_text("I have checked the preview").click()
    wait_for_page(officer, "Load data")
    pressed = time.perf_counter()
    officer.get_by_role("button", name="Publish the snapshot as at 10 February 2022").click()
    officer.get_by_text("Published: the snapshot as at 10 February 2022").wait_for(timeout=60_000)
    published = time.perf_counter() - pressed

    deadline = pressed + LISTING_SECONDS + 30
    while True:  # the scorecard's own address (a link with ?month= in it keeps showing that month)
        public.goto(officers_app.url)
        wait_for_page(public, "Scorecard")
        if scorecard_month(public).endswith("January 2022") or time.perf_counter() > deadline:
            break
    on_the_scorecard = time.perf_counter() - pressed
    assert scorecard_month(public) == "What the figures say: Whole service, January 2022"
    print(f"published in {published:.2f} s; on the public scorecard {on_the_scorecard:.2f} s after pressing Publish")
    assert "officer@" not in public.get_by_test_id("stSidebar").inner_text()
    context.close()


def test_a_public_visitor_deep_linking_to_load_data_is_told_it_is_for_officers(browser, officers_app):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{officers_app.url}/load_data")
    wait_for_page(page, "Load data")
    assert page.get_by_text("Only performance officers can load data.").is_visible()
    assert page.locator("input[type=file]").count() == 0
    assert page.get_by_role("link", name="Load data").count() == 0
    context.close()
