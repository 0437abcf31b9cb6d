"""Altair chart builders: plain functions returning alt.Chart, drawn by the pages and, as pictures, in the
committee report; testable without a browser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import altair as alt
import altair.utils.schemapi
import numpy as np
import pandas as pd

from metrics.comparators.benchmarking import ENGLAND, LOWER_QUARTILE, NEIGHBOURS, PUBLISHED, UPPER_QUARTILE
from metrics.outputs.formatting import RAG_LABELS, VARIATION_LABELS, format_values, in_words, is_missing, unit_title

# Charts carry whole series (and, at scale, many workers); the page decides what to send.
alt.data_transformers.disable_max_rows()
# Altair checks every part of a chart against Vega-Lite's schema as the part is made ("debug mode", for
# better error messages): a third of the time to build a chart, on every new view. tests/test_charts.py
# checks each kind of chart's whole spec against the schema instead.
altair.utils.schemapi.disable_debug_mode()

# Mid-tones that read on both light and dark backgrounds.
TARGET_COLOUR = "#8a8a8a"
AMBER_BAND = "#f0ad4e"
RAG_COLOURS = {
    RAG_LABELS[code]: colour
    for code, colour in {"green": "#2e7d32", "amber": "#b26a00", "red": "#c62828", "none": "#757575"}.items()
}
VARIATION_COLOURS = {
    VARIATION_LABELS["improvement"]: "#1565c0",
    VARIATION_LABELS["concern"]: "#e65100",
    VARIATION_LABELS["neutral_high"]: "#6a1b9a",
    VARIATION_LABELS["neutral_low"]: "#6a1b9a",
    VARIATION_LABELS["common_cause"]: "#9e9e9e",
    VARIATION_LABELS["insufficient_data"]: "#9e9e9e",
}
VARIATION_SHAPES = {
    VARIATION_LABELS["improvement"]: "triangle-up",
    VARIATION_LABELS["concern"]: "triangle-down",
    VARIATION_LABELS["neutral_high"]: "diamond",
    VARIATION_LABELS["neutral_low"]: "diamond",
    VARIATION_LABELS["common_cause"]: "circle",
    VARIATION_LABELS["insufficient_data"]: "circle",
}
CHART_HEIGHT = 440  # pixels, legend and axis labels included (the page fits the chart to its box)
LEGEND_LABEL_LIMIT = 320
AXIS_TITLE_LIMIT = 220  # pixels: an upright axis title longer than the plot squeezes it
BARS_AT_EACH_END = 20  # a team chart with more teams shows this many highest and lowest
TEAM_LABEL_LIMIT = 300  # pixels: long team names such as "Safeguarding and Family Support East" in full
# On a phone (the chart's box narrower than NARROW_BELOW pixels) team names are cut to fewer pixels, and
# the bars leave more room on the right, so that each bar's value and status label fits on the screen.
NARROW_BELOW = 600
NARROW = f"containerSize()[0] < {NARROW_BELOW}"
NARROW_TEAM_LABEL_LIMIT = 120
# There, a long team name keeps its start and its end, which tell "... East" from "... West".
NARROW_TEAM_LABEL = (
    f"{NARROW} && length(datum.label) > 20 ? slice(datum.label, 0, 9) + '…' + slice(datum.label, -9) : datum.label"
)
NARROW_ROOM = 1.6  # times the room left on a wider screen
MONTH_AXIS = alt.Axis(format="%b %Y", title="Month", labelAngle=-30, labelOverlap=True)
# A bar's label drawn a second time underneath, in a thick white outline: where the label crosses a line (a
# target, a comparator, a threshold: a bar just short of it, or a narrow screen), the line stops at the words
# instead of running through them. Not read out: the label itself is.
HALO = {"stroke": "white", "strokeWidth": 5, "strokeJoin": "round", "aria": False}
TITLE_BREAK = " — "  # a chart title's heading and what the view shows, each given a line of its own


def _team_axis() -> alt.Axis:
    """Teams down the side: in full, or on a phone cut in the middle (NARROW_TEAM_LABEL)."""
    return alt.Axis(
        labelLimit=alt.ExprRef(f"{NARROW} ? {NARROW_TEAM_LABEL_LIMIT} : {TEAM_LABEL_LIMIT}"),
        labelExpr=NARROW_TEAM_LABEL,
    )


def _value_axis() -> alt.Axis:
    """Figures along the bottom, their title kept within a phone's screen."""
    return alt.Axis(titleLimit=alt.ExprRef(f"{NARROW} ? containerSize()[0] - 60 : 1000"))


