"""Speed as users feel it: simulated people on the app's own WebSocket protocol, timed end to end.

    python benchmarks/load.py                      # starts the app on the demo data, then measures
    python benchmarks/load.py --settings streamlit  # the same with Streamlit's defaults, to compare
    python benchmarks/load.py --url http://127.0.0.1:8080 --pid 1234  # a server already running
    python benchmarks/load.py --nginx 2            # two app servers behind deploy/nginx.conf
    python benchmarks/load.py --data-dir DIR --sessions 10 --no-memory  # regional scale (choices from DIR)
    python benchmarks/load.py --data-dir DIR --sessions 10 --new-snapshot  # a new snapshot arrives meanwhile

Each simulated session speaks Streamlit's protocol (BackMsg and ForwardMsg protobufs over
/_stcore/stream; no browser): it opens pages with realistic choices in the query string, then changes
them the way a person does, a picker at a time (month, team, indicator, from and to, the snapshot, a
tick box), or follows a link to another page. A run is timed from the request leaving to Streamlit's
`script_finished` arriving. An error is an exception shown on the page, a run that does not finish
within a minute, or a broken connection. Memory is the server's resident set size, read from /proc
(Linux). Scenarios, in one run:

- one session per page: each page opened, then 20 changes, after a warm-up visit to every page;
- a crowd: 25 sessions arriving together, then each acting every 4 to 6 seconds for a minute;
- a flood: 25 sessions with no pause for 30 seconds (throughput, runs per second);
- memory: the server's RSS after 100 runs and after 2,000.

With --new-snapshot, one scenario instead: a copy of the data folder is served (PERFORMANCE_LISTING_SECONDS
5) and, 10 seconds into a crowd acting every 4 to 6 seconds for 90 seconds, its newest snapshot is
copied as a new one dated a day later, the way ingest writes one. It reports every run's wait, the
longest, and how long until the new snapshot was prepared for the public (from the prepared-snapshot
cache). With --url, DIR must be that server's own data folder (the new snapshot is written into it)
and PERFORMANCE_CACHE_DIR its cache.

A benchmark, not a test: it prints figures and judges nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from benchmarks.report import write_section  # noqa: E402

RUN_TIMEOUT_SECONDS = 60
# Streamlit's defaults for the settings docs/performance.md discusses.
STREAMLIT_DEFAULTS = [
    "--runner.postScriptGC",
    "true",
    "--server.fileWatcherType",
    "auto",
    "--runner.magicEnabled",
    "true",
]
INDICATORS = [
    "assessments_in_45_days",
    "re_referrals_12_months",
    "children_in_care",
    "cp_plans_open",
    "referrals_received",
    "cla_rate_per_10k",
    "care_leavers_eet",
    "average_caseload",
]
MONTHS = [f"{year}-{month:02d}" for year in (2020, 2021) for month in range(1, 13)]
TEAMS = ["Whole service", "MASH", "Assessment Team 1", "Children in Care", "Safeguarding and Family Support East"]


def choices_from(data_dir: str) -> None:
    """Pick indicators, months and teams from the newest snapshot under data_dir instead of the demo's."""
    os.environ["PERFORMANCE_DATA_DIR"] = data_dir
    from metrics.prepare import prepared
    from metrics.snapshot.reading import data_root, find_snapshot_folders, read_tables

    root = data_root()
    folder = find_snapshot_folders(root)[0][0]
    checked = prepared.check(root, folder)
    indicators = read_tables(root, folder.path, ["indicators"])[0]["indicators"]["indicator_id"].astype(str)
    rng = random.Random(7)
    INDICATORS[:] = rng.sample(sorted(indicators), min(8, len(indicators)))
    MONTHS[:] = [month.strftime("%Y-%m") for month in checked.months[-24:]]
    TEAMS[:] = ["Whole service", *rng.sample(list(checked.teams), min(4, len(checked.teams)))]


