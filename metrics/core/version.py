"""The release this copy is: the version in pyproject.toml, read once."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@functools.cache
def version() -> str:
    """The project's version (0.9.0), or "unknown" where pyproject.toml is not beside the code."""
    try:
        return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
