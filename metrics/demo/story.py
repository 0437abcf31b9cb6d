"""The story the demo figures tell, month by month, as anchors between which figures move.

It follows the report this project started from: contacts and referrals rising
through 2021 with a dip every December; assessments in 45 working days falling
through mid-2021 and recovering from October (58% in November, 67% in December);
children in care rising from March 2021 to a peak, 345 in November 2021.

And what a real council's figures show: contacts and referrals fell in the spring
2020 lockdown (schools closed) and came back with a rush in September; every
August and December is quieter. Work flows on: most referrals become an assessment
the month after, about three in ten lead to a section 47 enquiry, and about a third
of enquiries to an initial conference. Teams share the work unevenly and the shares
drift, so each team's line has a shape of its own.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics.demo import catalogue as cat


def wobble(*key) -> float:
    """A repeatable pseudo-random number in [-1, 1) for the key."""
    digest = hashlib.blake2b("|".join(str(part) for part in key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**63 - 1


def split_whole(total: int, weights: tuple[float, ...] | list[float]) -> list[int]:
    """Split a whole number in proportion to weights; the parts add up exactly."""
    weights = np.asarray(weights, dtype="float64")
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(int)
    for index in np.argsort(-(exact - parts), kind="stable")[: total - parts.sum()]:
        parts[index] += 1
    return [int(part) for part in parts]


def ramp(month: pd.Timestamp, anchors: dict[str, float]) -> float:
    """The straight-line value between the anchor months either side (flat beyond them)."""
    points = sorted((pd.Timestamp(f"{key}-01"), value) for key, value in anchors.items())
    stamps = np.array([point[0].value for point in points], dtype="float64")
    return float(np.interp(float(month.value), stamps, [point[1] for point in points]))


def _key(month: pd.Timestamp) -> str:
    return month.strftime("%Y-%m")


FIRST_MONTH = pd.Timestamp("2019-04-01")
TEAM_WOBBLE = 0.05  # each team's share moves a little each month on its own


class SplitAcrossTeams(ABC):
    """A whole-number total per month, split across the story's teams by weight.

    Weights drift by `drift` a year from April 2019 and wobble a little per team and month.
    """

    teams: tuple[str, ...]
    weights: tuple[float, ...]
    drift: tuple[float, ...] = ()

    @abstractmethod
    def total(self, name: str, month: pd.Timestamp) -> int:
        """The whole-service figure for the month."""

    def weights_at(self, name: str, month: pd.Timestamp) -> tuple[float, ...]:
        if len(self.teams) == 1:
            return (1.0,)
        years = (month - FIRST_MONTH).days / 365.25
        drift = self.drift or (0.0,) * len(self.weights)
        return tuple(
            max(0.01, (weight + change * years) * (1 + TEAM_WOBBLE * wobble(name, team, month)))
            for weight, change, team in zip(self.weights, drift, self.teams)
        )

    def parts(self, name: str, month: pd.Timestamp) -> list[int]:
        return split_whole(self.total(name, month), self.weights_at(name, month))

    def _whole(self, name: str, month: pd.Timestamp, level: float) -> int:
        """The month's total: fixed where the story fixes it, else the level with its wobble."""
        if _key(month) in self.exact:
            return self.exact[_key(month)]
        return max(0, round(level * (1 + self.wobble * wobble(name, month))))

    def rows(self, name: str, month: pd.Timestamp) -> list[tuple]:
        return [(name, month, team, float(part), None) for team, part in zip(self.teams, self.parts(name, month))]


# Spring 2020: schools closed and contacts from them stopped; September brought a rush as they reopened.
LOCKDOWN = {
    "2020-04": 0.72,
    "2020-05": 0.78,
    "2020-06": 0.88,
    "2020-07": 0.95,
    "2020-09": 1.08,
    "2020-10": 1.04,
    "2021-01": 0.92,
    "2021-02": 0.94,
    "2021-03": 1.05,
}
SCHOOL_HOLIDAYS = {8: 0.92, 12: 0.85}  # quieter months of the year at the front door


@dataclass(frozen=True)
class Count(SplitAcrossTeams):
    """A count split across teams; `exact` months take a fixed total.

    `seasons` scale a month of the year, `events` a particular month (the lockdown).
    """

    anchors: dict[str, float]
    teams: tuple[str, ...]
    weights: tuple[float, ...] = (1.0,)
    wobble: float = 0.03
    seasons: dict[int, float] = field(default_factory=dict)
    events: dict[str, float] = field(default_factory=dict)
    exact: dict[str, int] = field(default_factory=dict)
    drift: tuple[float, ...] = ()

    def total(self, name: str, month: pd.Timestamp) -> int:
        level = ramp(month, self.anchors) * self.seasons.get(month.month, 1.0) * self.events.get(_key(month), 1.0)
        return self._whole(name, month, level)


