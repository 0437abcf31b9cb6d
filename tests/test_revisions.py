"""Revisions between two snapshots: the figures that changed, never giving away a hidden one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.rating.performance import Performance
from metrics.rating.revisions import revisions

JANUARY, FEBRUARY, MARCH = (pd.Timestamp(month) for month in ("2021-01-01", "2021-02-01", "2021-03-01"))
COLUMNS = ["indicator_id", "team", "period", "value", "suppressed"]
CATALOGUE = pd.DataFrame(
    {"indicator_id": ["referrals", "timeliness"], "name": ["Referrals", "Timeliness"], "unit": ["count", "percent"]}
).set_index("indicator_id")
nan = np.nan

OLDER = [
    ("referrals", "", JANUARY, 100.0, False),
    ("referrals", "Team A", JANUARY, 60.0, False),
    ("referrals", "Team B", JANUARY, 40.0, False),
    ("referrals", "", FEBRUARY, 90.0, False),
    ("referrals", "Team A", FEBRUARY, nan, True),
    ("referrals", "Team B", FEBRUARY, 3.0, True),  # a table that keeps a hidden figure's number
    ("timeliness", "", JANUARY, 75.0, False),
    ("timeliness", "", FEBRUARY, 80.0, False),
]
NEWER = [
    ("timeliness", "", MARCH, 81.0, False),  # only in the newer: not a revision
    ("referrals", "", JANUARY, 100.0 + 1e-12, False),  # within the tolerance: not a revision
    ("referrals", "Team A", JANUARY, 61.0, False),  # revised by 1
    ("referrals", "Team B", JANUARY, nan, True),  # shown, now hidden: listed, the hidden figure not given
    ("referrals", "", FEBRUARY, 92.0, False),  # revised by 2
    ("referrals", "Team A", FEBRUARY, 7.0, False),  # hidden, now shown: listed, no difference given
    ("referrals", "Team B", FEBRUARY, 4.0, True),  # hidden in both: nothing to say, however it changed
    ("timeliness", "", JANUARY, 75.0, False),
]


def performance(rows: list[tuple], held_as: str, order: list[str] | None = None) -> Performance:
    table = pd.DataFrame(rows, columns=COLUMNS)
    if held_as == "category":  # as a prepared snapshot holds names, each snapshot numbering its own
        for column in ("indicator_id", "team"):
            names = sorted(set(table[column]), reverse=order is not None) + (order or [])
            table[column] = pd.Categorical(table[column], categories=list(dict.fromkeys(names)))
    return Performance(
        as_at=pd.Timestamp("2021-04-10"),
        audience="public",
        indicators=CATALOGUE,
        whole_service=table[table["team"] == ""],
        load_table=lambda: table,
    )


@pytest.mark.parametrize(
    ("older_as", "newer_as", "newer_order"),
    [
        ("object", "object", None),
        ("category", "category", None),
        ("category", "category", ["Team C"]),  # numbered in another order, with a team the older does not have
        ("object", "category", ["Team C"]),
    ],
)
def test_revisions_worked_by_hand(older_as, newer_as, newer_order):
    changed = revisions(performance(OLDER, older_as), performance(NEWER, newer_as, newer_order))
    assert list(changed.columns) == [
        "indicator_id",
        "name",
        "team",
        "period",
        "value_old",
        "suppressed_old",
        "value_new",
        "suppressed_new",
        "difference",
        "unit",
    ]
    expected = pd.DataFrame(
        [
            ("referrals", "Referrals", "", FEBRUARY, 90.0, False, 92.0, False, 2.0, "count"),
            ("referrals", "Referrals", "Team A", FEBRUARY, nan, True, 7.0, False, nan, "count"),
            ("referrals", "Referrals", "Team A", JANUARY, 60.0, False, 61.0, False, 1.0, "count"),
            ("referrals", "Referrals", "Team B", JANUARY, 40.0, False, nan, True, nan, "count"),
        ],
        columns=changed.columns,
    )  # the latest month first, then by indicator and team
    expected[["indicator_id", "team"]] = expected[["indicator_id", "team"]].astype(object)
    pd.testing.assert_frame_equal(changed, expected, check_dtype=False)
    assert changed["indicator_id"].dtype == object and changed["team"].dtype == object
    assert changed["period"].dtype == "datetime64[ns]"


def test_no_revisions_between_a_snapshot_and_itself():
    assert revisions(performance(OLDER, "category"), performance(OLDER, "object")).empty
