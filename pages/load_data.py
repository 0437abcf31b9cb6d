"""Load data (performance officers only): upload a month's files, see every problem or what the month
changes, publish it for everyone, and withdraw a snapshot published in error."""

import time
from datetime import date

import streamlit as st

from metrics.core.months import format_month
from metrics.core.problems import InputError
from metrics.disclosure.audience import INTERNAL, PUBLIC
from metrics.prepare import prepared
from metrics.publishing import staging
from metrics.publishing.loading import ANNEX_A_KIND, TABLES_KIND
from metrics.publishing.publish import prepare_published, publish_staged, withdraw
from metrics.publishing.records import Publication, now
from metrics.publishing.uploads import MAX_UPLOAD_MB, Upload
from metrics.snapshot.reading import SnapshotFolder, data_root
from ui import loaders, state, tables
from ui.audience import signed_in_email
from ui.display import downloads, plain, with_status_labels
from ui.frame import officers_only, page_frame
from ui.turns import step_aside

frame = page_frame(
    "Load data",
    "Load a month's figures, see every problem in them or what they change, and publish them for everyone. "
    "Nothing reaches any other page until you publish.",
    needs_snapshot=False,
)
officers_only(frame)

HOW = "Load data page"
KINDS = {
    TABLES_KIND: "A workbook, or CSV and Parquet files, named like the tables",
    ANNEX_A_KIND: "Ofsted's Annex A lists (a workbook)",
}
ACCEPTED = ["xlsx", "csv", "parquet", "xlsm", "xls", "xlsb"]  # the wrong kinds too, to be told why by name
CHECKED_KEY, PUBLISHED_KEY, WITHDRAWN_KEY = "load.checked", "load.published", "load.withdrawn"
ROUND_KEY = "load.round"  # a new key for the file choosers after each publication: Streamlit cannot empty them
FRAME_SNAPSHOT_KEY = "frame.snapshot"
root = data_root()
location = root.uri
everything = sorted([*frame.valid_snapshots, *frame.invalid], key=lambda s: s.as_at, reverse=True)
taken = {snapshot.as_at for snapshot in everything}


def uploads_of(files) -> list[Upload]:
    return [Upload(file.name, file.getvalue()) for file in files or []]


def let_go(checked) -> None:
    """Forget an upload checked before (its files on this server, and what memory holds of it)."""
    if isinstance(checked, dict) and isinstance(checked.get("staged"), staging.Staged):
        loaders.let_go_of_upload()
        staging.discard(checked["staged"])


