"""The Load data page: only officers see it or reach it; an officer's upload is checked exactly as ingest
checks it, every problem listed and nothing written, or previewed, published and withdrawn."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics.publishing import uploads
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder
from tests.apptest_helpers import (
    ENTRY,
    TIMEOUT,
    all_text,
    download_frame,
    exceptions,
    open_page,
    record_downloads,
    table_with,
)
from tests.test_audience import AUTH
from tests.workbook_parts import SHEET, good_workbook, streamed_sheet, with_parts

OFFICER = {"is_logged_in": True, "email": "officer@example.gov.uk", "email_verified": True}
MANAGER = {"is_logged_in": True, "email": "manager@example.gov.uk", "email_verified": True}
ACCESS = {"internal_domains": ["example.gov.uk"], "officers": ["officer@example.gov.uk"]}
EARLIER = ("2021-10-12", "2021-11-12", "2021-12-13", "2022-01-12")
NEW_AS_AT = date(2022, 2, 10)  # the demo's newest month, loaded through the page
REFUSED = "Only performance officers can load data."


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A data root holding the demo's first four snapshots; the fifth is the month an officer loads."""
    data = tmp_path / "data"
    for as_at in EARLIER:
        shutil.copytree(REPOSITORY_DATA_DIR / "snapshots" / as_at, data / "snapshots" / as_at)
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(data))
    monkeypatch.delenv("PERFORMANCE_AUDIENCE", raising=False)
    record_downloads(monkeypatch)
    return data


def demo_month_as_csv() -> list[tuple[str, bytes, str]]:
    """The demo's February 2022 snapshot as the CSV files an officer would export."""
    snapshot = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / NEW_AS_AT.isoformat())
    return [(f"{name}.csv", frame.to_csv(index=False).encode(), "text/csv") for name, frame in snapshot.tables.items()]


def load_page(user: dict | None, sign_in: bool = True) -> AppTest:
    """The Load data page reached by its address on a fresh session, as the user."""
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    if sign_in:
        at.secrets["auth"] = AUTH
        at.secrets["access"] = ACCESS
        at.user = user or {}
    at.switch_page("pages/load_data.py")
    return at.run()


def upload(at: AppTest, files, as_at: date = NEW_AS_AT) -> AppTest:
    at.date_input(key="load.as_at").set_value(as_at)
    at.file_uploader(key="load.files.0").set_value(files)
    return at.run()


def tree(folder) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def navigation(at: AppTest) -> list[str]:
    return [link.label for link in at.sidebar.get("page_link")]


@pytest.mark.parametrize(
    ("who", "user", "sign_in"),
    [("the public", None, True), ("a manager", MANAGER, True), ("nobody signed in", None, False)],
)
def test_only_officers_see_or_reach_the_page(root, who, user, sign_in):
    at = load_page(user, sign_in)
    assert exceptions(at) == []
    assert REFUSED in [warning.value for warning in at.warning]
    assert at.get("file_uploader") == []
    assert [button.key for button in at.main.button] == []
    assert "Load data" not in navigation(at), who


def test_the_internal_setting_without_sign_in_makes_nobody_an_officer(root, monkeypatch):
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    at = load_page(None, sign_in=False)
    assert "**Audience: internal**" in [markdown.value for markdown in at.sidebar.markdown]
    assert REFUSED in [warning.value for warning in at.warning]
    assert at.get("file_uploader") == []


def test_an_unverified_or_look_alike_officer_address_is_refused(root):
    for claims in (
        {**OFFICER, "email_verified": False},
        {**OFFICER, "email": "officer@example.gov.uk.evil.example"},
        {**OFFICER, "email": "offi\u212aer@example.gov.uk"},  # a Kelvin sign for the k
    ):
        at = load_page(claims)
        assert REFUSED in [warning.value for warning in at.warning], claims


def test_an_officer_sees_the_page_in_the_navigation(root):
    at = load_page(OFFICER)
    assert exceptions(at) == []
    assert "Load data" in navigation(at)
    assert at.file_uploader(key="load.files.0") is not None
    assert any("performance officer" in caption.value for caption in at.sidebar.caption)


