"""The README and docs/ stay true where that can be checked: their commands run, their links resolve,
every page is in the README's table, and they tell no history (no commits, no days of work)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ui.frame import NAVIGATION, OFFICER_NAVIGATION

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.M | re.S)
COMMAND = re.compile(r"^\s*python (-m [\w.]+|[\w/]+\.py)")


def commands() -> list[str]:
    """Every `python -m ...` or `python some/script.py` the docs show in a fenced block."""
    found = set()
    for path in DOCS:
        for block in FENCE.findall(path.read_text(encoding="utf-8")):
            for line in block.splitlines():
                match = COMMAND.match(line)
                if match:
                    found.add(match.group(1))
    return sorted(found)


def test_the_docs_show_the_contracts_commands():
    assert {"-m metrics.ingest", "-m metrics.validate", "-m metrics.scorecard", "-m metrics.plan"} <= set(commands())


@pytest.mark.parametrize("command", commands())
def test_every_documented_command_answers_help(command):
    args = command.split()
    said = subprocess.run([sys.executable, *args, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert said.returncode == 0, (command, said.stderr[-500:])
    assert "usage" in said.stdout.lower(), command


def test_every_link_between_the_docs_resolves():
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            file, _, anchor = target.partition("#")
            resolved = (path.parent / file).resolve() if file else path
            assert resolved.exists(), f"{path.name} links to {target}, which is not there"
            if anchor:
                headings = re.findall(r"^#+ (.+)$", resolved.read_text(encoding="utf-8"), re.M)
                slugs = {re.sub(r"[^\w\- ]", "", heading).strip().lower().replace(" ", "-") for heading in headings}
                assert anchor in slugs, f"{path.name} links to {target}: no such heading"


def test_every_page_is_in_the_readmes_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## The pages") : readme.index("## The story in words")]
    rows = {row.split("|")[1].strip() for row in table.splitlines() if row.startswith("| ") and "---" not in row}
    for pages in (*NAVIGATION.values(), *OFFICER_NAVIGATION.values()):
        for _, label, _ in pages:
            assert any(row.startswith(label) for row in rows), label


def test_the_readme_is_for_users_and_the_docs_tell_no_history():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 260
    for path in [*DOCS, ROOT / "SECURITY.md"]:
        text = path.read_text(encoding="utf-8")
        # Benchmarks stamp their own tables with the day they ran; nothing else names a day or a commit.
        text = re.sub(r"<!-- (\S+): written by the benchmark -->.*?<!-- \1: end -->", "", text, flags=re.S)
        assert not re.search(r"\b[0-9a-f]{7,40}\b", text.replace("0x", "")), path.name
        assert not re.search(r"\bsession (began|left)|\b(first|second|third|\w+th) session\b", text, re.I), path.name
        months = "January|February|March|April|May|June|July|August|September|October|November|December"
        assert not re.search(rf"\b\d{{1,2}} ({months}) 20(2[3-9]|3\d)\b", text), path.name


def test_every_module_says_what_it_is_for():
    for path in [*(ROOT / "metrics").rglob("*.py"), *(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if path.name == "__init__.py" and not text.strip():
            continue
        assert text.lstrip().startswith('"""'), f"{path.relative_to(ROOT)} has no docstring"
