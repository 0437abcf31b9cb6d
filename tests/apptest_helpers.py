"""Running pages under AppTest, and reading what they drew: charts' data and downloads' bytes."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pyarrow as pa
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

TIMEOUT = 120
ENTRY = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
PAGES = [
    "streamlit_app.py",
    "pages/explore.py",
    "pages/compare.py",
    "pages/off_target.py",
    "pages/plan.py",
    "pages/caseloads.py",
    "pages/data.py",
    "pages/glossary.py",
    "pages/about.py",
    "pages/load_data.py",  # for anyone but an officer, the page that says it is for officers
]


def open_page(page: str, **query) -> AppTest:
    """Run a page the way a browser reaches it: the entry script's frame, then that page."""
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    if page != "streamlit_app.py":
        at.switch_page(page)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def exceptions(at: AppTest) -> list[str]:
    return [e.value for e in at.exception]


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def chart_data(at: AppTest) -> list[pd.DataFrame]:
    """Every dataset behind every chart on the page, as pandas."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            if "period" in frame.columns:  # dates travel to the browser as ISO text
                frame["period"] = pd.to_datetime(frame["period"])
            frames.append(frame)
    return frames


def all_text(at: AppTest) -> str:
    """Every piece of text the page shows, tables included, as one string to search."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error", "text"):
        parts += [str(element.value) for element in at.get(kind)]
    parts += [str(metric.label) + " " + str(metric.value) for metric in at.metric]
    for frame in at.dataframe:
        value = flat(frame.value) if isinstance(frame.value, pd.DataFrame) else frame.value
        parts.append(value.to_csv(index=False) if isinstance(value, pd.DataFrame) else str(value))
    for frame in html_tables(at):
        parts.append(frame.to_csv(index=False))
    for frame in chart_data(at):
        parts.append(frame.to_csv(index=False))
    for spec in chart_specs(at):
        parts.append(json.dumps(spec))
    return "\n".join(parts)


class RecordingMediaStorage(MemoryMediaFileStorage):
    """The in-memory media store AppTest uses, remembered so tests can read downloads."""

    instances: list[RecordingMediaStorage] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingMediaStorage.instances.append(self)


class RecordingMediaFileManager(MediaFileManager):
    """AppTest's media file manager, remembered so tests can make deferred downloads as a click would."""

    instances: list[RecordingMediaFileManager] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingMediaFileManager.instances.append(self)


def record_downloads(monkeypatch) -> None:
    """Keep what AppTest's download buttons deliver, for download_bytes."""
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", RecordingMediaStorage)
    monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", RecordingMediaFileManager)


def _stored(url: str) -> bytes:
    filename = url.rsplit("/", 1)[-1]
    for storage in reversed(RecordingMediaStorage.instances):
        try:
            return storage.get_file(filename).content
        except Exception:  # not in this run's store; look in the previous one
            continue
    raise AssertionError(f"no download stored for {url}")


def download_bytes(button) -> bytes:
    """The file a download button delivers (made now, as a click would, if the page deferred it)."""
    deferred = button.proto.deferred_file_id
    if not deferred:
        return _stored(button.proto.url)
    for manager in reversed(RecordingMediaFileManager.instances):
        try:
            return _stored(manager.execute_deferred(deferred))
        except MediaFileStorageError:  # registered in another run's manager
            continue
    raise AssertionError(f"no deferred download {deferred}")


def download_frame(button) -> pd.DataFrame:
    """A download as a table: CSV, an Excel workbook, or a Word report's tables (one row per table row,
    columns from each table's header row)."""
    content = download_bytes(button)
    if content[:2] != b"PK":  # a workbook is a zip file; anything else here is CSV
        return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    if button.proto.label.endswith("(Word)"):
        from docx import Document

        rows = []
        for table in Document(io.BytesIO(content)).tables:
            header = [cell.text for cell in table.rows[0].cells]
            rows += [dict(zip(header, (cell.text for cell in row.cells))) for row in table.rows[1:]]
        return pd.DataFrame(rows)
    return pd.read_excel(io.BytesIO(content), dtype=str).fillna("")


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A shown table with coloured-label cells (lists of one label) read back as their text."""

    def text(cell):
        if isinstance(cell, (list, tuple)) or hasattr(cell, "tolist"):
            return " ".join(str(item) for item in list(cell))
        return cell

    return frame.apply(lambda column: column.map(text) if column.dtype == object else column)


def table(at, index: int) -> pd.DataFrame:
    """The index-th table on the page, labels read as text."""
    return flat(at.dataframe[index].value)


def table_with(at, column: str) -> pd.DataFrame:
    """The page's one table with this column, labels read as text."""
    found = [flat(element.value) for element in at.dataframe if column in flat(element.value).columns]
    assert len(found) == 1, (column, len(found))
    return found[0]


class _TableReader(HTMLParser):
    """Reads the tables ui/html.py draws: per cell its main text, its detail line, link and image text."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[list[str], list[list[dict]]]] = []
        self.headers: list[str] = []
        self.rows: list[list[dict]] = []
        self.cell: dict | None = None
        self.in_head = self.in_detail = False
        self.header_text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.headers, self.rows = [], []
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and not self.in_head:
            self.rows.append([])
        elif tag in ("th", "td") and self.in_head:
            self.header_text = ""
        elif tag in ("th", "td"):
            self.cell = {"text": "", "detail": "", "href": "", "image": ""}
        elif tag == "span" and "detail" in attrs.get("class", "").split():
            self.in_detail = True
        elif tag == "a" and self.cell is not None:
            self.cell["href"] = attrs.get("href", "")
        elif tag == "img" and self.cell is not None:
            self.cell["image"] = attrs.get("alt", "")

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_head = False
        elif tag in ("th", "td") and self.in_head:
            self.headers.append(self.header_text)
        elif tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None
        elif tag == "span" and self.in_detail:
            self.in_detail = False
        elif tag == "table":
            self.tables.append((self.headers, self.rows))

    def handle_data(self, data):
        if self.in_head:
            self.header_text += data
        elif self.cell is not None:
            self.cell["detail" if self.in_detail else "text"] += data


def html_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table drawn as HTML on the page: a column per header with each cell's main text, and
    "<header> detail", "<header> link" and "<header> image" columns for its second line, link and image text."""
    frames = []
    for element in at.get("html"):
        reader = _TableReader()
        reader.feed(element.value)
        for headers, rows in reader.tables:
            records = []
            for row in rows:
                record = {}
                for header, cell in zip(headers, row):
                    record[header] = cell["text"]
                    record[f"{header} detail"] = cell["detail"]
                    record[f"{header} link"] = cell["href"]
                    record[f"{header} image"] = cell["image"]
                records.append(record)
            frames.append(pd.DataFrame(records))
    return frames
