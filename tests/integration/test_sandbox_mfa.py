"""Multi-factor sign-in in the sandbox, over boto3: every challenge Cognito asks, and where it refuses.

SMS and e-mail codes come from the outbox, TOTP codes from pyotp on the secret the sandbox handed out;
time moves with the injected clock (TOTP steps, code and Session lifetimes), never with sleep.
"""

from __future__ import annotations

import base64
import json
import re

import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.conftest import fails, other_code

PASSWORD = "Correct-Horse-9"
ADA, BOB = "ada@example.com", "bob@example.com"
PHONE = "+15555550123"
CONTACT = {"phone_number": PHONE, "phone_number_verified": "true", "email_verified": "true"}


def begin(sb, idp, username: str = ADA, password: str = PASSWORD) -> dict:
    return idp.initiate_auth(ClientId=sb.client.client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": username, "PASSWORD": password})


def answer(sb, idp, challenge: str, session: str, username: str = ADA, **responses: str) -> dict:
    return idp.respond_to_auth_challenge(ClientId=sb.client.client_id, ChallengeName=challenge, Session=session,
                                         ChallengeResponses={"USERNAME": username, **responses})


def mfa_settings(idp, access_token: str) -> tuple[list[str], str | None]:
    user = idp.get_user(AccessToken=access_token)
    return user.get("UserMFASettingList", []), user.get("PreferredMfaSetting")


# ---- codes sent by SMS or e-mail ---------------------------------------------------------------------

CODE_METHODS = pytest.mark.parametrize(
    ("method", "destination", "medium", "masked", "field"),
    [("SMS_MFA", PHONE, "SMS", "+*******0123", "SMS_MFA_CODE"),
     ("EMAIL_OTP", ADA, "EMAIL", "a***@e***", "EMAIL_OTP_CODE")],
    ids=["sms", "email"],
)


@CODE_METHODS
def test_a_wrong_code_can_be_retried_and_the_right_one_gives_tokens(start, method, destination, medium, masked,
                                                                    field):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, CONTACT, mfa=[method])
    challenge = begin(sb, idp)
    assert challenge["ChallengeName"] == method and "AuthenticationResult" not in challenge
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == medium
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == masked
    message = sb.outbox.last(destination, "Authentication")
    assert message.medium == medium and re.fullmatch(r"\d{6}", message.code) and message.code in message.text

    fails("CodeMismatchException", answer, sb=sb, idp=idp, challenge=method, session=challenge["Session"],
          **{field: other_code(message.code)})
    tokens = answer(sb, idp, method, challenge["Session"], **{field: message.code})["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == sb.user(ADA).username
    fails("NotAuthorizedException", answer, sb=sb, idp=idp, challenge=method, session=challenge["Session"],
          **{field: message.code})  # a Session answers once


@CODE_METHODS
def test_an_expired_mfa_code_is_refused(start, clock, method, destination, medium, masked, field):
    sb, idp = start(mfa_code_ttl=60)
    sb.create_user(ADA, PASSWORD, CONTACT, mfa=[method])
    challenge = begin(sb, idp)
    clock.advance(61)
    fails("ExpiredCodeException", answer, sb=sb, idp=idp, challenge=method, session=challenge["Session"],
          **{field: sb.outbox.last_code(destination, "Authentication")})
    challenge = begin(sb, idp)  # signing in again sends a fresh code
    code = sb.outbox.last_code(destination, "Authentication")
    assert answer(sb, idp, method, challenge["Session"], **{field: code})["AuthenticationResult"]["AccessToken"]


def test_an_mfa_session_lasts_three_minutes(start, clock):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, CONTACT, mfa=["SMS_MFA"])
    first = begin(sb, idp)
    first_code = sb.outbox.last_code(PHONE, "Authentication")
    clock.advance(179)
    assert answer(sb, idp, "SMS_MFA", first["Session"], SMS_MFA_CODE=first_code)["AuthenticationResult"]
    late = begin(sb, idp)
    late_code = sb.outbox.last_code(PHONE, "Authentication")
    clock.advance(181)
    fails("NotAuthorizedException", answer, sb=sb, idp=idp, challenge="SMS_MFA", session=late["Session"],
          SMS_MFA_CODE=late_code)


