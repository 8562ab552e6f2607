"""``%auth_signin --hosted-ui`` in a real IPython shell, against the fake hosted UI at the network edge: the
link shown (HTML and text) and removed afterwards, loopback's wait, paste mode's hidden prompt, an
interrupt that cancels, refusals in the magic's words, ``%auth_signout``'s hosted-UI link; no code, PKCE
verifier or token in what the cell shows, in IPython's history or in its output cache."""

from __future__ import annotations

import threading
from urllib.parse import parse_qsl, urlsplit

import pytest

import amplify_nb
from amplify_nb.magics.hosted_ui import PASTE_PROMPT
from tests.conftest import interrupt_main_inside
from tests.integration.ipython_shell import TYPED, Keyboard, history_text, ipython_shell, ok, run

from .conftest import CLIENT_ID
from .hosted_views_support import SIGNED_OUT, Browser, callbacks_fixture, fake_fixture, hosted_config  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    """A real InteractiveShell with ``%load_ext amplify_nb`` run, history in a file of its own."""
    with ipython_shell(tmp_path_factory.mktemp("ipython")) as sh:
        yield sh


@pytest.fixture
def keys(monkeypatch):
    """What the user types at getpass and input; everything typed must have been asked for."""
    keyboard = Keyboard.install(monkeypatch)
    yield keyboard
    assert not keyboard.answers, f"left untyped: {keyboard.answers}"


@pytest.fixture
def auth(fake, jwks, callbacks, request):
    config = hosted_config(fake, jwks.url, callbacks, sign_out=(SIGNED_OUT,))
    session = amplify_nb.Auth(config, name=f"magic-{request.node.name[:40]}")
    yield session
    if session.is_signed_in:
        session.sign_out()


def secrets_of(fake, auth) -> list[str]:
    """What must never be shown or kept: the code and verifier sent, the tokens, and the state."""
    sent = [value for body in fake.token_bodies() for name, value in body.items() if name in ("code", "code_verifier")]
    tokens = auth.session_state.tokens()
    return [*sent, *([tokens.id_token, tokens.access_token, tokens.refresh_token] if tokens else [])]


def html_of(cell) -> str:
    return "\n".join(str(output.data.get("text/html", "")) for output in cell.outputs)


def in_background(action) -> threading.Thread:
    thread = threading.Thread(target=action, daemon=True)
    thread.start()
    return thread


def test_loopback_shows_a_link_waits_for_the_browser_and_signs_in(shell, auth, fake, callbacks):
    browser = Browser(fake)

    def user():  # opens the link, signs in as grace; the browser comes back to the kernel's listener
        browser.come_back(fake.sign_in(browser.authorize_url(), "grace"))

    thread = in_background(user)
    cell = ok(shell, f"%auth_signin --hosted-ui --provider google --mode loopback --name {auth.name}")
    thread.join(10)
    assert "Signed in as grace@example.com" in cell.stdout and auth.is_signed_in
    assert "Waiting for the sign-in to finish in the browser (interrupt the kernel to cancel)" in cell.stdout
    link = html_of(cell)
    assert 'target="_blank"' in link and "Sign in with google" in link and f"{fake.url}/oauth2/authorize?" in link
    text = cell.outputs[0].data["text/plain"]
    assert "open this address in a browser" in text and f"comes back to this kernel at {callbacks[0]}" in text
    assert dict(parse_qsl(urlsplit(browser.authorize_url()).query))["identity_provider"] == "Google"
    # The link is replaced once the sign-in is over: a saved notebook keeps no authorize URL.
    assert cell.outputs[-1].data == {"text/plain": "Hosted-UI sign-in finished; the link was removed."}
    secrets = secrets_of(fake, auth)
    assert len(secrets) == 5
    everything = cell.shown() + history_text(shell)
    assert not [value for value in secrets if value in everything]


def test_paste_mode_asks_at_a_hidden_prompt_and_never_echoes_the_address(shell, keys, auth, fake):
    browser = Browser(fake)
    callback: list[str] = []

    def pasted() -> str:  # the user signs in, then copies the address the browser ended on
        callback.append(fake.sign_in(browser.authorize_url(), "ada"))
        return callback[0]

    keys.type("https://elsewhere.example.org/page?code=not-this", pasted)
    cell = ok(shell, f"%auth_signin --hosted-ui --mode paste --name {auth.name}")
    assert keys.prompts == [PASTE_PROMPT, PASTE_PROMPT]
    assert callback[0] in TYPED  # read by getpass: JupyterLab shows a hidden answer as dots, never saves it
    assert "is not this sign-in's callback" in cell.stdout and "try again" in cell.stdout
    assert "Signed in as ada@example.com" in cell.stdout
    assert "Copy the whole address from the browser's address bar" in cell.outputs[0].data["text/plain"]
    everything = cell.shown() + history_text(shell)
    assert callback[0] not in everything and "not-this" not in everything
    assert not [value for value in secrets_of(fake, auth) if value in everything]


def test_an_interrupt_cancels_cleanly_and_says_so(shell, auth, fake, callbacks, python_sigint):
    port = urlsplit(callbacks[0]).port

    thread = interrupt_main_inside("_receive")  # Ctrl+C / the kernel's stop button, once the cell is waiting
    cell = run(shell, f"%auth_signin --hosted-ui --mode loopback --name {auth.name}")
    thread.join(10)
    assert type(cell.error).__name__ == "UsageError"
    assert "Hosted-UI sign-in cancelled: no one was signed in" in str(cell.error)
    assert "Traceback" not in cell.shown()
    assert not auth.is_signed_in and not Browser(fake).listening(port)
    assert cell.outputs[-1].data == {"text/plain": "Hosted-UI sign-in cancelled; the link was removed."}


@pytest.mark.parametrize(("line", "message"), [
    ("--hosted-ui someone", "leave out a username"),
    ("--hosted-ui --password-env PW", "leave out --password-env"),
    ("--provider google", "add --hosted-ui"),
    ("--hosted-ui --timeout 0", "--timeout is a number of seconds greater than 0"),
    ("--hosted-ui --mode popup", "argument --mode: invalid choice"),
    ("--hosted-ui --mode server", "fits mode 'server'"),
])
def test_refusals_are_one_line_in_the_magics_words(shell, auth, line, message):
    cell = run(shell, f"%auth_signin {line} --name {auth.name}")
    assert type(cell.error).__name__ == "UsageError" and message in str(cell.error)
    assert not auth.is_signed_in


def test_sign_out_after_a_hosted_ui_sign_in_shows_the_logout_link(shell, keys, auth, fake):
    browser = Browser(fake)
    keys.type(lambda: fake.sign_in(browser.authorize_url()))
    ok(shell, f"%auth_signin --hosted-ui --mode paste --name {auth.name}")
    cell = ok(shell, f"%auth_signout --name {auth.name}")
    assert "Signed out." in cell.stdout
    shown = cell.outputs[0].data
    assert f"{fake.url}/logout?client_id={CLIENT_ID}" in shown["text/plain"]
    assert 'target="_blank"' in shown["text/html"] and "Sign out of the hosted UI too" in shown["text/html"]
    cell = ok(shell, f"%auth_signout --name {auth.name}")  # no hosted-UI session now: no link
    assert cell.outputs == []
