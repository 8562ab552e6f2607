"""Every way a sign-in with redirect must fail, failing as it should: typed, saying what to do, leaving
no one signed in, and announcing it on the Hub once the callback was this sign-in's."""

from __future__ import annotations

import threading
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

import amplify_nb
from amplify_nb.errors import (
    ConfigurationError,
    InvalidGrantError,
    NotAuthorizedError,
    OAuthError,
    RedirectCancelledError,
    RedirectStateError,
    RedirectTimeoutError,
    RedirectUriError,
    RedirectUrlError,
    ValidationError,
)
from tests.conftest import interrupt_main_inside

from .conftest import CLIENT_ID, POOL_ID
from .fake_hosted_ui import FakeHostedUI, free_port, outputs

APP_URI = "https://app.example.com/done"
FAILURES = ["signIn_failure", "cognitoHostedUI_failure", "signInWithRedirect_failure"]


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def hosted(key, port):
    ui = FakeHostedUI(key, POOL_ID, CLIENT_ID, [f"http://127.0.0.1:{port}/callback", APP_URI])
    yield ui
    ui.stop()


@pytest.fixture
def make(hosted, jwks, fake):
    def make_auth(callbacks: list[str] | None = None, **options):
        config = outputs(POOL_ID, CLIENT_ID, jwks.url, hosted.domain, callbacks or hosted.callbacks, **options)
        return amplify_nb.Auth(config, name=f"hosted-{uuid.uuid4().hex[:8]}", transport=fake)
    return make_auth


def said(events: list[dict], auth) -> list[str]:
    return [e["event"] for e in events if e.get("session") == auth.name and e["event"] != "configured"]


def with_state(url: str, state: str) -> str:
    parts = urlsplit(url)
    params = {**dict(parse_qsl(parts.query)), "state": state}
    return parts._replace(query=urlencode(params)).geturl()


def state_of(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query))["state"]


# ---- configuration and redirect URIs ---------------------------------------------------------------
def test_no_oauth_section_says_what_to_add(make):
    with pytest.raises(ConfigurationError, match="redirect_sign_in_uri"):
        make(oauth=False).sign_in_with_redirect()


def test_no_redirect_uri_for_the_mode_says_what_to_register(make):
    with pytest.raises(RedirectUriError, match=r"http://localhost:PORT/") as refused:
        make(callbacks=[APP_URI]).sign_in_with_redirect(mode="loopback")
    assert refused.value.code is None
    with pytest.raises(RedirectUriError, match="/amplify-nb/oauth/callback"):
        make(callbacks=[APP_URI]).sign_in_with_redirect(mode="server")


def test_a_redirect_uri_cognito_does_not_know_is_refused_at_once(make, events):
    unknown = "https://elsewhere.example.com/cb"
    auth = make(callbacks=[unknown])
    with pytest.raises(RedirectUriError, match=r"elsewhere\.example\.com/cb") as refused:
        auth.sign_in_with_redirect(mode="paste")
    assert refused.value.code == "redirect_mismatch" and "callback URLs" in str(refused.value)
    assert said(events, auth) == FAILURES and auth.trace.operations == ["/oauth2/authorize"]


def test_a_pasted_redirect_mismatch_page_says_what_to_register(make, hosted):
    redirect = make().sign_in_with_redirect(mode="paste")
    page = f"http://{hosted.domain}/error?{urlencode({'error': 'redirect_mismatch', 'client_id': CLIENT_ID})}"
    with pytest.raises(RedirectUriError, match="allowed callback URLs"):
        redirect.complete(page)


def test_a_provider_or_grant_the_client_does_not_allow_is_refused_at_once(make):
    with pytest.raises(OAuthError) as refused:
        make().sign_in_with_redirect("Facebook", mode="paste")
    assert refused.value.code == "invalid_request" and "identity provider not found" in str(refused.value)
    with pytest.raises(OAuthError) as refused:
        make(response_type="token").sign_in_with_redirect(mode="paste")
    assert refused.value.code == "unauthorized_client"


def test_server_mode_refuses_the_implicit_grant(make):
    with pytest.raises(RedirectUriError, match="authorization code grant"):
        make(response_type="token").sign_in_with_redirect(mode="server")


def test_the_listeners_port_in_use_is_said(make, port):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with pytest.raises(RedirectUriError, match=f"127.0.0.1:{port}"):
            make().sign_in_with_redirect(mode="loopback")


# ---- arguments -------------------------------------------------------------------------------------
@pytest.mark.parametrize("arguments", [{"mode": "popup"}, {"scopes": ["email"]}, {"scopes": ["open id"]},
                                       {"custom_state": 3}, {"provider": ""}])
def test_bad_arguments_are_refused_before_any_call(make, arguments):
    auth = make()
    with pytest.raises(ValidationError):
        auth.sign_in_with_redirect(**arguments)
    assert len(auth.trace) == 0


def test_already_signed_in(make, hosted):
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="paste")
    redirect.complete(hosted.sign_in(redirect.url))
    with pytest.raises(ValidationError, match="sign_out"):
        auth.sign_in_with_redirect(mode="paste")


def test_wait_in_paste_mode_and_a_bad_timeout(make):
    redirect = make().sign_in_with_redirect(mode="paste")
    with pytest.raises(ValidationError, match="complete"):
        redirect.wait()
    loopback = make().sign_in_with_redirect(mode="loopback")
    with pytest.raises(ValidationError, match="timeout"):
        loopback.wait(timeout=-1)
    loopback.cancel()


