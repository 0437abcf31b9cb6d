"""Sign-in end to end: the app and a real OpenID Connect provider, both on 127.0.0.1, driven by Chromium."""

from __future__ import annotations

import threading

import pytest
import werkzeug.serving

from tests.browser.conftest import AppServer, free_port, register, sidebar, sign_in, sign_in_secrets, wait_for_page

ALLOWED_DOMAIN = "example.gov.uk"


@pytest.fixture(scope="module")
def provider():
    """oidc-provider-mock on 127.0.0.1: any client id and secret; users are whoever the form names."""
    import oidc_provider_mock

    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def signed_app(provider, tmp_path_factory):
    port = free_port()
    secrets = sign_in_secrets(
        tmp_path_factory.mktemp("secrets") / "secrets.toml",
        port,
        provider,
        {"internal_domains": [ALLOWED_DOMAIN], "internal_emails": ["chair@partner.org.uk"]},
    )
    server = AppServer("internal", extra_args=("--secrets.files", str(secrets)), port=port)
    yield server
    server.stop()


@pytest.fixture
def fresh_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_an_allowed_verified_user_gets_internal_and_signing_out_returns_to_public(fresh_page, signed_app, provider):
    register(provider, "manager", {"email": f"manager@{ALLOWED_DOMAIN}", "email_verified": True})
    sign_in(fresh_page, signed_app, provider, "manager")
    assert "Audience: internal" in sidebar(fresh_page)
    assert f"Signed in as manager@{ALLOWED_DOMAIN}" in sidebar(fresh_page)
    fresh_page.get_by_role("button", name="Sign out").click()
    fresh_page.wait_for_url(f"{provider}/oauth2/end_session**", timeout=30_000)  # the provider ends its session too
    fresh_page.get_by_role("button", name="End session").click()
    fresh_page.wait_for_url(f"{signed_app.url}/**", timeout=30_000)
    fresh_page.get_by_role("button", name="Sign in for the internal view").wait_for(timeout=30_000)
    wait_for_page(fresh_page, "Scorecard")
    assert "Audience: public" in sidebar(fresh_page)


@pytest.mark.parametrize(
    ("sub", "claims"),
    [
        ("stranger", {"email": "someone@elsewhere.com", "email_verified": True}),
        ("unverified", {"email": f"new.starter@{ALLOWED_DOMAIN}", "email_verified": False}),
        ("no-claim", {"email": f"no.claim@{ALLOWED_DOMAIN}"}),
        ("kelvin", {"email": "manager@example.gov.u\u212a", "email_verified": True}),
        ("look-alike", {"email": f"manager@{ALLOWED_DOMAIN}.evil.example", "email_verified": True}),
    ],
)
def test_everyone_else_stays_public(fresh_page, signed_app, provider, sub, claims):
    register(provider, sub, claims)
    sign_in(fresh_page, signed_app, provider, sub)
    text = sidebar(fresh_page)
    assert "Audience: public" in text and "Audience: internal" not in text
    assert "not on the list for the internal view" in text
