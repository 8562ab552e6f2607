"""`auth.trace` after each public method holds exactly the Cognito calls the sandbox answered for it: no
call missing (a refresh, a GetUser a method makes on the way), none left over from the call before."""

from __future__ import annotations

import pyotp
import pytest

import amplify_nb
from amplify_nb.config import load_config
from amplify_nb.errors import AmplifyNbError
from tests.conftest import install_challenge

PASSWORD = "Correct-horse-1"
PHONE = "+15550001234"


class Witness:
    """Runs one public method and compares its trace with the sandbox's log of the same moment."""

    def __init__(self, sb, auth):
        self.sb, self.auth, self.checked = sb, auth, []
        self.last = auth.trace

    def __call__(self, name: str, *args, **kwargs):
        before = len(self.sb.calls)
        try:
            result = getattr(self.auth, name)(*args, **kwargs)
        except AmplifyNbError:
            result = None
        seen = [(c.operation, c.outcome) for c in self.sb.calls[before:]]
        traced = [(e.operation, e.outcome) for e in self.auth.trace]
        if not seen:  # no call at all: the trace is still the last flow's, untouched
            assert self.auth.trace is self.last, name
        else:
            assert traced == seen, (name, traced, seen)
        self.last = self.auth.trace
        self.checked.append((name, seen))
        return result


@pytest.fixture
def witness(make_sandbox, clock):
    sb, _ = make_sandbox(clock=clock, mfa_configuration="OPTIONAL")
    auth = amplify_nb.Auth(sb.config, name="traced", clock=clock)
    return Witness(sb, auth)


def test_every_account_method_traces_what_the_sandbox_saw(witness, clock):
    sb, call = witness.sb, witness
    email = "ada@example.com"
    call("sign_up", email, PASSWORD, {"email": email})
    call("resend_sign_up", email)
    call("confirm_sign_up", email, "000000")  # wrong: a failed call is traced too
    call("confirm_sign_up", email, sb.outbox.last_code(email))
    call("sign_in", email, "Wrong-horse-22")
    call("sign_in", email, PASSWORD)
    call("current_session")  # fresh tokens: no call
    call("current_authenticated_user")
    call("user_attributes")
    call("update_user_attributes", {"name": "Ada"})
    call("get_preferred_mfa")
    setup = call("setup_totp")
    call("verify_totp_token", pyotp.TOTP(setup.secret).at(clock()))
    call("set_preferred_mfa", "TOTP")
    call("set_preferred_mfa", "NOMFA")  # reads the enabled methods first (GetUser), then sets
    assert [op for op, _ in witness.checked[-1][1]] == ["GetUser", "SetUserMFAPreference"]
    clock.advance(3600)  # the tokens are due: the next method refreshes them first, in its own trace
    call("change_password", PASSWORD, "Correct-horse-2")
    call("sign_out")
    call("forgot_password", email)
    call("forgot_password_submit", email, sb.outbox.last_code(email, "ForgotPassword"), PASSWORD)
    call("sign_in", email, PASSWORD)
    call("delete_user")
    operations = {op for _, seen in witness.checked for op, _ in seen}
    assert {"InitiateAuth", "RespondToAuthChallenge", "GetUser", "SetUserMFAPreference", "RevokeToken",
            "DeleteUser", "ConfirmForgotPassword", "VerifySoftwareToken"} <= operations
    refreshed = dict(witness.checked)["change_password"]
    assert [op for op, _ in refreshed] == ["InitiateAuth", "ChangePassword"]
    assert dict(witness.checked)["current_session"] == []


def test_every_challenge_step_traces_what_the_sandbox_saw(witness):
    sb, call = witness.sb, witness
    sb.create_user("sms@example.com", PASSWORD, {"phone_number": PHONE, "email_verified": "true"}, mfa=["SMS_MFA"])
    call("sign_in", "sms@example.com", PASSWORD)
    call("confirm_sign_in", "000000")
    assert call("confirm_sign_in", sb.outbox.last_code(PHONE, "Authentication")).is_signed_in
    call("sign_out", global_=True)

    sb.create_user("invited@example.com", "Temporary-pw-1", {"email_verified": "true"}, temporary=True)
    call("sign_in", "invited@example.com", "Temporary-pw-1")
    assert call("complete_new_password", "Chosen-pw-123").is_signed_in
    call("sign_out")


def test_mfa_setup_inside_sign_in_traces_the_association_and_the_verification(make_sandbox, clock):
    sb, _ = make_sandbox(clock=clock, mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA",))
    auth = amplify_nb.Auth(sb.config, name="setup", clock=clock)
    call = Witness(sb, auth)
    sb.create_user("new@example.com", PASSWORD, {"email_verified": "true"})
    result = call("sign_in", "new@example.com", PASSWORD)
    assert result.next_step == "MFA_SETUP"
    assert call("confirm_sign_in", pyotp.TOTP(result.totp_setup.secret).at(clock())).is_signed_in
    assert [op for op, _ in call.checked[-1][1]] == ["VerifySoftwareToken", "RespondToAuthChallenge"]


def test_a_custom_challenge_traces_each_answer(make_sandbox, clock):
    sb, _ = make_sandbox(clock=clock)

    def define(event):
        session = event["request"]["session"]
        done = bool(session) and session[-1]["challengeResult"]
        event["response"].update(issueTokens=done, failAuthentication=False,
                                 **({} if done else {"challengeName": "CUSTOM_CHALLENGE"}))
        return event

    def create(event):
        event["response"]["privateChallengeParameters"] = {"answer": "42"}
        return event

    install_challenge(sb, define, create)
    config = load_config(sb.config).with_changes(authentication_flow_type="CUSTOM_AUTH")
    call = Witness(sb, amplify_nb.Auth(config, name="custom", clock=clock))
    call("sign_in", sb.demo_username)
    call("send_custom_challenge_answer", "41")
    call("send_custom_challenge_answer", "42")
    assert call.auth.is_signed_in


def test_a_method_that_calls_others_traces_all_of_its_calls(clock):
    """fetch_auth_session refreshes the tokens, then fetches credentials: one trace holds both."""
    from amplify_nb.sandbox import Sandbox

    with Sandbox(clock=clock) as sb:  # with the identity pool (moto): credentials too
        call = Witness(sb, amplify_nb.Auth(sb.config, name="session", clock=clock))
        call("sign_in", sb.demo_username, sb.demo_password)
        clock.advance(3600)  # the tokens are due
        session = call("fetch_auth_session")
        assert session.credentials is not None and session.user_sub
        assert [op for op, _ in call.checked[-1][1]] == ["InitiateAuth", "GetId", "GetCredentialsForIdentity"]
