"""Every sign-in step through the public API, against a fake Cognito at the network edge (no sandbox).

Each test scripts what Cognito answers, drives ``amplify_nb.Auth(..., transport=fake)`` as a user would,
and checks the next step the user is shown and what was sent to Cognito. Tokens are real signed JWTs
that TokenVerifier checks against the fake pool's JWKS; USER_SRP_AUTH runs real SRP-6a numbers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest

import amplify_nb
from amplify_nb.errors import CodeMismatchError, NotAuthorizedError

from .conftest import CLIENT_ID, POOL_ID
from .fake_cognito import FakeCognito, SrpServer, error

USER, PASSWORD, INTERNAL = "ada@example.com", "Correct-horse-9!", "0c8f6a52-ada"
PASSWORD_FLOW = "USER_PASSWORD_AUTH"  # scripted challenges come straight from InitiateAuth


def challenge(name: str, session: str = "session-1", **params: str) -> dict:
    return {"ChallengeName": name, "Session": session,
            "ChallengeParameters": {"USER_ID_FOR_SRP": INTERNAL, **params}}


def answered(fake: FakeCognito) -> dict:
    """The last RespondToAuthChallenge's challenge, session and responses."""
    sent = fake.idp.last("RespondToAuthChallenge")
    return {"name": sent["ChallengeName"], "session": sent.get("Session"), **sent["ChallengeResponses"]}


def secret_hash(client_secret: str, username: str) -> str:
    """Cognito's definition, written out as the oracle: Base64(HMAC-SHA256(secret, username + client id))."""
    digest = hmac.new(client_secret.encode(), (username + CLIENT_ID).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def assert_signed_in(auth: amplify_nb.Auth, result) -> None:
    assert result.is_signed_in and result.next_step == "DONE" and result.username == USER
    assert auth.is_signed_in and auth.pending_challenge is None
    assert auth.current_session().username == INTERNAL  # tokens verified and stored


# ---- flows that end signed in at once -----------------------------------------------------------
def test_user_password_auth_is_signed_in_in_one_call(fake, make_auth):
    fake.idp.script("InitiateAuth", fake.signed_in(INTERNAL, email=USER))
    auth = make_auth()
    assert_signed_in(auth, auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW))
    sent = fake.idp.last("InitiateAuth")
    assert sent["AuthFlow"] == "USER_PASSWORD_AUTH" and sent["ClientId"] == CLIENT_ID
    assert sent["AuthParameters"] == {"USERNAME": USER, "PASSWORD": PASSWORD}
    assert fake.made == [("cognito-idp", "us-east-1", fake.made[0][2])]  # one client, from the transport


def test_a_client_secret_adds_the_secret_hash_of_the_login(fake, make_auth):
    fake.idp.script("InitiateAuth", fake.signed_in(INTERNAL))
    auth = make_auth(user_pool_client_secret="s3cr3t-of-the-app-client")
    auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW)
    assert fake.idp.last("InitiateAuth")["AuthParameters"]["SECRET_HASH"] == \
        secret_hash("s3cr3t-of-the-app-client", USER)


def test_user_srp_auth_proves_the_password_with_real_srp_numbers(fake, make_auth):
    import pycognito.aws_srp

    before = dict(pycognito.aws_srp.__dict__)
    server = SrpServer(POOL_ID, INTERNAL, PASSWORD, then=fake.signed_in(INTERNAL))
    fake.idp.script("InitiateAuth", server.challenge).script("RespondToAuthChallenge", server.verify)
    auth = make_auth()
    assert_signed_in(auth, auth.sign_in(USER, PASSWORD))
    assert fake.idp.operations() == ["InitiateAuth", "RespondToAuthChallenge"]
    assert answered(fake)["USERNAME"] == INTERNAL
    assert PASSWORD not in json.dumps(fake.idp.sent)  # SRP never sends the password
    assert "pow" not in pycognito.aws_srp.__dict__ and pycognito.aws_srp.__dict__ == before


def test_user_srp_auth_with_a_wrong_password_is_refused(fake, make_auth):
    server = SrpServer(POOL_ID, INTERNAL, PASSWORD, then=fake.signed_in(INTERNAL))
    fake.idp.script("InitiateAuth", server.challenge).script("RespondToAuthChallenge", server.verify)
    auth = make_auth()
    with pytest.raises(NotAuthorizedError) as caught:
        auth.sign_in(USER, "Wrong-horse-9!")
    assert caught.value.code == "NotAuthorizedException" and caught.value.request_id
    assert not auth.is_signed_in and auth.pending_challenge is None


