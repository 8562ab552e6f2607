"""The Authenticator with today's Cognito, driven through its forms' submit messages against the sandbox:
the first-factor choice (signInSelectAuthFactor), a chosen password (signInPassword), e-mail and SMS
one-time codes (confirmSignIn), e-mail MFA set up inside sign-in (selectMFAType's set-up choice, then
setupEmail), passwordless sign-up and auto sign-in. After each flow no widget holds a code, a password or a
token, and each failure shows inline with the step still open."""

from __future__ import annotations

import types

import pyotp
import pytest

import amplify_nb
from amplify_nb.errors import ValidationError
from amplify_nb.widgets import Authenticator, I18n
from amplify_nb.widgets.flow import SignInOptions
from tests.integration.test_widget import PASSWORD, WRONG_PASSWORD, Wire, assert_holds_none, submit, token_values
from tests.integration.test_widget_flows import _fresh_widgets, other  # noqa: F401 (an autouse fixture)

PHONE = "+15550001234"
ADA = "ada@example.com"
MAIL_ONLY = "mailonly@example.com"


@pytest.fixture
def make(make_sandbox):
    """A sandbox (with options) holding Ada (verified e-mail and phone) and a user with an e-mail only, an
    Auth on it, and the Wire that sees every secret that Auth sends."""
    def build(**options):
        # Every first factor allowed unless a test says otherwise (a new Cognito pool allows PASSWORD only).
        sb, _ = make_sandbox(**{"demo_user": False, "sign_in_policy": ("PASSWORD", "EMAIL_OTP", "SMS_OTP"),
                                **options})
        sb.create_user(ADA, PASSWORD, {"email_verified": "true", "phone_number": PHONE,
                                       "phone_number_verified": "true"})
        sb.create_user(MAIL_ONLY, PASSWORD, {"email_verified": "true"})
        auth = amplify_nb.Auth(sb.config, name="user_auth")
        return sb, auth, Wire(auth)
    return build


def fields(form) -> list[str]:
    return [item["name"] for item in form.fields]


def shown_factors(view) -> list[str]:
    return [button.description for button in view.children if button in view.factor_buttons.values()]


# ---- the first-factor choice ---------------------------------------------------------------------------
def test_choose_the_emailed_code_a_wrong_code_keeps_the_step_open(make):
    sb, auth, wire = make()
    authenticator = Authenticator(auth, login_flow="USER_AUTH")
    states = []
    authenticator.on_state_change(lambda state, _data: states.append(state))
    assert fields(authenticator.view.form) == ["username"]  # the password only if it is the factor chosen
    submit(authenticator.view.form, username=ADA)

    view = authenticator.view
    assert authenticator.auth_state == "signInSelectAuthFactor" and "Choose how to sign in" in view.heading.value
    assert shown_factors(view) == ["Sign In with Password", "Sign In with Email", "Sign In with SMS"]
    view.factor_buttons["email"].click()

    view = authenticator.view
    assert authenticator.auth_state == "confirmSignIn" and "Confirm Email Code" in view.heading.value
    assert "We emailed you a code at a***@e***" in view.notice.value
    code = sb.outbox.last_code(ADA, "Authentication")
    submit(view.form, code=other(code))
    assert authenticator.auth_state == "confirmSignIn" and view.error.layout.display == "block"
    submit(view.form, code=code)
    assert authenticator.auth_state == "signedIn" and auth.is_signed_in
    assert states == ["signInSelectAuthFactor", "confirmSignIn", "signedIn"]
    assert_holds_none(authenticator, code, *token_values(auth), wire=wire)