def preview_and_publish(staged: staging.Staged) -> None:
    """An upload that passed: what it holds, what it changes, and the Publish button."""
    summary = prepared.check(staged.root, staged.snapshot)
    st.success(
        f"The files pass every check of the data contract: {staged.rows:,} rows, {summary.indicator_count} "
        f"indicators and {summary.team_count} teams, with figures from {format_month(summary.months[0])} to "
        f"{format_month(summary.latest_month)}.",
        icon=":material/task_alt:",
    )
    if staged.notes:
        with st.expander(f"What was read ({len(staged.notes)} notes)"):
            st.text("\n".join(staged.notes))

    st.subheader("2. What the month changes")
    view = st.segmented_control(
        "Preview as",
        [INTERNAL, PUBLIC],
        format_func={INTERNAL: "Internal view (every figure)", PUBLIC: "Public view (small numbers hidden)"}.get,
        default=INTERNAL,
        key="load.view",
    )
    view = view or INTERNAL
    shown = loaders.upload_preview(str(staged.folder), view)
    month_words = format_month(shown.month)
    if shown.before is None:
        st.markdown(f"This is the first snapshot, so there is nothing to compare it with: figures to {month_words}.")
    else:
        changed = shown.status_changes
        st.markdown(
            f"The whole service in **{month_words}**, beside the newest published snapshot (as at "
            f"{shown.before:%d %B %Y}, figures to {format_month(shown.before_month)}): "
            f"**{shown.count('improving')} improving** and **{shown.count('worsening')} worsening**; of the "
            f"volumes, {shown.count('up')} up and {shown.count('down')} down. **{len(changed)} changed RAG status**, "
            f"{shown.newly_off_target} of them newly red or amber."
        )
    table, config = with_status_labels(
        tables.preview_changes(shown.changes, shown.before_month, shown.month), ["Status before", "Status now"]
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config=config,
        key="load.changes",
        alt=f"Each indicator for the whole service, {month_words} beside the month before",
    )
    if shown.before is not None:
        st.markdown(f"**Figures revised in earlier months: {len(shown.revised):,}**")
        if len(shown.revised):
            revised, _ = tables.revisions(shown.revised)
            st.dataframe(revised, hide_index=True, key="load.revised", alt="Figures revised in earlier months")
        st.markdown(
            "**Indicators and teams:** "
            + (
                "the same as in the newest published snapshot."
                if not (shown.indicators_added or shown.indicators_removed or shown.teams_added or shown.teams_removed)
                else "; ".join(
                    f"{words}: {', '.join(plain(name) for name in names)}"
                    for words, names in (
                        ("new indicators", shown.indicators_added),
                        ("indicators no longer given", shown.indicators_removed),
                        ("new teams", shown.teams_added),
                        ("teams no longer given", shown.teams_removed),
                    )
                    if names
                )
            )
        )
    share = shown.hidden / shown.figures if shown.figures else 0
    st.markdown(
        f"**In the public view**, {shown.hidden:,} of the {shown.figures:,} figures ({share:.0%}) will show as “c”: "
        "small numbers, and the figures that would let them be worked out."
    )

    st.subheader("3. Publish")
    st.markdown(
        f"Publishing writes the snapshot as at **{staged.as_at:%d %B %Y}** for everyone: every page, download and "
        "command then opens on it. It cannot be overwritten, only withdrawn."
    )
    ready = st.checkbox("I have checked the preview, and these figures are ready for everyone", key="load.ready")

    def publish_now() -> None:
        email = signed_in_email()
        if not email or not frame.officer:
            return
        started = time.perf_counter()
        record = Publication(staged.as_at.isoformat(), email, now().isoformat(), HOW, list(staged.files))
        try:
            publish_staged(root, staged.snapshot_path, record)
        except InputError as error:
            st.session_state["load.publish_error"] = str(error)
            return
        target = SnapshotFolder(staged.as_at, root.snapshot_path(staged.as_at))
        prepared.adopt(staged.root, staged.snapshot, root, target)  # checked and rated already: kept as it is
        prepare_published(root, staged.as_at)  # anything not adopted (another audience, no cache)
        loaders.snapshot_folders.clear()  # every session on this server lists it at once
        loaders.publications.clear()
        loaders.publication_log.clear()
        seconds = time.perf_counter() - started
        took = f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"
        newest = max(taken, default=None)
        where = (
            "is now the newest, and every page on this server opens on it"
            if newest is None or staged.as_at > newest
            else f"is published; the snapshot as at {newest:%d %B %Y} is newer and stays the one pages open on"
        )
        st.session_state[PUBLISHED_KEY] = (
            f"Published: the snapshot as at {staged.as_at:%d %B %Y}, with figures up to "
            f"{format_month(summary.latest_month)}, {where} (published and prepared in {took}). Other servers list "
            "it within a minute."
        )
        let_go(st.session_state.pop(CHECKED_KEY, None))
        st.session_state.pop("load.ready", None)
        st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1  # empty uploaders for the next month
        st.session_state.pop(FRAME_SNAPSHOT_KEY, None)  # this session opens on the newest, the one just published
        state.forget("snapshot")

    st.button(
        f"Publish the snapshot as at {staged.as_at:%d %B %Y}",
        type="primary",
        disabled=not ready,
        on_click=publish_now,
        key="load.publish",
    )
    error = st.session_state.pop("load.publish_error", None)
    if error:
        st.error(f"Nothing was published: {plain(error)}", icon=":material/error:")


published = st.session_state.pop(PUBLISHED_KEY, None)
if published:
    st.success(published, icon=":material/check_circle:")
    st.page_link("streamlit_app.py", label="Open the scorecard", icon=":material/table_chart:")
withdrawn = st.session_state.pop(WITHDRAWN_KEY, None)
if withdrawn:
    st.success(withdrawn, icon=":material/check_circle:")

st.subheader("1. The month's files")
kind = st.radio("What are you loading?", list(KINDS), format_func=KINDS.get, key="load.kind")
as_at = st.date_input(
    "As at: the day the figures were extracted",
    value=frame.today,
    max_value=frame.today,
    format="DD/MM/YYYY",
    key="load.as_at",
)
if kind == TABLES_KIND:
    st.caption(
        "One workbook with a sheet per table (indicators, values, targets, benchmarks, caseloads, commentary), or "
        "the tables as CSV or Parquet files named like them (values.csv and so on). indicators and values are "
        f"required. Each file at most {MAX_UPLOAD_MB} MB; workbooks must be .xlsx, without macros."
    )
files = st.file_uploader(
    "Choose the files, or drop them here",
    type=ACCEPTED,
    accept_multiple_files=True,
    key=f"load.files.{st.session_state.get(ROUND_KEY, 0)}",
    help="The files are checked as soon as they arrive. Nothing is published until you press Publish.",
)
child_population, targets = None, None
if kind == ANNEX_A_KIND:
    child_population = st.number_input(
        "Children aged 0 to 17 in the area, for rates per 10,000 (0 leaves the rates out)",
        min_value=0,
        step=100,
        key="load.population",
    )
    targets = st.file_uploader(
        "Targets (optional): a targets table as CSV, or a workbook with a targets sheet",
        type=["csv", "xlsx", "parquet"],
        key=f"load.targets.{st.session_state.get(ROUND_KEY, 0)}",
    )

