"""The disclosure audit: collect what the public view publishes, then work out what a reader could.

Written apart from metrics.disclosure.suppression on purpose: it finds linked figures its own way, reads the
published figures back from the outputs people get (the rated table, the scorecard command, the
pages' downloads and tables), and uses linear programming (as tau-Argus audits a table) to find,
for every cell the public view hides, the lowest and highest value it could take given:
- every published figure, wherever it was published;
- teams adding up to the whole service, column by column;
- a hidden count or denominator being at least 1 (zero is never hidden), a numerator at least 0;
- a numerator of a percentage or rate being at most its denominator;
- a published ratio tying its numerator to its denominator (within its rounding).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from metrics.disclosure.suppression import PROTECTION_WIDTH, SMALLEST_SHOWN
from metrics.rating.caseloads import CASES, OVER_THRESHOLD, WORKERS
from metrics.snapshot.contract import WHOLE_SERVICE, ratio_scale

PARTS = ("value", "numerator", "denominator")
Cell = tuple[str, str, str, pd.Timestamp]  # (indicator_id, part, team, month)


@dataclass
class Publications:
    """Every figure the public view published: exact numbers, hidden cells, and ratios shown."""

    numbers: dict[Cell, set[float]] = field(default_factory=lambda: defaultdict(set))
    hidden: set[Cell] = field(default_factory=set)
    # (numerator cell, denominator cell, shown value / scale, rounding / scale)
    ratios: list[tuple[Cell, Cell, float, float]] = field(default_factory=list)
    # (numerator cell, denominator cell) of every ratio shown as "c"
    hidden_ratios: set[tuple[Cell, Cell]] = field(default_factory=set)

    def number(self, cell: Cell, text) -> None:
        """A published figure: a number, or the hidden marker."""
        if text is None or (isinstance(text, float) and np.isnan(text)) or text == "":
            return
        if str(text).strip() == "c":
            self.hidden.add(cell)
        else:
            self.numbers[cell].add(float(str(text).replace(",", "")))

    def ratio(self, numerator: Cell, denominator: Cell, text, scale: float, rounding: float) -> None:
        if text is None or str(text).strip() in ("", "c", "no data") or pd.isna(text):
            return
        value = float(str(text).replace(",", "").rstrip("%").split(" ")[0])
        self.ratios.append((numerator, denominator, value / scale, rounding / scale))


def publish_rated(publications: Publications, rated: pd.DataFrame, catalogue: pd.DataFrame) -> None:
    """The public rated table: every page's figures, charts and tooltips are drawn from it."""
    units = catalogue.set_index("indicator_id")["unit"]
    for row in rated.itertuples():
        month, team = pd.Timestamp(row.period), str(row.team)
        aggregation = catalogue.set_index("indicator_id").at[row.indicator_id, "aggregation"]
        if aggregation == "ratio":
            numerator = (row.indicator_id, "numerator", team, month)
            denominator = (row.indicator_id, "denominator", team, month)
            publications.number(numerator, "c" if row.numerator_suppressed else row.numerator)
            publications.number(denominator, "c" if row.denominator_suppressed else row.denominator)
            if not row.suppressed:
                publications.ratio(numerator, denominator, row.value, ratio_scale(units[row.indicator_id]), 1e-9)
            else:
                publications.hidden_ratios.add((numerator, denominator))
        else:
            publications.number((row.indicator_id, "value", team, month), "c" if row.suppressed else row.value)


def publish_dfe_own_figures(
    publications: Publications, benchmarks: pd.DataFrame, catalogue: pd.DataFrame, at_the_month: set[str]
) -> None:
    """The council's own figures as DfE publishes them (comparator "Published (this council)"): public
    anyway, on DfE's site. Where one is the same quantity as a whole-service cell (at_the_month: the
    indicators DfE counts at its year's last month, such as children in care at 31 March) a reader
    knows that cell too; yearly flows are other quantities and tie nothing."""
    units = catalogue.set_index("indicator_id")["unit"]
    aggregations = catalogue.set_index("indicator_id")["aggregation"]
    own = benchmarks[
        (benchmarks["comparator"].astype(str) == "Published (this council)")
        & benchmarks["indicator_id"].astype(str).isin(at_the_month)
    ]
    for row in own.itertuples():
        indicator_id, month = str(row.indicator_id), pd.Timestamp(row.period)
        if aggregations[indicator_id] == "ratio":
            numerator = (indicator_id, "numerator", WHOLE_SERVICE, month)
            denominator = (indicator_id, "denominator", WHOLE_SERVICE, month)
            # DfE rounds a share or rate to a whole number or one decimal: a band of +/- 0.05 at least
            publications.ratio(numerator, denominator, f"{row.value:.1f}", ratio_scale(units[indicator_id]), 0.5)
        else:
            publications.number((indicator_id, "value", WHOLE_SERVICE, month), row.value)