def chart_title(title: str) -> str | dict:
    """A title as the chart draws it: "heading — view" as the heading with the view on a line below
    (Vega's subtitle), so that neither runs off a phone's screen; the whole of it is the chart's
    description, read out in full."""
    heading, _, view = title.partition(TITLE_BREAK)
    return {"text": heading, "subtitle": view} if view else title


def _value_text(frame: pd.DataFrame, unit: str, column: str = "value") -> list[str]:
    return format_values(frame[column], unit, frame["suppressed"] if "suppressed" in frame else None)


def _y(unit: str) -> alt.Y:
    """The value axis, titled by its unit: the chart title names the indicator, and a long upright
    axis title would squeeze the plot to nothing when the page fits the chart to its width."""
    return alt.Y(
        "value:Q",
        title=unit_title(unit).capitalize(),
        scale=alt.Scale(zero=False),
        axis=alt.Axis(titleLimit=AXIS_TITLE_LIMIT),
    )


def _target_layers(targets, polarity: str) -> list[alt.Chart]:
    """The target as a step line, with the amber band shaded on the worse side (band_edge)."""
    base = alt.Chart(targets)
    layers = [
        base.mark_line(interpolate="step-after", strokeDash=[6, 4], color=TARGET_COLOUR, strokeWidth=2).encode(
            x=alt.X("period:T", axis=MONTH_AXIS),
            y=alt.Y("target:Q"),
            tooltip=[
                alt.Tooltip("period:T", title="Month", format="%B %Y"),
                alt.Tooltip("target_text:N", title="Target"),
            ],
        )
    ]
    if polarity != "neutral":
        layers.insert(
            0,
            base.mark_area(interpolate="step-after", color=AMBER_BAND, opacity=0.25).encode(
                x=alt.X("period:T"),
                y=alt.Y("target:Q"),
                y2=alt.Y2("band_edge:Q"),
            ),
        )
    return layers


@dataclass(frozen=True)
class Layout:
    """A layered chart as its shape, its tables and its title.

    Each table holds only the columns its layers draw (tests/test_charts.py holds them to it): what the
    browser is sent is what the chart shows, and each view's tables are turned into Arrow quicker.
    draw(shape, table, title, word) makes the chart, taking each table by name from table(name) and each
    piece of text that changes with the view (an axis title naming the indicator) from word(name), and
    reads nothing else: the layers depend on the shape alone (which parts are drawn, the unit, the
    polarity), never on the figures, the title or the words. So a page works out the spec of a shape's
    layers once and sends each view's tables, title and words with it (ui.display.show_chart), instead
    of building and serialising the Altair chart for every view; chart() is the whole chart, as the
    report draws it.
    """

    draw: Callable[[tuple, Callable[[str], object], str, Callable[[str], str]], alt.TopLevelMixin]
    shape: tuple
    tables: dict[str, pd.DataFrame]
    title: str
    words: dict[str, str] = field(default_factory=dict)
    description: str = ""  # what a screen reader says of the chart, where it is more than its title

    def chart(self) -> alt.TopLevelMixin:
        """The chart with its tables, title and words."""
        return self.draw(self.shape, self.tables.__getitem__, self.title, self.words.__getitem__)

    def named(self) -> alt.TopLevelMixin:
        """The chart with each table named (alt.NamedData) rather than included, an empty title, and each
        word as its placeholder (word_placeholder)."""
        return self.draw(self.shape, lambda name: alt.NamedData(name=name), "", word_placeholder)


def word_placeholder(name: str) -> str:
    """Where a word goes in a shape's spec: its name between invisible separators, which no text has."""
    return f"\u2063{name}\u2063"


def indicator_chart(series: pd.DataFrame, **parts) -> alt.LayerChart:
    """One indicator over time: a line per team, the target, amber band, benchmarks and notes (see
    indicator_layout)."""
    return indicator_layout(series, **parts).chart()


