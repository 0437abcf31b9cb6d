"""The demo council's teams, indicators, targets and England benchmarks."""

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

# id, name, area, unit, polarity, aggregation, definition, source
INDICATORS = [
    ("contacts_received", "Contacts received", "Front door", "count", "neutral", "sum",
     "Contacts about a child received by the MASH (Multi-Agency Safeguarding Hub) in the month, from police, schools, health, family or the public.",
     "Annex A list 1"),
    ("contact_decisions_in_1_day", "Contact decisions within 1 working day", "Front door", "percent", "higher_is_better", "ratio",
     "Of contacts received in the month, the percentage where the MASH decided what to do next within one working day.",
     "Annex A list 1"),
    ("referrals_received", "Referrals received", "Front door", "count", "neutral", "sum",
     "Contacts accepted as a referral to children's social care in the month.",
     "Annex A list 3"),
    ("re_referrals_12_months", "Re-referrals within 12 months", "Front door", "percent", "lower_is_better", "ratio",
     "Of referrals in the month, the percentage for a child who had another referral in the 12 months before.",
     "Annex A list 3"),
    ("referrals_nfa", "Referrals with no further action", "Front door", "percent", "lower_is_better", "ratio",
     "Of referrals in the month, the percentage closed with no further action (NFA) after the referral.",
     "Annex A list 3"),
    ("early_help_assessments_open", "Early Help assessments open", "Early Help", "count", "neutral", "sum",
     "Early Help assessments (EHA) open on the last day of the month.",
     "Annex A list 2"),
    ("early_help_assessments_completed", "Early Help assessments completed", "Early Help", "count", "neutral", "sum",
     "Early Help assessments (EHA) completed in the month.",
     "Annex A list 2"),
    ("assessments_open", "Assessments open", "Assessment", "count", "neutral", "sum",
     "Children and family (single) assessments open on the last day of the month.",
     "Annex A list 4"),
    ("assessments_completed", "Assessments completed", "Assessment", "count", "neutral", "sum",
     "Children and family assessments authorised by a manager in the month.",
     "Annex A list 4"),
    ("assessments_in_45_days", "Assessments completed within 45 working days", "Assessment", "percent", "higher_is_better", "ratio",
     "Of assessments completed in the month, the percentage authorised within 45 working days of starting (weekends and bank holidays not counted).",
     "Annex A list 4"),
    ("exploitation_assessments", "Exploitation assessments", "Assessment", "count", "neutral", "sum",
     "Assessments in the month that looked at child sexual or criminal exploitation.",
     None),
    ("strategy_discussions", "Strategy discussions", "Child protection enquiries", "count", "neutral", "sum",
     "Strategy discussions held in the month, where police, health and social care agree whether to start an S47 (Section 47) enquiry.",
     "Annex A list 5"),
    ("strategy_discussions_in_time", "Strategy discussions in time", "Child protection enquiries", "percent", "higher_is_better", "ratio",
     "Of strategy discussions in the month, the percentage held within the timescale set locally (1 working day of the concern).",
     None),
    ("section_47_enquiries", "Section 47 enquiries started", "Child protection enquiries", "count", "neutral", "sum",
     "S47 (Section 47 of the Children Act 1989) enquiries started in the month, where a child may be suffering significant harm.",
     "Annex A list 5"),
    ("icpc_in_15_days", "Initial child protection conferences within 15 working days", "Child protection enquiries", "percent", "higher_is_better", "ratio",
     "Of ICPCs (initial child protection conferences) in the month, the percentage held within 15 working days of the strategy discussion.",
     "Annex A list 5"),
    ("cin_plans_open", "Child in Need plans open", "Child in Need", "count", "neutral", "sum",
     "Children with a CIN (Child in Need) plan on the last day of the month.",
     "Annex A list 6"),
    ("cin_visits_in_time", "Child in Need visits in time", "Child in Need", "percent", "higher_is_better", "ratio",
     "Of children on a CIN plan, the percentage visited within the required timescale.",
     None),
    ("cp_plans_open", "Child Protection plans open", "Child Protection", "count", "neutral", "sum",
     "Children subject to a CP (Child Protection) plan on the last day of the month.",
     "Annex A list 7"),
    ("cp_rate_per_10k", "Child Protection plans per 10,000 children", "Child Protection", "rate_per_10k", "neutral", "ratio",
     "Children on a CP plan per 10,000 children aged 0 to 17 living in the county. Whole service only.",
     "Annex A list 7"),
    ("cp_repeat_plans", "Repeat Child Protection plans", "Child Protection", "percent", "lower_is_better", "ratio",
     "Of CP plans started in the month, the percentage for a child who had been on a CP plan before.",
     "Annex A list 7"),
    ("cp_plans_2_years", "Child Protection plans open 2 years or more", "Child Protection", "count", "lower_is_better", "sum",
     "Children who have been on a CP plan for two years or more on the last day of the month.",
     "Annex A list 7"),
    ("cp_plans_under_6_months", "Child Protection plans open under 6 months", "Child Protection", "percent", "neutral", "ratio",
     "Of CP plans open at the month end, the percentage that started less than six months before.",
     "Annex A list 7"),
    ("cp_visits_in_time", "Child Protection visits in time", "Child Protection", "percent", "higher_is_better", "ratio",
     "Of children on a CP plan, the percentage visited within 10 working days.",
     None),
    ("cp_reviews_in_time", "Child Protection reviews in time", "Child Protection", "percent", "higher_is_better", "ratio",
     "Of CP review conferences due in the month, the percentage held on time.",
     None),
    ("children_in_care", "Children in care", "Children in Care", "count", "neutral", "sum",
     "CLA (children looked after, or children in care) on the last day of the month.",
     "Annex A list 8"),
    ("cla_rate_per_10k", "Children in care per 10,000 children", "Children in Care", "rate_per_10k", "neutral", "ratio",
     "Children in care per 10,000 children aged 0 to 17 living in the county. Whole service only.",
     "Annex A list 8"),
    ("cla_started", "Children starting care", "Children in Care", "count", "neutral", "sum",
     "Children who started to be looked after in the month.",
     "Annex A list 8"),
    ("cla_ceased", "Children leaving care", "Children in Care", "count", "neutral", "sum",
     "Children who stopped being looked after in the month.",
     "Annex A list 8"),
    ("cla_3_placements", "Children in care with 3 or more placements", "Children in Care", "percent", "lower_is_better", "ratio",
     "Of children in care at the month end, the percentage who have had three or more placements in the last 12 months (placement stability).",
     "Annex A list 8"),
    ("cla_family_settings", "Children in care living in family settings", "Children in Care", "percent", "higher_is_better", "ratio",
     "Of children in care at the month end, the percentage living with foster carers or family and friends.",
     "Annex A list 8"),
    ("cla_visits_in_time", "Children in care visits in time", "Children in Care", "percent", "higher_is_better", "ratio",
     "Of children in care, the percentage visited within the statutory timescale.",
     None),
    ("cla_reviews_in_time", "Children in care reviews in time", "Children in Care", "percent", "higher_is_better", "ratio",
     "Of looked-after reviews due in the month, the percentage chaired by the IRO (independent reviewing officer) on time.",
     None),
    ("care_leavers_in_touch", "Care leavers in touch", "Care leavers", "percent", "higher_is_better", "ratio",
     "Of care leavers aged 17 to 21, the percentage the council is in touch with.",
     "Annex A list 9"),
    ("care_leavers_suitable_accommodation", "Care leavers in suitable accommodation", "Care leavers", "percent", "higher_is_better", "ratio",
     "Of care leavers aged 17 to 21, the percentage living in accommodation judged suitable.",
     "Annex A list 9"),
    ("care_leavers_eet", "Care leavers in education, employment or training", "Care leavers", "percent", "higher_is_better", "ratio",
     "Of care leavers aged 17 to 21, the percentage in EET (education, employment or training).",
     "Annex A list 9"),
    ("supervision_in_time", "Supervision in time", "Practice and workforce", "percent", "higher_is_better", "ratio",
     "Of social workers due formal supervision in the month, the percentage supervised on time.",
     None),
    ("average_caseload", "Average caseload", "Practice and workforce", "number", "lower_is_better", "ratio",
     "Cases held divided by the number of workers holding cases, at the month end.",
     None),
    ("workers_over_20_cases", "Workers with more than 20 cases", "Practice and workforce", "percent", "lower_is_better", "ratio",
     "Of workers holding cases at the month end, the percentage holding more than 20.",
     None),
]

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
TEAM_TARGETS = {
    ("average_caseload", team): [("2021-04", 22, 3)] for team in ASSESSMENT
}