def test_the_factors_offered_are_this_users_and_the_sms_code_says_where_it_went(make):
    sb, auth, wire = make()
    authenticator = Authenticator(auth, login_flow="USER_AUTH")
    submit(authenticator.view.form, username=MAIL_ONLY)
    assert shown_factors(authenticator.view) == ["Sign In with Password", "Sign In with Email"]
    authenticator.view.back_button.click()
    assert authenticator.auth_state == "signIn" and authenticator.view.form.values == {"username": MAIL_ONLY}

    submit(authenticator.view.form, username=ADA)
    authenticator.view.factor_buttons["phone_number"].click()
    view = authenticator.view
    assert "Confirm SMS Code" in view.heading.value and "We texted you a code at" in view.notice.value
    code = sb.outbox.last_code(PHONE, "Authentication")
    submit(view.form, code=code)
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, code, *token_values(auth), wire=wire)


def test_a_chosen_password_a_wrong_one_shows_inline_and_the_next_try_signs_in(make):
    _sb, auth, wire = make()
    authenticator = Authenticator(auth, login_flow="USER_AUTH")
    submit(authenticator.view.form, username=ADA)
    authenticator.view.factor_buttons["password"].click()

    view = authenticator.view
    assert authenticator.auth_state == "signInPassword" and "Enter your Password" in view.heading.value
    assert fields(view.form) == ["password"] and auth.pending_challenge == "PASSWORD_SRP"  # SRP preferred
    submit(view.form, password=WRONG_PASSWORD)
    assert authenticator.auth_state == "signInPassword" and "Incorrect username or password" in view.error.value
    # Cognito takes one password per session: the next try starts again with the factor preferred.
    submit(view.form, password=PASSWORD)
    assert authenticator.auth_state == "signedIn" and auth.is_signed_in
    assert_holds_none(authenticator, PASSWORD, WRONG_PASSWORD, *token_values(auth), wire=wire)


def test_a_preferred_code_factor_sends_the_code_at_once_or_offers_the_choice(make):
    _sb, auth, _wire = make()
    authenticator = Authenticator(auth, preferred_challenge="sms_otp")  # implies login_flow USER_AUTH
    assert authenticator.flow.options == SignInOptions("USER_AUTH", "SMS_OTP", True, True)
    submit(authenticator.view.form, username=ADA)
    assert authenticator.auth_state == "confirmSignIn" and "Confirm SMS Code" in authenticator.view.heading.value
    authenticator.view.back_button.click()
    submit(authenticator.view.form, username=MAIL_ONLY)  # no phone: Cognito lets the user choose
    assert authenticator.auth_state == "signInSelectAuthFactor"
    assert shown_factors(authenticator.view) == ["Sign In with Password", "Sign In with Email"]


def test_a_preferred_password_factor_puts_the_password_on_the_sign_in_form(make):
    _sb, auth, wire = make()
    authenticator = Authenticator(auth, preferred_challenge="PASSWORD")
    form = authenticator.view.form
    assert fields(form) == ["username", "password"]
    submit(form, username=ADA, password="")
    assert "password is empty" in authenticator.view.error.value and authenticator.auth_state == "signIn"
    submit(form, username=ADA, password=PASSWORD)
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, PASSWORD, *token_values(auth), wire=wire)


def test_sign_in_options_are_checked_and_follow_the_configuration():
    config = types.SimpleNamespace(authentication_flow_type="USER_SRP_AUTH", passwordless=None)
    assert SignInOptions.resolve(config) == SignInOptions("USER_SRP_AUTH")
    with pytest.raises(ValidationError, match="preferred_challenge must be one of"):
        SignInOptions.resolve(config, preferred_challenge="WEB_AUTHN")
    with pytest.raises(ValidationError, match="belongs to login_flow='USER_AUTH'"):
        SignInOptions.resolve(config, login_flow="USER_PASSWORD_AUTH", preferred_challenge="EMAIL_OTP")
    with pytest.raises(ValidationError, match="login_flow must be one of"):
        SignInOptions.resolve(config, login_flow="USER_AUTH_PLEASE")
    choosing = types.SimpleNamespace(authentication_flow_type="USER_AUTH", passwordless=None)
    assert SignInOptions.resolve(choosing) == SignInOptions("USER_AUTH", None, False, True)
    assert SignInOptions.resolve(choosing, auto_sign_in=False).auto_sign_in is False
    passwordless = types.SimpleNamespace(preferred_challenge="EMAIL_OTP", email_otp=True, sms_otp=False)
    preferring = types.SimpleNamespace(authentication_flow_type="USER_SRP_AUTH", passwordless=passwordless)
    assert SignInOptions.resolve(preferring) == SignInOptions("USER_AUTH", "EMAIL_OTP", True, True)
    assert SignInOptions.resolve(preferring, login_flow="USER_SRP_AUTH") == SignInOptions("USER_SRP_AUTH")
    passkey = types.SimpleNamespace(authentication_flow_type="USER_SRP_AUTH",
                                    passwordless=types.SimpleNamespace(preferred_challenge="WEB_AUTHN"))
    assert SignInOptions.resolve(passkey) == SignInOptions("USER_SRP_AUTH")  # passkeys: the hosted UI's


