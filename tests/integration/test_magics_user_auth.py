"""Today's Cognito through the magics, in a real IPython shell against the sandbox: choice-based sign-in
(%auth_signin --flow USER_AUTH / --prefer), e-mail MFA set up inside a sign-in, passwordless sign-up and
auto sign-in (%auth_signup --no-password --auto-sign-in), remembered devices (%auth_devices) and a forced
token refresh (%auth_session --refresh). Every failure as one UsageError line; nothing secret in history."""

from __future__ import annotations

import re

import pyotp
import pytest
from IPython.core.error import UsageError

import amplify_nb
from amplify_nb.sandbox import Sandbox

from .ipython_shell import TYPED, history_text, ok, run

PASSWORD = "Correct-horse-1"
PHONE = "+15550001234"
EMAIL_CODE = "E-mail code: "


@pytest.fixture
def sandbox(shell):
    """Start a sandbox with options and configure the default session on it."""
    started: list[Sandbox] = []

    def start(**options):
        # Every first factor allowed unless a test says otherwise (a new Cognito pool allows PASSWORD only).
        options.setdefault("sign_in_policy", ("PASSWORD", "EMAIL_OTP", "SMS_OTP"))
        sb = Sandbox(moto=False, demo_user=False, **options).start()
        started.append(sb)
        shell.user_ns["outputs"] = sb.config
        ok(shell, "%auth_configure outputs")
        return sb

    yield start
    for sb in started:
        sb.stop()


@pytest.fixture
def sb(sandbox):
    """The default pool: every first factor allowed, a user with a verified e-mail and phone."""
    sandbox_ = sandbox()
    sandbox_.create_user("ada@example.com", PASSWORD, {"email_verified": "true", "phone_number": PHONE,
                                                       "phone_number_verified": "true"})
    sandbox_.create_user("mailonly@example.com", PASSWORD, {"email_verified": "true"})
    return sandbox_


def auth():
    return amplify_nb.get_session()


def signed_in_as() -> str | None:
    session = auth()
    return session.current_authenticated_user().login_id if session.is_signed_in else None


def other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# ---- %auth_signin --flow USER_AUTH ------------------------------------------------------------------
def test_the_user_chooses_the_emailed_code_and_may_retype_a_wrong_one(shell, keys, sb):
    keys.type("email_otp", lambda: other(sb.outbox.last_code("ada@example.com")),
              lambda: sb.outbox.last_code("ada@example.com"))
    cell = ok(shell, "%auth_signin ada@example.com --flow USER_AUTH")
    assert keys.prompts == ["Sign in with (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP): ", EMAIL_CODE, EMAIL_CODE]
    assert "A code was sent by EMAIL to a***@e***" in cell.stdout and "try again" in cell.stdout
    assert "Signed in as ada@example.com" in cell.stdout and signed_in_as() == "ada@example.com"


def test_prefer_a_code_factor_asks_no_password_and_takes_two_round_trips(shell, keys, sb):
    keys.type(lambda: sb.outbox.last_code(PHONE, "Authentication"))
    before = len(sb.calls)
    cell = ok(shell, "%auth_signin ada@example.com --prefer sms_otp")  # --prefer implies --flow USER_AUTH
    assert keys.prompts == ["SMS code: "] and "sent by SMS" in cell.stdout and PHONE not in cell.stdout
    cognito = [call.operation for call in sb.calls[before:] if call.operation in ("InitiateAuth",
                                                                                  "RespondToAuthChallenge")]
    assert cognito == ["InitiateAuth", "RespondToAuthChallenge"] and signed_in_as() == "ada@example.com"


def test_a_preferred_factor_the_user_cannot_use_is_one_usage_error_naming_those_offered(shell, keys, sb):
    cell = run(shell, "%auth_signin mailonly@example.com --prefer SMS_OTP")  # no phone number
    assert type(cell.error) is UsageError and "Traceback" not in cell.shown()
    assert "SMS_OTP is not available to mailonly@example.com" in str(cell.error)
    assert "PASSWORD, PASSWORD_SRP, EMAIL_OTP" in str(cell.error) and not keys.prompts
    assert signed_in_as() is None