def publish_scorecard_export(publications: Publications, table: pd.DataFrame, catalogue: pd.DataFrame) -> None:
    """The scorecard command's (or download's) rows: value for the month, previous_value for the one before."""
    aggregation = catalogue.set_index("indicator_id")["aggregation"]
    units = catalogue.set_index("indicator_id")["unit"]
    for row in table.itertuples():
        team = "" if pd.isna(row.team) else str(row.team)
        month = pd.Timestamp(f"{row.period}-01")
        for when, text in ((month, row.value), (month - pd.DateOffset(months=1), row.previous_value)):
            if aggregation[row.indicator_id] == "ratio":
                scale = ratio_scale(units[row.indicator_id])
                numerator = (row.indicator_id, "numerator", team, when)
                denominator = (row.indicator_id, "denominator", team, when)
                if str(text) == "c":
                    publications.hidden.add(numerator)
                else:
                    publications.ratio(numerator, denominator, text, scale, 5e-7)
            else:
                publications.number((row.indicator_id, "value", team, when), text)


def publish_plan_export(publications: Publications, rows: list[dict], catalogue: pd.DataFrame) -> None:
    """The Improvement Plan command's (and page's) rows: each value at its month, and each trajectory. The
    path from the baseline to the first milestone is a straight line from the baseline month's figure, so
    a trajectory there, with the target and the months, is that figure: published as such."""
    aggregation = catalogue.set_index("indicator_id")["aggregation"]
    units = catalogue.set_index("indicator_id")["unit"]
    first_milestone = {}
    for row in rows:
        key = (row["priority_id"], row["indicator_id"], row["team"])
        first_milestone[key] = min(first_milestone.get(key, row["milestone"]), row["milestone"])

    def publish(indicator_id: str, team: str, month: pd.Timestamp, text) -> None:
        if aggregation[indicator_id] == "ratio":
            numerator = (indicator_id, "numerator", team, month)
            denominator = (indicator_id, "denominator", team, month)
            if str(text) == "c":
                publications.hidden_ratios.add((numerator, denominator))
            else:
                publications.ratio(numerator, denominator, text, ratio_scale(units[indicator_id]), 5e-7)
        else:
            publications.number((indicator_id, "value", team, month), text)

    for row in rows:
        team = row["team"] or ""
        if row["value"] is not None and row["value_month"]:
            publish(row["indicator_id"], team, pd.Timestamp(f"{row['value_month']}-01"), row["value"])
        key = (row["priority_id"], row["indicator_id"], row["team"])
        if row["trajectory"] is not None and row["milestone"] == first_milestone[key]:
            baseline, milestone = (pd.Timestamp(f"{row[name]}-01") for name in ("baseline", "milestone"))
            period = pd.Timestamp(f"{row['period']}-01")
            span = (milestone.year - baseline.year) * 12 + milestone.month - baseline.month
            done = (period.year - baseline.year) * 12 + period.month - baseline.month
            if done < span:  # the baseline's figure, worked back from the path
                fraction = done / span
                worked_back = (float(row["trajectory"]) - float(row["target"]) * fraction) / (1 - fraction)
                publish(row["indicator_id"], team, baseline, round(worked_back, 6))


def publish_series_export(publications: Publications, table: pd.DataFrame) -> None:
    """An explore download: value, numerator and denominator per team and month."""
    for row in table.itertuples():
        team, month = ("" if pd.isna(row.team) else str(row.team)), pd.Timestamp(f"{row.period}-01")
        for part in ("numerator", "denominator") if str(row.numerator) != "nan" else ("value",):
            publications.number((row.indicator_id, part, team, month), getattr(row, part))


