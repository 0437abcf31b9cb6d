"""Shared fixtures: a tiny valid snapshot to break in different ways."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from tests.helpers import NAN, TINY_INDICATORS, values_frame, write_snapshot


def tiny_values() -> pd.DataFrame:
    return values_frame(
        [
            ("referrals", "2021-01", "Team A", NAN, NAN, 12.0),
            ("referrals", "2021-01", "Team B", NAN, NAN, 8.0),
            ("timeliness", "2021-01", "Team A", 9.0, 10.0, 90.0),
            ("timeliness", "2021-01", "Team B", 30.0, 50.0, 60.0),
            ("cla_rate", "2021-01", None, 60.0, 10_000.0, 60.0),
            ("caseload", "2021-01", None, NAN, NAN, 17.5),
        ]
    )


def tiny_tables() -> dict[str, pd.DataFrame]:
    return {
        "indicators": TINY_INDICATORS.copy(),
        "values": tiny_values(),
        "targets": pd.DataFrame(
            {
                "indicator_id": ["timeliness"],
                "team": [None],
                "effective_from": pd.to_datetime(["2021-01-01"]),
                "target": [80.0],
                "tolerance": [5.0],
            }
        ),
        "benchmarks": pd.DataFrame(
            {
                "indicator_id": ["cla_rate"],
                "comparator": ["England"],
                "period": pd.to_datetime(["2020-03-31"]),
                "value": [67.0],
            }
        ),
        "caseloads": pd.DataFrame(
            {
                "period": pd.to_datetime(["2021-01-01", "2021-01-01"]),
                "team": ["Team A", "Team B"],
                "worker_id": ["W1", "W2"],
                "cases": [12, 23],
            }
        ),
        "commentary": pd.DataFrame(
            {
                "period": pd.to_datetime(["2021-01-01"]),
                "indicator_id": ["timeliness"],
                "team": [None],
                "text": ["Better than last month."],
            }
        ),
    }


@pytest.fixture(scope="session", autouse=True)
def prepared_cache(tmp_path_factory):
    """Prepared snapshots go to a folder of this test run, never the user's cache (servers inherit it)."""
    folder = tmp_path_factory.mktemp("prepared")
    previous = os.environ.get("PERFORMANCE_CACHE_DIR")
    os.environ["PERFORMANCE_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("PERFORMANCE_CACHE_DIR", None)
    else:
        os.environ["PERFORMANCE_CACHE_DIR"] = previous


@pytest.fixture
def tiny_root(tmp_path):
    """A data root holding one valid tiny snapshot, as at 2021-02-10."""
    write_snapshot(tmp_path, "2021-02-10", tiny_tables())
    return tmp_path
