"""The demo council, Example County Council: `python -m metrics.commands.demo` writes its snapshots.

Deterministic: every figure comes from the story below and a hash-based wobble,
so the shipped files are exactly what this writes (a test checks it).
"""

from __future__ import annotations

import functools
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from metrics.comparators.dfe import MAPPING_FILE, import_comparators, read_codes, read_mapping
from metrics.demo import catalogue as cat
from metrics.demo import dfe as demo_dfe
from metrics.demo.plan import plan_table
from metrics.demo.story import COMMENTARY, STORIES, wobble
from metrics.snapshot.catalogue import INDICATORS
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, SNAPSHOTS_FOLDER, data_root
from metrics.snapshot.sources import checked_tables
from metrics.snapshot.writing import write_snapshot

FIRST_MONTH = "2019-04"
SNAPSHOT_DATES = ("2021-10-12", "2021-11-12", "2021-12-13", "2022-01-12", "2022-02-10")
# Late recording: the latest months in an older snapshot hold slightly less than the final figure.
LATE_RECORDING = {0: 0.95, 1: 0.99}  # months before the snapshot's last month: share recorded
REVISED_COUNTS = {
    "contacts_received",
    "referrals_received",
    "assessments_completed",
    "early_help_assessments_completed",
    "strategy_discussions",
    "section_47_enquiries",
    "exploitation_assessments",
    "cla_started",
    "cla_ceased",
}


def demo_months(last: str) -> pd.DatetimeIndex:
    return pd.date_range(f"{FIRST_MONTH}-01", f"{last}-01", freq="MS")


def caseloads(months: pd.DatetimeIndex) -> pd.DataFrame:
    """Cases held by each pseudonymous worker at each month end."""
    rows, number = [], 0
    for team, (workers, typical) in cat.WORKFORCE.items():
        for _ in range(workers):
            number += 1
            worker = f"W{number:03d}"
            own = round(wobble("worker", worker) * 6)
            for index, month in enumerate(months):
                # pressure on the assessment teams builds from July 2021 (month 27 from April 2019)
                pressure = max(0, index - 26) * 1.3 if team in cat.ASSESSMENT else 0
                cases = typical + own + round(wobble("cases", worker, month) * 2 + pressure)
                rows.append((month, team, worker, max(0, cases)))
    return pd.DataFrame(rows, columns=["period", "team", "worker_id", "cases"])


def workforce_values(held: pd.DataFrame) -> list[tuple]:
    """Average caseload, workers over 20 cases and supervision, per team, from the caseloads."""
    rows = []
    for (month, team), team_cases in held.groupby(["period", "team"]):
        workers = len(team_cases)
        cases = team_cases["cases"]
        rows.append(("average_caseload", month, team, float(cases.sum()), float(workers)))
        rows.append(("workers_over_20_cases", month, team, float((cases > 20).sum()), float(workers)))
        supervised = round(workers * STORIES["supervision_in_time"].share(month, team))
        rows.append(("supervision_in_time", month, team, float(min(workers, supervised)), float(workers)))
    return rows


def story_values(months: pd.DatetimeIndex) -> list[tuple]:
    """(indicator_id, period, team, numerator, denominator) rows from the stories."""
    rows = []
    for indicator_id, story in STORIES.items():
        if story.teams is None:  # workforce figures come from the caseloads
            continue
        for month in months:
            rows += story.rows(indicator_id, month)
    return rows


def values_table(months: pd.DatetimeIndex, held: pd.DataFrame) -> pd.DataFrame:
    """Every value row, with value = numerator / denominator x scale for ratio indicators."""
    frame = pd.DataFrame(
        story_values(months) + workforce_values(held),
        columns=["indicator_id", "period", "team", "numerator", "denominator"],
    )
    kinds = {row[0]: (row[3], row[5]) for row in INDICATORS}
    unit = frame["indicator_id"].map(lambda i: kinds[i][0])
    is_ratio = frame["indicator_id"].map(lambda i: kinds[i][1] == "ratio")
    scale = unit.map({"percent": 100.0, "rate_per_10k": 10_000.0}).fillna(1.0)
    ratio = np.where(frame["denominator"] > 0, frame["numerator"] / frame["denominator"] * scale, np.nan)
    frame["value"] = np.where(is_ratio, ratio, frame["numerator"])
    frame.loc[~is_ratio, ["numerator", "denominator"]] = np.nan
    return frame


