"""The Improvement Plan in words, tables and charts: a sentence per measure, a line per priority, the
report's section and the command's table, all from metrics.plan.progress (one set of figures)."""

from __future__ import annotations

from collections import Counter

import altair as alt
import numpy as np
import pandas as pd

from metrics.core.months import format_month
from metrics.outputs.charts import CHART_HEIGHT, MONTH_AXIS, Layout, chart_title
from metrics.outputs.formatting import export_figures, format_value, unit_title
from metrics.plan.measures import measures_of
from metrics.plan.progress import (
    CONTRACT_COLUMNS,
    MET,
    MISSED,
    NO_DATA,
    NOT_DUE,
    OFF_TRACK,
    ON_TRACK,
    STATUSES,
    measure_status,
)

# A status in words with a symbol, never colour alone.
STATUS_LABELS = {
    MET: "✓ Met",
    MISSED: "✗ Missed",
    ON_TRACK: "→ On track",
    OFF_TRACK: "! Off track",
    NOT_DUE: "… Not due yet",
    NO_DATA: "– No data",
}
SUMMARY_ORDER = (MET, ON_TRACK, OFF_TRACK, MISSED, NO_DATA, NOT_DUE)
# Priorities with a measure off track or missed come first: what a committee asks about.
NEEDS_ATTENTION = (OFF_TRACK, MISSED)
EXPORT_COLUMNS = [
    *CONTRACT_COLUMNS,
    "name",
    "unit",
    "period",
    "value_month",
    "baseline",
    "direction",
    "owner",
]
PLAN_COLOUR = "#1f4e79"
LABEL_COLOUR = "#444444"
TRAJECTORY_COLOUR = "#6a3d9a"


def measure_name(rows: pd.DataFrame) -> str:
    """The measure as a councillor reads it: the indicator's name, and its team where it is a team's."""
    first = rows.iloc[0]
    return f"{first['name']} ({first['team']})" if first["team"] else str(first["name"])


def _missing_words(rows: pd.DataFrame) -> str:
    return "hidden in the public view, as it rests on small numbers" if rows["suppressed"].any() else "not recorded"


def path_value(value: float, unit: str) -> str:
    """The plan's path in a month: a count's path falls between whole numbers, so it keeps one decimal
    place (12.6, not 13, when the target is 13)."""
    if unit == "count" and not np.isnan(value):
        return f"{value:,.1f}"
    return format_value(value, unit, missing="")


def measure_sentence(rows: pd.DataFrame, period: pd.Timestamp) -> str:
    """One measure's progress in a sentence, in the narrative's style: the figure, the plan's path and
    the milestone it is heading for; or how the last milestone went, once all are past."""
    unit, name = rows["unit"].iloc[0], measure_name(rows)
    status = measure_status(rows)
    upcoming = rows[rows["next_milestone"]]
    due = rows[rows["status"].isin([MET, MISSED, NO_DATA])]
    last_due = ""
    if len(due):
        row = due.iloc[-1]
        outcome = {MET: "was met", MISSED: "was missed", NO_DATA: "cannot be judged"}[row["status"]]
        shown = format_value(row["value"], unit, bool(row["suppressed"]))
        figure = f" ({shown})" if row["status"] != NO_DATA else f": the figure is {_missing_words(due.tail(1))}"
        last_due = (
            f" Its {format_month(row['milestone'])} milestone of {format_value(row['target'], unit)} {outcome}{figure}."
        )
    if len(upcoming):
        row = upcoming.iloc[0]
        goal = f"{format_value(row['target'], unit)} by {format_month(row['milestone'])}"
        if status == NO_DATA:
            if np.isnan(row["value"]):
                why = f"the {format_month(period)} figure is {_missing_words(upcoming)}"
            else:
                why = f"the {format_month(row['baseline'])} baseline figure the plan starts from is not available"
            return f"{name}: progress towards {goal} cannot be judged, as {why}.{last_due}"
        value, due_now = format_value(row["value"], unit), path_value(row["trajectory"], unit)
        where = "behind" if status == OFF_TRACK else "on" if value == due_now else "ahead of"
        return (
            f"{name} was {value} in {format_month(period)}, {where} the plan's path "
            f"to {goal} ({due_now} due by now).{last_due}"
        )
    if len(due):
        return f"{name}: every milestone is now past.{last_due}"
    baseline = rows["baseline"].iloc[0]
    return f"{name}: the plan measures this from {format_month(baseline)}, after {format_month(period)}."


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def priority_summary(statuses: list[str]) -> str:
    """'4 measures: 1 met, 2 on track, 1 off track.'"""
    counts = Counter(statuses)
    parts = [f"{counts[status]} {status}" for status in SUMMARY_ORDER if counts[status]]
    total = len(statuses)
    return f"{total} measure{'s' if total != 1 else ''}: {', '.join(parts)}."