def test_a_factor_not_offered_or_unknown_is_refused_before_any_code_is_sent(shell, keys, sb):
    for typed in ("SMS_OTP", "WEB_AUTHN"):
        sent = len(sb.outbox)
        keys.type(typed)
        cell = run(shell, "%auth_signin mailonly@example.com --flow USER_AUTH")
        assert type(cell.error) is UsageError and "Choose one of PASSWORD, PASSWORD_SRP, EMAIL_OTP" in str(cell.error)
        assert len(sb.outbox) == sent and signed_in_as() is None


def test_prefer_needs_the_choice_based_flow(shell, keys, sb):
    cell = run(shell, "%auth_signin ada@example.com --flow USER_SRP_AUTH --prefer EMAIL_OTP")
    assert type(cell.error) is UsageError and "--prefer" in str(cell.error) and "USER_AUTH" in str(cell.error)
    bad = run(shell, "%auth_signin ada@example.com --prefer PASSKEY")
    assert type(bad.error) is UsageError and "invalid choice" in str(bad.error)
    assert not keys.prompts


def test_a_chosen_password_factor_asks_the_password_then_and_a_wrong_one_ends_the_sign_in(shell, keys, sb):
    keys.type("PASSWORD_SRP", "Wrong-horse-22")
    wrong = run(shell, "%auth_signin ada@example.com --flow USER_AUTH")
    assert keys.prompts == ["Sign in with (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP): ", "Password: "]
    assert type(wrong.error) is UsageError and "Incorrect username or password" in str(wrong.error)
    assert "Wrong-horse-22" not in wrong.shown() and signed_in_as() is None

    keys.type("PASSWORD", PASSWORD)
    ok(shell, "%auth_signin ada@example.com --flow USER_AUTH")
    assert signed_in_as() == "ada@example.com"
    assert PASSWORD not in str(ok(shell, "%auth_trace").value._repr_html_())


def test_a_preferred_password_factor_is_asked_up_front_or_read_from_the_environment(shell, keys, sb, monkeypatch):
    keys.type(PASSWORD)
    ok(shell, "%auth_signin ada@example.com --prefer PASSWORD")
    assert keys.prompts == ["Password: "] and signed_in_as() == "ada@example.com"
    ok(shell, "%auth_signout")
    monkeypatch.setenv("AMPLIFY_NB_TEST_PASSWORD", PASSWORD)
    TYPED.append(PASSWORD)
    ok(shell, "%auth_signin ada@example.com --flow USER_AUTH --password-env AMPLIFY_NB_TEST_PASSWORD")
    assert keys.prompts == ["Password: "]  # nothing more asked: SRP with the password from the environment
    assert signed_in_as() == "ada@example.com"


def test_an_unconfirmed_user_confirms_then_signs_in_again_with_the_password_given(shell, keys, sb):
    auth().sign_up("late@example.com", PASSWORD)
    keys.type(PASSWORD, lambda: sb.outbox.last_code("late@example.com"))
    cell = ok(shell, "%auth_signin late@example.com --prefer PASSWORD_SRP")
    assert keys.prompts == ["Password: ", "Confirmation code: "]
    assert "has not confirmed the sign-up" in cell.stdout and signed_in_as() == "late@example.com"


def test_the_widget_option_opens_the_authenticator_with_the_same_first_factor(shell, keys, sb):
    authenticator = ok(shell, "%auth_signin --widget --prefer EMAIL_OTP").value
    try:
        assert authenticator.flow.options.login_flow == "USER_AUTH"
        assert authenticator.flow.options.preferred_challenge == "EMAIL_OTP" and not keys.prompts
    finally:
        authenticator.close()


