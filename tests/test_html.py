"""The HTML tables: data text is escaped in every kind of cell, and a trend line draws only numbers."""

from __future__ import annotations

import base64
import re

from ui.html import Cell, Column, sparkline, table_html

HOSTILE = '<img src=x onerror="alert(1)">"&\'<script>alert(2)</script>'
COLUMNS = [
    Column("Indicator <b>", "name"),
    Column("Value", "value"),
    Column("Status", "status"),
    Column("Link", "link", in_card=False),
]


def test_every_kind_of_cell_escapes_data_text():
    rows = [
        [
            Cell(HOSTILE, HOSTILE),
            Cell(HOSTILE),
            Cell("✗ " + HOSTILE, kind="status"),
            Cell(HOSTILE, kind="link", href='/explore?x="><script>alert(3)</script>'),
        ]
    ]
    html = table_html(COLUMNS, rows, HOSTILE)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert 'onerror="' not in html  # the quote that would open the attribute is escaped
    assert html.count("&lt;script&gt;") == 7  # caption, name, its detail, value, status, link text, link address
    assert 'href="/explore?x=&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"' in html


def test_table_structure_labels_each_cell_for_the_narrow_cards():
    html = table_html(
        COLUMNS, [[Cell("Referrals"), Cell("393"), Cell("✓ Green", kind="status", tone="good"), Cell()]], "Front door"
    )
    assert '<th scope="col" class="col-name">Indicator &lt;b&gt;</th>' in html
    assert '<th scope="row" class="col-name" data-label="Indicator &lt;b&gt;">' in html
    assert 'class="col-link wide-only empty" data-label="Link"' in html  # an empty cell is left out of a card
    assert '<span class="status status-good">✓ Green</span>' in html


def drawing(image: str) -> str:
    return base64.b64decode(re.search(r'base64,([^"]+)"', image).group(1)).decode()


def test_sparkline_breaks_the_line_at_a_gap_and_marks_it():
    image = sparkline([1.0, 2.0, None, 4.0, 3.0, None, 5.0], "7 months <x>")
    assert 'alt="7 months &lt;x&gt;"' in image
    svg = drawing(image)
    assert svg.count("<polyline") == 2  # months 1-2 and 4-5; month 7 stands alone
    assert svg.count("<line ") == 2  # a tick under each gap
    assert svg.count("<circle") == 2  # the lone month and the last-point marker
    # the highest value (5) is at the top of the drawing and the lowest (1) at the bottom
    assert 'cx="93.0" cy="3.0" r="2.2"' in svg
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 26"')


def test_sparkline_of_nothing_is_nothing_and_a_flat_line_sits_in_the_middle():
    assert sparkline([None, None], "") == ""
    assert "3.0,13.0 93.0,13.0" in drawing(sparkline([7.0, 7.0], "flat"))


def test_every_page_carries_the_stylesheet_read_once(monkeypatch):
    from pathlib import Path

    from tests.apptest_helpers import open_page
    from ui import html

    reads = []
    real = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: reads.append(self.name) or real(self, *a, **k))
    html.stylesheet_html.cache_clear()  # not read yet
    at = open_page("pages/glossary.py")
    at.run()
    styles = [element.proto.body for element in at.get("html") if element.proto.body.startswith("<style>")]
    assert len(styles) == 1 and html.STYLESHEET.read_text(encoding="utf-8") in styles[0]
    assert reads.count("app.css") == 2  # once for two runs, once by this test
