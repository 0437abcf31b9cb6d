"""The monthly cycle as an officer and the public feel it: an officer signs in (a real OpenID Connect
provider on 127.0.0.1), uploads a month on the Load data page in Chromium, waits for the checks and the
preview, and presses Publish; a public browser opens the scorecard until it shows the new month.

    python benchmarks/publish.py              # the demo month, a regional-scale month, the largest workbook
    python benchmarks/publish.py --demo-only

Measured: from choosing the files to the preview, from pressing Publish to the page saying it is
published, and from pressing Publish to the public scorecard showing the month; and the app server's
peak memory (its resident memory sampled every 20 ms) while it checks each upload. The largest workbook
is a values sheet of a million rows, the most a sheet may hold. Writes its table to docs/performance.md.
Not a test.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import numpy as np  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks.large_snapshot import write_large_snapshot  # noqa: E402
from benchmarks.report import write_section  # noqa: E402
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, read_snapshot_folder  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    free_port,
    register,
    sign_in,
    sign_in_secrets,
    wait_for_page,
)
from tests.helpers import write_csv_folder  # noqa: E402

OFFICER = "officer@example.gov.uk"
LISTING_SECONDS = 5
SAMPLE_SECONDS = 0.02
LABEL = "As at: the day the figures were extracted"


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # ended meanwhile
        return 0.0
    if "VmRSS:" not in status:  # a process that has ended but not yet been reaped holds no memory
        return 0.0
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class MemoryWatch:
    """The server's resident memory and its child processes' (the upload's check), sampled on a thread:
    the highest of each seen since start()."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.child_peak, self._running = pid, 0.0, 0.0, False

    def start(self) -> None:
        self.peak, self.child_peak, self._running = rss_mb(self.pid), 0.0, True
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while self._running:
            self.peak = max(self.peak, rss_mb(self.pid))
            self.child_peak = max([self.child_peak, *(rss_mb(child) for child in children(self.pid))])
            time.sleep(SAMPLE_SECONDS)

    def stop(self) -> tuple[float, float]:
        self._running = False
        self._thread.join()
        return self.peak, self.child_peak


def provider_server():
    import oidc_provider_mock
    import werkzeug.serving

    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def app_with_sign_in(folder: Path, data: Path, provider: str) -> AppServer:
    port = free_port()
    secrets = sign_in_secrets(folder / "secrets.toml", port, provider, {"officers": [OFFICER]})
    return AppServer(
        "public",
        extra_args=("--secrets.files", str(secrets)),
        port=port,
        data_dir=data,
        env={"PERFORMANCE_LISTING_SECONDS": str(LISTING_SECONDS), "PERFORMANCE_CACHE_DIR": str(folder / "cache")},
    )


def sign_in_as_officer(page, app: AppServer, provider: str) -> None:
    register(provider, "officer", {"email": OFFICER, "email_verified": True})
    sign_in(page, app, provider, "officer")


def choose_as_at(page, day: str, month: str, year: str) -> None:
    for part, value in (("day", day), ("month", month), ("year", year)):
        segment = page.get_by_role("spinbutton", name=f"{part}, {LABEL}")
        segment.click()
        segment.type(value)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")


def newest_month(page) -> str:
    return page.get_by_role("heading", name="What the figures say").first.inner_text().rsplit(", ", 1)[-1]


def one_cycle(
    browser, label: str, data: Path, files: list[Path], as_at: tuple[str, str, str], month: str | None
) -> str:
    """One upload and preview, timed, then (given the month the public should see) its publication; a row."""
    folder = Path(tempfile.mkdtemp(prefix="publish-"))
    provider, provider_url = provider_server()
    app = app_with_sign_in(folder, data, provider_url)
    try:
        public = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        officer = browser.new_context(viewport={"width": 1280, "height": 2000}).new_page()
        sign_in_as_officer(officer, app, provider_url)
        officer.goto(f"{app.url}/load_data")
        wait_for_page(officer, "Load data")
        choose_as_at(officer, *as_at)
        wait_for_page(officer, "Load data")
        memory = MemoryWatch(app.process.pid)
        memory.start()
        chosen = time.perf_counter()
        officer.locator("input[type=file]").first.set_input_files([str(path) for path in files])
        verdict = officer.get_by_text(re.compile(r"The files pass every check|problems? found, so nothing"))
        verdict.first.wait_for(timeout=600_000)
        wait_for_page(officer, "Load data")
        checked = time.perf_counter() - chosen
        peak, child_peak = memory.stop()
        memory_cells = f"{peak:,.0f} MB | {child_peak:,.0f} MB"
        if not officer.get_by_text("The files pass every check").count():
            said = verdict.first.inner_text()[:120]
            return f"| {label} | refused after {checked:.1f} s: {said} | | | {memory_cells} |"
        if month is None:
            return f"| {label} | {checked:.1f} s | (not published) | | {memory_cells} |"
        officer.get_by_text("I have checked the preview").click()
        wait_for_page(officer, "Load data")
        pressed = time.perf_counter()
        officer.get_by_role("button", name="Publish the snapshot").click()
        officer.get_by_text("Published: the snapshot").wait_for(timeout=600_000)
        published = time.perf_counter() - pressed
        while True:
            public.goto(app.url)
            wait_for_page(public, "Scorecard")
            if newest_month(public) == month or time.perf_counter() - pressed > 600:
                break
        public_seconds = time.perf_counter() - pressed
        return (
            f"| {label} | {checked:.1f} s | {published:.2f} s | {public_seconds:.2f} s "
            f"({'shows ' + month if newest_month(public) == month else 'never showed ' + month}) | {memory_cells} |"
        )
    finally:
        app.stop()
        provider.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def demo_case(folder: Path) -> tuple[Path, list[Path]]:
    data = folder / "demo-data"
    for as_at in ("2021-10-12", "2021-11-12", "2021-12-13", "2022-01-12"):
        shutil.copytree(REPOSITORY_DATA_DIR / "snapshots" / as_at, data / "snapshots" / as_at)
    write_csv_folder(
        folder / "demo-upload", read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10").tables
    )
    return data, sorted((folder / "demo-upload").iterdir())


def regional_case(folder: Path) -> tuple[Path, list[Path]]:
    """The regional-scale snapshot published, and the same files uploaded as the next month's."""
    data = folder / "regional-data"
    source = write_large_snapshot(data, "2022-04-10")
    return data, sorted(source.iterdir())


def largest_workbook(folder: Path, rows: int) -> Path:
    """A workbook whose values sheet holds `rows` rows (the demo's indicators, one team a row), and the
    demo's indicators sheet: as large a sheet as may be loaded."""
    demo = read_snapshot_folder(REPOSITORY_DATA_DIR / "snapshots" / "2022-02-10")
    path = folder / "largest.xlsx"
    book = openpyxl.Workbook(write_only=True)
    indicators = book.create_sheet("indicators")
    indicators.append(list(demo.indicators.columns))
    for row in demo.indicators.itertuples(index=False):
        indicators.append([None if pd.isna(value) else value for value in row])
    values = book.create_sheet("values")
    values.append(["indicator_id", "period", "team", "numerator", "denominator", "value"])
    counts = [
        i
        for i, u, a in zip(demo.indicators["indicator_id"], demo.indicators["unit"], demo.indicators["aggregation"])
        if a == "sum"
    ]
    months = [f"{year}-{month:02d}-01" for year in range(2012, 2022) for month in range(1, 13)]
    rng = np.random.default_rng(1)
    teams_needed = -(-rows // (len(counts) * len(months)))
    written = 0
    for team in range(teams_needed):
        for indicator in counts:
            for period in months:
                if written >= rows - 1:
                    break
                values.append([indicator, period, f"Team {team:03d}", None, None, float(rng.integers(0, 30))])
                written += 1
    book.save(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo-only", action="store_true", help="the demo month only")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/performance.md as it is")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    rows = [
        "| upload | from choosing the files to the preview | Publish to “published” | Publish to the public "
        "scorecard | app server's peak memory while checking | the check's own process, peak |",
        "|---|---|---|---|---|---|",
    ]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            data, files = demo_case(folder)
            lines = sum(len(path.read_text(encoding="utf-8").splitlines()) - 1 for path in files)  # less headers
            rows.append(
                one_cycle(
                    browser,
                    f"demo month, {len(files)} CSV files ({lines:,} rows)",
                    data,
                    files,
                    ("10", "02", "2022"),
                    "January 2022",
                )
            )
            print(rows[-1], flush=True)
            if not args.demo_only:
                data, files = regional_case(folder)
                size = sum(path.stat().st_size for path in files) / 1024 / 1024
                rows.append(
                    one_cycle(
                        browser,
                        f"regional scale, 4 Parquet files ({size:.0f} MB; 4,800,000 values rows)",
                        data,
                        files,
                        ("10", "05", "2022"),
                        "March 2022",
                    )
                )
                print(rows[-1], flush=True)
                for rows_in_sheet in (800_000, 1_000_000):
                    started = time.perf_counter()
                    workbook = largest_workbook(folder, rows_in_sheet)
                    made = time.perf_counter() - started
                    data, _ = demo_case(folder / f"w{rows_in_sheet}")
                    megabytes = workbook.stat().st_size / 1024 / 1024
                    rows.append(
                        one_cycle(
                            browser,
                            f"a workbook whose values sheet holds {rows_in_sheet:,} rows ({megabytes:.0f} MB; made in "
                            f"{made:.0f} s)",
                            data,
                            [workbook],
                            ("10", "02", "2022"),
                            None,
                        )
                    )
                    print(rows[-1], flush=True)
            browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    table = "\n".join(rows)
    print(table)
    if not args.no_write:
        write_section("publish", table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
