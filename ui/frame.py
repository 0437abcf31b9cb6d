"""The frame every page calls first: page config, navigation, snapshot, audience."""

from __future__ import annotations

import base64
import functools
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics.core.months import format_month, month_key, months_behind
from metrics.disclosure.audience import AUDIENCES
from metrics.prepare.prepared import CheckedSnapshot
from metrics.rating.performance import Performance
from metrics.snapshot.reading import DEMO_COUNCIL, SNAPSHOT_NAME, council_name, data_root, shipped_demo
from ui import capacity, loaders, state
from ui.audience import AUDIENCE_TEXT, OFFICER, audience_of, current_role, sign_in_configured, sign_in_controls
from ui.display import plain
from ui.html import use_stylesheet
from ui.network import send_messages_at_once
from ui.turns import take_turns

log = logging.getLogger(__name__)

APP_NAME = "Children's services performance"
FAVICON = Path(__file__).resolve().parent / "static" / "favicon.png"  # sent by the app itself, never a font server

NAVIGATION = {
    "Performance": [
        ("streamlit_app.py", "Scorecard", ":material/table_chart:"),
        ("pages/explore.py", "Explore an indicator", ":material/show_chart:"),
        ("pages/compare.py", "Compare teams", ":material/bar_chart:"),
        ("pages/off_target.py", "Off target", ":material/flag:"),
        ("pages/plan.py", "Improvement Plan", ":material/checklist:"),
    ],
    "Teams and workforce": [
        ("pages/caseloads.py", "Caseloads", ":material/groups:"),
    ],
    "About the data": [
        ("pages/data.py", "Data and snapshots", ":material/database:"),
        ("pages/glossary.py", "Glossary", ":material/menu_book:"),
        ("pages/about.py", "About this service", ":material/info:"),
    ],
}
# Shown to performance officers only (every other role is told so on the page itself, too).
OFFICER_NAVIGATION = {
    "Publishing": [
        ("pages/load_data.py", "Load data", ":material/upload_file:"),
    ],
}


@dataclass
class Frame:
    """What every page knows once the frame is drawn."""

    snapshot: CheckedSnapshot | None  # None only on a page that works without one (Load data)
    performance: Performance | None
    audience: str
    role: str  # public, internal or officer (ui/audience.py)
    valid_snapshots: list[CheckedSnapshot]
    invalid: list[CheckedSnapshot]
    folder_warnings: list[str]
    today: date
    notices: st.delta_generator.DeltaGenerator = field(repr=False)

    def notify(self, text: str) -> None:
        """Show a short notice at the top of the page (link parameters that were ignored)."""
        notice(self.notices, text)

    @property
    def valid(self) -> list[date]:
        """As-at dates of the valid snapshots, newest first."""
        return [snapshot.as_at for snapshot in self.valid_snapshots]

    @property
    def previous_snapshot(self) -> str | None:
        """The as-at date (YYYY-MM-DD) of the newest valid snapshot older than this one, for what was revised."""
        older = [as_at for as_at in self.valid if as_at < self.snapshot.as_at]
        return older[0].isoformat() if older else None

    @property
    def officer(self) -> bool:
        return self.role == OFFICER

    @property
    def cache_key(self) -> tuple:
        """What identifies this page's data in the caches: data root, snapshot and audience."""
        return (data_root().uri, self.snapshot.as_at, self.snapshot.path, self.audience)

    @property
    def latest_month(self) -> pd.Timestamp | None:
        return None if self.performance is None else self.performance.latest_month

    @property
    def months_behind(self) -> int | None:
        latest = self.latest_month
        return None if latest is None else months_behind(latest, self.today)


def notice(area: st.delta_generator.DeltaGenerator, text: str) -> None:
    """A short notice, shown as typed (it may quote a link)."""
    area.info(plain(text), icon=":material/info:")


