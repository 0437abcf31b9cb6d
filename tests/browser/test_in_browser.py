"""The app in a real browser: every page, a shared link and a download (test_layout.py: screens, paper, axe)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from tests.browser.conftest import PAGES, REPOSITORY, SCREENSHOTS, settle, wait_for_page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def open_in_browser(page, server, path: str, heading: str) -> None:
    page.goto(f"{server.url}/{path}")
    wait_for_page(page, heading)


@pytest.mark.parametrize("heading", list(PAGES))
def test_every_page_loads_in_the_frame_without_an_error(page, app, heading):
    open_in_browser(page, app, PAGES[heading], heading)
    assert page.get_by_test_id("stException").count() == 0
    sidebar = page.get_by_test_id("stSidebar").inner_text()
    assert "up to January 2022 (snapshot as at 10 February 2022)" in sidebar and "Audience: public" in sidebar
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{PAGES[heading] or 'scorecard'}.png", full_page=True)


def choose(page, label: str, option: str) -> None:
    """Pick an option in a Streamlit select box or multiselect by typing it, as a keyboard user would."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')"
    )
    settle(page)


def chart_title(page) -> str:
    return page.locator("[data-testid='stVegaLiteChart']").first.get_attribute("aria-label") or ""


def test_explore_choice_changes_the_chart_and_the_link_reproduces_it(page, app):
    open_in_browser(page, app, "explore", "Explore an indicator")
    before = chart_title(page)
    choose(page, "Indicator (type to search)", "Children in Care: Children in care")
    choose(page, "Teams", "Children in Care")
    choose(page, "Teams", "Children with Disabilities")
    after = chart_title(page)
    assert after != before
    assert "Children in care (number) — Whole service, Children in Care, Children with Disabilities" in after
    query = parse_qs(urlparse(page.url).query)
    assert query["indicator"] == ["children_in_care"]
    assert query["teams"] == ["Whole service", "Children in Care", "Children with Disabilities"]
    link = page.url
    fresh = page.context.new_page()
    fresh.goto(link)
    wait_for_page(fresh, "Explore an indicator")
    fresh.locator("[data-testid='stVegaLiteChart'][aria-label]").first.wait_for()
    assert chart_title(fresh) == after
    fresh.close()


def test_scorecard_download_matches_the_scorecard_command(page, app):
    page.goto(f"{app.url}/?month=2021-11")
    wait_for_page(page, "Scorecard")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the scorecard (CSV)").click()
    downloaded = pd.read_csv(download.value.path(), dtype=str, keep_default_na=False)
    command = subprocess.run(
        [sys.executable, "-m", "metrics.scorecard", "--period", "2021-11"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
        env={
            "PATH": "",
            "PERFORMANCE_AUDIENCE": "public",
            "PERFORMANCE_CACHE_DIR": os.environ["PERFORMANCE_CACHE_DIR"],
        },
    )
    expected = pd.read_csv(io.StringIO(command.stdout), dtype=str, keep_default_na=False)
    assert list(downloaded["indicator_id"]) == list(expected["indicator_id"])
    assert list(downloaded["value"]) == list(expected["value"])
    assert downloaded.loc[downloaded["indicator_id"] == "children_in_care", "value"].item() == "345.0"
    with page.expect_download() as workbook:  # the workbook is made when asked for
        page.get_by_role("button", name="Download the scorecard (Excel)").click()
    assert workbook.value.suggested_filename.endswith(".xlsx")
    excel = pd.read_excel(workbook.value.path(), dtype=str).fillna("")
    assert list(excel["indicator_id"]) == list(expected["indicator_id"])
    assert excel.loc[excel["indicator_id"] == "children_in_care", "value"].item() == "345"


def _axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    if not page.evaluate("() => typeof window.axe !== 'undefined'"):  # once per page load, not per check
        page.evaluate(Axe().axe_script)
    response = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(f"{node['target']} {node['html'][:200]}" for node in violation["nodes"][:3])
        for violation in response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def serious_violations(page) -> list[str]:
    """Serious or critical axe violations that are still there once the page has settled.

    A check that lands while Streamlit redraws can see a region mid-change (a sidebar with its links
    being replaced); such a finding is looked at again a moment later, and only one that stays counts.
    """
    found = _axe_violations(page)
    if not found:
        return []
    wait_for_page(page, page.get_by_role("heading", level=1).first.inner_text())
    again = _axe_violations(page)
    return [violation for violation in again if violation.split(" at ")[0] in {v.split(" at ")[0] for v in found}]


def test_the_committee_report_downloads_from_the_scorecard_and_opens(page, app):
    from docx import Document

    page.goto(f"{app.url}/?month=2021-11")
    wait_for_page(page, "Scorecard")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download the committee report (Word)").click()
    assert download.value.suggested_filename == "committee_report_2021-11_whole_service.docx"
    document = Document(download.value.path())
    assert document.paragraphs[0].text == "Children's services performance: Whole service, November 2021"
    assert (
        document.core_properties.language == "en-GB" and len(document.tables) == 9 + 5
    )  # the areas, and the plan's priorities
