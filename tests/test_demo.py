"""The shipped demo council: exactly what the generator writes, and it tells the report's story."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest

from metrics.demo import build as demo
from metrics.disclosure.audience import INTERNAL
from metrics.rating.performance import build_performance
from metrics.snapshot.contract import TABLES
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder


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
    recovering = timeliness[pd.Timestamp("2021-09-01") : pd.Timestamp("2022-01-01")]
    assert recovering.is_monotonic_increasing


def test_contacts_rise_through_2021_with_a_december_dip(newest):
    contacts = whole_service(newest, "contacts_received")
    assert contacts[pd.Timestamp("2021-11-01")] > contacts[pd.Timestamp("2021-01-01")]
    for year in (2019, 2020, 2021):
        assert contacts[pd.Timestamp(f"{year}-12-01")] < contacts[pd.Timestamp(f"{year}-11-01")]


def test_assessment_teams_carry_far_higher_caseloads(newest):
    caseload = newest.table[
        (newest.table["indicator_id"] == "average_caseload") & (newest.table["period"] == pd.Timestamp("2022-01-01"))
    ].set_index("team")["value"]
    assert 16 <= caseload[""] <= 19
    assert caseload["Assessment Team 1"] > 24 and caseload["Assessment Team 2"] > 24


def test_older_snapshots_hold_small_revisions_of_the_latest_months():
    older = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2021-12-13").values
    newer = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-01-12").values
    merged = older.merge(newer, on=["indicator_id", "period", "team"], suffixes=("_old", "_new"))
    changed = merged[merged["value_old"].ne(merged["value_new"]) & merged["value_old"].notna()]
    assert set(changed["period"]) == {pd.Timestamp("2021-10-01"), pd.Timestamp("2021-11-01")}


def team_series(performance, indicator_id) -> pd.DataFrame:
    rows = performance.table[performance.table["indicator_id"] == indicator_id]
    return rows.pivot_table(index="period", columns="team", values="value", observed=True)


def test_the_spring_2020_lockdown_dip_and_the_september_rush(newest):
    for indicator_id in ("contacts_received", "referrals_received"):
        figures = whole_service(newest, indicator_id)
        before = figures[pd.Timestamp("2020-01-01") : pd.Timestamp("2020-02-01")].mean()
        assert figures[pd.Timestamp("2020-04-01")] < 0.8 * before, indicator_id
        assert figures[pd.Timestamp("2020-05-01")] < 0.85 * before, indicator_id
        assert figures[pd.Timestamp("2020-09-01")] > figures[pd.Timestamp("2020-08-01")] * 1.1, indicator_id


def test_referrals_flow_into_assessments_enquiries_and_conferences(newest):
    referrals = whole_service(newest, "referrals_received")
    assessed = whole_service(newest, "assessments_completed")
    enquiries = whole_service(newest, "section_47_enquiries")
    discussions = whole_service(newest, "strategy_discussions")
    conferences = newest.series("icpc_in_15_days", "").set_index("period")["denominator"]
    months = referrals.index[1:]
    # most referrals are assessed, the month after: between 70% and 100% every month
    share = assessed[months].to_numpy() / referrals.shift(1)[months].to_numpy()
    assert share.min() > 0.7 and share.max() < 1.0
    assert ((enquiries / referrals).between(0.24, 0.36)).all()  # about three in ten lead to an enquiry
    assert (discussions >= enquiries).all()  # every enquiry follows a strategy discussion
    conference_share = conferences[months].to_numpy() / enquiries.shift(1)[months].to_numpy()
    assert 0.25 < conference_share.mean() < 0.45  # about a third of enquiries reach a conference


def test_teams_differ_in_shape_not_only_in_level(newest):
    plans = team_series(newest, "cp_plans_open")
    east, west = plans["Safeguarding and Family Support East"], plans["Safeguarding and Family Support West"]
    ratio = east / west
    assert ratio[pd.Timestamp("2022-01-01")] > 1.15 * ratio[pd.Timestamp("2019-04-01")]  # East's share grows
    assert ratio.diff().abs().max() > 0.02  # and moves month to month, not in lockstep


def test_assessment_caseloads_rise_from_summer_2021(newest):
    caseload = team_series(newest, "average_caseload")
    for team in ("Assessment Team 1", "Assessment Team 2"):
        assert caseload.loc[: pd.Timestamp("2021-06-01"), team].max() < 21, team  # below the threshold of 22
        assert (caseload.loc[pd.Timestamp("2021-12-01") :, team] > 24).all(), team
        assert caseload.loc[pd.Timestamp("2021-07-01") :, team].is_monotonic_increasing, team
