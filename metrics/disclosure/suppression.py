"""Disclosure control for the public audience: the one step every public figure passes.

What the public view guarantees (docs/disclosure.md says the same in plain words):

- Primary: a count from 1 to 5 is hidden ("c"), and so is a ratio of any unit (a percentage, a
  rate, an average caseload) whose numerator or denominator is from 1 to 5. Zero stays zero.
- One figure, one decision: the same number printed under two indicators (a count and each
  percentage whose denominator it is) is one cell, hidden everywhere or nowhere. Such links are
  found in the data, so a council need not declare them: two columns (an indicator's value,
  numerator or denominator) are linked when they agree on every team and month both report.
- Secondary: teams add up to the whole service. A reader who knows the shown total and teams,
  that a hidden count or denominator is at least 1 (zero is never hidden) and that a numerator of a
  percentage or rate lies between 0 and its denominator (so the complement, denominator less
  numerator, adds up too) must still be unsure of every hidden cell by at least PROTECTION_WIDTH,
  and must not be able to tell that a hidden percentage is 0% or 100%. Where either would fail, the
  smallest shown team of that column and month is hidden too, or the total when no team is left
  (the DfE and ONS approach, checked the way tau-Argus audits a table). Two linked columns that
  cover different teams also give away the difference, which is protected the same way.
- A ratio whose denominator is hidden hides its numerator too; its value shows only where both
  parts do.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from metrics.core.arrays import coded, dense_codes, month_numbers, sorted_distinct
from metrics.disclosure.links import linked
from metrics.snapshot.contract import WHOLE_SERVICE, per_row

SUPPRESSED = "c"
SMALLEST_SHOWN = 6  # counts from 1 to SMALLEST_SHOWN - 1 are suppressed
PROTECTION_WIDTH = SMALLEST_SHOWN - 1  # a hidden cell's possible values must span at least this much
RATE_UNITS = ("percent", "rate_per_10k")  # a numerator is part of its denominator
COUNTED_UNITS = ("count", "number")  # summed figures in these units count people, cases or workers
PARTS = ("value", "numerator", "denominator")
VALUE, NUMERATOR, DENOMINATOR = range(3)
BOUND_PASSES = 3  # rounds of passing bounds between relations, complements and their parts

Column = tuple[str, str]  # (indicator_id, part)


def is_small(numbers) -> np.ndarray:
    """True for figures from 1 to 5 inclusive (zero and missing are not small)."""
    numbers = np.asarray(numbers, dtype="float64")
    with np.errstate(invalid="ignore"):
        return (numbers > 0) & (numbers < SMALLEST_SHOWN)


class Quantities:
    """Every figure that counts something, one entry each: its row, part, amount and cell.

    A cell is one number wherever it is printed: the same team and month of linked columns, with
    the same amount (linked columns agree on their teams; their whole-service figures can differ
    where they cover different teams).
    """

    def __init__(self, figures: pd.DataFrame, indicators: pd.DataFrame, links: Mapping[Column, int] | None):
        catalogue = indicators.set_index("indicator_id")
        aggregation, unit = catalogue["aggregation"], catalogue["unit"]

        def per_indicator(answers: pd.Series) -> np.ndarray:  # asked once per indicator, not per row
            return per_row(figures["indicator_id"], answers, "bool")

        ratio = per_indicator(aggregation == "ratio")
        rows, parts = [], []
        for part, present in ((VALUE, ~ratio), (NUMERATOR, ratio), (DENOMINATOR, ratio)):
            amounts = figures[PARTS[part]].to_numpy(dtype="float64")
            rows.append(np.flatnonzero(present & ~np.isnan(amounts)))
            parts.append(np.full(len(rows[-1]), part, dtype=np.int8))
        self.row = np.concatenate(rows)
        self.part = np.concatenate(parts)
        self.amount = np.concatenate(
            [figures[PARTS[part]].to_numpy(dtype="float64")[chosen] for part, chosen in enumerate(rows)]
        )
        self.additive = per_indicator(aggregation.isin(("sum", "ratio")))[self.row]
        self.checked = per_indicator(
            (aggregation == "ratio") | unit.isin(COUNTED_UNITS) & ((aggregation == "sum") | (unit == "count"))
        )[self.row]
        self.bounded_by_denominator = (self.part == NUMERATOR) & per_indicator(unit.isin(RATE_UNITS))[self.row]
        team_codes, team_names = coded(figures["team"])
        self.is_total = (
            (team_names == WHOLE_SERVICE)[team_codes[self.row]]
            if len(team_names)
            else np.zeros(len(self.row), dtype=bool)
        )

        # Codes built from integers (factorising tuples of a MultiIndex is slow at millions of rows).
        indicator_codes, indicator_names = coded(figures["indicator_id"])
        column = indicator_codes[self.row].astype(np.int64) * len(PARTS) + self.part
        self.column_code, column_values = pd.factorize(column)
        self.column_names = [
            (str(indicator_names[value // len(PARTS)]), PARTS[value % len(PARTS)]) for value in column_values
        ]
        self.team_code = team_codes[self.row]
        months = month_numbers(figures["period"])[self.row]
        self.period_code = dense_codes(months - months.min(initial=0))  # 0, 1, 2 ... in date order
        periods = int(self.period_code.max()) + 1 if len(self.period_code) else 1
        self.key_code = dense_codes(self.team_code.astype(np.int64) * periods + self.period_code)
        links = dict(links) if links is not None else link_classes(self)
        unlinked = max(links.values(), default=-1) + 1
        link = np.array([links.get(name, unlinked + index) for index, name in enumerate(self.column_names)], dtype=int)
        self.link = link[self.column_code] if len(self.column_code) else np.zeros(0, dtype=int)
        self.cell = self._cells(self.link, self.key_code, self.amount)
        self.cells = int(self.cell.max()) + 1 if len(self.cell) else 0
        # Each numerator's denominator, and each denominator's numerator, in the same row.
        at_row = np.full((len(figures), len(PARTS)), -1)
        at_row[self.row, self.part] = np.arange(len(self.row))
        self.partner = np.full(len(self.row), -1)
        for part, other in ((NUMERATOR, DENOMINATOR), (DENOMINATOR, NUMERATOR)):
            mine = self.part == part
            self.partner[mine] = at_row[self.row[mine], other]
        # Zero is never hidden in its own right, so a hidden count or denominator is at least 1; a
        # numerator hidden with its denominator may be 0.
        self.cell_lower = np.ones(self.cells)
        np.minimum.at(self.cell_lower, self.cell, np.where(self.part == NUMERATOR, 0.0, 1.0))
        # A percentage's or rate's complement (denominator less numerator: the children not seen in
        # time, say) adds up across teams too, and is at least 0. Each is a figure of its own, after
        # the real cells, hidden whenever its numerator is.
        self.complement_of = np.flatnonzero(self.bounded_by_denominator & (self.partner >= 0))
        self.complement_numerator = self.cell[self.complement_of]
        self.complement_denominator = self.cell[self.partner[self.complement_of]]
        self.complement_amount = self.amount[self.partner[self.complement_of]] - self.amount[self.complement_of]

    @staticmethod
    def _cells(link: np.ndarray, key_code: np.ndarray, amount: np.ndarray) -> np.ndarray:
        """Each figure's cell: its place (link class, team and month), split by amount where a place
        holds different amounts (only the whole service of linked columns covering different teams)."""
        keys = int(key_code.max()) + 1 if len(key_code) else 1
        place = dense_codes(dense_codes(link) * keys + key_code)
        places = int(place.max()) + 1 if len(place) else 0
        lowest, highest = np.full(places, np.inf), np.full(places, -np.inf)
        np.minimum.at(lowest, place, amount)
        np.maximum.at(highest, place, amount)
        mixed = np.flatnonzero(lowest[place] != highest[place])
        if not len(mixed):
            return place
        amount_code = pd.factorize(amount[mixed])[0].astype(np.int64)
        cell = place.copy()
        cell[mixed] = places + pd.factorize(place[mixed] * (int(amount_code.max()) + 1) + amount_code)[0]
        return dense_codes(cell)

    def primary(self) -> np.ndarray:
        """Cells hidden in their own right: small counts and the small parts of ratios."""
        hidden = np.zeros(self.cells, dtype=bool)
        hidden[self.cell[self.checked & is_small(self.amount)]] = True
        return hidden


class Relations:
    """What a reader knows adds up: entries with sum(sign * figure) = 0 for each relation.

    - Each column and month with a whole-service figure: the total less every team.
    - The same for the complements of percentages and rates (denominator less numerator).
    - Two linked columns covering different teams in a month: one total less the other equals
      the teams only one of them covers (the difference a reader would take).
    A figure is a cell, or (after the cells) a complement; `hides` is the cell to hide to hide it.
    """

    def __init__(self, q: Quantities):
        additive = np.r_[q.additive, np.ones(len(q.complement_of), dtype=bool)]
        figures = {
            name: numbers[additive]
            for name, numbers in {
                "column": np.r_[q.column_code, q.column_code[q.complement_of] + len(q.column_names)],
                "period": np.r_[q.period_code, q.period_code[q.complement_of]],
                "total": np.r_[q.is_total, q.is_total[q.complement_of]],
                "team": np.r_[q.team_code, q.team_code[q.complement_of]],
                "link": np.r_[q.link, -1 - q.column_code[q.complement_of]],
                "figure": np.r_[q.cell, q.cells + np.arange(len(q.complement_of))],
                "hides": np.r_[q.cell, q.complement_numerator],
                "amount": np.r_[q.amount, q.complement_amount],
            }.items()
        }
        # Only where the whole service is the sum of its teams (a supplied whole-service figure may not be).
        # Each (column, month) as one number, summed by counting: a million rows in milliseconds.
        total = figures["total"]
        periods = int(figures["period"].max()) + 1 if len(total) else 1
        key = figures["column"].astype(np.int64) * periods + figures["period"]
        keys = int(key.max()) + 1 if len(key) else 0
        signed = np.where(total, 1.0, -1.0) * figures["amount"]
        balance = np.abs(np.bincount(key, weights=signed, minlength=keys))
        adds_up = balance <= 1e-9 * np.maximum(1.0, np.bincount(key, weights=np.abs(signed), minlength=keys))
        kept = (adds_up & (np.bincount(key, weights=total, minlength=keys) > 0))[key]
        figures, key = {name: numbers[kept] for name, numbers in figures.items()}, key[kept]
        present = np.zeros(keys, dtype=bool)
        present[key] = True
        group = (np.cumsum(present) - 1)[key]  # numbered in (column, month) order
        parts = [(group, figures, np.where(figures["total"], 1.0, -1.0))]
        next_relation = int(group.max()) + 1 if len(group) else 0
        for rows, signs in self._differences(figures):
            parts.append((np.full(len(signs), next_relation), rows, signs))
            next_relation += 1
        self.relation = np.concatenate([relation for relation, _, _ in parts]).astype(int)
        self.sign = np.concatenate([sign for _, _, sign in parts])
        self.figure, self.hides, self.is_total, self.amount = (
            np.concatenate([rows[name] for _, rows, _ in parts]).astype(kind)
            for name, kind in (("figure", int), ("hides", int), ("total", bool), ("amount", "float64"))
        )
        self.count = next_relation

    @staticmethod
    def _differences(figures: dict[str, np.ndarray]):
        """(rows, signs) of each difference between linked columns that cover different teams."""
        of_teams = ~figures["total"]
        # Each column has a team at most once a month, so within a link and month every column covers
        # the same teams exactly when the rows number columns x teams.
        link_code, links = pd.factorize(figures["link"][of_teams])
        period = figures["period"].astype(np.int64)[of_teams]
        periods = int(period.max(initial=0)) + 1
        place = link_code.astype(np.int64) * periods + period  # (link, month) as one number
        places = len(links) * periods
        column = figures["column"].astype(np.int64)[of_teams]
        team = figures["team"].astype(np.int64)[of_teams] + 1  # a missing team (-1) is a team too
        rows = np.bincount(place, minlength=places)
        uneven = np.flatnonzero(rows != _distinct_per(place, column, places) * _distinct_per(place, team, places))
        if not len(uneven):
            return
        # Each uneven (link, month)'s rows, totals among them, picked out in one pass over the figures.
        link_of_row = pd.Index(links).get_indexer(figures["link"])
        place_of_row = np.where(
            link_of_row >= 0, link_of_row.astype(np.int64) * periods + figures["period"].astype(np.int64), -1
        )
        chosen = np.flatnonzero(np.isin(place_of_row, uneven))
        chosen = chosen[np.argsort(place_of_row[chosen], kind="stable")]
        bounds = np.searchsorted(place_of_row[chosen], np.r_[uneven, places])
        group_of = dict(zip(uneven.tolist(), zip(bounds[:-1].tolist(), bounds[1:].tolist())))
        table = pd.DataFrame({name: numbers[chosen] for name, numbers in figures.items()})
        varied = pd.DataFrame(
            {"link": links[uneven // periods], "period": uneven % periods, "place": uneven}
        ).sort_values(["link", "period"])
        for place in varied["place"].tolist():
            start, stop = group_of[place]
            members = table.iloc[start:stop]
            by_column = dict(list(members.groupby("column")))
            names = sorted(by_column)
            for position, first in enumerate(names):
                for second in names[position + 1 :]:
                    a, b = by_column[first], by_column[second]
                    if set(a.loc[~a["total"], "figure"]) == set(b.loc[~b["total"], "figure"]):
                        continue
                    # A team both cover cancels out only where it is the same figure in both.
                    same = set(a["figure"]) & set(b["figure"])
                    only_a = a[~a["total"] & ~a["figure"].isin(same)]
                    only_b = b[~b["total"] & ~b["figure"].isin(same)]
                    # total a - total b - (teams only in a) + (teams only in b) = 0
                    rows = pd.concat([a[a["total"]], b[b["total"]], only_a, only_b])
                    signs = np.concatenate(
                        [
                            np.ones(a["total"].sum()),
                            -np.ones(b["total"].sum()),
                            -np.ones(len(only_a)),
                            np.ones(len(only_b)),
                        ]
                    )
                    yield {name: rows[name].to_numpy() for name in ("figure", "hides", "total", "amount")}, signs


def _distinct_per(group: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """How many distinct non-negative values each group (0 to groups - 1) holds: by marking pairs
    present where they fit in a few million, else by one sort."""
    width = int(values.max(initial=0)) + 1
    if groups * width > max(4_000_000, 8 * len(values)):
        return np.bincount(sorted_distinct(group * width + values) // width, minlength=groups)
    present = np.zeros(groups * width, dtype=bool)
    present[group * width + values] = True
    return present.reshape(groups, width).sum(axis=1)


def link_classes(quantities: Quantities) -> dict[Column, int]:
    """Columns that are the same figure: they agree on every team and month both report."""
    keys = int(quantities.key_code.max()) + 1 if len(quantities.key_code) else 0
    matrix = np.full((keys, len(quantities.column_names)), np.nan)
    matrix[quantities.key_code, quantities.column_code] = quantities.amount
    whole_service = np.zeros(keys, dtype=bool)
    whole_service[quantities.key_code[quantities.is_total]] = True
    return linked(matrix, quantities.column_names, whole_service)


def column_block(
    figures: pd.DataFrame, indicators: pd.DataFrame, teams: pd.Index, months: pd.DatetimeIndex
) -> tuple[np.ndarray, list[Column]]:
    """These figures' columns (an indicator's value, or a ratio's numerator and denominator) as a block
    of a (team, month) by column matrix, for finding links; in the order Quantities numbers them.

    teams (the whole service "" among them) and months are the snapshot's, so blocks of different
    indicators line up side by side.
    """
    ratio = per_row(figures["indicator_id"], indicators.set_index("indicator_id")["aggregation"] == "ratio", "bool")
    indicator_codes, indicator_names = coded(figures["indicator_id"])
    team_codes, team_names = coded(figures["team"])
    key = teams.get_indexer(pd.Index(team_names))[team_codes] * len(months) + months.get_indexer(
        pd.DatetimeIndex(figures["period"].to_numpy())
    )
    keys, columns, amounts = [], [], []
    for part, present in ((VALUE, ~ratio), (NUMERATOR, ratio), (DENOMINATOR, ratio)):
        amount = figures[PARTS[part]].to_numpy(dtype="float64")
        rows = np.flatnonzero(present & ~np.isnan(amount))
        keys.append(key[rows])
        columns.append(indicator_codes[rows].astype(np.int64) * len(PARTS) + part)
        amounts.append(amount[rows])
    column_code, column_values = pd.factorize(np.concatenate(columns))
    block = np.full((len(teams) * len(months), len(column_values)), np.nan)
    block[np.concatenate(keys), column_code] = np.concatenate(amounts)
    return block, [(str(indicator_names[value // len(PARTS)]), PARTS[value % len(PARTS)]) for value in column_values]


def linked_columns(
    blocks: list[np.ndarray], names: list[Column], teams: pd.Index, months: pd.DatetimeIndex
) -> dict[Column, int]:
    """Link classes of the columns of column_blocks laid side by side."""
    if not blocks:
        return {}
    whole_service = np.repeat(np.asarray(teams == WHOLE_SERVICE), len(months))
    return linked(np.hstack(blocks), names, whole_service)


def figure_ranges(q: Quantities, r: Relations, hidden_cell: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which figures (cells, then complements) are hidden, and the lowest and highest value each can take.

    Interval reasoning: every hidden cell is at least its lower bound and every complement at
    least 0; a complement is its denominator less its numerator; each relation sums to zero.
    Bounds pass between them a few times; the linear-programming audit in the tests checks the
    result exactly.
    """
    numerator, denominator = q.complement_numerator, q.complement_denominator
    complement = q.cells + np.arange(len(numerator))
    hidden = np.r_[hidden_cell, hidden_cell[numerator] | hidden_cell[denominator]]
    known = np.zeros(len(hidden))
    known[q.cell] = q.amount
    known[complement] = q.complement_amount
    low = np.where(hidden, np.r_[q.cell_lower, np.zeros(len(numerator))], known)
    high = np.where(hidden, np.inf, known)
    # Only complements and relations with a hidden figure can narrow a hidden figure's range (the
    # rest are exact already), so the work is done on those alone: a shown figure adds a fixed amount
    # to its relation, and the passes work on the figures that take part, numbered afresh.
    live = hidden[complement]
    numerator, denominator, complement = numerator[live], denominator[live], complement[live]
    in_play = np.zeros(r.count, dtype=bool)
    in_play[r.relation[hidden[r.figure]]] = True
    entries = np.flatnonzero(in_play[r.relation])
    relation, sign, figure = r.relation[entries], r.sign[entries], r.figure[entries]
    relation = dense_codes(relation)
    shown = ~hidden[figure]
    fixed = np.bincount(
        relation[shown], weights=sign[shown] * known[figure[shown]], minlength=int(relation.max(initial=-1)) + 1
    )
    relation, sign, figure = relation[~shown], sign[~shown], figure[~shown]
    members = sorted_distinct(np.concatenate([figure, numerator, denominator, complement]))
    figure, numerator, denominator, complement = (
        np.searchsorted(members, numbers) for numbers in (figure, numerator, denominator, complement)
    )
    member_low, member_high = _narrowed(
        low[members],
        high[members],
        hidden[members],
        known[members],
        (complement, numerator, denominator),
        (relation, sign, figure, fixed),
    )
    low[members], high[members] = member_low, member_high
    return hidden, low, high


