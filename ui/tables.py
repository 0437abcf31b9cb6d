"""Display tables: domain rows turned into words, units and symbols for people to read."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from metrics.aggregation import WHOLE_SERVICE
from metrics.audience import PUBLIC
from metrics.formatting import (
    ASSURANCE_LABELS,
    DIRECTION_LABELS,
    NO_DATA,
    RAG_LABELS,
    VARIATION_LABELS,
    export_figures,
    format_count,
    format_month,
    format_value,
    format_values,
    in_words,
    month_key,
    team_label,
)
from metrics.suppression import is_small
from ui.state import explore_url

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


@dataclass(frozen=True)
class CaseloadSummary:
    """The caseloads page's figures for a month, as people read them."""

    table: pd.DataFrame  # by team, every figure as text ("c" where hidden)
    whole_service: dict[str, str]  # the whole service's row of the table
    chart_rows: pd.DataFrame  # team and mean, for the teams whose average is shown
    teams: list[str]
    widest: str  # the team with the highest caseload, in words (internal view)


def caseload_summary(summary: pd.DataFrame, threshold: int, detailed: bool) -> CaseloadSummary:
    """caseloads.summary_from_figures (public) or team_summary plus a whole-service row (internal), as text."""
    over, share = f"Over {threshold}", f"Share over {threshold}"

    def hidden(column: str) -> pd.Series:
        return summary[f"{column}_hidden"] if f"{column}_hidden" in summary.columns else pd.Series(False, summary.index)

    table = pd.DataFrame({
        "Team": summary["team"].map(team_label),
        "Workers": [format_count(v, h) for v, h in zip(summary["workers"], hidden("workers"))],
        "Average": format_values(summary["mean"], "number", hidden("mean")),
    })
    if detailed:
        table["Median"] = format_values(summary["median"], "number")
        table["Highest"] = [format_count(v) for v in summary["max"]]
    table[over] = [format_count(v, h) for v, h in zip(summary["over"], hidden("over"))]
    table[share] = format_values(summary["share_over"], "percent", hidden("share_over"))
    is_whole = summary["team"] == WHOLE_SERVICE
    whole = table[is_whole.to_numpy()]
    teams_only = summary[~is_whole]
    widest = ""
    if detailed and len(teams_only):
        top = teams_only.sort_values("max", ascending=False).iloc[0]
        widest = f"Widest reach: {top['team']}, up to {int(top['max'])} cases."
    shown = teams_only[~hidden("mean")[~is_whole]]
    return CaseloadSummary(
        table=table[~is_whole.to_numpy()].reset_index(drop=True),
        whole_service=whole.iloc[0].to_dict() if len(whole) else dict.fromkeys(table.columns, NO_DATA),
        chart_rows=pd.DataFrame({"team": shown["team"].astype("object"), "mean": shown["mean"].astype(float)}),
        teams=[str(team) for team in teams_only["team"]],
        widest=widest,
    )


def explore_figures(series: pd.DataFrame, unit: str, ratio: bool) -> pd.DataFrame:
    """An indicator's monthly figures as people read them; a ratio's parts where they may be shown."""
    table = pd.DataFrame({
        "Month": series["period"].map(format_month),
        "Team": series["team_label"],
        "Value": format_values(series["value"], unit, series["suppressed"]),
        "Target": [format_value(t, unit) if pd.notna(t) else "" for t in series["target"]],
        "Status": in_words(series["rag"], RAG_LABELS),
        "Change": in_words(series["direction"], DIRECTION_LABELS),
    })
    if ratio:
        table.insert(3, "Numerator", [format_count(n, s) for n, s in
                                      zip(series["numerator"], series["numerator_suppressed"])])
        table.insert(4, "Denominator", [format_count(d, s) for d, s in
                                        zip(series["denominator"], series["denominator_suppressed"])])
    return table


