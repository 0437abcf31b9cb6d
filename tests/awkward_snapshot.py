"""Snapshots that make disclosure control work hard: linked indicators, tiny teams, 0% and 100%,
one team carrying the total, teams that report some indicators and not others, and caseloads that
repeat indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.helpers import NAN, values_frame, write_snapshot

MONTHS = ["2021-11", "2021-12", "2022-01"]
WEST, EAST, DISABILITIES, TINY = "West", "East", "Children with Disabilities", "Tiny Team"
TEAMS = [WEST, EAST, DISABILITIES, TINY]

INDICATORS = pd.DataFrame(
    [
        ("cp_plans_open", "Child Protection plans open", "Child Protection", "count", "neutral", "sum"),
        (
            "cp_plans_under_6_months",
            "Child Protection plans open under 6 months",
            "Child Protection",
            "percent",
            "neutral",
            "ratio",
        ),
        (
            "cp_visits_in_time",
            "Child Protection visits in time",
            "Child Protection",
            "percent",
            "higher_is_better",
            "ratio",
        ),
        (
            "cp_reviews_in_time",
            "Child Protection reviews in time",
            "Child Protection",
            "percent",
            "higher_is_better",
            "ratio",
        ),
        (
            "cp_conferences_quorate",
            "Child Protection conferences quorate",
            "Child Protection",
            "percent",
            "higher_is_better",
            "ratio",
        ),
        (
            "cp_rate_per_10k",
            "Child Protection plans per 10,000 children",
            "Child Protection",
            "rate_per_10k",
            "neutral",
            "ratio",
        ),
        ("referrals_received", "Referrals received", "Front door", "count", "neutral", "sum"),
        ("referrals_nfa", "Referrals with no further action", "Front door", "percent", "lower_is_better", "ratio"),
        ("cin_plans_open", "Child in Need plans open", "Child in Need", "count", "neutral", "sum"),
        ("cin_visits_in_time", "Child in Need visits in time", "Child in Need", "percent", "higher_is_better", "ratio"),
        ("average_caseload", "Average caseload", "Practice and workforce", "number", "lower_is_better", "ratio"),
        (
            "workers_over_20_cases",
            "Workers with more than 20 cases",
            "Practice and workforce",
            "percent",
            "lower_is_better",
            "ratio",
        ),
    ],
    columns=["indicator_id", "name", "area", "unit", "polarity", "aggregation"],
).assign(definition="A test indicator.", source=None)

# Children on a CP plan in January 2022 are the issue's own figures: West 150, East 140 (hidden
# only to protect the next one), Children with Disabilities 3, whole service 293.
CP_PLANS = {
    "2021-11": {WEST: 148, EAST: 139, DISABILITIES: 4, TINY: 0},
    "2021-12": {WEST: 151, EAST: 138, DISABILITIES: 2, TINY: 1},
    "2022-01": {WEST: 150, EAST: 140, DISABILITIES: 3, TINY: 0},
}
# Workers per team: one alone, two, and teams large enough to show.
WORKERS = {WEST: 8, EAST: 6, DISABILITIES: 2, TINY: 1}


def awkward_caseloads() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for month in MONTHS:
        for team, workers in WORKERS.items():
            for worker in range(workers):
                rows.append((pd.Timestamp(f"{month}-01"), team, f"W{team[:2]}{worker}", int(rng.integers(12, 27))))
    rows[-1] = (*rows[-1][:3], 31)  # the lone worker of the tiny team holds 31 cases
    return pd.DataFrame(rows, columns=["period", "team", "worker_id", "cases"])


def awkward_values(caseloads: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for number, month in enumerate(MONTHS):
        plans = CP_PLANS[month]
        for team in TEAMS:
            open_plans = float(plans[team])
            rows.append(("cp_plans_open", month, team, NAN, NAN, open_plans))
            under_6 = float(round(open_plans * 0.66))
            rows.append(("cp_plans_under_6_months", month, team, under_6, open_plans, NAN))
            # 100% visited in time in West and Children with Disabilities, none in the tiny team (0 of 1 in
            # December), 5 missed in East
            visited = {TINY: 0.0, EAST: open_plans - 5}.get(team, open_plans)
            rows.append(("cp_visits_in_time", month, team, visited, open_plans, NAN))
            if team in (WEST, EAST):  # reviews: the two large teams only, so no small figure of its own
                rows.append(("cp_reviews_in_time", month, team, open_plans - 3, open_plans, NAN))
        for team, held in {WEST: 20.0, EAST: 18.0, DISABILITIES: 2.0}.items():  # 100% throughout
            rows.append(("cp_conferences_quorate", month, team, held, held, NAN))
        rows.append(("cp_rate_per_10k", month, None, float(sum(plans.values())), 58_000.0, NAN))
        # One team carries the front door: the others report zero referrals.
        referrals = {WEST: 40.0 + number, EAST: 0.0, DISABILITIES: 0.0, TINY: 0.0}
        for team, count in referrals.items():
            rows.append(("referrals_received", month, team, NAN, NAN, count))
            rows.append(("referrals_nfa", month, team, 0.0, count, NAN))  # 0% throughout
        # Child in Need: the tiny team holds plans, but only West and East report visits.
        cin = {WEST: 60.0 + number, EAST: 45.0, TINY: 2.0}
        for team, count in cin.items():
            rows.append(("cin_plans_open", month, team, NAN, NAN, count))
            if team != TINY:
                rows.append(("cin_visits_in_time", month, team, count - 1 - number, count, NAN))
    month_rows = caseloads.assign(over=caseloads["cases"] > 20).groupby(["period", "team"])
    per_team = pd.DataFrame(
        {
            "workers": month_rows["worker_id"].nunique(),
            "cases": month_rows["cases"].sum(),
            "over": month_rows["over"].sum(),
        }
    ).reset_index()
    for row in per_team.itertuples():
        month = row.period.strftime("%Y-%m")
        rows.append(("average_caseload", month, row.team, float(row.cases), float(row.workers), NAN))
        rows.append(("workers_over_20_cases", month, row.team, float(row.over), float(row.workers), NAN))
    return values_frame(rows)


# An Improvement Plan whose measures start from, or are judged in, months the public view hides: a plan's
# path from a hidden baseline, with the target and the months, would give that figure away.
PLAN = pd.DataFrame(
    [
        ("plans", "Safe reduction of plans", "cp_plans_open", DISABILITIES, "2021-11", "2022-03", 2.0, "down"),
        ("plans", "Safe reduction of plans", "cp_plans_open", DISABILITIES, "2021-11", "2022-06", 1.0, "down"),
        ("plans", "Safe reduction of plans", "cp_plans_open", EAST, "2021-11", "2021-12", 137.0, "down"),
        ("plans", "Safe reduction of plans", "cp_plans_open", EAST, "2021-11", "2022-03", 130.0, "down"),
        ("plans", "Safe reduction of plans", "cp_plans_open", None, "2021-11", "2022-01", 290.0, "down"),
        ("plans", "Safe reduction of plans", "cp_plans_open", None, "2021-11", "2022-06", 280.0, "down"),
        ("visits", "Visits in time", "cp_visits_in_time", TINY, "2021-11", "2021-12", 100.0, None),
        ("visits", "Visits in time", "cp_visits_in_time", TINY, "2021-11", "2022-03", 100.0, None),
        ("visits", "Visits in time", "cp_visits_in_time", DISABILITIES, "2021-12", "2022-03", 100.0, None),
        ("workforce", "Caseloads", "workers_over_20_cases", TINY, "2021-11", "2022-03", 0.0, None),
        ("workforce", "Caseloads", "average_caseload", DISABILITIES, "2021-11", "2022-03", 18.0, None),
    ],
    columns=["priority_id", "priority", "indicator_id", "team", "baseline", "milestone", "target", "direction"],
).assign(owner="Head of Service")


def awkward_tables() -> dict[str, pd.DataFrame]:
    caseloads = awkward_caseloads()
    plan = PLAN.assign(
        baseline=pd.to_datetime(PLAN["baseline"] + "-01"), milestone=pd.to_datetime(PLAN["milestone"] + "-01")
    )
    return {
        "indicators": INDICATORS.copy(),
        "values": awkward_values(caseloads),
        "caseloads": caseloads,
        "plan": plan,
    }


def write_awkward_snapshot(root, as_at: str = "2022-02-10") -> None:
    write_snapshot(root, as_at, awkward_tables())