def publish_caseload_table(
    publications: Publications, table: pd.DataFrame, month: pd.Timestamp, whole_service: dict | None = None
) -> None:
    """The caseloads page's table (and its headline figures): headcounts, averages and shares."""
    rows = table.to_dict("records") + ([{**whole_service, "Team": "Whole service"}] if whole_service else [])
    for row in rows:
        team = "" if row["Team"] == "Whole service" else row["Team"]
        workers = (WORKERS, "value", team, month)
        publications.number(workers, row["Workers"])
        over_column = next(column for column in row if column.startswith("Over "))
        publications.number((OVER_THRESHOLD, "value", team, month), row[over_column])
        publications.ratio((CASES, "value", team, month), workers, row["Average"], 1.0, 0.05)
        share = next(column for column in row if column.startswith("Share over"))
        publications.ratio((OVER_THRESHOLD, "value", team, month), workers, row[share], 100.0, 0.05)


def _shown_figure(publications: Publications, cell_of, text, unit: str, aggregation: str) -> None:
    """One figure as a page shows it ("1,454", "91.0%", "60.0 per 10,000", "c"): a count, or a ratio's parts."""
    if aggregation == "ratio":
        numerator, denominator = cell_of("numerator"), cell_of("denominator")
        if str(text).strip() == "c":
            publications.hidden_ratios.add((numerator, denominator))
        elif str(text).strip() not in ("", "no data"):
            publications.ratio(numerator, denominator, text, ratio_scale(unit), 0.05)
    elif str(text).strip() != "no data":
        publications.number(cell_of("value"), str(text).split(" ")[0])


def publish_preview(
    publications: Publications,
    changes: pd.DataFrame,
    revised: pd.DataFrame,
    catalogue: pd.DataFrame,
    column: str,
    month: pd.Timestamp,
    revised_column: str,
) -> None:
    """The Load data page's preview as shown in the public view: the whole service in one column of its
    table of changes (the new month, or the published month before), and one side of its revisions."""
    by_name = catalogue.drop_duplicates("name").set_index("name")  # the snapshot's own indicators come first
    for row in changes.to_dict("records"):
        indicator = by_name.loc[row["Indicator"]]
        indicator_id = str(indicator["indicator_id"])
        _shown_figure(
            publications,
            lambda part, i=indicator_id: (i, part, WHOLE_SERVICE, month),
            row[column],
            indicator["unit"],
            indicator["aggregation"],
        )
    for row in revised.to_dict("records"):
        indicator = by_name.loc[row["Indicator"]]
        indicator_id, team = str(indicator["indicator_id"]), "" if row["Team"] == "Whole service" else row["Team"]
        when = pd.Timestamp(row["Month"])
        _shown_figure(
            publications,
            lambda part, i=indicator_id, t=team, w=when: (i, part, t, w),
            row[revised_column],
            indicator["unit"],
            indicator["aggregation"],
        )


def truth(
    rated_internal: pd.DataFrame, caseloads_internal: pd.DataFrame | None, catalogue: pd.DataFrame
) -> dict[Cell, float]:
    """Every counting cell's true figure, from the internal view."""
    aggregation = catalogue.set_index("indicator_id")["aggregation"]
    cells: dict[Cell, float] = {}
    for row in rated_internal.itertuples():
        month, team = pd.Timestamp(row.period), str(row.team)
        parts = ("numerator", "denominator") if aggregation[row.indicator_id] == "ratio" else ("value",)
        for part in parts:
            amount = getattr(row, part)
            if not pd.isna(amount):
                cells[(row.indicator_id, part, team, month)] = float(amount)
    if caseloads_internal is not None:
        for row in caseloads_internal.itertuples():
            cells[(row.indicator_id, "value", str(row.team), pd.Timestamp(row.period))] = float(row.value)
    return cells