def indicator_layout(
    series: pd.DataFrame,
    *,
    name: str,
    unit: str,
    polarity: str,
    title: str,
    benchmarks: pd.DataFrame | None = None,
    notes: pd.DataFrame | None = None,
    extra: pd.DataFrame | None = None,
) -> Layout:
    """One indicator over time: a line per team, the target, amber band, benchmarks and notes.

    series has period, team_label, value, suppressed, target, tolerance, rag;
    extra (optional) has period, team_label, value, line (e.g. "3-month average").
    """
    tables = {
        "series": pd.DataFrame(
            {
                "period": series["period"].array,
                "team_label": series["team_label"].array,
                "value": series["value"].array,
                "value_text": _value_text(series, unit),
                "target_text": format_values(series["target"], unit, missing="none"),
                "rag_text": in_words(series["rag"], RAG_LABELS).array,
            }
        )
    }
    # Each month's target once (the first team's row of the month), where it has one.
    _, firsts = np.unique(series["period"].to_numpy(), return_index=True)
    firsts = np.sort(firsts)
    target, tolerance = (series[column].to_numpy(dtype="float64")[firsts] for column in ("target", "tolerance"))
    kept = ~np.isnan(target)
    if kept.any():
        target, tolerance = target[kept], tolerance[kept]
        tables["targets"] = pd.DataFrame(
            {
                "period": series["period"].to_numpy()[firsts[kept]],
                "target": target,
                "target_text": format_values(target, unit),
            }
        )
        if polarity != "neutral":  # the amber band, on the worse side
            tables["targets"]["band_edge"] = target + (-1 if polarity == "higher_is_better" else 1) * tolerance
    if extra is not None and not extra.empty:
        tables["extra"] = pd.DataFrame(
            {
                "period": extra["period"].array,
                "team_label": extra["team_label"].array,
                "value": extra["value"].array,
                "line": extra["line"].array,
                "value_text": _value_text(extra, unit),
            }
        )
    comparators, labelled = (), (False, False)
    if benchmarks is not None and not benchmarks.empty:
        comparators, labelled = _comparator_tables(benchmarks, unit, tables)
    if notes is not None and not notes.empty:
        tables["notes"] = pd.DataFrame(
            {
                "period": notes["period"].array,
                "team_label": notes["team_label"].array,
                "text": notes["text"].array,
                "y": series["value"].max() if series["value"].notna().any() else 0,
            }
        )
    shape = (unit, polarity, "targets" in tables, "extra" in tables, comparators, labelled, "notes" in tables)
    return Layout(_indicator_layers, shape, tables, title)


