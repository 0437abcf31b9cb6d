"""A server at its limit of people asks the next to try again in a minute, and lets them in once someone
leaves, rather than slowing everyone down."""

from __future__ import annotations

from tests.browser.conftest import AppServer, wait_for_page


def test_past_the_limit_a_visitor_is_asked_to_try_again_and_is_let_in_later(browser):
    server = AppServer("public", env={"PERFORMANCE_SESSIONS_MAX": "1"})
    try:
        first_context = browser.new_context(viewport={"width": 1280, "height": 900})
        first = first_context.new_page()
        first.goto(f"{server.url}/off_target")
        wait_for_page(first, "Off target")

        second_context = browser.new_context(viewport={"width": 1280, "height": 900})
        second = second_context.new_page()
        second.goto(f"{server.url}/off_target?month=2021-12")
        wait_for_page(second, "Too busy just now")
        assert "Please try again in a minute" in second.get_by_test_id("stMain").inner_text()
        assert second.get_by_test_id("stSidebar").count() == 0 or "Off target" not in second.title()

        first_context.close()  # the first visitor leaves
        second.wait_for_timeout(1_000)
        second.get_by_role("button", name="Try again").click()
        wait_for_page(second, "Off target")
        assert "month=2021-12" in second.url  # the link kept its choices
        assert "December 2021" in second.get_by_test_id("stMain").inner_text()
        second_context.close()
    finally:
        server.stop()
