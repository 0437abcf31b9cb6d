"""The app's settings, declared once: each environment variable with its default and what it does.

docs/deploy.md's Settings table documents every one (a test checks), and no other module reads these
variables from the environment directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One environment variable the app and its commands read."""

    name: str
    default: str
    help: str

    def value(self) -> str | None:
        """The variable's value, or None when it is unset or blank."""
        text = os.environ.get(self.name, "").strip()
        return text or None


DATA_DIR = Setting(
    "PERFORMANCE_DATA_DIR", "data/ in the repository", "the data root: a folder, or s3://, gs://, abfs://"
)
AUDIENCE = Setting("PERFORMANCE_AUDIENCE", "public", "public or internal (see SECURITY.md)")
COUNCIL_NAME = Setting(
    "PERFORMANCE_COUNCIL_NAME",
    "Example County Council on the demo data, none otherwise",
    "the council's name under the app's title",
)
CACHE_DIR = Setting(
    "PERFORMANCE_CACHE_DIR",
    "~/.cache/childrens-services-performance",
    "where prepared snapshots are kept; off to work everything out afresh each time",
)
LISTING_SECONDS = Setting(
    "PERFORMANCE_LISTING_SECONDS",
    "60",
    "how long an app server trusts its list of snapshots before it looks for new ones",
)
MEMORY_MB = Setting(
    "PERFORMANCE_MEMORY_MB",
    "1000",
    "about how much memory (MB) an app server gives to the snapshots it holds; the least "
    "recently used is let go first, and the one in use always stays; other prepared snapshots "
    "are read ahead while what is held is under half of it",
)
SESSIONS_MAX = Setting(
    "PERFORMANCE_SESSIONS_MAX",
    "60",
    "the most people one app server serves at once; the next is asked to try again in a minute",
)
CONTACT_EMAIL = Setting(
    "PERFORMANCE_CONTACT_EMAIL",
    "the demo's address on the demo data",
    "where the About page tells people to report a problem (the council's own address)",
)
STATEMENT_DATE = Setting(
    "PERFORMANCE_STATEMENT_DATE",
    "the date of this release's review",
    "the date the accessibility statement was last reviewed, YYYY-MM-DD",
)
SETTINGS = (
    DATA_DIR,
    AUDIENCE,
    COUNCIL_NAME,
    CACHE_DIR,
    LISTING_SECONDS,
    MEMORY_MB,
    SESSIONS_MAX,
    CONTACT_EMAIL,
    STATEMENT_DATE,
)


def listing_seconds() -> int:
    """LISTING_SECONDS as a whole number of seconds (at least 1); the default when it is not one."""
    text = LISTING_SECONDS.value()
    return max(1, int(text)) if text and text.isdigit() else int(LISTING_SECONDS.default)


def memory_bytes() -> int:
    """MEMORY_MB in bytes (at least 1 MB); the default when it is not a whole number."""
    text = MEMORY_MB.value()
    megabytes = max(1, int(text)) if text and text.isdigit() else int(MEMORY_MB.default)
    return megabytes * 1024 * 1024


def sessions_max() -> int:
    """SESSIONS_MAX as a whole number (at least 1); the default when it is not one."""
    text = SESSIONS_MAX.value()
    return max(1, int(text)) if text and text.isdigit() else int(SESSIONS_MAX.default)
