"""The compare page's teams-by-indicators grid and its coloured status labels, with hand-made rows."""

from __future__ import annotations

import math

import pandas as pd

from ui.display import with_status_labels
from ui.tables import team_grid

CATALOGUE = pd.DataFrame(
    {
        "indicator_id": ["visits", "referrals", "plans"],
        "name": ["Visits in time", "Referrals received", "Plans reviewed"],
        "unit": ["percent", "count", "count"],
    }
).set_index("indicator_id")


def test_the_grid_lays_teams_by_indicators_in_the_catalogues_order():
    matrix = pd.DataFrame(
        {
            "indicator_id": ["referrals", "visits", "visits", "referrals"],
            "team": ["North", "North", "", ""],
            "value": [12.0, 80.0, 75.5, 3.0],
            "suppressed": [False, False, False, True],
            "rag": ["none", "green", "red", "none"],
        }
    )
    grid = team_grid(matrix, CATALOGUE)
    # The whole service first, then teams by name; indicators as the catalogue lists them, none for
    # an indicator without a row (plans).
    assert list(grid.columns) == ["Team", "Visits in time", "Referrals received"]
    assert grid.values.tolist() == [
        ["Whole service", "75.5% ✗ Red", "c"],
        ["North", "80.0% ✓ Green", "12"],
    ]


def test_a_team_without_a_figure_for_an_indicator_gets_a_blank_cell():
    matrix = pd.DataFrame(
        {
            "indicator_id": ["visits", "referrals"],
            "team": ["North", "South"],
            "value": [80.0, 7.0],
            "suppressed": [False, False],
            "rag": ["amber", "none"],
        }
    )
    grid = team_grid(matrix, CATALOGUE)
    assert grid.values.tolist() == [["North", "80.0% ! Amber", ""], ["South", "", "7"]]


def test_status_labels_are_lists_with_a_colour_for_each_status_and_none_for_a_blank():
    table = pd.DataFrame(
        {"Team": ["A", "B", "C", "D"], "Status": ["✓ Green", "", None, math.nan], "Other": ["x", "y", "z", "w"]}
    )
    shown, config = with_status_labels(table, ["Status"])
    assert shown["Status"].tolist() == [["✓ Green"], [], [], []]
    assert shown["Other"].tolist() == ["x", "y", "z", "w"]  # other columns untouched
    assert table["Status"].tolist()[:2] == ["✓ Green", ""]  # the table passed in is not changed
    options = config["Status"]
    assert options["type_config"]["options"] == [{"value": "✓ Green", "color": "green"}]


def test_a_trend_is_read_out_with_its_first_and_last_figures_and_gaps():
    from ui.tables import trend_label

    assert trend_label([None, 10.0, None, 12.0], "count", pd.Timestamp("2021-04-01")) == (
        "4 months to April 2021: 10 in February 2021, 12 in April 2021; 2 months hidden or missing"
    )
    assert trend_label([5.0] * 13, "percent", pd.Timestamp("2021-01-01")) == (
        "13 months to January 2021: 5.0% in January 2020, 5.0% in January 2021"
    )  # across the year
    assert trend_label([None, None], "percent", pd.Timestamp("2021-01-01")) == ""
