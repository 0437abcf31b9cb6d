"""Readable on every screen and on paper: no sideways scrolling, the scorecard's columns in view,
cards on a phone, an A4 print of the figures only, and axe accessibility checks once each page has settled."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.browser.conftest import PAGES, require_tool, settle, wait_for_page
from tests.browser.test_in_browser import serious_violations

SCREENS = {"laptop": (1366, 768), "desktop": (1280, 800), "tablet": (768, 1024), "phone": (390, 844)}
AXE_SCREENS = ("laptop", "desktop", "tablet", "phone")  # four widths: 1366, 1280, 768 and 390 pixels
SCORECARD_HEADERS = ["This month", "Status", "Change", "Target", "England", "Trend", "Signal (SPC)", "Notes"]

# What would make a reader scroll the page sideways: the document or Streamlit's main area wider than
# the screen. (A wide grid, such as compare's teams by 38 indicators, scrolls inside its own box.)
SIDEWAYS = """() => {
  const boxes = [document.documentElement, document.querySelector('[data-testid="stMain"]')];
  return boxes.filter(Boolean).filter(b => b.scrollWidth > b.clientWidth + 1)
              .map(b => (b.getAttribute('data-testid') || b.className || b.tagName) + ' ' + b.scrollWidth + '>' + b.clientWidth);
}"""


def open_page(page, server, heading: str) -> None:
    page.goto(f"{server.url}/{PAGES[heading]}")
    wait_for_page(page, heading)


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_no_page_scrolls_sideways_and_each_passes_axe(browser, app, internal_app, audience):
    """Each page opened once on a desktop, then looked at on each screen size in turn (the layout is
    responsive CSS, so resizing the window redraws it as that screen would show it)."""
    server = app if audience == "public" else internal_app
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    found = {}
    for heading in PAGES:
        open_page(page, server, heading)
        for screen in ("desktop", "laptop", "tablet", "phone"):
            width, height = SCREENS[screen]
            page.set_viewport_size({"width": width, "height": height})
            settle(page)
            overflowing = page.evaluate(SIDEWAYS)
            if overflowing:
                found[f"{heading} on a {screen} scrolls sideways"] = overflowing
            if screen in AXE_SCREENS:
                show_everything(page, width)
                violations = serious_violations(page)
                if violations:
                    found[f"{heading} on a {screen}: axe"] = violations
        page.set_viewport_size({"width": 1280, "height": 800})
    context.close()
    assert found == {}


TALLEST = 20_000  # pixels


def show_everything(page, width: int) -> None:
    """Make the window as tall as the page, so nothing is below the fold: axe only judges the colours
    of what is in view, and Streamlit's main area scrolls inside the window."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(TALLEST, height + 100)})
    settle(page)


def header_boxes(page) -> dict[str, list[dict]]:
    """Every scorecard column header's box, by header text."""
    return page.evaluate("""() => {
      const boxes = {};
      for (const th of document.querySelectorAll('.figures thead th')) {
        const r = th.getBoundingClientRect();
        (boxes[th.textContent] ||= []).push({left: r.left, right: r.right, width: r.width});
      }
      return boxes;
    }""")


@pytest.mark.parametrize("screen", ["laptop", "desktop"])
def test_every_scorecard_column_is_in_view_on_a_laptop(browser, app, screen):
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_page(page, app, "Scorecard")
    boxes = header_boxes(page)
    context.close()
    assert len(boxes["Indicator"]) == 9  # one table per area
    for header in SCORECARD_HEADERS:
        assert len(boxes[header]) == 9, header
        for box in boxes[header]:
            assert box["width"] > 20 and 0 <= box["left"] and box["right"] <= width, (header, box)


def test_on_a_phone_each_indicator_is_a_card_with_its_value_and_status(browser, app):
    width, height = SCREENS["phone"]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_page(page, app, "Scorecard")
    cards = page.evaluate("""() => [...document.querySelectorAll('.figures tbody tr')].map(tr => {
      const seen = el => { if (!el) return null; const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth ? el.textContent : null; };
      return {name: seen(tr.querySelector('th[scope=row]')), value: seen(tr.querySelector('.col-value .cell')),
              status: seen(tr.querySelector('.col-status .status')), header: tr.closest('table').querySelector('thead')
              .getBoundingClientRect().height, card: getComputedStyle(tr).display};
    })""")
    context.close()
    assert len(cards) == 38
    for card in cards:
        assert card["name"] and card["value"] and card["status"], card
        assert card["card"] == "block" and card["header"] <= 1, card  # stacked cards, column headers hidden
    assert {card["status"].split(" ")[-1] for card in cards} >= {"Green", "Amber", "Red", "status"}


def test_the_scorecard_prints_on_a4_with_every_column_and_indicator_and_no_sidebar(browser, app, tmp_path):
    require_tool("/usr/bin/pdftotext", "poppler-utils")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_page(page, app, "Scorecard")
    # each indicator's name: the row header's own text, not the reading beneath it
    names = page.evaluate(
        "() => [...document.querySelectorAll('.figures tbody th .cell')].map(cell => cell.firstChild.textContent)"
    )
    page.emulate_media(media="print")
    pdf = tmp_path / "scorecard.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    context.close()
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "pts (A4)" in size and "Page rot:        0" in size  # A4, portrait
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flowing = " ".join(text.split())
    assert len(names) == 38
    for name in names:  # a name wrapped in its cell may have the next cell's figure between its lines
        words = [re.escape(word) for word in name.split()]
        assert re.search(r"\s+(?:\S+\s+){0,3}?".join(words), flowing), name
    for header in ["Indicator", *SCORECARD_HEADERS]:
        assert header in flowing, header
    for navigation in ("Explore an indicator", "Compare teams", "Data and snapshots", "Audience:"):
        assert navigation not in flowing, navigation
