"""The demo council's Improvement Plan: the priorities the committee report names, each with measures,
a June 2021 baseline and milestones through 2022/23.

Chosen against the demo's figures so that, in January 2022, the plan shows what a real one does: some
milestones met (visits, assessments), some missed (caseloads, supervision, children in care), measures on
and off track, a team's own measure (Assessment Team 2's timeliness) and one whose milestone month is
hidden in the public view on that team (Assessment Team 2's supervision in November 2021).
"""

from __future__ import annotations

import pandas as pd

BASELINE = "2021-06"
PRIORITIES = {
    "edge_of_care": "Edge of care: fewer children coming into care where it is safe, more returning home",
    "visits": "Visits to children: more often, and purposeful",
    "supervision": "Monthly supervision for every case-holding worker",
    "caseloads": "Manageable caseloads",
    "timeliness": "Timely assessments and strategy discussions",
}
CARE = "Head of Service, Children in Care"
SAFEGUARDING = "Head of Service, Safeguarding and Family Support"
PRACTICE = "Principal Social Worker"
WORKFORCE = "Head of Service, Workforce and Quality"
FRONT_DOOR = "Head of Service, MASH and Assessment"

# (priority_id, indicator_id, team, direction, owner, {milestone month: target})
MEASURES = [
    (
        "edge_of_care",
        "children_in_care",
        None,
        "down",
        CARE,
        {"2021-12": 335, "2022-03": 330, "2022-09": 320, "2023-03": 310},
    ),
    ("edge_of_care", "cla_started", None, "down", CARE, {"2021-12": 14, "2022-03": 13, "2022-09": 12, "2023-03": 12}),
    ("edge_of_care", "cla_ceased", None, "up", CARE, {"2022-03": 13, "2022-09": 14, "2023-03": 14}),
    ("visits", "cla_visits_in_time", None, None, CARE, {"2021-12": 88, "2022-03": 92, "2022-09": 95, "2023-03": 95}),
    ("visits", "cp_visits_in_time", None, None, SAFEGUARDING, {"2021-12": 85, "2022-03": 90, "2022-09": 95}),
    ("visits", "cin_visits_in_time", None, None, SAFEGUARDING, {"2021-12": 80, "2022-03": 85, "2022-09": 90}),
    (
        "supervision",
        "supervision_in_time",
        None,
        None,
        PRACTICE,
        {"2021-12": 80, "2022-03": 85, "2022-09": 95, "2023-03": 95},
    ),
    (
        "supervision",
        "supervision_in_time",
        "Assessment Team 2",
        None,
        PRACTICE,
        {"2021-11": 75, "2022-03": 85, "2022-09": 95},
    ),
    (
        "caseloads",
        "average_caseload",
        None,
        None,
        WORKFORCE,
        {"2021-12": 16, "2022-03": 15.5, "2022-09": 15, "2023-03": 15},
    ),
    (
        "caseloads",
        "workers_over_20_cases",
        None,
        None,
        WORKFORCE,
        {"2021-12": 15, "2022-03": 12, "2022-09": 10, "2023-03": 8},
    ),
    (
        "timeliness",
        "assessments_in_45_days",
        None,
        None,
        FRONT_DOOR,
        {"2021-12": 65, "2022-03": 75, "2022-09": 85, "2023-03": 88},
    ),
    (
        "timeliness",
        "assessments_in_45_days",
        "Assessment Team 2",
        None,
        FRONT_DOOR,
        {"2021-12": 62, "2022-03": 72, "2022-09": 85},
    ),
    (
        "timeliness",
        "strategy_discussions_in_time",
        None,
        None,
        FRONT_DOOR,
        {"2021-12": 85, "2022-03": 90, "2022-09": 95},
    ),
]


def plan_table() -> pd.DataFrame:
    """plan.parquet of the demo: one row per priority, indicator, team and milestone."""
    rows = [
        {
            "priority_id": priority_id,
            "priority": PRIORITIES[priority_id],
            "indicator_id": indicator_id,
            "team": team,
            "baseline": f"{BASELINE}-01",
            "milestone": f"{milestone}-01",
            "target": float(target),
            "direction": direction,
            "owner": owner,
        }
        for priority_id, indicator_id, team, direction, owner, milestones in MEASURES
        for milestone, target in milestones.items()
    ]
    return pd.DataFrame(rows)
