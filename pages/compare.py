"""Compare teams: one indicator across teams for a month, and every team by every indicator."""

from urllib.parse import urlencode

import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics.comparison import rag_matrix, teams_for_month
from metrics.formatting import RAG_LABELS, UNIT_WORDS, format_month, format_value, in_words, month_key, team_label
from metrics.suppression import SUPPRESSED
from ui import charts, display
from ui.choosers import indicator_chooser, month_chooser
from ui.display import downloads, memo, plain, show_chart, with_status_labels
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
    indicator_id = indicator_chooser(frame, "compare.indicator")
with right:
    month = month_chooser(frame, "compare.month")
name, unit = catalogue.at[indicator_id, "name"], catalogue.at[indicator_id, "unit"]


def explore_link(indicator: str, team: str) -> str:
    """A link to the explore page for one indicator and team, ending at this month."""
    query = {"indicator": indicator, "teams": team_label(team), "to": month_key(month), "month": month_key(month)}
    if frame.snapshot.as_at != frame.valid[0]:
        query["snapshot"] = frame.snapshot.as_at.isoformat()
    return f"/explore?{urlencode(query)}"


view_key = ("compare", *frame.cache_key, indicator_id, month)
st.subheader(f"{plain(name)}: teams in {format_month(month)}")
rows = memo((*view_key, "rows"), lambda: teams_for_month(performance, indicator_id, month))
if rows.empty:
    st.info(f"No team has a figure for {plain(name)} in {format_month(month)}. "
            "Some indicators are reported for the whole service only.")
else:
    rows["team_label"] = rows["team"].map(team_label)
    targets = rows["target"].dropna().unique()
    target = float(targets[0]) if len(targets) == 1 else None
    title = f"{name} ({UNIT_WORDS[unit]}) by team, {format_month(month)}"
    # Hundreds of bars are a scroll, not a comparison: then the chart shows both ends of the ranking.
    ends = charts.BARS_AT_EACH_END
    ranked = rows[rows["value"].notna()]
    bars = rows if len(ranked) <= 2 * ends else pd.concat([ranked.head(ends), ranked.tail(ends)])
    if len(bars) < len(rows):
        title += f": the {ends} highest and {ends} lowest of {len(rows)} teams"
    show_chart((*view_key, "chart", ends), lambda: charts.team_bars(bars, name=name, unit=unit, title=title,
                                                                     target=target), "compare.chart")
    if len(bars) < len(rows):
        st.caption(f"The table below lists all {len(rows):,} teams, highest first.")
    if target is not None:
        st.caption(f"Dashed line: the target, {format_value(target, unit)}. Each bar says its value and status.")

    def team_table() -> tuple[pd.DataFrame, pa.Table, dict]:
        """The teams as people read them, and the same with statuses as coloured labels, ready to draw."""
        table = pd.DataFrame({
            "Team": rows["team_label"],
            "Value": [format_value(v, unit, s) for v, s in zip(rows["value"], rows["suppressed"])],
            "Target": [format_value(t, unit) if pd.notna(t) else "" for t in rows["target"]],
            "Status": in_words(rows["rag"], RAG_LABELS),
            "Explore": [explore_link(indicator_id, team) for team in rows["team"]],
        })
        shown, status_config = with_status_labels(table, ["Status"])
        return table, pa.Table.from_pandas(shown, preserve_index=False), status_config

    table, shown, status_config = memo((*view_key, "table"), team_table)
    st.dataframe(
        shown, hide_index=True, key="compare.table",
        column_config={"Explore": st.column_config.LinkColumn("Explore", display_text="See the trend"),
                       **status_config},
        alt=f"{name} by team for {format_month(month)}",
    )
    downloads(table.drop(columns="Explore"), f"{indicator_id}_by_team_{month_key(month)}", "compare.download",
              identity=view_key)

st.subheader(f"Every team by every indicator, {format_month(month)}")
st.caption("Each cell gives the value and its status in words (✓ green, ! amber, ✗ red); blank where a team "
           "does not report the indicator.")


def team_grid() -> tuple[pd.DataFrame, pa.Table, dict]:
    """Teams by indicators for the month: the plain grid, and the grid with coloured status labels."""
    matrix = rag_matrix(performance, month)
    units = matrix["indicator_id"].map(catalogue["unit"])  # looked up per column, not per cell
    matrix["cell"] = [
        f"{format_value(v, unit, s)} {RAG_LABELS[r] if r != 'none' else ''}".strip()
        for unit, v, s, r in zip(units, matrix["value"], matrix["suppressed"], matrix["rag"])
    ]
    grid = matrix.pivot(index="team", columns="indicator_id", values="cell")
    grid = grid.reindex(columns=[i for i in catalogue.index if i in grid.columns]).fillna("")
    grid.index = grid.index.map(team_label)
    grid.columns = [catalogue.at[i, "name"] for i in grid.columns]
    grid = grid.rename_axis("Team").reset_index()
    shown, config = grid, {}
    if len(grid) * (len(grid.columns) - 1) <= display.COLOURED_CELLS_UP_TO:
        shown, config = with_status_labels(grid, list(grid.columns[1:]))
    return grid, pa.Table.from_pandas(shown, preserve_index=False), config


grid, shown_grid, grid_config = memo(("compare.grid", *frame.cache_key, month, display.COLOURED_CELLS_UP_TO), team_grid)
st.dataframe(shown_grid, column_config=grid_config, hide_index=True, key="compare.matrix",
             alt=f"Every team by every indicator for {format_month(month)}")
downloads(grid, f"teams_by_indicators_{month_key(month)}", "compare.matrix_download", "the grid",
          identity=("compare.grid", *frame.cache_key, month))
st.caption(f"A cell shows {SUPPRESSED} where a small number is hidden in the public view.")
if not grid_config:
    st.caption(f"With {len(grid):,} rows the cells are plain text, without colour, so the page stays quick; "
               "the status words and symbols are all there.")
