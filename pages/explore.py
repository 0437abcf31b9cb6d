"""Explore an indicator: one indicator over any period for any teams, against target and benchmarks."""

import pandas as pd
import streamlit as st

from metrics.comparators.benchmarking import available, comparator_points
from metrics.core.months import format_month, month_key
from metrics.outputs import charts
from metrics.outputs.formatting import ASSURANCE_LABELS, POLARITY_WORDS, UNIT_WORDS, VARIATION_LABELS, team_label
from metrics.outputs.series import notes_between, rolling_average, same_month_last_year
from metrics.rating import spc
from metrics.rating.performance import change_months
from ui import loaders, state
from ui.choosers import comparators_chooser, indicator_chooser, period_chooser, teams_chooser
from ui.display import downloads, plain, show_chart
from ui.frame import page_frame

frame = page_frame(
    "Explore an indicator",
    "One indicator over time for the teams you choose, with its target, the amber band, notes, and England, "
    "statistical neighbours or other councils' yearly figures to compare with. "
    "Copy the page's address to share exactly this view.",
)
performance = frame.performance

indicator_id = indicator_chooser(frame, "explore.indicator", loaders.opening_indicators(*frame.cache_key)[0])
teams = teams_chooser(frame, "explore.teams")
start, end = period_chooser(frame, "explore.period")
if not teams:
    st.info("Choose at least one team (or the whole service) to draw the chart.")
    st.stop()

catalogue = performance.indicators
name, unit = catalogue.at[indicator_id, "name"], catalogue.at[indicator_id, "unit"]
polarity = catalogue.at[indicator_id, "polarity"]
team_names = ", ".join(team_label(team) for team in teams)
period_words = f"{format_month(start)} to {format_month(end)}"
unit_words = UNIT_WORDS[unit]
title = f"{name} ({unit_words}) — {team_names}, {period_words}"

# Everything below depends only on these choices, so each piece is worked out once per choice.
choice = (indicator_id, tuple(teams), f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}")
view_key = ("explore", *choice)
series = loaders.indicator_series(*frame.cache_key, *choice)


def over_time_chart(chart_teams: list[str], chart_title: str, rolling: bool, last_year: bool, compare_with: list[str]):
    """The indicator chart for some of the chosen teams, with the optional extra lines."""
    shown = series[series["team"].isin(chart_teams)]
    extra_lines = []
    if rolling:
        extra_lines.append(shown.assign(value=rolling_average(shown), line="3-month average"))
    if last_year:
        earlier = same_month_last_year(performance, indicator_id, chart_teams, start, end)
        extra_lines.append(shown.assign(value=earlier.to_numpy(), line="Same month last year", suppressed=False))
    notes = notes_between(performance, indicator_id, chart_teams, start, end)
    return charts.indicator_layout(
        shown,
        name=name,
        unit=unit,
        polarity=polarity,
        title=chart_title,
        benchmarks=comparator_points(performance.benchmarks, indicator_id, unit, compare_with, start, end),
        notes=notes,
        extra=pd.concat(extra_lines, ignore_index=True) if extra_lines else None,
    )


VIEWS = {"over_time": "Over time", "spc": "Signal or noise (SPC)"}  # the link's view= and the choice's label
state.single_choice("view", list(VIEWS), "over_time", "explore.view", frame.notify)
view = VIEWS[
    st.radio(
        "View",
        list(VIEWS),
        format_func=VIEWS.get,
        horizontal=True,
        key="explore.view",
        on_change=state.on_change("view", "explore.view"),
        help="SPC (statistical process control) shows whether a change is a real signal or ordinary variation.",
    )
]
state.publish(view=None if st.session_state["explore.view"] == "over_time" else "spc")

if view == "Over time":
    options = st.columns(3)
    layout = options[0].radio("Layout", ["One chart", "A chart per team"], key="explore.layout", horizontal=True)
    rolling = options[1].checkbox("3-month rolling average", key="explore.rolling")
    last_year = options[2].checkbox("Same month last year", key="explore.last_year")
    compare_with = comparators_chooser(frame, "explore.compare", available(performance.benchmarks, indicator_id, unit))
    drawn = (rolling, last_year, tuple(compare_with))
    if layout == "One chart" or len(teams) == 1:
        show_chart(
            frame.cache_key,
            (*view_key, "chart", *drawn),
            lambda: over_time_chart(teams, title, rolling, last_year, compare_with),
            "explore.chart",
        )
    else:
        for team in teams:
            team_title = f"{name} ({unit_words}) — {team_label(team)}, {period_words}"
            show_chart(
                frame.cache_key,
                (*view_key, "chart", team, *drawn),
                lambda team=team, team_title=team_title: over_time_chart(
                    [team], team_title, rolling, last_year, compare_with
                ),
                f"explore.chart.{team or 'whole'}",
            )
    st.caption(
        "Dashed grey line: the target; shaded band: amber; ▼: a note (point at it to read it). Comparators "
        "(◆ England, ■ statistical neighbours, ▲▼ England's upper and lower quartiles, ✚ the council's own "
        "published figure, ● the region) are yearly DfE figures, each drawn at the month its year ends and "
        "labelled with its name and DfE year; the one in force when the chart starts is drawn at its start."
    )
    for sentence in loaders.indicator_sentences(
        *frame.cache_key, indicator_id, f"{end:%Y-%m-%d}", tuple(teams), frame.previous_snapshot
    ):
        st.markdown(plain(sentence))
