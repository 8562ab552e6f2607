"""The other grants: the implicit grant (response_type 'token', weaker) and client_credentials for a
confidential app client, against the fake hosted UI at the network edge."""

from __future__ import annotations

import logging
import urllib.request
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

import amplify_nb
from amplify_nb.errors import ConfigurationError, InvalidScopeError, NotAuthorizedError, OAuthError, ValidationError

from ..conftest import MovableClock
from .conftest import CLIENT_ID, POOL_ID
from .fake_hosted_ui import FakeHostedUI, free_port, outputs

APP_URI = "https://app.example.com/done"
SECRET = "machine-secret-" + "7" * 20
API_SCOPES = ("orders/read", "orders/write")


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def clock(key) -> MovableClock:
    import time
    return MovableClock(time.time())


@pytest.fixture
def hosted(key, port, clock):
    ui = FakeHostedUI(key, POOL_ID, CLIENT_ID, [f"http://127.0.0.1:{port}/callback", APP_URI],
                      response_types=("code", "token"), machine_scopes=API_SCOPES, clock=clock)
    yield ui
    ui.stop()


@pytest.fixture
def make(hosted, jwks, fake, clock):
    def make_auth(**options):
        config = outputs(POOL_ID, CLIENT_ID, jwks.url, hosted.domain, hosted.callbacks, **options)
        return amplify_nb.Auth(config, name=f"grants-{uuid.uuid4().hex[:8]}", transport=fake, clock=clock)
    return make_auth


# ---- the implicit grant ----------------------------------------------------------------------------
def test_implicit_grant_by_paste_signs_in_without_a_refresh_token(make, hosted):
    auth = make(response_type="token")
    redirect = auth.sign_in_with_redirect(mode="paste")
    sent = dict(parse_qsl(urlsplit(redirect.url).query))
    assert sent["response_type"] == "token" and "code_challenge" not in sent  # no PKCE for the implicit grant
    callback = hosted.sign_in(redirect.url)
    assert "#" in callback and "access_token=" in urlsplit(callback).fragment
    assert redirect.complete(callback).is_signed_in
    tokens = auth.current_session()
    assert tokens.refresh_token is None and auth.trace.operations == ["/oauth2/authorize"]  # no token endpoint


def test_implicit_grant_by_loopback_relays_the_fragment(make, hosted, port):
    auth = make(response_type="token")
    redirect = auth.sign_in_with_redirect(mode="loopback")
    callback = hosted.sign_in(redirect.url)
    base, _, fragment = callback.partition("#")
    with urllib.request.urlopen(base, timeout=10) as relay:  # what the browser loads: no fragment sent
        assert "location.hash" in relay.read().decode()
    with urllib.request.urlopen(f"{base}?{fragment}", timeout=10) as page:  # what the relay's script loads
        assert page.status == 200
    assert redirect.wait(timeout=30).is_signed_in and auth.is_signed_in


def test_implicit_grant_refuses_an_access_token_of_another_id_token(make, hosted):
    auth = make(response_type="token")
    redirect = auth.sign_in_with_redirect(mode="paste")
    callback = hosted.sign_in(redirect.url)
    # Another access token of the same user (another sign-in's): only at_hash tells them apart.
    other = dict(parse_qsl(urlsplit(hosted.sign_in(redirect.url)).fragment))
    fragment = {**dict(parse_qsl(urlsplit(callback).fragment)), "access_token": other["access_token"]}
    with pytest.raises(NotAuthorizedError, match="at_hash"):
        redirect.complete(callback.partition("#")[0] + "#" + urlencode(fragment))
    assert not auth.is_signed_in


# ---- client credentials ----------------------------------------------------------------------------
def test_client_credentials_token_is_cached_until_due(make, hosted, clock):
    hosted.secret = SECRET
    auth = make(secret=SECRET)
    first = auth.client_credentials_token(["orders/read"])
    assert first.scopes == ("orders/read",) and first.headers["Authorization"].startswith("Bearer ")
    assert auth.client_credentials_token(["orders/read"]) is first and hosted.token_requests == 1
    assert auth.trace.operations == ["/oauth2/token"] and auth.trace[0].request["client_secret"] == "<redacted>"
    clock.advance(first.expires_at - clock() - 60)  # within the refresh margin of expiry
    second = auth.client_credentials_token(["orders/read"])
    assert second is not first and hosted.token_requests == 2
    everything = auth.client_credentials_token()  # None: every scope the client allows, cached apart
    assert set(everything.scopes) == set(API_SCOPES) and hosted.token_requests == 3
    body = next(b for b in hosted.token_bodies() if b.get("grant_type") == "client_credentials")
    assert SECRET not in str(body)  # client_secret_basic: the secret goes in the Authorization header


def test_client_credentials_repr_and_log_show_no_token_or_secret(make, hosted, caplog):
    caplog.set_level(logging.DEBUG)
    hosted.secret = SECRET
    auth = make(secret=SECRET)
    token = auth.client_credentials_token(API_SCOPES)
    for text in (repr(token), str(auth.trace), caplog.text, repr(auth.config)):
        assert token.access_token not in text and SECRET not in text


def test_client_credentials_need_a_confidential_client(make):
    with pytest.raises(ConfigurationError, match="confidential"):
        make().client_credentials_token()


def test_client_credentials_refused_scope_and_wrong_secret(make, hosted):
    hosted.secret = SECRET
    with pytest.raises(InvalidScopeError) as refused:
        make(secret=SECRET).client_credentials_token(["orders/delete"])
    assert refused.value.code == "invalid_scope" and "allows" in str(refused.value)
    with pytest.raises(OAuthError) as refused:
        make(secret="wrong-" + SECRET).client_credentials_token()
    assert refused.value.code == "invalid_client" and SECRET not in str(refused.value)


@pytest.mark.parametrize("scopes", [[], ["two words"], [3], ""])
def test_client_credentials_bad_scopes(make, scopes):
    with pytest.raises(ValidationError):
        make(secret=SECRET).client_credentials_token(scopes)