def data_age(snapshot: CheckedSnapshot, latest_month: pd.Timestamp, today: date) -> str:
    """How current the figures are: on real data, how many months behind today; the shipped demo says
    what it is instead (its months are years old on purpose, and "57 months behind" would alarm)."""
    if shipped_demo():
        return (
            f"Demonstration data for {DEMO_COUNCIL}, up to **{format_month(latest_month)}** "
            f"(snapshot as at {snapshot.as_at:%d %B %Y})."
        )
    behind = months_behind(latest_month, today)
    return (
        f"Snapshot as at {snapshot.as_at:%d %B %Y}: figures up to **{format_month(latest_month)}**, "
        f"{behind} month{'s' if behind != 1 else ''} behind today ({today:%d %B %Y})."
    )


@functools.cache
def favicon_url() -> str:
    """The favicon as a data URL, made once: given as a file, Streamlit reads it and files it with the
    session's media on every run."""
    return "data:image/png;base64," + base64.b64encode(FAVICON.read_bytes()).decode("ascii")


def _navigation(role: str) -> None:
    groups = {**NAVIGATION, **(OFFICER_NAVIGATION if role == OFFICER else {})}
    for group, pages in groups.items():
        st.markdown(f"**{group}**")
        for path, label, icon in pages:
            st.page_link(path, label=label, icon=icon)


def _stop_without_data(location: str, invalid: list[CheckedSnapshot], warnings: list[str]) -> None:
    st.error(
        "There is no valid snapshot to show yet. A performance officer can load one on the Load data page, "
        "or with `python -m metrics.ingest` (see Data and snapshots for what went wrong)."
    )
    st.caption(f"Data folder: {plain(location)}")
    for warning in warnings:  # the data folder could not be read, or a folder is misnamed
        st.warning(plain(warning))
    for snapshot in invalid:
        with st.expander(f"Snapshot as at {snapshot.as_at:%d %B %Y} was skipped"):
            for problem in snapshot.problems:
                st.text(str(problem))
    st.stop()


def _performance_or_stop(location: str, snapshot: CheckedSnapshot, audience: str, notices) -> Performance:
    """The snapshot's figures; when the store it is kept in does not answer (object storage away, a
    snapshot not held in memory), the page says so in a sentence and stops."""
    try:
        return loaders.performance(location, snapshot.as_at, snapshot.path, audience)
    except (OSError, pa.ArrowException) as error:
        log.warning("snapshot as at %s could not be read from %s: %s", snapshot.as_at, location, error)
        notices.warning(
            f"The snapshot as at {snapshot.as_at:%d %B %Y} cannot be read just now: the store it is kept in "
            "did not answer. Choose another snapshot, or try this one again in a minute.",
            icon=":material/cloud_off:",
        )
        st.stop()


def _audiences_ahead(audience: str) -> list[str]:
    """Audiences to prepare a snapshot for: this one, and with sign-in both (people see both; rated in one
    pass, both are ready together, sooner than one after the other)."""
    return [audience, *([other for other in AUDIENCES if other != audience] if sign_in_configured() else [])]


def _opened_on(location: str, valid: list[CheckedSnapshot], audience: str) -> CheckedSnapshot:
    """The snapshot a page opens on: the newest that is ready to show, while a process of its own
    prepares any newer one (metrics/prepare/ahead.py), shown once it is ready. When none is ready, the newest:
    the visitor waits while it is prepared, as they would for any snapshot they choose."""
    opened_on = next((snapshot for snapshot in valid if loaders.ready(location, snapshot, audience)), valid[0])
    if opened_on is not valid[0]:
        loaders.prepare_ahead(location, valid[0], _audiences_ahead(audience))
    return opened_on


SNAPSHOT_KEY = "frame.snapshot"
ON_THE_NEWEST_KEY = "frame.on_the_newest"  # the snapshot this session showed as the newest, on its last run