def test_an_authenticator_with_an_unknown_first_factor_is_refused(make):
    _, auth, _ = make()
    with pytest.raises(ValidationError, match="preferred_challenge"):
        Authenticator(auth, preferred_challenge="FINGERPRINT")


# ---- e-mail MFA set up inside sign-in --------------------------------------------------------------------
def test_mfa_setup_choice_then_email_setup_then_its_code(make):
    sb, auth, wire = make(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA", "EMAIL_OTP"))
    sb.create_user("new@example.com", PASSWORD)
    authenticator = Authenticator(auth)
    submit(authenticator.view.form, username="new@example.com", password=PASSWORD)

    view = authenticator.view
    assert authenticator.auth_state == "selectMFAType"
    assert "Multi-Factor Authentication Setup" in view.heading.value
    assert view.choice.options == (("Authenticator App (TOTP)", "SOFTWARE_TOKEN_MFA"), ("Email", "EMAIL_OTP"))
    view.choice.value = "EMAIL_OTP"
    view.submit_button.click()

    view = authenticator.view
    assert authenticator.auth_state == "setupEmail" and "Setup Email" in view.heading.value
    assert view.form.values == {"email": "new@example.com"}  # the e-mail login, prefilled
    submit(view.form, email="not-an-address")
    assert authenticator.auth_state == "setupEmail" and "email must be an e-mail address" in view.error.value
    submit(view.form, email="new@example.com")

    view = authenticator.view
    assert authenticator.auth_state == "confirmSignIn" and "Confirm Email Code" in view.heading.value
    code = sb.outbox.last_code("new@example.com", "Authentication")
    submit(view.form, code=other(code))
    assert authenticator.auth_state == "confirmSignIn" and view.error.layout.display == "block"
    submit(view.form, code=code)
    assert authenticator.auth_state in ("signedIn", "verifyContact") and auth.is_signed_in
    assert "EMAIL_OTP" in sb.user("new@example.com").mfa_enabled
    assert_holds_none(authenticator, PASSWORD, code, *token_values(auth), wire=wire)


def test_mfa_setup_choice_of_the_authenticator_app_shows_its_qr(make):
    sb, auth, wire = make(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA", "EMAIL_OTP"))
    sb.create_user("app@example.com", PASSWORD, {"email_verified": "true"})
    authenticator = Authenticator(auth)
    I18n.set_language("de")
    submit(authenticator.view.form, username="app@example.com", password=PASSWORD)
    view = authenticator.view
    assert "Einrichtung der Multifaktor-Authentifizierung" in view.heading.value
    view.choice.value = "SOFTWARE_TOKEN_MFA"
    view.submit_button.click()
    assert authenticator.auth_state == "TOTPSetup" and "data:image/png" in authenticator.view.qr.value
    secret = authenticator.flow.totp_setup.secret
    totp = pyotp.TOTP(secret).now()
    submit(authenticator.view.form, code=totp)
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, PASSWORD, totp, secret, *token_values(auth), wire=wire)


def test_email_the_only_mfa_to_set_up_goes_to_setup_email_at_once(make):
    sb, auth, wire = make(mfa_configuration="ON", mfa_methods=("EMAIL_OTP",))
    authenticator = Authenticator(auth)
    I18n.set_language("fr")
    submit(authenticator.view.form, username=MAIL_ONLY, password=PASSWORD)
    assert authenticator.auth_state == "setupEmail" and "Configurer l&#x27;e-mail" in authenticator.view.heading.value
    submit(authenticator.view.form, email=MAIL_ONLY)
    code = sb.outbox.last_code(MAIL_ONLY, "Authentication")
    submit(authenticator.view.form, code=code)
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, PASSWORD, code, *token_values(auth), wire=wire)


