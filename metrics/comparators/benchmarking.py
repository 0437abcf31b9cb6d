"""How the council compares: the comparators in force for a month, which of them a figure can fairly be
set against, and where the council sits among England's councils.

Rules, each tested in tests/test_benchmarking.py:
- a comparator's figure is in force from the month its year ends (the latest on or before the month);
- a count is never set against England, a region, neighbours or quartiles (they are other places'
  sizes); only the council's own published figure is, the same quantity counted by DfE;
- the quarter is the whole service's figure this month against the quartiles in force: at or beyond
  the upper (or lower) quartile is the top or bottom quarter by polarity, and for a neutral measure
  the highest or lowest quarter, never good or bad. A hidden figure has no quarter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.snapshot.contract import WHOLE_SERVICE

ENGLAND = "England"
NEIGHBOURS = "Statistical neighbours"
LOWER_QUARTILE = "England lower quartile"
UPPER_QUARTILE = "England upper quartile"
PUBLISHED = "Published (this council)"
QUARTILES = (LOWER_QUARTILE, UPPER_QUARTILE)
COUNT_UNITS = ("count",)

TOP, MIDDLE, BOTTOM = "top quarter of councils", "middle half of councils", "bottom quarter of councils"
HIGHEST, LOWEST = "highest quarter of councils", "lowest quarter of councils"
COMPARATOR_COLUMNS = [
    "england",
    "england_year",
    "neighbours",
    "neighbours_year",
    "neighbours_councils",
    "lower_quartile",
    "upper_quartile",
    "quartile_year",
]


def comparable(unit: str, comparator: str) -> bool:
    """Can a figure in this unit be set against this comparator?"""
    return comparator == PUBLISHED or unit not in COUNT_UNITS


def year_label(year, period: pd.Timestamp) -> str:
    """The year a comparator's figure is for, as DfE labels it (2020-21, 2021); else its month."""
    if isinstance(year, str) and year.strip():
        return year.strip()
    return f"{pd.Timestamp(period):%b %Y}"


def in_force(benchmarks: pd.DataFrame | None, month: pd.Timestamp) -> pd.DataFrame:
    """Per indicator and comparator, the latest figure for a year ending on or before the month, its
    `year` as people read it (DfE's label, else the month); oldest first."""
    columns = ["indicator_id", "comparator", "period", "value", "year", "councils", "source"]
    if benchmarks is None or benchmarks.empty:
        return pd.DataFrame(columns=columns)
    chosen = benchmarks.iloc[in_force_positions(benchmarks, month)].reset_index(drop=True)
    table = pd.DataFrame({column: chosen[column] if column in chosen.columns else np.nan for column in columns})
    for column in ("indicator_id", "comparator"):
        table[column] = table[column].astype("object")
    table["year"] = [year_label(y, p) for y, p in zip(table["year"], table["period"], strict=True)]
    return table


def in_force_positions(benchmarks: pd.DataFrame, month: pd.Timestamp, among: np.ndarray | None = None) -> list[int]:
    """The rule of what is in force, as row positions (of `among` only, when given): per indicator and
    comparator, the last in period order (the later import for the same period) of the figures for a
    year ending on or before the month; oldest first."""
    periods = benchmarks["period"].to_numpy(dtype="datetime64[ns]")
    rows = np.arange(len(benchmarks)) if among is None else np.sort(np.asarray(among, dtype=int))
    eligible = rows[periods[rows] <= np.datetime64(pd.Timestamp(month), "ns")]
    eligible = eligible[np.argsort(periods[eligible], kind="stable")]  # by period, then import order
    latest: dict[tuple, int] = {}
    for position, key in zip(
        eligible.tolist(),
        zip(
            benchmarks["indicator_id"].to_numpy(dtype=object)[eligible],
            benchmarks["comparator"].to_numpy(dtype=object)[eligible],
        ),
    ):
        latest[key] = position
    return sorted(latest.values(), key=lambda position: (periods[position], position))


# Which columns of the scorecard each comparator fills, from which field of its figure in force.
SCORECARD_FIELDS = {
    ENGLAND: (("england", "value"), ("england_year", "year")),
    NEIGHBOURS: (("neighbours", "value"), ("neighbours_year", "year"), ("neighbours_councils", "councils")),
    LOWER_QUARTILE: (("lower_quartile", "value"),),
    UPPER_QUARTILE: (("upper_quartile", "value"), ("quartile_year", "year")),
}