def _follow_the_newest(notices, valid: list[CheckedSnapshot], opened_on: CheckedSnapshot) -> None:
    """A session that showed the newest snapshot follows the newest: one published since (and ready) is shown
    on its next run, and one withdrawn since gives way to the newest left, each said in a sentence. A
    session that chose an older snapshot, or whose link names one, keeps it while it is there."""
    options = [snapshot.as_at.isoformat() for snapshot in valid]
    shown = st.session_state.get(SNAPSHOT_KEY)
    if shown is None:
        linked = st.query_params.get("snapshot")
        if linked is not None and linked not in options and SNAPSHOT_NAME.match(linked):
            notices.info(
                f"The snapshot as at {_day(linked)} is not published here (withdrawn or removed), so this page "
                f"shows the newest, as at {opened_on.as_at:%d %B %Y}.",
                icon=":material/info:",
            )
            del st.query_params["snapshot"]
        return
    newest = opened_on.as_at.isoformat()
    if shown not in options:
        notices.info(
            f"The snapshot as at {_day(shown)} is no longer published here (withdrawn or removed), so this page shows "
            f"the newest, as at {opened_on.as_at:%d %B %Y}. Your other choices are kept.",
            icon=":material/info:",
        )
        st.session_state[SNAPSHOT_KEY] = newest
        state.forget("snapshot")
        if "snapshot" in st.query_params:
            del st.query_params["snapshot"]
    elif st.session_state.get(ON_THE_NEWEST_KEY) == shown and shown != newest and newest == options[0]:
        notices.info(
            f"A newer snapshot, as at {opened_on.as_at:%d %B %Y}, has been published since this page opened, so it "
            "shows that one now.",
            icon=":material/update:",
        )
        st.session_state[SNAPSHOT_KEY] = newest
        before = next(snapshot for snapshot in valid if snapshot.as_at.isoformat() == shown)
        if before.latest_month is not None and opened_on.latest_month is not None:
            state.move_latest_month(month_key(before.latest_month), month_key(opened_on.latest_month))


def _day(iso: str) -> str:
    try:
        return f"{date.fromisoformat(iso):%d %B %Y}"
    except ValueError:
        return iso


WAITING_FOR_KEY = "frame.waiting_for"  # the newest snapshot this session was told is being prepared


def _say_when_the_newest_is_ready(notices, newest: CheckedSnapshot, opened_on: CheckedSnapshot, chosen: str) -> None:
    """While the newest snapshot is being prepared, say so on a page showing the one before; once it is
    ready, tell a session that was told so, until it chooses the newest (it is not switched under them)."""
    if opened_on is not newest and chosen == opened_on.as_at.isoformat():
        notices.info(
            f"The newest snapshot, as at {newest.as_at:%d %B %Y}, is still being prepared, so this page "
            f"shows the one as at {opened_on.as_at:%d %B %Y}. Choose the newest under Snapshot in a minute "
            f"or two, or open the page again.",
            icon=":material/hourglass_top:",
        )
        st.session_state[WAITING_FOR_KEY] = newest.as_at.isoformat()
    elif st.session_state.get(WAITING_FOR_KEY) == newest.as_at.isoformat():
        if chosen == newest.as_at.isoformat():
            del st.session_state[WAITING_FOR_KEY]
        else:
            notices.info(
                f"The newest snapshot, as at {newest.as_at:%d %B %Y}, is ready now: choose it under Snapshot.",
                icon=":material/check_circle:",
            )


def _who(role: str, audience: str) -> None:
    """The sidebar's audience and sign-in, on every page."""
    st.markdown(f"**Audience: {audience}**")
    st.caption(AUDIENCE_TEXT[audience])
    sign_in_controls(role)


