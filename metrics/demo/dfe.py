"""Small files in DfE's published layout for the demo, from which its comparators are imported.

They hold England, two regions and 24 councils for the reporting years 2019 to 2021. Example County
Council's own rows come from the demo's monthly figures (the year's months pooled for a figure over
the year, March for a figure at 31 March, September for the workforce). England's figure is the
published one where shared/reference/england_benchmarks.csv has it (SOURCED_ENGLAND); everything
else is illustrative, and the imported benchmarks say so in their `source` column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from metrics.comparators.benchmarking import ENGLAND, PUBLISHED
from metrics.comparators.dfe import LOCAL, NATIONAL, REGIONAL
from metrics.demo import catalogue as cat
from metrics.demo.story import wobble
from metrics.snapshot.catalogue import INDICATORS
from metrics.snapshot.contract import ratio_scale

FOLDER = Path(__file__).with_name("dfe_files")
NEIGHBOURS_FILE = FOLDER / "statistical_neighbours.txt"
YEARS = (2019, 2020, 2021)
COUNCIL_CODE, COUNCIL_OLD_CODE = "E10000900", "900"
REGION, OTHER_REGION = ("E12000901", "Example Region"), ("E12000902", "Sample Region")
ENGLAND_CHILDREN = 12_000_000  # children aged 0 to 17, for counts of a council's size
ILLUSTRATIVE = "Illustrative (demo): not a published figure"
OWN_FIGURES = "Illustrative (demo): Example County Council's own monthly figures, as DfE would publish them"

# England figures published by DfE (shared/reference/england_benchmarks.csv): (indicator, year) -> value, source
SOURCED_ENGLAND = {
    ("children_in_care", 2021): (
        80_850,
        "DfE, Children looked after in England including adoptions, 2021 (80,850 children, as first published)",
    ),
    ("cla_rate_per_10k", 2021): (67.0, "DfE, Children looked after in England including adoptions, 2021"),
    ("cp_plans_open", 2020): (51_510, "DfE, Characteristics of children in need, 2020 (51,510 children)"),
    ("cp_rate_per_10k", 2020): (42.8, "DfE, Characteristics of children in need, 2020"),
}


@dataclass(frozen=True)
class Measure:
    """One published measure: its indicator, England's figure per year, how councils spread, and how
    Example County's own figure is taken from its months."""

    indicator_id: str
    column: str
    england: tuple[float, float, float]  # 2019, 2020, 2021
    spread: float  # councils' standard deviation, in the measure's units (or a share, for counts)
    kind: str  # "percent", "rate", "count" or "number"
    months: str  # "year": the year's months pooled; "march" or "september": that month
    decimals: int = 1


MEASURES = (
    Measure("re_referrals_12_months", "Re_referrals_percent", (22.6, 22.6, 22.7), 5.0, "percent", "year"),
    Measure("referrals_nfa", "Referrals_NFA_percent", (7.8, 7.6, 7.9), 3.0, "percent", "year"),
    Measure("assessments_in_45_days", "Assessments_within_45_days_percent", (83.1, 84.1, 87.6), 8.0, "percent", "year"),
    Measure("icpc_in_15_days", "ICPC_within_15_days_percent", (78.7, 77.5, 78.7), 10.0, "percent", "year"),
    Measure("cp_plans_open", "CPP_At31", (52_260, 51_510, 50_010), 0.25, "count", "march", 0),
    Measure("cp_rate_per_10k", "CPP_At31_rate", (43.7, 42.8, 41.4), 10.0, "rate", "march"),
    Measure("cp_plans_2_years", "2_years_or_more", (1_060, 1_010, 1_000), 0.5, "count", "march", 0),
    Measure("cp_repeat_plans", "CPP_subsequent_percent", (20.8, 21.9, 22.1), 4.0, "percent", "year"),
    Measure("children_in_care", "number", (78_150, 80_000, 80_850), 0.25, "count", "march", 0),
    Measure("cla_rate_per_10k", "rate_per_10000", (65.0, 67.0, 67.0), 20.0, "rate", "march", 0),
    Measure("cla_3_placements", "percentage", (10.0, 11.0, 9.0), 2.0, "percent", "march", 0),
    Measure("cla_family_settings", "percentage", (72.0, 72.0, 71.0), 5.0, "percent", "march", 0),
    Measure("care_leavers_suitable_accommodation", "percentage", (85.0, 85.0, 88.0), 5.0, "percent", "march", 0),
    Measure("care_leavers_eet", "percentage", (52.0, 52.0, 52.0), 7.0, "percent", "march", 0),
    Measure("average_caseload", "caseload_fte", (17.4, 16.3, 16.6), 2.5, "number", "september"),
)
MEASURE = {measure.indicator_id: measure for measure in MEASURES}

