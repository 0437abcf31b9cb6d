"""The disclosure audit: nothing the public view hides can be read, or worked out, from what it publishes."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics.commands import plan as plan_command
from metrics.commands import scorecard as scorecard_command
from metrics.demo import dfe as demo_dfe
from metrics.disclosure import suppression
from metrics.rating.caseloads import CATALOGUE as CASELOAD_CATALOGUE
from metrics.rating.performance import build_performance
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder
from tests.apptest_helpers import all_text, download_frame, exceptions, open_page, record_downloads
from tests.apptest_helpers import table as shown_table
from tests.awkward_snapshot import DISABILITIES, EAST, INDICATORS, TINY, WEST, write_awkward_snapshot
from tests.disclosure_audit import (
    Publications,
    audit,
    publish_caseload_table,
    publish_dfe_own_figures,
    publish_plan_export,
    publish_preview,
    publish_rated,
    publish_scorecard_export,
    publish_series_export,
    truth,
)

AS_AT = "2022-02-10"
JANUARY = pd.Timestamp("2022-01-01")


def catalogue_of(snapshot) -> pd.DataFrame:
    return pd.concat([snapshot.indicators, CASELOAD_CATALOGUE], ignore_index=True)


def rated_publications(snapshot) -> tuple[Publications, dict]:
    """What the public rated table and caseload figures publish, and the truth behind them."""
    public, internal = build_performance(snapshot, "public"), build_performance(snapshot, "internal")
    catalogue = catalogue_of(snapshot)
    publications = Publications()
    publish_rated(publications, public.table, catalogue)
    if public.caseloads is not None:
        for row in public.caseloads.itertuples():
            publications.number(
                (row.indicator_id, "value", str(row.team), pd.Timestamp(row.period)),
                "c" if row.suppressed else row.value,
            )
    return publications, truth(internal.table, internal.caseloads, catalogue)


def command_rows(month: str) -> pd.DataFrame:
    output = io.StringIO()
    with redirect_stdout(output):
        assert scorecard_command.main(["--period", month, "--team", "all", "--format", "json"]) == 0
    return pd.DataFrame(json.loads(output.getvalue()))


@pytest.fixture
def awkward_root(tmp_path, monkeypatch):
    write_awkward_snapshot(tmp_path, AS_AT)
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PERFORMANCE_AUDIENCE", raising=False)
    return tmp_path


def awkward_snapshot(root: Path):
    return read_snapshot_folder(root / "snapshots" / AS_AT)


def test_the_audit_passes_on_everything_the_public_view_publishes(awkward_root, monkeypatch):
    """Rated table (every page and chart draws on it), the command, and the pages' tables and downloads."""
    record_downloads(monkeypatch)
    snapshot = awkward_snapshot(awkward_root)
    publications, cells = rated_publications(snapshot)
    catalogue = catalogue_of(snapshot)
    for month in ("2021-12", "2022-01"):
        publish_scorecard_export(publications, command_rows(month), catalogue)
    everyone = ["Whole service", WEST, EAST, DISABILITIES, TINY]
    for indicator in INDICATORS["indicator_id"]:
        at = open_page("pages/explore.py", indicator=indicator, teams=everyone, **{"from": "2021-11", "to": "2022-01"})
        assert exceptions(at) == []
        button = next(b for b in at.get("download_button") if b.label.endswith("(CSV)"))
        publish_series_export(publications, download_frame(button))
    at = open_page("pages/caseloads.py", month="2022-01")
    publish_caseload_table(
        publications,
        shown_table(at, 0),
        JANUARY,
        {
            "Workers": "",
            "Average": at.metric[0].value,
            "Over 20": at.metric[1].value,
            "Share over 20": at.metric[2].value,
        },
    )
    for month in ("2021-11", "2021-12", "2022-01"):  # the Improvement Plan command (the page shows the same)
        publish_plan_export(publications, plan_rows(month), catalogue)
    at = open_page("pages/plan.py", month="2022-01")
    assert exceptions(at) == [] and "c" in all_text(at)
    findings = audit(publications, cells, catalogue)
    assert findings == [], "\n".join(map(str, findings))
    assert len(publications.hidden) > 30  # the snapshot really does hide things


