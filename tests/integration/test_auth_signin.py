"""amplify_nb.Auth sign-in against the sandbox: every flow, every challenge as a next step, every failure."""

from __future__ import annotations

import pyotp
import pytest

import amplify_nb
from amplify_nb.errors import (
    CodeMismatchError,
    NetworkError,
    NotAuthorizedError,
    TriggerError,
    UserNotFoundError,
    ValidationError,
)
from amplify_nb.sandbox import Sandbox
from tests.conftest import install_password_then_question

PASSWORD = "Correct-horse-1"


def _auth(sb: Sandbox, name: str = "test") -> amplify_nb.Auth:
    return amplify_nb.Auth(sb.config, name=name)


def test_srp_sign_in_is_two_round_trips_and_emits_sign_in(sandbox, events):
    auth = _auth(sandbox)
    before = len(sandbox.calls)
    result = auth.sign_in(sandbox.demo_username, sandbox.demo_password)
    assert result.is_signed_in and result.next_step == "DONE"
    assert [c.operation for c in sandbox.calls[before:]] == ["InitiateAuth", "RespondToAuthChallenge"]
    assert auth.current_authenticated_user().login_id == sandbox.demo_username
    assert [e["event"] for e in events if e["event"].startswith("signIn")] == ["signIn"]
    assert auth.trace.operations == ["InitiateAuth", "RespondToAuthChallenge"]


def test_wrong_password_through_srp_is_refused(sandbox, events):
    auth = _auth(sandbox)
    with pytest.raises(NotAuthorizedError) as caught:
        auth.sign_in(sandbox.demo_username, "Wrong-password-9")
    assert caught.value.code == "NotAuthorizedException" and caught.value.request_id
    assert "Wrong-password-9" not in str(caught.value)
    assert not auth.is_signed_in
    assert events[-1]["event"] == "signIn_failure"


def test_user_password_auth_flow(sandbox):
    auth = _auth(sandbox)
    assert auth.sign_in(sandbox.demo_username, sandbox.demo_password, flow="USER_PASSWORD_AUTH").is_signed_in
    assert [c.operation for c in sandbox.calls[-1:]] == ["InitiateAuth"]


def test_unknown_user_is_not_distinguished_from_a_wrong_password(sandbox):
    with pytest.raises(NotAuthorizedError):
        _auth(sandbox).sign_in("nobody@example.com", PASSWORD)
    with Sandbox(prevent_user_existence_errors=False) as legacy, pytest.raises(UserNotFoundError):
        _auth(legacy).sign_in("nobody@example.com", PASSWORD, flow="USER_PASSWORD_AUTH")


def test_unconfirmed_user_is_led_to_confirm_sign_up(sandbox):
    auth = _auth(sandbox)
    auth.sign_up("new@example.com", PASSWORD)
    result = auth.sign_in("new@example.com", PASSWORD)
    assert not result.is_signed_in and result.next_step == "CONFIRM_SIGN_UP"
    auth.confirm_sign_up("new@example.com", sandbox.outbox.last_code("new@example.com"))
    assert auth.sign_in("new@example.com", PASSWORD).is_signed_in


def test_password_reset_required_leads_to_reset(sandbox, cognito):
    cognito.admin_reset_user_password(UserPoolId=sandbox.pool.pool_id, Username=sandbox.demo_username)
    auth = _auth(sandbox)
    result = auth.sign_in(sandbox.demo_username, sandbox.demo_password)
    assert result.next_step == "RESET_PASSWORD"
    auth.forgot_password(sandbox.demo_username)
    auth.forgot_password_submit(sandbox.demo_username, sandbox.outbox.last_code(sandbox.demo_username),
                                "Brand-new-pw-2")
    assert auth.sign_in(sandbox.demo_username, "Brand-new-pw-2").is_signed_in


def test_sms_mfa_wrong_code_keeps_the_challenge_then_right_code_signs_in(sandbox):
    sandbox.create_user("sms@example.com", PASSWORD, {"phone_number": "+15550001234"}, mfa=["SMS_MFA"])
    auth = _auth(sandbox)
    result = auth.sign_in("sms@example.com", PASSWORD)
    assert result.next_step == "SMS_MFA" and result.code_delivery.medium == "SMS"
    assert result.code_delivery.destination.endswith("1234") and "555000" not in result.code_delivery.destination
    with pytest.raises(CodeMismatchError):
        auth.confirm_sign_in("000000" if sandbox.outbox.last_code("+15550001234") != "000000" else "111111")
    assert auth.pending_challenge == "SMS_MFA"
    code = sandbox.outbox.last_code("+15550001234")
    assert auth.confirm_sign_in(f"{code[:3]} {code[3:]}").is_signed_in  # typed as the SMS shows it
    with pytest.raises(ValidationError, match="No sign-in challenge is pending"):
        auth.confirm_sign_in(code)  # answering twice


