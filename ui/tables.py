"""Display tables: domain rows turned into words, units and symbols for people to read."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.formatting import (
    ASSURANCE_LABELS,
    DIRECTION_LABELS,
    RAG_LABELS,
    VARIATION_LABELS,
    format_month,
    format_value,
    in_words,
    team_label,
)

SCORECARD_COLUMNS = {
    "Indicator": st.column_config.TextColumn("Indicator", width="large"),
    "This month": st.column_config.TextColumn("This month", help="The value for the chosen month"),
    "Change": st.column_config.TextColumn("Change", help="Direction of travel since the month before"),
    "Last month": st.column_config.TextColumn("Last month"),
    "Target": st.column_config.TextColumn("Target", help="The target in force this month"),
    "England": st.column_config.TextColumn("Benchmark", help="The latest published benchmark on or before this month"),
    "Last 13 months": st.column_config.LineChartColumn("Last 13 months", width="small"),
    "Assurance": st.column_config.TextColumn("Assurance", help="Will the process reliably meet its target?"),
    "Off target for": st.column_config.TextColumn("Off target for"),
    "Notes": st.column_config.TextColumn("Notes", width="large"),
}
STATUS_COLUMNS = ["Status", "Signal (SPC)"]
STATUS_HELP = {
    "Status": "RAG: ✓ Green on target, ! Amber close to target, ✗ Red off target",
    "Signal (SPC)": "Statistical process control: is this month unusual, or ordinary variation?",
}


def benchmark_text(row: pd.Series) -> str:
    if pd.isna(row.get("benchmark")):
        return ""
    value = format_value(row["benchmark"], row["unit"])
    return f"{value} ({row['benchmark_comparator']}, {format_month(row['benchmark_period'])})"


def off_target_text(months: int) -> str:
    return "" if months <= 0 else f"{months} month{'s' if months != 1 else ''}"


def scorecard_rows(scorecard: pd.DataFrame, sparklines: list[list[float | None]]) -> pd.DataFrame:
    """The scorecard as people read it: every figure with its unit, statuses in words and symbols."""
    rows = pd.DataFrame({
        "Indicator": scorecard["name"],
        "This month": [format_value(v, u, s) for v, u, s in
                       zip(scorecard["value"], scorecard["unit"], scorecard["suppressed"])],
        "Status": in_words(scorecard["rag"], RAG_LABELS),
        "Change": in_words(scorecard["direction"], DIRECTION_LABELS),
        "Last month": [format_value(v, u, s) for v, u, s in
                       zip(scorecard["previous_value"], scorecard["unit"], scorecard["previous_suppressed"])],
        "Target": [format_value(t, u) if pd.notna(t) else "" for t, u in zip(scorecard["target"], scorecard["unit"])],
        "England": [benchmark_text(row) for _, row in scorecard.iterrows()],
        "Last 13 months": sparklines,
        "Signal (SPC)": in_words(scorecard["variation"], VARIATION_LABELS),
        "Assurance": in_words(scorecard["assurance"], ASSURANCE_LABELS),
        "Off target for": scorecard["months_off_target"].map(off_target_text),
        "Notes": scorecard["commentary"].fillna(""),
    })
    if scorecard["team"].nunique() > 1:
        rows.insert(0, "Team", scorecard["team"].map(team_label))
    return rows.reset_index(drop=True)