else:
    spc_team = st.selectbox("Team for the SPC chart", teams, format_func=team_label, key="explore.spc_team")
    months = [month_key(m) for m in pd.date_range(start, end, freq="MS")]
    left, right = st.columns(2)
    baselines = [n for n in spc.BASELINES if n < len(months)] + [0]
    fix_after = left.selectbox(
        "Work out the limits from",
        baselines,
        key="explore.baseline",
        format_func=lambda n: f"The first {n} months shown, then hold them" if n else "Every month shown",
        help="A baseline: the limits come from the first months and later months are judged against them, "
        "so a rise or fall since then shows as a signal rather than moving the limits with it.",
    )
    # Where the notes record a change (a lockdown), the limits start again there, as the scorecard's do.
    recorded = [month_key(month) for month in change_months(performance.commentary, indicator_id, spc_team)]
    recorded = [month for month in recorded if month in months[1:]]
    rebase_options = ["none", *months[1:]]
    rebase_for = (indicator_id, spc_team, months[0], months[-1])  # a new series or span: the recorded change again
    if st.session_state.get("explore.rebase_for") != rebase_for or st.session_state.get("explore.rebase") not in (
        rebase_options
    ):
        st.session_state["explore.rebase"] = recorded[-1] if recorded else "none"
        st.session_state["explore.rebase_for"] = rebase_for
    rebase = right.selectbox(
        "Start new limits from (after a change in practice or definition)",
        rebase_options,
        format_func=lambda m: "No new limits" if m == "none" else format_month(f"{m}-01"),
        key="explore.rebase",
    )
    one = series[series["team"] == spc_team]
    target_now = one["target"].dropna().iloc[-1] if one["target"].notna().any() else None
    rebase_from = None if rebase == "none" else f"{rebase}-01"
    result = loaders.spc_reading(*frame.cache_key, indicator_id, spc_team, *choice[2:], rebase_from, fix_after or None)
    spc_title = f"{name} ({unit_words}) — SPC chart, {team_label(spc_team)}, {period_words}"
    if len(result.points) < spc.MINIMUM_POINTS:
        st.info(
            f"SPC needs at least {spc.MINIMUM_POINTS} months of figures; this view has {len(result.points)}. "
            "Choose a longer period."
        )
    show_chart(
        frame.cache_key,
        (*view_key, "spc_chart", spc_team, rebase, fix_after),
        lambda: charts.spc_layout(result.points, name=name, unit=unit, title=spc_title, target=target_now),
        "explore.spc_chart",
    )
    st.markdown(
        f"**Latest month's signal:** {VARIATION_LABELS[result.variation]}. "
        f"**Assurance against the target:** {ASSURANCE_LABELS[result.assurance]}."
    )
    with st.expander("How to read this chart", expanded=True):
        limits = spc.limits_in_words(result.points, fix_after, rebase_from and pd.Timestamp(rebase_from))
        st.markdown(
            f"- **Limits shown:** {limits}\n"
            "- The **solid line** is the average; the **dashed lines** are the process limits: "
            "if nothing changes, almost every month will fall between them.\n"
            "- A point marked **▲ improvement** or **▼ concern** is a *special cause*: a point outside the limits, "
            "seven months in a row rising or falling, two of three months close to a limit, or seven months in a "
            "row above or below the average. Where these disagree, the first in that order decides (so a rise "
            "that is still below the average reads as a rise). Something has probably changed; ask what.\n"
            "- Grey **● common cause** points are ordinary variation. Reacting to them is reacting to noise.\n"
            "- **Assurance** compares the target with the limits: if the target lies outside them, the service "
            "will reliably meet it (pass) or miss it (fail) unless the process changes.\n"
            "- The scorecard's signal for a month uses every month of data up to that month, so it can differ "
            "from this chart's baseline."
        )

st.subheader("What it measures")
st.markdown(plain(catalogue.at[indicator_id, "definition"]))
source = catalogue.at[indicator_id, "source"]
st.markdown(
    f"**Why it matters:** {POLARITY_WORDS[polarity].capitalize()}. "
    + (f"Reported to Ofsted in {plain(source)}." if isinstance(source, str) and source else "")
)

st.subheader("The figures")


shown, status_config, export = loaders.explore_tables(*frame.cache_key, *choice)
st.dataframe(
    shown, column_config=status_config, hide_index=True, key="explore.table", alt=f"Monthly figures for {name}"
)
downloads(export, f"{indicator_id}_{month_key(start)}_to_{month_key(end)}", "explore.download")