def test_email_otp(sandbox):
    sandbox.create_user("otp@example.com", PASSWORD, mfa=["EMAIL_OTP"])
    auth = _auth(sandbox)
    result = auth.sign_in("otp@example.com", PASSWORD)
    assert result.next_step == "EMAIL_OTP" and result.code_delivery.medium == "EMAIL"
    assert auth.confirm_sign_in(sandbox.outbox.last_code("otp@example.com", "Authentication")).is_signed_in


def test_totp_sign_in(sandbox):
    user = sandbox.create_user("totp@example.com", PASSWORD, mfa=["SOFTWARE_TOKEN_MFA"])
    auth = _auth(sandbox)
    assert auth.sign_in("totp@example.com", PASSWORD).next_step == "SOFTWARE_TOKEN_MFA"
    with pytest.raises(ValidationError):
        auth.confirm_sign_in(pyotp.TOTP(user.totp_secret).now(), mfa_type="SMS")
    assert auth.confirm_sign_in(pyotp.TOTP(user.totp_secret).now(), mfa_type="TOTP").is_signed_in


def test_select_mfa_type_then_sms(sandbox):
    sandbox.create_user("both@example.com", PASSWORD, {"phone_number": "+15550009999"},
                        mfa=["SMS_MFA", "SOFTWARE_TOKEN_MFA"])
    auth = _auth(sandbox)
    result = auth.sign_in("both@example.com", PASSWORD)
    assert result.next_step == "SELECT_MFA_TYPE"
    assert set(result.mfa_types) == {"SMS_MFA", "SOFTWARE_TOKEN_MFA"}
    with pytest.raises(ValidationError):
        auth.confirm_sign_in("EMAIL")
    assert auth.confirm_sign_in("SMS").next_step == "SMS_MFA"
    assert auth.confirm_sign_in(sandbox.outbox.last_code("+15550009999")).is_signed_in


