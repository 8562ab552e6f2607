"""The Authenticator in JupyterLab 4, in Debian's chromium: the whole sign-up to sign-out journey a new
user makes, with a screenshot of every state; and a notebook saved with widget state holds no secret."""

from __future__ import annotations

import json

import pyotp

from tests.browser.conftest import AUTHENTICATOR_CELL, write_notebook

PASSWORD = "Correct-horse-7"
EMAIL = "grace@example.com"


def test_sign_up_confirm_sign_in_totp_setup_signed_in_sign_out(served_sandbox, lab, widget_page):
    sb, root = served_sandbox(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA",))
    write_notebook(root / "auth.ipynb", AUTHENTICATOR_CELL)
    server, token = lab(root)
    ui = widget_page
    ui.open_lab(server.url, token, "auth.ipynb")
    ui.run_all_cells()

    ui.view("signIn")
    violations: dict[str, list[str]] = {}  # axe-core's WCAG findings in each state the user sees
    ui.screenshot("signIn")
    violations["signIn"] = ui.accessibility_violations()
    ui.fill("signIn", "Email", "someone-else@example.com")  # typed, then the user decides to sign up instead
    ui.click("signIn", "Create Account")

    ui.wait_focus("username")  # each new view puts the keyboard in its first field
    ui.fill("signUp", "Email", EMAIL)
    password = ui.field("signUp", "Password")
    assert password.get_attribute("autocomplete") == "new-password" and password.get_attribute("type") == "password"
    password.fill("short")
    ui.field("signUp", "Confirm Password").fill("Other-horse-1")
    ui.field("signUp", "Email").focus()  # leaving the fields shows what they lack, before any submit
    rules = ui.view("signUp").locator(".amplify-nb-rules")
    assert rules.first.inner_text().splitlines() == ["Password must have at least 8 characters",
                                                     "Password must have upper case letters",
                                                     "Password must have numbers",
                                                     "Password must have special characters"]
    assert "Your passwords must match" in rules.nth(1).inner_text()
    assert ui.view("signUp").locator("button.amplify-nb-submit").is_disabled()
    ui.screenshot("signUp-rules")
    violations["signUp-rules"] = ui.accessibility_violations()
    password.fill(PASSWORD)
    ui.view("signUp").locator("button[aria-controls]").first.click()  # show the password: it is the one typed
    assert password.get_attribute("type") == "text" and password.input_value() == PASSWORD
    ui.field("signUp", "Confirm Password").fill(PASSWORD)
    assert ui.view("signUp").locator("button.amplify-nb-submit").is_enabled()
    ui.click("signUp", "Create Account")

    ui.view("confirmSignUp")
    assert "We emailed you a code at" in ui.text("confirmSignUp")
    code = sb.outbox.last_code(EMAIL)
    ui.fill("confirmSignUp", "Confirmation Code", f"{(int(code) + 1) % 1_000_000:06d}")
    ui.click("confirmSignUp", "Confirm")
    assert ui.error_text("confirmSignUp")  # a wrong code is refused, inline
    ui.screenshot("confirmSignUp-wrong-code")
    violations["confirmSignUp-wrong-code"] = ui.accessibility_violations()
    ui.fill("confirmSignUp", "Confirmation Code", code)
    ui.click("confirmSignUp", "Confirm")

    ui.view("signIn")
    assert "Account confirmed" in ui.text("signIn")
    assert ui.field("signIn", "Email").input_value() == EMAIL  # the new user's, not the one typed before
    ui.wait_focus("password")  # the first empty field
    ui.fill("signIn", "Password", PASSWORD)
    ui.screenshot("signIn-confirmed")
    violations["signIn-confirmed"] = ui.accessibility_violations()
    ui.field("signIn", "Password").press("Enter")  # Enter submits

    ui.view("TOTPSetup")
    qr = ui.view("TOTPSetup").locator(".amplify-nb-totp-qr img").first
    qr.wait_for(state="visible")
    assert qr.get_attribute("alt") == "QR code for your authenticator app"
    secret = ui.view("TOTPSetup").locator(".amplify-nb-copy-text").inner_text().replace(" ", "")
    assert sb.user(EMAIL).pending_totp_secret == secret  # the key being set up, grouped by four for the eye
    ui.view("TOTPSetup").locator("button.amplify-nb-copy").click()
    ui.view("TOTPSetup").locator("button.amplify-nb-copy", has_text="Copied").wait_for()
    assert ui.page.evaluate("navigator.clipboard.readText()") == secret
    assert ui.field("TOTPSetup", "Code").get_attribute("autocomplete") == "one-time-code"
    ui.screenshot("TOTPSetup")
    violations["TOTPSetup"] = ui.accessibility_violations()
    ui.fill("TOTPSetup", "Code", pyotp.TOTP(secret).now())
    ui.field("TOTPSetup", "Code").press("Enter")

    signed_in = ui.view("signedIn")
    assert f"Hello, {EMAIL}" in signed_in.inner_text()
    ui.screenshot("signedIn")
    violations["signedIn"] = ui.accessibility_violations()
    ui.click("signedIn", "Sign Out")
    ui.view("signIn")
    ui.screenshot("signedOut")
    assert violations == {state: [] for state in violations}
    assert sorted(path.name for path in ui.shots.iterdir()) == [
        "01-signIn.png", "02-signUp-rules.png", "03-confirmSignUp-wrong-code.png", "04-signIn-confirmed.png",
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
