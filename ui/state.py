"""The view a link can share: indicator, teams, from, to, month and snapshot.

A setting starts from the link (if it makes sense), else from the last page
the user was on, else from the page's default. Every change goes back into
the URL and into the session, so links reproduce the view and choices follow
the user between pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from metrics.core.months import month_key
from metrics.outputs.formatting import team_label

VIEW = "shared_view"
MAX_PARAMETER_SHOWN = 40
Notify = Callable[[str], None]


def _view() -> dict:
    return st.session_state.setdefault(VIEW, {})


def _notice(notify: Notify, name: str, raw: str, fallback: str) -> None:
    shown = raw if len(raw) <= MAX_PARAMETER_SHOWN else raw[:MAX_PARAMETER_SHOWN] + "…"
    notify(f"The link's {name} “{shown}” does not match anything here, so {fallback} is shown.")


def _remember(name: str, key: str, many: bool) -> None:
    value = st.session_state.get(key)
    _view()[name] = list(value) if isinstance(value, (list, tuple)) else [value] if many else value


def single_choice(name: str, options: Sequence[str], default: str, key: str, notify: Notify) -> str:
    """The starting value for a one-value setting, validated against the options."""
    if key in st.session_state and st.session_state[key] in options:
        return st.session_state[key]
    raw = st.query_params.get(name)
    if raw is not None and raw not in options:
        _notice(notify, name, raw, "the default")
        raw = None
    remembered = _view().get(name)
    value = raw if raw is not None else remembered if remembered in options else default
    st.session_state[key] = value
    return value


def many_choice(name: str, options: Sequence[str], default: list[str], key: str, notify: Notify) -> list[str]:
    """The starting values for a several-value setting (teams); unknown values are dropped."""
    if key in st.session_state:
        current = [value for value in st.session_state[key] if value in options]
        st.session_state[key] = current
        return current
    raw = st.query_params.get_all(name)
    chosen = [value for value in raw if value in options]
    for value in raw:
        if value not in options:
            _notice(notify, name, value, "the rest of the choice")
    if not chosen:
        remembered = _view().get(name)
        chosen = [value for value in remembered if value in options] if isinstance(remembered, list) else []
        chosen = chosen or list(default)
    st.session_state[key] = chosen
    return chosen


def first_choice(name: str, options: Sequence[str], default: str, key: str, notify: Notify) -> str:
    """The starting value for a one-value picker over a several-value setting (a team of `teams`)."""
    if key in st.session_state and st.session_state[key] in options:
        return st.session_state[key]
    raw = st.query_params.get_all(name)
    if raw and raw[0] not in options:
        _notice(notify, name, raw[0], "the default")
        raw = []
    remembered = _view().get(name) or []
    if raw:
        value = raw[0]
    elif isinstance(remembered, list) and remembered and remembered[0] in options:
        value = remembered[0]
    else:
        value = default
    st.session_state[key] = value
    return value


def forget(name: str) -> None:
    """Forget a setting this session carried from page to page (the snapshot, once it is withdrawn, say)."""
    _view().pop(name, None)


MONTH_SETTINGS = ("month", "to")  # settings that name a month, the latest one by default


def move_latest_month(old: str, new: str) -> None:
    """A session following the newest snapshot: month choices left on the old latest month (YYYY-MM) move to
    the new one, in the link, in what follows the user between pages, and in this page's pickers."""
    if old == new:
        return
    view = _view()
    for name in MONTH_SETTINGS:
        if view.get(name) == old:
            view[name] = new
        if st.query_params.get(name) == old:
            st.query_params[name] = new
    for key in list(st.session_state.keys()):
        if str(key).endswith(tuple(f".{name}" for name in MONTH_SETTINGS)) and st.session_state[key] == old:
            st.session_state[key] = new


def on_change(name: str, key: str, many: bool = False) -> Callable[[], None]:
    """A widget callback that remembers the new value for other pages."""
    return lambda: _remember(name, key, many)


def publish(**settings: str | list[str] | None) -> None:
    """Put the current settings into the URL and the session."""
    for name, value in settings.items():
        if value is None or value == []:
            if name in st.query_params:
                del st.query_params[name]
            continue
        _view()[name] = value
        current = st.query_params.get_all(name) if isinstance(value, list) else st.query_params.get(name)
        if current != value:
            st.query_params[name] = value


def explore_urls(indicator_ids, teams, month: pd.Timestamp, snapshot: str | None) -> list[str]:
    """The one way to link to the explore page: for each (indicator, team) pair, up to a month, in a
    snapshot (None: newest). Each distinct indicator and team is encoded once, and the rest of the link
    once for all (a 500-team table made its links one by one at 23 µs each)."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    months = {"to": month_key(month), "month": month_key(month), **({"snapshot": snapshot} if snapshot else {})}
    tail = urlencode(months)
    indicators = {name: urlencode({"indicator": name}) for name in dict.fromkeys(indicator_ids)}
    labels = {team: urlencode({"teams": team_label(team)}) for team in dict.fromkeys(teams)}
    start = f"{'/' + base if base else ''}/explore?"
    return [f"{start}{indicators[name]}&{labels[team]}&{tail}" for name, team in zip(indicator_ids, teams)]


def explore_span_url(
    indicator_id: str, team: str, first: pd.Timestamp, last: pd.Timestamp, snapshot: str | None
) -> str:
    """A link to the explore page for one indicator and team over the months from first to last."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    settings = {
        "indicator": indicator_id,
        "teams": team_label(team),
        "from": month_key(first),
        "to": month_key(last),
        "month": month_key(last),
        **({"snapshot": snapshot} if snapshot else {}),
    }
    return f"{'/' + base if base else ''}/explore?{urlencode(settings)}"


def spc_urls(indicator_ids, teams, month: pd.Timestamp, snapshot: str | None) -> list[str]:
    """Links to the explore page's SPC chart (view=spc) for each (indicator, team) pair, up to a month."""
    return [f"{url}&view=spc" for url in explore_urls(indicator_ids, teams, month, snapshot)]
