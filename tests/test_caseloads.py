"""Caseload figures by hand: team headcounts, cases and workers over the threshold, and what public shows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.rating.caseloads import (
    CASES,
    OVER_THRESHOLD,
    WORKERS,
    average_trend,
    summary_from_figures,
    team_figures,
    team_summary,
    trend,
)

JAN, FEB = pd.Timestamp("2022-01-01"), pd.Timestamp("2022-02-01")


def caseloads() -> pd.DataFrame:
    rows = [
        (JAN, "North", "W1", 10),
        (JAN, "North", "W2", 21),
        (JAN, "North", "W3", 26),
        (JAN, "South", "W4", 20),
        (FEB, "North", "W1", 12),
        (FEB, "North", "W2", 22),
    ]
    return pd.DataFrame(rows, columns=["period", "team", "worker_id", "cases"])


def test_team_figures_count_workers_cases_and_workers_over_the_threshold():
    figures = team_figures(caseloads()).set_index(["period", "team", "indicator_id"])["value"]
    # North in January: 3 workers holding 10 + 21 + 26 = 57 cases, 2 of them over 20; South's 20 is not over
    assert figures[(JAN, "North", WORKERS)] == 3 and figures[(JAN, "North", CASES)] == 57
    assert figures[(JAN, "North", OVER_THRESHOLD)] == 2 and figures[(JAN, "South", OVER_THRESHOLD)] == 0


def test_internal_summary_per_team_and_for_the_whole_service():
    summary = team_summary(caseloads(), JAN, 20).set_index("team")
    assert summary.loc["North", ["workers", "mean", "median", "max", "over"]].tolist() == [3, 19.0, 21.0, 26, 2]
    assert summary.loc["", ["workers", "mean", "over"]].tolist() == [4, 19.25, 2]  # 77 cases over 4 workers
    assert summary.loc["", "share_over"] == 50.0
    assert list(summary.index) == ["South", "North", ""]  # highest average first (20 > 19), the whole service last


def test_public_summary_hides_an_average_or_share_whose_parts_are_hidden():
    figures = pd.DataFrame(
        {
            "indicator_id": [WORKERS, CASES, OVER_THRESHOLD] * 2,
            "period": [JAN] * 6,
            "team": ["North"] * 3 + ["South"] * 3,
            "value": [8.0, 160.0, np.nan, np.nan, 40.0, 0.0],
            "suppressed": [False, False, True, True, False, False],
        }
    )
    summary = summary_from_figures(figures, JAN).set_index("team")
    assert summary.loc["North", "mean"] == 20.0 and pd.isna(summary.loc["North", "share_over"])
    assert summary.loc["North", "share_over_hidden"] and not summary.loc["North", "mean_hidden"]
    # South's headcount is hidden, so neither its average nor its share can show
    assert summary.loc["South", "mean_hidden"] and pd.isna(summary.loc["South", "mean"])
    assert summary.loc["South", "share_over_hidden"] and summary.loc["South", "over"] == 0


def test_trends_month_by_month():
    public = average_trend(team_figures(caseloads()).assign(suppressed=False), "North")
    assert public["cases"].round(2).tolist() == [19.0, 17.0]  # 57 / 3, then 34 / 2
    internal = trend(caseloads(), "").pivot(index="period", columns="measure", values="cases")
    assert internal.loc[JAN].to_dict() == {"Average": 19.25, "Highest": 26.0, "Median": 20.5}