# ---- MFA challenges -----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "field", "medium", "attribute"), [
    ("SMS_MFA", "SMS_MFA_CODE", "SMS", "phone_number"),
    ("EMAIL_OTP", "EMAIL_OTP_CODE", "EMAIL", "email"),
])
def test_a_code_sent_by_sms_or_email_after_srp(fake, make_auth, name, field, medium, attribute):
    mfa = challenge(name, CODE_DELIVERY_DESTINATION="+*******0100", CODE_DELIVERY_DELIVERY_MEDIUM=medium)
    server = SrpServer(POOL_ID, INTERNAL, PASSWORD, then=mfa)
    fake.idp.script("InitiateAuth", server.challenge)
    fake.idp.script("RespondToAuthChallenge", server.verify, fake.signed_in(INTERNAL))
    auth = make_auth()
    result = auth.sign_in(USER, PASSWORD)
    assert not result.is_signed_in and result.next_step == name and auth.pending_challenge == name
    assert result.code_delivery.destination == "+*******0100" and result.code_delivery.medium == medium
    assert result.code_delivery.attribute == attribute
    assert "USER_ID_FOR_SRP" not in result.challenge_parameters
    assert_signed_in(auth, auth.confirm_sign_in("123456"))
    assert answered(fake) == {"name": name, "session": "session-1", "USERNAME": INTERNAL, field: "123456"}


def test_software_token_mfa(fake, make_auth):
    fake.idp.script("InitiateAuth", challenge("SOFTWARE_TOKEN_MFA", FRIENDLY_DEVICE_NAME="phone"))
    fake.idp.script("RespondToAuthChallenge", fake.signed_in(INTERNAL))
    auth = make_auth()
    result = auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW)
    assert result.next_step == "SOFTWARE_TOKEN_MFA" and result.challenge_parameters["FRIENDLY_DEVICE_NAME"] == "phone"
    assert_signed_in(auth, auth.confirm_sign_in("654321", mfa_type="TOTP"))
    assert answered(fake)["SOFTWARE_TOKEN_MFA_CODE"] == "654321"


def test_select_mfa_type_then_the_chosen_method(fake, make_auth):
    fake.idp.script("InitiateAuth", challenge("SELECT_MFA_TYPE", MFAS_CAN_CHOOSE='["SMS_MFA","SOFTWARE_TOKEN_MFA"]'))
    fake.idp.script("RespondToAuthChallenge", challenge("SOFTWARE_TOKEN_MFA", "session-2"), fake.signed_in(INTERNAL))
    auth = make_auth()
    result = auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW)
    assert result.next_step == "SELECT_MFA_TYPE" and result.mfa_types == ("SMS_MFA", "SOFTWARE_TOKEN_MFA")
    assert auth.confirm_sign_in("TOTP").next_step == "SOFTWARE_TOKEN_MFA"
    assert answered(fake) == {"name": "SELECT_MFA_TYPE", "session": "session-1", "USERNAME": INTERNAL,
                              "ANSWER": "SOFTWARE_TOKEN_MFA"}
    assert_signed_in(auth, auth.confirm_sign_in("112233"))
    assert answered(fake)["session"] == "session-2" and answered(fake)["SOFTWARE_TOKEN_MFA_CODE"] == "112233"


def test_mfa_setup_associates_and_verifies_a_totp_secret(fake, make_auth):
    fake.idp.script("InitiateAuth", challenge("MFA_SETUP", MFAS_CAN_SETUP='["SOFTWARE_TOKEN_MFA"]'))
    fake.idp.script("AssociateSoftwareToken", {"SecretCode": "JBSWY3DPEHPK3PXP", "Session": "session-2"})
    fake.idp.script("VerifySoftwareToken", {"Status": "SUCCESS", "Session": "session-3"})
    fake.idp.script("RespondToAuthChallenge", fake.signed_in(INTERNAL))
    auth = make_auth()
    result = auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW)
    assert result.next_step == "MFA_SETUP" and result.totp_setup.secret == "JBSWY3DPEHPK3PXP"
    assert result.totp_setup.uri.startswith("otpauth://totp/")
    assert fake.idp.last("AssociateSoftwareToken") == {"Session": "session-1"}
    assert_signed_in(auth, auth.confirm_sign_in("246810"))
    assert fake.idp.last("VerifySoftwareToken") == {"Session": "session-2", "UserCode": "246810"}
    assert answered(fake)["name"] == "MFA_SETUP" and answered(fake)["session"] == "session-3"
    assert fake.idp.operations() == ["InitiateAuth", "AssociateSoftwareToken", "VerifySoftwareToken",
                                     "RespondToAuthChallenge"]


def test_a_wrong_code_keeps_the_challenge_pending(fake, make_auth):
    fake.idp.script("InitiateAuth", challenge("SMS_MFA", CODE_DELIVERY_DESTINATION="+*******0100",
                                              CODE_DELIVERY_DELIVERY_MEDIUM="SMS"))
    fake.idp.script("RespondToAuthChallenge",
                    error("CodeMismatchException", "Invalid code or auth state for the user.",
                          "RespondToAuthChallenge"),
                    fake.signed_in(INTERNAL))
    auth = make_auth()
    auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW)
    with pytest.raises(CodeMismatchError) as caught:
        auth.confirm_sign_in("000000")
    assert caught.value.code == "CodeMismatchException" and "000000" not in str(caught.value)
    assert auth.pending_challenge == "SMS_MFA" and not auth.is_signed_in
    assert_signed_in(auth, auth.confirm_sign_in("123456"))
    assert [p["ChallengeResponses"]["SMS_MFA_CODE"] for op, p in fake.idp.sent if op == "RespondToAuthChallenge"] \
        == ["000000", "123456"]
    assert answered(fake)["session"] == "session-1"  # the same Cognito session, tried again


