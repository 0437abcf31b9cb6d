"""The pickers pages share: month, team(s), indicator and period, all held in the link."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.comparators.benchmarking import ENGLAND, NEIGHBOURS
from metrics.core.months import format_month, month_key
from metrics.outputs.formatting import WHOLE_SERVICE_LABEL
from metrics.snapshot.contract import WHOLE_SERVICE
from ui import state
from ui.frame import Frame
from ui.tables import chosen_rows


def month_chooser(frame: Frame, key: str, label: str = "Month") -> pd.Timestamp:
    """Pick a month of the snapshot (newest by default); shared as `month`."""
    months = [month_key(month) for month in reversed(frame.performance.months)]
    chosen = state.single_choice("month", months, months[0], key, frame.notify)
    st.selectbox(
        label, months, key=key, format_func=lambda m: format_month(f"{m}-01"), on_change=state.on_change("month", key)
    )
    state.publish(month=chosen)
    return pd.Timestamp(f"{chosen}-01")


def team_options(frame: Frame) -> list[str]:
    return [WHOLE_SERVICE_LABEL, *frame.performance.teams]


def as_team(label: str) -> str:
    """A team option back to the team ("" for the whole service)."""
    return WHOLE_SERVICE if label == WHOLE_SERVICE_LABEL else label


def team_chooser(frame: Frame, key: str, label: str = "Team") -> str:
    """Pick one team or the whole service; shared as the first of `teams`."""
    options = team_options(frame)
    chosen = state.first_choice("teams", options, options[0], key, frame.notify)
    st.selectbox(label, options, key=key, on_change=state.on_change("teams", key, many=True))
    state.publish(teams=[chosen])
    return as_team(chosen)


def teams_chooser(frame: Frame, key: str) -> list[str]:
    """Pick several teams (whole service by default); shared as `teams`."""
    options = team_options(frame)
    chosen = state.many_choice("teams", options, [WHOLE_SERVICE_LABEL], key, frame.notify)
    chosen = st.multiselect(
        "Teams",
        options,
        key=key,
        on_change=state.on_change("teams", key, many=True),
        placeholder="Choose one or more teams",
    )
    state.publish(teams=chosen)
    return [as_team(label) for label in chosen]


def indicator_chooser(frame: Frame, key: str, default: str | None = None) -> str:
    """Pick an indicator, listed by area and searchable by name; shared as `indicator`.

    default (the first in the catalogue if not given) is where the page opens; a link's choice wins.
    """
    catalogue = frame.performance.indicators
    ids = list(catalogue.index)
    labels = dict(zip(ids, catalogue["area"] + ": " + catalogue["name"]))
    chosen = state.single_choice("indicator", ids, default if default in labels else ids[0], key, frame.notify)
    st.selectbox(
        "Indicator (type to search)",
        ids,
        key=key,
        format_func=labels.__getitem__,
        on_change=state.on_change("indicator", key),
    )
    state.publish(indicator=chosen)
    return chosen


def period_chooser(frame: Frame, key: str, default_months: int = 24) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Pick a from and to month (the last two years by default); shared as `from` and `to`."""
    months = [month_key(month) for month in frame.performance.months]
    start_default = months[max(0, len(months) - default_months)]
    start = state.single_choice("from", months, start_default, f"{key}.from", frame.notify)
    end = state.single_choice("to", months, months[-1], f"{key}.to", frame.notify)
    if start > end:
        st.session_state[f"{key}.from"], st.session_state[f"{key}.to"] = end, start
    left, right = st.columns(2)
    with left:
        start = st.selectbox(
            "From",
            months,
            key=f"{key}.from",
            format_func=lambda m: format_month(f"{m}-01"),
            on_change=state.on_change("from", f"{key}.from"),
        )
    with right:
        end = st.selectbox(
            "To",
            months,
            key=f"{key}.to",
            format_func=lambda m: format_month(f"{m}-01"),
            on_change=state.on_change("to", f"{key}.to"),
        )
    if start > end:
        start, end = end, start
    state.publish(**{"from": start, "to": end})
    return pd.Timestamp(f"{start}-01"), pd.Timestamp(f"{end}-01")


def filter_by(
    rows: pd.DataFrame, key: str, column: str, label: str, options: list[str], teams: list[str]
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Two filters side by side, on `column` and on team; nothing chosen means everything.

    Returns the rows left and the two choices (for caching and file names).
    """
    left, right = st.columns(2)
    chosen = left.multiselect(label, options, key=f"{key}.{label.lower()}", placeholder=f"All {label.lower()}")
    chosen_teams = right.multiselect("Teams", teams, key=f"{key}.teams", placeholder="All teams")
    return chosen_rows(rows, column, chosen, chosen_teams), chosen, chosen_teams


def comparators_chooser(frame: Frame, key: str, options: list[str]) -> list[str]:
    """Pick the yearly DfE comparators to draw (England and statistical neighbours by default); shared as
    `compare`. Nothing is shown, and nothing chosen, when the indicator has none."""
    if not options:
        st.caption(
            "DfE publishes no figure this indicator can fairly be set against (a count is only compared "
            "with the council's own published count)."
        )
        return []
    default = [option for option in options if option in (ENGLAND, NEIGHBOURS)] or options[:1]
    state.many_choice("compare", options, default, key, frame.notify)
    chosen = st.multiselect(
        "Compare with (yearly figures published by DfE)",
        options,
        key=key,
        on_change=state.on_change("compare", key, many=True),
        placeholder="Choose England, the region, neighbours or quartiles",
    )
    state.publish(compare=chosen)
    return chosen
