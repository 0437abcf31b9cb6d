"""Small Streamlit-side helpers: safe text, styled tables and downloads."""

from __future__ import annotations

import io
import re

import pandas as pd
import streamlit as st

# Markdown would turn these into formatting, links, maths or HTML; data text is never formatting.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")

# Light tints that keep dark text at AA contrast; the word and symbol carry the meaning too.
RAG_BACKGROUND = {
    "✓ Green": "#d4edda",
    "! Amber": "#fff3cd",
    "✗ Red": "#f8d7da",
}
VARIATION_BACKGROUND = {
    "▲ Improvement (special cause)": "#cfe2ff",
    "▼ Concern (special cause)": "#ffe5b4",
}


def plain(text: object) -> str:
    """Text from the data or a link, escaped so markdown shows it literally."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def status_style(value: object) -> str:
    """Cell style for a cell ending in a RAG or SPC label (the colour repeats the word in the cell)."""
    text = str(value)
    colours = {**RAG_BACKGROUND, **VARIATION_BACKGROUND}
    colour = next((colour for label, colour in colours.items() if text.endswith(label)), None)
    return f"background-color: {colour}; color: #1a1a1a" if colour else ""


def styled(frame: pd.DataFrame, status_columns: list[str]):
    """A Styler that tints status columns; everything else stays as text."""
    columns = [column for column in status_columns if column in frame.columns]
    return frame.style.map(status_style, subset=columns)


def excel_bytes(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """The table as an .xlsx workbook."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet_name[:31])
    return buffer.getvalue()


def downloads(frame: pd.DataFrame, file_stem: str, key: str, what: str = "this table") -> None:
    """CSV and Excel download buttons for exactly this table."""
    left, right = st.columns(2, gap="small")
    with left:
        st.download_button(
            f"Download {what} (CSV)", frame.to_csv(index=False).encode("utf-8"),
            file_name=f"{file_stem}.csv", mime="text/csv", key=f"{key}.csv", on_click="ignore",
        )
    with right:
        st.download_button(
            f"Download {what} (Excel)", excel_bytes(frame, file_stem),
            file_name=f"{file_stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}.xlsx", on_click="ignore",
        )