PAGE_NAMES = ["", "explore", "compare", "off_target", "plan", "caseloads", "data", "glossary"]  # "": the scorecard


def page_visit(rng: random.Random, pages: list[str] | None = None) -> tuple[str, str]:
    """A page (of `pages`, or any) and a query string, as a shared link or the navigation would open it."""
    page = rng.choice(pages or PAGE_NAMES)
    choices = {
        "": [("month", rng.choice(MONTHS)), ("teams", rng.choice(TEAMS))],
        "explore": [
            ("indicator", rng.choice(INDICATORS)),
            ("teams", rng.choice(TEAMS)),
            ("from", rng.choice(MONTHS[:12])),
            ("to", rng.choice(MONTHS[12:])),
        ],
        "compare": [("indicator", rng.choice(INDICATORS)), ("month", rng.choice(MONTHS))],
        "off_target": [("month", rng.choice(MONTHS))],
        "plan": [("month", rng.choice(MONTHS))],
        "caseloads": [("month", rng.choice(MONTHS))],
        "data": [],
        "glossary": [],
    }[page]
    return page, "&".join(f"{name}={value.replace(' ', '+')}" for name, value in choices)


@dataclass
class Widget:
    id: str
    kind: str  # "selectbox" or "checkbox"
    label: str
    options: list[str] = field(default_factory=list)


@dataclass
class Run:
    page: str
    action: str  # "open" or "change"
    seconds: float
    error: str = ""
    started: float = 0.0  # time.perf_counter() when the request left


class Session:
    """One person: a WebSocket to the app, the page they are on and the pickers it shows."""

    def __init__(self, url: str, rng: random.Random, address: str | None = None):
        self.url = url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        self.rng = rng
        self.address = address  # the loopback address it connects from (127.0.0.2, ...), for fairness
        self.page = ""
        self.query = ""  # the page's address as the app last wrote it (its choices)
        self.widgets: dict[str, Widget] = {}
        self.socket = None

    async def connect(self) -> None:
        self.socket = await websockets.connect(
            self.url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=RUN_TIMEOUT_SECONDS,
            **({"local_addr": (self.address, 0)} if self.address else {}),
        )

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def open(self, page: str, query: str) -> Run:
        """Open a page from a link (or the navigation)."""
        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = query
        self.page, self.query = page, query
        return await self._run(message, "open")

    async def change(self) -> Run:
        """Change one picker on the page, as a person would; a page without one is reloaded."""
        pickers = [w for w in self.widgets.values() if w.kind == "checkbox" or len(w.options) > 1]
        message = BackMsg()
        message.rerun_script.page_name = self.page
        if not pickers:
            return await self._run(message, "change")
        # The snapshot picker is used now and then, the page's own pickers most of the time.
        weights = [1 if widget.label.startswith("Snapshot") else 6 for widget in pickers]
        widget = self.rng.choices(pickers, weights)[0]
        state = message.rerun_script.widget_states.widgets.add()
        state.id = widget.id
        if widget.kind == "checkbox":
            state.bool_value = self.rng.random() < 0.5
        else:
            state.string_value = self.rng.choice(widget.options)
        return await self._run(message, "change")

    async def _run(self, message: BackMsg, action: str) -> Run:
        started = time.perf_counter()
        error = ""
        widgets: dict[str, Widget] = {}
        try:
            await self.socket.send(message.SerializeToString())
            while True:
                raw = await asyncio.wait_for(self.socket.recv(), RUN_TIMEOUT_SECONDS)
                forward = ForwardMsg()
                forward.ParseFromString(raw)
                kind = forward.WhichOneof("type")
                if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    element = forward.delta.new_element
                    which = element.WhichOneof("type")
                    if which == "exception":
                        error = error or f"exception shown: {element.exception.message[:80]}"
                    elif which == "selectbox":
                        box = element.selectbox
                        widgets[box.id] = Widget(box.id, "selectbox", box.label, list(box.options))
                    elif which == "checkbox":
                        widgets[element.checkbox.id] = Widget(element.checkbox.id, "checkbox", element.checkbox.label)
                elif kind == "page_info_changed":
                    self.query = forward.page_info_changed.query_string
                elif kind == "script_finished":
                    status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                    if status not in ("FINISHED_SUCCESSFULLY", "FINISHED_EARLY_FOR_RERUN"):
                        error = error or f"script finished: {status}"
                    break
        except TimeoutError:
            error = f"no reply within {RUN_TIMEOUT_SECONDS} s"
        except websockets.exceptions.WebSocketException as problem:
            error = f"connection: {problem}"
        if widgets:
            self.widgets = widgets
        return Run(self.page or "scorecard", action, time.perf_counter() - started, error, started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))] if ordered else float("nan")