def compare_teams(rows: pd.DataFrame, unit: str, indicator_id: str, month: pd.Timestamp,
                  snapshot: str | None) -> pd.DataFrame:
    """One indicator's teams for a month as people read them, each with a link to its trend."""
    return pd.DataFrame({
        "Team": rows["team"].map(team_label),
        "Value": format_values(rows["value"], unit, rows["suppressed"]),
        "Target": [format_value(t, unit) if pd.notna(t) else "" for t in rows["target"]],
        "Status": in_words(rows["rag"], RAG_LABELS),
        "Explore": [explore_url(indicator_id, team, month, snapshot) for team in rows["team"]],
    })


def team_grid(matrix: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Teams by indicators: each cell the value and its status in words, blank where not reported."""
    units = matrix["indicator_id"].map(catalogue["unit"])
    values = format_values(matrix["value"], units, matrix["suppressed"])
    matrix = matrix.assign(cell=[f"{value} {RAG_LABELS[rag] if rag != 'none' else ''}".strip()
                                 for value, rag in zip(values, matrix["rag"])])
    grid = matrix.pivot(index="team", columns="indicator_id", values="cell")
    grid = grid.reindex(columns=[i for i in catalogue.index if i in grid.columns]).fillna("")
    grid.index = grid.index.map(team_label)
    grid.columns = [catalogue.at[i, "name"] for i in grid.columns]
    return grid.rename_axis("Team").reset_index()


def off_target_rows(rows: pd.DataFrame, month: pd.Timestamp, snapshot: str | None) -> pd.DataFrame:
    """Off-target rows as people read them, each with a link to its trend."""
    return pd.DataFrame({
        "Status": in_words(rows["rag"], RAG_LABELS),
        "Indicator": rows["name"],
        "Team": rows["team"].map(team_label),
        "Value": format_values(rows["value"], rows["unit"], rows["suppressed"]),
        "Target": format_values(rows["target"], rows["unit"]),
        "Off target for": rows["months_off_target"].map(off_target_text),
        "Change": in_words(rows["direction"], DIRECTION_LABELS),
        "Signal (SPC)": in_words(rows["variation"], VARIATION_LABELS),
        "Area": rows["area"],
        "Explore": [explore_url(i, t, month, snapshot) for i, t in zip(rows["indicator_id"], rows["team"])],
    })


def revisions(changes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Revised figures as people read them, and as downloaded (numbers, "c" where hidden)."""
    table = pd.DataFrame({
        "Month": changes["period"].map(format_month),
        "Indicator": changes["name"],
        "Team": changes["team"].map(team_label),
        "Old value": format_values(changes["value_old"], changes["unit"], changes["suppressed_old"]),
        "New value": format_values(changes["value_new"], changes["unit"], changes["suppressed_new"]),
        "Difference": ["" if pd.isna(d) else f"{d:+,.1f}" for d in changes["difference"]],
    })
    export = pd.DataFrame({
        "period": changes["period"].map(month_key), "indicator_id": changes["indicator_id"],
        "team": changes["team"],
        "old_value": export_figures(changes["value_old"], changes["suppressed_old"]),
        "new_value": export_figures(changes["value_new"], changes["suppressed_new"]),
        "difference": changes["difference"],
    })
    return table, export


def rows_read(counts: dict[str, int], audience: str) -> pd.DataFrame:
    """Rows read from each Annex A list; in public a count of 1 to 5 shows as "c" like any other."""
    public = audience == PUBLIC
    return pd.DataFrame({"List": list(counts),
                         "Rows read": [format_count(n, public and bool(is_small([n])[0])) for n in counts.values()]})


def chosen_rows(rows: pd.DataFrame, column: str, values, teams) -> pd.DataFrame:
    """The rows with these values of column and these team labels; an empty choice is everything."""
    if len(values):
        rows = rows[rows[column].isin(values)]
    if len(teams):
        rows = rows[rows["team"].map(team_label).isin(teams)]
    return rows
