"""A snapshot that makes pages work hard: gaps, odd team names, HTML, zero denominators, small numbers."""

from __future__ import annotations

import pandas as pd

from tests.helpers import NAN, TINY_INDICATORS, values_frame, write_snapshot

ODD_TEAMS = ["Équipe d'Été", 'The "Quoted" Team', "Smith & Jones", "<script>alert('x')</script>", "$x$ *team*"]
MONTHS = [f"{year}-{month:02d}" for year in (2020, 2021) for month in range(1, 13)][:18]  # Jan 2020 to Jun 2021
GAP_MONTH = "2020-09"


def odd_values() -> pd.DataFrame:
    rows = []
    for number, month in enumerate(MONTHS):
        if month == GAP_MONTH:
            continue  # a month with no figures at all
        for index, team in enumerate(ODD_TEAMS):
            count = 2 + index * 3 + number % 4
            rows.append(("referrals", month, team, NAN, NAN, float(count)))
            denominator = 0.0 if (index == 0 and number % 5 == 0) else float(8 + index)
            numerator = 0.0 if denominator == 0 else float(min(denominator, 3 + (number + index) % 6))
            rows.append(("timeliness", month, team, numerator, denominator, NAN))
            rows.append(("repeats", month, team, float(index % 3), float(4 + index), NAN))
        rows.append(("cla_rate", month, None, 300.0 + number, 50_000.0, NAN))
        rows.append(("caseload", month, None, NAN, NAN, 15.0 + number % 3))
    return values_frame(rows)


def odd_tables() -> dict[str, pd.DataFrame]:
    months = pd.to_datetime([f"{m}-01" for m in MONTHS if m != GAP_MONTH])
    caseloads = pd.DataFrame(
        [
            (month, team, f"W{index}{worker}", 10 + worker * 4 + index)
            for month in months
            for index, team in enumerate(ODD_TEAMS)
            for worker in range(1 + index)
        ],
        columns=["period", "team", "worker_id", "cases"],
    )
    return {
        "indicators": TINY_INDICATORS.copy(),
        "values": odd_values(),
        "targets": pd.DataFrame(
            {
                "indicator_id": ["timeliness", "repeats", "caseload"],
                "team": [None, None, None],
                "effective_from": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-01"]),
                "target": [70.0, 20.0, 16.0],
                "tolerance": [5.0, 5.0, 1.0],
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
        "caseloads": caseloads,
        "commentary": pd.DataFrame(
            {
                "period": pd.to_datetime(["2021-06-01", "2021-06-01"]),
                "indicator_id": ["timeliness", None],
                "team": [None, "Smith & Jones"],
                "text": ["<b>bold</b> <script>alert('note')</script> [link](http://example.org)", "A general note."],
            }
        ),
    }


def write_odd_snapshot(root, as_at: str = "2021-07-10", without: tuple[str, ...] = ()) -> None:
    tables = {name: frame for name, frame in odd_tables().items() if name not in without}
    write_snapshot(root, as_at, tables)
