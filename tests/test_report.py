"""The committee report: clean Word, the scorecard's own figures, nothing hidden given away."""

from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from metrics.commands import report as report_command
from metrics.outputs.formatting import format_value
from metrics.outputs.glossary import ACRONYMS
from metrics.outputs.report import APPENDIX_COLUMNS, ReportRequest, appendix_rows, build_report
from metrics.outputs.scorecard import build_scorecard, export_table
from metrics.rating.performance import build_performance
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder
from tests.apptest_helpers import download_bytes, open_page, record_downloads

NOVEMBER = pd.Timestamp("2021-11-01")


@pytest.fixture(scope="module")
def public():
    return build_performance(read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10"), "public")


@pytest.fixture(scope="module")
def document(public):
    content = build_report(public, ReportRequest(NOVEMBER, "", "Example County Council", date(2022, 2, 14)))
    return Document(io.BytesIO(content))


def all_text(document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [shape._inline.docPr.get("descr") or "" for shape in document.inline_shapes]
    return "\n".join(parts)


def test_clean_word_headings_language_title_and_repeating_header_rows(document):
    styles = [paragraph.style.name for paragraph in document.paragraphs]
    assert styles[0] == "Title"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Summary",
        "Progress against the Improvement Plan",
        "Key considerations",
        "Charts",
        "Appendix A: the scorecard",
        "Data notes",
        "Glossary",
    ]
    assert document.core_properties.title == "Children's services performance: Whole service, November 2021"
    assert document.core_properties.language == "en-GB"
    assert len(document.tables) == 9 + 5  # one per area, and one per priority of the Improvement Plan
    for table in document.tables:
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) == "true"
        assert [cell.text for cell in table.rows[0].cells][:2] in (
            ["Indicator", "This month"],
            ["Measure", "Milestone"],
        )


def test_every_picture_has_its_sentence_as_alt_text(document):
    assert len(document.inline_shapes) >= 1
    for shape in document.inline_shapes:
        alt = shape._inline.docPr.get("descr")
        assert alt and alt.endswith(".") and " was " in alt


def test_appendix_figures_are_the_scorecard_commands(public, document):
    rows = build_scorecard(public, NOVEMBER, [""])
    exported = export_table(rows)
    appendix = [table for table in document.tables if [cell.text for cell in table.rows[0].cells] == APPENDIX_COLUMNS]
    shown = [row for table in appendix for row in table.rows[1:]]
    assert len(shown) == len(exported) == 38
    for cells, (_, expected) in zip(shown, exported.iterrows()):
        value = cells.cells[1].text
        if expected["value"] == "c":
            assert value == "c"
        else:
            assert float(value.rstrip("%").replace(",", "").split(" ")[0]) == pytest.approx(
                float(expected["value"]), abs=0.05
            )
    assert appendix_rows(rows.iloc[[0]])[0][1] == "1,364"  # contacts in November, as on the pages


def test_the_glossary_lists_every_acronym_used(document):
    glossary_start = [p.text for p in document.paragraphs].index("Glossary")
    glossary = {p.text.split(":")[0] for p in document.paragraphs[glossary_start + 1 :]}
    body = "\n".join(
        [p.text for p in document.paragraphs[:glossary_start]]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        + [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    )
    used = {acronym for acronym in ACRONYMS if re.search(rf"(?<![A-Za-z]){acronym}(?![A-Za-z])", body)}
    assert {"SPC"} <= used <= glossary


def test_nothing_hidden_appears_in_the_public_report(public, document):
    internal = build_performance(read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10"), "internal")
    hidden = build_scorecard(public, NOVEMBER, [""])
    truth = build_scorecard(internal, NOVEMBER, [""]).set_index("indicator_id")
    secret = hidden[hidden["suppressed"]]
    assert len(secret) >= 1
    text = all_text(document)
    for row in secret.itertuples():
        true_value = truth.at[row.indicator_id, "value"]
        assert f"{row.name} was {format_value(true_value, row.unit)}" not in text
        assert f"{row.name} was" not in text  # no sentence states it at all


def test_the_command_writes_a_report(tmp_path, capsys):
    assert report_command.main(["--period", "2021-11", "--output", str(tmp_path / "r.docx")]) == 0
    assert "wrote" in capsys.readouterr().out
    assert Document(str(tmp_path / "r.docx")).paragraphs[0].text.startswith("Children's services performance")
    assert report_command.main(["--period", "2030-01", "--output", str(tmp_path / "x.docx")]) == 1
    assert not (tmp_path / "x.docx").exists()


def test_the_scorecard_offers_the_report_made_on_click(monkeypatch):
    record_downloads(monkeypatch)
    at = open_page("streamlit_app.py", month="2021-11")
    button = next(b for b in at.get("download_button") if b.proto.label == "Download the committee report (Word)")
    assert button.proto.deferred_file_id  # made only when asked for
    document = Document(io.BytesIO(download_bytes(button)))
    assert document.paragraphs[0].text == "Children's services performance: Whole service, November 2021"
    assert "Council: Example County Council" in [p.text for p in document.paragraphs]
