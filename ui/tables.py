"""Display tables: domain rows turned into words, units and symbols for people to read."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.core.arrays import row_tuples
from metrics.core.months import format_month, month_key, months_before
from metrics.disclosure.audience import PUBLIC
from metrics.disclosure.suppression import is_small
from metrics.outputs.formatting import (
    ASSURANCE_LABELS,
    DIRECTION_LABELS,
    NO_DATA,
    RAG_LABELS,
    VARIATION_LABELS,
    export_figures,
    format_count,
    format_value,
    format_values,
    in_words,
    status_run_text,
    team_label,
)
from metrics.outputs.narrative import reading
from metrics.snapshot.contract import WHOLE_SERVICE
from ui.html import RAG_TONES, VARIATION_TONES, Cell, Column, sparkline
from ui.state import explore_urls

SCORECARD_COLUMNS = [
    Column("Indicator", "name"),
    Column("This month", "value"),
    Column("Status", "status"),
    Column("Change", "change"),
    Column("Target", "target"),
    Column("England", "benchmark"),
    Column("Similar councils", "neighbours"),
    Column("Trend", "trend", in_card=False),
    Column("Signal (SPC)", "signal", in_card=False),
    Column("Notes", "notes"),
]
TREND_MONTHS = 13


def england_cell(row) -> Cell:
    """England's figure, the DfE year it is for, and which quarter of councils this figure sits in."""
    if pd.isna(row.england):
        return Cell(detail=row.quarter if isinstance(row.quarter, str) else "")
    quarter = f" · {row.quarter}" if isinstance(row.quarter, str) else ""
    return Cell(format_value(row.england, row.unit), f"DfE {row.england_year}{quarter}")


def neighbours_cell(row) -> Cell:
    """The statistical neighbours' mean, its DfE year and how many councils it rests on."""
    if pd.isna(row.neighbours):
        return Cell()
    councils = f" · mean of {int(row.neighbours_councils)}" if pd.notna(row.neighbours_councils) else ""
    return Cell(format_value(row.neighbours, row.unit), f"DfE {row.neighbours_year}{councils}")


def status_cell(row) -> Cell:
    return Cell(
        RAG_LABELS[row.rag],
        status_run_text(row.rag, row.months_at_status, row.status_from_start, row.period),
        kind="status",
        tone=RAG_TONES[row.rag],
    )


def trend_label(values: list[float | None], unit: str, month: pd.Timestamp) -> str:
    """What a screen reader says for a trend line: its first and last figures shown, and any gaps."""
    shown = [(step, v) for step, v in enumerate(values) if v is not None]
    if not shown:
        return ""
    (first_step, first), (last_step, last) = shown[0], shown[-1]
    first_month, last_month = (months_before(month, len(values) - 1 - step) for step in (first_step, last_step))
    text = (
        f"{len(values)} months to {format_month(month)}: {format_value(first, unit)} in {format_month(first_month)}, "
        f"{format_value(last, unit)} in {format_month(last_month)}"
    )
    gaps = len(values) - len(shown)
    return text + (f"; {gaps} month{'s' if gaps != 1 else ''} hidden or missing" if gaps else "")


def scorecard_cells(scorecard: pd.DataFrame, trends: list[list[float | None]]) -> list[list[Cell]]:
    """The scorecard as people read it: one row of cells per indicator (and team), in SCORECARD_COLUMNS order."""
    several_teams = scorecard["team"].nunique() > 1
    values = format_values(scorecard["value"], scorecard["unit"], scorecard["suppressed"])
    previous = format_values(scorecard["previous_value"], scorecard["unit"], scorecard["previous_suppressed"])
    rows = []
    for row, value, last, trend in zip(row_tuples(scorecard), values, previous, trends):
        spark = sparkline(trend, trend_label(trend, row.unit, row.period))
        line = reading(row)
        rows.append(
            [
                Cell(
                    row.name, " · ".join(part for part in (team_label(row.team) if several_teams else "", line) if part)
                ),
                Cell(value),
                status_cell(row),
                Cell(DIRECTION_LABELS[row.direction], f"from {last}" if last != NO_DATA else "last month: no data"),
                Cell(format_value(row.target, row.unit, missing="")),
                england_cell(row),
                neighbours_cell(row),
                Cell(spark, kind="trend"),
                Cell(
                    VARIATION_LABELS[row.variation],
                    ASSURANCE_LABELS[row.assurance] if row.assurance != "none" else "",
                    kind="status",
                    tone=VARIATION_TONES[row.variation],
                ),
                Cell(row.commentary or ""),
            ]
        )
    return rows


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

    table = pd.DataFrame(
        {
            "Team": summary["team"].map(team_label),
            "Workers": [format_count(v, h) for v, h in zip(summary["workers"], hidden("workers"))],
            "Average": format_values(summary["mean"], "number", hidden("mean")),
        }
    )
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
    table = pd.DataFrame(
        {
            "Month": series["period"].map(format_month),
            "Team": series["team_label"],
            "Value": format_values(series["value"], unit, series["suppressed"]),
            "Target": format_values(series["target"], unit, missing=""),
            "Status": in_words(series["rag"], RAG_LABELS),
            "Change": in_words(series["direction"], DIRECTION_LABELS),
        }
    )
    if ratio:
        table.insert(
            3, "Numerator", [format_count(n, s) for n, s in zip(series["numerator"], series["numerator_suppressed"])]
        )
        table.insert(
            4,
            "Denominator",
            [format_count(d, s) for d, s in zip(series["denominator"], series["denominator_suppressed"])],
        )
    return table


