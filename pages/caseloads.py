"""Caseloads: the spread of cases per worker by team, workers over a threshold, and the trend."""

import pandas as pd
import streamlit as st

from metrics.caseloads import DEFAULT_THRESHOLD, OTHER_TEAMS, for_audience, service_average, team_summary, trend
from metrics.formatting import format_month, month_key
from metrics.suppression import PUBLIC
from ui import charts, loaders
from ui.choosers import month_chooser
from ui.display import downloads, memo, plain, show_chart
from ui.frame import page_frame

frame = page_frame(
    "Caseloads",
    "How many cases each worker holds, team by team. The spread matters more than the average: "
    "a team can look fine on average while some workers hold far too many.",
)
caseloads = loaders.caseloads(*frame.cache_key[:3])
if caseloads is None or caseloads.empty:
    st.info("This snapshot has no caseloads table (caseloads.parquet), so there is nothing to show here. "
            "A performance officer can add one with the next snapshot: one row per worker and month.")
    st.stop()

public = frame.audience == PUBLIC
visible = memo(("caseloads.visible", *frame.cache_key), lambda: for_audience(caseloads, frame.audience))
months = sorted(visible["period"].unique())
left, right = st.columns(2)
with left:
    month = month_chooser(frame, "caseloads.month")
with right:
    threshold = st.number_input("Threshold: cases per worker", min_value=1, max_value=100, value=DEFAULT_THRESHOLD,
                                step=1, key="caseloads.threshold")
if month not in months:
    st.info(f"There are no caseloads for {format_month(month)}; choose another month.")
    st.stop()

summary = memo(("caseloads.summary", *frame.cache_key, month, int(threshold)),
               lambda: team_summary(visible, month, int(threshold)))
average = service_average(visible, month)
over = int(summary["over"].sum())
workers = int(summary["workers"].sum())
columns = st.columns(3)
columns[0].metric("Service average (cases per worker)", f"{average:.1f}")
columns[1].metric(f"Workers with more than {int(threshold)} cases", over)
columns[2].metric("Share of workers over the threshold", f"{over / workers * 100:.1f}%")

if public:
    st.caption("Public view: no worker is identified, and teams with fewer than 3 workers are counted together "
               f"as “{OTHER_TEAMS}”.")
title = f"Cases per worker by team, {format_month(month)} (red dashed line: threshold of {int(threshold)})"
view_key = ("caseloads", *frame.cache_key, month, int(threshold))
show_chart(view_key, lambda: charts.caseload_spread(visible[visible["period"] == month], threshold=int(threshold),
                                                   title=title, show_workers=not public), "caseloads.spread")
widest = summary.sort_values("max", ascending=False).iloc[0]
st.caption(
    f"Each box spans the middle half of a team's workers, the line inside is the median and the whiskers reach "
    f"the lowest and highest caseload. Widest reach: {plain(widest['team'])}, up to {int(widest['max'])} cases."
)

st.subheader(f"By team, {format_month(month)}")
table = pd.DataFrame({
    "Team": summary["team"],
    "Workers": summary["workers"],
    "Average": summary["mean"].round(1),
    "Median": summary["median"].round(1),
    "Highest": summary["max"],
    f"Over {int(threshold)}": summary["over"],
    f"Share over {int(threshold)} (%)": summary["share_over"].round(1),
})
st.dataframe(table, hide_index=True, key="caseloads.table", alt=f"Caseloads by team for {format_month(month)}")
downloads(table, f"caseloads_by_team_{month_key(month)}", "caseloads.download", identity=view_key)

st.subheader("Over time")
team_names = sorted(visible["team"].unique())
trend_team = st.selectbox("Team", ["Whole service", *team_names], key="caseloads.trend_team")
chosen = None if trend_team == "Whole service" else trend_team
trend_title = f"Mean, median and highest caseload: {trend_team}"
show_chart(("caseloads.trend", *frame.cache_key, trend_team),
           lambda: charts.caseload_trend(trend(visible, chosen), title=trend_title), "caseloads.trend")

if not public:
    st.subheader(f"Workers over the threshold, {format_month(month)}")
    over_rows = caseloads[(caseloads["period"] == month) & (caseloads["cases"] > threshold)]
    worker_table = over_rows[["team", "worker_id", "cases"]].sort_values("cases", ascending=False).rename(
        columns={"team": "Team", "worker_id": "Worker", "cases": "Cases"})
    st.dataframe(worker_table, hide_index=True, key="caseloads.workers", alt="Workers over the threshold")
    downloads(worker_table, f"workers_over_{int(threshold)}_{month_key(month)}", "caseloads.workers_download",
              identity=(*view_key, "workers"))
