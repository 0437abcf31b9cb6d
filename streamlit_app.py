"""Scorecard (home): every indicator for a month and team, against target, England and last month."""

import functools

import streamlit as st

from metrics.core.months import format_month
from metrics.outputs.formatting import team_label
from metrics.outputs.scorecard import export_table
from metrics.snapshot.reading import council_name
from ui import html, loaders
from ui.choosers import month_chooser, team_chooser
from ui.display import downloads, plain, safe_name
from ui.frame import page_frame
from ui.state import spc_urls

INLINE_LINKS = 4  # a sentence about more indicators than this lists its SPC charts below the story

frame = page_frame(
    "Scorecard",
    "How the service is doing this month: each indicator's value, RAG status (red, amber, green) "
    "against its target, change since last month, and how it compares with England and similar councils.",
)

left, right = st.columns(2)
with left:
    month = month_chooser(frame, "scorecard.month")
with right:
    team = team_chooser(frame, "scorecard.team")

scorecard, areas, summary = loaders.scorecard(*frame.cache_key, month.strftime("%Y-%m-%d"), (team,))
where = f"{plain(team_label(team))}, {format_month(month)}"

st.subheader(f"What the figures say: {where}")
link_snapshot = None if frame.snapshot.as_at == frame.valid[0] else frame.snapshot.as_at.isoformat()


def spc_links(said) -> str:
    """Links to the SPC chart of each indicator a sentence names (a few inline; more in a list below)."""
    names, indicator_ids, teams = zip(*said.spc)
    urls = spc_urls(list(indicator_ids), list(teams), month, link_snapshot)
    return " · ".join(f"[{plain(name)}]({url})" for name, url in zip(names, urls))


lines, listed = [], []
for said in summary:
    if said.spc and len(said.spc) <= INLINE_LINKS:
        lines.append(f"- {plain(said.text)} SPC chart{'s' if len(said.spc) > 1 else ''}: {spc_links(said)}")
    else:
        lines.append(f"- {plain(said.text)}" + (" Their SPC charts are listed below." if said.spc else ""))
        listed += [said] if said.spc else []
st.markdown("\n".join(lines))
if frame.performance.plan is not None and team == "":
    st.page_link("pages/plan.py", label="Each priority's measures: the Improvement Plan", icon=":material/checklist:")
for said in listed:
    with st.expander("SPC charts of the long-running signals"):
        st.markdown(spc_links(said))
st.subheader("Summary")
rated = scorecard[scorecard["rag"] != "none"]
counts = rated["rag"].value_counts()
green, amber, red = (int(counts.get(status, 0)) for status in ("green", "amber", "red"))
columns = st.columns(4)
columns[0].metric("✓ Green: on target", green)
columns[1].metric("! Amber: close to target", amber)
columns[2].metric("✗ Red: off target", red)
columns[3].metric("No status (no target or no data)", len(scorecard) - len(rated))
st.caption(
    "Change is since the month before. England and Similar councils (the mean of the statistical neighbours) are "
    "DfE's latest published figures, with the DfE year beneath and which quarter of England's councils this "
    "month's figure would sit in. Counts are not compared with other places. Trend is the last 13 months; "
    "a break in the line is a month hidden or missing. "
    "The Glossary explains RAG, SPC and each status."
)
for part in areas:
    st.subheader(plain(part.area))
    st.markdown(plain(part.paragraph))
    html.show(part.html)
with st.expander("What each indicator means"):
    st.markdown("\n\n".join(f"**{plain(part.area)}**\n\n{part.definitions}" for part in areas))

st.subheader("Take the scorecard away")
st.caption("The same rows as the tables above, with the figures as numbers (“c” where a small number is hidden).")
downloads(
    lambda: export_table(scorecard),
    f"scorecard_{month:%Y-%m}_{team or 'whole_service'}",
    "scorecard.download",
    "the scorecard",
)

st.subheader("The committee report")
st.caption(
    "A Word document in the shape of the monthly report to the scrutiny committee: the summary, key "
    "considerations area by area with the officers' notes, a chart for each red indicator and SPC concern, "
    "Appendix A (this scorecard), data notes and a glossary. Made when you ask for it (a few seconds)."
)
st.download_button(
    "Download the committee report (Word)",
    functools.partial(
        loaders.committee_report,
        *frame.cache_key,
        month.strftime("%Y-%m-%d"),
        team,
        frame.previous_snapshot,
        council_name(),
        frame.today,
    ),
    file_name=f"committee_report_{month:%Y-%m}_{safe_name(team) if team else 'whole_service'}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="scorecard.report",
    on_click="ignore",
)
