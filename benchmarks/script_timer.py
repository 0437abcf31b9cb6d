"""Time (and optionally profile) the page script itself under AppTest, without the test harness."""

from __future__ import annotations

import cProfile
import time
from contextlib import contextmanager

from streamlit.runtime.scriptrunner import script_runner

_real_exec = script_runner.exec_func_with_error_handling


@contextmanager
def timed_scripts(profile: cProfile.Profile | None = None):
    """Record the seconds each script run takes, from inside Streamlit's own script thread."""
    durations: list[float] = []

    def timed(func, ctx):
        started = time.perf_counter()
        if profile is not None:
            profile.enable()
        try:
            return _real_exec(func, ctx)
        finally:
            if profile is not None:
                profile.disable()
            durations.append(time.perf_counter() - started)

    script_runner.exec_func_with_error_handling = timed
    try:
        yield durations
    finally:
        script_runner.exec_func_with_error_handling = _real_exec