def as_recorded(values: pd.DataFrame, last_month: pd.Timestamp) -> pd.DataFrame:
    """The values as an earlier snapshot held them: the latest months not yet fully recorded."""
    values = values[values["period"] <= last_month].copy()
    for months_back, share in LATE_RECORDING.items():
        month = last_month - pd.DateOffset(months=months_back)
        counts = (values["period"] == month) & values["indicator_id"].isin(REVISED_COUNTS)
        values.loc[counts, "value"] = np.floor(values.loc[counts, "value"] * share)
        ratios = (values["period"] == month) & values["numerator"].notna() & values["team"].notna()
        ratios &= values["indicator_id"].str.endswith("_in_time")
        values.loc[ratios, "numerator"] = np.floor(values.loc[ratios, "numerator"] * share)
        scale = 100.0
        values.loc[ratios, "value"] = values.loc[ratios, "numerator"] / values.loc[ratios, "denominator"] * scale
    return values


def targets_table() -> pd.DataFrame:
    rows = [
        (indicator_id, None, f"{start}-01", target, tolerance)
        for indicator_id, periods in cat.TARGETS.items()
        for start, target, tolerance in periods
    ]
    rows += [
        (indicator_id, team, f"{start}-01", target, tolerance)
        for (indicator_id, team), periods in cat.TEAM_TARGETS.items()
        for start, target, tolerance in periods
    ]
    return pd.DataFrame(rows, columns=["indicator_id", "team", "effective_from", "target", "tolerance"])


@functools.cache
def imported_benchmarks() -> pd.DataFrame:
    """The demo's comparators, imported from its DfE-layout files as a council would import DfE's."""
    files = sorted(demo_dfe.FOLDER.glob("*.csv"))
    imported = import_comparators(
        files, demo_dfe.COUNCIL_CODE, read_codes(str(demo_dfe.NEIGHBOURS_FILE)), read_mapping(MAPPING_FILE)
    )
    return demo_dfe.marked(imported.benchmarks)


def benchmarks_table(as_at: pd.Timestamp) -> pd.DataFrame:
    """Comparators for years that ended before the as-at date."""
    benchmarks = imported_benchmarks()
    return benchmarks[pd.to_datetime(benchmarks["period"]) < as_at].reset_index(drop=True)


def commentary_table(last_month: pd.Timestamp) -> pd.DataFrame:
    rows = [(*row, None)[:5] for row in COMMENTARY if pd.Timestamp(f"{row[0]}-01") <= last_month]
    frame = pd.DataFrame(rows, columns=["period", "indicator_id", "team", "text", "change"])
    frame["period"] = frame["period"] + "-01"
    return frame


def final_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every value and caseload row up to the newest snapshot's last month, fully recorded."""
    final_month = pd.Timestamp(SNAPSHOT_DATES[-1]) - pd.DateOffset(months=1)
    held = caseloads(demo_months(final_month.strftime("%Y-%m")))
    return values_table(demo_months(final_month.strftime("%Y-%m")), held), held


def snapshot_tables(as_at: str) -> dict[str, pd.DataFrame]:
    """All seven tables of the demo snapshot with that as-at date."""
    as_at_day = pd.Timestamp(as_at)
    last_month = (as_at_day - pd.DateOffset(months=1)).to_period("M").to_timestamp()
    final_month = pd.Timestamp(SNAPSHOT_DATES[-1]) - pd.DateOffset(months=1)
    values, held = final_tables()
    if last_month < final_month.to_period("M").to_timestamp():
        values = as_recorded(values, last_month)
    indicators = pd.DataFrame(
        INDICATORS,
        columns=["indicator_id", "name", "area", "unit", "polarity", "aggregation", "definition", "source"],
    )
    return {
        "indicators": indicators,
        "values": values[values["period"] <= last_month],
        "targets": targets_table(),
        "benchmarks": benchmarks_table(as_at_day),
        "caseloads": held[held["period"] <= last_month],
        "commentary": commentary_table(last_month),
        "plan": plan_table(),
    }


def write_demo(data_dir: Path = REPOSITORY_DATA_DIR) -> list[Path]:
    """Write (or rewrite) the demo's DfE-layout files, then its five snapshots under data_dir/snapshots/,
    as ingest writes any snapshot, with comparators imported from those files."""
    root = data_root(data_dir)
    written = demo_dfe.write_files(final_tables()[0])
    imported_benchmarks.cache_clear()
    for as_at in SNAPSHOT_DATES:
        folder = data_dir / SNAPSHOTS_FOLDER / as_at
        if folder.exists():
            shutil.rmtree(folder)
        day = date.fromisoformat(as_at)
        raw = {name: (f"demo {name}", frame) for name, frame in snapshot_tables(as_at).items()}
        write_snapshot(root, day, checked_tables(raw, day))
        written.append(folder)
    return written
