"""One-time codes and passwords in the sandbox, over boto3: they fail exactly where Cognito's fail.

Sign-up, resend, forgot-password and attribute-verification codes are six random digits delivered to
the outbox; wrong, expired and over-tried codes are refused with Cognito's errors, and the pool's
password policy holds wherever a password is set. Time moves with the injected clock, never sleep.
"""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from amplify_nb.sandbox import PasswordPolicy
from tests.conftest import fails, other_code

PASSWORD = "Correct-Horse-9"
NEW_PASSWORD = "Battery-Staple-7"
ADA = "ada@example.com"


def password_sign_in(sb, idp, username: str, password: str) -> dict:
    return idp.initiate_auth(ClientId=sb.client.client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": username, "PASSWORD": password})


def srp_sign_in(sb, idp, username: str, password: str) -> dict:
    srp = AWSSRP(username, password, sb.pool.pool_id, sb.client.client_id, client=idp)
    return srp.authenticate_user()["AuthenticationResult"]


def attributes_of(idp, access_token: str) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=access_token)["UserAttributes"]}


def sign_up(sb, idp, username: str = ADA, password: str = PASSWORD) -> dict:
    return idp.sign_up(ClientId=sb.client.client_id, Username=username, Password=password)


# ---- one arrangement per kind of e-mailed code: (send a code, submit a code, outbox kind) ----------

def _sign_up_flow(sb, idp):
    sign_up(sb, idp)

    def submit(code):
        idp.confirm_sign_up(ClientId=sb.client.client_id, Username=ADA, ConfirmationCode=code)
    return submit, "SignUp"


def _forgot_password_flow(sb, idp):
    sb.create_user(ADA, PASSWORD, {"email_verified": "true"})
    idp.forgot_password(ClientId=sb.client.client_id, Username=ADA)

    def submit(code):
        idp.confirm_forgot_password(ClientId=sb.client.client_id, Username=ADA, ConfirmationCode=code,
                                    Password=NEW_PASSWORD)
    return submit, "ForgotPassword"


def _verify_attribute_flow(sb, idp):
    sb.create_user(ADA, PASSWORD)
    token = password_sign_in(sb, idp, ADA, PASSWORD)["AuthenticationResult"]["AccessToken"]
    idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")

    def submit(code):
        idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    return submit, "VerifyUserAttribute"


FLOWS = pytest.mark.parametrize("flow", [_sign_up_flow, _forgot_password_flow, _verify_attribute_flow],
                                ids=["sign-up", "forgot-password", "verify-attribute"])


@FLOWS
def test_a_code_is_six_digits_in_the_outbox_and_a_wrong_one_is_refused(start, flow):
    sb, idp = start()
    submit, kind = flow(sb, idp)
    message = sb.outbox.last(ADA, kind)
    assert (message.destination, message.medium, message.kind) == (ADA, "EMAIL", kind)
    assert re.fullmatch(r"\d{6}", message.code) and message.code in message.text
    fails("CodeMismatchException", submit, code=other_code(message.code))
    submit(message.code)


@FLOWS
def test_an_expired_code_is_refused(start, clock, flow):
    sb, idp = start(code_ttl=600)
    submit, kind = flow(sb, idp)
    clock.advance(601)
    fails("ExpiredCodeException", submit, code=sb.outbox.last_code(ADA, kind))


@FLOWS
def test_after_too_many_wrong_codes_even_the_right_one_is_refused(start, flow):
    sb, idp = start(max_code_attempts=3)
    submit, kind = flow(sb, idp)
    code = sb.outbox.last_code(ADA, kind)
    for _ in range(3):
        fails("CodeMismatchException", submit, code=other_code(code))
    fails("LimitExceededException", submit, code=code)


def test_a_code_is_still_good_just_before_it_expires(start, clock):
    sb, idp = start(code_ttl=600)
    sign_up(sb, idp)
    clock.advance(599)
    idp.confirm_sign_up(ClientId=sb.client.client_id, Username=ADA, ConfirmationCode=sb.outbox.last_code(ADA))


def test_each_sign_up_gets_its_own_code_and_confirming_verifies_the_email(start):
    sb, idp = start()
    answer = sign_up(sb, idp)
    sign_up(sb, idp, "bob@example.com")
    assert answer["UserConfirmed"] is False
    assert answer["CodeDeliveryDetails"] == {"Destination": "a***@e***", "DeliveryMedium": "EMAIL",
                                             "AttributeName": "email"}
    assert sb.outbox.last_code(ADA, "SignUp") != sb.outbox.last_code("bob@example.com", "SignUp")
    fails("UserNotConfirmedException", password_sign_in, sb=sb, idp=idp, username=ADA, password=PASSWORD)

    idp.confirm_sign_up(ClientId=sb.client.client_id, Username=ADA, ConfirmationCode=sb.outbox.last_code(ADA))
    tokens = srp_sign_in(sb, idp, ADA, PASSWORD)
    assert attributes_of(idp, tokens["AccessToken"])["email_verified"] == "true"
    fails("NotAuthorizedException", idp.confirm_sign_up, ClientId=sb.client.client_id, Username=ADA,
          ConfirmationCode=sb.outbox.last_code(ADA))


