"""axe-core (npm, WCAG 2.x rules) over every Authenticator view a user can reach in JupyterLab 4, each in
JupyterLab Light and JupyterLab Dark (switched as Settings > Theme does), scoped to the widget: no serious
or critical violation anywhere. The views are reached the way a user reaches them, against the sandbox;
views with a failed step are scanned with their error showing. A screenshot of each view in each theme."""

from __future__ import annotations

import pyotp

from tests.browser.conftest import AUTHENTICATOR_CELL, authenticator_cell, write_notebook
from tests.conftest import install_password_then_question

PASSWORD = "Correct-horse-7"
EMAIL = "grace@example.com"
PHONE = "+15550001234"
VERIFIED = {"email_verified": "true"}
IMPACTS = ("serious", "critical")
THEMES = {"JupyterLab Light": "light", "JupyterLab Dark": "dark"}


class Scanner:
    """axe-core on the view on screen, in the front end's current theme and then in the other one; what it
    finds is kept by view and theme, for one assertion at the end (every view is scanned even when one
    fails)."""

    def __init__(self, ui):
        self.ui = ui
        self.found: dict[str, list[str]] = {}

    def __call__(self, name: str) -> None:
        for _ in THEMES:
            theme = self.ui.theme()["name"]
            self.found[f"{name} ({THEMES[theme]})"] = [*self.ui.accessibility_violations(IMPACTS, needs_review=True),
                                                       *self.ui.unlabelled()]
            self.ui.screenshot(f"{name}-{THEMES[theme]}")
            self.ui.set_theme(next(other for other in THEMES if other != theme))

    def assert_none(self, views: int) -> None:
        assert len(self.found) == 2 * views  # each view scanned, in both themes
        failing = {name: found for name, found in self.found.items() if found}
        assert not failing, "\n".join(f"{name}: {line}" for name, found in failing.items() for line in found)


def other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def sign_in(ui, state: str, username: str, password: str) -> None:
    ui.fill(state, "Email", username)
    ui.fill(state, "Password", password)
    ui.field(state, "Password").press("Enter")


def choose(ui, state: str, label: str) -> None:
    """A radio button of the view, by the text of its label."""
    ui.view(state).locator("label", has_text=label).first.click()


def open_authenticator(root, lab, ui, *cells: str):
    """The cells in a notebook, opened in JupyterLab and run: the page, ready to scan."""
    write_notebook(root / "auth.ipynb", *cells)
    server, token = lab(root)
    ui.open_lab(server.url, token, "auth.ipynb")
    ui.run_all_cells()
    return ui