def scorecard_comparators(benchmarks: pd.DataFrame | None, units: pd.Series, month: pd.Timestamp) -> pd.DataFrame:
    """England, statistical neighbours and the quartiles in force for the month, one row per indicator
    (COMPARATOR_COLUMNS), left empty where the indicator's unit cannot be compared."""
    found = comparator_figures(benchmarks, units, month)
    index = pd.Index(units.index, name="indicator_id")
    return pd.DataFrame(
        {
            column: pd.Series(
                [found[column].get(indicator_id, np.nan) for indicator_id in index],
                index=index,
                dtype=comparator_dtype(column),
            )
            for column in COMPARATOR_COLUMNS
        },
        index=index,
    )


def comparator_dtype(column: str) -> str:
    """A comparator column's type: a DfE year is text, the rest numbers."""
    return "object" if column.endswith("_year") else "float64"


def comparator_figures(benchmarks: pd.DataFrame | None, units: pd.Series, month: pd.Timestamp) -> dict[str, dict]:
    """scorecard_comparators as plain dicts: for each of COMPARATOR_COLUMNS, indicator_id to its figure (an
    indicator without one is left out)."""
    found: dict[str, dict[str, object]] = {column: {} for column in COMPARATOR_COLUMNS}
    unit_of = dict(zip(units.index, units.tolist()))
    for indicator_id, comparator, value, year, councils in _in_force_records(benchmarks, month):
        if comparator in SCORECARD_FIELDS and comparable(unit_of.get(indicator_id, "count"), comparator):
            figure = {"value": value, "year": year, "councils": councils}
            for column, field in SCORECARD_FIELDS[comparator]:
                found[column][indicator_id] = figure[field]
    return found


def _in_force_records(benchmarks: pd.DataFrame | None, month: pd.Timestamp) -> list[tuple]:
    """in_force's (indicator_id, comparator, value, year, councils) as plain records, oldest first: without
    building its table, which takes pandas a dozen steps of a fraction of a millisecond each."""
    if benchmarks is None or benchmarks.empty:
        return []
    periods = benchmarks["period"].to_numpy(dtype="datetime64[ns]")
    chosen = np.array(in_force_positions(benchmarks, month), dtype=int)
    column = {
        name: benchmarks[name].to_numpy(dtype=object)[chosen]
        if name in benchmarks.columns
        else np.full(len(chosen), np.nan, dtype=object)
        for name in ("value", "year", "councils")
    }
    return [
        (indicator_id, comparator, value, year_label(year, period), councils)
        for indicator_id, comparator, value, year, councils, period in zip(
            benchmarks["indicator_id"].to_numpy(dtype=object)[chosen],
            benchmarks["comparator"].to_numpy(dtype=object)[chosen],
            column["value"],
            column["year"],
            column["councils"],
            periods[chosen],
            strict=True,
        )
    ]


def quarter(value: float, lower: float, upper: float, polarity: str) -> str | None:
    """Which quarter of councils the figure sits in, in words, by polarity; None without all three."""
    if pd.isna(value) or pd.isna(lower) or pd.isna(upper):
        return None
    high, low = value >= upper, value <= lower
    if polarity == "neutral":
        return HIGHEST if high else LOWEST if low else MIDDLE
    if not (high or low):
        return MIDDLE
    better = high if polarity == "higher_is_better" else low
    return TOP if better else BOTTOM


def quarters(rows: pd.DataFrame) -> list[str | None]:
    """Each scorecard row's quarter: whole-service rows whose figure is shown, else None."""
    shown = (rows["team"] == WHOLE_SERVICE).to_numpy() & ~rows["suppressed"].to_numpy(dtype=bool)
    value, lower, upper = (
        rows[column].to_numpy(dtype="float64") for column in ("value", "lower_quartile", "upper_quartile")
    )
    polarity = rows["polarity"].to_numpy(dtype=object)
    # quarter(), row by row, as arrays (tests/test_benchmarking.py holds the two equal)
    with np.errstate(invalid="ignore"):
        high, low = value >= upper, value <= lower
    better = np.where(polarity == "higher_is_better", high, low)
    words = np.where(
        polarity == "neutral",
        np.where(high, HIGHEST, np.where(low, LOWEST, MIDDLE)),
        np.where(~(high | low), MIDDLE, np.where(better, TOP, BOTTOM)),
    )
    known = shown & ~np.isnan(value) & ~np.isnan(lower) & ~np.isnan(upper)
    return np.where(known, words.astype(object), None).tolist()


