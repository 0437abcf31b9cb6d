"""The DfE importer (metrics/comparators/dfe.py, `python -m metrics.comparators`) on files written by hand."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from metrics.commands.comparators import main
from metrics.comparators.dfe import MAPPING_FILE, MappingRow, import_comparators, read_codes, read_mapping, year_end
from metrics.core.problems import InputError
from metrics.demo import dfe as demo_dfe
from metrics.snapshot.sources import convert

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,new_la_code,la_name,age,percent_seen"
)
COUNCIL = "E10000001"
NEIGHBOURS = ["E10000002", "E10000003", "E10000004"]
# Twelve councils with a figure (and one with "c"), sorted: 12 15 18 20 22 25 27 30 31 35 40 52.
# By hand (linear between ranks): lower quartile at rank 1 + 11 x 0.25 = 3.75, 18 + 0.75 x (20 - 18) = 19.5;
# upper at rank 9.25, 31 + 0.25 x (35 - 31) = 32.0.
COUNCILS = [
    (COUNCIL, "801", "Our Council", "Example Region", "22"),
    ("E10000002", "802", "Neighbour Two", "Example Region", "30"),
    ("E10000003", "803", "Neighbour Three", "Example Region", "c"),  # a neighbour with no figure
    ("E10000004", "804", "Neighbour Four", "Other Region", "20"),
    ("E10000005", "805", "Council Five", "Other Region", "12"),
    ("E10000006", "806", "Council Six", "Other Region", "15"),
    ("E10000007", "807", "Council Seven", "Other Region", "18"),
    ("E10000008", "808", "Council Eight", "Example Region", "25"),
    ("E10000009", "809", "Council Nine", "Example Region", "27"),
    ("E10000010", "810", "Council Ten", "Other Region", "31"),
    ("E10000011", "811", "Council Eleven", "Other Region", "35"),
    ("E10000012", "812", "Council Twelve", "Example Region", "40"),
    ("E10000013", "813", "Council Thirteen", "Other Region", "52"),
]
MAPPING = [MappingRow(1, "seen_in_time", "test_measure", "percent_seen", (("age", "Total"),), 1.0, 3)]


def dfe_file(
    folder: Path,
    name: str,
    period: str = "202021",
    identifier: str = "Financial year",
    councils=COUNCILS,
    england: str = "25.5",
    extra_rows: list[str] = (),
) -> Path:
    """A DfE-layout file: England, two regions and the councils, with an age filter (Total and Under 1)."""
    lines = [HEADER]
    for age, shift in (("Total", 0), ("Under 1", 50)):

        def cell(text: str, shift: int = shift) -> str:
            return str(float(text) + shift) if shift and text.replace(".", "").isdigit() else text

        lines.append(f"{period},{identifier},National,E92000001,England,,,,,,{age},{cell(england)}")
        lines.append(
            f"{period},{identifier},Regional,E92000001,England,E12000001,Example Region,,,,{age},{cell('24.0')}"
        )
        lines.append(f"{period},{identifier},Regional,E92000001,England,E12000002,Other Region,,,,{age},{cell('26.0')}")
        for code, old, la_name, region, value in councils:
            region_code = "E12000001" if region == "Example Region" else "E12000002"
            lines.append(
                f"{period},{identifier},Local authority,E92000001,England,{region_code},{region},{old},{code},"
                f"{la_name},{age},{cell(value)}"
            )
    lines += extra_rows
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def by_comparator(table: pd.DataFrame) -> dict[str, tuple]:
    return {row.comparator: (row.value, row.year, row.councils) for row in table.itertuples()}


def test_national_regional_neighbours_quartiles_and_own_figure(tmp_path):
    path = dfe_file(tmp_path, "test_measure_2021.csv")
    imported = import_comparators([path], COUNCIL, NEIGHBOURS, MAPPING)
    table = imported.benchmarks
    assert set(table["period"]) == {pd.Timestamp("2021-03-01")}  # financial year 2020-21 ends in March 2021
    found = by_comparator(table)
    assert found["England"][:2] == (25.5, "2020-21")
    assert found["Example Region"][0] == 24.0  # the council's own region, by name; never the other one
    assert "Other Region" not in found
    assert found["Statistical neighbours"][0] == 25.0 and found["Statistical neighbours"][2] == 2  # (30 + 20) / 2
    assert found["England lower quartile"] == (19.5, "2020-21", 12)
    assert found["England upper quartile"] == (32.0, "2020-21", 12)
    assert found["Published (this council)"][0] == 22.0
    assert imported.council.name == "Our Council" and imported.council.region == "Example Region"
    assert set(table["source"]) == {"DfE test_measure_2021.csv, column percent_seen"}


def test_old_codes_find_the_same_councils(tmp_path):
    path = dfe_file(tmp_path, "test_measure_2021.csv")
    by_new = import_comparators([path], COUNCIL, NEIGHBOURS, MAPPING).benchmarks
    by_old = import_comparators([path], "801", ["802", "803", "804"], MAPPING).benchmarks
    pd.testing.assert_frame_equal(by_new, by_old)


@pytest.mark.parametrize(
    ("period", "identifier", "year_ends", "month", "label"),
    [
        ("202021", "Financial year", 9, "2021-03", "2020-21"),  # a financial year always ends in March
        ("2022", "Reporting year", 3, "2022-03", "2022"),  # children in need, children looked after: 31 March
        ("2022", "Reporting year", 9, "2022-09", "2022"),  # the workforce: 30 September
        ("202122", "Academic year", 3, "2022-08", "2021/22"),
        ("2022", "Calendar year", 3, "2022-12", "2022"),
    ],
)
def test_year_ends(period, identifier, year_ends, month, label):
    assert year_end(period, identifier, year_ends) == (pd.Timestamp(f"{month}-01"), label)


def test_a_reporting_year_file_gives_its_year(tmp_path):
    path = dfe_file(tmp_path, "test_measure_2022.csv", period="2022", identifier="Reporting year")
    table = import_comparators([path], COUNCIL, NEIGHBOURS, MAPPING).benchmarks
    assert set(table["period"]) == {pd.Timestamp("2022-03-01")} and set(table["year"]) == {"2022"}


@pytest.mark.parametrize("symbol", ["c", "k", "low", "u", "x", "z", ":"])
def test_every_suppression_symbol_is_not_available_never_zero(tmp_path, symbol):
    councils = [(*council[:4], symbol) if council[0] in (COUNCIL, "E10000002") else council for council in COUNCILS]
    path = dfe_file(tmp_path, "test_measure_2021.csv", councils=councils, england=symbol)
    found = by_comparator(import_comparators([path], COUNCIL, NEIGHBOURS, MAPPING).benchmarks)
    assert "England" not in found and "Published (this council)" not in found  # no row, rather than a zero
    assert found["Statistical neighbours"][0] == 20.0 and found["Statistical neighbours"][2] == 1
    assert found["England lower quartile"][2] == 10  # the quartiles rest on the councils with a figure
    assert 0.0 not in {value for value, _, _ in found.values()}


def test_text_that_is_neither_a_number_nor_a_symbol_is_refused(tmp_path):
    councils = [(*council[:4], "n/a") if council[0] == "E10000005" else council for council in COUNCILS]
    path = dfe_file(tmp_path, "test_measure_2021.csv", councils=councils)
    with pytest.raises(InputError) as error:
        import_comparators([path], COUNCIL, NEIGHBOURS, MAPPING)
    assert str(error.value).startswith(
        "test_measure_2021.csv: percent_seen: is neither a number nor one of DfE's symbols"
    )
    assert "(rows: 8)" in str(error.value)  # England, 2 regions, then the 5th council: the file's 8th data row


def test_unknown_la_codes_are_refused_by_name(tmp_path):
    path = dfe_file(tmp_path, "test_measure_2021.csv")
    with pytest.raises(
        InputError,
        match="unknown local authority code E10000099: no Local authority row of test_measure_2021.csv has it",
    ):
        import_comparators([path], "E10000099", NEIGHBOURS, MAPPING)
    with pytest.raises(InputError, match="unknown local authority codes E10000098, 999"):
        import_comparators([path], COUNCIL, ["E10000002", "E10000098", "999"], MAPPING)
    with pytest.raises(InputError, match="names the council itself"):
        import_comparators([path], COUNCIL, ["801"], MAPPING)


def test_neighbours_from_the_command_line_or_a_file(tmp_path):
    assert read_codes("E10000002, E10000003 804") == ["E10000002", "E10000003", "804"]
    listed = tmp_path / "neighbours.txt"
    listed.write_text("# from DfE's statistical neighbour model\nE10000002\nE10000003,804\n", encoding="utf-8")
    assert read_codes(str(listed)) == ["E10000002", "E10000003", "804"]
    listed.write_text("E10000002\nNeighbour Three\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"neighbours.txt: -: 'Neighbour' is not a local authority code .*\(line 2\)"):
        read_codes(str(listed))


def test_a_later_file_revises_an_earlier_one(tmp_path):
    first = dfe_file(tmp_path, "test_measure_2013_to_2021.csv", england="25.5")
    second = dfe_file(tmp_path, "test_measure_2013_to_2022.csv", england="25.7")
    assert (
        by_comparator(import_comparators([first, second], COUNCIL, NEIGHBOURS, MAPPING).benchmarks)["England"][0]
        == 25.7
    )
    assert (
        by_comparator(import_comparators([second, first], COUNCIL, NEIGHBOURS, MAPPING).benchmarks)["England"][0]
        == 25.5
    )


def test_a_filter_value_not_in_the_file_names_what_is(tmp_path):
    path = dfe_file(tmp_path, "test_measure_2021.csv")
    mapping = [MappingRow(4, "seen_in_time", "test_measure", "percent_seen", (("age", "All ages"),), 1.0, 3)]
    with pytest.raises(
        InputError,
        match="test_measure_2021.csv: age: no row has 'All ages' \\(mapping row 4, "
        "seen_in_time\\); the file holds: Total, Under 1",
    ):
        import_comparators([path], COUNCIL, NEIGHBOURS, mapping)


def test_too_few_filters_say_which_column_to_filter_on(tmp_path):
    path = dfe_file(tmp_path, "test_measure_2021.csv")
    mapping = [MappingRow(2, "seen_in_time", "test_measure", "percent_seen", (), 1.0, 3)]
    with pytest.raises(InputError, match="leaves more than one row for a place and year; add a filter on age"):
        import_comparators([path], COUNCIL, NEIGHBOURS, mapping)


def test_the_scale_converts_units(tmp_path):
    path = dfe_file(tmp_path, "test_measure_2021.csv")
    mapping = [MappingRow(1, "seen_in_time", "test_measure", "percent_seen", (("age", "Total"),), 0.5, 3)]
    assert by_comparator(import_comparators([path], COUNCIL, NEIGHBOURS, mapping).benchmarks)["England"][0] == 12.75


def write_mapping(folder: Path, rows: list[str]) -> Path:
    path = folder / "mapping.csv"
    path.write_text("indicator_id,file_hint,column,filters,scale\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_the_command_writes_a_benchmarks_table_that_ingest_accepts(tmp_path):
    path = dfe_file(tmp_path, "test_measure_2021.csv")
    mapping = write_mapping(tmp_path, ["cla_rate,test_measure,percent_seen,age=Total,1"])
    output = tmp_path / "benchmarks.csv"
    code, out, err = run(
        [
            "--la",
            COUNCIL,
            "--neighbours",
            ",".join(NEIGHBOURS),
            "--mapping",
            str(mapping),
            "--output",
            str(output),
            str(path),
        ]
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"wrote {output}: 6 rows for 1 indicators, 1 years (2020-21 to 2020-21)"
    assert "Statistical neighbours: 1 figures (mean of 2 to 2 neighbours with a figure)" in out
    written = pd.read_csv(output, dtype=str, keep_default_na=False)
    assert list(written.columns) == ["indicator_id", "comparator", "period", "value", "year", "councils", "source"]
    assert set(written["period"]) == {"2021-03-31"}
    converted, problems = convert("benchmarks", "benchmarks.csv", written)
    assert problems == []
    assert converted.loc[converted["comparator"] == "England lower quartile", "value"].item() == 19.5


def test_a_mapping_column_missing_from_the_file_writes_nothing(tmp_path):
    path = dfe_file(tmp_path, "test_measure_2021.csv")
    mapping = write_mapping(
        tmp_path, ["cla_rate,test_measure,percent_seen,age=Total,1", "cin_rate,test_measure,rate_per_10000,,1"]
    )
    output = tmp_path / "benchmarks.csv"
    output.write_text("what was there before\n", encoding="utf-8")
    code, out, err = run(["--la", COUNCIL, "--mapping", str(mapping), "--output", str(output), str(path)])
    assert code == 1 and out == ""
    assert err == (
        "comparators: test_measure_2021.csv: rate_per_10000: column is missing (named by mapping row 2, cin_rate)\n"
    )
    assert output.read_text(encoding="utf-8") == "what was there before\n"  # nothing written
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".benchmarks")] == []  # no half-written file


def test_a_mapping_with_mistakes_names_its_rows(tmp_path):
    mapping = write_mapping(tmp_path, ["cla rate,test_measure,percent_seen,age Total,one"])
    with pytest.raises(InputError) as error:
        read_mapping(mapping)
    assert str(error.value).splitlines() == [
        "mapping.csv: indicator_id: is not an indicator id (rows: 1)",
        "mapping.csv: filters: should be written name=value;name=value (rows: 1)",
        "mapping.csv: scale: is not a number (rows: 1)",
    ]


def test_a_file_that_is_not_dfe_layout_is_refused(tmp_path):
    path = tmp_path / "test_measure.csv"
    path.write_text("la,value\nE10000001,3\n", encoding="utf-8")
    code, _, err = run(["--la", COUNCIL, "--output", str(tmp_path / "out.csv"), str(path)])
    assert code == 1 and "test_measure.csv: time_period: column is missing (is this a DfE data file?)" in err


def test_the_shipped_mapping_covers_the_demo_files_and_every_row_finds_its_column():
    mapping = read_mapping(MAPPING_FILE)
    files = sorted(demo_dfe.FOLDER.glob("*.csv"))
    imported = import_comparators(files, demo_dfe.COUNCIL_CODE, demo_dfe.neighbour_codes(), mapping)
    assert imported.not_given == ()
    assert set(imported.benchmarks["indicator_id"]) == {row.indicator_id for row in mapping}
    assert len(mapping) == 15  # CIN, CP, CLA, care leavers and the workforce's caseload
