"""The figures in words: a sentence per indicator, a paragraph per area, a summary for the service.

Pure and deterministic: every sentence is made from the rated scorecard rows (build_scorecard), so
in the public audience it can only use figures the disclosure step left shown. A hidden figure is
never stated, and never compared with anything (no "rose", no status, no signal), so nothing in a
sentence narrows it.

Words follow polarity: "improved" and "worsened" only where higher or lower is better; a neutral
volume "rose" or "fell" and is never called good or bad. A common-cause wobble is never "worse":
an area paragraph and the service summary speak of change only where SPC found a real one.

The service summary's order (most important first):
  0. the Improvement Plan's priorities off track, where the snapshot has a plan (given as its lead);
  1. real deteriorations (SPC concerns) that began in the last three months, and indicators newly off
     target this month;
  2. real improvements (SPC) that began in the last three months;
  3. volumes (no target) newly unusually high or low (SPC);
  4. signals that have lasted longer, counted rather than named ("13 volumes unusually high for more
     than three months"): true month after month, so not news;
  5. indicators off target for longer, longest first;
  6. indicators close to target (amber);
  7. how many are on target.
At most eight sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.core.arrays import row_tuples
from metrics.core.months import format_month, months_before
from metrics.outputs.formatting import format_value, team_label
from metrics.rating import spc
from metrics.rating.performance import Performance

SIGNAL_WORDS = {
    "improvement": "SPC shows a real improvement, not chance",
    "concern": "SPC shows a real deterioration, not chance",
    "neutral_high": "SPC shows it is unusually high: a real rise, not chance",
    "neutral_low": "SPC shows it is unusually low: a real fall, not chance",
    "common_cause": "it is within normal variation (SPC)",
    "insufficient_data": "",
}
ASSURANCE_WORDS = {
    "pass": "At this level it will reliably meet the target.",
    "fail": "At this level it will not meet the target unless the way the work is done changes.",
    "inconsistent": "At this level it will sometimes meet the target and sometimes miss it.",
    "none": "",
}
STATUS_WORDS = {"red": "off target", "amber": "close to target", "green": "on target"}
COMPARABLE_UNITS = {"percent", "rate_per_10k", "days", "number"}  # a council's count is never set against England's
SIGNALS = {"improvement", "concern", "neutral_high", "neutral_low"}
MOST_SENTENCES = 8
NEW_SIGNAL_MONTHS = 3  # a signal that began this recently is news, and is named
LONG_SIGNAL_MONTHS = 12  # one this old is counted: "for a year or more"


@dataclass(frozen=True)
class Context:
    """What a sentence needs beyond its scorecard row: last year's figure and whether it was revised."""

    last_year: float | None = None
    last_year_suppressed: bool = False
    revised: bool = False
    rule: str = ""  # the SPC rule behind a signal, in words ("seven months in a row above the average")


def usual_range_side(row) -> str:
    """Which side of the target the usual range runs (SPC limits that fail the target): below or above."""
    return "below" if row.polarity == "higher_is_better" else "above"


def assurance_words(row) -> str:
    """What SPC's assurance says of the target, in a sentence that never contradicts this month's status:
    on target this month with limits that fail the target reads as one thought, not two."""
    if row.assurance == "fail" and row.rag == "green":
        return (
            f"It is on target this month, but its usual range runs {usual_range_side(row)} the target, "
            "so expect some months off it."
        )
    return ASSURANCE_WORDS.get(str(row.assurance), "")


def _shown(value, suppressed) -> bool:
    return not bool(suppressed) and value is not None and not pd.isna(value)


def change_words(now: float, before: float, polarity: str, unit: str, when: str) -> str:
    """ "improved from 55.1% in October 2021", "rose from 1,220 ...", "was unchanged from ..."."""
    before_text = format_value(before, unit)
    if format_value(now, unit) == before_text:
        return f"was unchanged from {when}"
    higher = now > before
    if polarity == "neutral":
        verb = "rose" if higher else "fell"
    else:
        better = higher == (polarity == "higher_is_better")
        verb = "improved" if better else "worsened"
    return f"{verb} from {before_text} {when}"