# ---- other challenges ---------------------------------------------------------------------------
def test_new_password_required_with_a_missing_attribute(fake, make_auth):
    fake.idp.script("InitiateAuth", challenge("NEW_PASSWORD_REQUIRED", requiredAttributes='["userAttributes.name"]',
                                              userAttributes='{"email":"ada@example.com"}'))
    fake.idp.script("RespondToAuthChallenge", fake.signed_in(INTERNAL))
    auth = make_auth()
    result = auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW)
    assert result.next_step == "NEW_PASSWORD_REQUIRED" and result.required_attributes == ("name",)
    assert_signed_in(auth, auth.complete_new_password("Brand-new-pass-1!", {"name": "Ada"}))
    assert answered(fake) == {"name": "NEW_PASSWORD_REQUIRED", "session": "session-1", "USERNAME": INTERNAL,
                              "NEW_PASSWORD": "Brand-new-pass-1!", "userAttributes.name": "Ada"}


def test_custom_challenge_without_a_password(fake, make_auth):
    fake.idp.script("InitiateAuth", challenge("CUSTOM_CHALLENGE", USERNAME=INTERNAL, question="6 x 7?"))
    fake.idp.script("RespondToAuthChallenge", fake.signed_in(INTERNAL))
    auth = make_auth()
    result = auth.sign_in(USER, flow="CUSTOM_AUTH")
    assert result.next_step == "CUSTOM_CHALLENGE" and result.challenge_parameters["question"] == "6 x 7?"
    assert fake.idp.last("InitiateAuth")["AuthParameters"] == {"USERNAME": USER}
    assert_signed_in(auth, auth.send_custom_challenge_answer("42"))
    assert answered(fake)["ANSWER"] == "42" and answered(fake)["name"] == "CUSTOM_CHALLENGE"


# ---- the two detours ----------------------------------------------------------------------------
def test_an_unconfirmed_user_is_sent_to_confirm_sign_up(fake, make_auth):
    fake.idp.script("InitiateAuth", error("UserNotConfirmedException", "User is not confirmed.", "InitiateAuth"),
                    fake.signed_in(INTERNAL))
    fake.idp.script("ConfirmSignUp", {})
    auth = make_auth()
    result = auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW)
    assert not result.is_signed_in and result.next_step == "CONFIRM_SIGN_UP" and result.username == USER
    auth.confirm_sign_up(USER, "135790")
    sent = fake.idp.last("ConfirmSignUp")
    assert sent["Username"] == USER and sent["ConfirmationCode"] == "135790" and sent["ClientId"] == CLIENT_ID
    assert_signed_in(auth, auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW))


def test_a_password_reset_required_is_sent_to_reset_password(fake, make_auth):
    fake.idp.script("InitiateAuth", error("PasswordResetRequiredException", "Password reset required.",
                                          "InitiateAuth"), fake.signed_in(INTERNAL))
    fake.idp.script("ForgotPassword", {"CodeDeliveryDetails": {"Destination": "a***@e***", "DeliveryMedium": "EMAIL",
                                                               "AttributeName": "email"}})
    fake.idp.script("ConfirmForgotPassword", {})
    auth = make_auth()
    result = auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW)
    assert not result.is_signed_in and result.next_step == "RESET_PASSWORD"
    delivery = auth.forgot_password(USER)
    assert delivery.medium == "EMAIL" and delivery.destination == "a***@e***"
    auth.forgot_password_submit(USER, "864201", "Another-pass-2!")
    sent = fake.idp.last("ConfirmForgotPassword")
    assert (sent["Username"], sent["ConfirmationCode"], sent["Password"]) == (USER, "864201", "Another-pass-2!")
    assert_signed_in(auth, auth.sign_in(USER, "Another-pass-2!", flow=PASSWORD_FLOW))


# ---- after sign-in ------------------------------------------------------------------------------
def test_a_refresh_hashes_the_secret_with_the_internal_username(fake, jwks):
    from tests.conftest import MovableClock

    clock = MovableClock(time.time())
    config = {"version": "1.3",
              "auth": {"aws_region": "us-east-1", "user_pool_id": POOL_ID, "user_pool_client_id": CLIENT_ID},
              "custom": {"amplify_nb": {"endpoint_url": jwks.url, "user_pool_client_secret": "app-secret"}}}
    fake.idp.script("InitiateAuth", fake.signed_in(INTERNAL))
    auth = amplify_nb.Auth(config, name="fake-refresh", transport=fake, clock=clock)
    auth.sign_in(USER, PASSWORD, flow=PASSWORD_FLOW)
    clock.advance(3500)  # within the refresh margin of the one-hour tokens
    fake.idp.script("InitiateAuth", fake.signed_in(INTERNAL, issued_at=clock()))  # issued at Cognito's now
    auth.current_session()
    sent = fake.idp.last("InitiateAuth")
    assert sent["AuthFlow"] == "REFRESH_TOKEN_AUTH"
    assert sent["AuthParameters"]["SECRET_HASH"] == secret_hash("app-secret", INTERNAL)
