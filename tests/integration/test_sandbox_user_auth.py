"""Choice-based sign-in (USER_AUTH), passwordless sign-up and auto sign-in, over plain boto3.

The first factors a user is offered are the pool's sign-in policy narrowed to what the user has; one-time
codes come from the outbox and fail as MFA codes fail (wrong, expired, reused); time moves with the clock.
"""

from __future__ import annotations

import pytest
from pycognito.aws_srp import AWSSRP

from tests.conftest import fails, other_code

PASSWORD = "Correct-Horse-9"
ADA = "ada@example.com"
PHONE = "+15555550123"
VERIFIED = {"email_verified": "true", "phone_number": PHONE, "phone_number_verified": "true"}


@pytest.fixture
def start(make_sandbox, clock):
    """Sandboxes on the test's clock with every first factor allowed unless a test says otherwise (a new
    Cognito pool allows PASSWORD only), and no demo user."""
    return lambda **options: make_sandbox(clock=clock, **{
        "demo_user": False, "sign_in_policy": ("PASSWORD", "EMAIL_OTP", "SMS_OTP"), **options})


def user_auth(sb, idp, username=ADA, client=None, **parameters):
    return idp.initiate_auth(ClientId=(client or sb.client).client_id, AuthFlow="USER_AUTH",
                             AuthParameters={"USERNAME": username, **parameters})


def answer(sb, idp, name, session, username=ADA, **responses):
    return idp.respond_to_auth_challenge(ClientId=sb.client.client_id, ChallengeName=name, Session=session,
                                         ChallengeResponses={"USERNAME": username, **responses})


def email_code(sb, idp, username=ADA, destination=ADA) -> tuple[dict, str]:
    challenge = user_auth(sb, idp, username, PREFERRED_CHALLENGE="EMAIL_OTP")
    return challenge, sb.outbox.last_code(destination, "Authentication")


def signed_in_as(sb, idp, result, username=ADA) -> bool:
    token = result["AuthenticationResult"]["AccessToken"]
    return idp.get_user(AccessToken=token)["Username"] == sb.user(username).username


# ---- what a user is offered ----------------------------------------------------------------------------------

