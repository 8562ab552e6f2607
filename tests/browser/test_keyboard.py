"""The Authenticator with the keyboard alone, in JupyterLab 4: Tab and Shift+Tab walk the controls in the
order the form reads, Enter submits (and on unmet password rules says which, and goes to the field), an
error is announced (role=alert) and the keyboard goes back to the field to correct, and every new view
takes the focus: its first empty field, or its first control when it has no field (signedIn's Sign Out).
No click anywhere."""

from __future__ import annotations

import pyotp

from tests.browser.conftest import AUTHENTICATOR_CELL, write_notebook

EMAIL = "keys@example.com"
PASSWORD = "Keyboard-only-42"
NEW_EMAIL = "newkeys@example.com"


def tab_walk(ui, key: str, count: int) -> list[str]:
    """Press ``key`` (Tab or Shift+Tab) ``count`` times; what has the focus after each press."""
    found = []
    for _ in range(count):
        ui.page.keyboard.press(key)
        found.append(ui.focused())
    return found


def test_sign_up_rules_then_sign_in_with_totp_and_sign_out_by_keyboard_alone(served_sandbox, lab, widget_page):
    sb, root = served_sandbox()
    user = sb.create_user(EMAIL, PASSWORD, {"email_verified": "true"}, mfa=["SOFTWARE_TOKEN_MFA"])
    write_notebook(root / "keys.ipynb", AUTHENTICATOR_CELL)
    server, token = lab(root)
    ui = widget_page
    keyboard = ui.page.keyboard
    ui.open_lab(server.url, token, "keys.ipynb")
    ui.run_all_cells()
    ui.view("signIn")
    ui.wait_focused("input username")  # the widget takes the keyboard as it appears

    # The Tab order is the reading order: the fields, the password's Show toggle, Sign In, then the links.
    order = ["input password", "button Show", "button Sign In", "button Forgot your password?",
             "button Create Account"]
    assert tab_walk(ui, "Tab", 5) == order
    assert tab_walk(ui, "Shift+Tab", 5) == [*reversed(order[:-1]), "input username"]

    # To sign up: Tab to "Create Account" and press Enter; the new view puts the keyboard in its first field.
    tab_walk(ui, "Tab", 5)
    keyboard.press("Enter")
    ui.view("signUp")
    ui.wait_focused("input username")
    keyboard.type(NEW_EMAIL)
    keyboard.press("Tab")
    keyboard.type("short")
    assert tab_walk(ui, "Tab", 2) == ["button Show", "input confirm_password"]
    keyboard.type("short")
    keyboard.press("Enter")  # the submit button is disabled by the unmet rules: Enter says which instead
    ui.wait_focused("input password")
    password = ui.field("signUp", "Password")
    assert password.get_attribute("aria-invalid") == "true"
    rules_id = password.get_attribute("aria-describedby")
    rules = ui.page.locator(f"#{rules_id}")
    assert rules.get_attribute("aria-live") == "polite"  # read out as it fills
    assert "Password must have at least 8 characters" in rules.inner_text()
    assert sb.user(NEW_EMAIL) is None  # nothing was sent
    ui.screenshot("signUp-enter-on-unmet-rules")
    # Back to Sign In: past the Show toggles and the (disabled, so skipped) submit button.
    assert tab_walk(ui, "Tab", 4) == ["button Show", "input confirm_password", "button Show",
                                      "button Back to Sign In"]
    keyboard.press("Enter")

    ui.view("signIn")
    ui.wait_focused("input username")
    keyboard.type(EMAIL)
    keyboard.press("Tab")
    keyboard.type("Wrong-password-1")
    keyboard.press("Enter")
    alert = ui.view("signIn").locator("[role=alert]")
    alert.wait_for(state="visible")
    assert alert.inner_text() == "Incorrect username or password."  # announced: an alert, not just red text
    ui.wait_focused("input password")  # back on the emptied field, ready for the next try
    ui.screenshot("signIn-error")
    keyboard.type(PASSWORD)
    keyboard.press("Enter")

    ui.view("confirmSignIn")
    ui.wait_focused("input code")
    keyboard.type(pyotp.TOTP(user.totp_secret).now())
    keyboard.press("Enter")

    ui.view("signedIn")
    ui.wait_focused("button Sign Out")  # a view without a field: its first control takes the keyboard
    ui.screenshot("signedIn")
    keyboard.press("Enter")
    ui.view("signIn")
    ui.wait_focused("input password")  # the login is filled in: the first empty field is the password
    assert ui.field("signIn", "Email").input_value() == EMAIL