# file name -> (filter columns and the row that holds the measure, the other rows' filter values,
# the measures in it). The names follow DfE's; the mapping (metrics/dfe_mapping.csv) finds them by hint.
FILES = {
    "c1_children_in_need_referrals_and_rereferrals_2019_to_2021.csv": (
        {},
        [],
        ("re_referrals_12_months", "referrals_nfa"),
    ),
    "c2_assessments_completed_2019_to_2021.csv": ({}, [], ("assessments_in_45_days",)),
    "d1_s47_enquiries_and_icpcs_2019_to_2021.csv": ({}, [], ("icpc_in_15_days",)),
    "d3_cpps_subsequent_plan_2019_to_2021.csv": ({}, [], ("cp_repeat_plans",)),
    "d5_cpps_at31march_by_duration_2019_to_2021.csv": (
        {},
        [],
        ("cp_plans_open", "cp_rate_per_10k", "cp_plans_2_years"),
    ),
    "cla_number_and_rate_per_10k_children_2019_to_2021.csv": ({}, [], ("children_in_care", "cla_rate_per_10k")),
    "la_cla_placement_stability_2019_to_2021.csv": (
        {"placement_stability": "With three or more placements during the year"},
        [{"placement_stability": "With one placement during the year"}],
        ("cla_3_placements",),
    ),
    "la_cla_on_31_march_by_characteristics_2019_to_2021.csv": (
        {"cla_group": "Placement", "characteristic": "Foster placements"},
        [{"cla_group": "Placement", "characteristic": "Other placements"}],
        ("cla_family_settings",),
    ),
    "la_care_leavers_accommodation_suitability_2019_to_2021.csv": (
        {"age": "Aged 19 to 21", "accommodation_suitability": "Accommodation considered suitable"},
        [
            {"age": "Aged 17 to 18", "accommodation_suitability": "Accommodation considered suitable"},
            {"age": "Aged 19 to 21", "accommodation_suitability": "Accommodation considered not suitable"},
        ],
        ("care_leavers_suitable_accommodation",),
    ),
    "la_care_leavers_activity_2019_to_2021.csv": (
        {"age": "Aged 19 to 21", "activity": "Total in education, employment or training"},
        [{"age": "Aged 19 to 21", "activity": "Total not in education, employment or training"}],
        ("care_leavers_eet",),
    ),
    "csww_indicators_2019_to_2021.csv": ({}, [], ("average_caseload",)),
}
# Cells DfE would not publish: (file measure, council number, year) -> symbol. Council 5 is a
# statistical neighbour with no figure for EET in 2021; council 7 sent no workforce return in 2020.
SYMBOLS = {
    ("care_leavers_eet", 5, 2021): "c",
    ("average_caseload", 7, 2020): "x",
    ("cla_3_placements", 15, 2019): "z",
    ("referrals_nfa", 20, 2021): "u",
    ("icpc_in_15_days", 21, 2020): "low",
    ("re_referrals_12_months", 22, 2019): ":",
}


@dataclass(frozen=True)
class Place:
    level: str
    region: tuple[str, str]
    code: str = ""
    old_code: str = ""
    name: str = ""
    children: float = 0.0


def places() -> list[Place]:
    """England, two regions, and 24 councils: Example County Council (in Example Region) and 23 others."""
    councils = [Place(LOCAL, REGION, COUNCIL_CODE, COUNCIL_OLD_CODE, cat.COUNCIL, cat.CHILD_POPULATION)]
    for number in range(1, 24):
        children = round(30_000 + (wobble("dfe-size", number) + 1) * 60_000, -2)
        region = REGION if number <= 12 else OTHER_REGION
        councils.append(
            Place(
                LOCAL,
                region,
                f"E10000{900 + number}",
                str(900 + number),
                f"Illustrative Council {number:02d}",
                children,
            )
        )
    return [Place(NATIONAL, ("", "")), Place(REGIONAL, REGION), Place(REGIONAL, OTHER_REGION), *councils]


def neighbour_codes() -> list[str]:
    """The demo council's ten statistical neighbours (councils 1 to 10)."""
    return [f"E10000{900 + number}" for number in range(1, 11)]


def own_figure(values: pd.DataFrame, measure: Measure, year: int) -> float | None:
    """Example County's figure for a DfE year from its monthly values; None where the months are not held."""
    if measure.months == "year":
        months = pd.date_range(f"{year - 1}-04-01", f"{year}-03-01", freq="MS")
    else:
        months = pd.DatetimeIndex([pd.Timestamp(year, 3 if measure.months == "march" else 9, 1)])
    rows = values[(values["indicator_id"] == measure.indicator_id) & values["period"].isin(months)]
    if rows["period"].nunique() < len(months):
        return None
    whole = rows[rows["team"].isna()]
    rows = whole if len(whole) else rows
    if measure.kind == "count":
        return float(rows["value"].sum())
    unit = next(row[3] for row in INDICATORS if row[0] == measure.indicator_id)
    return float(rows["numerator"].sum() / rows["denominator"].sum() * ratio_scale(unit))


