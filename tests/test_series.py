"""The figures behind the explore page: notes between two months for the chosen teams."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from metrics.series import notes_between


def with_notes() -> SimpleNamespace:
    """A stand-in for a Performance: only its commentary is read."""
    return SimpleNamespace(commentary=pd.DataFrame({
        "period": pd.to_datetime(["2021-01-01", "2021-02-01", "2021-03-01", "2021-03-01", "2021-04-01"]),
        "indicator_id": pd.Series(["visits", "visits", None, "visits", "other"], dtype="category"),
        "team": pd.Series([None, "Team A", None, "Team B", None], dtype="category"),
        "text": pd.Series(["Whole service", "Team A's note", "General", "Team B's note", "Other"], dtype="str"),
    }))


def test_notes_on_the_indicator_for_the_chosen_teams_and_months():
    notes = notes_between(with_notes(), "visits", ["", "Team A"], pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01"))
    assert notes["text"].tolist() == ["Whole service", "Team A's note"]
    assert notes["team"].tolist() == ["", "Team A"]  # the whole service's note: a missing team is ""
    assert notes["team_label"].tolist() == ["Whole service", "Team A"]
    assert notes["period"].tolist() == [pd.Timestamp("2021-01-01"), pd.Timestamp("2021-02-01")]


def test_months_are_inclusive_and_other_teams_left_out():
    notes = notes_between(with_notes(), "visits", ["Team B"], pd.Timestamp("2021-03-01"), pd.Timestamp("2021-03-01"))
    assert notes["text"].tolist() == ["Team B's note"]
    assert notes_between(with_notes(), "visits", ["Team B"], pd.Timestamp("2021-04-01"),
                         pd.Timestamp("2021-12-01")).empty


def test_no_notes_at_all():
    for commentary in (None, with_notes().commentary.iloc[:0]):
        notes = notes_between(SimpleNamespace(commentary=commentary), "visits", [""], pd.Timestamp("2021-01-01"),
                              pd.Timestamp("2021-12-01"))
        assert notes.empty and list(notes.columns) == ["period", "team", "team_label", "text"]
