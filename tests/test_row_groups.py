"""Filtered reads by row groups' statistics: the rows pyarrow's own filtered read gives, from fewer groups."""

from __future__ import annotations

import os

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from metrics.prepare.row_groups import COMPARISONS, filtered_rows


def _rows_in_groups(path, groups: int, statistics) -> pd.DataFrame:
    """A file of 4 row groups, a month each, written like the cache's files (statistics where reads filter)."""
    rows = pd.DataFrame(
        {
            "indicator_id": pd.Categorical(["a", "b", "c"] * 4),
            "team": ["", "T", ""] * 4,
            "period": pd.to_datetime(["2021-01-01"] * 3 + ["2021-02-01"] * 3 + ["2021-03-01"] * 3 + ["2021-04-01"] * 3),
            "value": range(12),
        }
    )
    pq.write_table(
        pa.Table.from_pandas(rows, preserve_index=False),
        path,
        row_group_size=len(rows) // groups,
        write_statistics=statistics,
    )
    return rows


@pytest.mark.parametrize(
    "filters",
    [
        [("period", ">=", pd.Timestamp("2021-02-01")), ("period", "<=", pd.Timestamp("2021-03-01"))],
        [("period", "=", pd.Timestamp("2021-04-01"))],
        [("period", ">=", pd.Timestamp("2022-01-01"))],
        [("indicator_id", "=", "b")],
        [("indicator_id", "=", "b"), ("period", "<=", pd.Timestamp("2021-02-01"))],
    ],
)
@pytest.mark.parametrize("statistics", [["indicator_id", "period"], False])
def test_a_filtered_read_gives_what_pyarrow_gives_reading_only_the_groups_that_can_match(
    tmp_path, monkeypatch, filters, statistics
):
    path = tmp_path / "rated.parquet"
    _rows_in_groups(path, 4, statistics)
    read = []
    original = pq.ParquetFile.read_row_groups
    monkeypatch.setattr(
        pq.ParquetFile,
        "read_row_groups",
        lambda self, groups, **options: read.append(list(groups)) or original(self, groups, **options),
    )
    ours = filtered_rows(path, filters).to_pandas()
    expected = pq.read_table(path, filters=filters).to_pandas()
    pd.testing.assert_frame_equal(ours.astype({"indicator_id": str}), expected.astype({"indicator_id": str}))
    if statistics and filters[0][0] == "period":  # a month a row group: only those months are read
        months = {pd.Timestamp(month) for month in ("2021-01-01", "2021-02-01", "2021-03-01", "2021-04-01")}
        assert read == [
            [
                number
                for number, month in enumerate(sorted(months))
                if all(COMPARISONS[op](month, value) for _, op, value in filters)
            ]
        ]
    if not statistics:  # nothing to go by: every group is read, then filtered
        assert read == [[0, 1, 2, 3]]


def test_a_file_written_again_is_filtered_afresh(tmp_path):
    path = tmp_path / "rated.parquet"
    _rows_in_groups(path, 4, ["indicator_id", "period"])
    january = [("period", "=", pd.Timestamp("2021-01-01"))]
    assert len(filtered_rows(path, january)) == 3
    _rows_in_groups(path, 2, ["indicator_id", "period"])  # other row groups, same rows
    os.utime(path, ns=(1, 1))  # even were its time unchanged, its size is not
    assert filtered_rows(path, january).to_pandas()["value"].tolist() == [0, 1, 2]


def test_an_equality_filter_reads_the_groups_the_footer_says_hold_the_value(tmp_path, monkeypatch):
    """Groups of indicators "a" and "c" span "b" by their lowest and highest values; the footer's index
    says which groups hold "b" itself."""
    from metrics.prepare.row_groups import group_index

    path = tmp_path / "rated.parquet"
    rows = pd.DataFrame({"indicator_id": ["a", "c", "b", "b", "a", "c"], "value": range(6)})
    table = pa.Table.from_pandas(rows, preserve_index=False)
    with pq.ParquetWriter(path, table.schema) as writer:
        for start in (0, 2, 4):
            writer.write_table(table.slice(start, 2))
        writer.add_key_value_metadata(group_index("indicator_id", {"a": [0, 2], "c": [0, 2], "b": [1]}))
    read = []
    original = pq.ParquetFile.read_row_groups
    monkeypatch.setattr(
        pq.ParquetFile,
        "read_row_groups",
        lambda self, groups, **options: read.append(list(groups)) or original(self, groups, **options),
    )
    assert filtered_rows(path, [("indicator_id", "=", "b")]).to_pandas()["value"].tolist() == [2, 3]
    assert filtered_rows(path, [("indicator_id", "=", "c")]).to_pandas()["value"].tolist() == [1, 5]
    assert filtered_rows(path, [("indicator_id", "=", "z")]).num_rows == 0
    assert read == [[1], [0, 2], []]