def summary(runs: list[Run]) -> str:
    times = [run.seconds * 1000 for run in runs]
    errors = [run.error for run in runs if run.error]
    text = (
        f"{len(runs):>5} runs  p50 {percentile(times, 0.5):7.0f} ms  p95 {percentile(times, 0.95):7.0f} ms  "
        f"max {max(times, default=float('nan')):7.0f} ms  errors {len(errors)}"
    )
    return text + (f" (first: {errors[0]})" if errors else "")


def rss_mb(pid: int | None) -> float:
    """Resident memory of a process and its children, in MB (Linux /proc)."""
    if pid is None:
        return float("nan")
    total = 0
    for candidate in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    children = [int(child) for child in found]
    return children + [grandchild for child in children for grandchild in _children(child)]


async def one_session_per_page(url: str, changes: int = 20) -> dict[str, list[Run]]:
    rng = random.Random(1)
    warm = Session(url, rng)  # every page once, so the figures are for a server that has been visited
    await warm.connect()
    for page in PAGE_NAMES:
        await warm.open(page, "")
    await warm.close()
    results = {}
    for page in PAGE_NAMES:
        session = Session(url, rng)
        await session.connect()
        runs = [await session.open(page, page_visit(random.Random(page))[1] if page else "month=2021-11")]
        for _ in range(changes):
            runs.append(await session.change())
        await session.close()
        results[page or "scorecard"] = runs
    return results


async def person(
    url: str,
    seed: int,
    until: float,
    think: tuple[float, float],
    runs: list[Run],
    start_together: asyncio.Event | None = None,
    address: str | None = None,
    pages: list[str] | None = None,
) -> None:
    """Arrive on a page, then act until the time is up: mostly change a picker, sometimes follow a link
    (to one of `pages`, or any). `address`: the loopback address the person connects from."""
    rng = random.Random(seed)
    session = Session(url, rng, address)
    if start_together is not None:
        await start_together.wait()
    try:
        await session.connect()
    except (OSError, websockets.exceptions.WebSocketException) as problem:
        runs.append(Run("connect", "open", 0.0, f"connection: {problem}"))
        return
    runs.append(await session.open(*page_visit(rng, pages)))
    while time.perf_counter() < until:
        if think[1]:
            await asyncio.sleep(rng.uniform(*think))
        if time.perf_counter() >= until:
            break
        run = await session.open(*page_visit(rng, pages)) if rng.random() < 0.25 else await session.change()
        runs.append(run)
        if run.error.startswith("connection"):
            break
    await session.close()


async def crowd(url: str, people: int, seconds: float, think: tuple[float, float]) -> tuple[list[Run], float]:
    runs: list[Run] = []
    go = asyncio.Event()
    started = time.perf_counter()
    tasks = [asyncio.create_task(person(url, seed, started + seconds, think, runs, go)) for seed in range(people)]
    go.set()
    await asyncio.gather(*tasks)
    return runs, time.perf_counter() - started


