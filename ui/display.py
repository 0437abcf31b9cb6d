"""Small Streamlit-side helpers: safe text, styled tables and downloads."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics.outputs.charts import Layout, chart_title, word_placeholder
from metrics.outputs.exports import csv_bytes, excel_bytes
from metrics.outputs.formatting import RAG_LABELS, VARIATION_LABELS, is_missing

# Markdown would turn these into formatting, links, maths or HTML; data text is never formatting.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")

# Status labels keep their word and symbol; the colour only repeats them (theme colours suit light and dark).
# Keyed by status code, so a relabelled status keeps its colour.
RAG_COLOURS = {"green": "green", "amber": "orange", "red": "red", "none": "gray"}
VARIATION_COLOURS = {
    "improvement": "blue",
    "concern": "orange",
    "neutral_high": "violet",
    "neutral_low": "violet",
    "common_cause": "gray",
    "insufficient_data": "gray",
}
STATUS_COLOURS = {
    **{RAG_LABELS[code]: colour for code, colour in RAG_COLOURS.items()},
    **{VARIATION_LABELS[code]: colour for code, colour in VARIATION_COLOURS.items()},
}


# Escapes do not stop everything Streamlit's markdown does: it still turns www. and scheme:// into links,
# an address into a mailto link, and :name: into an emoji, an icon or a colour. An invisible word joiner
# after each colon and at sign, and inside "www.", breaks those patterns.
WORD_JOINER = "\u2060"
WWW = re.compile(r"(?i)\b(www)(\\\.)")


def plain(text: object) -> str:
    """Text from the data or a link, shown literally: never formatting, a link, an emoji or an icon."""
    text = MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    text = text.replace(":", ":" + WORD_JOINER).replace("@", "@" + WORD_JOINER)
    return WWW.sub(r"\1" + WORD_JOINER + r"\2", text)


def status_colour(text: str) -> str:
    """The colour for a cell that ends in a status label (gray when it has none)."""
    return next((colour for label, colour in STATUS_COLOURS.items() if str(text).endswith(label)), "gray")


# Coloured labels cost a list per cell to send; past this many cells a grid shows them as text
# (a 500-team grid took 140 ms per rerun with labels, 45 ms without).
COLOURED_CELLS_UP_TO = 5_000


def with_status_labels(frame: pd.DataFrame, columns: list[str], helps: dict[str, str] | None = None):
    """The table with status columns drawn as coloured labels; returns it with their column_config."""
    labels, config = {}, {}
    for column in columns:
        texts = [_text(value) for value in frame[column].to_numpy(dtype=object)]
        options = sorted(set(texts) - {""})
        labels[column] = [[text] if text else [] for text in texts]
        config[column] = st.column_config.MultiselectColumn(
            column,
            options=options,
            color=[status_colour(option) for option in options] or None,
            disabled=True,
            help=(helps or {}).get(column),
        )
    return frame.assign(**labels), config


def _text(value) -> str:
    """A cell as text, a missing one as ""."""
    return value if type(value) is str else "" if is_missing(value) else str(value)


def safe_name(text: str) -> str:
    """A file or sheet name from any text (team names can hold quotes, slashes, stars)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.") or "table"


def downloads(
    frame: pd.DataFrame | Callable[[], pd.DataFrame], file_stem: str, key: str, what: str = "this table"
) -> None:
    """CSV and Excel download buttons for exactly this table (or a function that makes it).

    Each file is made only when someone asks for it, on a thread of its own, so a page that offers
    downloads never waits for them: making CSV cells safe and writing thousands of rows to Excel take
    from tens of milliseconds to seconds.
    """
    file_stem = safe_name(file_stem)
    table = frame if callable(frame) else (lambda: frame)
    left, right = st.columns(2, gap="small")
    with left:
        st.download_button(
            f"Download {what} (CSV)",
            lambda: csv_bytes(table()),
            file_name=f"{file_stem}.csv",
            mime="text/csv",
            key=f"{key}.csv",
            on_click="ignore",
        )
    with right:
        st.download_button(
            f"Download {what} (Excel)",
            lambda: excel_bytes(table(), file_stem),
            file_name=f"{file_stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}.xlsx",
            on_click="ignore",
        )


