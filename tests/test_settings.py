"""Settings declared once (metrics/core/settings.py), documented in docs/deploy.md and named in the README,
read nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

from metrics.core.settings import SETTINGS
from metrics.disclosure.audience import audience_from, configured_audience

ROOT = Path(__file__).resolve().parent.parent
APP_FILES = [
    ROOT / "streamlit_app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
    *sorted((ROOT / "metrics").rglob("*.py")),
]


def documented_settings() -> dict[str, str]:
    """docs/deploy.md's Settings table: variable name -> the rest of its row."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = text[text.index("## Settings") : text.index("## Two servers behind nginx")]
    return {match.group(1): match.group(2) for match in re.finditer(r"^\| `(\w+)` \|(.*)$", section, re.M)}


def test_the_docs_document_every_setting_and_no_other():
    documented = documented_settings()
    assert set(documented) == {setting.name for setting in SETTINGS}
    for setting in SETTINGS:
        assert setting.default.split(" ")[0].strip("~/").split("/")[0] in documented[setting.name], setting.name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"`{setting.name}`" in readme for setting in SETTINGS)


def test_no_module_reads_a_setting_from_the_environment_itself():
    for path in APP_FILES:
        if path.name == "settings.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"environ(\.get)?\(?\[?[\"']PERFORMANCE_", text), path.name


def test_the_audience_setting(monkeypatch):
    assert audience_from(None) == "public" and audience_from(" INTERNAL ") == "internal"
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "everyone")
    assert configured_audience() == "public"
    monkeypatch.setenv("PERFORMANCE_AUDIENCE", "internal")
    assert configured_audience() == "internal"