def status_words(row) -> str:
    """ "It is off target (red) against a target of 85.0%, and has been since July 2021."."""
    words = STATUS_WORDS.get(str(row.rag))
    if not words or pd.isna(row.target):
        return ""
    text = f"It is {words} ({row.rag}) against a target of {format_value(row.target, row.unit)}"
    months = int(row.months_at_status)
    if row.rag == "green" or months <= 1:
        return text + ("." if row.rag == "green" else ", for the first month.")
    first = months_before(row.period, months - 1)
    if row.status_from_start:
        return text + f", and has been every month since the data starts in {format_month(first)}."
    return text + f", and has been since {format_month(first)}."


def _against(value: float, other: float, unit: str, polarity: str) -> str:
    """ "the same", "better", "higher" ...: the figure against another, by polarity."""
    if format_value(value, unit) == format_value(other, unit):
        return "the same"
    higher = value > other
    if polarity == "neutral":
        return "higher" if higher else "lower"
    return "better" if higher == (polarity == "higher_is_better") else "worse"


def benchmark_words(row) -> str:
    """ "England: 87.6% (DfE 2021), so this is worse; statistical neighbours: 84.1% (mean of 10 councils),
    worse; it is in the bottom quarter of councils."."""
    if row.unit not in COMPARABLE_UNITS:
        return ""
    parts = []
    if pd.notna(row.england):
        parts.append(
            f"England: {format_value(row.england, row.unit)} (DfE {row.england_year}), so this is "
            f"{_against(row.value, row.england, row.unit, row.polarity)}"
        )
    if pd.notna(row.neighbours):
        councils = f"mean of {int(row.neighbours_councils)} councils, " if pd.notna(row.neighbours_councils) else ""
        parts.append(
            f"statistical neighbours: {format_value(row.neighbours, row.unit)} "
            f"({councils}DfE {row.neighbours_year}), "
            f"{_against(row.value, row.neighbours, row.unit, row.polarity)}"
        )
    if isinstance(row.quarter, str) and row.quarter:
        parts.append(f"it would sit in the {row.quarter} (England's quartiles, DfE {row.quartile_year})")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def indicator_sentence(row, context: Context = Context()) -> str:
    """One indicator, team and month in words (a scorecard row, as build_scorecard gives it)."""
    who = row.name if not row.team else f"{row.name} for {team_label(row.team)}"
    month = format_month(row.period)
    if bool(row.suppressed):
        return (
            f"{who} in {month} rests on a small number, so it is hidden (c), and nothing is said "
            "that would narrow it down."
        )
    if pd.isna(row.value):
        return f"{who} has no figure for {month}."
    parts = [f"{who} was {format_value(row.value, row.unit)} in {month}"]
    if _shown(row.previous_value, row.previous_suppressed):
        before = months_before(row.period, 1)
        parts.append(change_words(row.value, row.previous_value, row.polarity, row.unit, f"in {format_month(before)}"))
    if _shown(context.last_year, context.last_year_suppressed):
        parts.append(
            change_words(row.value, context.last_year, row.polarity, row.unit, "a year earlier").replace(
                "was unchanged from a year earlier", "the same as a year earlier"
            )
        )
    sentence = parts[0] + (": it " + " and ".join(parts[1:]) if len(parts) > 1 else "") + "."
    extras = [status_words(row)]
    signal = SIGNAL_WORDS.get(str(row.variation), "")
    if signal:
        rule = f": {context.rule}" if context.rule and row.variation in SIGNALS else ""
        extras.append(signal[0].upper() + signal[1:] + rule + ".")
    extras.append(assurance_words(row))
    extras.append(benchmark_words(row))
    if context.revised:
        extras.append("This figure was revised since the previous snapshot.")
    if "definition" in str(row.commentary).lower():
        extras.append("A note this month says the definition changed.")
    return " ".join(part for part in [sentence, *extras] if part)