# ---- passwordless sign-up and auto sign-in ---------------------------------------------------------------
def test_passwordless_sign_up_asks_no_password_and_signs_in_once_confirmed(make):
    sb, auth, wire = make()
    events = []
    stop = amplify_nb.Hub.listen("auth", lambda payload: events.append(payload["event"]))
    authenticator = Authenticator(auth, initial_state="signUp", preferred_challenge="EMAIL_OTP")
    try:
        form = authenticator.view.form
        assert "password" not in fields(form) and "confirm_password" not in fields(form)
        submit(form, username="nopw@example.com")
        assert authenticator.auth_state == "confirmSignUp"
        code = sb.outbox.last_code("nopw@example.com")
        submit(authenticator.view.form, code=other(code))
        assert authenticator.auth_state == "confirmSignUp" and authenticator.view.error.layout.display == "block"
        submit(authenticator.view.form, code=code)
    finally:
        stop()
    assert authenticator.auth_state == "signedIn" and auth.is_signed_in  # no sign-in form in between
    assert "autoSignIn" in events and "autoSignIn_failure" not in events
    assert sb.user("nopw@example.com").verifier == 0  # no password was ever set
    assert_holds_none(authenticator, code, *token_values(auth), wire=wire)


def test_sign_up_with_a_password_on_a_choice_based_authenticator_signs_in_once_confirmed(make):
    sb, auth, wire = make()
    authenticator = Authenticator(auth, initial_state="signUp", login_flow="USER_AUTH")
    submit(authenticator.view.form, username="pw@example.com", password=PASSWORD, confirm_password=PASSWORD)
    code = sb.outbox.last_code("pw@example.com")
    submit(authenticator.view.form, code=code)
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, PASSWORD, code, *token_values(auth), wire=wire)


def test_auto_sign_in_refused_by_the_app_client_falls_back_to_the_sign_in_form(make):
    sb, auth, _wire = make(explicit_auth_flows=("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"))
    authenticator = Authenticator(auth, initial_state="signUp", auto_sign_in=True)
    submit(authenticator.view.form, username="srp@example.com", password=PASSWORD, confirm_password=PASSWORD)
    submit(authenticator.view.form, code=sb.outbox.last_code("srp@example.com"))
    view = authenticator.view
    assert authenticator.auth_state == "signIn" and "Account confirmed; sign in" in view.notice.value
    assert view.form.values == {"username": "srp@example.com"} and not auth.is_signed_in
    submit(view.form, username="srp@example.com", password=PASSWORD)
    assert authenticator.auth_state == "signedIn"


def test_the_classic_authenticator_keeps_its_sign_in_and_sign_up_forms(make):
    _sb, auth, _ = make()
    authenticator = Authenticator(auth)
    assert authenticator.flow.options == SignInOptions("USER_SRP_AUTH")
    assert fields(authenticator.view.form) == ["username", "password"]
    authenticator.view.sign_up_button.click()
    assert fields(authenticator.view.form)[:3] == ["username", "password", "confirm_password"]


def test_every_step_heading_and_factor_button_is_translated():
    from amplify_nb.steps import MFA_METHODS, STEPS
    from amplify_nb.widgets.views_factors import FACTOR_LABELS
    from amplify_nb.widgets.vocabularies import LABELS

    shown = {step.label for step in STEPS.values() if step.widget_state and step.label}
    shown |= set(FACTOR_LABELS.values()) | {method.label for method in MFA_METHODS}
    assert shown <= set(LABELS), sorted(shown - set(LABELS))
