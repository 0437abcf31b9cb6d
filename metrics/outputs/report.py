"""The monthly committee report as a Word document, from the same rated figures as the pages.

In the shape of a council committee report: title and particulars, a summary, key considerations
as numbered paragraphs area by area (what the figures say, then the officers' notes), a chart for
each red indicator and each SPC concern, Appendix A (the scorecard by area), data notes and a
glossary of every term the document uses. Clean Word for officers to edit: real Heading styles,
table header rows that repeat across pages, no text in pictures (each has its sentence as alt text),
title and language (en-GB) set. In the public audience every figure has passed the disclosure step.

`python -m metrics.report` writes one (metrics/commands/report.py).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
import vl_convert
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from metrics.core.months import format_month, months_behind
from metrics.outputs import charts, narrative
from metrics.outputs import plan as plan_words
from metrics.outputs.formatting import (
    DIRECTION_LABELS,
    RAG_LABELS,
    UNIT_WORDS,
    VARIATION_LABELS,
    format_values,
    team_label,
)
from metrics.outputs.glossary import TERMS
from metrics.outputs.scorecard import build_scorecard
from metrics.outputs.series import indicator_series
from metrics.plan.measures import progress_in
from metrics.rating.performance import Performance
from metrics.snapshot.contract import WHOLE_SERVICE

COMMITTEE = "Children's Services Scrutiny Committee"
LANGUAGE = "en-GB"
APPENDIX_COLUMNS = ["Indicator", "This month", "Status", "Change", "Target", "England", "Signal (SPC)"]
PLAN_COLUMNS = ["Measure", "Milestone", "Target", "Value", "Due by now", "Status"]
CHART_MONTHS = 24
CHART_WIDTH_CM = 16


@dataclass(frozen=True)
class ReportRequest:
    """What a report is of: the month, the team ("" for the whole service) and who it is for."""

    month: pd.Timestamp
    team: str
    council: str
    today: date


def _language(document) -> None:
    """The document's language, for spelling and screen readers: core properties and the default style."""
    document.core_properties.language = LANGUAGE
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    lang.set(qn("w:val"), LANGUAGE)


def _repeat_header(row) -> None:
    """Mark a table row as a header row that Word repeats at the top of each page."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    for values in rows:
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text


def _picture(document, png: bytes, alt_text: str) -> None:
    document.add_picture(io.BytesIO(png), width=Cm(CHART_WIDTH_CM))
    inline = document.inline_shapes[-1]._inline
    properties = inline.docPr
    properties.set("descr", alt_text)
    properties.set("title", alt_text[:120])


def appendix_rows(rows: pd.DataFrame) -> list[list[str]]:
    """Appendix A's rows: each figure written as on the pages ("c" where hidden)."""
    values = format_values(rows["value"], rows["unit"], rows["suppressed"])
    previous = format_values(rows["previous_value"], rows["unit"], rows["previous_suppressed"])
    targets = format_values(rows["target"], rows["unit"], missing="")
    england = format_values(rows["england"], rows["unit"], missing="")
    return [
        [
            row.name,
            value,
            RAG_LABELS[row.rag],
            f"{DIRECTION_LABELS[row.direction]} (from {last})",
            target,
            "; ".join(
                part
                for part in (
                    f"{bench} (DfE {row.england_year})" if bench else "",
                    f"{row.quarter}" if isinstance(row.quarter, str) else "",
                )
                if part
            ),
            VARIATION_LABELS[row.variation],
        ]
        for row, value, last, target, bench in zip(rows.itertuples(index=False), values, previous, targets, england)
    ]


def plan_table_rows(entry: dict) -> list[list[str]]:
    """A priority's measures, a row per milestone, written as on the Improvement Plan page."""
    rows = []
    for measure in entry["measures"]:
        name = plan_words.measure_name(measure["rows"])
        for values in plan_words.milestone_table(measure["rows"]).itertuples(index=False):
            rows.append([name, *values])
    return rows


def _chart_png(performance: Performance, row) -> bytes:
    """The explore page's chart of the indicator over two years, as a picture."""
    start = pd.Timestamp(row.period) - pd.DateOffset(months=CHART_MONTHS - 1)
    series = indicator_series(performance, row.indicator_id, [row.team], start, pd.Timestamp(row.period))
    title = (
        f"{row.name} ({UNIT_WORDS[row.unit]}) — {team_label(row.team)}, "
        f"{format_month(start)} to {format_month(row.period)}"
    )
    chart = charts.indicator_chart(series, name=row.name, unit=row.unit, polarity=row.polarity, title=title)
    return vl_convert.vegalite_to_png(chart.properties(width=640, height=300).to_dict(), scale=2)


