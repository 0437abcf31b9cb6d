"""Who is looking: the public (default) or internal audience, and optional sign-in."""

from __future__ import annotations

import os

import streamlit as st

from metrics.suppression import AUDIENCE_VARIABLE, INTERNAL, PUBLIC, audience_from
from ui.display import plain

AUDIENCE_TEXT = {
    PUBLIC: (
        "Public view. Numbers from 1 to 5 are shown as “c” (and, where needed, one more figure "
        "so a hidden number cannot be worked out from a total). No worker is identified."
    ),
    INTERNAL: (
        "Internal view. Every figure is shown, including small numbers and worker ids. "
        "Do not share it outside the service."
    ),
}


def sign_in_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section for OpenID Connect sign-in."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than returning empty
        return False


def _allowed(email: str | None) -> bool:
    """Is this signed-in email on the allow-list in secrets ([access] emails or domains)?"""
    if not email:
        return False
    access = st.secrets.get("access", {})
    emails = {address.lower() for address in access.get("internal_emails", [])}
    domains = {domain.lower().lstrip("@") for domain in access.get("internal_domains", [])}
    email = email.lower()
    return email in emails or email.rsplit("@", 1)[-1] in domains


def current_audience() -> str:
    """Without sign-in, PERFORMANCE_AUDIENCE decides; with it, only allowed users are internal."""
    if not sign_in_configured():
        return audience_from(os.environ.get(AUDIENCE_VARIABLE))
    if st.user.get("is_logged_in", False) and _allowed(st.user.get("email")):
        return INTERNAL
    return PUBLIC


def sign_in_controls() -> None:
    """Sign-in or sign-out button in the sidebar, when sign-in is configured."""
    if not sign_in_configured():
        return
    if st.user.get("is_logged_in", False):
        st.caption(f"Signed in as {plain(st.user.get('email', 'you'))}")
        if not _allowed(st.user.get("email")):
            st.caption("Your account is not on the list for the internal view.")
        st.button("Sign out", on_click=st.logout, key="frame.sign_out")
    else:
        st.button("Sign in for the internal view", on_click=st.login, key="frame.sign_in")