@dataclass(frozen=True)
class FlowOn(SplitAcrossTeams):
    """A count that follows from another: a share (moving between anchors) of its total `lag` months before."""

    source: str
    share: dict[str, float]
    teams: tuple[str, ...]
    weights: tuple[float, ...] = (1.0,)
    lag: int = 0
    wobble: float = 0.03
    seasons: dict[int, float] = field(default_factory=dict)
    exact: dict[str, int] = field(default_factory=dict)
    drift: tuple[float, ...] = ()

    def total(self, name: str, month: pd.Timestamp) -> int:
        before = month - pd.DateOffset(months=self.lag)
        source = _story(self.source).total(self.source, before)
        return self._whole(name, month, source * ramp(month, self.share) * self.seasons.get(month.month, 1.0))


def _story(name: str):
    """A story by name, or a hidden base count (a ratio's own denominator) by its key in BASES."""
    return STORIES[name] if name in STORIES else BASES[name]


@dataclass(frozen=True)
class Ratio:
    """A percentage: a share of a denominator (another indicator's count, or a count of its own)."""

    anchors: dict[str, float]
    denominator: str | SplitAcrossTeams
    teams: tuple[str, ...]
    tilt: tuple[float, ...] = ()
    wobble: float = 0.015
    exact: frozenset[str] = frozenset()

    def share(self, name: str, month: pd.Timestamp) -> float:
        level = ramp(month, self.anchors)
        if _key(month) in self.exact:
            return level
        return min(1.0, max(0.0, level + self.wobble * wobble(name, "share", month)))

    def denominators(self, name: str, month: pd.Timestamp) -> list[int]:
        if isinstance(self.denominator, str):
            return _story(self.denominator).parts(self.denominator, month)
        return self.denominator.parts(f"{name}-base", month)

    def rows(self, name: str, month: pd.Timestamp) -> list[tuple]:
        denominators = self.denominators(name, month)
        numerator = round(self.share(name, month) * sum(denominators))
        tilt = self.tilt or (1.0,) * len(self.teams)
        if len(self.teams) > 1:  # teams do not rise and fall in step
            tilt = tuple(
                t * (1 + TEAM_WOBBLE * wobble(name, team, "share", month)) for t, team in zip(tilt, self.teams)
            )
        numerators = split_whole(numerator, tuple(d * t + 1e-9 for d, t in zip(denominators, tilt)))
        numerators = _cap(numerators, denominators)
        return [(name, month, team, float(n), float(d)) for team, n, d in zip(self.teams, numerators, denominators)]


def _cap(numerators: list[int], denominators: list[int]) -> list[int]:
    """Move any numerator above its denominator to teams with room, keeping the total."""
    numerators = list(numerators)
    for index, (n, d) in enumerate(zip(numerators, denominators)):
        excess = n - d
        if excess > 0:
            numerators[index] = d
            for other in range(len(numerators)):
                room = denominators[other] - numerators[other]
                moved = min(room, excess)
                numerators[other] += moved
                excess -= moved
    return numerators


@dataclass(frozen=True)
class Rate:
    """A whole-service rate per 10,000 children, from another indicator's total."""

    of: str
    teams: tuple[str, ...] = ("",)

    def rows(self, name: str, month: pd.Timestamp) -> list[tuple]:
        total = STORIES[self.of].total(self.of, month)
        return [(name, month, None, float(total), float(cat.CHILD_POPULATION))]


@dataclass(frozen=True)
class Flow(SplitAcrossTeams):
    """Children starting or leaving care, consistent with the change in children in care."""

    starting: bool
    teams: tuple[str, ...] = (cat.CHILDREN_IN_CARE, cat.DISABILITIES)
    weights: tuple[float, ...] = (0.9, 0.1)
    drift: tuple[float, ...] = ()

    def total(self, name: str, month: pd.Timestamp) -> int:
        in_care = STORIES["children_in_care"]
        before = month - pd.DateOffset(months=1)
        change = in_care.total("children_in_care", month) - in_care.total("children_in_care", before)
        ceased = round(10 + 2.5 * wobble("cla_ceased", month))
        started = ceased + change
        if started < 0:
            ceased, started = ceased - started, 0
        return started if self.starting else ceased


