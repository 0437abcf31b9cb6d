"""Tables drawn as HTML: the one place the app writes HTML, and every piece of data text is escaped here.

The scorecard and the off-target list are read on phones, tablets and paper. A data grid is a canvas:
it scrolls sideways, cannot wrap, and prints as a picture of its first columns. An HTML table wraps
to the width it has, prints as text, and (with static CSS in ui/static/app.css) becomes one card per
row on a narrow screen, each cell labelled with its column's name.
"""

from __future__ import annotations

import base64
import functools
import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

import streamlit as st

STYLESHEET = Path(__file__).resolve().parent / "static" / "app.css"

# The tone (colour class) of a status label, by status code: the symbol and word carry the meaning,
# the colour only repeats it.
RAG_TONES = {"green": "good", "amber": "warn", "red": "bad", "none": "plain"}
VARIATION_TONES = {
    "improvement": "info",
    "concern": "warn",
    "neutral_high": "note",
    "neutral_low": "note",
    "common_cause": "plain",
    "insufficient_data": "plain",
}


@dataclass(frozen=True)
class Cell:
    """One cell: a main line, an optional smaller second line, and how to draw the main line."""

    text: str = ""
    detail: str = ""
    kind: str = "text"  # text, status, trend (text is an image made by sparkline), link
    href: str = ""
    tone: str = "plain"  # a status's colour class: one of RAG_TONES' or VARIATION_TONES' values


@dataclass(frozen=True)
class Column:
    """A column's header, its class (for widths) and whether the narrow card shows it."""

    header: str
    css: str
    in_card: bool = True


@functools.cache
def stylesheet_html() -> str:
    """The stylesheet as st.html takes it, read once per process (given as a path, it is read on every run)."""
    return f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>"


def use_stylesheet() -> None:
    """Load the app's static stylesheet (print, narrow screens, tables) into the page."""
    st.html(stylesheet_html())


def _status(text: str, tone: str) -> str:
    return f'<span class="status status-{escape(tone)}">{escape(text)}</span>'


def _cell_html(cell: Cell) -> str:
    if cell.kind == "trend":
        main = cell.text  # built by sparkline() from numbers only, its label escaped there
    elif cell.kind == "status" and cell.text:
        main = _status(cell.text, cell.tone)
    elif cell.kind == "link" and cell.href:
        main = f'<a href="{escape(cell.href)}" target="_self">{escape(cell.text)}</a>'
    else:
        main = escape(cell.text)
    if cell.detail:
        main += f'<span class="detail">{escape(cell.detail)}</span>'
    return main


def table_html(columns: list[Column], rows: list[list[Cell]], caption: str) -> str:
    """A table with a caption, one header row, and the first cell of each row as its row header."""
    head = "".join(f'<th scope="col" class="col-{column.css}">{escape(column.header)}</th>' for column in columns)
    body = []
    for row in rows:
        cells = []
        for position, (column, cell) in enumerate(zip(columns, row)):
            tag = "th" if position == 0 else "td"
            scope = ' scope="row"' if position == 0 else ""
            hide = "" if column.in_card else " wide-only"
            empty = " empty" if not (cell.text or cell.detail) else ""
            cells.append(
                f'<{tag}{scope} class="col-{column.css}{hide}{empty}" data-label="{escape(column.header)}">'
                f'<span class="cell">{_cell_html(cell)}</span></{tag}>'
            )
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="figures"><table><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def show(table: str) -> None:
    """Draw a table made by table_html (the only HTML the pages draw)."""
    st.html(table)


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 26, 3
LINE, GAP = "#1d70b8", "#505a5f"  # the line, and the tick under a hidden or missing month


def sparkline(values: list[float | None], label: str) -> str:
    """A small line of the values as an image (None is a gap: the line breaks there and a tick marks
    the month), the last point marked. Only numbers reach the drawing; label (the image's alternative
    text) is escaped.
    """
    shown = [(i, v) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    if not shown:
        return ""
    low, high = min(v for _, v in shown), max(v for _, v in shown)
    span = high - low

    def x(i: int) -> float:
        return SPARK_PAD + i * (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)

    def y(v: float) -> float:
        middle = SPARK_HEIGHT / 2
        return middle if span == 0 else SPARK_HEIGHT - SPARK_PAD - (v - low) / span * (SPARK_HEIGHT - 2 * SPARK_PAD)

    segments, current = [], []
    for i, v in enumerate(values):
        if v is None or math.isnan(v):
            if current:
                segments.append(current)
            current = []
        else:
            current.append((x(i), y(v)))
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(f"{px:.1f},{py:.1f}" for px, py in segment)}" />'
        if len(segment) > 1
        else f'<circle cx="{segment[0][0]:.1f}" cy="{segment[0][1]:.1f}" r="1.6" fill="{LINE}" stroke="none" />'
        for segment in segments
    )
    gaps = "".join(
        f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{SPARK_HEIGHT - 4}" y2="{SPARK_HEIGHT}" />'
        for i, v in enumerate(values)
        if v is None or math.isnan(v)
    )
    last_i, last_v = shown[-1]
    drawing = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" '
        f'width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}">'
        f'<g fill="none" stroke="{LINE}" stroke-width="1.5">{lines}</g>'
        f'<g stroke="{GAP}" stroke-width="1.5">{gaps}</g>'
        f'<circle cx="{x(last_i):.1f}" cy="{y(last_v):.1f}" r="2.2" fill="{LINE}" /></svg>'
    )
    # An image, not inline SVG: the page's HTML sanitiser removes inline SVG, and an image prints.
    source = "data:image/svg+xml;base64," + base64.b64encode(drawing.encode()).decode()
    return f'<img class="spark" src="{source}" alt="{escape(label)}" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" />'
