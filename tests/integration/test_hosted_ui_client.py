"""amplify_nb's sign-in with redirect against the sandbox's managed login, with a plain HTTP client in the
browser's place (no browser): the hosted page's form filled and posted as a browser would, then the
address it is sent back to given to the notebook (paste mode) or fetched from the kernel's listener
(loopback mode). After it: refresh through Cognito's API, identity-pool credentials, sign-out with the
/logout address ending the browser's hosted-UI session, and client_credentials for the machine client.
"""

from __future__ import annotations

import logging
import uuid
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
import requests

import amplify_nb
from amplify_nb.errors import InvalidGrantError, InvalidScopeError, RedirectUriError
from amplify_nb.sandbox import Sandbox
from tests.unit.fake_hosted_ui import free_port

USER, PASSWORD = "hosted@example.com", "Hosted-Secret-42"
APP_URI = "https://app.example.com/done"
SIGNED_OUT = "https://app.example.com/signed-out"


class _Forms(HTMLParser):
    """The page's forms: action, method and every named input's value."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"id": attributes.get("id"), "action": attributes.get("action") or "",
                               "method": (attributes.get("method") or "get").lower(), "fields": {}})
        elif tag in ("input", "button") and self.forms and attributes.get("name"):
            self.forms[-1]["fields"].setdefault(attributes["name"], attributes.get("value") or "")


class Browser:
    """A browser without a screen: follows the hosted UI's redirects on its domain, keeps its cookies, and
    stops at the first address outside it (the app's redirect URI), as the address bar would show it."""

    def __init__(self, domain: str):
        self.origin = f"http://{domain}"
        self.http = requests.Session()

    def _follow(self, answer: requests.Response) -> requests.Response | str:
        while answer.is_redirect:
            target = urljoin(answer.url, answer.headers["Location"])
            if not target.startswith(self.origin):
                return target  # left the hosted UI: the redirect URI with the code (or an error)
            answer = self.http.get(target, allow_redirects=False, timeout=10)
        return answer

    def open(self, url: str) -> requests.Response | str:
        return self._follow(self.http.get(url, allow_redirects=False, timeout=10))

    def sign_in(self, url: str, username: str = USER, password: str = PASSWORD) -> str:
        """Open the authorize URL, fill the sign-in form, submit: the address the browser is sent back to."""
        page = self.open(url)
        if isinstance(page, str):
            return page  # the hosted UI's session cookie signed the browser straight back in
        parser = _Forms()
        parser.feed(page.text)
        form = next(f for f in parser.forms if f["id"] == "signin")
        fields = {**form["fields"], "username": username, "password": password}
        sent = self.http.post(urljoin(page.url, form["action"]), data=fields, allow_redirects=False, timeout=10)
        landed = self._follow(sent)
        assert isinstance(landed, str), f"the sign-in page answered {landed.status_code}, not a redirect"
        return landed


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def sb(port):
    with Sandbox(oauth=True, moto=False, callback_urls=[f"http://localhost:{port}/callback", APP_URI],
                 logout_urls=[SIGNED_OUT]) as sandbox:
        sandbox.create_user(USER, PASSWORD, {"email": USER})
        yield sandbox


@pytest.fixture
def browser(sb) -> Browser:
    return Browser(sb.config["auth"]["oauth"]["domain"])


def new_auth(config) -> amplify_nb.Auth:
    return amplify_nb.Auth(config, name=f"hosted-{uuid.uuid4().hex[:8]}")


def test_paste_mode_then_refresh_credentials_and_sign_out_with_logout_url(sb, browser, events):
    auth = new_auth(sb.config)
    redirect = auth.sign_in_with_redirect(mode="paste", custom_state="back-to-cell-7")
    assert redirect.redirect_uri == f"http://localhost:{urlsplit(redirect.redirect_uri).port}/callback"
    callback = browser.sign_in(redirect.url)
    result = redirect.complete(callback)
    assert result.is_signed_in and result.username == USER
    assert auth.trace.operations == ["/oauth2/authorize", "/oauth2/token"]
    mine = [e["event"] for e in events if e.get("session") == auth.name and e["event"] != "configured"]
    assert mine == ["signIn", "cognitoHostedUI", "signInWithRedirect", "customOAuthState"]

    tokens = auth.current_session()
    assert tokens.id_claims["email"] == USER and tokens.refresh_token
    refreshed = auth.current_session(force_refresh=True)  # Cognito's REFRESH_TOKEN_AUTH takes the hosted UI's
    assert refreshed.access_token != tokens.access_token and auth.trace.operations == ["InitiateAuth"]
    credentials = auth.current_credentials()
    assert credentials.authenticated and credentials.identity_id
    assert auth.user_attributes()["email"] == USER  # the access token carries aws.cognito.signin.user.admin

    signed_out = auth.sign_out()
    assert signed_out.logout_url is not None and not auth.is_signed_in
    sent = dict(parse_qsl(urlsplit(signed_out.logout_url).query))
    assert sent == {"client_id": sb.config["auth"]["user_pool_client_id"], "logout_uri": SIGNED_OUT}
    # Before the browser opens /logout, its hosted-UI session signs it straight back in; after, it does not.
    again = auth.sign_in_with_redirect(mode="paste")
    assert isinstance(browser.open(again.url), str)
    assert browser.open(signed_out.logout_url) == SIGNED_OUT
    assert not isinstance(browser.open(auth.sign_in_with_redirect(mode="paste").url), str)  # the form again


def test_loopback_mode_with_a_browser_less_get(sb, browser, port):
    auth = new_auth(sb.config)
    redirect = auth.sign_in_with_redirect(mode="loopback")
    assert redirect.mode == "loopback" and redirect.redirect_uri == f"http://localhost:{port}/callback"
    callback = browser.sign_in(redirect.url)
    page = requests.get(callback, timeout=10)  # the address as the browser has it (localhost)
    assert page.status_code == 200 and "Return to the notebook" in page.text
    assert redirect.wait(timeout=60).is_signed_in
    assert auth.current_credentials().authenticated


def test_auto_mode_on_the_sandbox_takes_loopback(sb, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_API_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    redirect = new_auth(sb.config).sign_in_with_redirect()
    assert redirect.mode == "loopback"
    redirect.cancel()


def test_a_redirect_uri_the_sandbox_does_not_know_is_refused_at_once(sb):
    config = sb.config
    config["auth"]["oauth"]["redirect_sign_in_uri"] = ["https://unregistered.example.com/cb"]
    with pytest.raises(RedirectUriError, match=r"unregistered\.example\.com/cb") as refused:
        new_auth(config).sign_in_with_redirect(mode="paste")
    assert refused.value.code == "redirect_mismatch"


def test_a_replayed_code_is_refused(sb, browser):
    auth = new_auth(sb.config)
    redirect = auth.sign_in_with_redirect(mode="paste")
    callback = browser.sign_in(redirect.url)
    redirect.complete(callback)
    auth.sign_out()
    later = auth.sign_in_with_redirect(mode="paste")
    params = {**dict(parse_qsl(urlsplit(callback).query)), "state": dict(parse_qsl(urlsplit(later.url).query))["state"]}
    with pytest.raises(InvalidGrantError):
        later.complete(urlsplit(callback)._replace(query=urlencode(params)).geturl())
    assert not auth.is_signed_in


def test_client_credentials_for_the_machine_client(sb):
    machine = new_auth(sb.machine_config)
    token = machine.client_credentials_token(["sandbox-api/read"])
    assert token.scopes == ("sandbox-api/read",) and token.expires_at > 0
    assert machine.client_credentials_token(["sandbox-api/read"]) is token  # cached until due
    everything = machine.client_credentials_token()
    assert set(everything.scopes) == {"sandbox-api/read", "sandbox-api/write"}
    with pytest.raises(InvalidScopeError):
        machine.client_credentials_token(["sandbox-api/delete"])


def test_no_code_verifier_or_token_in_any_log_line(sb, browser, caplog):
    caplog.set_level(logging.DEBUG)
    auth = new_auth(sb.config)
    redirect = auth.sign_in_with_redirect(mode="paste")
    callback = browser.sign_in(redirect.url)
    redirect.complete(callback)
    tokens = auth.current_session()
    code = dict(parse_qsl(urlsplit(callback).query))["code"]
    verifier = redirect._authorization.code_verifier
    shown = [caplog.text, str(auth.trace), repr(redirect), redirect._repr_html_(), repr(tokens)]
    for secret in (code, verifier, tokens.id_token, tokens.access_token, tokens.refresh_token, PASSWORD):
        assert not any(secret in text for text in shown)


def test_implicit_grant_by_paste(sb, browser):
    """response_type 'token' (weaker: tokens in the address, no refresh token) when the app client allows it."""
    sb.hosted_ui.enable(sb.client, flows=("code", "implicit"), callback_urls=[APP_URI], logout_urls=[SIGNED_OUT])
    config = sb.config
    config["auth"]["oauth"]["response_type"] = "token"
    auth = new_auth(config)
    redirect = auth.sign_in_with_redirect(mode="paste")
    callback = browser.sign_in(redirect.url)
    assert callback.startswith(APP_URI + "#") and "access_token=" in callback
    assert redirect.complete(callback).is_signed_in
    assert auth.current_session().refresh_token is None and auth.current_credentials().authenticated
