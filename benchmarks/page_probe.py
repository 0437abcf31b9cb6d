"""One page in a fresh process: first render (imports included) and warm reruns after a widget change.

Prints one JSON line. Used by benchmarks/run.py; not a test.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks.script_timer import timed_scripts  # noqa: E402

ENTRY = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
WARM_RUNS = 7

# page: (widget kind, key, two values to switch between)
CHANGES = {
    "streamlit_app.py": ("selectbox", "scorecard.team", 1, 0),
    "pages/explore.py": ("checkbox", "explore.rolling", True, False),
    "pages/compare.py": ("selectbox", "compare.month", 1, 0),
    "pages/off_target.py": ("selectbox", "off_target.month", 1, 0),
    "pages/plan.py": ("selectbox", "plan.month", 1, 0),
    "pages/caseloads.py": ("selectbox", "caseloads.month", 1, 0),  # the threshold is fixed in public
    "pages/data.py": ("multiselect", "data.teams", ["Whole service"], []),
    "pages/glossary.py": ("text_input", "glossary.search", "visits", ""),
}


def change(at: AppTest, page: str, step: int) -> None:
    kind, key, first, second = CHANGES[page]
    value = first if step % 2 == 0 else second
    try:
        widget = getattr(at, kind)(key=key)
    except KeyError:  # e.g. only one snapshot: nothing to compare, so a plain rerun
        return
    if kind == "selectbox" and value >= len(widget.options):
        return
    if kind == "selectbox":
        widget.select_index(value)
    elif kind == "checkbox":
        widget.set_value(value)
    elif kind in ("number_input", "multiselect"):
        widget.set_value(value)
    else:
        widget.input(value)


def main(page: str) -> None:
    at = AppTest.from_file(ENTRY, default_timeout=900)
    if page != "streamlit_app.py":
        at.switch_page(page)
    with timed_scripts() as first_scripts:
        at.run()
    first = time.perf_counter() - STARTED
    errors = [e.value for e in at.exception]
    with timed_scripts() as warm:
        for step in range(WARM_RUNS + 2):
            change(at, page, step)
            at.run()
    warm_runs = warm[2:]  # the first two changes fill the caches for both values
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "page": page,
                "first_s": round(first, 2),
                "first_script_s": round(first_scripts[-1], 2),
                "warm_ms": round(statistics.median(warm_runs) * 1000, 1),
                "peak_mb": round(peak_mb),
                "errors": errors,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
