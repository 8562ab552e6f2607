"""Today's Cognito end to end against the sandbox, through the public API (issue 11): passwordless and
choice-based sign-in, auto sign-in, refresh-token rotation, remembered devices, and global sign-out ending
every refresh. Round trips are counted where the sandbox answers them."""

from __future__ import annotations

import pytest

import amplify_nb
from amplify_nb.config import load_config
from amplify_nb.errors import CodeMismatchError, NotAuthenticatedError, NotAuthorizedError

PASSWORD = "Correct-horse-1"
EMAIL = "otp@example.com"
VERIFIED = {"email_verified": "true"}


def calls_of(sb, before: int) -> list[str]:
    return [c.operation for c in sb.calls[before:]]


def test_passwordless_sign_up_auto_sign_in_then_email_otp_sign_in(make_sandbox, clock):
    sb, _ = make_sandbox(clock=clock, sign_in_policy=("PASSWORD", "EMAIL_OTP"))
    auth = amplify_nb.Auth(sb.config, name="otp", clock=clock)
    auth.sign_up(EMAIL, None, {"email": EMAIL}, auto_sign_in=True)
    auth.confirm_sign_up(EMAIL, sb.outbox.last_code(EMAIL))
    before = len(sb.calls)
    assert auth.auto_sign_in().is_signed_in and calls_of(sb, before) == ["InitiateAuth"]  # no password anywhere
    auth.sign_out()

    before = len(sb.calls)
    result = auth.sign_in(EMAIL, flow="USER_AUTH", preferred_challenge="EMAIL_OTP")
    assert result.next_step == "EMAIL_OTP" and result.code_delivery.medium == "EMAIL"
    code = sb.outbox.last_code(EMAIL, "Authentication")
    with pytest.raises(CodeMismatchError):
        auth.confirm_sign_in(f"{(int(code) + 1) % 1_000_000:06d}")
    assert auth.confirm_sign_in(code).is_signed_in
    assert calls_of(sb, before) == ["InitiateAuth", "RespondToAuthChallenge", "RespondToAuthChallenge"]


def test_select_challenge_lists_only_the_users_factors_and_a_password_factor_works(make_sandbox, clock):
    sb, _ = make_sandbox(clock=clock, sign_in_policy=("PASSWORD", "EMAIL_OTP", "SMS_OTP"))
    sb.create_user("pw@example.com", PASSWORD, VERIFIED)
    auth = amplify_nb.Auth(sb.config, name="select", clock=clock)
    result = auth.sign_in("pw@example.com", flow="USER_AUTH")
    assert result.next_step == "SELECT_CHALLENGE"
    assert set(result.available_challenges) == {"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"}  # no phone: no SMS_OTP
    assert auth.confirm_sign_in("PASSWORD_SRP").next_step == "PASSWORD_SRP"
    with pytest.raises(NotAuthorizedError):
        auth.confirm_sign_in("Wrong-horse-2")
    assert auth.pending_challenge is None  # Cognito ended that session: start again
    auth.sign_in("pw@example.com", flow="USER_AUTH")
    auth.confirm_sign_in("PASSWORD_SRP")
    assert auth.confirm_sign_in(PASSWORD).is_signed_in


@pytest.mark.parametrize("rotating", [False, True], ids=["REFRESH_TOKEN_AUTH", "rotation"])
def test_forced_refresh_on_a_rotating_and_a_plain_client(make_sandbox, clock, rotating):
    sb, _ = make_sandbox(clock=clock)
    config = sb.config
    if rotating:
        client = sb.add_client(refresh_token_rotation=True, refresh_token_grace_seconds=0)
        config = load_config(config).with_changes(user_pool_client_id=client.client_id,
                                                  refresh_token_rotation=None)  # learnt from Cognito's refusal
    auth = amplify_nb.Auth(config, name=f"refresh-{rotating}", clock=clock)
    auth.sign_in(sb.demo_username, sb.demo_password)
    first = auth.current_session().refresh_token
    before = len(sb.calls)
    fresh = auth.current_session(force_refresh=True)
    if rotating:
        assert fresh.refresh_token != first
        assert calls_of(sb, before) == ["InitiateAuth", "GetTokensFromRefreshToken"]  # refused once, then learnt
        before = len(sb.calls)
        auth.current_session(force_refresh=True)
        assert calls_of(sb, before) == ["GetTokensFromRefreshToken"]  # a rotation refresh: one call
        stale = amplify_nb.Auth(config, name="stale", clock=clock)  # another session holding the old token
        stale._state.store(stale._state.verifier.tokens(  # a token rotated away, as left in storage
            {"IdToken": fresh.id_token, "AccessToken": fresh.access_token, "RefreshToken": first}))
        stale._state.rotating = True
        with pytest.raises(NotAuthenticatedError):
            stale.current_session(force_refresh=True)
        assert not stale.is_signed_in
    else:
        assert fresh.refresh_token == first and calls_of(sb, before) == ["InitiateAuth"]
    auth.sign_out(global_=True)
    assert not auth.is_signed_in


def test_global_sign_out_ends_every_refresh(make_sandbox, clock):
    sb, _ = make_sandbox(clock=clock)
    one = amplify_nb.Auth(sb.config, name="one", clock=clock)
    other = amplify_nb.Auth(sb.config, name="other", clock=clock)
    one.sign_in(sb.demo_username, sb.demo_password)
    other.sign_in(sb.demo_username, sb.demo_password)
    one.sign_out(global_=True)
    with pytest.raises(NotAuthenticatedError):
        other.current_session(force_refresh=True)
    assert not other.is_signed_in


@pytest.mark.parametrize("tracking", ["always", "user_opt_in"])
def test_a_remembered_device_skips_mfa_and_can_be_forgotten(make_sandbox, clock, tracking):
    import pyotp

    sb, _ = make_sandbox(clock=clock, device_tracking=tracking)
    user = sb.create_user("dev@example.com", PASSWORD, VERIFIED, mfa=["SOFTWARE_TOKEN_MFA"])
    auth = amplify_nb.Auth(sb.config, name=f"device-{tracking}", clock=clock)
    assert auth.sign_in("dev@example.com", PASSWORD).next_step == "SOFTWARE_TOKEN_MFA"
    done = auth.confirm_sign_in(pyotp.TOTP(user.totp_secret).at(clock()))
    assert done.is_signed_in and auth.device_key
    assert done.device_confirmation_necessary == (tracking == "user_opt_in")
    if tracking == "user_opt_in":
        auth.remember_device()
    devices = auth.fetch_devices()
    assert [(d.key, d.remembered) for d in devices] == [(auth.device_key, True)]
    auth.sign_out()

    before = len(sb.calls)
    assert auth.sign_in("dev@example.com", PASSWORD).is_signed_in  # no MFA: the device proved itself
    assert "DEVICE_PASSWORD_VERIFIER" in {c.challenge for c in sb.calls[before:]}
    clock.advance(3600)  # a refresh token of a device refreshes for that device
    assert auth.current_session().username == user.username

    key = auth.device_key
    auth.forget_device()
    assert auth.device_key is None and auth.fetch_devices() == []
    auth.sign_out()
    clock.advance(30)
    assert auth.sign_in("dev@example.com", PASSWORD).next_step == "SOFTWARE_TOKEN_MFA"  # MFA again
    assert key != auth.device_key  # a forgotten device is a new one next time
