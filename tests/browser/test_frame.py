"""A freshly started server, first opened on a deep link, still draws the page inside our frame."""

from __future__ import annotations

from tests.browser.conftest import AppServer, wait_for_page
from ui.frame import NAVIGATION


def test_deep_link_on_a_fresh_server_shows_the_frame(browser):
    server = AppServer("public")  # nobody has opened "/" on this server
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{server.url}/explore?indicator=children_in_care&teams=Children+in+Care")
        wait_for_page(page, "Explore an indicator")
        sidebar = page.get_by_test_id("stSidebar")
        for label in (label for pages in NAVIGATION.values() for _, label, _ in pages):
            assert sidebar.get_by_role("link", name=label).is_visible()
        assert "Audience: public" in sidebar.inner_text()
        assert (
            "Demonstration data for Example County Council, up to January 2022 (snapshot as at 10 February 2022)"
            in sidebar.inner_text()
        )
        picker = sidebar.get_by_role("combobox", name="Snapshot (the day the figures were extracted)")
        assert picker.input_value() == "As at 10 February 2022"
        main = page.get_by_test_id("stMain")
        assert main.get_by_role("combobox", name="Indicator (type to search)").input_value() == (
            "Children in Care: Children in care"
        )
        # the chart, titled by its heading with the view on the line below
        assert "Children in care (number)\nChildren in Care, February 2020 to January 2022" in main.inner_text()
        # the default Streamlit page list is hidden: only our grouped navigation shows
        assert page.get_by_test_id("stSidebarNav").count() == 0
        context.close()
    finally:
        server.stop()
