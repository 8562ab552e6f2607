"""Today's Cognito through the public API against a fake at the network edge (issue 11): choice-based
sign-in (USER_AUTH), e-mail MFA set up inside sign-in, auto sign-in after confirmation, refresh-token
rotation and remembered devices. Each test scripts Cognito's answers and checks both the next step the
user sees and exactly what was sent."""

from __future__ import annotations

import json
import time

import pytest

from amplify_nb.core.storage import MemoryStorage
from amplify_nb.errors import CodeMismatchError, NotAuthenticatedError, ValidationError

from .fake_cognito import SrpServer, error
from .test_signin_steps_fake import CLIENT_ID, INTERNAL, PASSWORD, POOL_ID, USER, answered, assert_signed_in, challenge

SELECT = {"ChallengeName": "SELECT_CHALLENGE", "Session": "s-select", "ChallengeParameters": {},
          "AvailableChallenges": ["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]}


def email_otp(session: str = "s-otp") -> dict:
    return challenge("EMAIL_OTP", session, CODE_DELIVERY_DESTINATION="a***@e***", CODE_DELIVERY_DELIVERY_MEDIUM="EMAIL")


# ---- USER_AUTH ------------------------------------------------------------------------------------
def test_user_auth_without_a_preference_offers_the_users_first_factors(fake, make_auth):
    fake.idp.script("InitiateAuth", SELECT).script("RespondToAuthChallenge", email_otp(), fake.signed_in(INTERNAL))
    auth = make_auth()
    result = auth.sign_in(USER, flow="USER_AUTH")
    assert result.next_step == "SELECT_CHALLENGE"
    assert result.available_challenges == ("PASSWORD_SRP", "PASSWORD", "EMAIL_OTP")  # no passkey in a notebook
    assert fake.idp.last("InitiateAuth")["AuthParameters"] == {"USERNAME": USER}
    with pytest.raises(ValidationError):
        auth.confirm_sign_in("SMS_OTP")  # not one offered: refused before any call
    assert fake.idp.operations() == ["InitiateAuth"]
    step = auth.confirm_sign_in("email_otp")
    assert step.next_step == "EMAIL_OTP" and step.code_delivery.destination == "a***@e***"
    assert answered(fake) == {"name": "SELECT_CHALLENGE", "session": "s-select", "USERNAME": USER,
                              "ANSWER": "EMAIL_OTP"}
    assert_signed_in(auth, auth.confirm_sign_in("123456"))
    assert answered(fake)["EMAIL_OTP_CODE"] == "123456" and answered(fake)["name"] == "EMAIL_OTP"


def test_a_preferred_one_time_code_is_two_round_trips(fake, make_auth):
    fake.idp.script("InitiateAuth", email_otp()).script("RespondToAuthChallenge", fake.signed_in(INTERNAL))
    auth = make_auth()
    result = auth.sign_in(USER, flow="USER_AUTH", preferred_challenge="EMAIL_OTP")
    assert result.next_step == "EMAIL_OTP"
    assert fake.idp.last("InitiateAuth")["AuthParameters"] == {"USERNAME": USER, "PREFERRED_CHALLENGE": "EMAIL_OTP"}
    assert_signed_in(auth, auth.confirm_sign_in("654321"))
    assert fake.idp.operations() == ["InitiateAuth", "RespondToAuthChallenge"]


def test_a_wrong_one_time_code_keeps_the_step_open(fake, make_auth):
    fake.idp.script("InitiateAuth", email_otp()).script(
        "RespondToAuthChallenge", error("CodeMismatchException", "Invalid code received for user"),
        fake.signed_in(INTERNAL))
    auth = make_auth()
    auth.sign_in(USER, flow="USER_AUTH", preferred_challenge="EMAIL_OTP")
    with pytest.raises(CodeMismatchError):
        auth.confirm_sign_in("000000")
    assert auth.pending_challenge == "EMAIL_OTP"
    assert_signed_in(auth, auth.confirm_sign_in("111111"))


def test_a_password_chosen_at_select_challenge_is_asked_then_sent(fake, make_auth):
    fake.idp.script("InitiateAuth", SELECT).script("RespondToAuthChallenge", fake.signed_in(INTERNAL))
    auth = make_auth()
    auth.sign_in(USER, flow="USER_AUTH")
    step = auth.confirm_sign_in("PASSWORD")
    assert step.next_step == "PASSWORD" and fake.idp.operations() == ["InitiateAuth"]  # no call yet
    assert_signed_in(auth, auth.confirm_sign_in(PASSWORD))
    assert answered(fake) == {"name": "SELECT_CHALLENGE", "session": "s-select", "USERNAME": USER,
                              "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}


def test_password_srp_chosen_at_select_challenge_never_sends_the_password(fake, make_auth):
    server = SrpServer(POOL_ID, INTERNAL, PASSWORD, then=fake.signed_in(INTERNAL))
    fake.idp.script("InitiateAuth", SELECT).script("RespondToAuthChallenge", server.challenge, server.verify)
    auth = make_auth()
    auth.sign_in(USER, flow="USER_AUTH")
    assert auth.confirm_sign_in("PASSWORD_SRP").next_step == "PASSWORD_SRP"
    assert_signed_in(auth, auth.confirm_sign_in(PASSWORD))
    first = fake.idp.sent[1][1]
    assert first["ChallengeName"] == "SELECT_CHALLENGE" and first["ChallengeResponses"]["ANSWER"] == "PASSWORD_SRP"
    assert "SRP_A" in first["ChallengeResponses"] and PASSWORD not in json.dumps(fake.idp.sent)


def test_a_password_given_with_user_auth_prefers_srp(fake, make_auth):
    server = SrpServer(POOL_ID, INTERNAL, PASSWORD, then=fake.signed_in(INTERNAL))
    fake.idp.script("InitiateAuth", server.challenge).script("RespondToAuthChallenge", server.verify)
    auth = make_auth()
    assert_signed_in(auth, auth.sign_in(USER, PASSWORD, flow="USER_AUTH"))
    sent = fake.idp.last("InitiateAuth")
    assert sent["AuthFlow"] == "USER_AUTH" and sent["AuthParameters"]["PREFERRED_CHALLENGE"] == "PASSWORD_SRP"
    assert PASSWORD not in json.dumps(fake.idp.sent)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"preferred_challenge": "WEB_AUTHN"}, "preferred_challenge"),
    ({"preferred_challenge": "PASSWORD"}, "password"),  # a password factor needs the password
    ({"preferred_challenge": "EMAIL_OTP", "flow": "USER_SRP_AUTH", "password": PASSWORD}, "preferred_challenge"),
    ({"flow": "USER_AUTHX"}, "flow"),
])
def test_bad_choices_are_refused_before_any_call(fake, make_auth, kwargs, field):
    auth = make_auth()
    with pytest.raises(ValidationError) as caught:
        auth.sign_in(USER, **{"flow": "USER_AUTH", **kwargs})
    assert caught.value.field == field and fake.idp.sent == []