def test_mfa_setup_inside_sign_in_with_qr():
    with Sandbox(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA",)) as sb:
        sb.create_user("setup@example.com", PASSWORD)
        auth = _auth(sb)
        result = auth.sign_in("setup@example.com", PASSWORD)
        assert result.next_step == "MFA_SETUP"
        setup = result.totp_setup
        assert setup.uri.startswith("otpauth://totp/") and setup.secret not in repr(setup)
        assert setup._repr_png_().startswith(b"\x89PNG")
        with pytest.raises(CodeMismatchError):
            auth.confirm_sign_in("000000" if pyotp.TOTP(setup.secret).now() != "000000" else "111111")
        assert auth.confirm_sign_in(pyotp.TOTP(setup.secret).now()).is_signed_in
        auth.sign_out()
        assert auth.sign_in("setup@example.com", PASSWORD).next_step == "SOFTWARE_TOKEN_MFA"


def test_new_password_required_chained_into_mfa(sandbox):
    sandbox.create_user("invited@example.com", "Temporary-pw-1", {"phone_number": "+15550004321"},
                        temporary=True, mfa=["SMS_MFA"])
    auth = _auth(sandbox)
    result = auth.sign_in("invited@example.com", "Temporary-pw-1")
    assert result.next_step == "NEW_PASSWORD_REQUIRED"
    with pytest.raises(amplify_nb.errors.InvalidPasswordError):
        auth.complete_new_password("short")
    assert auth.pending_challenge == "NEW_PASSWORD_REQUIRED"
    assert auth.complete_new_password("Chosen-pw-123", {"name": "Ivy"}).next_step == "SMS_MFA"
    assert auth.confirm_sign_in(sandbox.outbox.last_code("+15550004321")).is_signed_in
    assert auth.user_attributes()["name"] == "Ivy"


def _captcha_triggers(sb: Sandbox) -> None:
    install_password_then_question(sb, {"captchaUrl": "https://example.com/captcha/7.png"}, "7", retry=False)


@pytest.mark.parametrize("password", [None, "srp"])
def test_custom_auth_captcha_alone_and_after_srp(sandbox, password):
    _captcha_triggers(sandbox)
    auth = _auth(sandbox)
    secret = sandbox.demo_password if password else None
    result = auth.sign_in(sandbox.demo_username, secret, flow="CUSTOM_AUTH")
    assert result.next_step == "CUSTOM_CHALLENGE"
    assert result.challenge_parameters["captchaUrl"].endswith("7.png")
    assert "answer" not in result.challenge_parameters
    assert auth.send_custom_challenge_answer("7").is_signed_in
    auth.sign_out()
    auth.sign_in(sandbox.demo_username, secret, flow="CUSTOM_AUTH")
    with pytest.raises(NotAuthorizedError):
        auth.send_custom_challenge_answer("8")
    assert not auth.is_signed_in and auth.pending_challenge is None


def test_custom_auth_after_srp_refuses_a_wrong_password(sandbox):
    _captcha_triggers(sandbox)
    with pytest.raises(NotAuthorizedError):
        _auth(sandbox).sign_in(sandbox.demo_username, "Not-the-pw-1", flow="CUSTOM_AUTH")


def test_failing_trigger_is_a_typed_error(sandbox):
    def broken(event):
        raise RuntimeError("lambda crashed")

    sandbox.triggers.define_auth_challenge = broken
    with pytest.raises(TriggerError, match="lambda crashed"):
        _auth(sandbox).sign_in(sandbox.demo_username, flow="CUSTOM_AUTH")


@pytest.mark.parametrize(("username", "password"), [
    ("", PASSWORD), ("   ", PASSWORD), ("x" * 129, PASSWORD), ("bad\x00name", PASSWORD), (None, PASSWORD),
    ("demo@example.com", ""), ("demo@example.com", "   "), ("demo@example.com", "p" * 257),
    ("demo@example.com", " leading-space-1A"), ("demo@example.com", "ctrl\x07char-1A"),
])
def test_bad_input_is_refused_before_any_call(sandbox, username, password):
    auth = _auth(sandbox)
    before = len(sandbox.calls)
    with pytest.raises(ValidationError) as caught:
        auth.sign_in(username, password)
    assert len(sandbox.calls) == before and not auth.is_signed_in
    if password and password.strip():
        assert password.strip() not in str(caught.value)


@pytest.mark.parametrize("code", ["", "   ", "12\n34", "12ab!?", "9" * 65])
def test_bad_codes_are_refused_and_the_challenge_stays(sandbox, code):
    sandbox.create_user("codes@example.com", PASSWORD, mfa=["EMAIL_OTP"])
    auth = _auth(sandbox)
    auth.sign_in("codes@example.com", PASSWORD)
    before = len(sandbox.calls)
    with pytest.raises(ValidationError):
        auth.confirm_sign_in(code)
    assert len(sandbox.calls) == before and auth.pending_challenge == "EMAIL_OTP"


def test_confirm_sign_in_without_a_challenge_and_sign_in_twice(sandbox):
    auth = _auth(sandbox)
    with pytest.raises(ValidationError, match="No sign-in challenge"):
        auth.confirm_sign_in("123456")
    auth.sign_in(sandbox.demo_username, sandbox.demo_password)
    with pytest.raises(ValidationError, match="Already signed in"):
        auth.sign_in(sandbox.demo_username, sandbox.demo_password)


def test_sandbox_unreachable_is_a_network_error():
    sb = Sandbox().start()
    auth = _auth(sb)
    sb.stop()
    with pytest.raises(NetworkError, match="Cannot reach Cognito"):
        auth.sign_in(sb.demo_username, sb.demo_password)
    assert not auth.is_signed_in


def test_srp_sign_in_leaves_pycognito_as_shipped(sandbox):
    """amplify_nb subclasses pycognito's AWSSRP for speed; it must not patch pycognito for the process's
    other users (it once gave pycognito's module a ``pow`` of its own)."""
    from pycognito import aws_srp

    before = dict(aws_srp.__dict__)
    assert _auth(sandbox).sign_in(sandbox.demo_username, sandbox.demo_password).is_signed_in
    assert "pow" not in aws_srp.__dict__
    assert aws_srp.__dict__.keys() == before.keys() and all(aws_srp.__dict__[k] is v for k, v in before.items())