def test_sign_up_sign_in_totp_and_password_reset_views(served_sandbox, lab, widget_page):
    sb, root = served_sandbox(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA",))
    ui = open_authenticator(root, lab, widget_page, AUTHENTICATOR_CELL)
    scan = Scanner(ui)

    ui.view("signIn")
    scan("signIn")
    sign_in(ui, "signIn", "nobody@example.com", PASSWORD)
    assert ui.error_text("signIn") == "Incorrect username or password."
    scan("signIn-error")

    ui.click("signIn", "Create Account")
    ui.fill("signUp", "Email", EMAIL)
    ui.fill("signUp", "Password", "short")
    ui.fill("signUp", "Confirm Password", "Other-horse-1")
    ui.field("signUp", "Email").focus()  # the rules show once the fields are left
    ui.view("signUp").locator(".amplify-nb-rules li").first.wait_for()
    scan("signUp-rules")
    ui.fill("signUp", "Password", PASSWORD)
    ui.fill("signUp", "Confirm Password", PASSWORD)
    ui.click("signUp", "Create Account")

    ui.view("confirmSignUp")
    code = sb.outbox.last_code(EMAIL)
    ui.fill("confirmSignUp", "Confirmation Code", other(code))
    ui.field("confirmSignUp", "Confirmation Code").press("Enter")
    assert ui.error_text("confirmSignUp")
    scan("confirmSignUp-error")
    ui.fill("confirmSignUp", "Confirmation Code", code)
    ui.field("confirmSignUp", "Confirmation Code").press("Enter")

    ui.view("signIn")
    assert "Account confirmed" in ui.text("signIn")
    scan("signIn-confirmed")
    ui.fill("signIn", "Password", PASSWORD)
    ui.field("signIn", "Password").press("Enter")

    ui.view("TOTPSetup").locator(".amplify-nb-totp-qr img").first.wait_for(state="visible")
    scan("TOTPSetup")
    secret = ui.view("TOTPSetup").locator(".amplify-nb-copy-text").inner_text().replace(" ", "")
    ui.fill("TOTPSetup", "Code", pyotp.TOTP(secret).now())
    ui.field("TOTPSetup", "Code").press("Enter")

    ui.view("signedIn")
    scan("signedIn")
    ui.click("signedIn", "Sign Out")

    sign_in(ui, "signIn", EMAIL, PASSWORD)
    ui.view("confirmSignIn")
    assert "Enter the code from your authenticator app" in ui.text("confirmSignIn")
    scan("confirmSignIn-totp")
    ui.fill("confirmSignIn", "Code", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    ui.field("confirmSignIn", "Code").press("Enter")
    assert ui.error_text("confirmSignIn")
    scan("confirmSignIn-error")
    ui.click("confirmSignIn", "Back to Sign In")

    ui.click("signIn", "Forgot your password?")
    ui.view("forgotPassword")
    scan("forgotPassword")
    ui.fill("forgotPassword", "Email", EMAIL)
    ui.field("forgotPassword", "Email").press("Enter")
    ui.field("forgotPassword", "New password").wait_for()
    ui.fill("forgotPassword", "New password", "short")
    ui.field("forgotPassword", "Code").focus()
    ui.view("forgotPassword").locator(".amplify-nb-rules li").first.wait_for()
    scan("forgotPassword-submit")
    scan.assert_none(11)


def test_mfa_choice_new_password_email_setup_and_contact_verification_views(served_sandbox, lab, widget_page):
    sb, root = served_sandbox(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP"))
    sb.create_user("both@example.com", PASSWORD, {"phone_number": PHONE, "phone_number_verified": "true",
                                                  **VERIFIED}, mfa=["SMS_MFA", "SOFTWARE_TOKEN_MFA"])
    sb.create_user("invited@example.com", "Temporary-pw-1", VERIFIED, temporary=True)
    sb.create_user("new@example.com", PASSWORD, VERIFIED)
    unverified = sb.create_user("unverified@example.com", PASSWORD, {}, mfa=["SOFTWARE_TOKEN_MFA"])
    ui = open_authenticator(root, lab, widget_page, AUTHENTICATOR_CELL)
    scan = Scanner(ui)

    sign_in(ui, "signIn", "both@example.com", PASSWORD)
    ui.view("selectMFAType")
    ui.wait_focused("radio SMS")  # a view without a field: its first control takes the keyboard
    scan("selectMFAType")
    choose(ui, "selectMFAType", "SMS")
    ui.click("selectMFAType", "Continue")
    ui.view("confirmSignIn")
    assert "We texted you a code at" in ui.text("confirmSignIn")
    scan("confirmSignIn-sms")
    ui.click("confirmSignIn", "Back to Sign In")

    sign_in(ui, "signIn", "invited@example.com", "Temporary-pw-1")
    ui.view("requireNewPassword")
    ui.fill("requireNewPassword", "New password", "short")
    ui.field("requireNewPassword", "Confirm Password").focus()
    ui.view("requireNewPassword").locator(".amplify-nb-rules li").first.wait_for()
    scan("requireNewPassword-rules")
    ui.click("requireNewPassword", "Back to Sign In")

    sign_in(ui, "signIn", "new@example.com", PASSWORD)
    ui.view("selectMFAType")
    assert "Multi-Factor Authentication Setup" in ui.text("selectMFAType")
    scan("selectMFAType-setup")
    choose(ui, "selectMFAType", "Email")
    ui.click("selectMFAType", "Continue")
    ui.view("setupEmail")
    scan("setupEmail")
    ui.click("setupEmail", "Back to Sign In")

    sign_in(ui, "signIn", "unverified@example.com", PASSWORD)
    ui.fill("confirmSignIn", "Code", pyotp.TOTP(unverified.totp_secret).now())
    ui.field("confirmSignIn", "Code").press("Enter")
    ui.view("verifyContact")
    ui.wait_focused("radio Email: unverified@example.com")
    scan("verifyContact")
    choose(ui, "verifyContact", "Email")
    ui.click("verifyContact", "Verify")
    ui.field("verifyContact", "Code").wait_for()
    scan("verifyContact-code")
    ui.click("verifyContact", "Skip")
    ui.view("signedIn")
    scan.assert_none(7)


def _captcha(sb) -> None:
    """A CUSTOM_AUTH pool that asks one question after the password (the sandbox runs the triggers)."""
    install_password_then_question(sb, {"question": "Which colour is the sky?"}, "blue", retry=True)


def test_first_factor_choice_and_custom_challenge_views(served_sandbox, lab, widget_page):
    sb, root = served_sandbox(sign_in_policy=("PASSWORD", "EMAIL_OTP", "SMS_OTP"))
    _captcha(sb)
    sb.create_user(EMAIL, PASSWORD, {"phone_number": PHONE, "phone_number_verified": "true", **VERIFIED})
    custom_config = 'load_config("amplify_outputs.json").with_changes(authentication_flow_type="CUSTOM_AUTH")'
    hidden_label = ', form_fields={"signIn": {"email": {"label_hidden": True}}}'  # Amplify UI's labelHidden
    ui = open_authenticator(root, lab, widget_page, authenticator_cell("choice", ', login_flow="USER_AUTH"'),
                            authenticator_cell("custom", hidden_label, config=custom_config))

    choice = ui.within(".choice")
    scan = Scanner(choice)
    choice.fill("signIn", "Email", EMAIL)
    choice.field("signIn", "Email").press("Enter")
    choice.view("signInSelectAuthFactor")
    scan("signInSelectAuthFactor")
    choice.click("signInSelectAuthFactor", "Sign In with Password")
    choice.view("signInPassword")
    choice.fill("signInPassword", "Password", "Wrong-horse-1")
    choice.field("signInPassword", "Password").press("Enter")
    assert "Incorrect username or password" in choice.error_text("signInPassword")
    scan("signInPassword-error")

    custom = ui.within(".custom")
    scan.ui = custom
    label = custom.view("signIn").locator("label", has_text="Email")
    assert label.bounding_box()["width"] <= 1  # out of sight, and still the input's name (scanned here)
    scan("signIn-label-hidden")
    sign_in(custom, "signIn", EMAIL, PASSWORD)
    custom.view("customChallenge")
    assert "Which colour is the sky?" in custom.text("customChallenge")
    scan("customChallenge")
    scan.assert_none(4)
