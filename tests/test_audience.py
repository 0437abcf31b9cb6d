"""Who sees what: the audience setting, sign-in with an allow-list, and suppression on every page."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from metrics.annex_a.build import REPORT_FILE, ImportReport
from tests.apptest_helpers import (
    ENTRY,
    TIMEOUT,
    all_text,
    chart_data,
    download_frame,
    exceptions,
    html_tables,
    open_page,
    record_downloads,
    table_with,
)
from tests.apptest_helpers import table as shown_table
from tests.odd_snapshot import ODD_TEAMS, write_odd_snapshot
from ui.audience import allowed

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
}
SMALL = {"1", "2", "3", "4", "5"}
WORKER_ID = re.compile(r"\bW\d+\b")


@pytest.fixture(autouse=True)
def recording(monkeypatch):
    record_downloads(monkeypatch)
    monkeypatch.delenv("PERFORMANCE_DATA_DIR", raising=False)
    monkeypatch.delenv("PERFORMANCE_AUDIENCE", raising=False)


def signed_in(user: dict | None, audience_env: str | None, monkeypatch) -> AppTest:
    if audience_env:
        monkeypatch.setenv("PERFORMANCE_AUDIENCE", audience_env)
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = {"internal_domains": ["example.gov.uk"], "internal_emails": ["chair@partner.org.uk"]}
    at.user = user or {}
    return at.run()


def sidebar_text(at) -> str:
    return " ".join(str(e.value) for e in [*at.sidebar.get("markdown"), *at.sidebar.get("caption")])


def test_public_is_the_default_and_the_environment_can_choose_internal(monkeypatch):
    assert "Audience: public" in sidebar_text(open_page("streamlit_app.py"))
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    assert "Audience: internal" in sidebar_text(open_page("streamlit_app.py"))


def test_whether_sign_in_is_configured_is_asked_once_a_session_not_every_run(monkeypatch):
    from streamlit.runtime.secrets import Secrets

    asked = []
    looked = Secrets.__contains__
    monkeypatch.setattr(Secrets, "__contains__", lambda self, key: asked.append(key) or looked(self, key))
    at = signed_in(None, None, monkeypatch)
    at.run()
    at.run()
    assert asked.count("auth") == 1  # without a secrets file, Streamlit looks on disk each time it is asked
    assert [b.label for b in at.sidebar.button] == ["Sign in for the internal view"]


def test_with_sign_in_configured_a_visitor_stays_public(monkeypatch):
    at = signed_in(None, "internal", monkeypatch)
    assert exceptions(at) == []
    assert "Audience: public" in sidebar_text(at)
    assert [b.label for b in at.sidebar.button] == ["Sign in for the internal view"]


@pytest.mark.parametrize("email", ["manager@example.gov.uk", "Chair@Partner.org.uk"])
def test_an_allowed_user_gets_the_internal_view(email, monkeypatch):
    at = signed_in({"email": email, "email_verified": True, "is_logged_in": True}, None, monkeypatch)
    assert "Audience: internal" in sidebar_text(at)
    assert [b.label for b in at.sidebar.button] == ["Sign out"]


ACCESS = {"internal_domains": ["example.gov.uk"], "internal_emails": ["chair@partner.org.uk"]}


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "manager@example.gov.uk", "email_verified": True}, True),
        ({"email": "MANAGER@Example.Gov.UK", "email_verified": True}, True),
        ({"email": "chair@partner.org.uk", "email_verified": True}, True),
        ({"email": "manager@example.gov.uk"}, False),  # no email_verified claim
        ({"email": "manager@example.gov.uk", "email_verified": False}, False),
        ({"email": "manager@example.gov.uk", "email_verified": "true"}, False),  # a string is not the claim's true
        ({"email": "manager@example.gov.u\u212a", "email_verified": True}, False),  # Kelvin sign folds to "k"
        ({"email": "manager@еxample.gov.uk", "email_verified": True}, False),  # Cyrillic "е"
        ({"email": "manager@example.gov.uk.evil.com", "email_verified": True}, False),
        ({"email": "manager@notexample.gov.uk", "email_verified": True}, False),
        ({"email": "a@b@example.gov.uk", "email_verified": True}, False),
        ({"email": None, "email_verified": True}, False),
    ],
)
def test_the_allow_list_takes_only_verified_plain_addresses(claims, expected):
    assert allowed(claims, ACCESS) is expected


def test_entra_id_is_verified_by_its_tenant_not_an_email_claim():
    tenant = "0f1e2d3c-aaaa-bbbb-cccc-1234567890ab"
    access = {**ACCESS, "tenant_id": tenant}
    ours = {"email": "manager@example.gov.uk", "tid": tenant, "iss": f"https://login.microsoftonline.com/{tenant}/v2.0"}
    assert allowed(ours, access)
    assert not allowed({**ours, "tid": "another-tenant"}, access)
    assert not allowed({**ours, "iss": "https://login.microsoftonline.com/another-tenant/v2.0"}, access)
    assert not allowed(ours, ACCESS)  # no tenant configured: the tenant claims prove nothing


def test_a_user_not_on_the_list_stays_public(monkeypatch):
    at = signed_in(
        {"email": "someone@elsewhere.com", "email_verified": True, "is_logged_in": True}, "internal", monkeypatch
    )
    assert "Audience: public" in sidebar_text(at)
    assert "not on the list for the internal view" in sidebar_text(at)


@pytest.fixture
def small_numbers(tmp_path, monkeypatch):
    write_odd_snapshot(tmp_path)
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))


def referral_rows(at) -> list[str]:
    """The shown values of the referrals indicator, from every table and download on the page."""
    values = []
    for frame in [shown_table(at, index) for index in range(len(at.dataframe))] + html_tables(at):
        if "Indicator" in frame.columns:
            frame = frame[frame["Indicator"] == "Referrals received"]
        if "Change detail" in frame.columns:  # "from 4": last month's figure
            values += [text.removeprefix("from ") for text in frame["Change detail"].astype(str)]
        for column in ("This month", "Last month", "Value", "Old value", "New value"):
            if column in frame.columns:
                values += list(frame[column].astype(str))
        if "Referrals received" in frame.columns:  # the teams-by-indicators grid
            values += [cell.split(" ")[0] for cell in frame["Referrals received"].astype(str) if cell]
    for button in at.get("download_button"):
        frame = download_frame(button)
        if "Indicator" in frame.columns:  # the committee report's Appendix A
            frame = frame[frame["Indicator"] == "Referrals received"]
            values += list(frame["This month"]) + [text.split("(from ")[-1].rstrip(")") for text in frame["Change"]]
        if "indicator_id" in frame.columns:
            frame = frame[frame["indicator_id"] == "referrals"]
            for column in ("value", "previous_value", "old_value", "new_value"):
                if column in frame.columns:
                    values += list(frame[column].astype(str))
    return values


PUBLIC_VIEWS = [
    ("streamlit_app.py", {"teams": team, "month": month}) for team in ODD_TEAMS for month in ("2021-06", "2020-10")
] + [
    (
        "pages/explore.py",
        {"indicator": "referrals", "teams": ["Whole service", *ODD_TEAMS], "from": "2020-01", "to": "2021-06"},
    ),
    ("pages/compare.py", {"indicator": "referrals", "month": "2021-06"}),
    ("pages/off_target.py", {"month": "2021-06"}),
    ("pages/data.py", {}),
    ("pages/caseloads.py", {}),
]


@pytest.mark.parametrize(("page", "query"), PUBLIC_VIEWS)
def test_public_pages_show_no_small_count_and_no_worker(page, query, small_numbers):
    at = open_page(page, **query)
    assert exceptions(at) == []
    values = referral_rows(at)
    assert not (set(values) & SMALL)
    if page in ("pages/compare.py", "pages/explore.py") or query.get("teams") == ODD_TEAMS[0]:
        assert "c" in values  # this view holds small numbers: they are there, hidden
    figures = [frame for frame in chart_data(at) if {"value", "value_text", "team_label"} <= set(frame.columns)]
    if page in ("pages/compare.py", "pages/explore.py"):
        assert figures  # the chart's teams' figures, checked below
    for frame in figures:  # a hidden figure is "c" with no number; no number shown is from 1 to 5
        hidden = frame["value_text"] == "c"
        assert not frame.loc[~hidden, "value"].dropna().between(1, 5).any()
        assert frame.loc[hidden, "value"].isna().all()
    if "teams" in query and query["teams"] == ODD_TEAMS[3]:
        assert "<script>" not in " ".join(str(m.value) for m in [*at.markdown, *at.subheader])  # shown as text
    assert not WORKER_ID.search(all_text(at))


def test_internal_pages_show_the_small_numbers_and_workers(small_numbers, monkeypatch):
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    at = open_page("streamlit_app.py", teams=ODD_TEAMS[0], month="2021-06")
    assert set(referral_rows(at)) & SMALL
    at = open_page("pages/caseloads.py")
    assert WORKER_ID.search(all_text(at))


def test_annex_a_row_counts_of_1_to_5_are_hidden_in_public(tiny_root, monkeypatch):
    report = ImportReport(
        source="annex_a.xlsx",
        as_at="2021-02-10",
        first_month="2021-01",
        last_month="2021-01",
        rows_read={"List 1": 3, "List 3": 0, "List 4": 120},
        indicators=["referrals"],
    )
    (tiny_root / "snapshots" / "2021-02-10" / REPORT_FILE).write_bytes(report.to_json())
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tiny_root))
    rows = table_with(open_page("pages/data.py"), "List").set_index("List")["Rows read"].to_dict()
    assert rows == {"List 1": "c", "List 3": "0", "List 4": "120"}
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    rows = table_with(open_page("pages/data.py"), "List").set_index("List")["Rows read"].to_dict()
    assert rows == {"List 1": "3", "List 3": "0", "List 4": "120"}
