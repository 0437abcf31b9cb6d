"""Data and snapshots: which snapshots exist, how far behind the data is, and what changed between two."""

import pandas as pd
import streamlit as st

from metrics.formatting import format_month, format_value, month_key, months_behind, team_label
from metrics.suppression import SUPPRESSED
from ui import loaders
from ui.display import downloads, plain
from ui.frame import page_frame

frame = page_frame(
    "Data and snapshots",
    "Each snapshot is the figures as extracted on one day. Newer snapshots can revise recent months as late "
    "recording catches up. A snapshot that fails its checks is listed here and never shown.",
)


def describe(snapshot) -> dict:
    """One line of the snapshot list."""
    if not snapshot.valid:
        return {"As at": f"{snapshot.as_at:%d %B %Y}", "Latest month": "", "Indicators": None, "Teams": None,
                "Checks": f"✗ Failed: {len(snapshot.problems)} problem(s), see below"}
    values = snapshot.values
    latest = values["period"].max()
    return {
        "As at": f"{snapshot.as_at:%d %B %Y}",
        "Latest month": format_month(latest),
        "Indicators": int(snapshot.indicators["indicator_id"].nunique()),
        "Teams": int(values["team"].dropna().nunique()),
        "Checks": "✓ Passed",
    }


snapshots = sorted([*frame.valid_snapshots, *frame.invalid], key=lambda s: s.as_at, reverse=True)
st.subheader("Snapshots")
newest = frame.valid_snapshots[0]
latest = newest.values["period"].max()
behind = months_behind(latest, frame.today)
st.markdown(
    f"The newest valid snapshot is **as at {newest.as_at:%d %B %Y}**, with figures up to "
    f"**{format_month(latest)}**: {behind} month{'s' if behind != 1 else ''} behind today."
)
st.dataframe(pd.DataFrame([describe(s) for s in snapshots]), hide_index=True, key="data.snapshots",
             alt="Every snapshot with its date, latest month and checks")
for snapshot in frame.invalid:
    with st.expander(f"Why the snapshot as at {snapshot.as_at:%d %B %Y} failed its checks"):
        st.markdown("Each line names the file, the column and what is wrong, with the first rows affected "
                    "(counted from 1, the first row of data).")
        for problem in snapshot.problems:
            st.text(str(problem))
for warning in frame.folder_warnings:
    st.warning(plain(warning))

st.subheader("What changed between two snapshots")
if len(frame.valid_snapshots) < 2:
    st.info("There is only one valid snapshot, so there is nothing to compare yet.")
    st.stop()
options = [s.as_at.isoformat() for s in frame.valid_snapshots]
label = {iso: f"As at {pd.Timestamp(iso):%d %B %Y}" for iso in options}
left, right = st.columns(2)
older_iso = left.selectbox("Older snapshot", options, index=1, format_func=label.get, key="data.older")
newer_iso = right.selectbox("Newer snapshot", options, index=0, format_func=label.get, key="data.newer")
if older_iso == newer_iso:
    st.info("Choose two different snapshots.")
    st.stop()
if older_iso > newer_iso:
    older_iso, newer_iso = newer_iso, older_iso
changes = loaders.revisions_between(frame.cache_key[0], older_iso, newer_iso, frame.audience)

indicators = sorted(changes["name"].unique())
teams = sorted(changes["team"].map(team_label).unique())
left, right = st.columns(2)
chosen_indicators = left.multiselect("Indicators", indicators, key="data.indicators", placeholder="All indicators")
chosen_teams = right.multiselect("Teams", teams, key="data.teams", placeholder="All teams")
if chosen_indicators:
    changes = changes[changes["name"].isin(chosen_indicators)]
if chosen_teams:
    changes = changes[changes["team"].map(team_label).isin(chosen_teams)]

st.markdown(f"**{len(changes)} figure(s) revised** between the snapshot {label[older_iso].lower()} and the "
            f"snapshot {label[newer_iso].lower()}, for months both hold.")
table = pd.DataFrame({
    "Month": changes["period"].map(format_month),
    "Indicator": changes["name"],
    "Team": changes["team"].map(team_label),
    "Old value": [format_value(v, u, s) for v, u, s in zip(changes["value_old"], changes["unit"],
                                                            changes["suppressed_old"])],
    "New value": [format_value(v, u, s) for v, u, s in zip(changes["value_new"], changes["unit"],
                                                            changes["suppressed_new"])],
    "Difference": ["" if pd.isna(d) else f"{d:+,.1f}" for d in changes["difference"]],
})
st.dataframe(table, hide_index=True, key="data.revisions", alt="Figures revised between the two snapshots")
export = pd.DataFrame({
    "period": changes["period"].map(month_key), "indicator_id": changes["indicator_id"], "team": changes["team"],
    "old_value": changes["value_old"].astype("object").where(~changes["suppressed_old"], SUPPRESSED),
    "new_value": changes["value_new"].astype("object").where(~changes["suppressed_new"], SUPPRESSED),
    "difference": changes["difference"],
})
downloads(export, f"revisions_{older_iso}_to_{newer_iso}", "data.download",
          identity=("data", frame.cache_key[0], frame.audience, older_iso, newer_iso, tuple(chosen_indicators),
                    tuple(chosen_teams)))