# ---- MFA set up inside a sign-in ------------------------------------------------------------------
def test_mfa_setup_offers_the_choice_then_sets_up_email_codes(shell, keys, sandbox):
    sb = sandbox(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA", "EMAIL_OTP"))
    sb.create_user("new@example.com", PASSWORD, {"email_verified": "true"})
    keys.type(PASSWORD, "EMAIL", "not-an-address")
    bad = run(shell, "%auth_signin new@example.com")
    assert keys.prompts == ["Password: ", "Set up MFA with (TOTP, EMAIL): ", "E-mail address for your codes: "]
    assert type(bad.error) is UsageError and "e-mail address" in str(bad.error) and signed_in_as() is None

    keys.type(PASSWORD, "email", "new@example.com", lambda: other(sb.outbox.last_code("new@example.com")),
              lambda: sb.outbox.last_code("new@example.com"))
    cell = ok(shell, "%auth_signin new@example.com")
    assert keys.prompts[-3:] == ["E-mail address for your codes: ", EMAIL_CODE, EMAIL_CODE]
    assert "try again" in cell.stdout and signed_in_as() == "new@example.com"
    assert "EMAIL_OTP" in sb.user("new@example.com").mfa_enabled


def test_mfa_setup_choice_of_totp_shows_the_qr_and_takes_the_apps_code(shell, keys, sandbox):
    sb = sandbox(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA", "EMAIL_OTP"))
    sb.create_user("app@example.com", PASSWORD, {"email_verified": "true"})
    keys.type(PASSWORD, "TOTP", lambda: pyotp.TOTP(sb.user("app@example.com").pending_totp_secret).now())
    cell = ok(shell, "%auth_signin app@example.com")
    assert keys.prompts == ["Password: ", "Set up MFA with (TOTP, EMAIL): ", "Authenticator app code: "]
    assert any("image/png" in output.data for output in cell.outputs) and "removed" in cell.shown()
    assert signed_in_as() == "app@example.com"


def test_email_as_the_only_mfa_to_set_up_asks_the_address_at_once(shell, keys, sandbox):
    sb = sandbox(mfa_configuration="ON", mfa_methods=("EMAIL_OTP",))
    sb.create_user("solo@example.com", PASSWORD)
    keys.type(PASSWORD, "solo@example.com", lambda: sb.outbox.last_code("solo@example.com"))
    ok(shell, "%auth_signin solo@example.com")
    assert keys.prompts == ["Password: ", "E-mail address for your codes: ", EMAIL_CODE]
    assert signed_in_as() == "solo@example.com"


# ---- %auth_signup --no-password --auto-sign-in ----------------------------------------------------
def test_passwordless_sign_up_is_confirmed_then_signed_in_without_a_password(shell, keys, sb):
    events = []
    stop = amplify_nb.Hub.listen("auth", lambda payload: events.append(payload["event"]))
    try:
        keys.type(lambda: other(sb.outbox.last_code("nopw@example.com")),
                  lambda: sb.outbox.last_code("nopw@example.com"))
        cell = ok(shell, "%auth_signup nopw@example.com --no-password --auto-sign-in")
    finally:
        stop()
    assert keys.prompts == ["Confirmation code: ", "Confirmation code: "]
    assert "Signed in as nopw@example.com" in cell.stdout and signed_in_as() == "nopw@example.com"
    assert events[-3:] == ["confirmSignUp", "signIn", "autoSignIn"]
    assert sb.user("nopw@example.com").status == "CONFIRMED"

    ok(shell, "%auth_signout")
    keys.type(lambda: sb.outbox.last_code("nopw@example.com"))
    ok(shell, "%auth_signin nopw@example.com --prefer EMAIL_OTP")
    assert signed_in_as() == "nopw@example.com"


def test_sign_up_with_a_password_and_auto_sign_in_asks_the_password_once(shell, keys, sb):
    keys.type(PASSWORD, lambda: sb.outbox.last_code("pw@example.com"))
    cell = ok(shell, "%auth_signup pw@example.com --auto-sign-in")
    assert keys.prompts == ["Password: ", "Confirmation code: "] and signed_in_as() == "pw@example.com"
    assert "Signed in as pw@example.com" in cell.stdout


def test_passwordless_sign_up_without_auto_sign_in_says_how_to_sign_in(shell, keys, sb):
    keys.type(lambda: sb.outbox.last_code("later@example.com"))
    cell = ok(shell, "%auth_signup later@example.com --no-password")
    assert "sign in with %auth_signin later@example.com --flow USER_AUTH" in cell.stdout
    assert signed_in_as() is None


def test_passwordless_sign_up_where_the_pool_allows_only_passwords_is_a_usage_error(shell, keys, sandbox):
    sandbox(sign_in_policy=("PASSWORD",))
    cell = run(shell, "%auth_signup nopw@example.com --no-password --auto-sign-in")
    assert type(cell.error) is UsageError and "Traceback" not in cell.shown() and not keys.prompts


# ---- %auth_devices ----------------------------------------------------------------------------------
def test_devices_listed_remembered_and_forgotten(shell, keys, sandbox):
    sb = sandbox(device_tracking="user_opt_in")
    sb.create_user("dev@example.com", PASSWORD, {"email_verified": "true"})
    assert type(run(shell, "%auth_devices").error) is UsageError  # no one signed in
    keys.type(PASSWORD)
    cell = ok(shell, "%auth_signin dev@example.com")
    assert "%auth_devices remember" in cell.stdout

    table = ok(shell, "%auth_devices").value
    assert len(table) == 1 and "key" in table.columns
    key = table["key"][0]
    assert type(run(shell, f"%auth_devices remember {key}").error) is UsageError
    assert "remembered" in ok(shell, "%auth_devices remember").stdout
    [device] = sb.user("dev@example.com").devices.values()
    assert device.key == key and device.remembered

    unknown = run(shell, "%auth_devices forget us-east-1_00000000-0000-0000-0000-000000000000")
    assert type(unknown.error) is UsageError and "Traceback" not in unknown.shown()
    assert "Forgot this session's device" in ok(shell, "%auth_devices forget").stdout
    assert "tracks no device" in ok(shell, "%auth_devices list").stdout


def test_a_remembered_device_signs_in_again_without_the_mfa_code(shell, keys, sandbox):
    sb = sandbox(device_tracking="always", mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA",))
    user = sb.create_user("trusted@example.com", PASSWORD, mfa=["SOFTWARE_TOKEN_MFA"])
    keys.type(PASSWORD, lambda: pyotp.TOTP(user.totp_secret).now())
    ok(shell, "%auth_signin trusted@example.com")
    assert keys.prompts == ["Password: ", "Authenticator app code: "]
    ok(shell, "%auth_signout")
    keys.type(PASSWORD)
    ok(shell, "%auth_signin trusted@example.com")
    assert keys.prompts[-1] == "Password: " and len(keys.prompts) == 3 and signed_in_as() == "trusted@example.com"


# ---- %auth_session --refresh ------------------------------------------------------------------------
def test_session_refresh_forces_new_tokens(shell, keys, sandbox):
    sb = sandbox(refresh_token_rotation=True)
    sb.create_user("fresh@example.com", PASSWORD)
    keys.type(PASSWORD)
    ok(shell, "%auth_signin fresh@example.com")
    before = auth().session_state.tokens()
    ok(shell, "%auth_session --refresh")
    after = auth().session_state.tokens()
    assert after.access_token != before.access_token and after.refresh_token != before.refresh_token


# ---- history ------------------------------------------------------------------------------------------
def test_history_holds_no_password_or_code_of_these_flows(shell, keys, sb):
    keys.type("EMAIL_OTP", lambda: sb.outbox.last_code("ada@example.com"))
    ok(shell, "%auth_signin ada@example.com --flow USER_AUTH")
    history = history_text(shell)
    assert "%auth_signin ada@example.com --flow USER_AUTH" in history
    typed = {value for value in TYPED if value} | {message.code for message in sb.outbox if message.code}
    leaked = [value for value in typed if re.search(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", history)]
    assert not leaked, leaked