def _indicator_layers(
    shape: tuple, table: Callable[[str], object], title: str, word: Callable[[str], str]
) -> alt.LayerChart:  # no words of its own
    unit, polarity, has_targets, has_extra, comparators, labelled, has_notes = shape
    tooltip = [
        alt.Tooltip("period:T", title="Month", format="%B %Y"),
        alt.Tooltip("team_label:N", title="Team"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("target_text:N", title="Target"),
        alt.Tooltip("rag_text:N", title="Status"),
    ]
    team = alt.Color(
        "team_label:N", title="Team", legend=alt.Legend(orient="bottom", columns=2, labelLimit=LEGEND_LABEL_LIMIT)
    )
    shape_by_team = alt.Shape("team_label:N", title="Team")
    lines = (
        alt.Chart(table("series"))
        .mark_line(invalid="break-paths-show-domains", strokeWidth=2.5)
        .encode(
            x=alt.X("period:T", axis=MONTH_AXIS),
            y=_y(unit),
            color=team,
            tooltip=tooltip,
        )
    )
    points = (
        alt.Chart(table("series"))
        .mark_point(filled=True, size=60)
        .encode(
            x=alt.X("period:T"),
            y=alt.Y("value:Q"),
            color=team,
            shape=shape_by_team,
            tooltip=tooltip,
        )
    )
    layers = [*(_target_layers(table("targets"), polarity) if has_targets else []), lines, points]
    if has_extra:
        layers.append(
            alt.Chart(table("extra"))
            .mark_line(strokeDash=[2, 3], strokeWidth=2, invalid="break-paths-show-domains")
            .encode(
                x=alt.X("period:T"),
                y=alt.Y("value:Q"),
                color=team,
                detail=alt.Detail("line:N"),
                tooltip=[
                    alt.Tooltip("period:T", title="Month", format="%B %Y"),
                    alt.Tooltip("team_label:N", title="Team"),
                    alt.Tooltip("line:N", title="Line"),
                    alt.Tooltip("value_text:N", title="Value"),
                ],
            )
        )
    layers += _comparator_layers(comparators, labelled, table)
    if has_notes:
        layers.append(
            alt.Chart(table("notes"))
            .mark_point(shape="triangle-down", size=110, filled=True, color="#5d4037")
            .encode(
                x=alt.X("period:T"),
                y=alt.Y("y:Q"),
                tooltip=[
                    alt.Tooltip("period:T", title="Note for", format="%B %Y"),
                    alt.Tooltip("team_label:N", title="Team"),
                    alt.Tooltip("text:N", title="Note"),
                ],
            )
        )
    return alt.layer(*layers, title=chart_title(title), height=CHART_HEIGHT, description=title)


COMPARATOR_SHAPES = {
    ENGLAND: "diamond",
    NEIGHBOURS: "square",
    LOWER_QUARTILE: "triangle-down",
    UPPER_QUARTILE: "triangle-up",
    PUBLISHED: "cross",
}
COMPARATOR_SHORT = {
    NEIGHBOURS: "Neighbours",
    LOWER_QUARTILE: "Lower quartile",
    UPPER_QUARTILE: "Upper quartile",
    PUBLISHED: "Published",
}


def _comparator_tables(points: pd.DataFrame, unit: str, tables: dict) -> tuple[tuple[str, ...], tuple[bool, bool]]:
    """Yearly comparator figures (benchmarking.comparator_points) as tables: one per comparator, and its
    labels in two (see _comparator_layers). Returns the comparators in order, and which label tables
    there are."""
    comparator = points["comparator"].to_numpy(dtype=object)
    at, value = points["shown_at"].array, points["value"].array
    data = pd.DataFrame(
        {
            "shown_at": at,
            "value": value,
            "comparator": comparator,
            "year": points["year"].array,
            "value_text": format_values(points["value"], unit),
            "councils_text": [f"mean of {int(n)} councils" if pd.notna(n) else "" for n in points["councils"]],
            "source_text": ["" if is_missing(source) else str(source) for source in points["source"]],
        }
    )
    labels = pd.DataFrame(
        {
            "shown_at": at,
            "value": value,
            "label": [f"{COMPARATOR_SHORT.get(c, c)} {y}" for c, y in zip(comparator, points["year"], strict=True)],
        }
    )
    names = tuple(dict.fromkeys(comparator))
    for number, name in enumerate(names):
        tables[f"comparator-{number}"] = data.take(np.flatnonzero(comparator == name))
    # A comparator's successive labels alternate above and below their points: the figure in force at the
    # chart's start and the next year's can be a month apart, and would print over each other.
    earlier: dict[str, int] = {}  # each comparator's figures so far
    nth = []
    for name in comparator:
        nth.append(earlier.get(name, 0))
        earlier[name] = nth[-1] + 1
    above = np.array(nth, dtype=int) % 2 == 0
    labelled = []
    for side, rows in (("above", np.flatnonzero(above)), ("below", np.flatnonzero(~above))):
        if len(rows):
            tables[f"labels-{side}"] = labels.take(rows)
        labelled.append(bool(len(rows)))
    return names, tuple(labelled)


def _comparator_layers(names: tuple[str, ...], labelled: tuple[bool, bool], table) -> list[alt.Chart]:
    """Comparators as points at the month their year ends, never joined up as if they were monthly: a
    shape per comparator, each labelled with its name and DfE year on the chart itself (so the team
    legend stays the only one)."""
    tooltip = [
        alt.Tooltip("comparator:N", title="Compared with"),
        alt.Tooltip("year:N", title="DfE year"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("councils_text:N", title="Based on"),
        alt.Tooltip("source_text:N", title="Source"),
    ]
    layers = [
        alt.Chart(table(f"comparator-{number}"))
        .mark_point(
            shape=COMPARATOR_SHAPES.get(name, "circle"),
            size=130,
            filled=True,
            color="#37474f",
            opacity=0.9,
        )
        .encode(x=alt.X("shown_at:T"), y=alt.Y("value:Q"), tooltip=tooltip)
        for number, name in enumerate(names)
    ]
    for (side, dy), drawn in zip((("above", -7), ("below", 14)), labelled, strict=True):
        if drawn:
            # Each label over a white outline of itself (HALO): on a phone the labels reach the team's line,
            # which then stops at the words instead of running through them.
            labels = alt.Chart(table(f"labels-{side}")).encode(
                x=alt.X("shown_at:T"), y=alt.Y("value:Q"), text=alt.Text("label:N")
            )
            layers += [
                labels.mark_text(dx=9, dy=dy, align="left", fontSize=11, **HALO),
                labels.mark_text(dx=9, dy=dy, align="left", fontSize=11, color="#37474f"),
            ]
    return layers


def spc_layout(points: pd.DataFrame, *, name: str, unit: str, title: str, target: float | None) -> Layout:
    """An XmR chart: values, mean, process limits, target, and special-cause points by shape and colour."""
    tables = {
        "points": pd.DataFrame(
            {
                **{column: points[column].array for column in ("period", "value", "mean", "upper", "lower")},
                "value_text": format_values(points["value"], unit),
                "signal": in_words(points["variation"], VARIATION_LABELS).array,
            }
        )
    }
    if target is not None:
        tables["target"] = pd.DataFrame({"target": [target]})
    return Layout(_spc_layers, (unit, target is not None), tables, title)


def _spc_layers(
    shape: tuple, table: Callable[[str], object], title: str, word: Callable[[str], str]
) -> alt.LayerChart:  # no words of its own
    unit, has_target = shape
    x = alt.X("period:T", axis=MONTH_AXIS)
    base = alt.Chart(table("points"))
    layers = [
        base.mark_line(color="#9e9e9e", strokeWidth=1.5).encode(x=x, y=_y(unit)),
        base.mark_line(color="#455a64", strokeWidth=1.5).encode(x=alt.X("period:T"), y=alt.Y("mean:Q")),
        base.mark_line(color="#455a64", strokeDash=[4, 4]).encode(x=alt.X("period:T"), y=alt.Y("upper:Q")),
        base.mark_line(color="#455a64", strokeDash=[4, 4]).encode(x=alt.X("period:T"), y=alt.Y("lower:Q")),
        base.mark_point(filled=True, size=90).encode(
            x=alt.X("period:T"),
            y=alt.Y("value:Q"),
            color=alt.Color(
                "signal:N",
                title="Signal",
                scale=alt.Scale(domain=list(VARIATION_COLOURS), range=list(VARIATION_COLOURS.values())),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=LEGEND_LABEL_LIMIT),
            ),
            shape=alt.Shape(
                "signal:N",
                title="Signal",
                scale=alt.Scale(domain=list(VARIATION_SHAPES), range=list(VARIATION_SHAPES.values())),
            ),
            tooltip=[
                alt.Tooltip("period:T", title="Month", format="%B %Y"),
                alt.Tooltip("value_text:N", title="Value"),
                alt.Tooltip("signal:N", title="Signal"),
            ],
        ),
    ]
    if has_target:
        layers.append(
            alt.Chart(table("target"))
            .mark_rule(color=TARGET_COLOUR, strokeDash=[8, 4], strokeWidth=2)
            .encode(y=alt.Y("target:Q"))
        )
    return alt.layer(*layers, title=chart_title(title), height=CHART_HEIGHT, description=title)


COMPARATOR_DASHES = [[2, 2], [8, 3, 2, 3], [1, 4], [4, 4], [10, 2]]


def team_bars_layout(
    rows: pd.DataFrame,
    *,
    name: str,
    unit: str,
    title: str,
    target: float | None,
    comparators: pd.DataFrame | None = None,
) -> Layout:
    """Teams in the order given (highest first), each labelled with its value and RAG in words; the target
    as a rule, and any comparators (comparator, value, year) as dotted rules across the bars, told apart
    in the legend. Everything that depends on the figures is in the tables: the teams' order, and the
    room on the right for the longest bar's label."""
    value = rows["value"].to_numpy(dtype="float64", na_value=np.nan)
    value_text, rag_text = _value_text(rows, unit), in_words(rows["rag"], RAG_LABELS).tolist()
    # A team whose figure is hidden or missing has no bar; its label says so at the start of the row.
    labels = [
        f"{text}  {status}" if number == number else "c (hidden: a small number)" if text == "c" else text
        for number, text, status in zip(value.tolist(), value_text, rag_text, strict=True)
    ]
    data = pd.DataFrame(
        {
            "team_label": rows["team_label"].array,
            "value": value,
            "value_text": value_text,
            "rag_text": rag_text,
            "label": labels,
            "label_at": np.nan_to_num(value, nan=0.0),
            "row_order": np.arange(len(rows)),
        }
    )
    # Room on the right for the "value and status" label of the longest bar.
    highest_comparator = float(comparators["value"].max()) if comparators is not None and len(comparators) else 0.0
    top = (
        max(float(data["value"].max()) if data["value"].notna().any() else 0.0, target or 0.0, highest_comparator) * 1.3
        or 1.0
    )
    tables = {"bars": data, "room": pd.DataFrame({"top": [top]})}
    if target is not None:
        tables["target"] = pd.DataFrame({"target": [target]})
    if comparators is not None and not comparators.empty:
        tables["comparators"] = pd.DataFrame(
            {
                "value": comparators["value"].array,
                "label": [
                    f"{c} (DfE {y}): {v}"
                    for c, y, v in zip(
                        comparators["comparator"],
                        comparators["year"],
                        format_values(comparators["value"], unit),
                        strict=True,
                    )
                ],
            }
        )
    shape = (unit, target is not None, len(tables.get("comparators", ())))
    return Layout(_team_bars_layers, shape, tables, title, {"axis_title": f"{name} ({unit_title(unit)})"})


def _team_bars_layers(
    shape: tuple, table: Callable[[str], object], title: str, word: Callable[[str], str]
) -> alt.LayerChart:
    unit, has_target, comparators = shape
    y = alt.Y("team_label:N", title="Team", sort=alt.EncodingSortField(field="row_order", op="min"), axis=_team_axis())
    axis_title = word("axis_title")
    scale = alt.Scale(zero=True, nice=False)  # from 0 to the room on the right ("top")
    x = alt.X("value:Q", title=axis_title, scale=scale, axis=_value_axis())
    bars = (
        alt.Chart(table("bars"))
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "rag_text:N",
                title="Status",
                scale=alt.Scale(domain=list(RAG_COLOURS), range=list(RAG_COLOURS.values())),
                legend=alt.Legend(orient="bottom", columns=alt.ExprRef(f"{NARROW} ? 2 : 0")),
            ),
            tooltip=[
                alt.Tooltip("team_label:N", title="Team"),
                alt.Tooltip("value_text:N", title="Value"),
                alt.Tooltip("rag_text:N", title="Status"),
            ],
        )
    )
    label_text = {"x": alt.X("label_at:Q", title=axis_title, scale=scale), "y": y, "text": alt.Text("label:N")}
    labels = alt.Chart(table("bars")).mark_text(align="left", dx=4, fontSize=12).encode(**label_text)
    halo = alt.Chart(table("bars")).mark_text(align="left", dx=4, fontSize=12, **HALO).encode(**label_text)
    room = (
        alt.Chart(table("room"))
        .transform_calculate(room=f"datum.top * ({NARROW} ? {NARROW_ROOM} : 1)")
        .mark_point(opacity=0, aria=False)
        .encode(x=alt.X("room:Q", title=axis_title, scale=scale))
    )
    layers = [bars]
    if has_target:
        layers.append(
            alt.Chart(table("target"))
            .mark_rule(color="#37474f", strokeDash=[6, 4], strokeWidth=2)
            .encode(x=alt.X("target:Q"))
        )
    if comparators:
        layers.append(
            alt.Chart(table("comparators"))
            .mark_rule(color="#6a1b9a", strokeWidth=2)
            .encode(
                x=alt.X("value:Q", scale=scale),
                strokeDash=alt.StrokeDash(
                    "label:N",
                    title="Compared with (yearly)",
                    scale=alt.Scale(range=COMPARATOR_DASHES[:comparators]),
                    legend=alt.Legend(orient="bottom", columns=1, labelLimit=LEGEND_LABEL_LIMIT),
                ),
                tooltip=[alt.Tooltip("label:N", title="Compared with")],
            )
        )
    # The labels last, so that a bar ending just short of a line has its figure drawn over the line.
    layers += [halo, labels, room]
    # A step per team: a fixed total height collapses a category axis when the page stretches the chart.
    # On a phone the legends (status, comparators) stand one above the other rather than side by side.
    return alt.layer(*layers, title=chart_title(title), height=alt.Step(34), description=title).configure_legend(
        layout=alt.ExprRef(f"{NARROW} ? {{bottom: {{direction: 'vertical', anchor: 'start'}}}} : {{}}")
    )


