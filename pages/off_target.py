"""Off target: every indicator and team amber or red this month, worst first."""

import streamlit as st

from metrics.core.months import format_month, month_key
from metrics.outputs.formatting import WHOLE_SERVICE_LABEL
from metrics.outputs.scorecard import export_table
from ui import html, loaders
from ui.choosers import filter_by, month_chooser
from ui.display import downloads
from ui.frame import page_frame

ROWS_SHOWN = 500  # a page a councillor can read; the download holds every row

frame = page_frame(
    "Off target",
    "Every indicator and team that is red (off target) or amber (close to target) this month, the most serious "
    "first: red before amber, then the longest run of months off target.",
)
performance = frame.performance

month = month_chooser(frame, "off_target.month")
rows = loaders.off_target(*frame.cache_key, month.strftime("%Y-%m-%d"))

areas = list(dict.fromkeys(performance.indicators["area"]))
teams = [WHOLE_SERVICE_LABEL, *performance.teams]
rows, chosen_areas, chosen_teams = filter_by(rows, "off_target", "area", "Areas", areas, teams)

red, amber = int((rows["rag"] == "red").sum()), int((rows["rag"] == "amber").sum())
st.markdown(f"**{format_month(month)}: {red} red and {amber} amber** for the areas and teams chosen.")
if rows.empty:
    st.success("Nothing is off target for this choice.")
    st.stop()


link_snapshot = None if frame.snapshot.as_at == frame.valid[0] else frame.snapshot.as_at.isoformat()
table = loaders.off_target_table(
    *frame.cache_key, f"{month:%Y-%m-%d}", tuple(chosen_areas), tuple(chosen_teams), link_snapshot, ROWS_SHOWN
)
if len(rows) > ROWS_SHOWN:
    st.caption(f"Showing the {ROWS_SHOWN} most serious of {len(rows):,}; the download has them all.")
html.show(table)
downloads(lambda: export_table(rows), f"off_target_{month_key(month)}", "off_target.download")
