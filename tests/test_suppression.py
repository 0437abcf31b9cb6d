"""Small-number suppression: primary, secondary, percentages, zero, and no way back by subtraction."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.disclosure.audience import audience_from
from metrics.disclosure.suppression import is_small, suppress_figures
from metrics.snapshot.contract import WHOLE_SERVICE
from tests.helpers import NAN, TINY_INDICATORS


def counts(teams: dict[str, float], total: float | None = None) -> pd.DataFrame:
    """One month of a count indicator: the teams and the whole service (their sum unless given)."""
    rows = [("referrals", team, NAN, NAN, value) for team, value in teams.items()]
    rows.append(("referrals", WHOLE_SERVICE, NAN, NAN, sum(teams.values()) if total is None else total))
    frame = pd.DataFrame(rows, columns=["indicator_id", "team", "numerator", "denominator", "value"])
    frame["period"] = pd.Timestamp("2021-01-01")
    return frame


def hidden(frame: pd.DataFrame) -> set[str]:
    result = suppress_figures(frame, TINY_INDICATORS)
    assert result.loc[result["suppressed"], "value"].isna().all()  # hidden figures leave no number behind
    return set(result.loc[result["suppressed"], "team"])


def test_small_means_1_to_5():
    assert is_small([0, 1, 5, 6, NAN]).tolist() == [False, True, True, False, False]


def test_audience_defaults_to_public():
    assert audience_from(None) == "public" and audience_from("INTERNAL ") == "internal"
    assert audience_from("everyone") == "public"


def test_nothing_small_nothing_hidden():
    assert hidden(counts({"A": 12, "B": 30})) == set()


def test_zero_stays_zero():
    result = suppress_figures(counts({"A": 0, "B": 30}), TINY_INDICATORS)
    assert not result["suppressed"].any() and result["value"].tolist() == [0, 30, 30]


def test_primary_and_secondary_on_teams_and_a_total():
    # A=3 is small; with the total of 25 shown, 25 - 10 - 12 would give it away, so the next smallest (B) goes too
    assert hidden(counts({"A": 3, "B": 10, "C": 12})) == {"A", "B"}


def test_secondary_skips_zero_teams():
    # hiding A (0) would not protect B: everyone knows a hidden figure is not zero
    assert hidden(counts({"A": 0, "B": 3, "C": 20})) == {"B", "C"}


def test_two_hidden_ones_that_add_up_to_two_are_protected():
    # A=1 and B=1 hidden: 32 - 30 = 2 split over two figures of at least 1 means both are 1
    assert hidden(counts({"A": 1, "B": 1, "C": 30})) == {"A", "B", "C"}


def test_a_small_total_is_hidden_itself():
    assert hidden(counts({"A": 2, "B": 2})) == {"A", "B", WHOLE_SERVICE}


def test_with_no_team_left_to_hide_the_total_is_hidden():
    # 3 and 3 hidden under a total of 6: each is 1 to 5, fewer than 5 apart, and no team is left to hide
    assert hidden(counts({"A": 3, "B": 3, "C": 0})) == {"A", "B", WHOLE_SERVICE}


def test_a_supplied_total_that_is_not_the_sum_of_its_teams_gives_nothing_away():
    # the whole service counts each child once, the teams do not: 40 - 0 says nothing about A
    assert hidden(counts({"A": 4, "B": 0}, total=40)) == {"A"}


def percents(teams: dict[str, tuple[float, float]]) -> pd.DataFrame:
    rows = [("timeliness", team, n, d, n / d * 100 if d else NAN) for team, (n, d) in teams.items()]
    numerator = sum(n for n, _ in teams.values())
    denominator = sum(d for _, d in teams.values())
    rows.append(("timeliness", WHOLE_SERVICE, numerator, denominator, numerator / denominator * 100))
    frame = pd.DataFrame(rows, columns=["indicator_id", "team", "numerator", "denominator", "value"])
    frame["period"] = pd.Timestamp("2021-01-01")
    return frame


def test_percentage_with_a_small_denominator_and_its_secondary():
    result = suppress_figures(percents({"A": (2, 4), "B": (40, 50), "C": (45, 60)}), TINY_INDICATORS)
    assert set(result.loc[result["suppressed"], "team"]) == {"A", "B"}
    assert result.loc[result["suppressed"], ["numerator", "denominator"]].isna().all().all()


def test_percentage_with_a_small_numerator():
    result = suppress_figures(percents({"A": (3, 10), "B": (40, 50), "C": (45, 60)}), TINY_INDICATORS)
    assert "A" in set(result.loc[result["suppressed"], "team"])


def test_rates_and_numbers_are_judged_by_their_parts_and_other_units_are_left():
    frame = pd.DataFrame(
        [
            ("cla_rate", WHOLE_SERVICE, 4.0, 10_000.0, 4.0),
            ("caseload", WHOLE_SERVICE, NAN, NAN, 3.0),
        ],
        columns=["indicator_id", "team", "numerator", "denominator", "value"],
    ).assign(period=pd.Timestamp("2021-01-01"))
    result = suppress_figures(frame, TINY_INDICATORS)
    assert result["suppressed"].tolist() == [True, False]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=7))
def test_no_hidden_count_can_be_worked_out_from_the_shown_total(values):
    frame = counts({f"T{i}": float(v) for i, v in enumerate(values)})
    result = suppress_figures(frame, TINY_INDICATORS)
    total = result[result["team"] == WHOLE_SERVICE].iloc[0]
    teams = result[result["team"] != WHOLE_SERVICE]
    true_values = np.array(values, dtype=float)
    hidden_teams = teams["suppressed"].to_numpy()
    # every small non-zero count is hidden
    assert not ((true_values >= 1) & (true_values <= 5) & ~hidden_teams).any()
    if not total["suppressed"] and hidden_teams.any():
        left_over = total["value"] - teams.loc[~hidden_teams, "value"].sum()
        # one hidden team would be the left-over; several, each at least 1, are pinned only if it equals their count
        assert hidden_teams.sum() > 1
        assert left_over != hidden_teams.sum()


def test_the_blocks_links_are_found_in_hold_every_counted_figure_where_the_quantities_put_it():
    from metrics.disclosure.suppression import PARTS, Quantities, column_block
    from metrics.rating.aggregation import resolve_figures
    from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder

    snapshot = read_snapshot_folder(sorted((REPOSITORY_DATA_DIR / "snapshots").iterdir())[-1])
    figures = resolve_figures(snapshot.values, snapshot.indicators)
    teams = pd.Index([*sorted(set(figures["team"]) - {WHOLE_SERVICE}), WHOLE_SERVICE])
    months = pd.DatetimeIndex(sorted(figures["period"].unique()))
    block, names = column_block(figures, snapshot.indicators, teams, months)
    q = Quantities(figures, snapshot.indicators, links={})
    assert names == q.column_names and block.shape == (len(teams) * len(months), len(names))
    row = (
        teams.get_indexer(figures["team"].astype(object))[q.row] * len(months)
        + months.get_indexer(figures["period"])[q.row]
    )
    assert np.array_equal(block[row, q.column_code], q.amount)
    assert np.count_nonzero(~np.isnan(block)) == len(q.amount)  # and nothing else
    assert {part for _, part in names} == set(PARTS)


def test_distinct_values_are_counted_per_group_marked_or_sorted():
    from metrics.disclosure.suppression import _distinct_per

    group = np.array([0, 0, 0, 2, 2, 1])
    values = np.array([4, 4, 1, 0, 3, 9])
    assert _distinct_per(group, values, 3).tolist() == [2, 1, 2]
    wide = values * 10**7  # too wide to mark: sorted instead, the same counts
    assert _distinct_per(group, wide, 3).tolist() == [2, 1, 2]


def test_protection_and_resolving_leave_what_they_were_given_as_it_was():
    """Both now share the columns they do not change with their input (pandas copies a column when it is
    written), where they used to copy everything first: a hidden figure must not leak back into the input."""
    from metrics.rating.aggregation import team_figures

    given = counts({"A": 3, "B": 10, "C": 12})
    before = given.copy(deep=True)
    result = suppress_figures(given, TINY_INDICATORS)
    assert result["suppressed"].sum() == 2 and result.loc[result["suppressed"], "value"].isna().all()
    pd.testing.assert_frame_equal(given, before)

    ratio = pd.DataFrame(
        {
            "indicator_id": ["timeliness", "timeliness"],
            "period": pd.Timestamp("2021-01-01"),
            "team": ["A", "B"],
            "numerator": [3.0, NAN],
            "denominator": [4.0, 5.0],
            "value": [1.0, 2.0],
        }
    )
    before = ratio.copy(deep=True)
    resolved = team_figures(ratio, TINY_INDICATORS)
    assert resolved["value"].tolist()[0] == 75.0 and np.isnan(resolved["denominator"].iloc[1])
    pd.testing.assert_frame_equal(ratio, before)