def caseload_spread(caseloads: pd.DataFrame, *, threshold: int, title: str, show_workers: bool) -> alt.LayerChart:
    """Cases per worker by team: a box plot, with each worker as a point when allowed."""
    order = list(caseloads.groupby("team")["cases"].median().sort_values(ascending=False).index)
    y = alt.Y("team:N", title="Team", sort=order, axis=_team_axis())
    x = alt.X("cases:Q", title="Cases per worker (number)", axis=_value_axis())
    layers = [alt.Chart(caseloads).mark_boxplot(extent="min-max", color="#90a4ae", size=22).encode(x=x, y=y)]
    if show_workers:
        layers.append(
            alt.Chart(caseloads)
            .mark_point(filled=True, size=40, color="#263238", opacity=0.8)
            .encode(
                x=x,
                y=y,
                yOffset=alt.YOffset("jitter:Q"),
                tooltip=[
                    alt.Tooltip("worker_id:N", title="Worker"),
                    alt.Tooltip("team:N", title="Team"),
                    alt.Tooltip("cases:Q", title="Cases"),
                ],
            )
            .transform_calculate(jitter="random() * 14 - 7")
        )
    layers.append(
        alt.Chart(pd.DataFrame({"threshold": [threshold]}))
        .mark_rule(color="#c62828", strokeDash=[6, 4], strokeWidth=2)
        .encode(x=alt.X("threshold:Q"))
    )
    return alt.layer(*layers, title=chart_title(title), height=alt.Step(40), description=title)


