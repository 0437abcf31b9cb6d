"""Who is looking: the public (default) or internal audience, and optional sign-in."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import streamlit as st

from metrics.disclosure.audience import INTERNAL, PUBLIC, configured_audience
from ui.display import plain

COMPATIBILITY_FORM = "NFKC"  # Unicode compatibility composition: a full-width or styled letter becomes plain
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


# Roles follow from sign-in: the two audiences, and officers (named in the settings), who see the internal
# view and may load, publish and withdraw data. No setting without sign-in makes anyone an officer.
OFFICER = "officer"
ROLE_WORDS = {PUBLIC: "public", INTERNAL: "internal (a manager)", OFFICER: "performance officer"}
SIGN_IN_KEY = "audience.sign_in_configured"


def sign_in_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section for OpenID Connect sign-in.

    Asked once per session: without a secrets file Streamlit looks for one on disk (and raises) every
    time it is asked, several times a run. Sign-in set up while the server runs applies to new sessions.
    """
    if SIGN_IN_KEY not in st.session_state:
        try:
            st.session_state[SIGN_IN_KEY] = "auth" in st.secrets
        except Exception:  # no secrets file at all: Streamlit raises rather than returning empty
            st.session_state[SIGN_IN_KEY] = False
    return st.session_state[SIGN_IN_KEY]


def normalised_email(email: object) -> str | None:
    """An email address as compared with the allow-list (Unicode compatibility form, casefolded), or None
    if it is not plain ASCII.

    Non-ASCII addresses are refused outright: a look-alike (a Kelvin sign for "k", a Cyrillic "е")
    could otherwise fold into an allowed domain.
    """
    if not isinstance(email, str) or not email.isascii() or email.count("@") != 1:
        return None
    return unicodedata.normalize(COMPATIBILITY_FORM, email).casefold().strip()


def verified_identity(claims: Mapping, access: Mapping) -> bool:
    """The provider vouches for the address: email_verified is true, or (Microsoft Entra ID, which
    does not send email_verified) the token comes from the council's own tenant."""
    if claims.get("email_verified") is True:
        return True
    tenant = str(access.get("tenant_id", "")).strip().casefold()
    return (
        bool(tenant)
        and str(claims.get("tid", "")).casefold() == tenant
        and (f"/{tenant}/" in str(claims.get("iss", "")).casefold())
    )


def allowed(claims: Mapping, access: Mapping) -> bool:
    """Is this signed-in identity verified and on the allow-list ([access] emails or domains)?"""
    email = normalised_email(claims.get("email"))
    if email is None or not verified_identity(claims, access):
        return False
    emails = {normalised_email(address) for address in access.get("internal_emails", [])}
    domains = {normalised_email(f"x@{domain.lstrip('@')}") for domain in access.get("internal_domains", [])}
    return email in emails or f"x@{email.rsplit('@', 1)[1]}" in domains


def officer(claims: Mapping, access: Mapping) -> bool:
    """Is this signed-in identity verified and listed, address by address, under [access] officers?"""
    email = normalised_email(claims.get("email"))
    if email is None or not verified_identity(claims, access):
        return False
    return email in {normalised_email(address) for address in access.get("officers", [])}


def role_of(claims: Mapping, access: Mapping) -> str:
    """The role a signed-in identity has: officer, internal or public."""
    if officer(claims, access):
        return OFFICER
    return INTERNAL if allowed(claims, access) else PUBLIC


def current_role() -> str:
    """Without sign-in, PERFORMANCE_AUDIENCE decides between public and internal, and nobody is an officer;
    with it, the signed-in identity's role (public when not signed in)."""
    if not sign_in_configured():
        return configured_audience()
    if not st.user.get("is_logged_in", False):
        return PUBLIC
    return role_of(st.user.to_dict(), st.secrets.get("access", {}))


def audience_of(role: str) -> str:
    """The audience a role sees: officers see the internal view."""
    return INTERNAL if role == OFFICER else role


def current_audience() -> str:
    """The audience of the current role."""
    return audience_of(current_role())


def signed_in_email() -> str | None:
    """The signed-in user's address, as their provider gave it (None when nobody is signed in)."""
    if not sign_in_configured() or not st.user.get("is_logged_in", False):
        return None
    email = st.user.get("email")
    return str(email) if email else None


def sign_in_controls(role: str) -> None:
    """Sign-in or sign-out button in the sidebar, when sign-in is configured."""
    if not sign_in_configured():
        return
    if st.user.get("is_logged_in", False):
        st.caption(f"Signed in as {plain(st.user.get('email', 'you'))}: {ROLE_WORDS[role]}")
        if role == PUBLIC:
            st.caption(
                "Your account is not on the list for the internal view, or its email address is not "
                "verified by your sign-in provider."
            )
        st.button("Sign out", on_click=st.logout, key="frame.sign_out")
    else:
        st.button("Sign in for the internal view", on_click=st.login, key="frame.sign_in")