def test_an_officer_uploads_the_demo_month_as_csv_sees_the_preview_and_publishes(root):
    before = tree(root)
    at = upload(load_page(OFFICER), demo_month_as_csv())
    assert exceptions(at) == []
    assert tree(root) == before  # checked and previewed: nothing written yet
    text = all_text(at)
    assert "The files pass every check of the data contract: 6,415 rows, 38 indicators and 10 teams" in text
    assert "beside the newest published snapshot (as at 12 January 2022, figures to December 2021)" in text
    assert "14 improving" in text and "7 worsening" in text and "7 changed RAG status" in text
    changes = table_with(at, "Status before")
    referrals = changes[changes["Indicator"] == "Referrals received"].iloc[0]
    assert referrals["December 2021 (published)"] == "304" and referrals["January 2022 (new)"] == "393"
    assert referrals["Change"] == "↑ Up"
    assert "1,016 of the 4,488 figures (23%) will show as “c”" in text
    assert "Figures revised in earlier months: 114" in text

    publish = at.button(key="load.publish")
    assert publish.disabled  # until the officer says the preview is checked
    at.checkbox(key="load.ready").check().run()
    at.button(key="load.publish").click().run()
    assert exceptions(at) == []
    assert any("Published: the snapshot as at 10 February 2022" in s.value for s in at.success)
    assert at.file_uploader(key="load.files.1").value == []  # empty for the next month
    assert at.sidebar.selectbox(key="frame.snapshot").value == "2022-02-10"  # this session moves to it
    folder = root / "snapshots" / NEW_AS_AT.isoformat()
    record = json.loads((folder / "published.json").read_text())
    assert record["by"] == "officer@example.gov.uk" and record["how"] == "Load data page"
    assert {f["name"] for f in record["files"]} == {f"{name}.csv" for name in read_snapshot_folder(folder).tables}
    assert all(len(f["sha256"]) == 64 and f["bytes"] > 0 for f in record["files"])
    log = [json.loads(line) for line in (root / "publications.jsonl").read_text().splitlines()]
    assert [(entry["action"], entry["as_at"], entry["by"]) for entry in log] == [
        ("publish", "2022-02-10", "officer@example.gov.uk")
    ]
    # The same figures as the demo's own February snapshot, and the public scorecard opens on January 2022.
    published = read_snapshot_folder(folder)
    shipped = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / NEW_AS_AT.isoformat())
    pd.testing.assert_frame_equal(published.values, shipped.values, check_categorical=False)
    scorecard = open_page("streamlit_app.py")
    assert "What the figures say: Whole service, January 2022" in [s.value for s in scorecard.subheader]