if as_at in taken and files:
    let_go(st.session_state.pop(CHECKED_KEY, None))
    st.error(
        f"A snapshot as at {as_at:%d %B %Y} is already there, and a snapshot is never overwritten. Choose the day "
        "these figures were extracted, or withdraw that snapshot below first if it was published in error.",
        icon=":material/block:",
    )
elif as_at in taken:
    st.info(f"A snapshot as at {as_at:%d %B %Y} is already there: to load another month, choose its as-at day.")
elif not files:
    let_go(st.session_state.pop(CHECKED_KEY, None))
    st.info("Choose the month's files above: they are checked at once, and nothing is written until you publish.")
else:
    key = (
        kind,
        as_at.isoformat(),
        tuple((file.file_id, file.name, file.size) for file in files),
        child_population or None,
        None if targets is None else (targets.file_id, targets.name, targets.size),
    )
    checked = st.session_state.get(CHECKED_KEY)
    if not isinstance(checked, dict) or checked.get("key") != key:
        let_go(checked)
        step_aside()  # checking a large upload takes seconds: other people's pages go first
        with st.spinner("Checking the files against the data contract…"):
            try:
                staged = staging.stage_apart(
                    uploads_of(files),
                    kind,
                    as_at,
                    child_population or None,
                    None if targets is None else Upload(targets.name, targets.getvalue()),
                )
                checked = {"key": key, "staged": staged}
            except InputError as error:
                checked = {"key": key, "problems": list(error.problems)}
        st.session_state[CHECKED_KEY] = checked

    if "problems" in checked:
        found = checked["problems"]
        st.error(
            f"{len(found)} problem{'s' if len(found) != 1 else ''} found, so nothing has been written. Correct "
            "the files and choose them again: they are checked again at once.",
            icon=":material/error:",
        )
        listed = tables.problems(found)
        st.dataframe(listed, hide_index=True, key="load.problems", alt="Every problem found in the files")
        downloads(listed, f"problems_{as_at.isoformat()}", "load.problems_download", "the problems")
    else:
        preview_and_publish(checked["staged"])

st.subheader("Withdraw a snapshot published in error")
if not everything:
    st.info("There is no snapshot to withdraw.")
else:
    st.markdown(
        "A snapshot withdrawn disappears from every page and command, and the newest one left becomes the "
        "default. It is never deleted: it is kept under withdrawn/ in the data folder, and the log says who "
        "withdrew it and why."
    )
    options = [snapshot.as_at.isoformat() for snapshot in everything]
    chosen = st.selectbox(
        "Snapshot to withdraw",
        options,
        format_func=lambda iso: f"As at {date.fromisoformat(iso):%d %B %Y}",
        key="load.withdraw_which",
    )
    reason = st.text_input("Why it is withdrawn (kept in the log)", key="load.withdraw_why", max_chars=500)
    sure = st.checkbox("I understand it will disappear from every page and command", key="load.withdraw_sure")

    def withdraw_now() -> None:
        email = signed_in_email()
        if not email or not frame.officer:
            return
        try:
            done = withdraw(root, date.fromisoformat(chosen), email, reason, now())
        except InputError as error:
            st.session_state["load.withdraw_error"] = str(error)
            return
        loaders.snapshot_folders.clear()
        loaders.publications.clear()
        loaders.publication_log.clear()
        st.session_state[WITHDRAWN_KEY] = (
            f"Withdrawn: the snapshot as at {date.fromisoformat(done.as_at):%d %B %Y} is out of every page and "
            "command on this server now, and on other servers within a minute. It is kept under withdrawn/."
        )
        for widget in ("load.withdraw_why", "load.withdraw_sure", FRAME_SNAPSHOT_KEY):
            st.session_state.pop(widget, None)
        state.forget("snapshot")

    st.button(
        "Withdraw this snapshot", disabled=not (sure and reason.strip()), on_click=withdraw_now, key="load.withdraw"
    )
    error = st.session_state.pop("load.withdraw_error", None)
    if error:
        st.error(f"Nothing was withdrawn: {plain(error)}", icon=":material/error:")

st.subheader("Who published what")
log = loaders.publication_log(location, frame.audience)
if log.empty:
    st.info("Nothing has been published or withdrawn through this app or the ingest command yet.")
else:
    st.dataframe(log, hide_index=True, key="load.log", alt="Every publication and withdrawal, newest first")
