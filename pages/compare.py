"""Compare teams: one indicator across teams for a month, and every team by every indicator."""

import pandas as pd
import streamlit as st

from metrics.comparators.benchmarking import available
from metrics.core.months import format_month, month_key
from metrics.disclosure.suppression import SUPPRESSED
from metrics.outputs import charts
from metrics.outputs.formatting import UNIT_WORDS, format_value, team_label
from ui import display, loaders
from ui.choosers import comparators_chooser, indicator_chooser, month_chooser
from ui.display import downloads, plain, show_chart
from ui.frame import page_frame

frame = page_frame(
    "Compare teams",
    "How each team stands on one indicator this month, and a grid of every team against every indicator. "
    "Follow a team's link to see its trend.",
)
performance = frame.performance
catalogue = performance.indicators

left, right = st.columns(2)
with left:
    indicator_id = indicator_chooser(frame, "compare.indicator", loaders.opening_indicators(*frame.cache_key)[1])
with right:
    month = month_chooser(frame, "compare.month")
name, unit = catalogue.at[indicator_id, "name"], catalogue.at[indicator_id, "unit"]


link_snapshot = None if frame.snapshot.as_at == frame.valid[0] else frame.snapshot.as_at.isoformat()
view_key = ("compare", indicator_id, month_key(month))
st.subheader(f"{plain(name)}: teams in {format_month(month)}")
rows = loaders.teams_for_month(*frame.cache_key, indicator_id, f"{month:%Y-%m-%d}")
if rows.empty:
    st.info(
        f"No team has a figure for {plain(name)} in {format_month(month)}. "
        "Some indicators are reported for the whole service only."
    )
else:
    targets = rows["target"].dropna().unique()
    target = float(targets[0]) if len(targets) == 1 else None
    title = f"{name} ({UNIT_WORDS[unit]}) by team — {format_month(month)}"
    # Hundreds of bars are a scroll, not a comparison: then the chart shows both ends of the ranking.
    ends = charts.BARS_AT_EACH_END
    ranked = rows[rows["value"].notna()]
    bars = rows if len(ranked) <= 2 * ends else pd.concat([ranked.head(ends), ranked.tail(ends)])
    if len(bars) < len(rows):
        title += f": the {ends} highest and {ends} lowest of {len(rows)} teams"
    compare_with = comparators_chooser(frame, "compare.compare", available(performance.benchmarks, indicator_id, unit))
    current = loaders.comparators_in_force(*frame.cache_key, indicator_id, f"{month:%Y-%m-%d}", tuple(compare_with))
    show_chart(
        frame.cache_key,
        (*view_key, "chart", ends, tuple(compare_with)),
        lambda: charts.team_bars_layout(
            bars.assign(team_label=bars["team"].map(team_label)),
            name=name,
            unit=unit,
            title=title,
            target=target,
            comparators=current,
        ),
        "compare.chart",
    )
    if len(bars) < len(rows):
        st.caption(f"The table below lists all {len(rows):,} teams, highest first.")
    if target is not None:
        st.caption(f"Dashed line: the target, {format_value(target, unit)}. Each bar says its value and status.")
    if len(current):
        st.caption(
            "Dotted purple lines: "
            + "; ".join(
                f"{plain(row.comparator)}, {format_value(row.value, unit)} (DfE {row.year})"
                for row in current.itertuples()
            )
            + ". These are yearly figures for the whole of each place, "
            "set beside this month's team figures for scale."
        )
    table, shown, status_config = loaders.compare_table(
        *frame.cache_key, indicator_id, f"{month:%Y-%m-%d}", link_snapshot
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="compare.table",
        column_config={
            "Explore": st.column_config.LinkColumn("Explore", display_text="See the trend"),
            **status_config,
        },
        alt=f"{name} by team for {format_month(month)}",
    )
    downloads(table.drop(columns="Explore"), f"{indicator_id}_by_team_{month_key(month)}", "compare.download")

st.subheader(f"Every team by every indicator, {format_month(month)}")
st.caption(
    "Each cell gives the value and its status in words (✓ green, ! amber, ✗ red); blank where a team "
    "does not report the indicator."
)


grid, shown_grid, grid_config = loaders.team_grid(*frame.cache_key, f"{month:%Y-%m-%d}", display.COLOURED_CELLS_UP_TO)
st.dataframe(
    shown_grid,
    column_config=grid_config,
    hide_index=True,
    key="compare.matrix",
    alt=f"Every team by every indicator for {format_month(month)}",
)
downloads(grid, f"teams_by_indicators_{month_key(month)}", "compare.matrix_download", "the grid")
st.caption(f"A cell shows {SUPPRESSED} where a small number is hidden in the public view.")
if not grid_config:
    st.caption(
        f"With {len(grid):,} rows the cells are plain text, without colour, so the page stays quick; "
        "the status words and symbols are all there."
    )