def same_figures(cells: dict[Cell, float]) -> dict[Cell, tuple]:
    """Each cell mapped to one representative of the cells that are the same figure.

    Two columns are the same figure when they agree on every team and month both have (whole
    services aside: they differ where the columns cover different teams); then the same team and
    month, with the same amount, is one figure.
    """
    columns: dict[tuple[str, str], dict] = defaultdict(dict)
    wholes: dict[tuple[str, str], dict] = defaultdict(dict)
    for (indicator, part, team, month), amount in cells.items():
        (wholes if team == WHOLE_SERVICE else columns)[(indicator, part)][(team, month)] = amount
    names = sorted({cell[:2] for cell in cells})
    parent = {name: name for name in names}
    members = {name: {name} for name in names}

    def root(name):
        while parent[name] != name:
            name = parent[name]
        return name

    def join(left, right):
        """The same figure, unless that would make a ratio's numerator its own denominator (100% is not identity)."""
        left, right = root(left), root(right)
        together = members[left] | members[right]
        if left != right and not any(
            (indicator, "numerator") in together and (indicator, "denominator") in together for indicator, _ in together
        ):
            parent[right] = left
            members[left] = together

    for i, left in enumerate(names):
        for right in names[i + 1 :]:
            shared = columns[left].keys() & columns[right].keys()
            if not columns[left] or not columns[right]:  # a column of whole-service figures only
                shared = wholes[left].keys() & wholes[right].keys()
                if shared and all(wholes[left][key] == wholes[right][key] for key in shared):
                    join(left, right)
            elif shared and all(columns[left][key] == columns[right][key] for key in shared):
                join(left, right)
    return {cell: (*root(cell[:2]), *cell[2:], amount) for cell, amount in cells.items()}


@dataclass
class Finding:
    cell: tuple
    true_value: float
    low: float
    high: float
    why: str

    def __str__(self) -> str:
        return f"{self.cell}: true {self.true_value:g}, a reader can narrow it to [{self.low:g}, {self.high:g}] ({self.why})"


def audit(publications: Publications, cells: dict[Cell, float], catalogue: pd.DataFrame) -> list[Finding]:
    """Every hidden cell a reader could pin down more narrowly than PROTECTION_WIDTH, and every
    small figure published outright. An empty list means the public view gives nothing away."""
    findings = []
    catalogue = catalogue.set_index("indicator_id")
    figure_of = same_figures(cells)
    known: dict[Cell, float] = {}
    for cell, numbers in publications.numbers.items():
        if cell in figure_of:
            known[figure_of[cell]] = next(iter(numbers))
    for cell, amount in cells.items():
        if figure_of[cell] in known and 0 < amount < SMALLEST_SHOWN and cell in publications.numbers:
            findings.append(Finding(cell, amount, amount, amount, "a small figure is published"))
    hidden = {figure_of[cell] for cell in publications.hidden if cell in figure_of}
    for cell in sorted(hidden & set(known), key=str):
        findings.append(Finding(cell, cell[-1], known[cell], known[cell], "hidden in one place, published in another"))
    for numerator, denominator in sorted(publications.hidden_ratios, key=str):
        top, bottom = known.get(figure_of.get(numerator)), known.get(figure_of.get(denominator))
        if top is not None and (top == 0 or bottom is not None):
            findings.append(
                Finding(
                    numerator, cells.get(numerator, np.nan), top, top, "a hidden ratio follows from its published parts"
                )
            )
    unknown = sorted(hidden - set(known), key=str)
    by_month: dict[pd.Timestamp, list[Cell]] = defaultdict(list)
    for cell in unknown:
        by_month[cell[3]].append(cell)
    for month, variables in by_month.items():
        findings += _audit_month(month, variables, cells, figure_of, known, publications, catalogue)
    return findings


