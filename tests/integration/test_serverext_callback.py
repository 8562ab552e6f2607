"""The Jupyter Server extension's callback route, against a real Jupyter server (started here on 127.0.0.1
and stopped by the test), with a plain HTTP client: what it hands to the kernel, what it refuses, what its
pages say, and that neither the code nor the state reaches the server's log (at DEBUG level) or a page."""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
import sys
import urllib.error
import urllib.request

import pytest

from amplify_nb.core.oauth.handoff import handoff_name, take_handoff
from amplify_nb.demo import free_port
from amplify_nb.serverext import callback_url
from tests.browser.servers import Server, isolated_environment

BASE_URL = "/user/ada"  # as JupyterHub serves a user's server: the route is below the base URL
CALLBACK = f"{BASE_URL}/amplify-nb/oauth/callback"


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    """A Jupyter server with the extension enabled as a test (or a user's config) enables it; every
    hand-off lands in a directory of this module's."""
    base = tmp_path_factory.mktemp("jupyter")
    env = isolated_environment(base)
    env["AMPLIFY_NB_HANDOFF_DIR"] = str(base / "handoff")
    token, port = secrets.token_hex(16), free_port()
    command = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
               "--ServerApp.jpserver_extensions={'amplify_nb.serverext': True}", "--log-level=DEBUG",
               f"--ServerApp.root_dir={base}", f"--ServerApp.base_url={BASE_URL}/"]
    server = Server(command, env, base, f"http://127.0.0.1:{port}", f"{BASE_URL}/api/status?token={token}",
                    base / "server.log")
    server.token, server.handoff = token, base / "handoff"
    yield server
    server.stop()


def get(server, query: str, *, token: str | None = None, headers: dict[str, str] | None = None):
    return get_path(server, f"{CALLBACK}?{query}", token, headers)


def get_path(server, path: str, token: str | None = None, headers: dict[str, str] | None = None):
    request = urllib.request.Request(f"{server.url}{path}", headers=dict(headers or {}))
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read().decode()


def handed(server, state: str) -> str | None:
    """What the kernel waiting for ``state`` would pick up (read the way the core reads it)."""
    saved = os.environ.get("AMPLIFY_NB_HANDOFF_DIR")
    os.environ["AMPLIFY_NB_HANDOFF_DIR"] = str(server.handoff)
    try:
        return take_handoff(state)
    finally:
        if saved is None:
            os.environ.pop("AMPLIFY_NB_HANDOFF_DIR")
        else:
            os.environ["AMPLIFY_NB_HANDOFF_DIR"] = saved


def test_a_signed_in_browser_hands_the_callback_to_the_kernel_in_a_private_file(jupyter):
    code, state = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    status, headers, body = get(jupyter, f"code={code}&state={state}", token=jupyter.token)
    assert status == 200 and "Signed in" in body and "Return to the notebook" in body
    assert headers["Cache-Control"] == "no-store" and headers["Referrer-Policy"] == "no-referrer"
    assert code not in body and state not in body
    path = jupyter.handoff / handoff_name(state)
    assert path.name == "callback-" + hashlib.sha256(state.encode()).hexdigest()  # the state is not in the name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(jupyter.handoff.stat().st_mode) == 0o700
    assert handed(jupyter, state) == f"{jupyter.url}{CALLBACK}?code={code}&state={state}"
    assert not path.exists()  # taken once


def test_behind_a_proxy_the_callback_is_the_address_the_browser_used(jupyter):
    state = secrets.token_urlsafe(32)
    get(jupyter, f"code=abc&state={state}", token=jupyter.token,
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hub.example.org"})
    assert handed(jupyter, state) == f"https://hub.example.org{CALLBACK}?code=abc&state={state}"


def test_a_browser_not_signed_in_to_jupyter_is_refused_and_nothing_is_handed_over(jupyter):
    code, state = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    status, headers, body = get(jupyter, f"code={code}&state={state}")
    assert status == 403 and "Not signed in to Jupyter" in body
    assert "Location" not in headers  # not sent to the login page with the code in its next= parameter
    assert handed(jupyter, state) is None
    status, _, _ = get(jupyter, f"code={code}&state={state}", token="not-the-token")
    assert status == 403 and handed(jupyter, state) is None


def test_an_address_without_a_state_is_no_sign_in_of_the_notebook(jupyter):
    before = sorted(path.name for path in jupyter.handoff.iterdir()) if jupyter.handoff.exists() else []
    status, _, body = get(jupyter, "code=abc", token=jupyter.token)
    assert status == 400 and "start the sign-in again from the notebook" in body.lower()
    assert (sorted(path.name for path in jupyter.handoff.iterdir()) if jupyter.handoff.exists() else []) == before


def test_an_error_is_handed_over_and_shown_escaped(jupyter):
    state = secrets.token_urlsafe(32)
    status, _, body = get(jupyter, f"error=access_denied&error_description=%3Cscript%3Ealert(1)%3C/script%3E"
                                   f"&state={state}", token=jupyter.token)
    assert status == 200 and "Sign-in failed" in body and "access_denied" in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "error=access_denied" in (handed(jupyter, state) or "")  # the waiting kernel learns it too


def test_the_route_is_served_below_the_base_url_only(jupyter):
    status, _, _ = get_path(jupyter, "/amplify-nb/oauth/callback?code=abc&state=xyz", jupyter.token)
    assert status == 404
    assert callback_url(f"https://hub.example.org{BASE_URL}/") == f"https://hub.example.org{CALLBACK}"


def test_the_signed_out_page_needs_no_jupyter_sign_in(jupyter):
    with urllib.request.urlopen(f"{jupyter.url}{BASE_URL}/amplify-nb/oauth/signed-out", timeout=10) as answer:
        assert answer.status == 200 and "signed out of the hosted UI" in answer.read().decode()


def test_no_code_and_no_state_in_the_server_log_even_at_debug_level(jupyter):
    code, state = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    get(jupyter, f"code={code}&state={state}", token=jupyter.token)
    get(jupyter, f"code={code}&state={state}")  # refused: logged as a warning
    get(jupyter, f"code={code}", token=jupyter.token)  # refused: logged as a warning
    handed(jupyter, state)
    log = jupyter.log_text()
    assert f"{CALLBACK}" in log  # the requests were logged, at DEBUG and WARNING
    assert code not in log and state not in log