async def new_snapshot(
    url: str, data_dir: Path, people: int, seconds: float = 90, arrives_after: float = 10
) -> tuple[list[Run], float, float | None]:
    """A crowd acting every 4-6 s while a new snapshot is written; the runs, when it was written, and the
    seconds from then to its being prepared for the public (None if not within the crowd's time)."""
    from metrics.prepare.prepared import is_prepared
    from metrics.snapshot.reading import SnapshotFolder, data_root, find_snapshot_folders

    runs: list[Run] = []
    started = time.perf_counter()
    tasks = [asyncio.create_task(person(url, seed, started + seconds, (4.0, 6.0), runs)) for seed in range(people)]
    await asyncio.sleep(arrives_after)
    root = data_root(data_dir)
    newest = find_snapshot_folders(root)[0][0]
    arriving = SnapshotFolder(
        date.fromordinal(newest.as_at.toordinal() + 1),
        root.snapshot_path(date.fromordinal(newest.as_at.toordinal() + 1)),
    )
    staging = Path(root.snapshots_path) / ".arriving"  # copied, then renamed into place as ingest does
    await asyncio.to_thread(shutil.copytree, newest.path, staging)
    os.rename(staging, arriving.path)
    written = time.perf_counter()
    ready_after = None
    while time.perf_counter() < started + seconds and ready_after is None:
        if await asyncio.to_thread(is_prepared, root, arriving, "public"):
            ready_after = time.perf_counter() - written
        await asyncio.sleep(0.2)
    await asyncio.gather(*tasks)
    return runs, written, ready_after


async def memory(url: str, pid: int | None, total: int = 2000, people: int = 10) -> tuple[float, float, int]:
    """RSS after the first 100 runs and after `total`, with `people` sessions acting without a pause."""
    runs: list[Run] = []
    at_100 = float("nan")
    stop = time.perf_counter() + 3600

    async def worker(seed: int) -> None:
        nonlocal at_100
        rng = random.Random(1000 + seed)
        session = Session(url, rng)
        await session.connect()
        runs.append(await session.open(*page_visit(rng)))
        while len(runs) < total and time.perf_counter() < stop:
            runs.append(await session.open(*page_visit(rng)) if rng.random() < 0.25 else await session.change())
            if len(runs) >= 100 and at_100 != at_100:  # NaN until measured
                at_100 = rss_mb(pid)
        await session.close()

    await asyncio.gather(*(worker(seed) for seed in range(people)))
    return at_100, rss_mb(pid), sum(1 for run in runs if run.error)


