"""A contract-valid snapshot the size of a regional group of councils, written with vectorised numpy.

Team figures are as small as real teams' are: each team's counts and denominators come from a Poisson
distribution whose mean (from 0.5 to 15) is the team's own for each indicator, capped at 30, so many
are from 1 to 5 and the public view's small-number rule does real work (a month of no cases is 0, and
a ratio over 0 has no value, as the contract says)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

TEAMS = 500
INDICATORS = 80
MONTHS = 120
WORKERS_PER_TEAM = 10
FIRST_MONTH = np.datetime64("2012-04", "M")
SMALLEST_MEAN, LARGEST_MEAN = 0.5, 15.0  # a team's typical monthly count or denominator
LARGEST_FIGURE = 30
SEED = 20221


def write_large_snapshot(root: Path, as_at: str = "2022-04-10") -> Path:
    """Write the snapshot under root/snapshots/as_at and return its folder."""
    rng = np.random.default_rng(SEED)
    folder = root / "snapshots" / as_at
    folder.mkdir(parents=True, exist_ok=True)
    counts = INDICATORS // 2
    ids = [f"count_{i:02d}" for i in range(counts)] + [f"percent_{i:02d}" for i in range(INDICATORS - counts)]
    pq.write_table(
        pa.table(
            {
                "indicator_id": ids,
                "name": [f"Indicator {i}" for i in ids],
                "area": [f"Area {i % 8}" for i in range(INDICATORS)],
                "unit": ["count"] * counts + ["percent"] * (INDICATORS - counts),
                "polarity": ["neutral"] * counts + ["higher_is_better"] * (INDICATORS - counts),
                "aggregation": ["sum"] * counts + ["ratio"] * (INDICATORS - counts),
                "definition": [f"Made-up measure {i} for the benchmark." for i in ids],
                "source": [None] * INDICATORS,
            }
        ),
        folder / "indicators.parquet",
    )

    months = (FIRST_MONTH + np.arange(MONTHS)).astype("datetime64[D]")
    teams = np.array([f"Team {t:03d}" for t in range(TEAMS)], dtype=object)
    grid_indicator = np.repeat(np.arange(INDICATORS), TEAMS * MONTHS)
    grid_team = np.tile(np.repeat(np.arange(TEAMS), MONTHS), INDICATORS)
    grid_month = np.tile(months, INDICATORS * TEAMS)
    is_ratio = grid_indicator >= counts
    # One mean for each team and indicator, so a small team is small month after month.
    mean = rng.uniform(SMALLEST_MEAN, LARGEST_MEAN, size=(INDICATORS, TEAMS))[grid_indicator, grid_team]
    sizes = np.minimum(rng.poisson(mean), LARGEST_FIGURE).astype("float64")
    denominator = sizes
    numerator = rng.binomial(sizes.astype("int64"), rng.uniform(0.5, 1.0, size=sizes.size)).astype("float64")
    count_value = sizes
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(denominator > 0, numerator / denominator * 100, np.nan)
    pq.write_table(
        pa.table(
            {
                "indicator_id": pa.array(np.array(ids, dtype=object)[grid_indicator]).dictionary_encode(),
                "period": pa.array(grid_month, type=pa.date32()),
                "team": pa.array(teams[grid_team]).dictionary_encode(),
                "numerator": np.where(is_ratio, numerator, np.nan),
                "denominator": np.where(is_ratio, denominator, np.nan),
                "value": np.where(is_ratio, share, count_value),
            }
        ),
        folder / "values.parquet",
    )

    pq.write_table(
        pa.table(
            {
                "indicator_id": ids[counts:],
                "team": pa.nulls(INDICATORS - counts, pa.string()),
                "effective_from": pa.array(np.repeat(months[:1], INDICATORS - counts), type=pa.date32()),
                "target": [80.0] * (INDICATORS - counts),
                "tolerance": [5.0] * (INDICATORS - counts),
            }
        ),
        folder / "targets.parquet",
    )

    workers = TEAMS * WORKERS_PER_TEAM
    pq.write_table(
        pa.table(
            {
                "period": pa.array(np.repeat(months, workers), type=pa.date32()),
                "team": pa.array(np.tile(np.repeat(teams, WORKERS_PER_TEAM), MONTHS)).dictionary_encode(),
                "worker_id": pa.array(np.tile(np.array([f"W{w:05d}" for w in range(workers)], dtype=object), MONTHS)),
                "cases": rng.integers(0, 35, size=workers * MONTHS).astype("int64"),
            }
        ),
        folder / "caseloads.parquet",
    )
    return folder
