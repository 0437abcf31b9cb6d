"""The monthly indicators Annex A can give, one function per list, each rule stated where it is computed.

Counting rules shared by all of them:
- a month's events are counted by the month of their date; "open at month end" means started on or
  before the last day of the month and not ended by it (an end on the last day is not open);
- a child counts once per measure, month and team (Child Unique ID); events of the same child on the
  same day count once;
- rows with a team count for that team and the whole service; rows without one, for the whole
  service only (so whole-service rows are supplied, not derived from teams).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.annex_a.lists import AnnexList, code, meaning, yes_no
from metrics.annex_a.working_days import working_days_between

ASSESSMENT_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15
RE_REFERRAL_MONTHS = 12
LONG_PLAN_YEARS = 2
SHORT_PLAN_MONTHS = 6
PLACEMENT_MOVES = 3
FAMILY_SETTINGS = {"U1", "U2", "U3", "U4", "U5", "U6"}  # foster care, including with relatives or friends
VALUE_COLUMNS = ["indicator_id", "period", "team", "numerator", "denominator", "value"]


@dataclass(frozen=True)
class Window:
    """The months the import covers, oldest first."""

    months: pd.DatetimeIndex

    @property
    def ends(self) -> pd.DatetimeIndex:
        return self.months + pd.offsets.MonthEnd(0)

    @property
    def latest(self) -> pd.Timestamp:
        return self.months[-1]


def _month(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("M").dt.to_timestamp()


def _teams(rows: pd.DataFrame, by_team: bool) -> list[tuple[str | None, pd.DataFrame]]:
    """The whole service (None) and, where asked, each named team."""
    groups = [(None, rows)]
    if by_team and "team" in rows:
        groups += [(team, part) for team, part in rows.groupby("team", sort=True) if team]
    return groups


def monthly_count(
    indicator_id: str, rows: pd.DataFrame, date_field: str, window: Window, by_team: bool
) -> pd.DataFrame:
    """Events per month, one per child and day."""
    keys = ["child_id", date_field, *(["team"] if by_team and "team" in rows else [])]
    events = rows.dropna(subset=[date_field]).drop_duplicates(keys)
    events = events.assign(period=_month(events[date_field]))
    out = []
    for team, part in _teams(events, by_team):
        counts = part.groupby("period").size().reindex(window.months, fill_value=0)
        out += [(indicator_id, month, team, np.nan, np.nan, float(count)) for month, count in counts.items()]
    return pd.DataFrame(out, columns=VALUE_COLUMNS)


def open_at_month_end(rows: pd.DataFrame, start_field: str, end_field: str, window: Window) -> pd.DataFrame:
    """(child, team, period) for every child open at each month end."""
    spells = rows.dropna(subset=[start_field])
    grid = spells.merge(pd.DataFrame({"period": window.months, "month_end": window.ends}), how="cross")
    not_ended = grid[end_field].isna() | (grid[end_field] > grid["month_end"])
    is_open = (grid[start_field] <= grid["month_end"]) & not_ended
    return grid[is_open]


def monthly_children(indicator_id: str, open_rows: pd.DataFrame, window: Window, by_team: bool) -> pd.DataFrame:
    """Children open at each month end, each counted once."""
    out = []
    for team, part in _teams(open_rows, by_team):
        counts = part.groupby("period")["child_id"].nunique().reindex(window.months, fill_value=0)
        out += [(indicator_id, month, team, np.nan, np.nan, float(count)) for month, count in counts.items()]
    return pd.DataFrame(out, columns=VALUE_COLUMNS)


def monthly_share(
    indicator_id: str,
    rows: pd.DataFrame,
    flag: str,
    window: Window,
    by_team: bool,
    months: pd.DatetimeIndex | None = None,
) -> pd.DataFrame:
    """Percentage of rows (with a period) where `flag` is true, per month: numerator over denominator."""
    months = window.months if months is None else months
    out = []
    for team, part in _teams(rows, by_team):
        grouped = part.groupby("period")[flag]
        numerator = grouped.sum().reindex(months, fill_value=0)
        denominator = grouped.size().reindex(months, fill_value=0)
        for month in months:
            n, d = float(numerator[month]), float(denominator[month])
            out.append((indicator_id, month, team, n, d, n / d * 100 if d else np.nan))
    return pd.DataFrame(out, columns=VALUE_COLUMNS)


Measure = Callable[[AnnexList, Window], list[pd.DataFrame]]


def list_1(contacts: AnnexList, window: Window) -> list[pd.DataFrame]:
    """contacts_received: contacts by month of contact (whole service: List 1 has no team)."""
    return [monthly_count("contacts_received", contacts.rows, "contact_date", window, by_team=False)]


def list_2(early_help: AnnexList, window: Window) -> list[pd.DataFrame]:
    """early_help_assessments_completed by completion month; early_help_assessments_open at month end."""
    rows = early_help.rows
    open_rows = open_at_month_end(rows, "eh_start", "eh_end", window)
    return [
        monthly_count("early_help_assessments_completed", rows, "eh_end", window, by_team=False),
        monthly_children("early_help_assessments_open", open_rows, window, by_team=False),
    ]


def list_3(referrals: AnnexList, window: Window) -> list[pd.DataFrame]:
    """referrals_received; re_referrals_12_months: a referral for a child with another referral in the
    12 months before it (on the list); referrals_nfa: referrals closed with no further action."""
    rows = referrals.rows.dropna(subset=["referral_date"]).drop_duplicates(["child_id", "referral_date"])
    rows = rows.sort_values("referral_date")
    earlier = rows.groupby("child_id")["referral_date"].shift(1)
    rows = rows.assign(
        period=_month(rows["referral_date"]),
        re_referral=earlier.notna() & (earlier >= rows["referral_date"] - pd.DateOffset(months=RE_REFERRAL_MONTHS)),
    )
    in_window = rows[rows["period"].isin(window.months)]
    frames = [
        monthly_count("referrals_received", in_window, "referral_date", window, by_team=True),
        monthly_share("re_referrals_12_months", in_window, "re_referral", window, by_team=True),
    ]
    if referrals.has("referral_nfa"):
        nfa = in_window.assign(nfa=in_window["referral_nfa"].map(yes_no).fillna(False).astype(bool))
        frames.append(monthly_share("referrals_nfa", nfa, "nfa", window, by_team=True))
    return frames


def list_4(assessments: AnnexList, window: Window) -> list[pd.DataFrame]:
    """assessments_completed by authorisation month; assessments_in_45_days: authorised within 45
    working days of the start; assessments_open at month end."""
    rows = assessments.rows
    done = rows.dropna(subset=["assessment_end"]).drop_duplicates(["child_id", "assessment_start", "assessment_end"])
    days = working_days_between(done["assessment_start"], done["assessment_end"])
    done = done.assign(period=_month(done["assessment_end"]), in_time=(days <= ASSESSMENT_WORKING_DAYS))
    done = done[done["assessment_start"].notna()]
    open_rows = open_at_month_end(rows, "assessment_start", "assessment_end", window)
    return [
        monthly_count("assessments_completed", done, "assessment_end", window, by_team=True),
        monthly_share("assessments_in_45_days", done, "in_time", window, by_team=True),
        monthly_children("assessments_open", open_rows, window, by_team=True),
    ]


def list_5(enquiries: AnnexList, window: Window) -> list[pd.DataFrame]:
    """section_47_enquiries by strategy discussion month; icpc_in_15_days: conferences in the month held
    within 15 working days of the strategy discussion."""
    rows = enquiries.rows
    frames = [monthly_count("section_47_enquiries", rows, "strategy_date", window, by_team=True)]
    if enquiries.has("icpc_date"):
        held = rows.dropna(subset=["icpc_date", "strategy_date"]).drop_duplicates(["child_id", "icpc_date"])
        days = working_days_between(held["strategy_date"], held["icpc_date"])
        held = held.assign(period=_month(held["icpc_date"]), in_time=days <= ICPC_WORKING_DAYS)
        frames.append(monthly_share("icpc_in_15_days", held, "in_time", window, by_team=True))
    return frames


def list_6(children_in_need: AnnexList, window: Window) -> list[pd.DataFrame]:
    """cin_plans_open: children with a CIN plan at month end (Case Status "Child in need plan" where given)."""
    rows = children_in_need.rows
    if children_in_need.has("case_status"):
        status = rows["case_status"].map(lambda v: (meaning(v) or "").lower())
        rows = rows[status.str.contains("child in need plan") | (status == "")]
    open_rows = open_at_month_end(rows, "cin_start", "cin_end", window)
    return [monthly_children("cin_plans_open", open_rows, window, by_team=True)]


def list_7(protection: AnnexList, window: Window) -> list[pd.DataFrame]:
    """cp_plans_open and cp_plans_2_years (open two years or more) at month end; cp_repeat_plans: plans
    started in the month for a child with a previous plan; cp_plans_under_6_months: open plans that
    started less than six months before the month end."""
    rows = protection.rows
    open_rows = open_at_month_end(rows, "cp_start", "cp_end", window)
    long_plans = open_rows[open_rows["cp_start"] <= open_rows["month_end"] - pd.DateOffset(years=LONG_PLAN_YEARS)]
    keys = ["child_id", "period", *(["team"] if "team" in open_rows else [])]
    recent = open_rows.drop_duplicates(keys)
    recent = recent.assign(short=recent["cp_start"] > recent["month_end"] - pd.DateOffset(months=SHORT_PLAN_MONTHS))
    frames = [
        monthly_children("cp_plans_open", open_rows, window, by_team=True),
        monthly_children("cp_plans_2_years", long_plans, window, by_team=True),
        monthly_share("cp_plans_under_6_months", recent, "short", window, by_team=True),
    ]
    if protection.has("cp_previous"):
        started = rows.dropna(subset=["cp_start"]).drop_duplicates(["child_id", "cp_start"])
        previous = pd.to_numeric(started["cp_previous"], errors="coerce").fillna(0)
        started = started.assign(period=_month(started["cp_start"]), repeat=previous > 0)
        frames.append(monthly_share("cp_repeat_plans", started, "repeat", window, by_team=True))
    return frames


def list_8(in_care: AnnexList, window: Window) -> list[pd.DataFrame]:
    """children_in_care at month end; cla_started and cla_ceased by month; for the latest month,
    cla_3_placements (three or more placements in the last 12 months) and cla_family_settings
    (placement types U1 to U6: foster care, including with family and friends)."""
    rows = in_care.rows
    open_rows = open_at_month_end(rows, "cla_start", "cla_end", window)
    frames = [
        monthly_children("children_in_care", open_rows, window, by_team=True),
        monthly_count("cla_started", rows, "cla_start", window, by_team=True),
    ]
    frames.append(monthly_count("cla_ceased", rows, "cla_end", window, by_team=True))
    latest = open_rows[open_rows["period"] == window.latest].drop_duplicates(["child_id"])
    latest_month = pd.DatetimeIndex([window.latest])
    if in_care.has("placements_12_months"):
        moves = pd.to_numeric(latest["placements_12_months"], errors="coerce").fillna(0)
        frames.append(
            monthly_share(
                "cla_3_placements",
                latest.assign(many=moves >= PLACEMENT_MOVES),
                "many",
                window,
                by_team=True,
                months=latest_month,
            )
        )
    if in_care.has("placement_type"):
        family = latest["placement_type"].map(code).isin(FAMILY_SETTINGS)
        frames.append(
            monthly_share(
                "cla_family_settings", latest.assign(family=family), "family", window, by_team=True, months=latest_month
            )
        )
    return frames


def _in_education_employment_or_training(value: object) -> bool:
    text = (meaning(value) or "").lower()
    return (
        bool(text)
        and "not in education" not in text
        and any(word in text for word in ("education", "employment", "training", "apprentice"))
    )


def list_9(care_leavers: AnnexList, window: Window) -> list[pd.DataFrame]:
    """For the latest month: care_leavers_in_touch (LA in touch: yes), care_leavers_suitable_accommodation
    (accommodation suitable) and care_leavers_eet (in education, employment or training)."""
    rows = care_leavers.rows.drop_duplicates(["child_id"]).assign(period=window.latest)
    latest_month = pd.DatetimeIndex([window.latest])
    frames = []
    if care_leavers.has("in_touch"):
        in_touch = rows["in_touch"].map(lambda v: (meaning(v) or "").lower() in ("yes", "y"))
        frames.append(
            monthly_share(
                "care_leavers_in_touch", rows.assign(flag=in_touch), "flag", window, by_team=True, months=latest_month
            )
        )
    if care_leavers.has("accommodation_suitable"):
        suitable = rows["accommodation_suitable"].map(lambda v: (meaning(v) or "").lower() == "suitable")
        frames.append(
            monthly_share(
                "care_leavers_suitable_accommodation",
                rows.assign(flag=suitable),
                "flag",
                window,
                by_team=True,
                months=latest_month,
            )
        )
    if care_leavers.has("activity"):
        eet = rows["activity"].map(_in_education_employment_or_training)
        frames.append(
            monthly_share("care_leavers_eet", rows.assign(flag=eet), "flag", window, by_team=True, months=latest_month)
        )
    return frames


# list number: (the function, the fields it cannot do without, the indicators it gives)
MEASURES: dict[int, tuple[Measure, tuple[str, ...], tuple[str, ...]]] = {
    1: (list_1, ("child_id", "contact_date"), ("contacts_received",)),
    2: (
        list_2,
        ("child_id", "eh_start", "eh_end"),
        ("early_help_assessments_completed", "early_help_assessments_open"),
    ),
    3: (list_3, ("child_id", "referral_date"), ("referrals_received", "re_referrals_12_months", "referrals_nfa")),
    4: (
        list_4,
        ("child_id", "assessment_start", "assessment_end"),
        ("assessments_completed", "assessments_in_45_days", "assessments_open"),
    ),
    5: (list_5, ("child_id", "strategy_date"), ("section_47_enquiries", "icpc_in_15_days")),
    6: (list_6, ("child_id", "cin_start", "cin_end"), ("cin_plans_open",)),
    7: (
        list_7,
        ("child_id", "cp_start", "cp_end"),
        ("cp_plans_open", "cp_plans_2_years", "cp_repeat_plans", "cp_plans_under_6_months"),
    ),
    8: (
        list_8,
        ("child_id", "cla_start", "cla_end"),
        ("children_in_care", "cla_started", "cla_ceased", "cla_3_placements", "cla_family_settings"),
    ),
    9: (list_9, ("child_id",), ("care_leavers_in_touch", "care_leavers_suitable_accommodation", "care_leavers_eet")),
}

# Indicators that need a column beyond the list's essentials: indicator -> (list, field).
OPTIONAL_FIELDS = {
    "referrals_nfa": (3, "referral_nfa"),
    "icpc_in_15_days": (5, "icpc_date"),
    "cp_repeat_plans": (7, "cp_previous"),
    "cla_3_placements": (8, "placements_12_months"),
    "cla_family_settings": (8, "placement_type"),
    "care_leavers_in_touch": (9, "in_touch"),
    "care_leavers_suitable_accommodation": (9, "accommodation_suitable"),
    "care_leavers_eet": (9, "activity"),
}