def test_signing_up_an_existing_email_is_refused(start):
    sb, idp = start()
    sign_up(sb, idp)
    fails("UsernameExistsException", sign_up, sb=sb, idp=idp)
    fails("UsernameExistsException", sign_up, sb=sb, idp=idp, username="ADA@example.com")


def test_resend_replaces_the_code_and_is_refused_once_confirmed(start):
    sb, idp = start()
    sign_up(sb, idp)
    old = sb.outbox.last_code(ADA, "SignUp")
    new = old
    while new == old:  # two random codes are equal one time in a million
        answer = idp.resend_confirmation_code(ClientId=sb.client.client_id, Username=ADA)
        new = sb.outbox.last_code(ADA, "ResendCode")
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    fails("CodeMismatchException", idp.confirm_sign_up, ClientId=sb.client.client_id, Username=ADA,
          ConfirmationCode=old)
    idp.confirm_sign_up(ClientId=sb.client.client_id, Username=ADA, ConfirmationCode=new)
    fails("InvalidParameterException", idp.resend_confirmation_code, ClientId=sb.client.client_id, Username=ADA)


def test_forgot_password_sets_a_new_password_and_the_old_one_stops_working(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, {"email_verified": "true"})
    answer = idp.forgot_password(ClientId=sb.client.client_id, Username=ADA)
    assert answer["CodeDeliveryDetails"]["Destination"] == "a***@e***"
    idp.confirm_forgot_password(ClientId=sb.client.client_id, Username=ADA, Password=NEW_PASSWORD,
                                ConfirmationCode=sb.outbox.last_code(ADA, "ForgotPassword"))
    assert srp_sign_in(sb, idp, ADA, NEW_PASSWORD)["AccessToken"]
    fails("NotAuthorizedException", srp_sign_in, sb=sb, idp=idp, username=ADA, password=PASSWORD)
    fails("NotAuthorizedException", password_sign_in, sb=sb, idp=idp, username=ADA, password=PASSWORD)
    with pytest.raises(ClientError):  # the code was used up: it cannot reset the password again
        idp.confirm_forgot_password(ClientId=sb.client.client_id, Username=ADA, Password="Third-Password-5",
                                    ConfirmationCode=sb.outbox.last_code(ADA, "ForgotPassword"))
    assert srp_sign_in(sb, idp, ADA, NEW_PASSWORD)["AccessToken"]


def test_forgot_password_needs_a_verified_address(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD)  # e-mail never verified
    fails("InvalidParameterException", idp.forgot_password, ClientId=sb.client.client_id, Username=ADA)
    assert len(sb.outbox) == 0


def test_a_new_email_is_unverified_until_its_code_comes_back(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, {"email_verified": "true"})
    token = srp_sign_in(sb, idp, ADA, PASSWORD)["AccessToken"]
    answer = idp.update_user_attributes(AccessToken=token,
                                        UserAttributes=[{"Name": "email", "Value": "ada@new.example"}])
    assert answer["CodeDeliveryDetailsList"] == [{"Destination": "a***@n***", "DeliveryMedium": "EMAIL",
                                                  "AttributeName": "email"}]
    attributes = attributes_of(idp, token)
    assert (attributes["email"], attributes["email_verified"]) == ("ada@new.example", "false")
    message = sb.outbox.last("ada@new.example", "UpdateUserAttribute")
    assert re.fullmatch(r"\d{6}", message.code)
    fails("CodeMismatchException", idp.verify_user_attribute, AccessToken=token, AttributeName="email",
          Code=other_code(message.code))
    idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=message.code)
    assert attributes_of(idp, token)["email_verified"] == "true"


def test_attribute_verification_code_on_request(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, {"phone_number": "+15555550123"})
    token = srp_sign_in(sb, idp, ADA, PASSWORD)["AccessToken"]
    answer = idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="phone_number")
    assert answer["CodeDeliveryDetails"] == {"Destination": "+*******0123", "DeliveryMedium": "SMS",
                                             "AttributeName": "phone_number"}
    message = sb.outbox.last("+15555550123", "VerifyUserAttribute")
    assert message.medium == "SMS"
    idp.verify_user_attribute(AccessToken=token, AttributeName="phone_number", Code=message.code)
    assert attributes_of(idp, token)["phone_number_verified"] == "true"
    assert "email_verified" not in attributes_of(idp, token)


