"""Data and snapshots: which snapshots exist, how far behind the data is, and what changed between two."""

import pandas as pd
import streamlit as st

from metrics.core.months import format_month, months_behind
from metrics.disclosure.audience import PUBLIC
from metrics.outputs.formatting import team_label
from ui import loaders
from ui.choosers import filter_by
from ui.display import downloads, plain
from ui.frame import page_frame

frame = page_frame(
    "Data and snapshots",
    "Each snapshot is the figures as extracted on one day. Newer snapshots can revise recent months as late "
    "recording catches up. A snapshot that fails its checks is listed here and never shown.",
)
# The revisions table in about 700 pixels, the width it has on a tablet held upright (768), so that the
# old and new values and the difference show without scrolling sideways; long names end in "…" (a click on
# a cell shows it whole), and wider screens share out the room left over.
REVISION_WIDTHS = {"Month": 105, "Indicator": 190, "Team": 165, "Old value": 80, "New value": 80, "Difference": 80}


def describe(snapshot, published: dict) -> dict:
    """One line of the snapshot list."""
    if not snapshot.valid:
        return {
            "As at": f"{snapshot.as_at:%d %B %Y}",
            "Published": published.get(snapshot.as_at, ""),
            "Latest month": "",
            "Indicators": None,
            "Teams": None,
            "Checks": f"✗ Failed: {len(snapshot.problems)} problem(s), see below",
        }
    return {
        "As at": f"{snapshot.as_at:%d %B %Y}",
        "Published": published.get(snapshot.as_at, ""),
        "Latest month": format_month(snapshot.latest_month) if snapshot.latest_month is not None else "",
        "Indicators": snapshot.indicator_count,
        "Teams": snapshot.team_count,
        "Checks": "✓ Passed",
    }


snapshots = sorted([*frame.valid_snapshots, *frame.invalid], key=lambda s: s.as_at, reverse=True)
st.subheader("Snapshots")
unreachable = loaders.storage_unreachable_since(frame.cache_key[0])
if unreachable is not None:
    st.warning(
        f"The store the snapshots are kept in cannot be reached, since {unreachable:%H:%M} UTC on "
        f"{unreachable:%d %B %Y}. The pages show the snapshots listed before then, as they were; a snapshot "
        f"published meanwhile appears once the store answers again. The app asks again every "
        f"{loaders.LISTING_SECONDS} seconds on its own.",
        icon=":material/cloud_off:",
    )
newest = frame.valid_snapshots[0]
if newest.latest_month is None:
    st.markdown(f"The newest valid snapshot is **as at {newest.as_at:%d %B %Y}**; it holds no figures yet.")
else:
    behind = months_behind(newest.latest_month, frame.today)
    st.markdown(
        f"The newest valid snapshot is **as at {newest.as_at:%d %B %Y}**, with figures up to "
        f"**{format_month(newest.latest_month)}**: {behind} month{'s' if behind != 1 else ''} behind today."
    )
published = loaders.publications(frame.cache_key[0], tuple((s.as_at, s.path) for s in snapshots), frame.audience)
st.dataframe(
    pd.DataFrame([describe(s, published) for s in snapshots]),
    hide_index=True,
    key="data.snapshots",
    alt="Every snapshot with its date, when it was published, its latest month and checks",
)
st.caption(
    "Published: when the snapshot was loaded through the Load data page or the ingest command"
    + (", by whom and how." if frame.audience != PUBLIC else ".")
    + " A snapshot written another way has no record."
)
if frame.audience != PUBLIC:
    log = loaders.publication_log(frame.cache_key[0], frame.audience)
    with st.expander(f"Every publication and withdrawal ({len(log)})"):
        if log.empty:
            st.info("Nothing has been published or withdrawn through the app or the ingest command yet.")
        else:
            st.dataframe(log, hide_index=True, key="data.log", alt="Every publication and withdrawal, newest first")
for snapshot in frame.invalid:
    with st.expander(f"Why the snapshot as at {snapshot.as_at:%d %B %Y} failed its checks"):
        st.markdown(
            "Each line names the file, the column and what is wrong, with the first rows affected "
            "(counted from 1, the first row of data)."
        )
        for problem in snapshot.problems:
            st.text(str(problem))
for warning in frame.folder_warnings:
    st.warning(plain(warning))


