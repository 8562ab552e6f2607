"""The Authenticator in JupyterLab 4, in Debian's chromium: the whole sign-up to sign-out journey a new
user makes, with a screenshot of every state; and a notebook saved with widget state holds no secret."""

from __future__ import annotations

import json

import pyotp
import pytest

from tests.browser.conftest import AUTHENTICATOR_CELL, write_notebook
from tests.browser.servers import start_jupyterlab

PASSWORD = "Correct-horse-7"
EMAIL = "grace@example.com"


@pytest.fixture
def lab(tmp_path):
    servers = []

    def start(root, **options):
        server, token = start_jupyterlab(root, tmp_path / "jupyter", **options)
        servers.append(server)
        return server, token

    yield start
    for server in servers:
        server.stop()


def test_sign_up_confirm_sign_in_totp_setup_signed_in_sign_out(served_sandbox, lab, widget_page):
    sb, root = served_sandbox(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA",))
    write_notebook(root / "auth.ipynb", AUTHENTICATOR_CELL)
    server, token = lab(root)
    ui = widget_page
    ui.open_lab(server.url, token, "auth.ipynb")
    ui.run_all_cells()

    ui.view("signIn")
    ui.screenshot("signIn")
    ui.click("signIn", "Create Account")

    ui.fill("signUp", "Email", EMAIL)
    ui.fill("signUp", "Password", PASSWORD)
    ui.fill("signUp", "Confirm Password", "Other-horse-1")
    ui.click("signUp", "Create Account")
    assert "Your passwords must match" in ui.error_text("signUp")
    ui.screenshot("signUp-error")
    ui.fill("signUp", "Password", PASSWORD)
    ui.fill("signUp", "Confirm Password", PASSWORD)
    ui.click("signUp", "Create Account")

    ui.view("confirmSignUp")
    assert "We emailed you a code at" in ui.text("confirmSignUp")
    code = sb.outbox.last_code(EMAIL)
    ui.fill("confirmSignUp", "Confirmation Code", f"{(int(code) + 1) % 1_000_000:06d}")
    ui.click("confirmSignUp", "Confirm")
    assert ui.error_text("confirmSignUp")  # a wrong code is refused, inline
    ui.screenshot("confirmSignUp-wrong-code")
    ui.fill("confirmSignUp", "Confirmation Code", code)
    ui.click("confirmSignUp", "Confirm")

    ui.view("signIn")
    assert "Account confirmed" in ui.text("signIn")
    assert ui.field("signIn", "Email").input_value() == EMAIL
    ui.fill("signIn", "Password", PASSWORD)
    ui.screenshot("signIn-confirmed")
    ui.field("signIn", "Password").press("Enter")  # Enter submits

    ui.view("TOTPSetup")
    qr = ui.view("TOTPSetup").locator(".amplify-nb-totp-qr img, img.amplify-nb-totp-qr").first
    qr.wait_for(state="visible")
    secret = ui.view("TOTPSetup").locator(".amplify-nb-totp-secret code").inner_text().replace(" ", "")
    assert sb.user(EMAIL).totp_secret == secret or len(secret) >= 32
    ui.screenshot("TOTPSetup")
    ui.fill("TOTPSetup", "Code", pyotp.TOTP(secret).now())
    ui.field("TOTPSetup", "Code").press("Enter")

    signed_in = ui.view("signedIn")
    assert f"Hello, {EMAIL}" in signed_in.inner_text()
    ui.screenshot("signedIn")
    ui.click("signedIn", "Sign Out")
    ui.view("signIn")
    ui.screenshot("signedOut")
    assert sorted(path.name for path in ui.shots.iterdir()) == [
        "01-signIn.png", "02-signUp-error.png", "03-confirmSignUp-wrong-code.png", "04-signIn-confirmed.png",
        "05-TOTPSetup.png", "06-signedIn.png", "07-signedOut.png"]


CANARY_CELL = """\
import ipywidgets
canary = ipywidgets.Password(description="Canary")  # a plain widget: what JupyterLab does with a password
canary"""


def test_a_notebook_saved_with_widget_state_holds_no_password_and_no_code(served_sandbox, lab, widget_page):
    sb, root = served_sandbox()
    phone = "+15550001234"
    sb.create_user(EMAIL, PASSWORD, {"phone_number": phone, "email_verified": "true"}, mfa=["SMS_MFA"])
    notebook = write_notebook(root / "saved.ipynb", AUTHENTICATOR_CELL, CANARY_CELL)
    server, token = lab(root, save_widget_state=True)
    ui = widget_page
    ui.open_lab(server.url, token, "saved.ipynb")
    ui.run_all_cells()

    ui.fill("signIn", "Email", EMAIL)
    ui.fill("signIn", "Password", PASSWORD)
    ui.click("signIn", "Sign In")
    ui.view("confirmSignIn")
    code = sb.outbox.last_code(phone, "Authentication")
    ui.fill("confirmSignIn", "Code", code)
    ui.click("confirmSignIn", "Confirm")
    ui.view("signedIn")
    canary = ui.page.locator(".widget-inline-hbox:has(label:text-is('Canary')) input")
    canary.fill("canary-typed-secret")
    ui.page.wait_for_timeout(500)  # the canary's value reaches the kernel's widget model
    ui.lab_command("docmanager:save")
    ui.page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)

    saved = notebook.read_text()
    state = json.loads(saved)["metadata"].get("widgets", {})
    assert "application/vnd.jupyter.widget-state+json" in state  # the setting is on: widget state was saved
    assert "canary-typed-secret" in saved  # and a plain Password widget's value is in it, in plain text
    assert PASSWORD not in saved and code not in saved