def test_without_mfa_in_the_pool_a_password_is_enough(start):
    sb, idp = start(mfa_configuration="OFF")
    sb.create_user(ADA, PASSWORD, CONTACT, mfa=["SMS_MFA"])
    assert begin(sb, idp)["AuthenticationResult"]["AccessToken"]
    assert len(sb.outbox) == 0
    token = begin(sb, idp)["AuthenticationResult"]["AccessToken"]
    fails("SoftwareTokenMFANotFoundException", idp.associate_software_token, AccessToken=token)


# ---- TOTP: associate, verify, prefer, then sign in with the authenticator --------------------------

def enrol_totp(sb, idp, clock, username: str = ADA) -> tuple[pyotp.TOTP, str]:
    """Associate and verify an authenticator for a signed-in user; returns it and their access token."""
    token = begin(sb, idp, username)["AuthenticationResult"]["AccessToken"]
    totp = pyotp.TOTP(idp.associate_software_token(AccessToken=token)["SecretCode"])
    verified = idp.verify_software_token(AccessToken=token, UserCode=totp.at(clock.now),
                                         FriendlyDeviceName="phone")
    assert verified["Status"] == "SUCCESS"
    return totp, token


def test_each_user_gets_a_fresh_strong_totp_secret(start, clock):
    sb, idp = start()
    secrets = []
    for username in (ADA, BOB):
        sb.create_user(username, PASSWORD)
        token = begin(sb, idp, username)["AuthenticationResult"]["AccessToken"]
        secret = idp.associate_software_token(AccessToken=token)["SecretCode"]
        raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
        assert len(raw) * 8 >= 160
        assert re.fullmatch(r"\d{6}", pyotp.TOTP(secret).at(clock.now))
        secrets.append(secret)
    assert secrets[0] != secrets[1]


def test_totp_enrolment_then_sign_in_with_the_authenticator(start, clock):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD)
    token = begin(sb, idp)["AuthenticationResult"]["AccessToken"]
    totp = pyotp.TOTP(idp.associate_software_token(AccessToken=token)["SecretCode"])
    fails("EnableSoftwareTokenMFAException", idp.verify_software_token, AccessToken=token,
          UserCode=other_code(totp.at(clock.now)))
    assert idp.verify_software_token(AccessToken=token, UserCode=totp.at(clock.now))["Status"] == "SUCCESS"
    assert "SOFTWARE_TOKEN_MFA" not in mfa_settings(idp, token)[0]  # verified, not yet switched on
    assert begin(sb, idp)["AuthenticationResult"]

    idp.set_user_mfa_preference(AccessToken=token,
                                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert mfa_settings(idp, token) == (["SOFTWARE_TOKEN_MFA"], "SOFTWARE_TOKEN_MFA")
    clock.advance(30)
    challenge = begin(sb, idp)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and "AuthenticationResult" not in challenge
    assert len(sb.outbox) == 0  # nothing is sent: the code is on the user's device
    fails("CodeMismatchException", answer, sb=sb, idp=idp, challenge="SOFTWARE_TOKEN_MFA",
          session=challenge["Session"], SOFTWARE_TOKEN_MFA_CODE=other_code(totp.at(clock.now)))
    result = answer(sb, idp, "SOFTWARE_TOKEN_MFA", challenge["Session"], SOFTWARE_TOKEN_MFA_CODE=totp.at(clock.now))
    assert result["AuthenticationResult"]["AccessToken"]


@pytest.mark.parametrize(("steps", "accepted"), [(-1, True), (0, True), (1, True), (-3, False), (3, False)])
def test_totp_tolerates_one_step_of_clock_skew(start, clock, steps, accepted):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, mfa=["SOFTWARE_TOKEN_MFA"])
    totp = pyotp.TOTP(sb.user(ADA).totp_secret)
    challenge = begin(sb, idp)
    code = totp.at(clock.now + 30 * steps)
    if accepted:
        assert answer(sb, idp, "SOFTWARE_TOKEN_MFA", challenge["Session"], SOFTWARE_TOKEN_MFA_CODE=code)
    else:
        fails("CodeMismatchException", answer, sb=sb, idp=idp, challenge="SOFTWARE_TOKEN_MFA",
              session=challenge["Session"], SOFTWARE_TOKEN_MFA_CODE=code)