def priorities(progress: pd.DataFrame, period: pd.Timestamp) -> list[dict]:
    """Each priority with its owner(s), summary line and measures (rows, sentence, status), those with a
    measure off track or missed first, otherwise in the plan's order."""
    found: dict[str, dict] = {}
    for rows in measures_of(progress):
        first = rows.iloc[0]
        entry = found.setdefault(
            first["priority_id"], {"priority_id": first["priority_id"], "title": first["priority"], "measures": []}
        )
        entry["measures"].append(
            {"rows": rows, "status": measure_status(rows), "sentence": measure_sentence(rows, period)}
        )
    result = []
    for entry in found.values():
        statuses = [measure["status"] for measure in entry["measures"]]
        owners = [measure["rows"]["owner"].iloc[0] for measure in entry["measures"]]
        entry["owners"] = [owner for owner in dict.fromkeys(owners) if isinstance(owner, str) and owner]
        entry["summary"] = priority_summary(statuses)
        entry["off_track"] = sum(status in NEEDS_ATTENTION for status in statuses)
        result.append(entry)
    return sorted(result, key=lambda entry: entry["off_track"] == 0)  # stable: the plan's order otherwise


def off_track_sentence(entries: list[dict]) -> str:
    """The plan in one sentence for the story's first line: which priorities are off track."""
    behind = [entry for entry in entries if entry["off_track"]]
    if not entries:
        return ""
    if not behind:
        return f"Improvement Plan: all {len(entries)} priorities are on track or have met their milestones."
    names = "; ".join(f"{entry['title']} ({entry['off_track']} of {len(entry['measures'])})" for entry in behind)
    return f"Improvement Plan: {len(behind)} of {len(entries)} priorities have measures off track or missed: {names}."


def milestone_table(rows: pd.DataFrame) -> pd.DataFrame:
    """A measure's milestones as the page and report show them: month, target, value, status."""
    unit = rows["unit"].iloc[0]
    return pd.DataFrame(
        {
            "Milestone": [format_month(month) for month in rows["milestone"]],
            "Target": [format_value(target, unit) for target in rows["target"]],
            "Value": [
                "" if status == NOT_DUE else format_value(value, unit, bool(hidden))
                for value, hidden, status in zip(rows["value"], rows["suppressed"], rows["status"])
            ],
            "Due by now": [path_value(value, unit) for value in rows["trajectory"]],
            "Status": [status_label(status) for status in rows["status"]],
        }
    )


def export_progress(progress: pd.DataFrame, period: pd.Timestamp) -> pd.DataFrame:
    """The command's table: the contract's columns first, months as YYYY-MM, hidden values as 'c'."""
    if progress.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    table = progress.copy()
    table["period"] = pd.Timestamp(period).strftime("%Y-%m")
    for column in ("milestone", "value_month", "baseline"):
        table[column] = pd.to_datetime(table[column]).dt.strftime("%Y-%m")
    table["value"] = export_figures(progress["value"], progress["suppressed"])
    table["trajectory"] = export_figures(progress["trajectory"], np.zeros(len(progress), dtype=bool))
    table["target"] = progress["target"].astype("float64").round(6)
    assert set(table["status"]) <= set(STATUSES)
    return table[EXPORT_COLUMNS]


