"""Who is looking: the public (the default) or the internal audience."""

from __future__ import annotations

from metrics.core.settings import AUDIENCE

PUBLIC = "public"
INTERNAL = "internal"
AUDIENCES = (PUBLIC, INTERNAL)


def audience_from(value: str | None) -> str:
    """The audience a setting names; anything unknown falls back to public."""
    value = (value or PUBLIC).strip().lower()
    return value if value in AUDIENCES else PUBLIC


def configured_audience() -> str:
    """The audience PERFORMANCE_AUDIENCE names (public unless it says internal)."""
    return audience_from(AUDIENCE.value())