def test_a_broken_upload_lists_every_problem_and_writes_nothing(root, tmp_path):
    files = demo_month_as_csv()
    values = pd.read_csv(__import__("io").BytesIO(files[1][1]))
    values.loc[[3, 9], "period"] = "2021-13-01"
    values.loc[5, "indicator_id"] = "not_an_indicator"
    files[1] = ("values.csv", values.to_csv(index=False).encode(), "text/csv")
    files = [file for file in files if file[0] != "indicators.csv"]
    before, staging = tree(root), tmp_path / "prepared"
    at = upload(load_page(OFFICER), files)
    assert exceptions(at) == []
    assert tree(root) == before
    problems = table_with(at, "What is wrong")
    assert list(problems.columns) == ["File", "Column", "Rows", "What is wrong"]
    said = problems.to_dict("records")
    assert {
        "File": "indicators.parquet",
        "Column": "-",
        "Rows": "",
        "What is wrong": "the table is missing (it is required: a sheet named indicators, or indicators.csv or indicators.parquet)",
    } in said
    assert any(row["File"] == "values.csv" and row["Column"] == "period" and row["Rows"] == "4, 10" for row in said)
    assert "nothing has been written" in at.error[0].value
    button = next(button for button in at.get("download_button") if button.proto.label.endswith("(CSV)"))
    downloaded = download_frame(button)
    assert list(downloaded["File"]) == list(problems["File"])
    assert "load.publish" not in [button.key for button in at.button]
    assert not (staging / "staging").exists() or list((staging / "staging").iterdir()) == []


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("return.xlsm", b"PK\x03\x04 macros", "is a macro-enabled workbook (.xlsm)"),
        ("../values.csv", b"indicator_id\n", "has a folder in its name; upload the file itself"),
        ("values.csv", b"\x89PNG\r\n\x1a\n\0\0\0", "is not a CSV file (text): it looks like a binary file"),
        ("values.parquet", b"indicator_id,period\n", "is not a Parquet file"),
        ("return.xlsx", b"not a workbook at all", "is not an Excel workbook (.xlsx)"),
    ],
)
def test_each_bad_upload_gets_one_message_naming_the_file_and_nothing_is_written(root, name, content, said):
    before = tree(root)
    at = upload(load_page(OFFICER), [(name, content, "application/octet-stream")])
    assert exceptions(at) == []
    problems = table_with(at, "What is wrong")
    assert len(problems) == 1 and problems.iloc[0]["File"] == name and said in problems.iloc[0]["What is wrong"]
    assert tree(root) == before