def council_figure(measure: Measure, place: Place, year: int, england: float) -> float:
    """An illustrative council's figure: England's, moved by the council's own lean and the year's wobble."""
    lean = (
        wobble("dfe-lean", measure.indicator_id, place.code) * 1.6
        + wobble("dfe-year", measure.indicator_id, place.code, year) * 0.4
    )
    if measure.kind == "count":
        per_child = england / ENGLAND_CHILDREN
        return max(0.0, per_child * place.children * (1 + measure.spread * lean))
    low, high = (0.0, 100.0) if measure.kind == "percent" else (0.0, np.inf)
    return float(np.clip(england + measure.spread * lean, low, high))


def _cell(value: float | None, measure: Measure) -> str:
    if value is None or not np.isfinite(value):
        return "x"
    if measure.kind == "count" and 1 <= round(value) <= 5:
        return "c"  # DfE does not publish a count from 1 to 5
    return f"{value:.{measure.decimals}f}"


def measure_rows(measure: Measure, values: pd.DataFrame) -> dict[tuple[str, str, int], str]:
    """The measure's cell for every place and year, keyed by (level, code or region, year)."""
    cells = {}
    everyone = places()
    for index, year in enumerate(YEARS):
        sourced = SOURCED_ENGLAND.get((measure.indicator_id, year))
        england = float(sourced[0]) if sourced else measure.england[index]
        figures = {}
        for place in everyone:
            if place.level != LOCAL:
                continue
            council_number = int(place.old_code) - 900
            figure = None
            if council_number == 0:  # before the demo's months begin, a year near the next one's
                figure = own_figure(values, measure, year)
                following = own_figure(values, measure, year + 1) if figure is None else None
                if following is not None:
                    figure = following * (1 + 0.04 * wobble("dfe-before", measure.indicator_id))
            if figure is None:
                figure = council_figure(measure, place, year, england)
            figures[place.code] = (place, figure)
            symbol = SYMBOLS.get((measure.indicator_id, council_number, year))
            cells[(LOCAL, place.code, year)] = symbol or _cell(figure, measure)
        cells[(NATIONAL, "", year)] = _cell(england, measure)
        for region in (REGION, OTHER_REGION):
            members = [figure for place, figure in figures.values() if place.region == region]
            if measure.kind == "count":
                regional = float(np.sum(members))
            else:
                weights = [place.children for place, _ in figures.values() if place.region == region]
                regional = float(np.average(members, weights=weights))
            cells[(REGIONAL, region[1], year)] = _cell(regional, measure)
    return cells


def dfe_files(values: pd.DataFrame) -> dict[str, str]:
    """Every demo DfE file's text, by file name."""
    texts = {}
    for file_name, (chosen, others, indicator_ids) in FILES.items():
        cells = {indicator_id: measure_rows(MEASURE[indicator_id], values) for indicator_id in indicator_ids}
        filter_names = list(chosen)
        identifier = "Reporting year"
        rows = []
        for year in YEARS:
            for place in places():
                key = (place.level, place.code if place.level == LOCAL else place.region[1], year)
                base = {
                    "time_period": str(year),
                    "time_identifier": identifier,
                    "geographic_level": place.level,
                    "country_code": "E92000001",
                    "country_name": "England",
                    "region_code": place.region[0],
                    "region_name": place.region[1],
                    "old_la_code": place.old_code,
                    "new_la_code": place.code,
                    "la_name": place.name,
                }
                measured = {MEASURE[i].column: cells[i][key] for i in indicator_ids}
                rows.append({**base, **chosen, **measured})
                for other in others:  # a row the mapping's filters must leave out
                    rows.append({**base, **other, **{column: _other_cell(text) for column, text in measured.items()}})
        frame = pd.DataFrame(rows)
        frame = frame[[*frame.columns[:10], *filter_names, *[MEASURE[i].column for i in indicator_ids]]]
        texts[file_name] = frame.to_csv(index=False, lineterminator="\n")
    return texts


def _other_cell(text: str) -> str:
    """A plausible figure for a row the filters leave out (the rest of 100% for a share)."""
    try:
        number = float(text)
    except ValueError:
        return text
    return f"{max(0.0, 100.0 - number):.0f}"


def write_files(values: pd.DataFrame, folder: Path = FOLDER) -> list[Path]:
    """Write the demo's DfE files and its neighbours list."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in dfe_files(values).items():
        (folder / file_name).write_text(text, encoding="utf-8")
        written.append(folder / file_name)
    neighbours = folder / NEIGHBOURS_FILE.name
    neighbours.write_text(
        "# Example County Council's statistical neighbours (illustrative councils)\n"
        + "\n".join(neighbour_codes())
        + "\n",
        encoding="utf-8",
    )
    return [*written, neighbours]


def marked(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """The imported benchmarks with their sources: England's published figure where there is one,
    otherwise marked illustrative."""
    sources = []
    for row in benchmarks.itertuples(index=False):
        sourced = SOURCED_ENGLAND.get((row.indicator_id, pd.Timestamp(row.period).year))
        if row.comparator == ENGLAND and sourced and np.isclose(sourced[0], row.value):
            sources.append(sourced[1])
        else:
            sources.append(OWN_FIGURES if row.comparator == PUBLISHED else ILLUSTRATIVE)
    return benchmarks.assign(source=sources)