def trajectory_points(rows: pd.DataFrame) -> pd.DataFrame:
    """The plan's path as points to join: the baseline month's value (where it is shown) and each
    milestone's target."""
    first = rows.iloc[0]
    points = [] if np.isnan(first["baseline_value"]) else [(first["baseline"], first["baseline_value"], "Baseline")]
    points += [(month, target, "Milestone") for month, target in zip(rows["milestone"], rows["target"])]
    unit = first["unit"]
    return pd.DataFrame(
        {
            "period": pd.to_datetime([point[0] for point in points]),
            "value": [float(point[1]) for point in points],
            "kind": [point[2] for point in points],
            "label": [f"{kind} {format_month(month)}: {format_value(value, unit)}" for month, value, kind in points],
            "short": [format_value(value, unit) for value in (point[1] for point in points)],
        }
    )


def plan_layout(figures: pd.DataFrame, rows: pd.DataFrame, title: str, description: str) -> Layout:
    """A measure's figure month by month against the plan's path (dashed) and its milestones (labelled
    diamonds), as a Layout: its layers depend on the unit alone, so a page builds them once and sends
    each measure's and month's tables. figures: period, value, suppressed (a hidden value is a gap)."""
    unit = rows["unit"].iloc[0]
    path = trajectory_points(rows)
    milestones = path[path["kind"] == "Milestone"]
    tables = {
        "figures": pd.DataFrame(
            {
                "period": pd.to_datetime(figures["period"]).array,
                "value": figures["value"].astype("float64").array,
                "value_text": [format_value(v, unit, bool(h)) for v, h in zip(figures["value"], figures["suppressed"])],
            }
        ),
        "path": path[["period", "value", "label"]].reset_index(drop=True),
        "milestones": milestones[["period", "value", "label", "short"]].reset_index(drop=True),
    }
    return Layout(_plan_layers, (unit,), tables, title, {"description": description}, description)


def _plan_layers(shape: tuple, table, title: str, word) -> alt.LayerChart:
    (unit,) = shape
    y = alt.Y("value:Q", title=unit_title(unit).capitalize(), scale=alt.Scale(zero=False))
    month_tip = alt.Tooltip("period:T", title="Month", format="%B %Y")
    plan_tip = [alt.Tooltip("label:N", title="Plan")]
    figure = alt.Chart(table("figures")).encode(
        x=alt.X("period:T", axis=MONTH_AXIS), y=y, tooltip=[month_tip, alt.Tooltip("value_text:N", title="Value")]
    )
    milestones = alt.Chart(table("milestones")).encode(x=alt.X("period:T"), y=alt.Y("value:Q"), tooltip=plan_tip)
    layers = [
        figure.mark_line(color=PLAN_COLOUR, strokeWidth=2.5, invalid="break-paths-show-domains"),
        figure.mark_point(color=PLAN_COLOUR, filled=True, size=50),
        alt.Chart(table("path"))
        .mark_line(color=TRAJECTORY_COLOUR, strokeDash=[6, 4], strokeWidth=2)
        .encode(x=alt.X("period:T"), y=alt.Y("value:Q"), tooltip=plan_tip),
        milestones.mark_point(shape="diamond", size=140, filled=True, color=TRAJECTORY_COLOUR),
        milestones.mark_text(dy=-14, fontSize=11, color=LABEL_COLOUR, aria=False).encode(text=alt.Text("short:N")),
    ]
    return alt.layer(*layers, title=chart_title(title), height=CHART_HEIGHT * 3 // 4, description=word("description"))
