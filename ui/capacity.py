"""How many people one app server serves at once: past PERFORMANCE_SESSIONS_MAX, a new visitor is asked to
try again in a minute, rather than everyone on the server being slowed down.

A session is let in on its first run while fewer than the limit are in, and stays in for as long as it is
connected; one that was turned away is asked again on its next run (a reload, or the page's own button).
Only sessions let in count: people waiting never keep each other out.
"""

from __future__ import annotations

import threading

import streamlit as st

from metrics.core.settings import sessions_max

ADMITTED_KEY = "capacity.admitted"
TRY_AGAIN_SECONDS = 60

_lock = threading.Lock()
_admitted: set[str] = set()  # the ids of the sessions let in, while they are connected


def _session_manager():
    """The server's session manager, or None where there is no server (a page under test)."""
    try:
        from streamlit.runtime import Runtime

        return Runtime.instance()._session_mgr if Runtime.exists() else None
    except (AttributeError, RuntimeError, ImportError):  # a Streamlit without these: nobody is turned away
        return None


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return context.session_id if context is not None else None


def let_in(session_id: str, still_connected, limit: int) -> bool:
    """Whether the session is served: let in while fewer than limit connected sessions are, then kept in."""
    with _lock:
        for other in [other for other in _admitted if other != session_id and not still_connected(other)]:
            _admitted.discard(other)
        if session_id in _admitted:
            return True
        if len(_admitted) >= limit:
            return False
        _admitted.add(session_id)
        return True


def admitted() -> bool:
    """Whether this session is served (always, where there is no server to count sessions on)."""
    if st.session_state.get(ADMITTED_KEY):
        return True
    manager, session_id = _session_manager(), _session_id()
    if manager is None or session_id is None:
        return True
    if not let_in(session_id, manager.is_active_session, sessions_max()):
        return False
    st.session_state[ADMITTED_KEY] = True
    return True


def too_busy() -> None:
    """The page a visitor past the limit sees: plain words, a button to try again, and nothing else."""
    st.title("Too busy just now")
    st.warning(
        f"This server is serving as many people as it can. Please try again in a minute (about "
        f"{TRY_AGAIN_SECONDS} seconds): your link keeps your choices.",
        icon=":material/hourglass_top:",
    )
    st.button("Try again", key="capacity.try_again")
    st.stop()
