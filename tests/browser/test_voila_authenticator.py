"""The Authenticator as a Voila app (the notebook rendered as a page, no code shown), in Debian's chromium:
a wrong password is refused inline, the right one signs in, the app's content appears only then
(with_authenticator), and signing out hides it again."""

from __future__ import annotations

import pytest

from tests.browser.conftest import write_notebook
from tests.browser.servers import start_voila

PASSWORD = "Correct-horse-7"
EMAIL = "ada@example.com"
APP_CELL = """\
import ipywidgets
import amplify_nb
from amplify_nb.widgets import with_authenticator

auth = amplify_nb.Auth("amplify_outputs.json", name="voila")
content = lambda: ipywidgets.HTML(f"<b class='app-content'>Data for {auth.current_authenticated_user().login_id}</b>")
with_authenticator(content, auth=auth)"""


@pytest.fixture
def voila(tmp_path):
    servers = []

    def start(notebook):
        server = start_voila(notebook, tmp_path / "jupyter")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_sign_in_and_out_of_a_voila_app(served_sandbox, voila, widget_page):
    sb, root = served_sandbox()
    sb.create_user(EMAIL, PASSWORD, {"email_verified": "true"})
    server = voila(write_notebook(root / "app.ipynb", APP_CELL))
    ui = widget_page
    ui.page.goto(server.url, timeout=90_000)

    ui.view("signIn")
    assert ui.page.locator(".app-content").count() == 0
    ui.fill("signIn", "Email", EMAIL)
    ui.fill("signIn", "Password", "Wrong-horse-7")
    ui.click("signIn", "Sign In")
    assert "Incorrect username or password" in ui.error_text("signIn")
    assert ui.field("signIn", "Password").input_value() == ""  # emptied as it was submitted
    ui.screenshot("voila-signIn-wrong-password")

    ui.fill("signIn", "Password", PASSWORD)
    ui.click("signIn", "Sign In")
    ui.view("signedIn")
    content = ui.page.locator(".app-content")
    content.wait_for(state="visible")
    assert content.inner_text() == f"Data for {EMAIL}"
    ui.screenshot("voila-signedIn")

    ui.click("signedIn", "Sign Out")
    ui.view("signIn")
    # The content leaves the page in its own message, just after the view changed: wait for it, then check.
    ui.page.locator(".app-content").wait_for(state="detached", timeout=15_000)
    assert ui.page.locator(".app-content").count() == 0
    ui.screenshot("voila-signedOut")