def wait_until_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not become healthy within {seconds:.0f} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_app(port: int, extra: list[str], env: dict[str, str]) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        *extra,
    ]
    process = subprocess.Popen(command, cwd=REPOSITORY, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_healthy(f"http://127.0.0.1:{port}")
    if process.poll() is not None:  # something else answered on that port
        raise SystemExit(f"the app did not start on port {port} (is another server using it?)")
    return process


def start_nginx(listen: int, upstreams: list[int], folder: Path) -> subprocess.Popen:
    """Debian's nginx with deploy/nginx.conf, its ports and paths replaced for this machine."""
    from deploy.nginx import local_config

    conf = folder / "nginx.conf"
    conf.write_text(local_config(listen, upstreams, folder), encoding="utf-8")
    process = subprocess.Popen(
        [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_healthy(f"http://127.0.0.1:{listen}")
    return process


def prepare(env: dict[str, str]) -> str:
    """Prepare the snapshots of env's data folder for both audiences, as a deployment does before it starts
    its servers, into env's PERFORMANCE_CACHE_DIR (a new folder if it has none); the cache folder."""
    env.setdefault("PERFORMANCE_CACHE_DIR", tempfile.mkdtemp(prefix="load-cache-"))
    command = [sys.executable, "-m", "metrics.commands.prepare"]
    subprocess.run(command, cwd=REPOSITORY, env=env, check=True, stdout=subprocess.DEVNULL)
    return env["PERFORMANCE_CACHE_DIR"]


@dataclass
class Servers:
    url: str  # where visitors go: nginx's address if there is one, else the one app server's
    apps: list[subprocess.Popen]
    nginx: subprocess.Popen | None = None


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextlib.contextmanager
def serving(env: dict[str, str], apps: int = 1, nginx: bool = False, extra: list[str] | None = None):
    """`apps` app servers with env, behind Debian's nginx with deploy/nginx.conf if asked (with more
    than one, always); stopped when done."""
    servers = Servers("", [])
    folder = Path(tempfile.mkdtemp(prefix="load-nginx-"))
    try:
        ports = [free_port() for _ in range(apps)]
        servers.apps += [start_app(port, extra or [], env) for port in ports]
        if nginx or apps > 1:
            listen = free_port()
            servers.nginx = start_nginx(listen, ports, folder)
            servers.url = f"http://127.0.0.1:{listen}"
        else:
            servers.url = f"http://127.0.0.1:{ports[0]}"
        yield servers
    finally:
        for process in [servers.nginx, *reversed(servers.apps)]:
            if process is not None:
                stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def report(url: str, pid: int | None, label: str, quick: bool, with_memory: bool = True, sessions: int = 25) -> None:
    print(f"\n## {label}  ({url})")
    print(f"server memory at start: {rss_mb(pid):.0f} MB")
    pages = asyncio.run(one_session_per_page(url, changes=8 if quick else 20))
    print("one session per page (after a warm-up visit to each):")
    for page, runs in pages.items():
        print(f"  {page:<11} {summary(runs)}")
    everything = [run for runs in pages.values() for run in runs]
    print(f"  {'all pages':<11} {summary(everything)}")
    seconds = 20 if quick else 60
    runs, _ = asyncio.run(crowd(url, sessions, seconds, (4.0, 6.0)))
    print(f"{sessions} sessions together, then acting every 4-6 s for {seconds} s:\n  {summary(runs)}")
    seconds = 10 if quick else 30
    runs, elapsed = asyncio.run(crowd(url, sessions, seconds, (0.0, 0.0)))
    print(
        f"{sessions} sessions with no pause for {seconds} s:\n  {summary(runs)}  "
        f"throughput {len(runs) / elapsed:.1f} runs/s"
    )
    if not with_memory:
        return
    total = 400 if quick else 2000
    at_100, at_end, errors = asyncio.run(memory(url, pid, total))
    print(
        f"memory: {at_100:.0f} MB after 100 runs, {at_end:.0f} MB after {total:,} "
        f"({(at_end / at_100 - 1) * 100:+.0f}%), errors {errors}"
    )


def report_new_snapshot(url: str, data_dir: Path, sessions: int) -> None:
    print(f"\n## a new snapshot arrives  ({url}, {data_dir})")
    runs, written, ready_after = asyncio.run(new_snapshot(url, data_dir, sessions))
    after = [run for run in runs if run.started >= written]
    print(f"{sessions} sessions acting every 4-6 s for 90 s; 10 s in, a new snapshot is written:\n  {summary(runs)}")
    print(f"  from when it is written (the arrival left out): {summary(after)}")
    longest = sorted(after, key=lambda run: run.seconds)[-3:]
    print(
        "  longest waits: "
        + ", ".join(f"{run.seconds:.1f} s ({run.page or 'scorecard'}, {run.action})" for run in reversed(longest))
    )
    print(
        "  prepared for the public "
        + (f"{ready_after:.1f} s after it was written" if ready_after is not None else "not within the 90 s")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="measure a server already running here instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, for its memory")
    parser.add_argument(
        "--settings",
        choices=["project", "streamlit"],
        default="project",
        help="project: .streamlit/config.toml as shipped; streamlit: Streamlit's defaults for "
        "runner.postScriptGC and server.fileWatcherType",
    )
    parser.add_argument("--nginx", type=int, choices=[1, 2], help="start this many app servers behind nginx")
    parser.add_argument("--data-dir", help="PERFORMANCE_DATA_DIR for the servers it starts (default: the demo)")
    parser.add_argument("--quick", action="store_true", help="shorter scenarios, for a first look")
    parser.add_argument("--sessions", type=int, default=25, help="people in the crowd scenarios (default 25)")
    parser.add_argument("--no-memory", action="store_true", help="leave out the 2,000-run memory scenario")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave docs/performance.md as it is")
    parser.add_argument(
        "--new-snapshot",
        action="store_true",
        help="only the scenario of a new snapshot arriving in --data-dir while a crowd acts",
    )
    args = parser.parse_args()
    if args.data_dir:
        choices_from(args.data_dir)
    if args.new_snapshot and not args.data_dir:
        parser.error("--new-snapshot needs --data-dir")
    if args.new_snapshot and args.url:
        report_new_snapshot(args.url.rstrip("/"), Path(args.data_dir), args.sessions)
        return 0
    if args.url:
        report(args.url.rstrip("/"), args.pid, "server given", args.quick, not args.no_memory, args.sessions)
        return 0
    env = {**os.environ, "PERFORMANCE_AUDIENCE": os.environ.get("PERFORMANCE_AUDIENCE", "public")}
    copied = None
    if args.new_snapshot:  # a copy to write the new snapshot into, listed again every 5 s
        copied = Path(tempfile.mkdtemp(prefix="load-data-"))
        shutil.copytree(Path(args.data_dir) / "snapshots", copied / "snapshots")
        args.data_dir = str(copied)
        env["PERFORMANCE_LISTING_SECONDS"] = "5"
    if args.data_dir:
        env["PERFORMANCE_DATA_DIR"] = args.data_dir
    os.environ["PERFORMANCE_CACHE_DIR"] = prepare(env)  # where new_snapshot looks for it
    extra = STREAMLIT_DEFAULTS if args.settings == "streamlit" else []
    try:
        with serving(env, args.nginx or 1, bool(args.nginx), extra) as servers:
            if args.nginx:
                label = (
                    f"{args.nginx} app server{'s' if args.nginx > 1 else ''} behind nginx, settings: {args.settings}"
                )
                # memory is measured on one server without nginx; here each server's at the end
                report(servers.url, None, label, args.quick, with_memory=False, sessions=args.sessions)
                print(
                    "app servers' memory at the end: " + ", ".join(f"{rss_mb(app.pid):.0f} MB" for app in servers.apps)
                )
            elif args.new_snapshot:
                report_new_snapshot(servers.url, Path(args.data_dir), args.sessions)
            else:
                report(
                    servers.url,
                    servers.apps[0].pid,
                    f"one app server, settings: {args.settings}",
                    args.quick,
                    not args.no_memory,
                    args.sessions,
                )
    finally:
        if copied is not None:
            shutil.rmtree(copied, ignore_errors=True)
    return 0


class _Tee(io.TextIOBase):
    """Standard output, kept as well: what a run printed becomes its section of docs/performance.md."""

    def __init__(self, stream):
        self.stream, self.kept = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def section_name(argv: list[str]) -> str | None:
    """Which section of docs/performance.md a run writes: one per kind of run (None: a quick look, a
    server given by --url, or --no-write)."""
    if any(flag in argv for flag in ("--quick", "--url", "--no-write")):
        return None
    if "--new-snapshot" in argv:
        return "load-new-snapshot"
    if "--nginx" in argv:
        return f"load-nginx-{argv[argv.index('--nginx') + 1]}"
    if "--data-dir" in argv:
        return "load-regional"
    return "load-streamlit-defaults" if "streamlit" in argv else "load"


if __name__ == "__main__":
    name = section_name(sys.argv[1:])
    if name is None:
        sys.exit(main())
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        status = main()
    write_section(name, "```\n" + tee.kept.getvalue().strip() + "\n```")
    sys.exit(status)
