"""Text from the data is only ever text in the browser, and every request stays on the app's own origin."""

from __future__ import annotations

import pytest

from tests.browser.conftest import AppServer, wait_for_page
from tests.helpers import write_snapshot
from tests.odd_snapshot import odd_tables

HOSTILE = (
    "Ask www.evil.example or https://evil.example/steal, write to boss@evil.example; "
    ":smile: :material/home: :red[alarm]"
)
HOSTILE_TEAM = "www.team.example :fire:"


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    tables = odd_tables()
    tables["indicators"].loc[tables["indicators"]["indicator_id"] == "timeliness", "definition"] = HOSTILE
    values = tables["values"]
    values["team"] = values["team"].replace({"Smith & Jones": HOSTILE_TEAM})
    write_snapshot(root, "2021-07-10", tables)
    server = AppServer("public", data_dir=root)
    yield server
    server.stop()


def test_data_text_never_becomes_a_link_an_emoji_or_an_icon(browser, hostile_app):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(
        f"{hostile_app.url}/explore?indicator=timeliness&teams={HOSTILE_TEAM.replace(' ', '+')}&from=2021-01&to=2021-06"
    )
    wait_for_page(page, "Explore an indicator")
    main = page.get_by_test_id("stMain")
    assert main.locator("a[href*='evil'], a[href^='mailto:'], a[href*='team.example']").count() == 0
    assert main.locator("[data-testid='stMarkdownContainer'] [role='img']").count() == 0  # no icon drawn
    assert main.locator(".stMarkdownColoredText").count() == 0  # no :red[...] colour
    text = main.inner_text().replace("\u2060", "")
    assert HOSTILE in text  # shown exactly as written
    assert "😄" not in text and "🔥" not in text
    assert f"for {HOSTILE_TEAM} " in text  # the team, in the sentence under the chart
    own = [url for url in requests if not url.startswith((hostile_app.url, "data:", "blob:"))]
    assert own == [], own  # nothing is fetched from anywhere else: fonts, icons and the favicon are the app's own
    favicon = page.locator("link[rel*='icon']").first.get_attribute("href")
    assert favicon and not favicon.startswith("http") or favicon.startswith(hostile_app.url)
    context.close()
