"""Comparators from DfE's published tables: England, the council's region, its statistical neighbours,
England's quartiles across councils and the council's own published figure, as the contract's
benchmarks table.

DfE's files (explore-education-statistics) share a layout: geography columns (`time_period`,
`time_identifier`, `geographic_level` of National, Regional or Local authority, `region_name`,
`old_la_code`, `new_la_code`, `la_name`, ...), then filter columns, then one column per measure.
A mapping CSV (MAPPING_FILE, one row per indicator) says which file, column and filter values
hold each indicator. `python -m metrics.comparators` drives it (metrics/commands/comparators.py).

Rules, each tested in tests/test_comparators.py:
- a cell holding a DfE symbol (c, k, low, u, x, z or :) is not available, never zero; any other
  text that is not a number is an error;
- `Statistical neighbours` is the mean of the neighbours with a figure, and `councils` says how
  many had one;
- the quartiles are taken across every local authority with a figure, by linear interpolation
  between ranks (Excel's QUARTILE.INC, pandas' default);
- where two files give the same place and year, the file named later wins (a newer release revises
  an older one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from metrics.comparators.benchmarking import ENGLAND, LOWER_QUARTILE, NEIGHBOURS, PUBLISHED, UPPER_QUARTILE
from metrics.core.problems import InputError, Problem, problem_at

MAPPING_FILE = Path(__file__).with_name("dfe_mapping.csv")
MAPPING_COLUMNS = ("indicator_id", "file_hint", "column", "filters", "scale")

NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"
GEOGRAPHY_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)
PLACE_COLUMNS = frozenset({*GEOGRAPHY_COLUMNS, "country_code", "country_name", "region_code"})
SUPPRESSED = frozenset({"c", "k", "low", "u", "x", "z", ":"})  # DfE's symbols: not available, never zero

BENCHMARK_COLUMNS = ["indicator_id", "comparator", "period", "value", "year", "councils", "source"]

LA_CODE = re.compile(r"^(E\d{8}|\d{3})$")  # a new (ONS) code such as E10000900, or an old 3-digit one
MONTHS = {
    month: number
    for number, month in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


@dataclass(frozen=True)
class MappingRow:
    """Where one indicator sits in DfE's files."""

    line: int  # the mapping file's row, counted from 1 after the header
    indicator_id: str
    file_hint: str
    column: str
    filters: tuple[tuple[str, str], ...]
    scale: float
    year_ends: int  # the month a "Reporting year" ends (March unless the mapping says otherwise)


@dataclass(frozen=True)
class Council:
    """The council the comparators are for, and its statistical neighbours, as found in the files."""

    code: str
    name: str
    region: str
    neighbours: tuple[str, ...]


def read_mapping(path: Path) -> list[MappingRow]:
    """The mapping CSV, every problem named by file, column and row."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError([Problem(path.name, "-", f"cannot be read ({str(error).splitlines()[0]})")]) from error
    missing = [column for column in MAPPING_COLUMNS if column not in frame.columns]
    if missing:
        raise InputError([Problem(path.name, column, "column is missing") for column in missing])
    problems: list[Problem] = []
    rows = []
    for line, record in enumerate(frame.to_dict("records"), start=1):
        filters, scale, year_ends = (
            _parse_filters(record["filters"]),
            _number(record["scale"] or "1"),
            MONTHS.get((record.get("year_ends") or "March").strip().lower()),
        )
        for column, bad, message in (
            ("indicator_id", not re.fullmatch(r"[a-z0-9_]+", record["indicator_id"].strip()), "is not an indicator id"),
            ("column", not record["column"].strip(), "must not be empty"),
            ("filters", filters is None, "should be written name=value;name=value"),
            ("scale", scale is None, "is not a number"),
            ("year_ends", year_ends is None, "is not the name of a month"),
        ):
            if bad:
                problems.append(problem_at(path.name, column, message, [line]))
        if not any(problem.rows == (line,) for problem in problems):
            rows.append(
                MappingRow(
                    line,
                    record["indicator_id"].strip(),
                    record["file_hint"].strip(),
                    record["column"].strip(),
                    filters,
                    scale,
                    year_ends,
                )
            )
    if problems:
        raise InputError(problems)
    return rows


def _parse_filters(text: str) -> tuple[tuple[str, str], ...] | None:
    pairs = []
    for part in filter(None, (part.strip() for part in text.split(";"))):
        name, equals, value = part.partition("=")
        if not equals or not name.strip():
            return None
        pairs.append((name.strip(), value.strip()))
    return tuple(pairs)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def read_codes(text: str) -> list[str]:
    """Statistical neighbours given on the command line, or the path of a file that lists them.

    A file holds codes separated by commas, spaces or new lines; lines starting with # are notes.
    """
    path = Path(text)
    if not path.is_file():
        tokens = [(text, 0, token) for token in re.split(r"[,\s]+", text.strip()) if token]
    else:
        tokens = [
            (path.name, number, token)
            for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1)
            if not line.lstrip().startswith("#")
            for token in re.split(r"[,\s]+", line.strip())
            if token
        ]
    bad = [(where, number, token) for where, number, token in tokens if not LA_CODE.match(token)]
    if bad:
        raise InputError(
            [
                Problem(
                    where if number else "--neighbours",
                    "-",
                    f"{token!r} is not a local authority code (E10000900 or 900)"
                    + (f" (line {number})" if number else ""),
                )
                for where, number, token in bad
            ]
        )
    return [token for _, _, token in tokens]


def read_dfe_file(path: Path) -> pd.DataFrame:
    """One DfE file, every cell as text, its geography columns checked."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError([Problem(path.name, "-", f"cannot be read ({str(error).splitlines()[0]})")]) from error
    frame.columns = [str(column).strip() for column in frame.columns]
    missing = [column for column in GEOGRAPHY_COLUMNS if column not in frame.columns]
    if missing:
        raise InputError(
            [Problem(path.name, column, "column is missing (is this a DfE data file?)") for column in missing]
        )
    return frame