def reading(row) -> str:
    """A one-line reading for a scorecard row, in place of separate status words that can seem to
    disagree: "Off target for 3 months; a real improvement (SPC); will not meet the target as things are"."""
    if bool(row.suppressed) or pd.isna(row.value):
        return ""
    bits = []
    words = STATUS_WORDS.get(str(row.rag))
    if words and row.rag != "green" and int(row.months_at_status) > 1:
        first = months_before(row.period, int(row.months_at_status) - 1)
        bits.append(f"{words.capitalize()} since {format_month(first)}")
    elif words:
        bits.append(words.capitalize() + (" this month" if row.rag != "green" else ""))
    if row.variation in SIGNALS:
        bits.append(
            {
                "improvement": "a real improvement",
                "concern": "a real deterioration",
                "neutral_high": "unusually high",
                "neutral_low": "unusually low",
            }[row.variation]
            + " (SPC)"
        )
    elif row.variation == "common_cause":
        bits.append("normal variation")
    if row.assurance == "fail" and row.rag == "green":
        bits = [
            f"On target this month, but its usual range runs {usual_range_side(row)} the target, "
            "so expect some months off it",
            *bits[1:],
        ]
    elif row.assurance == "fail":
        bits.append("will not meet the target as things are")
    elif row.assurance == "pass":
        bits.append("reliably meets the target")
    text = "; ".join(bits)
    return text[:1].upper() + text[1:]


def _names(rows: list[dict]) -> str:
    names = [str(row["name"]) for row in rows]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


SUMMARY_COLUMNS = ["name", "indicator_id", "team", "period", "rag", "months_at_status", "variation", "target"]
PARAGRAPH_COLUMNS = [*SUMMARY_COLUMNS, "suppressed", "value"]  # all the paragraphs read of a scorecard


def _shown_rows(rows: pd.DataFrame) -> list[dict]:
    """The rows whose figure is shown, as plain records of the columns the paragraphs read: a few dozen
    rows, where filtering the scorecard's forty-odd columns again and again was most of a page's time."""
    shown = np.flatnonzero(~rows["suppressed"].astype(bool).to_numpy() & rows["value"].notna().to_numpy())
    columns = {column: rows[column].to_numpy() for column in SUMMARY_COLUMNS}
    return [{column: values[i] for column, values in columns.items()} for i in shown]


def _since(row: dict) -> str:
    return format_month(months_before(row["period"], int(row["months_at_status"]) - 1))


def _longest_first(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: -int(row["months_at_status"]))


def area_paragraph(rows: pd.DataFrame) -> str:
    """One area's scorecard rows in a short paragraph: real changes, what is off target, what is steady."""
    rows = _shown_rows(rows)
    if not rows:
        return "No figures can be shown for this area this month."
    sentences = []
    for code, one, several in (
        ("concern", "shows a real deterioration", "show a real deterioration"),
        ("improvement", "shows a real improvement", "show a real improvement"),
        ("neutral_high", "is unusually high", "are unusually high"),
        ("neutral_low", "is unusually low", "are unusually low"),
    ):
        found = [row for row in rows if row["variation"] == code]
        if found:
            sentences.append(f"{_names(found)} {one if len(found) == 1 else several} (SPC), not chance.")
    for status in ("red", "amber"):
        found = [row for row in rows if row["rag"] == status and row["months_at_status"] == 1]
        if found:
            sentences.append(f"Newly {STATUS_WORDS[status]} this month: {_names(found)}.")
    longer = _longest_first([row for row in rows if row["rag"] == "red" and row["months_at_status"] > 1])
    if longer:
        spells = [f"{row['name']} (since {_since(row)})" for row in longer]
        sentences.append("Still off target: " + ", ".join(spells) + ".")
    steady = [
        row for row in rows if row["rag"] == "green" and row["variation"] in ("common_cause", "insufficient_data")
    ]
    if steady:
        sentences.append(f"On target and steady: {_names(steady)}.")
    if not sentences:
        sentences.append("Nothing here changed beyond normal variation.")
    return " ".join(sentences)


