"""Browser tests: the test starts the app on 127.0.0.1 and drives Debian's Chromium with Playwright."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import missing
from ui.frame import NAVIGATION

REPOSITORY = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPOSITORY / "screenshots"
STARTUP_SECONDS = 60
# Each page's heading (its label in our navigation) and address
PAGES = {
    label: "" if path == "streamlit_app.py" else Path(path).stem
    for pages in NAVIGATION.values()
    for path, label, _ in pages
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def require_tool(path: str, package: str) -> None:
    """In CI a missing tool is a failure; on a developer's machine the test that needs it is skipped."""
    if Path(path).exists():
        return
    missing(f"{path} is missing: install Debian's {package} (apt-get install -y {package})")


def require_chromium() -> None:
    require_tool(CHROMIUM, "chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AppServer:
    """`streamlit run streamlit_app.py` on a free port, stopped when done."""

    def __init__(
        self,
        audience: str = "public",
        extra_args: tuple[str, ...] = (),
        port: int | None = None,
        data_dir: Path | str | None = None,
        env: dict[str, str] | None = None,
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PERFORMANCE_AUDIENCE": audience, **(env or {})}
        env.pop("PERFORMANCE_DATA_DIR", None)
        if data_dir is not None:
            env["PERFORMANCE_DATA_DIR"] = str(data_dir)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "streamlit_app.py",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *extra_args,
            ],
            cwd=REPOSITORY,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the app did not start within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def app():
    server = AppServer("public")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def internal_app():
    server = AppServer("internal")
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    yield opened
    context.close()


def wait_for_page(page, heading: str) -> None:
    """Wait until the page's title is drawn and Streamlit has finished running the script."""
    page.get_by_role("heading", name=heading, level=1).wait_for(timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')"  # nothing left over from the run before
        " && document.fonts.status === 'loaded'"
        # code blocks drawn (their highlighting is loaded separately)
        " && [...document.querySelectorAll('[data-testid=\"stCode\"]')].every(c => c.querySelector('code')?.textContent)",
        timeout=60_000,
    )
    settle(page)


# Resolves once the page has gone QUIET_MS without any change to the document (charts drawn, tables
# laid out), or after SETTLE_LIMIT_MS at most: a wait for the page to finish, not a guess at how long.
QUIET_MS, SETTLE_LIMIT_MS = 300, 5_000
SETTLED = """([quiet, limit]) => new Promise(resolve => {
  let timer;
  const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
  function done() { observer.disconnect(); resolve(true); }
  observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  timer = setTimeout(done, quiet);
  setTimeout(done, limit);
})"""


def settle(page) -> None:
    """Wait until nothing on the page has changed for a moment."""
    page.evaluate(SETTLED, [QUIET_MS, SETTLE_LIMIT_MS])


def sign_in_secrets(path: Path, port: int, provider: str, access: dict[str, list[str]]) -> Path:
    """A secrets.toml for an app on 127.0.0.1:port that signs in through the OpenID Connect provider at
    provider, with these [access] lists (internal_domains, internal_emails, officers)."""
    lists = "".join(f"{name} = {json.dumps(values)}\n" for name, values in access.items())
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{"s" * 40}"\n'
        'client_id = "performance-explorer"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        f"[access]\n{lists}",
        encoding="utf-8",
    )
    return path


def register(provider: str, sub: str, claims: dict) -> None:
    """Tell the local OpenID Connect provider who a user is (its claims) before they sign in."""
    request = urllib.request.Request(
        f"{provider}/users/{urllib.request.quote(sub)}",
        method="PUT",
        data=json.dumps(claims).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204


def sidebar(page) -> str:
    """The sidebar's text; data text carries invisible word joiners that stop autolinks."""
    return page.get_by_test_id("stSidebar").inner_text().replace("\u2060", "")


def sign_in(page, app, provider, sub: str) -> None:
    """Sign in on the app's scorecard as the provider's user sub."""
    page.goto(app.url)
    wait_for_page(page, "Scorecard")
    assert "Audience: public" in sidebar(page)  # sign-in configured: a visitor is public whatever the server says
    page.get_by_role("button", name="Sign in for the internal view").click()
    page.wait_for_url(f"{provider}/**", timeout=30_000)
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app.url}/**", timeout=30_000)
    wait_for_page(page, "Scorecard")
    page.get_by_test_id("stSidebar").get_by_text("Signed in as").wait_for(timeout=30_000)
