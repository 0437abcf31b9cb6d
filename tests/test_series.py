"""The figures behind the explore page: notes between two months for the chosen teams."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from metrics.outputs.series import notes_between


def with_notes() -> SimpleNamespace:
    """A stand-in for a Performance: only its commentary is read."""
    return SimpleNamespace(
        commentary=pd.DataFrame(
            {
                "period": pd.to_datetime(["2021-01-01", "2021-02-01", "2021-03-01", "2021-03-01", "2021-04-01"]),
                "indicator_id": pd.Series(["visits", "visits", None, "visits", "other"], dtype="category"),
                "team": pd.Series([None, "Team A", None, "Team B", None], dtype="category"),
                "text": pd.Series(["Whole service", "Team A's note", "General", "Team B's note", "Other"], dtype="str"),
            }
        )
    )


def test_notes_on_the_indicator_for_the_chosen_teams_and_months():
    notes = notes_between(
        with_notes(), "visits", ["", "Team A"], pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01")
    )
    assert notes["text"].tolist() == ["Whole service", "Team A's note"]
    assert notes["team"].tolist() == ["", "Team A"]  # the whole service's note: a missing team is ""
    assert notes["team_label"].tolist() == ["Whole service", "Team A"]
    assert notes["period"].tolist() == [pd.Timestamp("2021-01-01"), pd.Timestamp("2021-02-01")]


def test_months_are_inclusive_and_other_teams_left_out():
    notes = notes_between(with_notes(), "visits", ["Team B"], pd.Timestamp("2021-03-01"), pd.Timestamp("2021-03-01"))
    assert notes["text"].tolist() == ["Team B's note"]
    assert notes_between(
        with_notes(), "visits", ["Team B"], pd.Timestamp("2021-04-01"), pd.Timestamp("2021-12-01")
    ).empty


def test_no_notes_at_all():
    for commentary in (None, with_notes().commentary.iloc[:0]):
        notes = notes_between(
            SimpleNamespace(commentary=commentary),
            "visits",
            [""],
            pd.Timestamp("2021-01-01"),
            pd.Timestamp("2021-12-01"),
        )
        assert notes.empty and list(notes.columns) == ["period", "team", "team_label", "text"]


def test_every_month_of_every_chosen_team_with_a_row_where_there_is_no_figure():
    from metrics.outputs.series import indicator_series
    from metrics.rating.performance import build_performance
    from metrics.snapshot.reading import Snapshot
    from tests.conftest import tiny_tables

    tables = tiny_tables()
    tables["values"] = pd.concat(
        [
            tables["values"],
            tables["values"]
            .iloc[2:3]
            .assign(period=pd.Timestamp("2021-03-01"), numerator=77.0, denominator=100.0, value=77.0),
        ],
        ignore_index=True,
    )
    performance = build_performance(Snapshot(pd.Timestamp("2021-04-10").date(), "tiny", tables, []), "internal")
    series = indicator_series(
        performance, "timeliness", ["Team A", "Team C", ""], pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01")
    )
    assert series["team"].tolist() == ["Team A"] * 3 + ["Team C"] * 3 + [""] * 3  # in the order chosen
    assert series["period"].dt.month.tolist() == [1, 2, 3] * 3
    assert series["value"].iloc[[0, 2]].tolist() == [90.0, 77.0]
    assert series["value"].iloc[6] == 65.0  # the whole service: (9 + 30) / (10 + 50)
    assert series["value"].iloc[[1, 3, 4, 5]].isna().all()  # February, and a team without the indicator
    assert series["rag"].astype(str).tolist()[:6] == ["green", "none", "amber", "none", "none", "none"]
    assert series["direction"].astype(str).iloc[3] == "n/a"
    assert not series[["suppressed", "numerator_suppressed", "denominator_suppressed"]].any().any()
    assert series["team_label"].tolist()[3::3] == ["Team C", "Whole service"]


def test_the_same_month_last_year_row_for_row():
    from metrics.outputs.series import indicator_series, same_month_last_year
    from metrics.rating.performance import build_performance
    from metrics.snapshot.reading import Snapshot
    from tests.conftest import tiny_tables

    tables = tiny_tables()
    values = tables["values"]
    tables["values"] = pd.concat(
        [
            values,
            values.iloc[:2].assign(period=pd.Timestamp("2020-01-01"), value=[20.0, 4.0]),
            values.iloc[:1].assign(period=pd.Timestamp("2020-12-01"), value=30.0),
        ],
        ignore_index=True,
    )
    performance = build_performance(Snapshot(pd.Timestamp("2021-02-10").date(), "tiny", tables, []), "internal")
    teams, start, end = ["Team A", "Team B"], pd.Timestamp("2020-12-01"), pd.Timestamp("2021-01-01")
    series = indicator_series(performance, "referrals", teams, start, end)
    earlier = same_month_last_year(performance, "referrals", teams, start, end)
    assert series["value"].fillna(-1).tolist() == [30.0, 12.0, -1, 8.0]  # Team B has no December figure
    # December 2019 has no figure for either team; January 2020 has 20 for Team A and 4 for Team B
    assert earlier.fillna(-1).tolist() == [-1, 20.0, -1, 4.0]
