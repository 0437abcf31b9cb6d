"""Caseloads: cases per worker by team, workers over a threshold, and the trend."""

import streamlit as st

from metrics.core.months import format_month, month_key
from metrics.disclosure.audience import PUBLIC
from metrics.disclosure.suppression import SUPPRESSED
from metrics.outputs import charts
from metrics.rating.caseloads import DEFAULT_THRESHOLD
from ui import loaders
from ui.choosers import month_chooser
from ui.display import downloads, plain, show_chart
from ui.frame import page_frame

frame = page_frame(
    "Caseloads",
    "How many cases workers hold, team by team: the average, how many workers hold more than the threshold, "
    "and the trend. A team can look fine on average while some workers hold far too many.",
)
public = frame.audience == PUBLIC
months = loaders.caseload_months(*frame.cache_key)
if not months:
    st.info(
        "This snapshot has no caseloads table (caseloads.parquet), so there is nothing to show here. "
        "A performance officer can add one with the next snapshot: one row per worker and month."
    )
    st.stop()

left, right = st.columns(2)
with left:
    month = month_chooser(frame, "caseloads.month")
with right:
    threshold = st.number_input(
        "Threshold: cases per worker",
        min_value=1,
        max_value=100,
        value=DEFAULT_THRESHOLD,
        step=1,
        key="caseloads.threshold",
        disabled=public,
        help=f"The public view always uses {DEFAULT_THRESHOLD}: figures at other thresholds could be set "
        "against each other to count individual workers."
        if public
        else None,
    )
threshold = DEFAULT_THRESHOLD if public else int(threshold)
if month not in months:
    st.info(f"There are no caseloads for {format_month(month)}; choose another month.")
    st.stop()

summary = loaders.caseload_summary(*frame.cache_key, month_key(month), threshold)
service = summary.whole_service
columns = st.columns(3)
columns[0].metric("Service average (cases per worker)", service["Average"])
columns[1].metric(f"Workers with more than {threshold} cases", service[f"Over {threshold}"])
columns[2].metric("Share of workers over the threshold", service[f"Share over {threshold}"])

if public:
    st.caption(
        "Public view: team figures only, under the same small-number rule as the indicators. A headcount, "
        "average or share built on 1 to 5 workers or cases shows as “c”, and so does one more figure where "
        "it could be worked out from the total. The spread of individual caseloads is for signed-in managers."
    )
    title = f"Average cases per worker by team — {format_month(month)} (red dashed line: {threshold} cases)"
    show_chart(
        frame.cache_key,
        ("caseloads.averages", month, threshold),
        lambda: charts.caseload_averages(summary.chart_rows, threshold=threshold, title=title),
        "caseloads.averages",
    )
    hidden_teams = summary.table.loc[summary.table["Average"] == SUPPRESSED, "Team"].tolist()
    if hidden_teams:
        st.caption(f"Not drawn (shown as “c”): {plain(', '.join(hidden_teams))}.")
else:
    title = f"Cases per worker by team — {format_month(month)} (red dashed line: threshold of {threshold})"
    show_chart(
        frame.cache_key,
        ("caseloads.spread", month, threshold),
        lambda: charts.caseload_spread(
            loaders.caseload_workers(*frame.cache_key, month_key(month)),
            threshold=threshold,
            title=title,
            show_workers=True,
        ),
        "caseloads.spread",
    )
    st.caption(
        "Each box spans the middle half of a team's workers, the line inside is the median and the "
        f"whiskers reach the lowest and highest caseload. {plain(summary.widest)}"
    )

st.subheader(f"By team, {format_month(month)}")
st.dataframe(summary.table, hide_index=True, key="caseloads.table", alt=f"Caseloads by team for {format_month(month)}")
downloads(summary.table, f"caseloads_by_team_{month_key(month)}", "caseloads.download")

st.subheader("Over time")
trend_team = st.selectbox("Team", ["Whole service", *summary.teams], key="caseloads.trend_team")
measures = "Average caseload" if public else "Mean, median and highest caseload"
trend_title = f"{measures}: {trend_team}"
show_chart(
    frame.cache_key,
    ("caseloads.trend", trend_team),
    lambda: charts.caseload_trend(loaders.caseload_trend(*frame.cache_key, trend_team), title=trend_title),
    "caseloads.trend",
)

if not public:
    st.subheader(f"Workers over the threshold, {format_month(month)}")
    worker_table = loaders.workers_over(*frame.cache_key, month_key(month), threshold)
    st.dataframe(worker_table, hide_index=True, key="caseloads.workers", alt="Workers over the threshold")
    downloads(worker_table, f"workers_over_{threshold}_{month_key(month)}", "caseloads.workers_download")
