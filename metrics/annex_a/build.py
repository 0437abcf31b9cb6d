"""An Annex A workbook as contract tables, with a report of what was read, left out and rejected."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.fs as pafs

from metrics.annex_a.lists import COLUMNS, AnnexList, read_workbook
from metrics.annex_a.measures import MEASURES, OPTIONAL_FIELDS, VALUE_COLUMNS, Window
from metrics.core.problems import InputError, Problem
from metrics.snapshot.catalogue import INDICATORS
from metrics.snapshot.reading import DataRoot, normalise, validate_tables
from metrics.snapshot.sources import convert, source_tables, table_file

REPORT_FILE = "annex_a_report.json"
EVENT_FIELDS = {1: "contact_date", 2: "eh_end", 3: "referral_date", 4: "assessment_end", 5: "strategy_date"}
LONGEST_COVERAGE_MONTHS = 24
CATALOGUE_COLUMNS = ["indicator_id", "name", "area", "unit", "polarity", "aggregation", "definition", "source"]


@dataclass
class ImportReport:
    """What an Annex A import found: shown on the Data and snapshots page."""

    source: str
    as_at: str
    first_month: str
    last_month: str
    rows_read: dict[str, int] = field(default_factory=dict)
    rows_rejected: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2).encode("utf-8")


def coverage(lists: dict[int, AnnexList], as_at: date) -> Window:
    """From the first month with an event in lists 1 to 5 (at most two years back) to the month before as-at."""
    last = pd.Timestamp(as_at).to_period("M").to_timestamp() - pd.DateOffset(months=1)
    earliest = last - pd.DateOffset(months=LONGEST_COVERAGE_MONTHS - 1)
    firsts = [
        lists[number].rows[name].min()
        for number, name in EVENT_FIELDS.items()
        if number in lists and name in lists[number].rows and lists[number].rows[name].notna().any()
    ]
    first = max(min(firsts).to_period("M").to_timestamp(), earliest) if firsts else last - pd.DateOffset(months=11)
    return Window(pd.date_range(min(first, last), last, freq="MS"))


def usable_rows(annex_list: AnnexList) -> tuple[AnnexList, list[Problem]]:
    """The list without rows that could not be read (each reported), and the reports."""
    rejected = list(annex_list.rejected)
    bad_rows = {row for problem in rejected for row in problem.rows}
    rows = annex_list.rows
    if "child_id" in rows:
        no_id = rows["child_id"].isna() & ~rows["row"].isin(bad_rows)
        rejected += [
            Problem(
                f"List {annex_list.number}",
                COLUMNS["child_id"][0],
                f"row {row}: no Child Unique ID, so the row is left out of List {annex_list.number}'s measures",
                (row,),
                1,
            )
            for row in rows.loc[no_id, "row"]
        ]
        bad_rows |= set(rows.loc[no_id, "row"])
    kept = AnnexList(
        annex_list.number, annex_list.sheet, rows[~rows["row"].isin(bad_rows)].copy(), annex_list.missing, []
    )
    return kept, rejected


def _rates(values: pd.DataFrame, child_population: int) -> list[pd.DataFrame]:
    """cp_rate_per_10k and cla_rate_per_10k: whole-service children per 10,000 children aged 0 to 17."""
    frames = []
    for source, rate in (("cp_plans_open", "cp_rate_per_10k"), ("children_in_care", "cla_rate_per_10k")):
        counts = values[(values["indicator_id"] == source) & values["team"].isna()]
        if counts.empty:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "indicator_id": rate,
                    "period": counts["period"].to_numpy(),
                    "team": None,
                    "numerator": counts["value"].to_numpy(),
                    "denominator": float(child_population),
                    "value": counts["value"].to_numpy() / child_population * 10_000,
                }
            )
        )
    return frames


def annex_a_tables(
    path: Path, as_at: date, child_population: int | None = None, targets: pd.DataFrame | None = None
) -> tuple[dict[str, pd.DataFrame], ImportReport]:
    """Contract tables built from an Annex A workbook, and the import report."""
    lists = read_workbook(path)
    window = coverage(lists, as_at)
    report = ImportReport(
        path.name, as_at.isoformat(), window.months[0].strftime("%Y-%m"), window.latest.strftime("%Y-%m")
    )
    frames: list[pd.DataFrame] = []
    for number, (measure, required, gives) in MEASURES.items():
        if number not in lists:
            report.left_out.append(f"{', '.join(gives)}: the workbook has no “List {number}” sheet")
            continue
        annex_list, rejected = usable_rows(lists[number])
        report.rows_read[f"List {number}"] = len(lists[number].rows)
        report.rows_rejected += [str(problem) for problem in rejected]
        missing = [name for name in required if not annex_list.has(name)]
        if missing:
            columns = ", ".join(f"“{COLUMNS[name][0]}”" for name in missing)
            report.left_out.append(f"{', '.join(gives)}: List {number} has no {columns} column")
            continue
        frames += measure(annex_list, window)
        for indicator_id, (list_number, name) in OPTIONAL_FIELDS.items():
            if list_number == number and not annex_list.has(name):
                report.left_out.append(f"{indicator_id}: List {number} has no “{COLUMNS[name][0]}” column")
    for number in sorted(set(lists) - set(MEASURES)):
        report.rows_read[f"List {number}"] = len(lists[number].rows)
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=VALUE_COLUMNS)
    if child_population:
        values = pd.concat([values, *_rates(values, child_population)], ignore_index=True)
    else:
        report.left_out.append("cp_rate_per_10k, cla_rate_per_10k: give --child-population to work out rates")
    if values.empty:
        raise InputError([Problem(path.name, "-", "no indicator could be worked out: " + "; ".join(report.left_out))])
    values = values.astype({"numerator": "float64", "denominator": "float64", "value": "float64"})
    values["team"] = values["team"].astype("object").where(values["team"].notna(), None)
    produced = list(dict.fromkeys(values["indicator_id"]))
    catalogue = pd.DataFrame(INDICATORS, columns=CATALOGUE_COLUMNS)
    catalogue = catalogue[catalogue["indicator_id"].isin(produced)].reset_index(drop=True)
    report.indicators = list(catalogue["indicator_id"])
    tables = {"indicators": catalogue, "values": values[VALUE_COLUMNS]}
    if targets is not None:
        tables["targets"] = targets[targets["indicator_id"].isin(produced)].reset_index(drop=True)
    tables = {name: normalise(name, frame) for name, frame in tables.items()}
    problems = validate_tables(tables)
    if problems:
        raise InputError(problems)
    return tables, report


def read_targets(path: Path, as_at: date) -> pd.DataFrame:
    """A targets table given beside an Annex A workbook (a .csv file, or a workbook with a targets sheet),
    in the contract's types; InputError naming the file, column and rows of each problem."""
    raw = source_tables(path)[0] if path.suffix.lower() == ".xlsx" else {"targets": (path.name, table_file(path))}
    if "targets" not in raw:
        raise InputError([Problem(path.name, "-", "has no targets table (a sheet named targets)")])
    targets, problems = convert("targets", *raw["targets"], as_at)
    if problems:
        raise InputError(problems)
    return targets


def annex_a_source(
    path: Path, as_at: date, child_population: int | None = None, targets: Path | None = None
) -> tuple[dict[str, pd.DataFrame], list[str], dict[str, bytes]]:
    """Tables from an Annex A workbook (with a targets file, if given), what was read, left out and
    rejected (as notes), and the report file kept in the snapshot folder."""
    tables, report = annex_a_tables(
        path, as_at, child_population, None if targets is None else read_targets(targets, as_at)
    )
    notes = [f"read {rows} rows from {name}" for name, rows in report.rows_read.items()]
    notes += [f"left out {reason}" for reason in report.left_out]
    notes += [f"rejected {problem}" for problem in report.rows_rejected]
    return tables, notes, {REPORT_FILE: report.to_json()}


def read_report(root: DataRoot, snapshot_path: str) -> ImportReport | None:
    """The Annex A import report kept in a snapshot folder, if that snapshot came from Annex A."""
    path = f"{snapshot_path}/{REPORT_FILE}"
    if root.filesystem.get_file_info(path).type != pafs.FileType.File:
        return None
    with root.filesystem.open_input_stream(path) as stream:
        try:
            return ImportReport(**json.loads(stream.read().decode("utf-8")))
        except (ValueError, TypeError):
            return None