@dataclass(frozen=True)
class Share:
    """A team-level share with no story of its own beyond its anchors (supervision)."""

    anchors: dict[str, float]
    wobble: float = 0.08
    teams: None = None

    def share(self, month: pd.Timestamp, team: str) -> float:
        return min(1.0, max(0.0, ramp(month, self.anchors) + self.wobble * wobble("share", team, month)))


SAFEGUARDING_AND_CWD = (*cat.SAFEGUARDING, cat.DISABILITIES)
IN_CARE_TEAMS = (cat.CHILDREN_IN_CARE, cat.DISABILITIES)
RECOVERY = frozenset({"2021-09", "2021-10", "2021-11", "2021-12", "2022-01"})
CHILDREN_IN_CARE_STORY = {
    "2019-04": 298,
    "2021-02": 301,
    "2021-03": 303,
    "2021-04": 308,
    "2021-05": 314,
    "2021-06": 320,
    "2021-07": 326,
    "2021-08": 332,
    "2021-09": 339,
    "2021-10": 348,
    "2021-11": 345,
    "2021-12": 344,
    "2022-01": 343,
}
CARE_LEAVERS_BASE = Count({"2019-04": 170, "2022-01": 190}, (cat.CARE_LEAVERS,), wobble=0.01)

# Counts that only serve as another figure's denominator.
BASES = {
    # About a third of section 47 enquiries lead to an initial conference, held the month after.
    "initial_conferences": FlowOn(
        "section_47_enquiries", {"2019-04": 0.34, "2022-01": 0.33}, cat.ASSESSMENT, (0.5, 0.5), lag=1, wobble=0.1
    ),
}