def caseload_averages(rows: pd.DataFrame, *, threshold: int, title: str) -> alt.LayerChart:
    """Average cases per worker by team (teams whose average is hidden are left out), with the threshold."""
    y = alt.Y("team:N", title="Team", sort="-x", axis=_team_axis())
    # Room on the right for the longest bar's figure, which otherwise ran off the edge on a phone.
    top = max(float(rows["mean"].max()) if rows["mean"].notna().any() else 0.0, float(threshold)) * 1.2 or 1.0
    scale = alt.Scale(domain=[0, top], nice=False)
    bars = (
        alt.Chart(rows)
        .mark_bar(color="#546e7a")
        .encode(
            x=alt.X("mean:Q", title="Average cases per worker (number)", axis=_value_axis(), scale=scale),
            y=y,
            tooltip=[alt.Tooltip("team:N", title="Team"), alt.Tooltip("mean:Q", title="Average", format=".1f")],
        )
    )
    figure = alt.Text("mean:Q", format=".1f")
    labels = bars.mark_text(align="left", dx=4, color="#0b0c0c").encode(text=figure)
    halo = bars.mark_text(align="left", dx=4, **HALO).encode(text=figure)
    rule = (
        alt.Chart(pd.DataFrame({"threshold": [threshold]}))
        .mark_rule(color="#c62828", strokeDash=[6, 4], strokeWidth=2)
        .encode(x=alt.X("threshold:Q"))
    )
    return alt.layer(
        bars, rule, halo, labels, title=chart_title(title), height=alt.Step(32), description=title
    )  # the labels over the line


def caseload_trend(trend: pd.DataFrame, *, title: str) -> alt.Chart:
    """Mean, median and highest caseload over time, told apart by dash and shape as well as colour."""
    measure = alt.Color("measure:N", title="Measure")
    return (
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", axis=MONTH_AXIS),
            y=alt.Y("cases:Q", title="Cases per worker"),
            color=measure,
            strokeDash=alt.StrokeDash("measure:N", title="Measure"),
            shape=alt.Shape("measure:N", title="Measure"),
            tooltip=[
                alt.Tooltip("period:T", title="Month", format="%B %Y"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("cases:Q", title="Cases", format=".1f"),
            ],
        )
        .properties(title=chart_title(title), height=300, description=title)
    )
