"""Chart builders return Altair charts whose specs can be checked without a browser."""

from __future__ import annotations

import json
import re

import pandas as pd
import pyarrow as pa
import pytest

from metrics.comparators.benchmarking import comparator_points
from metrics.outputs import charts
from metrics.outputs.series import indicator_series
from metrics.rating.performance import build_performance
from metrics.rating.spc import analyse
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder
from ui.display import layout_spec, vega_lite_spec


@pytest.fixture(scope="module")
def performance():
    return build_performance(read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10"), "internal")


def layers(chart) -> list[dict]:
    return chart.to_dict()["layer"]


def mark(layer: dict) -> str:
    return layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]


def layer(spec: dict, kind: str, **fields: str) -> dict:
    """The one layer drawn with this mark whose encodings use these fields (say y="target")."""
    found = [
        candidate
        for candidate in spec["layer"]
        if mark(candidate) == kind
        and all(
            candidate.get("encoding", {}).get(channel, {}).get("field") == field for channel, field in fields.items()
        )
    ]
    assert len(found) == 1, (kind, fields, len(found))
    return found[0]


def test_indicator_chart_layers_encodings_and_titles(performance):
    series = indicator_series(
        performance,
        "assessments_in_45_days",
        ["", "Assessment Team 1"],
        pd.Timestamp("2021-01-01"),
        pd.Timestamp("2021-12-01"),
    )
    benchmarks = comparator_points(
        pd.DataFrame(
            {
                "indicator_id": ["assessments_in_45_days"] * 2,
                "comparator": ["England", "Statistical neighbours"],
                "period": [pd.Timestamp("2021-03-01")] * 2,
                "value": [78.0, 80.5],
                "year": ["2021"] * 2,
                "councils": [None, 9.0],
                "source": ["DfE file"] * 2,
            }
        ),
        "assessments_in_45_days",
        "percent",
        ["England", "Statistical neighbours"],
        pd.Timestamp("2021-01-01"),
        pd.Timestamp("2021-12-01"),
    )
    notes = pd.DataFrame(
        {
            "period": [pd.Timestamp("2021-11-01")],
            "team": [""],
            "team_label": ["Whole service"],
            "text": ["Recovery plan"],
        }
    )
    chart = charts.indicator_chart(
        series,
        name="Assessments in 45 days",
        unit="percent",
        polarity="higher_is_better",
        title="Assessments in 45 days (%) — Whole service, January 2021 to December 2021",
        benchmarks=benchmarks,
        notes=notes,
    )
    spec = chart.to_dict()
    assert spec["title"] == {
        "text": "Assessments in 45 days (%)",
        "subtitle": "Whole service, January 2021 to December 2021",
    }
    assert spec["description"] == "Assessments in 45 days (%) — Whole service, January 2021 to December 2021"
    assert layer(spec, "area", y="target", y2="band_edge")  # the amber band
    target = layer(spec, "line", y="target")
    lines = layer(spec, "line", y="value", color="team_label")
    points = layer(spec, "point", y="value", shape="team_label")
    yearly = [
        candidate["mark"]["shape"]
        for candidate in spec["layer"]
        if mark(candidate) == "point" and candidate["encoding"]["x"]["field"] == "shown_at"
    ]
    assert yearly == ["diamond", "square"]  # comparators, a shape each
    # each labelled with its name and DfE year, over a white outline of the words
    halo, labels = [
        candidate
        for candidate in spec["layer"]
        if mark(candidate) == "text" and candidate["encoding"]["x"]["field"] == "shown_at"
    ]
    assert halo["mark"]["stroke"] == "white" and labels["encoding"]["text"]["field"] == "label"
    label_data = max((rows for rows in spec["datasets"].values() if rows and "label" in rows[0]), key=len)
    assert sorted(row["label"] for row in label_data) == ["England 2021", "Neighbours 2021"]
    assert labels["mark"]["dy"] < 0  # one figure each: every label above its point
    assert not [
        candidate
        for candidate in spec["layer"]
        if mark(candidate) == "line" and candidate.get("encoding", {}).get("x", {}).get("field") == "shown_at"
    ]  # never joined up
    assert target["mark"]["interpolate"] == "step-after"
    assert lines["mark"]["invalid"] == "break-paths-show-domains"  # gaps stay gaps
    assert lines["encoding"]["y"]["title"] == "Per cent"  # the chart title names the indicator
    assert lines["encoding"]["y"]["axis"]["titleLimit"] == charts.AXIS_TITLE_LIMIT
    assert lines["encoding"]["x"]["axis"]["title"] == "Month"
    assert points["encoding"]["shape"]["field"] == "team_label"  # teams differ by shape, not only colour
    tooltip_titles = [tip["title"] for tip in lines["encoding"]["tooltip"]]
    assert tooltip_titles == ["Month", "Team", "Value", "Target", "Status"]


