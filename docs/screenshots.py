"""Retake the README's screenshots from the shipped demo: `python docs/screenshots.py`.

Starts the app on 127.0.0.1 (public audience) and drives Debian's Chromium, as the browser tests do.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer, wait_for_page  # noqa: E402

FOLDER = REPOSITORY / "docs" / "screenshots"
# (file, address, page heading, width, height): the first screenful a reader sees
SHOTS = [
    ("scorecard.png", "", "Scorecard", 1280, 1400),
    ("scorecard_tablet.png", "", "Scorecard", 768, 1300),
    ("scorecard_phone.png", "", "Scorecard", 390, 1400),
    ("explore.png", "explore?indicator=children_in_care", "Explore an indicator", 1280, 1000),
    ("compare.png", "compare", "Compare teams", 1280, 1000),
    ("off_target.png", "off_target", "Off target", 1280, 1000),
    ("plan.png", "plan", "Improvement Plan", 1280, 1000),
    ("caseloads.png", "caseloads", "Caseloads", 1280, 1000),
]


def main() -> int:
    server = AppServer("public")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for file, address, heading, width, height in SHOTS:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{server.url}/{address}")
                wait_for_page(page, heading)
                page.screenshot(path=FOLDER / file)
                page.close()
                print(f"wrote {FOLDER / file}")
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