def plan_rows(month: str) -> list[dict]:
    output = io.StringIO()
    with redirect_stdout(output):
        assert plan_command.main(["--period", month, "--format", "json"]) == 0
    return json.loads(output.getvalue())


def test_the_plan_never_shows_a_path_from_a_hidden_baseline(awkward_root):
    """Children with Disabilities' plans start from November's 4, hidden: no trajectory until its first
    milestone has passed, and every figure the plan shows is one the scorecard shows."""
    rows = [
        row for row in plan_rows("2022-01") if row["team"] == DISABILITIES and row["indicator_id"] == "cp_plans_open"
    ]
    assert [row["trajectory"] for row in rows] == [None, None] and rows[0]["status"] == "no data"
    assert all(row["value"] in (None, "c") for row in rows)


def test_the_audit_passes_on_the_load_data_preview_in_the_public_view(awkward_root, monkeypatch):
    """An officer previews the next month in the public view: the awkward snapshot again, as at a month
    later, with December's figures revised. What the preview shows of each snapshot, with all the rest that
    snapshot publishes, gives none of its hidden figures away."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest_helpers import ENTRY, TIMEOUT, table_with
    from tests.test_audience import AUTH

    old = awkward_snapshot(awkward_root)
    tables = {name: frame.copy() for name, frame in old.tables.items()}
    values = tables["values"]
    december = (values["period"] == pd.Timestamp("2021-12-01")) & (values["indicator_id"] == "referrals_received")
    values.loc[december & values["team"].notna(), "value"] += 3  # late recording caught up
    values.loc[december & values["team"].isna(), "value"] += 3 * int((december & values["team"].notna()).sum())
    files = [(f"{name}.csv", frame.to_csv(index=False).encode(), "text/csv") for name, frame in tables.items()]
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = {"officers": ["officer@example.gov.uk"]}
    at.user = {"is_logged_in": True, "email": "officer@example.gov.uk", "email_verified": True}
    at.switch_page("pages/load_data.py")
    at.run()
    at.date_input(key="load.as_at").set_value(pd.Timestamp("2022-03-10").date())
    at.file_uploader(key="load.files.0").set_value(files)
    at.run()
    at.segmented_control(key="load.view").set_value("public").run()
    assert exceptions(at) == []
    changes, revised = table_with(at, "Status before"), table_with(at, "Difference")
    assert len(revised) > 0 and (changes["January 2022 (new)"] == "c").any()

    catalogue = catalogue_of(old)
    sides = {
        "the published snapshot": (old, "January 2022 (published)", "Old value"),
        "the upload": (_snapshot_of(tables, old), "January 2022 (new)", "New value"),
    }
    for side, (snapshot, column, revised_column) in sides.items():
        publications, cells = rated_publications(snapshot)
        publish_preview(publications, changes, revised, catalogue, column, JANUARY, revised_column)
        findings = audit(publications, cells, catalogue)
        assert findings == [], (side, "\n".join(map(str, findings[:20])))


def _snapshot_of(tables, like):
    """A snapshot holding these tables (checked as ingest checks them)."""
    from metrics.snapshot.reading import Snapshot, normalise

    return Snapshot(like.as_at, like.path, {name: normalise(name, frame.copy()) for name, frame in tables.items()})


def test_the_audit_passes_on_the_demo():
    snapshot = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / AS_AT)
    publications, cells = rated_publications(snapshot)
    # with what DfE publishes of the council's own figures, at 31 March, as a reader would know them
    at_the_month = {measure.indicator_id for measure in demo_dfe.MEASURES if measure.months == "march"}
    publish_dfe_own_figures(publications, snapshot.table("benchmarks"), catalogue_of(snapshot), at_the_month)
    # DfE's count of children in care at 31 March 2021 is the figure the scorecard shows for that month
    assert publications.numbers[("children_in_care", "value", "", pd.Timestamp("2021-03-01"))] == {303.0}
    findings = audit(publications, cells, catalogue_of(snapshot))
    assert findings == [], "\n".join(map(str, findings[:20]))


def no_links(matrix, names, whole_service):
    return {name: index for index, name in enumerate(names)}


MUTATIONS = {
    "no secondary suppression": ("_widen", lambda *args: False),
    "a hidden denominator leaves its numerator": ("_hide_with_denominators", lambda *args: False),
    "linked indicators suppressed apart": ("linked", no_links),
    "a hidden 100% left to be worked out": (
        "_exposed",
        lambda q, hidden, low, high: (
            hidden & (np.arange(len(hidden)) < q.cells) & (high - low < suppression.PROTECTION_WIDTH)
        ),
    ),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_the_audit_fails_when_a_suppression_step_is_removed(mutation, awkward_root, monkeypatch):
    name, broken = MUTATIONS[mutation]
    monkeypatch.setattr(suppression, name, broken)
    snapshot = awkward_snapshot(awkward_root)
    publications, cells = rated_publications(snapshot)
    assert audit(publications, cells, catalogue_of(snapshot)) != []


def test_the_audit_fails_without_the_difference_of_linked_columns(awkward_root, monkeypatch):
    # Child in Need plans: the tiny team's 2 is one total less the other (109 - 107)
    monkeypatch.setattr(suppression.Relations, "_differences", staticmethod(lambda grouped: iter(())))
    snapshot = awkward_snapshot(awkward_root)
    publications, cells = rated_publications(snapshot)
    findings = audit(publications, cells, catalogue_of(snapshot))
    assert any(f.cell[:3] == ("cin_plans_open", "value", TINY) for f in findings)


# --- the leaks found in review, with their figures -------------------------------------------------


def test_a_linked_denominator_does_not_print_a_hidden_count(awkward_root):
    """CP plans open, January 2022: West 150, East c, Children with Disabilities c (3), whole service 293.
    Before, the explore table for CP plans under 6 months printed East's denominator 140, so 3 followed."""
    public = build_performance(awkward_snapshot(awkward_root), "public").table
    january = public[public["period"] == JANUARY].set_index(["indicator_id", "team"])
    plans = january.loc["cp_plans_open"]
    assert plans.loc[WEST, "value"] == 150 and plans.loc["", "value"] == 293
    assert plans.loc[EAST, "suppressed"] and plans.loc[DISABILITIES, "suppressed"]
    for linked in ("cp_plans_under_6_months", "cp_visits_in_time", "cp_reviews_in_time"):
        rows = january.loc[linked]
        assert rows.loc[EAST, "denominator_suppressed"] and pd.isna(rows.loc[EAST, "denominator"])
    # reviews cover West and East only: with East's 140 hidden, its total of 290 would give 140 back
    reviews = january.loc["cp_reviews_in_time"]
    assert reviews.loc["", "denominator_suppressed"] or reviews.loc[WEST, "denominator_suppressed"]