def test_amber_band_lies_on_the_worse_side(performance):
    series = indicator_series(
        performance, "cp_repeat_plans", [""], pd.Timestamp("2021-06-01"), pd.Timestamp("2021-06-01")
    )
    data = charts.indicator_chart(
        series, name="Repeat plans", unit="percent", polarity="lower_is_better", title="t"
    ).to_dict()
    band_data = next(rows for rows in data["datasets"].values() if rows and "band_edge" in rows[0])
    tolerance = series["tolerance"].iloc[0]
    assert tolerance > 0
    assert band_data[0]["band_edge"] == band_data[0]["target"] + tolerance  # above: worse when lower is better


def test_neutral_indicator_has_no_amber_band(performance):
    series = indicator_series(
        performance, "children_in_care", [""], pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01")
    )
    kinds = [
        mark(layer)
        for layer in layers(
            charts.indicator_chart(series, name="Children in care", unit="count", polarity="neutral", title="t")
        )
    ]
    assert "area" not in kinds


def test_spc_chart_marks_signals_by_shape_and_colour_with_words():
    values = [10, 12] * 5 + [13, 14, 13, 14, 13, 14, 13]
    points = analyse(
        pd.DataFrame({"period": pd.date_range("2020-01-01", periods=17, freq="MS"), "value": values}),
        "higher_is_better",
    ).points
    spec = charts.spc_layout(points, name="Visits in time", unit="percent", title="SPC", target=15.0).chart().to_dict()
    signals = layer(spec, "point", color="signal", shape="signal")["encoding"]
    assert "▲ Improvement (special cause)" in signals["shape"]["scale"]["domain"]
    for line in ("value", "mean", "upper", "lower"):
        assert layer(spec, "line", y=line)
    assert layer(spec, "rule", y="target")


def test_a_comparators_labels_a_month_apart_are_on_either_side_of_their_points():
    points = comparator_points(
        pd.DataFrame(
            {
                "indicator_id": ["x"] * 4,
                "comparator": ["England", "England", "England", "Statistical neighbours"],
                "period": pd.to_datetime(["2019-03-01", "2020-03-01", "2021-03-01", "2020-03-01"]),
                "value": [20.0, 21.0, 22.0, 25.0],
                "year": ["2019", "2020", "2021", "2020"],
                "councils": [None] * 4,
                "source": ["DfE"] * 4,
            }
        ),
        "x",
        "percent",
        ["England", "Statistical neighbours"],
        pd.Timestamp("2020-02-01"),
        pd.Timestamp("2021-12-01"),
    )
    spec = charts.indicator_chart(
        pd.DataFrame(
            {
                "period": pd.date_range("2020-02-01", "2021-12-01", freq="MS"),
                "team_label": "Whole service",
                "value": 21.0,
                "suppressed": False,
                "target": 20.0,
                "tolerance": 1.0,
                "rag": "green",
            }
        ),
        name="x",
        unit="percent",
        polarity="lower_is_better",
        title="x",
        benchmarks=points,
    ).to_dict()
    texts = [candidate for candidate in spec["layer"] if mark(candidate) == "text"]
    shown = {
        candidate["mark"]["dy"]: sorted(row["label"] for row in spec["datasets"][candidate["data"]["name"]])
        for candidate in texts
    }
    # England 2019 is in force at the start (drawn there, February 2020), England 2020 a month later.
    assert shown == {-7: ["England 2019", "England 2021", "Neighbours 2020"], 14: ["England 2020"]}
    # Each drawn over a white outline of itself, so that a line they reach on a phone stops at the words.
    for halo, label in zip(texts[::2], texts[1::2], strict=True):
        assert (halo["mark"]["stroke"], halo["mark"]["aria"]) == ("white", False) and "stroke" not in label["mark"]
        assert halo["data"] == label["data"] and halo["encoding"]["text"] == label["encoding"]["text"]
    assert len(texts) == 4 and spec["layer"].index(texts[0]) > max(
        position for position, candidate in enumerate(spec["layer"]) if mark(candidate) == "line"
    )