def compare_teams(
    rows: pd.DataFrame, unit: str, indicator_id: str, month: pd.Timestamp, snapshot: str | None
) -> pd.DataFrame:
    """One indicator's teams for a month as people read them, each with a link to its trend."""
    return pd.DataFrame(
        {
            "Team": rows["team"].map(team_label),
            "Value": format_values(rows["value"], unit, rows["suppressed"]),
            "Target": format_values(rows["target"], unit, missing=""),
            "Status": in_words(rows["rag"], RAG_LABELS),
            "Explore": explore_urls([indicator_id] * len(rows), rows["team"].tolist(), month, snapshot),
        }
    )


def team_grid(matrix: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Teams by indicators: each cell the value and its status in words, blank where not reported.

    Teams in name order (the whole service first), indicators in the catalogue's order; laid out with
    numpy rather than pivoted, which took 18 ms a month on the demo's 11 teams by 39 indicators.
    """
    units = matrix["indicator_id"].map(catalogue["unit"])
    values = format_values(matrix["value"], units, matrix["suppressed"])
    cells = [f"{value} {RAG_LABELS[rag] if rag != 'none' else ''}".strip() for value, rag in zip(values, matrix["rag"])]
    reported = set(matrix["indicator_id"])
    indicators = pd.Index([indicator for indicator in catalogue.index if indicator in reported])
    teams = pd.Index(sorted(set(matrix["team"])))
    grid = np.full((len(teams), len(indicators)), "", dtype=object)
    grid[teams.get_indexer(matrix["team"]), indicators.get_indexer(matrix["indicator_id"])] = cells
    table = pd.DataFrame(grid, columns=list(catalogue.loc[indicators, "name"]), dtype=object)  # text: no inference
    table.insert(0, "Team", [team_label(team) for team in teams])
    return table


OFF_TARGET_COLUMNS = [
    Column("Indicator", "name"),
    Column("Team", "team"),
    Column("Value", "value"),
    Column("Status", "status"),
    Column("Target", "target"),
    Column("Change", "change"),
    Column("Signal (SPC)", "signal", in_card=False),
    Column("Trend", "link"),
]


def off_target_cells(rows: pd.DataFrame, month: pd.Timestamp, snapshot: str | None) -> list[list[Cell]]:
    """Off-target rows as people read them, each with a link to its trend."""
    rows = rows.assign(period=month)
    values = format_values(rows["value"], rows["unit"], rows["suppressed"])
    targets = format_values(rows["target"], rows["unit"])
    links = explore_urls(rows["indicator_id"].tolist(), rows["team"].tolist(), month, snapshot)
    return [
        [
            Cell(row.name, row.area),
            Cell(team_label(row.team)),
            Cell(value),
            status_cell(row),
            Cell(target),
            Cell(DIRECTION_LABELS[row.direction]),
            Cell(VARIATION_LABELS[row.variation], kind="status", tone=VARIATION_TONES[row.variation]),
            Cell("See the trend", kind="link", href=link),
        ]
        for row, value, target, link in zip(row_tuples(rows), values, targets, links)
    ]


def revisions(changes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Revised figures as people read them, and as downloaded (numbers, "c" where hidden)."""
    table = pd.DataFrame(
        {
            "Month": changes["period"].map(format_month),
            "Indicator": changes["name"],
            "Team": changes["team"].map(team_label),
            "Old value": format_values(changes["value_old"], changes["unit"], changes["suppressed_old"]),
            "New value": format_values(changes["value_new"], changes["unit"], changes["suppressed_new"]),
            "Difference": ["" if pd.isna(d) else f"{d:+,.1f}" for d in changes["difference"]],
        }
    )
    export = pd.DataFrame(
        {
            "period": changes["period"].map(month_key),
            "indicator_id": changes["indicator_id"],
            "team": changes["team"],
            "old_value": export_figures(changes["value_old"], changes["suppressed_old"]),
            "new_value": export_figures(changes["value_new"], changes["suppressed_new"]),
            "difference": changes["difference"],
        }
    )
    return table, export


def rows_read(counts: dict[str, int], audience: str) -> pd.DataFrame:
    """Rows read from each Annex A list; in public a count of 1 to 5 shows as "c" like any other."""
    public = audience == PUBLIC
    return pd.DataFrame(
        {
            "List": list(counts),
            "Rows read": [format_count(n, public and bool(is_small([n])[0])) for n in counts.values()],
        }
    )


def chosen_rows(rows: pd.DataFrame, column: str, values, teams) -> pd.DataFrame:
    """The rows with these values of column and these team labels; an empty choice is everything."""
    if len(values):
        rows = rows[rows[column].isin(values)]
    if len(teams):
        rows = rows[rows["team"].map(team_label).isin(teams)]
    return rows


def problems(found: list) -> pd.DataFrame:
    """Problems found in files, as officers read them: the file, the column, the rows and what is wrong."""
    return pd.DataFrame(
        {
            "File": [problem.file or "-" for problem in found],
            "Column": [problem.column for problem in found],
            "Rows": [
                ", ".join(str(row) for row in problem.rows)
                + (
                    f" and {problem.row_count - len(problem.rows)} more"
                    if problem.row_count > len(problem.rows)
                    else ""
                )
                for problem in found
            ],
            "What is wrong": [problem.message for problem in found],
        }
    )


def preview_changes(changes: pd.DataFrame, before_month, month) -> pd.DataFrame:
    """The whole service before and after a new month, indicator by indicator, as officers read it."""
    before = format_month(before_month) if before_month is not None else "Before"
    now = format_month(month)
    known_before = changes["rag_before"].notna()
    return pd.DataFrame(
        {
            "Indicator": changes["name"],
            "Area": changes["area"],
            f"{before} (published)": format_values(
                changes["value_before"], changes["unit"], changes["suppressed_before"].fillna(False).astype(bool)
            ),
            f"{now} (new)": format_values(
                changes["value"], changes["unit"], changes["suppressed"].fillna(False).astype(bool)
            ),
            "Change": in_words(changes["direction"], DIRECTION_LABELS),
            "Status before": np.where(known_before, in_words(changes["rag_before"].fillna("none"), RAG_LABELS), "New"),
            "Status now": in_words(changes["rag"].fillna("none"), RAG_LABELS),
        }
    )


def _file_words(record: dict) -> str:
    digest = str(record.get("sha256", ""))[:12]
    return f"{record.get('name')} ({int(record.get('bytes', 0)):,} bytes, SHA-256 {digest}…)"


PUBLICATION_ACTIONS = {"publish": "Published", "withdraw": "Withdrawn"}


def publication_log(entries: list[dict]) -> pd.DataFrame:
    """The publication log, newest first: when, what, which snapshot, who, and the files or the reason."""
    rows = []
    for entry in reversed(entries):
        files = entry.get("files") or []
        detail = (
            entry.get("why")
            if entry.get("action") == "withdraw"
            else ", ".join(_file_words(record) for record in files if isinstance(record, dict))
        )
        when = pd.Timestamp(entry.get("at")) if entry.get("at") else None
        rows.append(
            {
                "When (UTC)": "" if when is None else f"{when:%d %B %Y %H:%M}",
                "What": PUBLICATION_ACTIONS.get(entry.get("action"), str(entry.get("action"))),
                "Snapshot": "" if not entry.get("as_at") else f"As at {pd.Timestamp(entry['as_at']):%d %B %Y}",
                "Who": str(entry.get("by", "")),
                "How": str(entry.get("how", "")),
                "Files, or why": detail or "",
            }
        )
    return pd.DataFrame(rows, columns=["When (UTC)", "What", "Snapshot", "Who", "How", "Files, or why"])