def test_change_password_needs_the_old_one(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD)
    token = srp_sign_in(sb, idp, ADA, PASSWORD)["AccessToken"]
    fails("NotAuthorizedException", idp.change_password, AccessToken=token, PreviousPassword="Wrong-Horse-9",
          ProposedPassword=NEW_PASSWORD)
    assert srp_sign_in(sb, idp, ADA, PASSWORD)
    idp.change_password(AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD)
    assert srp_sign_in(sb, idp, ADA, NEW_PASSWORD)
    fails("NotAuthorizedException", srp_sign_in, sb=sb, idp=idp, username=ADA, password=PASSWORD)


def test_a_deleted_user_cannot_sign_in_or_use_their_tokens(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD)
    token = srp_sign_in(sb, idp, ADA, PASSWORD)["AccessToken"]
    idp.delete_user(AccessToken=token)
    fails("NotAuthorizedException", srp_sign_in, sb=sb, idp=idp, username=ADA, password=PASSWORD)
    fails("NotAuthorizedException", password_sign_in, sb=sb, idp=idp, username=ADA, password=PASSWORD)
    fails("NotAuthorizedException", idp.get_user, AccessToken=token)
    assert sign_up(sb, idp)["UserConfirmed"] is False  # the address is free again


# ---- the password policy, wherever a password is set ------------------------------------------------

STRICT = PasswordPolicy(minimum_length=12)
STRONG = "Long-Enough-Pass-1"
WEAK = {"too-short": "Sh0rt-Pw!", "no-upper": "all-lower-case-1", "no-lower": "ALL-UPPER-CASE-1",
        "no-digit": "No-Digits-Here!", "no-symbol": "NoSymbolsHere123"}


@pytest.mark.parametrize("weak", list(WEAK.values()), ids=list(WEAK))
def test_sign_up_refuses_each_kind_of_weak_password(start, weak):
    sb, idp = start(password_policy=STRICT)
    fails("InvalidPasswordException", sign_up, sb=sb, idp=idp, password=weak)
    assert len(sb.outbox) == 0
    assert sign_up(sb, idp, password=STRONG)["UserConfirmed"] is False  # nobody was created


def _set_by_sign_up(sb, idp, password):
    sign_up(sb, idp, password=password)


def _set_by_confirm_forgot_password(sb, idp, password):
    if not sb.user(ADA):
        sb.create_user(ADA, STRONG, {"email_verified": "true"})
        idp.forgot_password(ClientId=sb.client.client_id, Username=ADA)
    idp.confirm_forgot_password(ClientId=sb.client.client_id, Username=ADA, Password=password,
                                ConfirmationCode=sb.outbox.last_code(ADA, "ForgotPassword"))


def _set_by_change_password(sb, idp, password):
    if not sb.user(ADA):
        sb.create_user(ADA, STRONG)
    token = password_sign_in(sb, idp, ADA, STRONG)["AuthenticationResult"]["AccessToken"]
    idp.change_password(AccessToken=token, PreviousPassword=STRONG, ProposedPassword=password)


def _set_by_new_password_required(sb, idp, password):
    if not sb.user(ADA):
        sb.create_user(ADA, "Temporary-Pass-1", temporary=True)
    challenge = password_sign_in(sb, idp, ADA, "Temporary-Pass-1")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    idp.respond_to_auth_challenge(ClientId=sb.client.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                  Session=challenge["Session"],
                                  ChallengeResponses={"USERNAME": ADA, "NEW_PASSWORD": password})


def _set_by_admin_create_user(sb, idp, password):
    idp.admin_create_user(UserPoolId=sb.pool.pool_id, Username=ADA, TemporaryPassword=password,
                          MessageAction="SUPPRESS")


def _set_by_admin_set_user_password(sb, idp, password):
    if not sb.user(ADA):
        sb.create_user(ADA, STRONG)
    idp.admin_set_user_password(UserPoolId=sb.pool.pool_id, Username=ADA, Password=password, Permanent=True)


SETTERS = [_set_by_sign_up, _set_by_confirm_forgot_password, _set_by_change_password,
           _set_by_new_password_required, _set_by_admin_create_user, _set_by_admin_set_user_password]


@pytest.mark.parametrize("set_password", SETTERS, ids=[f.__name__.removeprefix("_set_by_") for f in SETTERS])
def test_every_way_of_setting_a_password_enforces_the_policy(start, set_password):
    sb, idp = start(password_policy=STRICT)
    fails("InvalidPasswordException", set_password, sb=sb, idp=idp, password=WEAK["too-short"])
    fails("InvalidPasswordException", set_password, sb=sb, idp=idp, password=WEAK["no-symbol"])
    set_password(sb, idp, STRONG[:-1] + "2")  # then a compliant one goes through
    user = sb.user(ADA)
    assert user is not None
    if user.status == "CONFIRMED":  # the compliant password is now the one that signs in
        assert srp_sign_in(sb, idp, ADA, STRONG[:-1] + "2")["AccessToken"]