def _audit_month(month, variables, cells, figure_of, known, publications, catalogue) -> list[Finding]:
    index = {cell: position for position, cell in enumerate(variables)}
    has_numerator_role = defaultdict(bool)
    for cell in cells:
        if cell[3] == month:
            has_numerator_role[figure_of[cell]] |= cell[1] == "numerator"

    def term(cell) -> tuple[int | None, float]:
        """(variable index, None) or (None, known amount) for any cell of the month."""
        figure = figure_of.get(cell)
        if figure in index:
            return index[figure], 0.0
        if figure in known:
            return None, known[figure]
        return None, np.nan  # neither published nor hidden: the reader does not have it

    equalities, equality_rhs, inequalities, inequality_rhs = [], [], [], []
    columns = defaultdict(dict)
    for cell in cells:
        if cell[3] == month:
            columns[cell[:2]][cell[2]] = cell
    for (indicator, part), by_team in columns.items():
        aggregation = catalogue.at[indicator, "aggregation"] if indicator in catalogue.index else "sum"
        if aggregation == "none" or WHOLE_SERVICE not in by_team or len(by_team) < 2:
            continue
        row, rhs, usable = np.zeros(len(variables)), 0.0, True
        for team, cell in by_team.items():
            sign = 1.0 if team == WHOLE_SERVICE else -1.0
            position, amount = term(cell)
            if position is None:
                if np.isnan(amount):
                    usable = False
                    break
                rhs -= sign * amount
            else:
                row[position] += sign
        if usable and row.any():
            equalities.append(row)
            equality_rhs.append(rhs)
        unit = catalogue.at[indicator, "unit"] if indicator in catalogue.index else "count"
        if part == "numerator" and unit in ("percent", "rate_per_10k"):
            for team, cell in by_team.items():
                denominator = (indicator, "denominator", team, month)
                _less_or_equal(term(cell), term(denominator), len(variables), inequalities, inequality_rhs)
    for numerator, denominator, ratio, rounding in publications.ratios:
        if numerator[3] != month:
            continue
        top, bottom = term(numerator), term(denominator)
        # (ratio - rounding) * bottom <= top <= (ratio + rounding) * bottom
        for factor, direction in ((ratio + rounding, 1.0), (ratio - rounding, -1.0)):
            row, rhs = np.zeros(len(variables)), 0.0
            for (position, amount), coefficient in ((top, direction), (bottom, -direction * factor)):
                if position is None:
                    rhs -= coefficient * amount
                else:
                    row[position] += coefficient
            if row.any() and not np.isnan(rhs):
                inequalities.append(row)
                inequality_rhs.append(rhs)
    bounds = [(0.0 if has_numerator_role[cell] else 1.0, None) for cell in variables]
    findings = []

    def largest(objective: np.ndarray, constant: float) -> float:
        result = linprog(
            -objective,
            A_ub=np.array(inequalities) if inequalities else None,
            b_ub=np.array(inequality_rhs) if inequalities else None,
            A_eq=np.array(equalities) if equalities else None,
            b_eq=np.array(equality_rhs) if equalities else None,
            bounds=bounds,
            method="highs",
        )
        return np.inf if result.status == 3 else -result.fun + constant

    for numerator, denominator in sorted(publications.hidden_ratios, key=str):
        if numerator[3] != month or catalogue.at[numerator[0], "unit"] not in ("percent", "rate_per_10k"):
            continue
        top, bottom = term(numerator), term(denominator)
        if np.isnan(top[1]) or np.isnan(bottom[1]):
            continue
        for what, signs in (("100%", (-1.0, 1.0)), ("0%", (1.0, 0.0))):  # maximise den - num, then num
            objective, constant = np.zeros(len(variables)), 0.0
            for (position, amount), sign in ((top, signs[0]), (bottom, signs[1])):
                if position is None:
                    constant += sign * amount
                else:
                    objective[position] += sign
            if largest(objective, constant) <= 1e-9:
                findings.append(
                    Finding(numerator, cells.get(numerator, np.nan), 0, 0, f"a hidden percentage must be {what}")
                )
    for position, cell in enumerate(variables):
        limits = []
        for sense in (1.0, -1.0):
            objective = np.zeros(len(variables))
            objective[position] = sense
            result = linprog(
                objective,
                A_ub=np.array(inequalities) if inequalities else None,
                b_ub=np.array(inequality_rhs) if inequalities else None,
                A_eq=np.array(equalities) if equalities else None,
                b_eq=np.array(equality_rhs) if equalities else None,
                bounds=bounds,
                method="highs",
            )
            if result.status == 3:  # unbounded
                limits.append(-np.inf * sense)
            elif result.status != 0:
                raise AssertionError(f"audit of {month:%Y-%m}: {result.message}")
            else:
                limits.append(result.fun * sense)
        low, high = limits
        if high - low < PROTECTION_WIDTH - 1e-6:
            findings.append(Finding(cell, cell[-1], low, high, "worked out from published figures"))
    return findings


def _less_or_equal(top, bottom, size, rows, rhs) -> None:
    """top <= bottom, where each is a variable or a known amount."""
    row, constant = np.zeros(size), 0.0
    for (position, amount), coefficient in ((top, 1.0), (bottom, -1.0)):
        if position is None:
            if np.isnan(amount):
                return
            constant -= coefficient * amount
        else:
            row[position] += coefficient
    if row.any():
        rows.append(row)
        rhs.append(constant)
