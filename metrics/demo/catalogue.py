"""The demo council's teams, indicators and targets (its comparators are in metrics/demo/dfe.py)."""

from __future__ import annotations

COUNCIL = "Example County Council"
CHILD_POPULATION = 58_000  # children aged 0 to 17 in the demo county

MASH = "MASH"
EARLY_HELP = ("Early Help North", "Early Help South")
ASSESSMENT = ("Assessment Team 1", "Assessment Team 2")
SAFEGUARDING = ("Safeguarding and Family Support East", "Safeguarding and Family Support West")
CHILDREN_IN_CARE = "Children in Care"
CARE_LEAVERS = "Care Leavers"
DISABILITIES = "Children with Disabilities"
TEAMS = (MASH, *EARLY_HELP, *ASSESSMENT, *SAFEGUARDING, CHILDREN_IN_CARE, CARE_LEAVERS, DISABILITIES)


# indicator_id: [(effective_from "YYYY-MM", target, tolerance), ...] for all teams.
TARGETS = {
    "contact_decisions_in_1_day": [("2019-04", 85, 5), ("2021-04", 90, 5)],
    "re_referrals_12_months": [("2019-04", 22, 2), ("2021-04", 20, 2)],
    "referrals_nfa": [("2019-04", 10, 2)],
    "assessments_in_45_days": [("2019-04", 80, 5), ("2021-04", 85, 5)],
    "strategy_discussions_in_time": [("2019-04", 85, 5)],
    "icpc_in_15_days": [("2019-04", 80, 5), ("2021-04", 85, 5)],
    "cin_visits_in_time": [("2019-04", 90, 5)],
    "cp_repeat_plans": [("2019-04", 20, 3), ("2021-04", 18, 3)],
    "cp_plans_2_years": [("2019-04", 5, 2)],
    "cp_visits_in_time": [("2019-04", 90, 5)],
    "cp_reviews_in_time": [("2019-04", 95, 3)],
    "cla_3_placements": [("2019-04", 10, 1)],
    "cla_family_settings": [("2019-04", 75, 5)],
    "cla_visits_in_time": [("2019-04", 90, 5), ("2021-04", 95, 5)],
    "cla_reviews_in_time": [("2019-04", 95, 3)],
    "care_leavers_in_touch": [("2019-04", 90, 5)],
    "care_leavers_suitable_accommodation": [("2019-04", 90, 5)],
    "care_leavers_eet": [("2019-04", 55, 5)],
    "supervision_in_time": [("2019-04", 90, 10)],
    "average_caseload": [("2019-04", 18, 2)],
    "workers_over_20_cases": [("2019-04", 10, 5)],
}
# Assessment teams hold more cases by design; their caseload target is their own.
TEAM_TARGETS = {("average_caseload", team): [("2021-04", 22, 3)] for team in ASSESSMENT}

# Workers per team and their typical caseload.
WORKFORCE = {
    MASH: (8, 12),
    EARLY_HELP[0]: (7, 14),
    EARLY_HELP[1]: (6, 14),
    ASSESSMENT[0]: (9, 18),
    ASSESSMENT[1]: (8, 19),
    SAFEGUARDING[0]: (10, 17),
    SAFEGUARDING[1]: (10, 17),
    CHILDREN_IN_CARE: (11, 15),
    CARE_LEAVERS: (7, 18),
    DISABILITIES: (5, 12),
}