def _arrow_bytes(records: list[dict]) -> bytes:
    return _ipc_bytes(pa.Table.from_pylist(records))


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _chart_column(column: pd.Series) -> pa.Array:
    """One column as Altair would send it: a month as a full ISO date and time (which Vega reads as local
    time), a missing or infinite number and a missing text as null."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return pa.array([moment.isoformat() if moment is not pd.NaT else "" for moment in column], pa.string())
    if pd.api.types.is_integer_dtype(column.dtype) and not column.hasnans:
        return pa.array(column.to_numpy(dtype="int64"))
    if pd.api.types.is_float_dtype(column.dtype) or pd.api.types.is_integer_dtype(column.dtype):
        values = column.to_numpy(dtype=float, na_value=np.nan)
        return pa.array(values, mask=~np.isfinite(values))
    if pd.api.types.is_bool_dtype(column.dtype) and not column.hasnans:
        return pa.array(column.to_numpy(dtype=bool))
    return pa.array(column.to_numpy(dtype=object, na_value=None), from_pandas=True)


def _chart_table(frame: pd.DataFrame) -> bytes:
    """A chart's table as Arrow (see _chart_column); column names must be text, as Altair requires."""
    for name in frame.columns:
        if not isinstance(name, str):
            raise ValueError(f"chart column names must be text, not {name!r}")
    return _ipc_bytes(pa.table({name: _chart_column(column) for name, column in frame.items()}))


CHART_PARTS = ("layer", "concat", "hconcat", "vconcat", "spec")


def _name_tables(
    chart: alt.SchemaBase,
    names: dict[int, str],
    datasets: dict[str, bytes],
    replaced: list[tuple[alt.SchemaBase, pd.DataFrame]],
) -> None:
    """Put each table of the chart and its parts into datasets (as Arrow) and point the chart at it by
    name, noting in replaced what was changed so it can be put back."""
    data = chart._kwds.get("data", alt.Undefined)
    if isinstance(data, pd.DataFrame):
        if id(data) not in names:
            names[id(data)] = f"data-{len(names)}"
            datasets[names[id(data)]] = _chart_table(data)
        replaced.append((chart, data))
        chart._kwds["data"] = alt.NamedData(name=names[id(data)])
    for part in CHART_PARTS:
        inner = chart._kwds.get(part, alt.Undefined)
        for sub in inner if isinstance(inner, list) else [inner]:
            if isinstance(sub, alt.SchemaBase):
                _name_tables(sub, names, datasets, replaced)


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec with its tables as Arrow, as Streamlit sends Altair charts.

    Quicker than Altair's own `to_dict()` on a page: the tables go straight from pandas to Arrow
    (Altair turns each into a list of dicts, row by row), and the spec is not checked against
    Vega-Lite's schema on every new view; tests/test_charts.py checks every chart against the schema
    and that this spec is Altair's own.
    """
    names: dict[int, str] = {}
    datasets: dict[str, bytes] = {}
    replaced: list[tuple[alt.SchemaBase, pd.DataFrame]] = []
    try:
        _name_tables(chart, names, datasets, replaced)
        spec = chart.to_dict(validate=False)
    finally:
        for part, data in replaced:
            part._kwds["data"] = data
    spec.get("config", {}).pop("view", None)  # Altair's default 300 x 300 view; the page sets the width
    spec["datasets"] = {**{name: _arrow_bytes(rows) for name, rows in spec.get("datasets", {}).items()}, **datasets}
    return spec


def layout_spec(layout: Layout) -> dict:
    """A Layout's spec, the same as vega_lite_spec(layout.chart()) gives: its layers' spec, worked out
    once per shape, with this view's title and tables (as Arrow)."""
    spec = _filled(
        _layers_spec(layout.draw, layout.shape), {word_placeholder(name): text for name, text in layout.words.items()}
    )
    spec["title"], spec["description"] = chart_title(layout.title), layout.description or layout.title
    spec["datasets"] = {name: _chart_table(table) for name, table in layout.tables.items()}
    return spec


def _filled(spec, words: dict[str, str]):
    """A copy of a spec (JSON: dicts, lists, text, numbers) with each text that is a word's placeholder
    replaced by the word."""
    if isinstance(spec, dict):
        return {key: _filled(value, words) for key, value in spec.items()}
    if isinstance(spec, list):
        return [_filled(value, words) for value in spec]
    return words.get(spec, spec) if isinstance(spec, str) else spec


@functools.lru_cache(maxsize=256)
def _layers_spec(draw: Callable, shape: tuple) -> dict:
    """The spec of a shape's layers, their tables named and their title empty: Altair builds and
    serialises the layers once, not on every view (about 40 of the 76 ms explore's chart took a view)."""
    spec = Layout(draw, shape, {}, "").named().to_dict(validate=False)
    spec.get("config", {}).pop("view", None)
    return spec


@st.cache_data(max_entries=512, show_spinner=False)
def _chart_spec(cache_key: tuple, view: tuple, _build: Callable[[], alt.TopLevelMixin | Layout]) -> dict:
    built = _build()
    return layout_spec(built) if isinstance(built, Layout) else vega_lite_spec(built)


def show_chart(cache_key: tuple, view: tuple, build: Callable[[], alt.TopLevelMixin | Layout], key: str) -> None:
    """Draw a chart built once per snapshot and audience (cache_key) and view (the choices it shows), then
    reused on every rerun (its spec as vega_lite_spec or layout_spec makes it)."""
    st.vega_lite_chart(spec=_chart_spec(tuple(cache_key), tuple(view), build), width="stretch", key=key)
