"""Months as the service counts them: the first day of a month, months before and behind, and how a
month is written."""

from __future__ import annotations

import pandas as pd


def months_before(month, count: int) -> pd.Timestamp:
    """The first of the month `count` months before the month (after it, when negative), worked out on month
    numbers: a scorecard asks for hundreds, and pd.DateOffset takes some 20 microseconds each."""
    month = pd.Timestamp(month)
    number = month.year * 12 + month.month - 1 - int(count)
    return pd.Timestamp(year=number // 12, month=number % 12 + 1, day=1)


def format_month(period) -> str:
    """November 2021."""
    return pd.Timestamp(period).strftime("%B %Y")


def month_key(period) -> str:
    """2021-11, as months appear in links and commands."""
    return pd.Timestamp(period).strftime("%Y-%m")


def months_behind(latest_month, today) -> int:
    """Whole months between the latest month of data and the month before today.

    Data for a month is complete once the month has ended, so data up to last
    month is 0 months behind.
    """
    latest = pd.Timestamp(latest_month)
    today = pd.Timestamp(today)
    return max(0, (today.year - latest.year) * 12 + today.month - latest.month - 1)