STORIES = {
    "contacts_received": Count(
        {"2019-04": 950, "2020-12": 1080, "2022-01": 1420}, (cat.MASH,), seasons=SCHOOL_HOLIDAYS, events=LOCKDOWN
    ),
    "contact_decisions_in_1_day": Ratio(
        {
            "2019-04": 0.80,
            "2021-06": 0.79,
            "2021-08": 0.72,
            "2021-09": 0.71,
            "2021-10": 0.80,
            "2021-11": 0.87,
            "2021-12": 0.90,
            "2022-01": 0.91,
        },
        "contacts_received",
        (cat.MASH,),
        exact=RECOVERY,
    ),
    "referrals_received": Count(
        {"2019-04": 260, "2020-12": 290, "2022-01": 385}, (cat.MASH,), seasons=SCHOOL_HOLIDAYS, events=LOCKDOWN
    ),
    "re_referrals_12_months": Ratio({"2019-04": 0.22, "2022-01": 0.21}, "referrals_received", (cat.MASH,), wobble=0.02),
    "referrals_nfa": Ratio({"2019-04": 0.11, "2022-01": 0.09}, "referrals_received", (cat.MASH,)),
    "early_help_assessments_open": Count(
        {"2019-04": 540, "2020-12": 600, "2022-01": 610},
        cat.EARLY_HELP,
        (0.55, 0.45),
        wobble=0.015,
        drift=(-0.03, 0.03),
    ),
    "early_help_assessments_completed": Count(
        {"2019-04": 105, "2022-01": 120},
        cat.EARLY_HELP,
        (0.55, 0.45),
        wobble=0.08,
        seasons={12: 0.85},
        events=LOCKDOWN,
        drift=(-0.03, 0.03),
    ),
    "assessments_open": Count(
        {"2019-04": 250, "2021-06": 262, "2022-01": 372}, cat.ASSESSMENT, (0.52, 0.48), wobble=0.02, drift=(-0.02, 0.02)
    ),
    # Most referrals are assessed, finishing the month after; fewer finish in December's short month.
    # November and December are fixed so that 58% and 67% are whole children (174 of 300, 201 of 300).
    "assessments_completed": FlowOn(
        "referrals_received",
        {"2019-04": 0.88, "2022-01": 0.87},
        cat.ASSESSMENT,
        (0.55, 0.45),
        lag=1,
        wobble=0.04,
        seasons={12: 0.9},
        exact={"2021-11": 300, "2021-12": 300},
        drift=(-0.02, 0.02),
    ),
    "assessments_in_45_days": Ratio(
        {
            "2019-04": 0.84,
            "2020-12": 0.83,
            "2021-03": 0.80,
            "2021-09": 0.53,
            "2021-10": 0.55,
            "2021-11": 0.58,
            "2021-12": 0.67,
            "2022-01": 0.71,
        },
        "assessments_completed",
        cat.ASSESSMENT,
        tilt=(1.05, 0.94),
        exact=RECOVERY,
    ),
    "exploitation_assessments": Count(
        {"2019-04": 18, "2021-07": 22, "2021-11": 11, "2022-01": 13},
        cat.ASSESSMENT,
        (0.5, 0.5),
        wobble=0.1,
        exact={"2021-08": 22, "2021-09": 18, "2021-10": 15, "2021-11": 11},
    ),
    # Every section 47 enquiry follows a strategy discussion; some discussions decide none is needed.
    "strategy_discussions": FlowOn(
        "section_47_enquiries",
        {"2019-04": 1.35, "2022-01": 1.3},
        cat.ASSESSMENT,
        (0.52, 0.48),
        wobble=0.04,
        drift=(0.02, -0.02),
    ),
    "strategy_discussions_in_time": Ratio(
        {"2019-04": 0.86, "2022-01": 0.85}, "strategy_discussions", cat.ASSESSMENT, tilt=(1.02, 0.98), wobble=0.03
    ),
    "section_47_enquiries": FlowOn(
        "referrals_received",
        {"2019-04": 0.30, "2022-01": 0.29},
        cat.ASSESSMENT,
        (0.52, 0.48),
        wobble=0.05,
        drift=(0.02, -0.02),
    ),
    "icpc_in_15_days": Ratio(
        {"2019-04": 0.82, "2021-01": 0.80, "2022-01": 0.79}, "initial_conferences", cat.ASSESSMENT, wobble=0.04
    ),
    "cin_plans_open": Count(
        {"2019-04": 690, "2021-08": 700, "2022-01": 770},
        SAFEGUARDING_AND_CWD,
        (0.45, 0.45, 0.10),
        wobble=0.015,
        drift=(0.025, -0.025, 0.0),
    ),
    "cin_visits_in_time": Ratio(
        {"2019-04": 0.80, "2021-03": 0.74, "2021-07": 0.72, "2022-01": 0.84},
        "cin_plans_open",
        SAFEGUARDING_AND_CWD,
        tilt=(1.02, 0.98, 1.0),
    ),
    "cp_plans_open": Count(
        {"2019-04": 245, "2021-07": 250, "2022-01": 302},
        SAFEGUARDING_AND_CWD,
        (0.48, 0.48, 0.04),
        wobble=0.02,
        drift=(0.03, -0.03, 0.0),
    ),
    "cp_rate_per_10k": Rate("cp_plans_open"),
    "cp_repeat_plans": Ratio(
        {"2019-04": 0.21, "2022-01": 0.19},
        Count({"2019-04": 24, "2022-01": 30}, cat.SAFEGUARDING, (0.5, 0.5), wobble=0.15),
        cat.SAFEGUARDING,
        wobble=0.04,
    ),
    "cp_plans_2_years": Count({"2019-04": 3, "2022-01": 2}, cat.SAFEGUARDING, (0.5, 0.5), wobble=0.5),
    "cp_plans_under_6_months": Ratio(
        {"2019-04": 0.58, "2021-07": 0.57, "2022-01": 0.66}, "cp_plans_open", SAFEGUARDING_AND_CWD
    ),
    "cp_visits_in_time": Ratio(
        {"2019-04": 0.82, "2021-06": 0.78, "2022-01": 0.87}, "cp_plans_open", SAFEGUARDING_AND_CWD
    ),
    "cp_reviews_in_time": Ratio(
        {"2019-04": 0.95, "2022-01": 0.96},
        Count({"2019-04": 55, "2022-01": 65}, SAFEGUARDING_AND_CWD, (0.47, 0.47, 0.06), wobble=0.05),
        SAFEGUARDING_AND_CWD,
        wobble=0.02,
    ),
    "children_in_care": Count(
        CHILDREN_IN_CARE_STORY,
        IN_CARE_TEAMS,
        (0.93, 0.07),
        wobble=0.01,
        exact={key: value for key, value in CHILDREN_IN_CARE_STORY.items() if key >= "2021-03"},
    ),
    "cla_rate_per_10k": Rate("children_in_care"),
    "cla_started": Flow(starting=True),
    "cla_ceased": Flow(starting=False),
    "cla_3_placements": Ratio({"2019-04": 0.09, "2022-01": 0.08}, "children_in_care", IN_CARE_TEAMS, wobble=0.01),
    "cla_family_settings": Ratio(
        {"2019-04": 0.78, "2022-01": 0.79}, "children_in_care", IN_CARE_TEAMS, tilt=(1.02, 0.75)
    ),
    "cla_visits_in_time": Ratio({"2019-04": 0.86, "2021-06": 0.84, "2022-01": 0.90}, "children_in_care", IN_CARE_TEAMS),
    "cla_reviews_in_time": Ratio(
        {"2019-04": 0.93, "2022-01": 0.94},
        Count({"2019-04": 45, "2022-01": 50}, IN_CARE_TEAMS, (0.93, 0.07), wobble=0.05),
        IN_CARE_TEAMS,
        wobble=0.02,
    ),
    "care_leavers_in_touch": Ratio({"2019-04": 0.91, "2022-01": 0.92}, CARE_LEAVERS_BASE, (cat.CARE_LEAVERS,)),
    "care_leavers_suitable_accommodation": Ratio(
        {"2019-04": 0.88, "2022-01": 0.87}, CARE_LEAVERS_BASE, (cat.CARE_LEAVERS,)
    ),
    "care_leavers_eet": Ratio({"2019-04": 0.50, "2022-01": 0.53}, CARE_LEAVERS_BASE, (cat.CARE_LEAVERS,), wobble=0.02),
    "supervision_in_time": Share({"2019-04": 0.80, "2021-06": 0.72, "2022-01": 0.78}),
    "average_caseload": Share({"2019-04": 0.0}),
    "workers_over_20_cases": Share({"2019-04": 0.0}),
}