# Published England figures (shared/reference/england_benchmarks.csv) that match a
# demo indicator: (indicator_id, year ending, value, source).
ENGLAND_BENCHMARKS = [
    ("cla_rate_per_10k", "2021-03-31", 67.0,
     "DfE, Children looked after in England including adoptions, 2021"),
    ("cla_rate_per_10k", "2022-03-31", 70.0,
     "DfE, Children looked after in England including adoptions, 2022"),
    ("cla_rate_per_10k", "2023-03-31", 71.0,
     "DfE, Children looked after in England including adoptions, 2023"),
    ("cp_rate_per_10k", "2020-03-31", 42.8, "DfE, Characteristics of children in need, 2020"),
    ("re_referrals_12_months", "2024-03-31", 22.0, "DfE, Children in need: a focus on re-referrals, 2024"),
]

# Workers per team and their typical caseload.
WORKFORCE = {
    MASH: (8, 12), EARLY_HELP[0]: (7, 14), EARLY_HELP[1]: (6, 14),
    ASSESSMENT[0]: (9, 18), ASSESSMENT[1]: (8, 19),
    SAFEGUARDING[0]: (10, 17), SAFEGUARDING[1]: (10, 17),
    CHILDREN_IN_CARE: (11, 15), CARE_LEAVERS: (7, 18), DISABILITIES: (5, 12),
}
