"""Each benchmark writes its current table into docs/performance.md, between markers of its own, with
the machine it ran on and the date: so the page always shows one run of one code, never a hand copy."""

from __future__ import annotations

import os
import platform
import sys
from datetime import date
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
PERFORMANCE_PAGE = REPOSITORY / "docs" / "performance.md"


def machine() -> str:
    """The machine in one line: cores, memory, Python and system."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
        memory_words = f"{memory:.0f} GB of memory"
    except (ValueError, OSError, AttributeError):
        memory_words = "memory unknown"
    return (
        f"{os.cpu_count()} cores, {memory_words}, Python {platform.python_version()} "
        f"({platform.system()} {platform.machine()})"
    )


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}: written by the benchmark -->", f"<!-- {name}: end -->"


def write_section(name: str, markdown: str, page: Path = PERFORMANCE_PAGE) -> None:
    """Put a benchmark's table between its markers (they must be on the page already: the page says what
    each table measures; the benchmark writes only the figures)."""
    start, end = markers(name)
    text = page.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"{page.name} has no markers for {name!r}: add {start} and {end} where its table goes")
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    body = f"{start}\n_Measured on {date.today():%d %B %Y}, on {machine()}._\n\n{markdown.strip()}\n{end}"
    page.write_text(before + body + after, encoding="utf-8")
    print(f"wrote the {name} table to {page.relative_to(REPOSITORY)}", file=sys.stderr)
