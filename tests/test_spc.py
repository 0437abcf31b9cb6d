"""Statistical process control, one rule at a time, on series worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.rating import spc
from metrics.rating.status import SeriesOrder

STABLE = [10, 12] * 6  # mean 11, every moving range 2, so limits 11 +/- 5.32


def series(values, start="2020-01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.date_range(f"{start}-01", periods=len(values), freq="MS"),
            "value": np.asarray(values, dtype="float64"),
        }
    )


def test_limits_of_a_stable_series():
    limits = spc.process_limits(STABLE)
    assert limits.mean == 11 and limits.average_moving_range == 2
    assert limits.upper == pytest.approx(16.32) and limits.lower == pytest.approx(5.68)
    assert limits.upper_close == pytest.approx(11 + 2 / 3 * 5.32)


def test_one_huge_moving_range_is_screened_out():
    # ranges 2, 2, 2, 2, 30: mean 7.6; 30 >= 3.267 x 7.6 = 24.8, so it is dropped and the mean is 2
    assert spc.moving_ranges([10, 12, 10, 12, 10, 40]).tolist() == [2, 2, 2, 2, 30]
    assert spc.average_moving_range([10, 12, 10, 12, 10, 40]) == 2


@pytest.mark.parametrize(
    ("target", "polarity", "expected"),
    [
        (5, "higher_is_better", "pass"),
        (11, "higher_is_better", "inconsistent"),
        (17, "higher_is_better", "fail"),
        (5, "lower_is_better", "fail"),
        (11, "lower_is_better", "inconsistent"),
        (17, "lower_is_better", "pass"),
        (5, "neutral", "none"),
        (None, "higher_is_better", "none"),
    ],
)
def test_assurance_of_a_stable_series(target, polarity, expected):
    result = spc.analyse(series(STABLE), polarity, target)
    assert result.variation == "common_cause"
    assert result.assurance == expected


def test_rule_1_points_outside_the_limits():
    limits = spc.Limits(mean=0, average_moving_range=1)  # limits +/- 2.66
    assert spc.outside_limits([0, 2.7, -2.7, 2.66, -1], limits).tolist() == [0, 1, -1, 0, 0]


def test_rule_2_a_falling_trend_of_seven():
    values = [12, 13, 12, 13, 12, 13, 20, 18, 16, 14, 12, 10, 8]
    assert spc.trend(values).tolist() == [0] * 6 + [-1] * 7
    assert spc.trend([1, 2, 3, 4, 5, 6]).tolist() == [0] * 6  # six rising points are not enough
    assert spc.trend([1, 2, 3, 4, 5, 5, 6, 7]).tolist() == [0] * 8  # a repeat breaks the run


def test_a_falling_trend_is_a_concern_when_higher_is_better():
    values = [12, 13, 12, 13, 12, 13, 20, 18, 16, 14, 12, 10, 8]
    result = spc.analyse(series(values), "higher_is_better")
    assert result.variation == "concern"


def test_rule_3_two_of_three_close_to_a_limit_on_the_same_side():
    limits = spc.Limits(mean=0, average_moving_range=1)  # close beyond +/- 1.773, limits +/- 2.66
    assert spc.two_of_three_close([0.5, 2.0, 1.0, 2.2], limits).tolist() == [0, 1, 0, 1]
    assert spc.two_of_three_close([2.0, -0.5, 2.2], limits).tolist() == [0, 0, 0]  # not all on one side
    assert spc.two_of_three_close([-2.0, -2.2, -0.3], limits).tolist() == [-1, -1, 0]
    assert spc.two_of_three_close([2.0, 3.0, 0.5], limits).tolist() == [0, 0, 0]  # 3.0 is outside, not close


def test_rule_4_a_shift_of_seven_and_a_point_on_the_mean_breaks_it():
    limits = spc.Limits(mean=10, average_moving_range=5)
    assert spc.shift([11] * 7, limits).tolist() == [1] * 7
    assert spc.shift([11, 11, 11, 10, 11, 11, 11, 11], limits).tolist() == [0] * 8
    assert spc.shift([9] * 6 + [11], limits).tolist() == [0] * 7


def test_a_late_upward_shift_is_an_improvement_when_higher_is_better():
    # mean 204 / 17 = 12; the last seven points are all above it; nothing else fires
    values = [10, 12] * 5 + [13, 14, 13, 14, 13, 14, 13]
    result = spc.analyse(series(values), "higher_is_better")
    assert result.points["flag"].tolist() == [0] * 10 + [1] * 7
    assert result.variation == "improvement"
    assert set(result.points["variation"].iloc[:10]) == {"common_cause"}


def test_a_single_spike_is_a_concern_when_lower_is_better_and_high_when_neutral():
    values = STABLE + [30]  # the 18-point range to 30 is screened out, so the upper limit is 12.46 + 5.32
    lower = spc.analyse(series(values), "lower_is_better")
    neutral = spc.analyse(series(values), "neutral")
    assert lower.points["upper"].iloc[-1] == pytest.approx(162 / 13 + 2.66 * 2)
    assert lower.points["flag"].iloc[-1] == 1
    assert lower.variation == "concern"
    assert neutral.variation == "neutral_high"


def test_fewer_than_twelve_points_is_insufficient_data():
    result = spc.analyse(series([10, 12, 11, 13, 30]), "higher_is_better", target=5)
    assert result.variation == "insufficient_data" and result.assurance == "none"
    assert set(result.points["variation"]) == {"insufficient_data"}


def test_missing_months_are_left_out():
    values = STABLE[:]
    values[3] = np.nan
    result = spc.analyse(series(values), "neutral")
    assert len(result.points) == 11 and result.variation == "insufficient_data"


def test_a_rebase_gives_each_part_its_own_limits():
    values = STABLE + [20, 22] * 6
    whole = spc.analyse(series(values), "higher_is_better")
    rebased = spc.analyse(series(values), "higher_is_better", rebase_from=pd.Timestamp("2021-01-01"))
    assert whole.variation == "improvement"  # twelve points above the overall mean of 16
    assert rebased.points["mean"].iloc[0] == 11 and rebased.points["mean"].iloc[-1] == 21
    assert rebased.variation == "common_cause"


def test_every_point_agrees_with_analyse_of_the_series_up_to_it():
    """The vectorised rules give, for every row, what analyse() gives for its series up to that month."""
    rng = np.random.default_rng(7)
    shapes = {
        "stable": STABLE,
        "late shift": [10, 12] * 5 + [13, 14, 13, 14, 13, 14, 13],
        "spike": STABLE + [30],
        "falling trend": [12, 13, 12, 13, 12, 13, 20, 18, 16, 14, 12, 10, 8],
        "two close": [10, 12] * 6 + [14.8, 11.5, 14.9],
        "short": [1, 2, 3, 4, 5],
        "flat": [5.0] * 14,
        "flat sevenths": [600 / 7] * 16,
        "screened spike": [10, 12, 10, 12, 10, 40, 10, 12, 10, 12, 10, 12, 11, 12, 10],
        "gaps": [10, 12, None, 10, 12, 10, None, None, 12, 10, 12, 10, 12, 10, 30, None, 11],
    }
    for number in range(60):
        values = list(np.round(rng.normal(50, 8, size=rng.integers(8, 40)).cumsum() / 10, 1))
        shapes[f"random {number}"] = [None if rng.random() < 0.1 else v for v in values]
    rows = []
    for number, (name, values) in enumerate(shapes.items()):
        polarity = ("higher_is_better", "lower_is_better", "neutral")[number % 3]
        targets = [None, 5.0, 11.0, 17.0, float(np.nanmean(np.asarray(values, dtype="float64")))]
        rows.append(
            series(values).assign(
                indicator_id=f"i{number % 4}",
                team=name,
                polarity=polarity,
                target=np.resize(targets[number % 5 :] + targets, len(values)),
            )
        )
    frame = pd.concat(rows, ignore_index=True).sample(frac=1, random_state=3)  # any row order
    signals = spc.signals_at_every_point(frame, frame["polarity"], frame["target"].astype("float64"))
    checked = 0
    for label, row in frame.iterrows():
        if np.isnan(row["value"]):
            assert (signals.at[label, "variation"], signals.at[label, "assurance"]) == ("insufficient_data", "none")
            continue
        history = frame[(frame["team"] == row["team"]) & (frame["period"] <= row["period"])]
        target = None if pd.isna(row["target"]) else row["target"]
        expected = spc.analyse(history[["period", "value"]], row["polarity"], target)
        assert signals.at[label, "variation"] == expected.variation, (row["team"], row["period"])
        assert signals.at[label, "assurance"] == expected.assurance, (row["team"], row["period"])
        checked += 1
    assert checked > 1000
    assert set(signals["variation"]) >= {"common_cause", "improvement", "concern", "neutral_high", "insufficient_data"}
    # Given the rows' series order (as rating has it already), the same answers without sorting again.
    ordered = spc.signals_at_every_point(
        frame, frame["polarity"], frame["target"].astype("float64"), SeriesOrder(frame).order
    )
    pd.testing.assert_frame_equal(ordered, signals)


def test_a_flat_series_is_common_cause_not_a_shift():
    # 600/7 sixteen times: the computed mean can sit a rounding error off every point
    flat = series([600 / 7] * 16)
    assert spc.analyse(flat, "higher_is_better", 90.0).variation == "common_cause"
    frame = flat.assign(indicator_id="supervision", team="North")
    signals = spc.signals_at_every_point(frame, ["higher_is_better"] * 16, [90.0] * 16)
    assert set(signals["variation"].iloc[11:]) == {"common_cause"}
    assert set(signals["variation"].iloc[:11]) == {"insufficient_data"}
    assert signals["assurance"].iloc[-1] == "fail"  # the target of 90 is above the (flat) limits


# A rising run of seven wholly below the mean: the trend says "up", the shift says "below".
RISING_BELOW = [20, 24] * 6 + [15, 15.5, 16, 16.5, 17, 17.5, 18]


def test_conflicting_rules_follow_nhsrplotthedots_order_the_trend_wins_over_the_shift():
    y = np.asarray(RISING_BELOW, dtype="float64")
    limits = spc.process_limits(y)
    # mean 379.5 / 19 = 19.97; ranges 11 x 4, 9 and 6 x 0.5 average 56 / 18 = 3.11, so the lower limit is
    # 19.97 - 2.66 x 3.11 = 11.70: the last seven are inside the limits, below the mean and rising
    assert limits.mean == pytest.approx(19.973684) and limits.lower == pytest.approx(11.698129)
    assert spc.trend(y)[-7:].tolist() == [1] * 7 and spc.shift(y, limits)[-7:].tolist() == [-1] * 7
    assert spc.special_cause(y, limits)[-7:].tolist() == [1] * 7
    assert spc.analyse(series(RISING_BELOW), "higher_is_better").variation == "improvement"
    assert spc.analyse(series(RISING_BELOW), "lower_is_better").variation == "concern"


def test_conflicting_rules_in_the_every_point_implementation_too():
    frame = series(RISING_BELOW).assign(indicator_id="x", team="")
    for polarity, expected in (
        ("higher_is_better", "improvement"),
        ("lower_is_better", "concern"),
        ("neutral", "neutral_high"),
    ):
        signals = spc.signals_at_every_point(frame, [polarity] * len(frame), [np.nan] * len(frame))
        assert signals["variation"].iloc[-1] == expected


def test_rule_order_outside_the_limits_first_then_trend_then_two_of_three_then_shift():
    up, down, none = np.array([1]), np.array([-1]), np.array([0])
    assert spc.first_rule(down, up, up, up).tolist() == [-1]
    assert spc.first_rule(none, up, down, down).tolist() == [1]
    assert spc.first_rule(none, none, down, up).tolist() == [-1]
    assert spc.first_rule(none, none, none, up).tolist() == [1]
    assert spc.first_rule(none, none, none, none).tolist() == [0]


# NHSRplotthedots' own test data (tests/testthat/test-ptd_spc_standard.R): set.seed(123); rnorm(20)
RNORM = [
    -0.56047565,
    -0.23017749,
    1.55870831,
    0.07050839,
    0.12928774,
    1.71506499,
    0.46091621,
    -1.26506123,
    -0.68685285,
    -0.44566197,
    1.22408180,
    0.35981383,
    0.40077145,
    0.11068272,
    -0.55584113,
    1.78691314,
    0.49785048,
    -1.96661716,
    0.70135590,
    -0.47279141,
]


def test_limits_match_nhsrplotthedots_and_a_fixed_baseline_uses_the_first_points_only():
    whole = spc.analyse(series(RNORM), "neutral")
    # NHSRplotthedots' snapshot (_snaps/ptd_spc_standard.md): mean_col 0.1416238, lpl -3.01138, upl 3.294627
    assert whole.points["mean"].iloc[0] == pytest.approx(0.1416238, abs=1e-7)
    assert whole.points["lower"].iloc[0] == pytest.approx(-3.01138, abs=1e-5)
    assert whole.points["upper"].iloc[0] == pytest.approx(3.294627, abs=1e-6)
    fixed = spc.analyse(series(RNORM), "neutral", fix_after=12)
    # fix_after_n_points = 12: the first twelve sum to 2.33015208, mean 0.19417934; their eleven moving
    # ranges sum to 11.5854777, average 1.05322525 (none screened), so limits 0.19418 -/+ 2.80157917
    assert fixed.points["mean"].tolist() == pytest.approx([0.19417934] * 20)
    assert fixed.points["lower"].tolist() == pytest.approx([-2.60739983] * 20)
    assert fixed.points["upper"].tolist() == pytest.approx([2.99575851] * 20)


def test_a_baseline_needs_twelve_months():
    with pytest.raises(ValueError, match="at least 12 months"):
        spc.analyse(series(RNORM), "neutral", fix_after=11)


def test_a_fixed_baseline_judges_later_months_against_it():
    # twelve steady months, then twelve higher ones: against a baseline of the first twelve the rise is
    # a signal from month 13 on and the baseline itself is ordinary; with limits over all 24 months the
    # steady first year would read as unusually low as well
    values = [12, 10] * 6 + [20, 22] * 6
    fixed = spc.analyse(series(values), "neutral", fix_after=12)
    assert fixed.points["variation"].tolist() == ["common_cause"] * 12 + ["neutral_high"] * 12
    whole = spc.analyse(series(values), "neutral")
    assert whole.points["variation"].tolist() == ["neutral_low"] * 12 + ["neutral_high"] * 12


def test_which_limits_are_shown_in_words():
    points = spc.analyse(series([10, 12] * 9, start="2020-01"), "neutral").points  # January 2020 to June 2021
    assert spc.limits_in_words(points, 12, None) == (
        "worked out from January 2020 to December 2020 (the baseline) and held for the months after."
    )
    assert spc.limits_in_words(points, None, None) == "worked out from every month from January 2020 to June 2021."
    # twelve months before the new limits: the baseline is all of them
    assert spc.limits_in_words(points, 12, pd.Timestamp("2021-01-01")) == (
        "worked out from every month from January 2020 to December 2020; "
        "new limits worked out from every month from January 2021 to June 2021."
    )


def test_the_rule_that_decides_the_last_point_in_words():
    assert spc.deciding_rule(STABLE + [30]) == "this month is above the upper process limit"
    # a falling trend whose last month is also below the lower limit: outside the limits decides first
    assert spc.deciding_rule([12, 13, 12, 13, 12, 13, 20, 18, 16, 14, 12, 10, 8]) == (
        "this month is below the lower process limit"
    )
    assert spc.deciding_rule(RISING_BELOW) == "seven months in a row each higher than the last"  # not the shift
    assert spc.deciding_rule([10, 12] * 5 + [13, 14, 13, 14, 13, 14, 13]) == "seven months in a row above the average"
    assert spc.deciding_rule(STABLE) == "" and spc.deciding_rule([1, 2, 3]) == ""


def test_a_recorded_change_restarts_the_limits_as_the_explore_pages_rebase_does():
    """Limits start again where a note records a change: every point agrees with analyse(rebase_from)."""
    rng = np.random.default_rng(11)
    months = pd.date_range("2019-04-01", periods=34, freq="MS")
    values = np.r_[rng.normal(100, 4, 12), rng.normal(70, 4, 4), rng.normal(115, 4, 18)]  # a lockdown, then more
    frame = pd.DataFrame({"indicator_id": "contacts", "team": "", "period": months, "value": values})
    changes = pd.DataFrame({"period": [pd.Timestamp("2020-04-01")], "indicator_id": [None], "team": [None]})
    segment = spc.restart_segments(frame, changes)
    assert segment.tolist() == [0] * 12 + [1] * 22
    restarted = spc.signals_at_every_point(frame, ["neutral"] * 34, [np.nan] * 34, segment=segment)
    whole = spc.signals_at_every_point(frame, ["neutral"] * 34, [np.nan] * 34)
    for position in range(len(frame)):
        history = frame.iloc[: position + 1]
        expected = spc.analyse(history[["period", "value"]], "neutral", None, pd.Timestamp("2020-04-01"))
        assert restarted["variation"].iloc[position] == expected.variation, position
    # April 2020 to March 2021 are fewer than 12 months since the change: too few to judge.
    assert set(restarted["variation"].iloc[12:23]) == {"insufficient_data"}
    assert not whole["variation"].iloc[12:23].eq("insufficient_data").any()  # without the note, judged
    # A change about another indicator, or another team, leaves this series alone.
    other = changes.assign(indicator_id=["referrals"])
    assert spc.restart_segments(frame, other) is None
    assert spc.restart_segments(frame, changes.assign(team=["East"])) is None