def test_without_a_preference_the_user_chooses_among_the_factors_they_have(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED)
    sb.create_user("bob@example.com", PASSWORD, {"phone_number": PHONE, "phone_number_verified": "false"})
    sb.create_user("cy@example.com", None, {"email_verified": "true"})
    offered = user_auth(sb, idp)
    assert offered["ChallengeName"] == "SELECT_CHALLENGE" and offered["Session"]
    assert offered["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    # An unverified e-mail or phone is no first factor; a passwordless user has no password factor.
    assert user_auth(sb, idp, "bob@example.com")["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    assert user_auth(sb, idp, "cy@example.com")["AvailableChallenges"] == ["EMAIL_OTP"]


def test_a_factor_outside_the_sign_in_policy_is_neither_offered_nor_accepted(start):
    sb, idp = start(sign_in_policy=("PASSWORD",))
    sb.create_user(ADA, PASSWORD, VERIFIED)
    # Preferring it falls back to the choice, which does not include it.
    offered = user_auth(sb, idp, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert offered["ChallengeName"] == "SELECT_CHALLENGE"
    assert offered["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    fails("InvalidParameterException", answer, sb=sb, idp=idp, name="SELECT_CHALLENGE",
          session=offered["Session"], ANSWER="EMAIL_OTP")
    assert not [m for m in sb.outbox if m.kind == "Authentication"]  # no code was sent


def test_user_auth_needs_allow_user_auth_on_the_app_client(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED)
    legacy = sb.add_client(explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    error = fails("InvalidParameterException", user_auth, sb=sb, idp=idp, client=legacy,
                  PREFERRED_CHALLENGE="EMAIL_OTP")
    assert "USER_AUTH" in error.response["Error"]["Message"]


def test_an_unknown_preferred_challenge_is_a_validation_error(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED)
    fails("InvalidParameterException", user_auth, sb=sb, idp=idp, PREFERRED_CHALLENGE="SMS_MFA")


def test_an_unknown_user_is_hidden_behind_the_policy_unless_the_client_reveals_it(start):
    sb, idp = start()
    decoy = user_auth(sb, idp, "nobody@example.com")
    assert decoy["ChallengeName"] == "SELECT_CHALLENGE"
    fails("NotAuthorizedException", answer, sb=sb, idp=idp, name="SELECT_CHALLENGE", session=decoy["Session"],
          username="nobody@example.com", ANSWER="PASSWORD", PASSWORD=PASSWORD)
    legacy = sb.add_client(prevent_user_existence_errors=False)
    fails("UserNotFoundException", user_auth, sb=sb, idp=idp, username="nobody@example.com", client=legacy)


# ---- one-time codes as the first factor ---------------------------------------------------------------------

def test_email_otp_signs_in_in_two_round_trips_and_skips_mfa(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED, mfa=["SMS_MFA"])
    before = len(sb.calls)
    challenge, code = email_code(sb, idp)
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "a***@e***"
    result = answer(sb, idp, "EMAIL_OTP", challenge["Session"], EMAIL_OTP_CODE=code)
    assert [(c.operation, c.challenge) for c in sb.calls[before:]] == [
        ("InitiateAuth", "EMAIL_OTP"), ("RespondToAuthChallenge", None)]
    assert signed_in_as(sb, idp, result)  # no SMS_MFA after a one-time code


def test_sms_otp_chosen_from_the_list_goes_to_the_verified_phone(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED)
    offered = user_auth(sb, idp)
    challenge = answer(sb, idp, "SELECT_CHALLENGE", offered["Session"], ANSWER="SMS_OTP")
    assert challenge["ChallengeName"] == "SMS_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0123"
    code = sb.outbox.last_code(PHONE, "Authentication")
    assert signed_in_as(sb, idp, answer(sb, idp, "SMS_OTP", challenge["Session"], SMS_OTP_CODE=code))
    # The choice was final: the SELECT_CHALLENGE Session cannot choose again.
    fails("NotAuthorizedException", answer, sb=sb, idp=idp, name="SELECT_CHALLENGE", session=offered["Session"],
          ANSWER="EMAIL_OTP")


def test_a_wrong_code_can_be_retried_but_a_used_one_cannot(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED)
    challenge, code = email_code(sb, idp)
    fails("CodeMismatchException", answer, sb=sb, idp=idp, name="EMAIL_OTP", session=challenge["Session"],
          EMAIL_OTP_CODE=other_code(code))
    assert signed_in_as(sb, idp, answer(sb, idp, "EMAIL_OTP", challenge["Session"], EMAIL_OTP_CODE=code))
    fails("NotAuthorizedException", answer, sb=sb, idp=idp, name="EMAIL_OTP", session=challenge["Session"],
          EMAIL_OTP_CODE=code)
    again, _ = email_code(sb, idp)  # a new sign-in: the old code is not its code
    fails("CodeMismatchException", answer, sb=sb, idp=idp, name="EMAIL_OTP", session=again["Session"],
          EMAIL_OTP_CODE=code)


def test_three_wrong_codes_end_the_sign_in(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED)
    challenge, code = email_code(sb, idp)
    for _ in range(3):
        fails("CodeMismatchException", answer, sb=sb, idp=idp, name="EMAIL_OTP", session=challenge["Session"],
              EMAIL_OTP_CODE=other_code(code))
    fails("NotAuthorizedException", answer, sb=sb, idp=idp, name="EMAIL_OTP", session=challenge["Session"],
          EMAIL_OTP_CODE=code)


def test_an_expired_code_is_refused_and_a_new_sign_in_sends_a_fresh_one(start, clock):
    sb, idp = start(mfa_code_ttl=60)
    sb.create_user(ADA, PASSWORD, VERIFIED)
    challenge, code = email_code(sb, idp)
    clock.advance(61)
    fails("ExpiredCodeException", answer, sb=sb, idp=idp, name="EMAIL_OTP", session=challenge["Session"],
          EMAIL_OTP_CODE=code)
    challenge, code = email_code(sb, idp)
    assert signed_in_as(sb, idp, answer(sb, idp, "EMAIL_OTP", challenge["Session"], EMAIL_OTP_CODE=code))


def test_a_code_for_the_other_medium_is_not_accepted(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED)
    challenge, code = email_code(sb, idp)
    fails("InvalidParameterException", answer, sb=sb, idp=idp, name="SMS_OTP", session=challenge["Session"],
          SMS_OTP_CODE=code)


# ---- password factors -----------------------------------------------------------------------------------------

def test_password_as_the_preferred_factor_signs_in_in_one_round_trip_and_mfa_follows_when_enabled(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED)
    assert signed_in_as(sb, idp, user_auth(sb, idp, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD))
    fails("NotAuthorizedException", user_auth, sb=sb, idp=idp, PREFERRED_CHALLENGE="PASSWORD",
          PASSWORD="Wrong-Horse-9")
    sb.create_user("mfa@example.com", PASSWORD, VERIFIED | {"phone_number": "+15555550199"}, mfa=["SMS_MFA"])
    mfa = user_auth(sb, idp, "mfa@example.com", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    assert mfa["ChallengeName"] == "SMS_MFA"


def test_password_chosen_from_the_list_with_or_without_the_password_alongside(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED)
    offered = user_auth(sb, idp)
    assert signed_in_as(sb, idp, answer(sb, idp, "SELECT_CHALLENGE", offered["Session"], ANSWER="PASSWORD",
                                        PASSWORD=PASSWORD))
    offered = user_auth(sb, idp)
    asked = answer(sb, idp, "SELECT_CHALLENGE", offered["Session"], ANSWER="PASSWORD")
    assert asked["ChallengeName"] == "PASSWORD"
    fails("NotAuthorizedException", answer, sb=sb, idp=idp, name="PASSWORD", session=asked["Session"],
          PASSWORD="Wrong-Horse-9")


def test_password_srp_through_user_auth_keeps_the_password_on_the_client(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, VERIFIED)
    for password, works in ((PASSWORD, True), ("Wrong-Horse-9", False)):
        aws = AWSSRP(ADA, password, sb.pool.pool_id, sb.client.client_id, client=idp)
        params = aws.get_auth_params()
        offered = user_auth(sb, idp)
        verifier = answer(sb, idp, "SELECT_CHALLENGE", offered["Session"], ANSWER="PASSWORD_SRP",
                          SRP_A=params["SRP_A"])
        assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
        claim = aws.process_challenge(verifier["ChallengeParameters"], params)
        call = idp.respond_to_auth_challenge
        kwargs = {"ClientId": sb.client.client_id, "ChallengeName": "PASSWORD_VERIFIER",
                  "Session": verifier["Session"], "ChallengeResponses": claim}
        if works:
            assert signed_in_as(sb, idp, call(**kwargs))
        else:
            fails("NotAuthorizedException", call, **kwargs)


# ---- passwordless sign-up and auto sign-in ------------------------------------------------------------------

def test_passwordless_sign_up_then_auto_sign_in_with_the_confirmation_session(start):
    sb, idp = start()
    signed_up = idp.sign_up(ClientId=sb.client.client_id, Username=ADA)
    assert signed_up["UserConfirmed"] is False and signed_up["Session"]
    confirmed = idp.confirm_sign_up(ClientId=sb.client.client_id, Username=ADA, Session=signed_up["Session"],
                                    ConfirmationCode=sb.outbox.last_code(ADA, "SignUp"))
    before = len(sb.calls)
    result = idp.initiate_auth(ClientId=sb.client.client_id, AuthFlow="USER_AUTH", Session=confirmed["Session"],
                               AuthParameters={"USERNAME": ADA})
    assert len(sb.calls) - before == 1
    assert signed_in_as(sb, idp, result) and result["AuthenticationResult"]["RefreshToken"]
    # Once only; and a passwordless user has only the one-time-code factor afterwards.
    fails("NotAuthorizedException", idp.initiate_auth, ClientId=sb.client.client_id, AuthFlow="USER_AUTH",
          Session=confirmed["Session"], AuthParameters={"USERNAME": ADA})
    assert user_auth(sb, idp)["AvailableChallenges"] == ["EMAIL_OTP"]


def test_the_confirmation_session_signs_in_no_other_user(start):
    sb, idp = start()
    sb.create_user("bob@example.com", PASSWORD, VERIFIED | {"phone_number": "+15555550199"})
    idp.sign_up(ClientId=sb.client.client_id, Username=ADA, Password=PASSWORD)
    confirmed = idp.confirm_sign_up(ClientId=sb.client.client_id, Username=ADA,
                                    ConfirmationCode=sb.outbox.last_code(ADA, "SignUp"))
    fails("NotAuthorizedException", idp.initiate_auth, ClientId=sb.client.client_id, AuthFlow="USER_AUTH",
          Session=confirmed["Session"], AuthParameters={"USERNAME": "bob@example.com"})


def test_sign_up_without_a_password_needs_a_passwordless_policy(start):
    sb, idp = start(sign_in_policy=("PASSWORD",))
    fails("InvalidParameterException", idp.sign_up, ClientId=sb.client.client_id, Username=ADA)
    assert sb.user(ADA) is None


# ---- e-mail MFA set up inside the sign-in ---------------------------------------------------------------------

def test_mfa_setup_offers_email_and_proves_the_address_with_a_code(start):
    sb, idp = start(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA", "EMAIL_OTP"))
    sb.create_user(ADA, PASSWORD, {"email_verified": "false"})
    setup = user_auth(sb, idp, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert "EMAIL_OTP" in setup["ChallengeParameters"]["MFAS_CAN_SETUP"]
    challenge = answer(sb, idp, "MFA_SETUP", setup["Session"], EMAIL="ada.work@example.com")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    code = sb.outbox.last_code("ada.work@example.com", "Authentication")
    fails("CodeMismatchException", answer, sb=sb, idp=idp, name="EMAIL_OTP", session=challenge["Session"],
          EMAIL_OTP_CODE=other_code(code))
    result = answer(sb, idp, "EMAIL_OTP", challenge["Session"], EMAIL_OTP_CODE=code)
    me = idp.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])
    attributes = {a["Name"]: a["Value"] for a in me["UserAttributes"]}
    assert attributes["email"] == "ada.work@example.com" and attributes["email_verified"] == "true"
    assert me["UserMFASettingList"] == ["EMAIL_OTP"]
    # The next password sign-in asks for an e-mail code.
    assert user_auth(sb, idp, "ada.work@example.com", PREFERRED_CHALLENGE="PASSWORD",
                     PASSWORD=PASSWORD)["ChallengeName"] == "EMAIL_OTP"