def _narrowed(
    low: np.ndarray, high: np.ndarray, hidden: np.ndarray, known: np.ndarray, complements: tuple, relations: tuple
) -> tuple[np.ndarray, np.ndarray]:
    """figure_ranges' passes over the figures that take part: (complement, numerator, denominator)
    triples, and the hidden entries of the relations in play with each relation's shown total."""
    complement, numerator, denominator = complements
    relation, sign, figure, fixed = relations
    count = len(fixed)
    for _ in range(BOUND_PASSES):
        with np.errstate(invalid="ignore", over="ignore"):
            for target, lowest, highest in (
                (complement, low[denominator] - high[numerator], high[denominator] - low[numerator]),
                (numerator, low[denominator] - high[complement], high[denominator] - low[complement]),
                (denominator, low[numerator] + low[complement], high[numerator] + high[complement]),
            ):
                np.maximum.at(low, target, np.nan_to_num(lowest, nan=-np.inf))
                np.minimum.at(high, target, np.nan_to_num(highest, nan=np.inf))
        low, high = np.where(hidden, low, known), np.where(hidden, high, known)  # a shown figure is exact
        lower, upper = low[figure], high[figure]
        # Each entry's least and greatest contribution to sum(sign * x) = 0 within its relation.
        least = np.where(sign > 0, sign * lower, sign * upper)
        most = np.where(sign > 0, sign * upper, sign * lower)
        others = []
        for contribution, infinite_side in ((least, -np.inf), (most, np.inf)):
            infinite = np.isinf(contribution)
            finite = np.where(infinite, 0.0, contribution)
            total = (fixed + np.bincount(relation, weights=finite, minlength=count))[relation]
            infinite_count = np.bincount(relation, weights=infinite, minlength=count)[relation]
            others.append(np.where(infinite_count - infinite > 0, infinite_side, total - finite))
        others_least, others_most = others
        # sign * x = -(sum of the others): x's range follows from the others' range.
        with np.errstate(invalid="ignore"):
            from_low = np.where(sign > 0, -others_most / sign, -others_least / sign)
            from_high = np.where(sign > 0, -others_least / sign, -others_most / sign)
        np.maximum.at(low, figure, np.nan_to_num(from_low, nan=-np.inf))
        np.minimum.at(high, figure, np.nan_to_num(from_high, nan=np.inf))
        low, high = np.where(hidden, low, known), np.where(hidden, high, known)
    return low, high