def comparator_points(
    benchmarks: pd.DataFrame | None,
    indicator_id: str,
    unit: str,
    comparators: list[str],
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.DataFrame:
    """The chosen comparators' annual figures for one indicator that a chart between start and end can
    show: those for years ending inside the period, and the one in force at its start (drawn at its
    own year end if that is in the period, else at the start, labelled with its year)."""
    columns = ["comparator", "period", "value", "year", "councils", "source", "shown_at"]
    if benchmarks is None or benchmarks.empty:
        return pd.DataFrame(columns=columns)
    start, end = np.datetime64(pd.Timestamp(start), "ns"), np.datetime64(pd.Timestamp(end), "ns")
    wanted = [name for name in comparators if comparable(unit, name)]
    names = benchmarks["comparator"].to_numpy(dtype=object)
    periods = benchmarks["period"].to_numpy(dtype="datetime64[ns]")
    own = np.flatnonzero((benchmarks["indicator_id"].to_numpy(dtype=object) == indicator_id) & np.isin(names, wanted))
    # Each comparator and year once: the one in force at the start first, then those inside the period.
    chosen: dict[tuple, int] = {}
    for position in [
        *in_force_positions(benchmarks, start, among=own),
        *(row for row in own.tolist() if start <= periods[row] <= end),
    ]:
        chosen.setdefault((names[position], periods[position]), position)
    rows = np.array(sorted(chosen.values(), key=lambda row: (names[row], periods[row])), dtype=np.intp)  # then by year
    at = periods[rows]

    def column(name: str):
        return benchmarks[name].array.take(rows) if name in benchmarks.columns else np.full(len(rows), np.nan)

    return pd.DataFrame(
        {
            "comparator": pd.Series(names[rows], dtype="object"),
            "period": at,
            "value": column("value"),
            "year": [year_label(year, period) for year, period in zip(column("year"), at, strict=True)],
            "councils": column("councils"),
            "source": column("source"),
            "shown_at": np.where(at >= start, at, start),
        },
        columns=columns,
    )


def available(benchmarks: pd.DataFrame | None, indicator_id: str, unit: str) -> list[str]:
    """The comparators an indicator can be set against, England first, then the region, neighbours,
    quartiles and the council's own published figure."""
    if benchmarks is None or benchmarks.empty:
        return []
    names = benchmarks.loc[benchmarks["indicator_id"] == indicator_id, "comparator"].astype("object").unique()
    order = [ENGLAND, NEIGHBOURS, LOWER_QUARTILE, UPPER_QUARTILE, PUBLISHED]
    ranked = sorted(
        (name for name in names if comparable(unit, name)),
        key=lambda name: (order.index(name) if name in order else 0.5, name),
    )
    return ranked


def provenance(benchmarks: pd.DataFrame | None) -> pd.DataFrame:
    """Where a snapshot's comparators come from: per comparator, how many indicators, which DfE years,
    and the sources (an illustrative figure says so in its source)."""
    columns = ["Compared with", "Indicators", "DfE years", "Source"]
    if benchmarks is None or benchmarks.empty:
        return pd.DataFrame(columns=columns)
    table = benchmarks.assign(
        comparator=benchmarks["comparator"].astype("object"),
        year=[year_label(y, p) for y, p in zip(benchmarks["year"], benchmarks["period"], strict=True)],
        source=benchmarks["source"].astype("object").fillna("not given"),
    )
    rows = []
    for comparator, group in table.groupby("comparator", sort=False):
        years = sorted(group["year"].unique(), key=lambda label: group.loc[group["year"] == label, "period"].min())
        sources = group["source"].value_counts()
        rows.append(
            (
                comparator,
                group["indicator_id"].nunique(),
                ", ".join(years),
                "; ".join(f"{source} ({count})" if len(sources) > 1 else source for source, count in sources.items()),
            )
        )
    return pd.DataFrame(rows, columns=columns)