def test_team_bars_label_each_bar_with_value_and_status():
    rows = pd.DataFrame(
        {"team_label": ["A", "B"], "value": [80.0, 60.0], "suppressed": [False, False], "rag": ["green", "red"]}
    )
    spec = (
        charts.team_bars_layout(rows, name="Visits", unit="percent", title="Visits (%) by team, May 2021", target=75.0)
        .chart()
        .to_dict()
    )
    labels = next(rows for rows in spec["datasets"].values() if rows and "label" in rows[0])
    assert [row["label"] for row in labels] == ["80.0%  ✓ Green", "60.0%  ✗ Red"]
    assert layer(spec, "bar", x="value")["encoding"]["x"]["title"] == "Visits (per cent)"
    assert layer(spec, "rule", x="target")
    assert spec["height"] == {"step": 34}  # a fixed height collapses the team axis in a stretched chart
    # Teams in the order given (highest first), by a field of the data, so the layers do not hold the figures
    bars = next(rows for rows in spec["datasets"].values() if rows and "row_order" in rows[0])
    assert [(row["team_label"], row["row_order"]) for row in bars] == [("A", 0), ("B", 1)]
    assert layer(spec, "bar", x="value")["encoding"]["y"]["sort"] == {"field": "row_order", "op": "min"}
    room = next(rows for rows in spec["datasets"].values() if rows and "top" in rows[0])
    assert room == [{"top": pytest.approx(80.0 * 1.3)}]  # room on the right for the longest bar's label
    unseen = layer(spec, "point", x="room")
    assert unseen["mark"]["opacity"] == 0 and unseen["mark"]["aria"] is False
    # On a phone: more room for the labels, team names cut in the middle, the legends one above the other
    phone = f"containerSize()[0] < {charts.NARROW_BELOW}"
    assert unseen["transform"] == [{"calculate": f"datum.top * ({phone} ? {charts.NARROW_ROOM} : 1)", "as": "room"}]
    team_axis = layer(spec, "bar", x="value")["encoding"]["y"]["axis"]
    assert team_axis["labelLimit"] == {"expr": f"{phone} ? 120 : {charts.TEAM_LABEL_LIMIT}"}
    assert team_axis["labelExpr"].startswith(phone) and "slice(datum.label, -9)" in team_axis["labelExpr"]
    assert spec["config"]["legend"]["layout"]["expr"].startswith(f"{phone} ? {{bottom: {{direction: 'vertical'")


def test_a_hidden_team_is_labelled_not_left_blank():
    rows = pd.DataFrame(
        {
            "team_label": ["A", "B", "C"],
            "value": [80.0, float("nan"), float("nan")],
            "suppressed": [False, True, False],
            "rag": ["green", "none", "none"],
        }
    )
    spec = charts.team_bars_layout(rows, name="Visits", unit="percent", title="t", target=None).chart().to_dict()
    labels = next(rows for rows in spec["datasets"].values() if rows and "label" in rows[0])
    assert [(row["label"], row["label_at"]) for row in labels] == [
        ("80.0%  ✓ Green", 80.0),
        ("c (hidden: a small number)", 0.0),
        ("no data", 0.0),
    ]
    halo, label = [candidate for candidate in spec["layer"] if mark(candidate) == "text"]
    assert label["encoding"]["text"]["field"] == halo["encoding"]["text"]["field"] == "label"