@dataclass(frozen=True)
class Said:
    """A sentence of the story, and the indicators (name, indicator_id, team) whose SPC chart it is about."""

    text: str
    spc: tuple[tuple[str, str, str], ...] = ()


def signal_runs(performance: Performance, rows: pd.DataFrame) -> dict[tuple[str, str], int]:
    """For each shown row with an SPC signal: how many months in a row, up to its month, its series has
    shown that same signal (as this audience sees it: a hidden month ends a run)."""
    runs = {}
    for row in _shown_rows(rows):
        if row["variation"] not in SIGNALS:
            continue
        history = performance.series(row["indicator_id"], row["team"])
        signals = history.loc[history["period"] <= row["period"], "variation"].astype("object").tolist()
        run = 0
        for signal in reversed(signals):
            if signal != row["variation"]:
                break
            run += 1
        runs[(row["indicator_id"], row["team"])] = max(run, 1)
    return runs


LONG_RUN_WORDS = {
    "neutral_high": ("volume", "volumes", "unusually high"),
    "neutral_low": ("volume", "volumes", "unusually low"),
    "concern": ("indicator", "indicators", "with a real deterioration"),
    "improvement": ("indicator", "indicators", "with a real improvement"),
}
NUMBER_WORDS = {3: "three", 4: "four", 6: "six"}


def _how_long(runs: list[int]) -> str:
    """'for a year or more', or 'for more than three months (2 for a year or more)'."""
    long = sum(run >= LONG_SIGNAL_MONTHS for run in runs)
    if long == len(runs):
        return "for a year or more"
    words = f"for more than {NUMBER_WORDS.get(NEW_SIGNAL_MONTHS, NEW_SIGNAL_MONTHS)} months"
    return words + (f" ({long} for a year or more)" if long else "")


def _is_volume(row: dict) -> bool:
    return pd.isna(row["target"]) and row["variation"] in ("neutral_high", "neutral_low")


def summary(
    rows: pd.DataFrame, runs: dict[tuple[str, str], int] | None = None, lead: tuple[str, ...] = ()
) -> list[Said]:
    """The service summary as sentences, most important first (the module's rule), each with the
    indicators whose SPC chart it is about. runs: signal_runs (without them every signal counts as new);
    lead: sentences that come first (the Improvement Plan's)."""
    rows = _shown_rows(rows)
    runs = runs or {}
    month = format_month(rows[0]["period"]) if rows else ""

    def run_of(row: dict) -> int:
        return runs.get((row["indicator_id"], row["team"]), 1)

    def new(row: dict) -> bool:
        return run_of(row) <= NEW_SIGNAL_MONTHS

    def about(found: list[dict]) -> tuple[tuple[str, str, str], ...]:
        return tuple((str(row["name"]), str(row["indicator_id"]), str(row["team"])) for row in found)

    said = [Said(text) for text in lead if text]
    worse = [
        row
        for row in rows
        if (row["variation"] == "concern" and new(row)) or (row["rag"] == "red" and row["months_at_status"] == 1)
    ]
    concerns = [row for row in worse if row["variation"] == "concern"]
    if worse:
        said.append(Said(f"Needs attention in {month}: {_names(worse)}.", about(concerns)))
    better = [row for row in rows if row["variation"] == "improvement" and new(row)]
    if better:
        said.append(Said(f"Real improvements (SPC), new in the last three months: {_names(better)}.", about(better)))
    volumes = [row for row in rows if _is_volume(row) and new(row)]
    if volumes:
        text = f"Volumes newly unusually high or low (SPC), in the last three months: {_names(volumes)}."
        said.append(Said(text, about(volumes)))
    lasting, lasting_rows = [], []
    for code, (one, several, what) in LONG_RUN_WORDS.items():
        found = [
            row
            for row in rows
            if row["variation"] == code and not new(row) and (code in ("concern", "improvement") or _is_volume(row))
        ]
        if found:
            how_long = _how_long([run_of(row) for row in found])
            lasting.append(f"{len(found)} {one if len(found) == 1 else several} {what} {how_long}")
            lasting_rows += found
    if lasting:
        text = f"Long-running signals (SPC), not news this month: {'; '.join(lasting)}."
        said.append(Said(text, about(lasting_rows)))
    longer = _longest_first(
        [
            row
            for row in rows
            if row["rag"] == "red" and row["months_at_status"] > 1 and not any(row is other for other in worse)
        ]
    )
    if longer:
        said.append(Said(f"Off target for longer: {_names(longer)}."))
    amber = [row for row in rows if row["rag"] == "amber"]
    if amber:
        said.append(Said(f"Close to target: {_names(amber)}."))
    rated = [row for row in rows if row["rag"] in ("green", "amber", "red")]
    green = [row for row in rows if row["rag"] == "green"]
    said.append(Said(f"{len(green)} of {len(rated)} indicators with a target are on target."))
    return said[:MOST_SENTENCES]