# ---- the callback ----------------------------------------------------------------------------------
def test_error_on_the_callback_is_cognitos_error(make, hosted, events):
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="paste")
    callback = hosted.sign_in(redirect.url, error="access_denied")
    with pytest.raises(OAuthError) as refused:
        redirect.complete(callback)
    assert refused.value.code == "access_denied" and "User declined" in str(refused.value)
    assert said(events, auth) == FAILURES and redirect.status == "failed" and not auth.is_signed_in
    with pytest.raises(RedirectStateError, match="already ended"):
        redirect.complete(callback)


def test_another_sign_ins_callback_is_refused_and_this_one_goes_on(make, hosted, events):
    auth = make()
    first = auth.sign_in_with_redirect(mode="paste")
    second = auth.sign_in_with_redirect(mode="paste")
    with pytest.raises(RedirectStateError, match="another sign-in"):
        second.complete(hosted.sign_in(first.url))
    with pytest.raises(RedirectStateError):
        second.complete(with_state(hosted.sign_in(second.url), "forged-" + "x" * 40))
    assert second.status == "waiting" and said(events, auth) == []
    assert second.complete(hosted.sign_in(second.url)).is_signed_in


def signed_in_then_out(make, hosted, fake):
    """A sign-in completed from its callback, then signed out: the Auth, its redirect and the callback used."""
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="paste")
    callback = hosted.sign_in(redirect.url)
    redirect.complete(callback)
    fake.idp.script("RevokeToken", {})
    auth.sign_out()
    return auth, redirect, callback


def test_a_replayed_callback_is_refused(make, hosted, fake):
    auth, redirect, callback = signed_in_then_out(make, hosted, fake)
    with pytest.raises(RedirectStateError, match="already ended"):
        redirect.complete(callback)
    assert not auth.is_signed_in


def test_a_replayed_code_is_refused_by_the_token_endpoint(make, hosted, fake, events):
    auth, _, callback = signed_in_then_out(make, hosted, fake)
    again = auth.sign_in_with_redirect(mode="paste")
    with pytest.raises(InvalidGrantError, match="used already") as refused:
        again.complete(with_state(callback, state_of(again.url)))
    assert refused.value.code == "invalid_grant" and not auth.is_signed_in
    assert said(events, auth)[-3:] == FAILURES and auth.trace.operations[-1] == "/oauth2/token"


def test_a_code_with_another_flows_verifier_is_refused(make, hosted):
    """PKCE: a code stolen from one authorize request (its verifier unknown) is of no use to another."""
    auth = make()
    victim = auth.sign_in_with_redirect(mode="paste")
    stolen = hosted.sign_in(victim.url)
    attacker = auth.sign_in_with_redirect(mode="paste")
    with pytest.raises(InvalidGrantError):
        attacker.complete(with_state(stolen, state_of(attacker.url)))
    assert not auth.is_signed_in


def test_a_token_for_another_nonce_is_refused(make, hosted):
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="paste")
    with pytest.raises(NotAuthorizedError, match="nonce") as refused:
        redirect.complete(hosted.sign_in(redirect.url, nonce="another-requests-nonce"))
    assert refused.value.code == "InvalidToken" and not auth.is_signed_in


@pytest.mark.parametrize("pasted", ["https://app.example.com/other?code=1&state=2", "https://evil.example/done?code=1",
                                    "https://app.example.com/done", "not an address"])
def test_a_pasted_address_of_another_page_is_refused_and_the_sign_in_waits(make, pasted):
    redirect = make().sign_in_with_redirect(mode="paste")
    with pytest.raises(RedirectUrlError):
        redirect.complete(pasted)
    assert redirect.status == "waiting"


def test_still_on_the_hosted_page(make, hosted):
    redirect = make().sign_in_with_redirect(mode="paste")
    with pytest.raises(RedirectUrlError, match="finish signing in"):
        redirect.complete(f"http://{hosted.domain}/login?client_id={CLIENT_ID}")


# ---- waiting ---------------------------------------------------------------------------------------
def test_timeout_closes_the_listener(make, port, events):
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="loopback")
    with pytest.raises(RedirectTimeoutError, match=f"register http://127.0.0.1:{port}/callback"):
        redirect.wait(timeout=0.3)
    assert redirect.status == "timed_out" and said(events, auth) == FAILURES
    import socket
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))


def test_cancel_from_another_thread_ends_the_wait(make):
    redirect = make().sign_in_with_redirect(mode="loopback")
    threading.Timer(0.2, redirect.cancel).start()
    with pytest.raises(RedirectCancelledError):
        redirect.wait(timeout=60)
    assert redirect.status == "cancelled"


def test_an_interrupt_cancels_cleanly(make, port, events, python_sigint):
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="loopback")
    watcher = interrupt_main_inside("_receive")  # the kernel's interrupt button, while the cell waits
    with pytest.raises(KeyboardInterrupt):
        redirect.wait(timeout=60)
    watcher.join()
    assert redirect.status == "cancelled" and said(events, auth) == FAILURES
    again = make().sign_in_with_redirect(mode="loopback")  # the port is free again
    assert again.redirect_uri.endswith(f":{port}/callback")
    again.cancel()


def test_a_newer_sign_in_on_the_same_port_cancels_the_older(make, hosted):
    older = make().sign_in_with_redirect(mode="loopback")
    auth = make()
    newer = auth.sign_in_with_redirect(mode="loopback")
    with pytest.raises(RedirectCancelledError, match="newer"):
        older.wait(timeout=30)
    import urllib.request
    with urllib.request.urlopen(hosted.sign_in(newer.url), timeout=10) as page:
        assert page.status == 200
    assert newer.wait(timeout=30).is_signed_in and auth.is_signed_in