def test_a_line_across_a_label_stops_at_its_words():
    """At 390 pixels the target's dashed line ran through "75.0% ✗ Red"; a white outline drawn under the
    words (and not read out) masks it there."""
    rows = pd.DataFrame(
        {"team_label": ["A", "B"], "value": [88.9, 75.0], "suppressed": [False, False], "rag": ["amber", "red"]}
    )
    spec = charts.team_bars_layout(rows, name="Visits", unit="percent", title="t", target=90.0).chart().to_dict()
    kinds = [mark(candidate) for candidate in spec["layer"]]
    assert kinds.index("rule") < kinds.index("text")  # the line first, the words over it
    halo, label = [candidate for candidate in spec["layer"] if mark(candidate) == "text"]
    assert (halo["mark"]["stroke"], halo["mark"]["aria"]) == ("white", False) and halo["mark"]["strokeWidth"] >= 4
    assert halo["mark"]["fontSize"] == label["mark"]["fontSize"]
    assert "stroke" not in label["mark"] and label["mark"].get("aria", True)
    assert halo["encoding"] == label["encoding"] and halo["mark"]["dx"] == label["mark"]["dx"]


def test_caseload_spread_hides_workers_when_asked():
    cases = pd.DataFrame({"team": ["A", "A", "B"], "worker_id": ["W1", "W2", "W3"], "cases": [10, 25, 18]})
    shown = charts.caseload_spread(cases, threshold=20, title="t", show_workers=True).to_dict()
    hidden = charts.caseload_spread(
        cases.drop(columns="worker_id"), threshold=20, title="t", show_workers=False
    ).to_dict()
    assert [mark(layer) for layer in shown["layer"]] == ["boxplot", "point", "rule"]
    assert [mark(layer) for layer in hidden["layer"]] == ["boxplot", "rule"]
    assert "W1" not in str(hidden)


def _inlined(spec: dict, rows_of) -> dict:
    """The spec with every named dataset put where it is used (so two specs compare whatever they name them)."""
    datasets = spec.get("datasets", {})

    def walk(node):
        if isinstance(node, dict):
            return {
                key: (
                    rows_of(datasets[value["name"]])
                    if key == "data" and isinstance(value, dict) and set(value) == {"name"}
                    else walk(value)
                )
                for key, value in node.items()
                if key != "datasets"
            }
        return [walk(item) for item in node] if isinstance(node, list) else node

    return walk(spec)


def _arrow_rows(payload: bytes) -> list[dict]:
    return pa.ipc.open_stream(payload).read_all().to_pylist()