def test_a_totp_code_signs_in_once(start, clock):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD)
    totp, token = enrol_totp(sb, idp, clock)
    code = totp.at(clock.now)  # the very code that verified the authenticator
    idp.set_user_mfa_preference(AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    fails("CodeMismatchException", answer, sb=sb, idp=idp, challenge="SOFTWARE_TOKEN_MFA",
          session=begin(sb, idp)["Session"], SOFTWARE_TOKEN_MFA_CODE=code)
    clock.advance(30)
    code = totp.at(clock.now)
    assert answer(sb, idp, "SOFTWARE_TOKEN_MFA", begin(sb, idp)["Session"], SOFTWARE_TOKEN_MFA_CODE=code)
    fails("CodeMismatchException", answer, sb=sb, idp=idp, challenge="SOFTWARE_TOKEN_MFA",
          session=begin(sb, idp)["Session"], SOFTWARE_TOKEN_MFA_CODE=code)


def test_mfa_required_sets_up_an_authenticator_during_sign_in(start, clock):
    sb, idp = start(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA",))
    sb.create_user(ADA, PASSWORD)
    challenge = begin(sb, idp)
    assert challenge["ChallengeName"] == "MFA_SETUP" and "AuthenticationResult" not in challenge
    assert json.loads(challenge["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    associated = idp.associate_software_token(Session=challenge["Session"])
    totp = pyotp.TOTP(associated["SecretCode"])
    with pytest.raises(ClientError):  # no tokens before the authenticator is proven
        answer(sb, idp, "MFA_SETUP", associated["Session"])
    verified = idp.verify_software_token(Session=associated["Session"], UserCode=totp.at(clock.now))
    assert verified["Status"] == "SUCCESS"
    tokens = answer(sb, idp, "MFA_SETUP", verified["Session"])["AuthenticationResult"]
    assert mfa_settings(idp, tokens["AccessToken"])[0] == ["SOFTWARE_TOKEN_MFA"]

    clock.advance(30)
    challenge = begin(sb, idp)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert answer(sb, idp, "SOFTWARE_TOKEN_MFA", challenge["Session"], SOFTWARE_TOKEN_MFA_CODE=totp.at(clock.now))


def test_mfa_required_offers_every_method_the_pool_allows(start):
    sb, idp = start(mfa_configuration="ON")
    sb.create_user(ADA, PASSWORD)  # an e-mail, no phone
    challenge = begin(sb, idp)
    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert set(json.loads(challenge["ChallengeParameters"]["MFAS_CAN_SETUP"])) == {"SOFTWARE_TOKEN_MFA", "EMAIL_OTP"}


# ---- several methods, and challenges chained after a new password -----------------------------------

def test_with_several_methods_and_no_preference_the_user_selects_one(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, CONTACT, mfa=["SMS_MFA", "SOFTWARE_TOKEN_MFA"])
    challenge = begin(sb, idp)
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    assert set(json.loads(challenge["ChallengeParameters"]["MFAS_CAN_CHOOSE"])) == {"SMS_MFA", "SOFTWARE_TOKEN_MFA"}
    assert len(sb.outbox) == 0  # nothing is sent before the choice
    chosen = answer(sb, idp, "SELECT_MFA_TYPE", challenge["Session"], ANSWER="SMS_MFA")
    assert chosen["ChallengeName"] == "SMS_MFA" and chosen["Session"] != challenge["Session"]
    fails("NotAuthorizedException", answer, sb=sb, idp=idp, challenge="SELECT_MFA_TYPE",
          session=challenge["Session"], ANSWER="SMS_MFA")
    code = sb.outbox.last_code(PHONE, "Authentication")
    tokens = answer(sb, idp, "SMS_MFA", chosen["Session"], SMS_MFA_CODE=code)["AuthenticationResult"]
    assert mfa_settings(idp, tokens["AccessToken"]) == (["SMS_MFA", "SOFTWARE_TOKEN_MFA"], None)

    idp.set_user_mfa_preference(AccessToken=tokens["AccessToken"], SMSMfaSettings={"Enabled": True,
                                                                                    "PreferredMfa": True})
    assert mfa_settings(idp, tokens["AccessToken"])[1] == "SMS_MFA"
    assert begin(sb, idp)["ChallengeName"] == "SMS_MFA"  # a preference skips the choice


def test_an_invited_user_sets_a_new_password_first(start):
    sb, idp = start()
    idp.admin_create_user(UserPoolId=sb.pool.pool_id, Username=ADA,
                          UserAttributes=[{"Name": "email", "Value": ADA}])
    temporary = sb.outbox.last(ADA, "AdminCreateUser").code
    challenge = begin(sb, idp, password=temporary)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and "AuthenticationResult" not in challenge
    assert json.loads(challenge["ChallengeParameters"]["userAttributes"])["email"] == ADA
    fails("InvalidPasswordException", answer, sb=sb, idp=idp, challenge="NEW_PASSWORD_REQUIRED",
          session=challenge["Session"], NEW_PASSWORD="weakpassword")  # refused, and may be tried again
    tokens = answer(sb, idp, "NEW_PASSWORD_REQUIRED", challenge["Session"], NEW_PASSWORD=PASSWORD)
    assert tokens["AuthenticationResult"]["AccessToken"]
    fails("NotAuthorizedException", answer, sb=sb, idp=idp, challenge="NEW_PASSWORD_REQUIRED",
          session=challenge["Session"], NEW_PASSWORD="Another-Pass-2")
    assert idp.admin_get_user(UserPoolId=sb.pool.pool_id, Username=ADA)["UserStatus"] == "CONFIRMED"
    assert begin(sb, idp)["AuthenticationResult"]
    fails("NotAuthorizedException", begin, sb=sb, idp=idp, password=temporary)


def test_a_new_password_is_followed_by_the_users_mfa(start):
    sb, idp = start()
    sb.create_user(ADA, "Temporary-Pass-1", CONTACT, temporary=True, mfa=["SMS_MFA"])
    challenge = begin(sb, idp, password="Temporary-Pass-1")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert len(sb.outbox) == 0
    chained = answer(sb, idp, "NEW_PASSWORD_REQUIRED", challenge["Session"], NEW_PASSWORD=PASSWORD)
    assert chained["ChallengeName"] == "SMS_MFA" and "AuthenticationResult" not in chained
    code = sb.outbox.last_code(PHONE, "Authentication")
    assert answer(sb, idp, "SMS_MFA", chained["Session"], SMS_MFA_CODE=code)["AuthenticationResult"]
    assert begin(sb, idp)["ChallengeName"] == "SMS_MFA"  # the new password, then MFA, from now on


def test_a_new_password_session_expires_after_three_minutes(start, clock):
    sb, idp = start()
    sb.create_user(ADA, "Temporary-Pass-1", temporary=True)
    challenge = begin(sb, idp, password="Temporary-Pass-1")
    clock.advance(181)
    fails("NotAuthorizedException", answer, sb=sb, idp=idp, challenge="NEW_PASSWORD_REQUIRED",
          session=challenge["Session"], NEW_PASSWORD=PASSWORD)
    assert sb.user(ADA).status == "FORCE_CHANGE_PASSWORD"
    assert begin(sb, idp, password="Temporary-Pass-1")["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
