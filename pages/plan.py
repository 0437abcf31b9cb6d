"""Improvement Plan: each priority's measures against the plan's path and milestones, in a month."""

import pandas as pd
import streamlit as st

from metrics.core.months import format_month
from metrics.outputs import plan as plan_words
from metrics.plan.progress import MET, MISSED, NO_DATA, NOT_DUE, OFF_TRACK, ON_TRACK
from ui import html, loaders
from ui.choosers import month_chooser
from ui.display import downloads, plain, show_chart
from ui.frame import page_frame
from ui.state import explore_span_url

MONTHS_BEFORE_BASELINE = 6  # the chart starts this many months before the plan does, to show where it began
TONES = {MET: "good", ON_TRACK: "good", OFF_TRACK: "warn", MISSED: "bad", NOT_DUE: "plain", NO_DATA: "plain"}
COLUMNS = [
    html.Column("Milestone", "name"),
    html.Column("Target", "value"),
    html.Column("Value", "value"),
    html.Column("Due by now", "value"),
    html.Column("Status", "status"),
]

frame = page_frame(
    "Improvement Plan",
    "Is the service doing what the Improvement Plan promised? Each priority's measures against the plan's "
    "path (the trajectory) and its milestones, in the month you choose. Priorities with a measure off track "
    "or missed come first.",
)
performance = frame.performance
month = month_chooser(frame, "plan.month")
progress = loaders.plan_progress(*frame.cache_key, month.strftime("%Y-%m-%d"))
if progress.empty:
    st.info(
        "This snapshot has no Improvement Plan. A performance officer adds one as a plan sheet (or plan.csv) "
        "when loading a month: see the glossary for what a plan holds."
    )
    st.stop()

entries = loaders.plan_priorities(*frame.cache_key, month.strftime("%Y-%m-%d"))
st.markdown(f"**{plain(plan_words.off_track_sentence(entries))}**")
figures = loaders.plan_figures(*frame.cache_key)
link_snapshot = None if frame.snapshot.as_at == frame.valid[0] else frame.snapshot.as_at.isoformat()
first_month, last_month = performance.months[0], performance.months[-1]

for number, entry in enumerate(entries, 1):
    st.subheader(f"{number}. {plain(entry['title'])}", anchor=f"priority-{entry['priority_id']}")
    owners = f"Owner: {plain('; '.join(entry['owners']))}. " if entry["owners"] else ""
    st.markdown(f"{owners}{plain(entry['summary'])}")
    for place, measure in enumerate(entry["measures"]):
        rows = measure["rows"]
        first = rows.iloc[0]
        name = plan_words.measure_name(rows)
        label = plan_words.status_label(measure["status"])
        st.markdown(f"**{plain(label)}: {plain(name)}**  \n{plain(measure['sentence'])}")
        start = max(first["baseline"] - pd.DateOffset(months=MONTHS_BEFORE_BASELINE), first_month)
        shown = figures[
            (figures["indicator_id"] == first["indicator_id"])
            & (figures["team"] == first["team"])
            & (figures["period"] >= start)
            & (figures["period"] <= month)
        ][["period", "value", "suppressed"]]
        title = f"{name} against the plan — figure by month, the plan's path dashed, milestones as ◆"
        show_chart(
            frame.cache_key,
            ("plan", entry["priority_id"], first["indicator_id"], first["team"], f"{month:%Y-%m}"),
            lambda rows=rows, shown=shown, title=title, measure=measure: plan_words.plan_layout(
                shown.reset_index(drop=True), rows, title, measure["sentence"]
            ),
            f"plan.chart.{entry['priority_id']}.{place}",
        )
        table = plan_words.milestone_table(rows)
        cells = [
            [
                html.Cell(row["Milestone"]),
                html.Cell(row["Target"]),
                html.Cell(row["Value"]),
                html.Cell(row["Due by now"]),
                html.Cell(row["Status"], kind="status", tone=TONES[status]),
            ]
            for row, status in zip(table.to_dict("records"), rows["status"])
        ]
        html.show(html.table_html(COLUMNS, cells, f"Milestones: {name}"))
        span_end = min(max(rows["milestone"].max(), first_month), last_month)
        span_start = min(max(first["baseline"], first_month), span_end)
        url = explore_span_url(first["indicator_id"], first["team"], span_start, span_end, link_snapshot)
        st.markdown(
            f"[Explore {plain(name)} from {format_month(span_start)} to {format_month(span_end)}]({url})",
        )

downloads(
    lambda: plan_words.export_progress(progress, month),
    f"improvement_plan_{month:%Y-%m}",
    "plan.download",
)
st.caption(
    "How progress is judged: the plan's path runs in a straight line from the baseline month's figure to the "
    "first milestone's target, then from each milestone to the next. A measure is on track when this month's "
    "figure is at or better than the path, met or missed by its figure in the milestone month. A figure the "
    "public view hides is shown as c and its milestone as no data: it is never guessed."
)