def revisions_section() -> None:
    """Two snapshots side by side: the figures revised for months both hold."""
    st.subheader("What changed between two snapshots")
    if len(frame.valid_snapshots) < 2:
        st.info("There is only one valid snapshot, so there is nothing to compare yet.")
        return
    options = [s.as_at.isoformat() for s in frame.valid_snapshots]
    label = {iso: f"As at {pd.Timestamp(iso):%d %B %Y}" for iso in options}
    # The page's own snapshot and the one before it (or, for the oldest, the one after it): not a newer
    # snapshot the page is not showing yet because it is still being prepared.
    newer_index = min(options.index(frame.snapshot.as_at.isoformat()), len(options) - 2)
    left, right = st.columns(2)
    older_iso = left.selectbox(
        "Older snapshot", options, index=newer_index + 1, format_func=label.get, key="data.older"
    )
    newer_iso = right.selectbox("Newer snapshot", options, index=newer_index, format_func=label.get, key="data.newer")
    if older_iso == newer_iso:
        st.info("Choose two different snapshots.")
        return
    if older_iso > newer_iso:
        older_iso, newer_iso = newer_iso, older_iso
    waiting = [
        s
        for s in frame.valid_snapshots
        if s.as_at.isoformat() in (older_iso, newer_iso)
        and loaders.being_prepared(frame.cache_key[0], s, frame.audience)
    ]
    if waiting:
        st.info(
            f"The snapshot as at {waiting[0].as_at:%d %B %Y} is still being prepared, so it cannot be "
            "compared yet. Choose another pair, or come back in a minute or two."
        )
        return
    changes = loaders.revisions_between(frame.cache_key[0], older_iso, newer_iso, frame.audience)

    indicators = sorted(changes["name"].unique())
    teams = sorted(changes["team"].map(team_label).unique())
    changes, chosen_indicators, chosen_teams = filter_by(changes, "data", "name", "Indicators", indicators, teams)

    st.markdown(
        f"**{len(changes)} figure(s) revised** between the snapshots as at "
        f"{pd.Timestamp(older_iso):%d %B %Y} and {pd.Timestamp(newer_iso):%d %B %Y}, for months both hold."
    )
    table, export = loaders.revision_tables(
        frame.cache_key[0], older_iso, newer_iso, frame.audience, tuple(chosen_indicators), tuple(chosen_teams)
    )
    st.dataframe(
        table,
        hide_index=True,
        key="data.revisions",
        alt="Figures revised between the two snapshots",
        column_config={name: st.column_config.Column(width=width) for name, width in REVISION_WIDTHS.items()},
    )
    downloads(export, f"revisions_{older_iso}_to_{newer_iso}", "data.download")


revisions_section()

st.subheader("Compared with other councils")
comparators = loaders.comparator_sources(*frame.cache_key)
if comparators.empty:
    st.info(
        "This snapshot has no comparators. The command `python -m metrics.comparators` makes them from DfE's "
        "published files."
    )
else:
    st.markdown(
        "The yearly figures the scorecard, explore and compare pages set this council against, and where "
        "each came from (with how many figures, where sources differ). They are public, so both audiences "
        "see them."
    )
    st.dataframe(comparators, hide_index=True, key="data.comparators", alt="Comparators in this snapshot")

st.subheader("Import Ofsted Annex A")
st.markdown(
    "Every council keeps Ofsted's Annex A lists for inspection. A performance officer can turn the workbook "
    "(sheets “List 1” to “List 11”) into a snapshot with one command, and get the monthly scorecard by team "
    "the same afternoon:"
)
st.code(
    "python -m metrics.ingest --as-at 2022-03-11 --annex-a annex_a.xlsx \\\n"
    "    --child-population 58000 --targets targets.csv",
    language="text",
    wrap_lines=True,
)
st.markdown(
    "- Headers are matched ignoring case, spaces and punctuation; coded answers such as “q) 6: Police” or "
    "“a) Yes” are read by their meaning; dates may be Excel dates or text.\n"
    "- Each child counts once per measure and month. Lists 3 to 9 give figures per allocated team as well as "
    "for the whole service.\n"
    "- Assessments count as in time when authorised within 45 **working days** of the start, and initial "
    "conferences within 15 working days of the strategy discussion: weekends and bank holidays in England "
    "and Wales are not counted.\n"
    "- A missing sheet or column leaves out only the indicators that need it; a row that cannot be read "
    "(an impossible date, no Child Unique ID) is listed below with its list, row and column, never dropped silently."
)
report = loaders.annex_a_report(
    frame.cache_key[0], tuple((s.as_at, s.path) for s in frame.valid_snapshots), frame.audience
)
if report is None:
    st.info("None of the snapshots here came from an Annex A workbook yet.")
else:
    as_at_text, found = report.as_at, report.report
    st.markdown(
        f"**The last import** ({plain(found.source)}, snapshot as at {as_at_text}) covered "
        f"{format_month(found.first_month + '-01')} to {format_month(found.last_month + '-01')} and gave "
        f"{len(found.indicators)} indicators."
    )
    st.dataframe(report.rows_read, hide_index=True, key="data.annex_a_rows", alt="Rows read from each Annex A list")
    st.markdown(f"**Rows rejected: {len(found.rows_rejected)}**")
    for problem in found.rows_rejected:
        st.text(problem)
    st.markdown(f"**Indicators left out: {len(found.left_out)}**")
    for reason in found.left_out:
        st.text(reason)