def service_summary(
    rows: pd.DataFrame, runs: dict[tuple[str, str], int] | None = None, lead: tuple[str, ...] = ()
) -> list[str]:
    """The service summary's sentences as text (see summary)."""
    return [said.text for said in summary(rows, runs, lead)]


def contexts(
    performance: Performance, rows: pd.DataFrame, revised: pd.DataFrame | None = None, tuples: list | None = None
) -> list[Context]:
    """For each scorecard row: the same month a year earlier (as shown in this audience), the SPC rule behind
    a signal, and whether the figure was revised since the previous snapshot (revised: metrics.rating.revisions rows).
    tuples: the rows as itertuples gives them, when the caller has them already."""
    if rows.empty:
        return []
    tuples = row_tuples(rows) if tuples is None else tuples
    changed = (
        set()
        if revised is None
        else set(
            zip(revised["indicator_id"].astype(str), revised["team"].astype(str), pd.to_datetime(revised["period"]))
        )
    )
    month = pd.Timestamp(rows["period"].iloc[0])
    year_ago = months_before(month, 12)
    indicators, teams = rows["indicator_id"].astype("object"), rows["team"].astype("object")
    earlier = performance.rows_between(year_ago, year_ago, list(dict.fromkeys(teams)))
    earlier = earlier[earlier["indicator_id"].isin(set(indicators)) & earlier["team"].isin(set(teams))]
    found: dict[tuple, tuple] = {}  # (indicator_id, team): (value, suppressed), the first row of each
    for key, value, hidden in zip(
        zip(earlier["indicator_id"].astype("object"), earlier["team"].astype("object")),
        earlier["value"].to_numpy(dtype="float64", na_value=np.nan),
        earlier["suppressed"].to_numpy(dtype=bool),
        strict=True,
    ):
        found.setdefault(key, (value, hidden))
    return [
        Context(
            None if np.isnan(value) else float(value),
            bool(hidden),
            (row.indicator_id, row.team, month) in changed,
            _rule(performance, row, month),
        )
        for (value, hidden), row in zip(
            (found.get(key, (np.nan, False)) for key in zip(indicators, teams)), tuples, strict=True
        )
    ]


def _rule(performance: Performance, row, month: pd.Timestamp) -> str:
    """The SPC rule behind a row's signal, from its series up to the month as this audience sees it."""
    if row.variation not in SIGNALS or bool(row.suppressed):
        return ""
    history = performance.series(row.indicator_id, row.team)
    values = history.loc[history["period"] <= month, "value"].dropna().to_numpy()
    return spc.deciding_rule(values)


def sentences(performance: Performance, rows: pd.DataFrame, revised: pd.DataFrame | None = None) -> list[str]:
    """indicator_sentence for every scorecard row, with its context."""
    tuples = row_tuples(rows)
    return [
        indicator_sentence(row, context) for row, context in zip(tuples, contexts(performance, rows, revised, tuples))
    ]