def page_frame(title: str, summary: str, needs_snapshot: bool = True) -> Frame:
    """Draw the page config, sidebar and title; return the snapshot, audience and role in use. Without a
    valid snapshot the page stops with what went wrong, unless it does not need one (needs_snapshot)."""
    send_messages_at_once()
    take_turns()
    st.set_page_config(page_title=f"{title} · {APP_NAME}", page_icon=favicon_url(), layout="wide")
    use_stylesheet()
    if not capacity.admitted():
        capacity.too_busy()
    location = data_root().uri
    role = current_role()
    audience = audience_of(role)
    valid, invalid, warnings = loaders.survey(location, _audiences_ahead(audience))

    st.title(title)
    notices = st.container()
    if not valid:
        with st.sidebar:
            _sidebar_heading(role)
            _who(role, audience)
        if needs_snapshot:
            _stop_without_data(location, invalid, warnings)
        st.caption(plain(summary))
        return Frame(None, None, audience, role, valid, invalid, warnings, date.today(), notices)

    options = [snapshot.as_at.isoformat() for snapshot in valid]
    with st.sidebar:
        _sidebar_heading(role)
        opened_on = _opened_on(location, valid, audience)
        _follow_the_newest(notices, valid, opened_on)
        chosen = state.single_choice(
            "snapshot", options, opened_on.as_at.isoformat(), SNAPSHOT_KEY, lambda text: notice(notices, text)
        )
        st.selectbox(
            "Snapshot (the day the figures were extracted)",
            options,
            key=SNAPSHOT_KEY,
            format_func=lambda iso: f"As at {date.fromisoformat(iso):%d %B %Y}",
            on_change=state.on_change("snapshot", SNAPSHOT_KEY),
        )
        state.publish(snapshot=chosen if chosen != options[0] else None)
        st.session_state[ON_THE_NEWEST_KEY] = chosen if chosen == options[0] else None
        snapshot = next(s for s in valid if s.as_at.isoformat() == chosen)
        with notices:  # a long first wait is said where the page will be, not in a sidebar a phone hides
            performance = _performance_or_stop(location, snapshot, audience, notices)
        loaders.read_ahead(location, valid, audience)
        frame = Frame(snapshot, performance, audience, role, valid, invalid, warnings, date.today(), notices)
        if frame.latest_month is not None:
            st.caption(data_age(snapshot, frame.latest_month, frame.today))
        _who(role, audience)
        if invalid or warnings:
            with st.expander(f"{len(invalid)} snapshot(s) could not be used", expanded=False):
                for bad in invalid:
                    st.markdown(f"**As at {bad.as_at:%d %B %Y}** failed its checks:")
                    for problem in bad.problems[:5]:
                        st.text(str(problem))
                for warning in warnings:
                    st.text(warning)
    _say_when_the_newest_is_ready(notices, valid[0], opened_on, chosen)
    newest_folder = max([s.as_at for s in valid + invalid])
    if chosen == options[0] and newest_folder > valid[0].as_at:
        notices.warning(
            f"The newest snapshot, as at {newest_folder:%d %B %Y}, failed its checks, so this page "
            f"shows the snapshot as at {valid[0].as_at:%d %B %Y}. Data and snapshots says why.",
            icon=":material/warning:",
        )
    st.caption(plain(summary))
    return frame


def _sidebar_heading(role: str) -> None:
    st.markdown(f"### {APP_NAME}")
    council = council_name()
    if council:
        st.caption(plain(council))
    _navigation(role)
    st.divider()


def officers_only(frame: Frame) -> None:
    """Stop a page for anyone but a performance officer, with a plain page saying so (a deep link too)."""
    if frame.officer:
        return
    st.warning("Only performance officers can load data.", icon=":material/lock:")
    st.markdown(
        "Performance officers load, check and publish each month's figures here. If you are one and expected "
        "to see this page, sign in with the address the council listed for you (ask whoever runs this "
        "service to add it under `[access] officers`). Everyone else can see every published figure on the "
        "other pages."
    )
    if not sign_in_configured():
        st.caption(
            "Sign-in is not set up on this server, so nobody can load data in the browser here; "
            "the command `python -m metrics.ingest` loads a month instead."
        )
    st.page_link("streamlit_app.py", label="Go to the scorecard", icon=":material/table_chart:")
    st.stop()
