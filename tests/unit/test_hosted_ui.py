"""Sign-in with redirect through the public API, against a fake hosted UI at the network edge.

The fake serves Cognito's authorize check and token endpoint on 127.0.0.1 and plays the user at the
hosted page (``sign_in(url)`` gives the address the browser is sent back to). The client's own listener
is reached by a plain HTTP GET, as a browser would; server mode's hand-off is written by the function the
Jupyter Server extension calls. Tokens are real JWTs verified against the unit tests' JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import socket
import stat
import urllib.error
import urllib.request
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest

import amplify_nb
from amplify_nb.core.oauth.handoff import handoff_dir, handoff_name, write_handoff
from amplify_nb.core.storage import MemoryStorage

from .conftest import CLIENT_ID, POOL_ID
from .fake_hosted_ui import FakeHostedUI, free_port, outputs

SERVER_URI = "https://hub.example.org/user/alice/amplify-nb/oauth/callback"
APP_URI = "https://app.example.com/done"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def hosted(key, port):
    ui = FakeHostedUI(key, POOL_ID, CLIENT_ID, [f"http://127.0.0.1:{port}/callback", SERVER_URI, APP_URI])
    yield ui
    ui.stop()


@pytest.fixture
def make(hosted, jwks, fake):
    def make_auth(callbacks: list[str] | None = None, storage=None, name: str | None = None, **options):
        config = outputs(POOL_ID, CLIENT_ID, jwks.url, hosted.domain, callbacks or hosted.callbacks, **options)
        return amplify_nb.Auth(config, name=name or f"hosted-{uuid.uuid4().hex[:8]}", storage=storage,
                               transport=fake)
    return make_auth


@pytest.fixture
def handoffs(tmp_path, monkeypatch):
    monkeypatch.setenv("AMPLIFY_NB_HANDOFF_DIR", str(tmp_path / "handoff"))
    return tmp_path / "handoff"


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def browser_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def port_free(port: int) -> bool:
    """Nothing listens there any more (a connection is refused)."""
    with socket.socket() as probe:
        try:
            probe.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
    return False


# ---- the authorize URL ------------------------------------------------------------------------------
def test_authorize_url_has_pkce_s256_state_nonce_scopes_and_provider(make, hosted):
    auth = make()
    redirect = auth.sign_in_with_redirect("google", mode="paste")
    sent = query(redirect.url)
    assert redirect.url.startswith(f"http://{hosted.domain}/oauth2/authorize?")
    assert sent["response_type"] == "code" and sent["client_id"] == CLIENT_ID
    assert sent["redirect_uri"] == redirect.redirect_uri == hosted.callbacks[0]
    assert sent["identity_provider"] == "Google"  # Amplify's spelling -> Cognito's provider name
    assert sent["scope"] == "openid email profile aws.cognito.signin.user.admin"
    assert sent["code_challenge_method"] == "S256"
    assert len(sent["state"]) >= 32 and len(sent["nonce"]) >= 32 and sent["state"] != sent["nonce"]

    redirect.complete(hosted.sign_in(redirect.url))
    verifier = hosted.token_bodies()[-1]["code_verifier"]
    # RFC 7636 S256: the challenge in the URL is BASE64URL(SHA256(the verifier sent to the token endpoint)).
    assert base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode() == \
        sent["code_challenge"]
    assert 43 <= len(verifier) <= 128 and verifier not in redirect.url


def test_scopes_given_replace_the_configured_ones(make):
    redirect = make().sign_in_with_redirect(mode="paste", scopes=["openid", "email"])
    assert query(redirect.url)["scope"] == "openid email"
    assert "identity_provider" not in query(redirect.url)  # None: the hosted UI's own page


# ---- the modes -------------------------------------------------------------------------------------
def test_auto_takes_loopback_first_and_says_so(make, port, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_API_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    redirect = make().sign_in_with_redirect()
    assert redirect.mode == "loopback" and redirect.redirect_uri == f"http://127.0.0.1:{port}/callback"
    assert "loopback mode" in redirect._repr_html_()
    redirect.cancel()


def test_auto_under_jupyterhub_takes_the_server_route(make, monkeypatch, handoffs):
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://hub:8081/hub/api")
    redirect = make().sign_in_with_redirect()
    assert (redirect.mode, redirect.redirect_uri) == ("server", SERVER_URI)


def test_a_local_jupyter_servers_callback_route_is_server_mode_not_loopback(make, hosted, monkeypatch, handoffs):
    monkeypatch.delenv("JUPYTERHUB_API_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    local = "http://localhost:8888/amplify-nb/oauth/callback"  # the Jupyter server's port: no kernel may listen there
    hosted.callbacks.append(local)
    redirect = make(callbacks=[local]).sign_in_with_redirect()
    assert (redirect.mode, redirect.redirect_uri) == ("server", local)
    redirect.cancel()


def test_auto_falls_back_to_paste(make):
    redirect = make(callbacks=[APP_URI]).sign_in_with_redirect()
    assert (redirect.mode, redirect.redirect_uri) == ("paste", APP_URI)


def test_loopback_signs_in_on_the_browsers_get_and_closes(make, hosted, port):
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="loopback")
    callback = hosted.sign_in(redirect.url)
    assert browser_get(f"http://127.0.0.1:{port}/favicon.ico")[0] == 404  # only the redirect URI's path
    status, page = browser_get(callback)
    assert status == 200 and "Return to the notebook" in page
    result = redirect.wait(timeout=30)
    assert result.is_signed_in and result.next_step == "DONE" and result.username == "alice@example.com"
    assert auth.current_session().username == "alice" and redirect.status == "signed_in"
    assert port_free(port)  # closed after its one callback


def test_server_mode_picks_up_the_hand_off(make, hosted, handoffs):
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="server")
    assert redirect.redirect_uri == SERVER_URI
    callback = hosted.sign_in(redirect.url)
    assert write_handoff(callback) is True
    state = query(callback)["state"]
    handed = handoff_dir() / handoff_name(state)
    assert handed.is_file() and state not in handed.name  # named by a hash of the state, never the state
    assert stat.S_IMODE(handed.stat().st_mode) == 0o600 and stat.S_IMODE(handoffs.stat().st_mode) == 0o700
    assert redirect.wait(timeout=30).is_signed_in
    assert not handed.exists()  # taken once, by the kernel that waited
    assert auth.is_signed_in


def test_write_handoff_refuses_an_address_without_state(handoffs):
    assert write_handoff(f"{SERVER_URI}?code=abc") is False
    assert write_handoff("not a url") is False
    assert list(handoffs.iterdir()) == [] if handoffs.exists() else True


def test_handoff_dir_refuses_one_others_can_read(tmp_path, monkeypatch):
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    os.chmod(loose, 0o755)
    monkeypatch.setenv("AMPLIFY_NB_HANDOFF_DIR", str(loose))
    with pytest.raises(amplify_nb.errors.ConfigurationError, match="0700"):
        handoff_dir()


def test_paste_completes_with_the_address_the_browser_ended_on(make, hosted):
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="paste")
    result = redirect.complete("  " + hosted.sign_in(redirect.url, "bob") + "\n")
    assert result.is_signed_in and auth.current_authenticated_user().username == "bob"


# ---- tokens like any sign-in -----------------------------------------------------------------------
def test_hosted_ui_tokens_refresh_through_cognito_and_resume_from_storage(make, hosted, fake):
    storage = MemoryStorage()
    auth = make(storage=storage, name="hosted-resume")
    redirect = auth.sign_in_with_redirect(mode="paste")
    redirect.complete(hosted.sign_in(redirect.url))
    refresh_token = hosted_refresh = auth.current_session().refresh_token
    assert hosted_refresh

    def refresh(params):
        assert params["AuthFlow"] == "REFRESH_TOKEN_AUTH"
        assert params["AuthParameters"]["REFRESH_TOKEN"] == refresh_token
        answer = fake.signed_in("alice")
        del answer["AuthenticationResult"]["RefreshToken"]
        return answer
    fake.idp.script("InitiateAuth", refresh)
    refreshed = auth.current_session(force_refresh=True)
    assert refreshed.refresh_token == hosted_refresh and auth.trace.operations == ["InitiateAuth"]

    again = make(storage=storage, name="hosted-resume")  # a new kernel on the same storage
    fake.idp.script("RevokeToken", {})
    assert again.current_session().username == "alice"
    assert again.sign_out().logout_url is not None  # still known as a hosted-UI sign-in


def test_sign_out_after_the_hosted_ui_gives_the_logout_url(make, hosted, fake):
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="paste")
    redirect.complete(hosted.sign_in(redirect.url))
    fake.idp.script("RevokeToken", {})
    result = auth.sign_out()
    assert result.logout_url == (f"http://{hosted.domain}/logout?client_id={CLIENT_ID}"
                                 "&logout_uri=https%3A%2F%2Fapp.example.com%2Fsigned-out")
    assert fake.idp.last("RevokeToken")["ClientId"] == CLIENT_ID  # revocation as for any sign-in
    assert "End the hosted UI" in result._repr_html_() and not auth.is_signed_in


def test_sign_out_after_a_password_sign_in_gives_no_logout_url(make, fake):
    auth = make()
    fake.idp.script("InitiateAuth", fake.signed_in("bob")).script("RevokeToken", {})
    auth.sign_in("bob", "Correct-horse-9!", flow="USER_PASSWORD_AUTH")
    assert auth.sign_out().logout_url is None


def test_without_sign_out_uris_logout_returns_to_the_sign_in_page(make, hosted, fake):
    auth = make(logout=())
    redirect = auth.sign_in_with_redirect(mode="paste")
    redirect.complete(hosted.sign_in(redirect.url))
    fake.idp.script("RevokeToken", {})
    sent = query(auth.sign_out().logout_url)
    assert sent == {"client_id": CLIENT_ID, "redirect_uri": hosted.callbacks[0], "response_type": "code"}


# ---- Hub and trace ---------------------------------------------------------------------------------
def test_hub_events_and_the_custom_state(make, hosted, events):
    auth = make()
    redirect = auth.sign_in_with_redirect("Google", mode="paste", custom_state='{"page": 3}')
    redirect.complete(hosted.sign_in(redirect.url))
    mine = [e for e in events if e.get("session") == auth.name and e["event"] != "configured"]
    assert [e["event"] for e in mine] == ["signIn", "cognitoHostedUI", "signInWithRedirect", "customOAuthState"]
    assert mine[0]["data"]["provider"] == "Google" and mine[0]["data"]["username"] == "alice"
    assert mine[-1]["data"] == '{"page": 3}'


def test_trace_shows_the_round_trip_and_the_exchange_redacted(make, hosted):
    auth = make()
    redirect = auth.sign_in_with_redirect(mode="paste")
    assert auth.trace.operations == ["/oauth2/authorize"]  # the request checked before the browser opens it
    redirect.complete(hosted.sign_in(redirect.url))
    assert auth.trace.operations == ["/oauth2/authorize", "/oauth2/token"]
    token = auth.trace[1]
    assert token.request["grant_type"] == "authorization_code" and token.request["client_id"] == CLIENT_ID
    assert token.request["code"] == token.request["code_verifier"] == "<redacted>"
    assert token.public_parameters["access_token"] == "<redacted>" and token.public_parameters["token_type"] == "Bearer"
    assert auth.trace[0].request["state"] == auth.trace[0].request["nonce"] == "<redacted>"


def test_no_secret_in_a_repr_the_trace_a_log_or_an_error(make, hosted, fake, port, caplog):
    caplog.set_level(logging.DEBUG)
    hosted.secret = secret = "s3cret-" + uuid.uuid4().hex
    auth = make(secret=secret)
    redirect = auth.sign_in_with_redirect(mode="loopback")
    callback = hosted.sign_in(redirect.url)
    browser_get(callback)
    redirect.wait(timeout=30)
    tokens = auth.current_session()
    shown = [repr(redirect), redirect._repr_html_(), str(auth.trace), repr(auth.trace), auth.trace._repr_html_(),
             repr(auth), repr(tokens), repr(auth.config)]
    # A replayed code: the error says what happened, not what was sent.
    fake.idp.script("RevokeToken", {})
    auth.sign_out()
    second = auth.sign_in_with_redirect(mode="paste")
    replay = callback.replace(query(callback)["state"], query(second.url)["state"])
    with pytest.raises(amplify_nb.errors.InvalidGrantError) as refused:
        second.complete(replay)
    shown += [str(refused.value), repr(refused.value), str(auth.trace), caplog.text]
    secrets_ = [hosted.token_bodies()[0]["code_verifier"], query(callback)["code"], tokens.id_token,
                tokens.access_token, tokens.refresh_token, secret]
    for text in shown:
        for value in secrets_:
            assert value not in text
    assert "state" not in repr(redirect) and query(redirect.url)["nonce"] not in repr(redirect)


def test_authlib_and_requests_load_only_when_the_hosted_ui_is_used():
    import json
    import subprocess
    import sys

    probe = ("import sys, json, amplify_nb\namplify_nb.Auth\n"
             "print(json.dumps(sorted(m for m in ('authlib', 'requests') if m in sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert json.loads(loaded) == []