def find_council(files: dict[str, pd.DataFrame], la: str, neighbours: Iterable[str]) -> Council:
    """The council and its neighbours by code; unknown codes are refused, naming them."""
    places = pd.concat(
        [
            frame.loc[frame["geographic_level"] == LOCAL, ["new_la_code", "old_la_code", "la_name", "region_name"]]
            for frame in files.values()
        ]
    ).drop_duplicates()
    by_code = {}
    for record in places.to_dict("records"):
        for code in (record["new_la_code"], record["old_la_code"]):
            if code:
                by_code.setdefault(code.strip(), record)
    unknown = [code for code in (la, *neighbours) if code not in by_code]
    if unknown:
        where = ", ".join(files) if len(files) <= 3 else f"the {len(files)} files given"
        raise InputError(
            f"unknown local authority code{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)}: no Local authority row of {where} has "
            f"{'them' if len(unknown) > 1 else 'it'} as new_la_code or old_la_code"
        )
    council = by_code[la]
    own = [code for code in neighbours if by_code[code]["new_la_code"] == council["new_la_code"]]
    if own:
        raise InputError(f"--neighbours names the council itself ({', '.join(own)})")
    return Council(
        council["new_la_code"],
        council["la_name"],
        council["region_name"],
        tuple(dict.fromkeys(by_code[code]["new_la_code"] for code in neighbours)),
    )


def year_end(time_period: str, time_identifier: str, year_ends: int) -> tuple[pd.Timestamp, str] | None:
    """The month a DfE year ends and its label: 202122 Financial year is March 2022, "2021-22"."""
    text, kind = time_period.strip(), time_identifier.strip().lower()
    if re.fullmatch(r"\d{6}", text) and int(text[4:]) == (int(text[2:4]) + 1) % 100:
        last_year = int(text[:4]) + 1
        month = 8 if kind.startswith("academic") else 3 if kind.startswith("financial") else year_ends
        separator = "/" if kind.startswith("academic") else "-"
        return pd.Timestamp(last_year, month, 1), f"{text[:4]}{separator}{text[4:]}"
    if re.fullmatch(r"\d{4}", text):
        month = 12 if kind.startswith("calendar") else year_ends
        return pd.Timestamp(int(text), month, 1), text
    return None


