"""The Authenticator in Jupyter Notebook 7 (the other front end most users have), in Debian's chromium: a
user with an authenticator app signs in, gives the TOTP code, is greeted and signs out; each view passes
axe-core and is photographed (the widget and the whole page) for a person to look at."""

from __future__ import annotations

import pyotp

from tests.browser.conftest import AUTHENTICATOR_CELL, write_notebook

EMAIL = "nb7@example.com"
PASSWORD = "Notebook-seven-7"


def test_sign_in_totp_signed_in_sign_out_in_notebook_7(served_sandbox, notebook7, widget_page):
    sb, root = served_sandbox()
    user = sb.create_user(EMAIL, PASSWORD, {"email_verified": "true"}, mfa=["SOFTWARE_TOKEN_MFA"])
    write_notebook(root / "nb7.ipynb", AUTHENTICATOR_CELL)
    server, token = notebook7(root)
    ui = widget_page
    ui.open_notebook7(server.url, token, "nb7.ipynb")
    assert ui.page.evaluate("() => window.jupyterapp.name") == "Jupyter Notebook"  # not JupyterLab
    ui.run_all_cells()
    violations: dict[str, list[str]] = {}

    ui.view("signIn")
    ui.wait_focused("input username")
    ui.screenshot("signIn-page", whole_page=True)
    ui.screenshot("signIn")
    violations["signIn"] = ui.accessibility_violations(("serious", "critical"))
    ui.fill("signIn", "Email", EMAIL)
    ui.fill("signIn", "Password", PASSWORD)
    ui.field("signIn", "Password").press("Enter")

    ui.view("confirmSignIn")
    assert "Enter the code from your authenticator app" in ui.text("confirmSignIn")
    ui.wait_focused("input code")
    ui.screenshot("confirmSignIn-totp")
    violations["confirmSignIn"] = ui.accessibility_violations(("serious", "critical"))
    ui.page.keyboard.type(pyotp.TOTP(user.totp_secret).now())
    ui.page.keyboard.press("Enter")

    signed_in = ui.view("signedIn")
    assert f"Hello, {EMAIL}" in signed_in.inner_text()
    assert [c.outcome for c in sb.calls if c.operation == "RespondToAuthChallenge"][-1] == "ok"
    ui.screenshot("signedIn-page", whole_page=True)
    ui.screenshot("signedIn")
    violations["signedIn"] = ui.accessibility_violations(("serious", "critical"))
    ui.click("signedIn", "Sign Out")

    ui.view("signIn")
    assert ui.field("signIn", "Email").input_value() == EMAIL
    ui.screenshot("signedOut")
    violations["signedOut"] = ui.accessibility_violations(("serious", "critical"))
    assert violations == {state: [] for state in violations}
    assert "RevokeToken" in [c.operation for c in sb.calls]  # the session ended at Cognito too