def _hide_with_denominators(q: Quantities, hidden_cell: np.ndarray) -> bool:
    """A ratio whose denominator is hidden hides its numerator; True if anything new was hidden."""
    denominators = np.flatnonzero((q.part == DENOMINATOR) & hidden_cell[q.cell] & (q.partner >= 0))
    numerators = q.cell[q.partner[denominators]]
    new = numerators[~hidden_cell[numerators]]
    hidden_cell[new] = True
    return bool(len(new))


def _widen(r: Relations, hidden: np.ndarray, hidden_cell: np.ndarray, weak: np.ndarray) -> bool:
    """In each weak relation hide its smallest shown team above zero, or else a shown total."""
    entry_hidden = hidden[r.figure]
    in_weak = weak[r.relation]
    candidates = np.flatnonzero(in_weak & ~entry_hidden & ~r.is_total & (r.amount > 0))
    order = candidates[np.lexsort((r.amount[candidates], r.relation[candidates]))]
    first = order[np.r_[True, r.relation[order][1:] != r.relation[order][:-1]]] if len(order) else order
    served = np.zeros(r.count, dtype=bool)
    served[r.relation[first]] = True
    totals = np.flatnonzero(in_weak & ~served[r.relation] & r.is_total & ~entry_hidden)
    totals = totals[np.lexsort((r.amount[totals], r.relation[totals]))]
    totals = totals[np.unique(r.relation[totals], return_index=True)[1]]  # the smallest total of each relation
    new = np.concatenate([r.hides[first], r.hides[totals]])
    new = new[~hidden_cell[new]]
    hidden_cell[new] = True
    return bool(len(new))


