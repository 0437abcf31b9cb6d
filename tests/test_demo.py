"""The shipped demo council: exactly what the generator writes, and it tells the report's story."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest

from metrics import demo
from metrics.audience import INTERNAL
from metrics.contract import TABLES
from metrics.performance import build_performance
from metrics.snapshots import REPOSITORY_DATA_DIR, read_snapshot_folder


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    demo.write_demo(folder)
    return folder


@pytest.mark.parametrize("as_at", demo.SNAPSHOT_DATES)
def test_committed_snapshots_equal_what_the_generator_writes(generated, as_at):
    committed = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / as_at)
    fresh = read_snapshot_folder(generated / "snapshots" / as_at)
    assert committed.valid and fresh.valid
    for name in TABLES:
        pdt.assert_frame_equal(committed.tables[name], fresh.tables[name], check_exact=True)


@pytest.fixture(scope="module")
def newest():
    return build_performance(read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10"), INTERNAL)


def whole_service(performance, indicator_id) -> pd.Series:
    return performance.series(indicator_id, "").set_index("period")["value"]


def test_each_snapshot_holds_april_2019_to_the_month_before_it():
    for as_at in demo.SNAPSHOT_DATES:
        values = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / as_at).values
        last = (pd.Timestamp(as_at) - pd.DateOffset(months=1)).to_period("M").to_timestamp()
        assert values["period"].min() == pd.Timestamp("2019-04-01")
        assert values["period"].max() == last


def test_ten_teams_and_every_indicator_defined():
    snapshot = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10")
    assert snapshot.values["team"].dropna().nunique() == 10
    assert snapshot.indicators["definition"].str.len().min() > 20
    assert len(snapshot.indicators) == 38


def test_the_story_figures(newest):
    in_care = whole_service(newest, "children_in_care")
    timeliness = whole_service(newest, "assessments_in_45_days")
    assert in_care[pd.Timestamp("2021-11-01")] == 345
    assert in_care[pd.Timestamp("2021-10-01")] > 345  # slightly down on October
    assert in_care[pd.Timestamp("2021-03-01")] < in_care[pd.Timestamp("2021-09-01")]
    assert timeliness[pd.Timestamp("2021-11-01")] == pytest.approx(58.0)
    assert timeliness[pd.Timestamp("2021-12-01")] == pytest.approx(67.0)
    recovering = timeliness[pd.Timestamp("2021-09-01"):pd.Timestamp("2022-01-01")]
    assert recovering.is_monotonic_increasing


def test_contacts_rise_through_2021_with_a_december_dip(newest):
    contacts = whole_service(newest, "contacts_received")
    assert contacts[pd.Timestamp("2021-11-01")] > contacts[pd.Timestamp("2021-01-01")]
    for year in (2019, 2020, 2021):
        assert contacts[pd.Timestamp(f"{year}-12-01")] < contacts[pd.Timestamp(f"{year}-11-01")]


def test_assessment_teams_carry_far_higher_caseloads(newest):
    caseload = newest.table[(newest.table["indicator_id"] == "average_caseload")
                            & (newest.table["period"] == pd.Timestamp("2022-01-01"))].set_index("team")["value"]
    assert 16 <= caseload[""] <= 19
    assert caseload["Assessment Team 1"] > 24 and caseload["Assessment Team 2"] > 24


def test_older_snapshots_hold_small_revisions_of_the_latest_months():
    older = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2021-12-13").values
    newer = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-01-12").values
    merged = older.merge(newer, on=["indicator_id", "period", "team"], suffixes=("_old", "_new"))
    changed = merged[merged["value_old"].ne(merged["value_new"]) & merged["value_old"].notna()]
    assert set(changed["period"]) == {pd.Timestamp("2021-10-01"), pd.Timestamp("2021-11-01")}