def terms_used(text: str) -> dict[str, str]:
    """The glossary entries for every term and acronym the text uses."""
    return {
        term: meaning
        for term, meaning in sorted(TERMS.items(), key=lambda item: item[0].lower())
        if re.search(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", text)
    }


def build_report(performance: Performance, request: ReportRequest, revised: pd.DataFrame | None = None) -> bytes:
    """The committee report for a month and team, as .docx bytes. revised: figures changed since the
    previous snapshot (metrics.rating.revisions), if there was one."""
    rows = build_scorecard(performance, request.month, [request.team])
    sentences = narrative.sentences(performance, rows, revised)
    where = team_label(request.team)
    month_words = format_month(request.month)
    texts: list[str] = []

    document = Document()
    _language(document)
    document.styles["Normal"].font.size = Pt(11)
    title = f"Children's services performance: {where}, {month_words}"
    document.core_properties.title = title
    document.core_properties.subject = f"Report to the {COMMITTEE}"

    def say(style_or_level, text: str) -> None:
        texts.append(text)
        if isinstance(style_or_level, int):
            document.add_heading(text, level=style_or_level)
        else:
            document.add_paragraph(text, style=style_or_level)

    say(0, title)
    for label, value in (
        ("Report to", COMMITTEE),
        ("Council", request.council or "the council"),
        ("Reporting month", month_words),
        ("Team", where),
        ("Figures", f"snapshot as at {performance.as_at:%d %B %Y}"),
        ("Audience", f"{performance.audience} (the figures as this audience may see them)"),
    ):
        say("Normal", f"{label}: {value}")

    progress = progress_in(performance, request.month) if request.team == WHOLE_SERVICE else pd.DataFrame()
    entries = plan_words.priorities(progress, request.month) if not progress.empty else []
    lead = (plan_words.off_track_sentence(entries),) if entries else ()
    say(1, "Summary")
    for sentence in narrative.service_summary(rows, narrative.signal_runs(performance, rows), lead):
        say("List Bullet", sentence)

    if entries:
        say(1, "Progress against the Improvement Plan")
        say(
            "Normal",
            f"Each priority's measures in {month_words}, those with a measure off track or missed first. The "
            "plan's path runs in a straight line from the baseline month's figure to each milestone's target.",
        )
        for entry in entries:
            owners = f" Owner: {'; '.join(entry['owners'])}." if entry["owners"] else ""
            measures = " ".join(measure["sentence"] for measure in entry["measures"])
            say("List Number", f"{entry['title']}.{owners} {entry['summary']} {measures}")
            table_rows = plan_table_rows(entry)
            texts.extend(" ".join(values) for values in table_rows)
            _table(document, PLAN_COLUMNS, table_rows)

    say(1, "Key considerations")
    general = _general_notes(performance, request)
    for area, positions in rows.groupby("area", sort=False).indices.items():
        part = rows.iloc[positions]
        say(2, area)
        say("List Number", narrative.area_paragraph(part))
        for note in [text for text in part["commentary"] if text]:
            say("List Number", f"Officers' note: {note}")
    for note in general:
        say("List Number", f"Officers' note: {note}")

    pictured = [
        (row, sentence)
        for row, sentence in zip(rows.itertuples(index=False), sentences)
        if not row.suppressed and (row.rag == "red" or row.variation == "concern")
    ]
    if pictured:
        say(1, "Charts")
        say(
            "Normal",
            "Each red indicator and each SPC concern over the last two years: the line is the figure, "
            "the dashed line the target and the shaded band amber.",
        )
        for row, sentence in pictured:
            say(2, row.name)
            _picture(document, _chart_png(performance, row), sentence)
            say("Normal", sentence)

    say(1, "Appendix A: the scorecard")
    say("Normal", f"{where}, {month_words}. “c” is a figure hidden because it rests on a small number.")
    for area, positions in rows.groupby("area", sort=False).indices.items():
        say(2, area)
        table_rows = appendix_rows(rows.iloc[positions])
        texts.extend(" ".join(values) for values in table_rows)
        _table(document, APPENDIX_COLUMNS, table_rows)
        for sentence in [sentences[i] for i in positions]:
            say("Normal", sentence)

    say(1, "Data notes")
    latest = performance.latest_month
    behind = months_behind(latest, request.today) if latest is not None else 0
    say(
        "List Bullet",
        f"Figures from the snapshot as at {performance.as_at:%d %B %Y}, up to {format_month(latest)} "
        f"({behind} month{'s' if behind != 1 else ''} behind {request.today:%d %B %Y}).",
    )
    if revised is None:
        say("List Bullet", "There is no earlier snapshot to compare with.")
    else:
        say(
            "List Bullet",
            f"{len(revised)} figure{'s were' if len(revised) != 1 else ' was'} revised since the "
            "previous snapshot, as late recording caught up.",
        )
    hidden = int(rows["suppressed"].sum())
    if performance.audience == "public":
        say(
            "List Bullet",
            f"Public view: numbers from 1 to 5, and figures from which one could be worked out, are "
            f"shown as “c”; {hidden} of this month's {len(rows)} figures are hidden.",
        )

    say(1, "Glossary")
    for term, meaning in terms_used("\n".join(texts)).items():
        paragraph = document.add_paragraph(style="Normal")
        paragraph.add_run(f"{term}: ").bold = True
        paragraph.add_run(meaning)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _general_notes(performance: Performance, request: ReportRequest) -> list[str]:
    """The month's notes not tied to an indicator, for the team (the whole service's for the whole service)."""
    notes = performance.commentary
    if notes is None or notes.empty:
        return []
    notes = notes[(notes["period"] == request.month) & notes["indicator_id"].isna()]
    team = notes["team"].astype("object").where(notes["team"].notna(), WHOLE_SERVICE)
    return [str(text) for text in notes.loc[team == request.team, "text"]]
