"""Off target: every indicator and team amber or red this month, worst first."""

from urllib.parse import urlencode

import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics.formatting import (
    DIRECTION_LABELS,
    RAG_LABELS,
    VARIATION_LABELS,
    WHOLE_SERVICE_LABEL,
    format_month,
    format_value,
    in_words,
    month_key,
    team_label,
)
from metrics.scorecard import export_table
from ui import loaders
from ui.choosers import filter_by, month_chooser
from ui.display import downloads, memo, with_status_labels
from ui.frame import page_frame
from ui.tables import off_target_text

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


def explore_link(indicator_id: str, team: str) -> str:
    query = {"indicator": indicator_id, "teams": team_label(team), "to": month_key(month)}
    return f"/explore?{urlencode(query)}"


view_key = ("off_target", *frame.cache_key, month, tuple(chosen_areas), tuple(chosen_teams))


def off_target_table() -> tuple[pa.Table, dict]:
    """The most serious rows as people read them (statuses as coloured labels), ready to draw."""
    worst = rows.head(ROWS_SHOWN)
    table = pd.DataFrame({
        "Status": in_words(worst["rag"], RAG_LABELS),
        "Indicator": worst["name"],
        "Team": worst["team"].map(team_label),
        "Value": [format_value(v, u, s) for v, u, s in zip(worst["value"], worst["unit"], worst["suppressed"])],
        "Target": [format_value(t, u) for t, u in zip(worst["target"], worst["unit"])],
        "Off target for": worst["months_off_target"].map(off_target_text),
        "Change": in_words(worst["direction"], DIRECTION_LABELS),
        "Signal (SPC)": in_words(worst["variation"], VARIATION_LABELS),
        "Area": worst["area"],
        "Explore": [explore_link(i, t) for i, t in zip(worst["indicator_id"], worst["team"])],
    })
    shown, status_config = with_status_labels(table, ["Status", "Signal (SPC)"])
    return pa.Table.from_pandas(shown, preserve_index=False), status_config


shown, status_config = memo((*view_key, "table"), off_target_table)
if len(rows) > ROWS_SHOWN:
    st.caption(f"Showing the {ROWS_SHOWN} most serious of {len(rows):,}; the download has them all.")
st.dataframe(
    shown, hide_index=True, key="off_target.table",
    column_config={"Explore": st.column_config.LinkColumn("Explore", display_text="See the trend"), **status_config},
    alt=f"Indicators off target in {format_month(month)}",
)
downloads(export_table(rows), f"off_target_{month_key(month)}", "off_target.download", identity=view_key)