# ---- e-mail MFA set up inside sign-in ---------------------------------------------------------------
def test_email_mfa_set_up_inside_sign_in(fake, make_auth):
    setup = challenge("MFA_SETUP", "s-setup", MFAS_CAN_SETUP=json.dumps(["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]))
    fake.idp.script("InitiateAuth", setup).script("RespondToAuthChallenge", email_otp("s-2"), fake.signed_in(INTERNAL))
    auth = make_auth()
    result = auth.sign_in(USER, PASSWORD, flow="USER_PASSWORD_AUTH")
    assert result.next_step == "MFA_SETUP" and result.totp_setup is None
    assert result.mfa_types == ("SOFTWARE_TOKEN_MFA", "EMAIL_OTP")
    with pytest.raises(ValidationError):
        auth.confirm_sign_in("SMS")  # not a method this sign-in can set up
    assert auth.confirm_sign_in("EMAIL").next_step == "EMAIL_SETUP"
    with pytest.raises(ValidationError):
        auth.confirm_sign_in("not-an-address")
    assert auth.confirm_sign_in("ada@example.com").next_step == "EMAIL_OTP"
    assert answered(fake) == {"name": "MFA_SETUP", "session": "s-setup", "USERNAME": INTERNAL,
                              "EMAIL": "ada@example.com"}
    assert_signed_in(auth, auth.confirm_sign_in("123456"))


def test_choosing_totp_at_mfa_setup_associates_a_secret(fake, make_auth):
    setup = challenge("MFA_SETUP", "s-setup", MFAS_CAN_SETUP=json.dumps(["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]))
    fake.idp.script("InitiateAuth", setup).script("AssociateSoftwareToken", {"SecretCode": "JBSWY3DPEHPK3PXP",
                                                                              "Session": "s-assoc"})
    auth = make_auth()
    auth.sign_in(USER, PASSWORD, flow="USER_PASSWORD_AUTH")
    result = auth.confirm_sign_in("TOTP")
    assert result.next_step == "MFA_SETUP" and result.totp_setup.secret == "JBSWY3DPEHPK3PXP"
    assert fake.idp.last("AssociateSoftwareToken") == {"Session": "s-setup"}


# ---- auto sign-in -----------------------------------------------------------------------------------
def test_auto_sign_in_uses_the_confirmations_session_and_no_password(fake, make_auth):
    fake.idp.script("SignUp", {"UserConfirmed": False, "UserSub": "sub-1"})
    fake.idp.script("ConfirmSignUp", {"Session": "confirmed-session"})
    fake.idp.script("InitiateAuth", fake.signed_in(INTERNAL))
    auth = make_auth()
    with pytest.raises(ValidationError):
        auth.auto_sign_in()  # nothing waiting
    auth.sign_up(USER, None, {"email": USER}, auto_sign_in=True)
    assert "Password" not in fake.idp.last("SignUp")  # a passwordless sign-up
    with pytest.raises(ValidationError):
        auth.auto_sign_in()  # not confirmed yet: no session
    auth.confirm_sign_up(USER, "123456")
    assert_signed_in(auth, auth.auto_sign_in())
    sent = fake.idp.last("InitiateAuth")
    assert sent["AuthFlow"] == "USER_AUTH" and sent["Session"] == "confirmed-session"
    assert sent["AuthParameters"] == {"USERNAME": USER}
    with pytest.raises(ValidationError):
        auth.auto_sign_in()  # the session is good for one sign-in


# ---- refresh-token rotation ---------------------------------------------------------------------
def _signed_in(fake, make_auth, **custom):
    fake.idp.script("InitiateAuth", fake.signed_in(INTERNAL, lifetime=3600))
    auth = make_auth(**custom)
    auth.sign_in(USER, PASSWORD, flow="USER_PASSWORD_AUTH")
    return auth


def test_a_rotating_client_is_learnt_from_its_refusal_and_the_new_refresh_token_kept(fake, make_auth):
    auth = _signed_in(fake, make_auth)
    first_refresh = auth.current_session().refresh_token
    rotated = fake.signed_in(INTERNAL)["AuthenticationResult"]
    fake.idp.script("InitiateAuth", error("NotAuthorizedException", "Refresh token rotation is enabled for this "
                                          "client: use GetTokensFromRefreshToken"))
    fake.idp.script("GetTokensFromRefreshToken", {"AuthenticationResult": rotated},
                    {"AuthenticationResult": {**fake.signed_in(INTERNAL)["AuthenticationResult"],
                                              "RefreshToken": "third"}})
    tokens = auth.current_session(force_refresh=True)
    assert tokens.refresh_token == rotated["RefreshToken"] != first_refresh
    assert fake.idp.last("GetTokensFromRefreshToken") == {"RefreshToken": first_refresh, "ClientId": CLIENT_ID}
    auth.current_session(force_refresh=True)  # known now: one call, straight to the rotating operation
    assert fake.idp.operations()[-3:] == ["InitiateAuth", "GetTokensFromRefreshToken", "GetTokensFromRefreshToken"]
    assert auth.current_session().refresh_token == "third"


def test_a_refresh_token_rotated_away_signs_the_session_out(fake, make_auth):
    storage = MemoryStorage()
    fake.idp.script("InitiateAuth", fake.signed_in(INTERNAL))
    auth = make_auth()
    auth._state.storage = storage  # the test reads what is left behind
    auth.sign_in(USER, PASSWORD, flow="USER_PASSWORD_AUTH")
    auth._state.rotating = True
    fake.idp.script("GetTokensFromRefreshToken",
                    error("RefreshTokenReuseException", "Refresh Token has been rotated and is no longer valid"))
    with pytest.raises(NotAuthenticatedError):
        auth.current_session(force_refresh=True)
    assert not auth.is_signed_in and not any("tokens" in item for item in storage._items)


# ---- remembered devices -------------------------------------------------------------------------
def test_a_new_device_is_confirmed_and_signs_in_as_itself_next_time(fake, make_auth):
    result = fake.signed_in(INTERNAL)
    result["AuthenticationResult"]["NewDeviceMetadata"] = {"DeviceKey": "us-east-1_dev-1", "DeviceGroupKey": "grp-1"}
    fake.idp.script("InitiateAuth", result).script("ConfirmDevice", {"UserConfirmationNecessary": True})
    auth = make_auth()
    signed = auth.sign_in(USER, PASSWORD, flow="USER_PASSWORD_AUTH")
    assert signed.is_signed_in and signed.device_confirmation_necessary
    confirm = fake.idp.last("ConfirmDevice")
    assert confirm["DeviceKey"] == "us-east-1_dev-1" and {"PasswordVerifier", "Salt"} <= \
        confirm["DeviceSecretVerifierConfig"].keys()
    fake.idp.script("UpdateDeviceStatus", {})
    auth.remember_device()
    assert fake.idp.last("UpdateDeviceStatus")["DeviceRememberedStatus"] == "remembered"
    fake.idp.script("RevokeToken", {})
    auth.sign_out()
    fake.idp.script("InitiateAuth", fake.signed_in(INTERNAL))
    auth.sign_in(USER, PASSWORD, flow="USER_PASSWORD_AUTH")
    assert fake.idp.last("InitiateAuth")["AuthParameters"]["DEVICE_KEY"] == "us-east-1_dev-1"
    devices = [{"DeviceKey": "us-east-1_dev-1", "DeviceAttributes": [
        {"Name": "device_status", "Value": "valid"}, {"Name": "dev:device_remembered_status", "Value": "remembered"},
        {"Name": "device_name", "Value": "laptop"}]}]
    fake.idp.script("ListDevices", {"Devices": devices})
    listed = auth.fetch_devices()
    assert [(d.key, d.name, d.remembered) for d in listed] == [("us-east-1_dev-1", "laptop", True)]
    assert "<table>" in listed._repr_html_()
    fake.idp.script("ForgetDevice", {})
    auth.forget_device()
    assert fake.idp.last("ForgetDevice")["DeviceKey"] == "us-east-1_dev-1"
    with pytest.raises(ValidationError):
        auth.forget_device()  # no device of its own any more


def test_devices_are_never_shown(fake, make_auth):
    result = fake.signed_in(INTERNAL)
    result["AuthenticationResult"]["NewDeviceMetadata"] = {"DeviceKey": "us-east-1_dev-2", "DeviceGroupKey": "grp"}
    fake.idp.script("InitiateAuth", result).script("ConfirmDevice", {})
    auth = make_auth()
    auth.sign_in(USER, PASSWORD, flow="USER_PASSWORD_AUTH")
    from amplify_nb.core.flows.devices import store

    secret = store(auth._state).find(USER)
    assert secret is not None and secret.password not in repr(secret) and secret.group_key not in repr(secret)
    assert secret.password not in repr(auth) and secret.password not in str(auth.trace)
    assert time.time()  # the secret is only in storage