def test_the_caseloads_page_hides_what_the_scorecard_hides(monkeypatch):
    """Demo, January 2022: the scorecard hid "Workers with more than 20 cases" for three teams whose counts
    the public caseloads page then printed: 2 of 10, 2 of 10 and 0 of 6 workers over 20."""
    leaked = {
        "Safeguarding and Family Support East": ("2", "10"),
        "Safeguarding and Family Support West": ("2", "10"),
        "Early Help South": ("0", "6"),
    }
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    internal = shown_table(open_page("pages/caseloads.py", month="2022-01"), 0).set_index("Team")
    assert {team: (internal.loc[team, "Over 20"], internal.loc[team, "Workers"]) for team in leaked} == leaked
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "public")
    scorecard = command_rows("2022-01")
    scorecard = scorecard[scorecard["indicator_id"] == "workers_over_20_cases"].set_index("team")
    table = shown_table(open_page("pages/caseloads.py", month="2022-01"), 0).set_index("Team")
    for team in leaked:
        assert scorecard.loc[team, "value"] == "c"
        assert table.loc[team, "Over 20"] == "c" and table.loc[team, "Share over 20"] == "c"


def test_a_one_worker_team_shows_no_caseload(awkward_root):
    """Before, a one-worker team showed that worker's caseload (31: numerator 31, denominator 1)."""
    public = build_performance(awkward_snapshot(awkward_root), "public")
    rows = public.table[(public.table["indicator_id"] == "average_caseload") & (public.table["team"] == TINY)]
    assert rows["suppressed"].all() and rows[["value", "numerator", "denominator"]].isna().all().all()
    at = open_page("pages/caseloads.py", month="2022-01")
    assert shown_table(at, 0).set_index("Team").loc[TINY, "Average"] == "c"
    assert "31" not in " ".join(frame.to_csv() for frame in [shown_table(at, 0)])