def figures(path_name: str, frame: pd.DataFrame, row: MappingRow) -> pd.DataFrame:
    """The mapping row's figure for every place and year in one file: columns level, code, region,
    period, year and value (NaN where DfE shows a symbol)."""
    needed = [row.column, *(name for name, _ in row.filters)]
    missing = [column for column in needed if column not in frame.columns]
    if missing:
        raise InputError(
            [
                Problem(path_name, column, f"column is missing (named by mapping row {row.line}, {row.indicator_id})")
                for column in missing
            ]
        )
    chosen = frame
    for name, value in row.filters:
        matches = chosen[name].str.strip() == value
        if not matches.any():
            present = ", ".join(sorted(frame[name].str.strip().unique())[:12])
            raise InputError(
                [
                    Problem(
                        path_name,
                        name,
                        f"no row has {value!r} (mapping row {row.line}, {row.indicator_id}); the file holds: {present}",
                    )
                ]
            )
        chosen = chosen[matches]
    chosen = chosen[chosen["geographic_level"].isin([NATIONAL, REGIONAL, LOCAL])]
    text = chosen[row.column].str.strip().str.replace(",", "", regex=False)
    value = pd.to_numeric(text, errors="coerce")
    bad = value.isna() & ~text.str.lower().isin(SUPPRESSED) & (text != "")
    if bad.any():
        raise InputError(
            [
                problem_at(
                    path_name,
                    row.column,
                    f"is neither a number nor one of DfE's symbols ({', '.join(sorted(SUPPRESSED))})",
                    _file_rows(chosen.index[bad]),
                )
            ]
        )
    periods = [
        year_end(period, kind, row.year_ends)
        for period, kind in zip(chosen["time_period"], chosen["time_identifier"], strict=True)
    ]
    undated = [index for index, period in zip(chosen.index, periods, strict=True) if period is None]
    if undated:
        raise InputError(
            [problem_at(path_name, "time_period", "is not a year DfE writes (2022 or 202122)", _file_rows(undated))]
        )
    result = pd.DataFrame(
        {
            "level": chosen["geographic_level"].to_numpy(),
            "code": chosen["new_la_code"].str.strip().to_numpy(),
            "region": chosen["region_name"].str.strip().to_numpy(),
            "period": [period for period, _ in periods],
            "year": [label for _, label in periods],
            "value": value.to_numpy() * row.scale,
        },
        index=chosen.index,
    )
    places = ["level", "code", "region", "period"]
    repeated = result.duplicated(places, keep=False)
    if repeated.any():
        varying = [
            column
            for column in frame.columns
            if column not in PLACE_COLUMNS and column != row.column and chosen.loc[repeated, column].nunique() > 1
        ]
        raise InputError(
            [
                problem_at(
                    path_name,
                    row.column,
                    f"mapping row {row.line} ({row.indicator_id}) leaves more "
                    "than one row for a place and year; add a filter on "
                    f"{' or '.join(varying[:4]) or 'a filter column'}",
                    _file_rows(result.index[repeated]),
                )
            ]
        )
    return result.assign(source=f"DfE {path_name}, column {row.column}").reset_index(drop=True)


def _file_rows(index: Iterable[int]) -> list[int]:
    return [int(position) + 1 for position in index]  # the first data row is row 1, as in validation


def comparators(found: pd.DataFrame, council: Council, indicator_id: str) -> pd.DataFrame:
    """The benchmarks rows for one indicator from its figures (every place and year)."""
    rows = []
    for (period, year), group in found.groupby(["period", "year"], sort=True):
        source = group["source"].iloc[0]
        local = group[group["level"] == LOCAL]

        def add(comparator: str, value: float, councils: float = np.nan, period=period, year=year, source=source):
            if pd.notna(value):
                rows.append((indicator_id, comparator, period, float(value), year, councils, source))

        add(ENGLAND, group.loc[group["level"] == NATIONAL, "value"].mean())
        regional = group[(group["level"] == REGIONAL) & (group["region"] == council.region)]
        add(council.region, regional["value"].mean())
        neighbours = local.loc[local["code"].isin(council.neighbours), "value"].dropna()
        if len(neighbours):
            add(NEIGHBOURS, neighbours.mean(), len(neighbours))
        every_council = local["value"].dropna()
        if len(every_council):
            add(LOWER_QUARTILE, every_council.quantile(0.25), len(every_council))
            add(UPPER_QUARTILE, every_council.quantile(0.75), len(every_council))
        add(PUBLISHED, local.loc[local["code"] == council.code, "value"].mean())
    return pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)


@dataclass(frozen=True)
class Imported:
    """The benchmarks table and what was not found."""

    benchmarks: pd.DataFrame
    council: Council
    not_given: tuple[str, ...]  # indicators whose file was not among those given


def import_comparators(paths: list[Path], la: str, neighbours: list[str], mapping: list[MappingRow]) -> Imported:
    """Read DfE's files and build every mapped indicator's comparators for the council."""
    files = {path.name: read_dfe_file(path) for path in paths}
    council = find_council(files, la, neighbours)
    tables, not_given = [], []
    for row in mapping:
        named = [name for name in files if row.file_hint.lower() in name.lower()]
        if not named:
            not_given.append(row.indicator_id)
            continue
        found = pd.concat([figures(name, files[name], row) for name in named], ignore_index=True)
        # A later file revises an earlier one: keep the last figure for each place and year.
        found = found.drop_duplicates(["level", "code", "region", "period"], keep="last")
        tables.append(comparators(found, council, row.indicator_id))
    benchmarks = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=BENCHMARK_COLUMNS)
    return Imported(benchmarks, council, tuple(not_given))


def benchmarks_csv(benchmarks: pd.DataFrame) -> str:
    """The table as the CSV that `python -m metrics.ingest` reads (periods as a month's last day)."""
    written = benchmarks.assign(
        period=(pd.to_datetime(benchmarks["period"]) + pd.offsets.MonthEnd(0)).dt.strftime("%Y-%m-%d"),
        value=benchmarks["value"].round(6),
        councils=benchmarks["councils"].astype("Int64"),
    )
    return written[BENCHMARK_COLUMNS].to_csv(index=False, lineterminator="\n")