# (month, indicator_id or None, team or None, text[, change]): notes for the committee, in our own words; a note
# with a change (a short name) records a change in practice, and SPC's limits start again that month.
COMMENTARY = [
    (
        "2020-04",
        None,
        None,
        "Lockdown: schools closed on 23 March and contacts from them stopped; from here the front door's "
        "figures follow a new pattern, so SPC's limits start again this month.",
        "Lockdown",
    ),
    (
        "2021-08",
        "exploitation_assessments",
        None,
        "Fewer exploitation assessments as the exploitation panel moved to fortnightly meetings.",
    ),
    (
        "2021-09",
        "assessments_in_45_days",
        None,
        "Timeliness fell again: assessment teams carried vacancies and high caseloads over the summer.",
    ),
    (
        "2021-09",
        None,
        None,
        "Demand at the front door is at its highest since records began; contacts and referrals are up on last year.",
    ),
    (
        "2021-10",
        "contact_decisions_in_1_day",
        None,
        "Management action in the MASH: a duty manager now reviews every contact on the day it arrives.",
    ),
    (
        "2021-10",
        "assessments_in_45_days",
        None,
        "Recovery plan agreed: agency social workers added to both assessment teams and weekly tracking of overdue work.",
    ),
    (
        "2021-10",
        "children_in_care",
        None,
        "Children in care reached a peak of 348; more children started care than left it over the year.",
    ),
    (
        "2021-11",
        "assessments_in_45_days",
        None,
        "Second month of improvement: 58% on time, up from 55% in October, though still well below target.",
    ),
    (
        "2021-11",
        "children_in_care",
        None,
        "345 children in care, slightly down on October as several children returned home.",
    ),
    (
        "2021-11",
        "contact_decisions_in_1_day",
        None,
        "Contact decisions within one working day close to target after the new duty rota.",
    ),
    (
        "2021-11",
        "assessments_open",
        "Assessment Team 2",
        "Two social workers joined the team; open assessments expected to fall from January.",
    ),
    (
        "2021-12",
        None,
        None,
        "December dip in contacts and referrals as schools closed for the holidays, as in previous years.",
    ),
    (
        "2021-12",
        "assessments_in_45_days",
        None,
        "67% of assessments completed within 45 working days, the best month since May.",
    ),
    (
        "2021-12",
        "cp_plans_open",
        None,
        "Child Protection plans continue to rise; a review of plans open over 12 months is under way.",
    ),
    (
        "2022-01",
        "supervision_in_time",
        None,
        "Supervision remains below target; team managers have protected time for supervision from February, "
        "and it is likely to be another month or two before we see significant shifts.",
    ),
    (
        "2022-01",
        "average_caseload",
        "Assessment Team 1",
        "Caseloads in the assessment teams remain high while open assessments are worked down.",
    ),
    ("2022-01", "cin_visits_in_time", None, "Visits in time improving for the sixth month, but below the 90% target."),
]
