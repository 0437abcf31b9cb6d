"""About this service (the accessibility statement, privacy and cookies), and the limit on sessions."""

from __future__ import annotations

import pytest

from tests.apptest_helpers import all_text, exceptions, open_page
from ui import capacity

JOINER = "\u2060"  # data text is shown literally: "@" is followed by a word joiner, so it never autolinks


def text_of(at) -> str:
    shown = all_text(at).replace(JOINER, "").replace("\\", "")  # markdown escapes, as typed text has them
    return shown


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_the_statement_names_the_council_its_contact_and_how_it_was_tested(audience, monkeypatch):
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", audience)
    at = open_page("pages/about.py")
    assert exceptions(at) == []
    text = text_of(at)
    assert "run by Example County Council" in text
    assert "performance.team@example.gov.uk" in text  # the demo's own made-up address
    for heading in (
        "Accessibility statement",
        "How accessible this service is",
        "Feedback and contact information",
        "Enforcement procedure",
        "Technical information about this service's accessibility",
        "How we tested this service",
        "Privacy and cookies",
    ):
        assert heading in text, heading
    assert "Equality Advisory and Support Service" in text and "partially compliant" in text
    assert "1366, 1280, 768 and 390 pixels wide" in text and "printed on A4" in text
    for cookie in ("_streamlit_xsrf", "_streamlit_user", "_streamlit_user_tokens", "performance_replica"):
        assert cookie in text, cookie


def test_the_councils_own_contact_and_review_date_come_from_settings(monkeypatch):
    monkeypatch.setenv("PERFORMANCE_CONTACT_EMAIL", "childrens.data@council.example")
    monkeypatch.setenv("PERFORMANCE_STATEMENT_DATE", "2027-03-01")
    text = text_of(open_page("pages/about.py"))
    assert "email childrens.data@council.example" in text and "performance.team" not in text
    assert "last reviewed on 01 March 2027" in text


def test_sessions_past_the_limit_wait_and_those_let_in_stay_in(monkeypatch):
    monkeypatch.setattr(capacity, "_admitted", set())
    connected = {"a", "b", "c"}
    assert capacity.let_in("a", connected.__contains__, 2) and capacity.let_in("b", connected.__contains__, 2)
    assert not capacity.let_in("c", connected.__contains__, 2)  # two are in: the third waits
    assert capacity.let_in("a", connected.__contains__, 2)  # one let in stays in
    connected.discard("b")  # someone leaves
    assert capacity.let_in("c", connected.__contains__, 2)  # and the one waiting is let in on trying again
    assert not capacity.let_in("d", connected.__contains__, 2)
