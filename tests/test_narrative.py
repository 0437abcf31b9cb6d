"""The figures in words, clause by clause, on rows worked out by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from metrics.outputs import narrative
from metrics.outputs.narrative import Context, area_paragraph, indicator_sentence, reading, service_summary

NAN = float("nan")


def row(**changes):
    base = dict(
        name="Assessments in time",
        team="",
        unit="percent",
        polarity="higher_is_better",
        period=pd.Timestamp("2021-11-01"),
        value=58.0,
        suppressed=False,
        previous_value=55.0,
        previous_suppressed=False,
        target=85.0,
        rag="red",
        months_at_status=8,
        status_from_start=False,
        variation="common_cause",
        assurance="none",
        england=NAN,
        england_year=None,
        neighbours=NAN,
        neighbours_year=None,
        neighbours_councils=NAN,
        quarter=None,
        quartile_year=None,
        commentary="",
        indicator_id="x",
        area="Assessment",
    )
    base.update(changes)
    return SimpleNamespace(**base)


def test_value_change_and_status_since_a_month():
    assert indicator_sentence(row()) == (
        "Assessments in time was 58.0% in November 2021: it improved from 55.0% in October 2021. "
        "It is off target (red) against a target of 85.0%, and has been since April 2021. "
        "It is within normal variation (SPC)."
    )


@pytest.mark.parametrize(
    ("polarity", "value", "expected"),
    [
        ("higher_is_better", 50.0, "worsened from 55.0%"),
        ("lower_is_better", 58.0, "worsened from 55.0%"),
        ("lower_is_better", 50.0, "improved from 55.0%"),
        ("neutral", 58.0, "rose from 55.0%"),  # a volume is never better or worse
        ("neutral", 50.0, "fell from 55.0%"),
        ("neutral", 55.0, "was unchanged from"),
    ],
)
def test_change_follows_polarity(polarity, value, expected):
    sentence = indicator_sentence(row(polarity=polarity, value=value, target=NAN, rag="none"))
    assert expected in sentence
    if polarity == "neutral":
        assert "improved" not in sentence and "worsened" not in sentence and "target" not in sentence


def test_a_year_earlier_and_off_target_since_the_data_starts():
    sentence = indicator_sentence(row(months_at_status=32, status_from_start=True), Context(last_year=83.0))
    assert "it improved from 55.0% in October 2021 and worsened from 83.0% a year earlier." in sentence
    assert "and has been every month since the data starts in April 2019." in sentence


def test_first_month_off_target_amber_and_green():
    assert "off target (red) against a target of 85.0%, for the first month." in indicator_sentence(
        row(months_at_status=1)
    )
    assert "close to target (amber) against a target of 85.0%, and has been since September 2021." in (
        indicator_sentence(row(rag="amber", months_at_status=3))
    )
    assert "It is on target (green) against a target of 85.0%." in indicator_sentence(
        row(rag="green", value=90.0, months_at_status=0)
    )


@pytest.mark.parametrize(
    ("variation", "assurance", "words"),
    [
        ("improvement", "none", "SPC shows a real improvement, not chance."),
        ("concern", "fail", "SPC shows a real deterioration, not chance. At this level it will not meet the target"),
        ("neutral_high", "none", "SPC shows it is unusually high: a real rise, not chance."),
        (
            "common_cause",
            "pass",
            "It is within normal variation (SPC). At this level it will reliably meet the target.",
        ),
        ("common_cause", "inconsistent", "sometimes meet the target and sometimes miss it."),
    ],
)
def test_signal_and_assurance(variation, assurance, words):
    assert words in indicator_sentence(row(variation=variation, assurance=assurance))


@pytest.mark.parametrize(
    ("polarity", "england", "unit", "words"),
    [
        ("higher_is_better", 67.0, "percent", "England: 67.0% (DfE 2021), so this is worse."),
        ("lower_is_better", 67.0, "percent", "England: 67.0% (DfE 2021), so this is better."),
        ("neutral", 50.0, "rate_per_10k", "England: 50.0 per 10,000 (DfE 2021), so this is higher."),
        ("neutral", 50.0, "count", ""),  # a council's count is never set against England's
    ],
)
def test_benchmark_better_or_worse_by_polarity(polarity, england, unit, words):
    sentence = indicator_sentence(
        row(polarity=polarity, unit=unit, england=england, england_year="2021", target=NAN, rag="none")
    )
    assert (words in sentence) if words else ("England" not in sentence)


def test_neighbours_and_quarter_in_words():
    sentence = indicator_sentence(
        row(
            england=87.6,
            england_year="2021",
            neighbours=84.06,
            neighbours_year="2021",
            neighbours_councils=9.0,
            quarter="bottom quarter of councils",
            quartile_year="2021",
        )
    )
    assert sentence.endswith(
        "England: 87.6% (DfE 2021), so this is worse; statistical neighbours: 84.1% (mean of 9 "
        "councils, DfE 2021), worse; it would sit in the bottom quarter of councils (England's "
        "quartiles, DfE 2021)."
    )


def test_a_hidden_figure_is_never_stated_or_compared():
    sentence = indicator_sentence(
        row(suppressed=True, value=NAN, rag="none", variation="insufficient_data"), Context(last_year=83.0)
    )
    assert sentence == (
        "Assessments in time in November 2021 rests on a small number, so it is hidden (c), and "
        "nothing is said that would narrow it down."
    )
    # last month hidden: no change is stated either way
    shown = indicator_sentence(
        row(previous_suppressed=True, previous_value=NAN), Context(83.0, last_year_suppressed=True)
    )
    assert "improved" not in shown and "worsened" not in shown and "a year earlier" not in shown
    assert reading(row(suppressed=True, value=NAN)) == ""


def test_a_signal_names_its_rule():
    sentence = indicator_sentence(
        row(variation="neutral_high", polarity="neutral", target=NAN, rag="none"),
        Context(rule="seven months in a row above the average"),
    )
    assert (
        "SPC shows it is unusually high: a real rise, not chance: seven months in a row above the average." in sentence
    )
    # no rule is named for ordinary variation
    assert indicator_sentence(row(), Context(rule="anything")).endswith("It is within normal variation (SPC).")


def test_caveats_revision_and_definition_change():
    sentence = indicator_sentence(row(commentary="The definition changed in October."), Context(revised=True))
    assert sentence.endswith(
        "This figure was revised since the previous snapshot. A note this month says the definition changed."
    )


def test_one_line_reading():
    assert reading(row(variation="concern", assurance="fail")) == (
        "Off target since April 2021; a real deterioration (SPC); will not meet the target as things are"
    )
    assert reading(row(rag="green", months_at_status=0)) == "On target; normal variation"


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame([vars(r) for r in rows])


AREA = frame(
    row(name="Visits", rag="red", months_at_status=1, variation="common_cause"),
    row(name="Reviews", rag="red", months_at_status=6, variation="common_cause"),
    row(name="Plans", rag="none", target=NAN, polarity="neutral", variation="neutral_high"),
    row(name="Meetings", rag="green", months_at_status=0, variation="common_cause", value=58.1, previous_value=58.2),
    row(name="Checks", rag="red", months_at_status=3, variation="concern"),
    row(name="Hidden", suppressed=True, value=NAN, rag="none", variation="insufficient_data"),
)


def test_area_paragraph_names_real_changes_then_off_target_then_steady():
    assert area_paragraph(AREA) == (
        "Checks shows a real deterioration (SPC), not chance. Plans is unusually high (SPC), not chance. "
        "Newly off target this month: Visits. Still off target: Reviews (since June 2021), Checks (since "
        "September 2021). On target and steady: Meetings."
    )
    assert "worse" not in area_paragraph(AREA)  # Meetings' 0.1-point wobble is not called worse
    assert "Hidden" not in area_paragraph(AREA)


def test_service_summary_order_rule():
    assert service_summary(AREA) == [
        "Needs attention in November 2021: Visits and Checks.",  # new reds and SPC concerns first
        "Volumes newly unusually high or low (SPC), in the last three months: Plans.",  # what is new next
        "Off target for longer: Reviews.",
        "1 of 4 indicators with a target are on target.",
    ]
    assert 3 <= len(service_summary(AREA)) <= narrative.MOST_SENTENCES


def test_the_demo_story_in_words():
    from metrics.outputs.scorecard import build_scorecard
    from metrics.rating.performance import build_performance
    from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder

    performance = build_performance(read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10"), "public")
    rows = build_scorecard(performance, pd.Timestamp("2021-11-01"), [""])
    said = dict(zip(rows["indicator_id"], narrative.sentences(performance, rows)))
    assert said["assessments_in_45_days"].startswith(
        "Assessments completed within 45 working days was 58.0% in November 2021: it improved from 55.1% in "
        "October 2021"
    )
    assert "It is off target (red) against a target of 85.0%" in said["assessments_in_45_days"]
    assert said["children_in_care"].startswith("Children in care was 345 in November 2021: it fell from 348")