def _exposed(q: Quantities, hidden: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Hidden figures a reader could pin down: a cell known to fewer than PROTECTION_WIDTH apart, or a
    complement that must be 0 (a hidden percentage that must be 100%)."""
    is_cell = np.arange(len(hidden)) < q.cells
    return hidden & np.where(is_cell, (high - low) < PROTECTION_WIDTH, high <= 0)


def hidden_cells(q: Quantities) -> np.ndarray:
    """Primary cells, then secondary ones until every hidden figure is protected (or nothing is left)."""
    r = Relations(q)
    hidden_cell = q.primary()
    for _ in range(q.cells + 2):  # each round hides at least one more cell, so this bound is never reached
        _hide_with_denominators(q, hidden_cell)
        hidden, low, high = figure_ranges(q, r, hidden_cell)
        exposed = _exposed(q, hidden, low, high)
        weak = np.zeros(r.count, dtype=bool)
        weak[r.relation[exposed[r.figure]]] = True
        if not weak.any() or not _widen(r, hidden, hidden_cell, weak):
            return hidden_cell
    raise RuntimeError("secondary suppression did not settle; a hidden figure may be exposed")


def suppress_figures(
    figures: pd.DataFrame, indicators: pd.DataFrame, links: Mapping[Column, int] | None = None
) -> pd.DataFrame:
    """Figures for the public audience: hidden figures lose their numbers and are flagged.

    `suppressed` flags a hidden value; `numerator_suppressed` and `denominator_suppressed` flag
    hidden parts of a ratio (a part can show while the value is hidden). links: the link classes
    found over the whole snapshot; without them, links are looked for within these figures.
    """
    result = figures.copy(deep=False)  # copy on write: only the columns written below are copied
    q = Quantities(result, indicators, links)
    hidden = hidden_cells(q)[q.cell]
    flags = np.zeros((len(result), 3), dtype=bool)
    flags[q.row[hidden], q.part[hidden]] = True
    result["numerator_suppressed"] = flags[:, NUMERATOR]
    result["denominator_suppressed"] = flags[:, DENOMINATOR]
    result["suppressed"] = flags[:, VALUE] | flags[:, NUMERATOR] | flags[:, DENOMINATOR]
    for column, hide in (
        ("value", result["suppressed"]),
        ("numerator", result["numerator_suppressed"]),
        ("denominator", result["denominator_suppressed"]),
    ):
        result.loc[hide.to_numpy(), column] = np.nan
    return result


def unsuppressed(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures for the internal audience: the same flags, none set."""
    return figures.assign(suppressed=False, numerator_suppressed=False, denominator_suppressed=False)