def _notes_extra_and_spc(series: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A note, the series' 3-month average as an extra line, and SPC points with signals."""
    notes = pd.DataFrame(
        {
            "period": [pd.Timestamp("2021-11-01")],
            "team": [""],
            "team_label": ["Whole service"],
            "text": ["Recovery plan"],
        }
    )
    extra = series.assign(line="3-month average", value=series["value"].rolling(3, min_periods=1).mean())
    values = [10, 12] * 5 + [13, 14, 13, 14, 13, 14, 13]
    points = analyse(
        pd.DataFrame({"period": pd.date_range("2020-01-01", periods=17, freq="MS"), "value": values}),
        "higher_is_better",
    ).points
    return notes, extra, points


def _every_kind_of_chart(performance) -> list:
    months = pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01")
    series = indicator_series(performance, "assessments_in_45_days", ["", "Assessment Team 1"], *months)
    benchmarks = comparator_points(
        pd.DataFrame(
            {
                "indicator_id": ["assessments_in_45_days"] * 2,
                "comparator": ["England", "Statistical neighbours"],
                "period": [pd.Timestamp("2021-03-01")] * 2,
                "value": [78.0, 80.5],
                "year": ["2021"] * 2,
                "councils": [None, 9.0],
                "source": ["DfE file"] * 2,
            }
        ),
        "assessments_in_45_days",
        "percent",
        ["England", "Statistical neighbours"],
        *months,
    )
    notes, extra, points = _notes_extra_and_spc(series)
    bars = pd.DataFrame(
        {
            "team_label": ["A", "B", "C"],
            "value": [80.0, float("nan"), float("inf")],
            "suppressed": [False, True, False],
            "rag": ["green", "none", "none"],
        }
    )
    cases = pd.DataFrame({"team": ["A", "A", "B"], "worker_id": ["W1", "W2", "W3"], "cases": [10, 25, 18]})
    trend = pd.DataFrame(
        {
            "period": pd.to_datetime(["2021-01-01", "2021-02-01", pd.NaT]),
            "measure": ["Mean"] * 3,
            "cases": [18.5, None, 19.0],
        }
    )
    return [
        charts.indicator_chart(
            series,
            name="Assessments in 45 days",
            unit="percent",
            polarity="higher_is_better",
            title="t",
            benchmarks=benchmarks,
            notes=notes,
            extra=extra,
        ),
        charts.spc_layout(points, name="Visits in time", unit="percent", title="SPC", target=15.0).chart(),
        charts.team_bars_layout(
            bars,
            name="Visits",
            unit="percent",
            title="t",
            target=75.0,
            comparators=benchmarks.assign(comparator=["England", "Statistical neighbours"]),
        ).chart(),
        charts.caseload_spread(cases, threshold=20, title="t", show_workers=True),
        charts.caseload_averages(pd.DataFrame({"team": ["A", "B"], "mean": [17.5, 18.0]}), threshold=20, title="t"),
        charts.caseload_trend(trend, title="t"),
    ]


def test_the_pages_spec_is_altairs_own_with_its_tables_as_arrow(performance):
    """Pages send vega_lite_spec (quick, unchecked); it must be exactly what Altair's checked to_dict gives."""
    for chart in _every_kind_of_chart(performance):
        altair = chart.to_dict()  # checked against Vega-Lite's schema
        ours = vega_lite_spec(chart)
        assert ours["datasets"] and all(isinstance(payload, bytes) for payload in ours["datasets"].values())
        altair.get("config", {}).pop("view", None)
        assert _inlined(ours, _arrow_rows) == _inlined(altair, lambda rows: rows)
        assert chart.to_dict() == chart.to_dict(validate=False)  # the chart's own tables are put back
        assert isinstance(chart.to_dict()["datasets"], dict)


def _layout_variants(performance) -> list[charts.Layout]:
    """Explore's charts in every shape their layers take: with and without targets, the amber band,
    extra lines, one or two comparators labelled above or below, and notes; and SPC with and without a target."""
    months = pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01")
    series = indicator_series(performance, "assessments_in_45_days", ["", "Assessment Team 1"], *months)
    no_targets = series.assign(target=float("nan"), tolerance=float("nan"))
    yearly = pd.DataFrame(
        {
            "indicator_id": ["assessments_in_45_days"] * 4,
            "comparator": ["England", "England", "England", "Statistical neighbours"],
            "period": pd.to_datetime(["2020-03-01", "2021-03-01", "2021-04-01", "2021-03-01"]),
            "value": [77.0, 78.0, 79.0, 80.5],
            "year": ["2020", "2021", "2021b", "2021"],
            "councils": [None, None, None, 9.0],
            "source": ["DfE file"] * 4,
        }
    )
    one = comparator_points(yearly, "assessments_in_45_days", "percent", ["Statistical neighbours"], *months)
    two = comparator_points(yearly, "assessments_in_45_days", "percent", ["England", "Statistical neighbours"], *months)
    notes, extra, points = _notes_extra_and_spc(series)
    variants = []
    for number, (rows, polarity, benchmarks, with_notes, with_extra) in enumerate(
        [
            (series, "higher_is_better", None, False, False),
            (series, "lower_is_better", two, True, True),
            (series, "neutral", one, False, True),
            (no_targets, "higher_is_better", two, True, False),
            (series.iloc[::2], "higher_is_better", two, False, False),  # other figures, the same shape as above
        ]
    ):
        variants.append(
            charts.indicator_layout(
                rows,
                name="Assessments in 45 days",
                unit="percent" if number % 2 else "count",
                polarity=polarity,
                title=f"Chart {number} — view {number}" if number % 2 else f"Chart {number}",
                benchmarks=benchmarks,
                notes=notes if with_notes else None,
                extra=extra if with_extra else None,
            )
        )
    for target in (15.0, None, 12.5):
        variants.append(charts.spc_layout(points, name="Visits", unit="percent", title=f"SPC {target}", target=target))
    bars = pd.DataFrame(
        {
            "team_label": ["A", "B", "C", "D"],
            "value": [80.0, 61.5, float("nan"), 12.0],
            "suppressed": [False, False, True, False],
            "rag": ["green", "red", "none", "red"],
        }
    )
    lines = comparator_points(
        yearly, "assessments_in_45_days", "percent", ["England", "Statistical neighbours"], *months
    ).drop_duplicates("comparator", keep="last")
    for rows, target, comparators in [
        (bars, 75.0, None),
        (bars.iloc[::-1], None, lines),
        (bars.iloc[:2], 70.0, lines),
        (bars.iloc[1:], 70.0, lines.iloc[:1]),
        (bars.iloc[2:], 99.0, lines),
    ]:
        variants.append(
            charts.team_bars_layout(
                rows, name="Visits", unit="percent", title=f"Bars {len(rows)}", target=target, comparators=comparators
            )
        )
    # The same shape for another indicator: its name is the axis title, a word of the view, not of the shape.
    variants.append(
        charts.team_bars_layout(
            bars, name="Re-referrals", unit="percent", title="Bars again", target=75.0, comparators=None
        )
    )
    return variants


def test_a_layouts_spec_is_altairs_own_whichever_view_came_before(performance):
    """Pages send a layout's spec, its layers' part worked out once per shape: for each view it must be
    exactly Altair's checked spec of that view's whole chart, its title and figures, not an earlier view's."""
    variants = _layout_variants(performance)
    assert len({(layout.draw, layout.shape) for layout in variants}) < len(variants)  # shapes are met again
    for layout in [*variants, *reversed(variants)]:
        altair = layout.chart().to_dict()  # checked against Vega-Lite's schema
        altair.get("config", {}).pop("view", None)
        ours = layout_spec(layout)
        assert ours["title"] == charts.chart_title(layout.title) and ours["description"] == layout.title
        assert _inlined(ours, _arrow_rows) == _inlined(altair, lambda rows: rows)
        assert "\u2063" not in json.dumps(ours, default=str)  # every word's placeholder filled


def drawn_fields(spec: dict) -> dict[str, set[str]]:
    """For each named table of a spec, the fields its layers draw: encodings, tooltips and sort fields,
    and the fields calculations read (less those they make)."""
    read: dict[str, set[str]] = {}
    made: dict[str, set[str]] = {}

    def walk(node, table):
        if isinstance(node, list):
            for item in node:
                walk(item, table)
        elif isinstance(node, dict):
            data = node.get("data")
            table = data["name"] if isinstance(data, dict) and "name" in data else table
            for key, value in node.items():
                if key == "field" and isinstance(value, str):
                    read.setdefault(table, set()).add(value)
                elif key == "calculate":
                    read.setdefault(table, set()).update(re.findall(r"datum\.(\w+)", value))
                    made.setdefault(table, set()).add(node["as"])
                elif key not in ("axis", "legend"):  # an axis's labelExpr reads its labels, not the table
                    walk(value, table)

    walk(spec, None)
    return {table: fields - made.get(table, set()) for table, fields in read.items()}


def test_each_table_holds_the_columns_its_layers_draw_and_no_others(performance):
    """The browser is sent only what a chart shows (no numerators, flags or team codes it does not draw)."""
    for layout in _layout_variants(performance):
        drawn = drawn_fields(layout.named().to_dict(validate=False))
        assert drawn.keys() == layout.tables.keys(), layout.shape
        for name, table in layout.tables.items():
            assert set(table.columns) == drawn[name], (layout.shape, name)


def test_a_shapes_layers_are_built_once(performance):
    """Building and serialising the Altair layers is the costly part; a new view of a known shape only
    sends its own tables and title."""
    known = _layout_variants(performance)[0]
    built = []

    def draw(shape, table, title, word):
        built.append(shape)
        return known.draw(shape, table, title, word)

    first, second = (charts.Layout(draw, known.shape, known.tables, title) for title in ("One", "Two"))
    assert layout_spec(first)["title"] == "One" and layout_spec(second)["title"] == "Two"
    assert built == [known.shape]


def test_charts_are_built_without_altairs_part_by_part_checks():
    """A third of the time to build a chart went on Altair checking each part as it was made; the whole
    spec of every kind of chart is checked against Vega-Lite's schema above instead."""
    import altair.utils.schemapi

    assert charts is not None and altair.utils.schemapi.DEBUG_MODE is False


def test_bar_labels_are_drawn_over_the_target_and_comparator_lines():
    """A bar ending just short of the target has its figure drawn on top of the dashed line, not under it."""
    rows = pd.DataFrame(
        {"team_label": ["A", "B"], "value": [88.9, 60.0], "suppressed": [False, False], "rag": ["amber", "red"]}
    )
    lines = pd.DataFrame({"comparator": ["England"], "value": [85.0], "year": ["2021"]})
    spec = (
        charts.team_bars_layout(rows, name="Visits", unit="percent", title="t", target=90.0, comparators=lines)
        .chart()
        .to_dict()
    )
    kinds = [mark(candidate) for candidate in spec["layer"]]
    assert kinds.count("rule") == 2
    assert kinds.index("text") > max(position for position, kind in enumerate(kinds) if kind == "rule")


def test_caseload_averages_are_labelled_over_the_threshold_line():
    spec = charts.caseload_averages(
        pd.DataFrame({"team": ["A", "B"], "mean": [19.0, 12.5]}), threshold=20, title="t"
    ).to_dict()
    assert [mark(candidate) for candidate in spec["layer"]] == ["bar", "rule", "text", "text"]
    halo, label = spec["layer"][2:]  # the line stops at the words: a white outline of them drawn under them
    assert (halo["mark"]["stroke"], halo["mark"]["aria"]) == ("white", False) and "stroke" not in label["mark"]
    assert halo["encoding"]["text"] == label["encoding"]["text"]
    # on a phone, team names cut in the middle and the axis title kept on the screen, as on compare
    bars = spec["layer"][0]["encoding"]
    assert bars["y"]["axis"]["labelExpr"] == charts.NARROW_TEAM_LABEL
    assert bars["x"]["axis"]["titleLimit"]["expr"].startswith(charts.NARROW)
    # room on the right for the longest bar's figure (the threshold, 20, is beyond the bars here)
    assert bars["x"]["scale"] == {"domain": [0, 24.0], "nice": False}
    wide = charts.caseload_averages(pd.DataFrame({"team": ["A"], "mean": [30.0]}), threshold=20, title="t").to_dict()
    assert wide["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 36.0]


def test_a_title_is_a_heading_with_the_view_on_a_line_below():
    """At 390 pixels "Supervision in time (%) by team, January 20…" was cut off; heading and view now
    each have a line, and the chart's description (read out) keeps the whole."""
    assert charts.chart_title("Visits (%) — Whole service, May 2021") == {
        "text": "Visits (%)",
        "subtitle": "Whole service, May 2021",
    }
    assert charts.chart_title("Visits (%) — SPC chart — Team A") == {
        "text": "Visits (%)",
        "subtitle": "SPC chart — Team A",
    }
    assert charts.chart_title("Visits by team") == "Visits by team"
    rows = pd.DataFrame({"team_label": ["A"], "value": [80.0], "suppressed": [False], "rag": ["green"]})
    spec = (
        charts.team_bars_layout(rows, name="Visits", unit="percent", title="Visits (%) by team — May 2021", target=None)
        .chart()
        .to_dict()
    )
    assert spec["title"] == {"text": "Visits (%) by team", "subtitle": "May 2021"}
    assert spec["description"] == "Visits (%) by team — May 2021"