def test_an_upload_over_the_size_limit_is_refused(root, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_MB", 0.01)
    at = upload(load_page(OFFICER), demo_month_as_csv())
    problems = table_with(at, "What is wrong")
    assert "values.csv" in set(problems["File"])
    assert any("files over 0.01 MB are refused" in why for why in problems["What is wrong"])


def test_a_zip_bomb_upload_is_refused_by_name(root, tmp_path):
    good = good_workbook(tmp_path, {name: pd.DataFrame({"x": [1]}) for name in ("values", "indicators")})
    bomb = with_parts(good, tmp_path / "bomb.xlsx", {SHEET: streamed_sheet("A1:F4000000", 300 * 1024 * 1024)})
    before = tree(root)
    at = upload(load_page(OFFICER), [("bomb.xlsx", bomb.read_bytes(), "application/octet-stream")])
    problems = table_with(at, "What is wrong")
    assert list(problems["File"]) == ["bomb.xlsx"] and "unpacks to 30" in problems.iloc[0]["What is wrong"]
    assert tree(root) == before


def test_an_as_at_date_already_there_is_refused_with_its_name(root):
    at = upload(load_page(OFFICER), demo_month_as_csv(), as_at=date(2022, 1, 12))
    assert "A snapshot as at 12 January 2022 is already there" in at.error[0].value
    assert "load.publish" not in [button.key for button in at.button]


def test_an_officer_withdraws_a_snapshot_and_pages_move_to_the_newest_left(root):
    at = load_page(OFFICER)
    at.selectbox(key="load.withdraw_which").set_value("2022-01-12")
    at.text_input(key="load.withdraw_why").input("Children in care double counted in January")
    at.checkbox(key="load.withdraw_sure").check().run()
    at.button(key="load.withdraw").click().run()
    assert exceptions(at) == []
    assert any("Withdrawn: the snapshot as at 12 January 2022" in s.value for s in at.success)
    assert sorted(p.name for p in (root / "snapshots").iterdir()) == list(EARLIER[:3])
    kept = list((root / "withdrawn").iterdir())
    assert len(kept) == 1 and kept[0].name.startswith("2022-01-12-")
    record = json.loads((kept[0] / "_WITHDRAWN").read_text())
    assert record["why"] == "Children in care double counted in January" and record["by"] == OFFICER["email"]
    log = [json.loads(line) for line in (root / "publications.jsonl").read_text().splitlines()]
    assert [(e["action"], e["as_at"], e["why"]) for e in log] == [
        ("withdraw", "2022-01-12", "Children in care double counted in January")
    ]
    scorecard = open_page("streamlit_app.py")
    assert "What the figures say: Whole service, November 2021" in [s.value for s in scorecard.subheader]
    data_page = open_page("pages/data.py")
    assert "12 January 2022" not in data_page.dataframe[0].value["As at"].to_list()


def test_withdrawing_the_only_valid_snapshot_is_refused(root):
    for as_at in EARLIER[:3]:
        shutil.rmtree(root / "snapshots" / as_at)
    at = load_page(OFFICER)
    at.selectbox(key="load.withdraw_which").set_value("2022-01-12")
    at.text_input(key="load.withdraw_why").input("wrong month")
    at.checkbox(key="load.withdraw_sure").check().run()
    at.button(key="load.withdraw").click().run()
    assert "is the only valid one, so it cannot be withdrawn" in at.error[0].value
    assert (root / "snapshots" / "2022-01-12").is_dir() and not (root / "withdrawn").exists()


def test_the_data_page_says_who_published_to_managers_and_only_when_to_the_public(root):
    at = upload(load_page(OFFICER), demo_month_as_csv())
    at.checkbox(key="load.ready").check().run()
    at.button(key="load.publish").click().run()
    public = open_page("pages/data.py")
    row = public.dataframe[0].value.iloc[0]
    assert row["As at"] == "10 February 2022" and "officer@" not in row["Published"] and row["Published"]
    manager = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    manager.secrets["auth"], manager.secrets["access"], manager.user = AUTH, ACCESS, MANAGER
    manager.switch_page("pages/data.py")
    manager.run()
    row = manager.dataframe[0].value.iloc[0]
    assert "by officer@example.gov.uk (Load data page)" in row["Published"]


def test_with_no_snapshot_at_all_an_officer_can_still_load_the_first(root):
    shutil.rmtree(root / "snapshots")
    (root / "snapshots").mkdir()
    at = upload(load_page(OFFICER), demo_month_as_csv())
    assert exceptions(at) == []
    assert "This is the first snapshot, so there is nothing to compare it with" in all_text(at)
    at.checkbox(key="load.ready").check().run()
    at.button(key="load.publish").click().run()
    assert (root / "snapshots" / "2022-02-10" / "values.parquet").is_file()


def test_an_officer_loads_the_real_annex_a_sample_with_targets(root, tmp_path):
    """The public Annex A sample (read from shared/, never committed), with a child population and targets."""
    from tests.helpers import missing
    from tests.test_annex_a import SAMPLE

    if not SAMPLE.exists():
        missing(f"the public Annex A sample is not at {SAMPLE} (it lives in shared/, not in this repository)")
    targets = pd.DataFrame(
        {
            "indicator_id": ["assessments_in_45_days"],
            "team": [None],
            "effective_from": ["2020-04-01"],
            "target": [85.0],
            "tolerance": [5.0],
        }
    )
    at = load_page(OFFICER)
    at.radio(key="load.kind").set_value("annex_a").run()
    at.number_input(key="load.population").set_value(50_000)
    at.file_uploader(key="load.targets.0").set_value(("targets.csv", targets.to_csv(index=False).encode(), "text/csv"))
    at = upload(at, [("Annex_A_sample.xlsx", SAMPLE.read_bytes(), "application/octet-stream")], date(2022, 3, 31))
    assert exceptions(at) == []
    text = all_text(at)
    assert "The files pass every check of the data contract" in text
    assert "What was read" in [expander.label.split(" (")[0] for expander in at.expander]
    assert "indicators no longer given: Average caseload" in text and "new teams: Care Leavers Team" in text
    at.checkbox(key="load.ready").check().run()
    at.button(key="load.publish").click().run()
    folder = root / "snapshots" / "2022-03-31"
    assert (folder / "annex_a_report.json").is_file()
    record = json.loads((folder / "published.json").read_text())
    assert [file["name"] for file in record["files"]] == ["Annex_A_sample.xlsx", "targets.csv"]
    published = read_snapshot_folder(folder)
    assert published.valid and list(published.table("targets")["indicator_id"]) == ["assessments_in_45_days"]
