"""AdminInitiateAuth / AdminRespondToAuthChallenge (SigV4 with the admin keys, as on AWS) and
DeleteUserAttributes, over plain boto3."""

from __future__ import annotations

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from tests.conftest import fails
from tests.integration.sandbox_aws import keys, signed_in

PASSWORD = "Correct-Horse-9"
ADA = "ada@example.com"
ADMIN_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def idp_client(sb, *, signed=True, **credentials):
    config = Config(retries={"max_attempts": 1}, **({} if signed else {"signature_version": UNSIGNED}))
    return boto3.client("cognito-idp", region_name=sb.region, endpoint_url=sb.endpoint_url, config=config,
                        **(credentials or (sb.admin_credentials if signed else {})))


def admin_auth(idp, sb, client, flow="ADMIN_USER_PASSWORD_AUTH", password=PASSWORD):
    return idp.admin_initiate_auth(UserPoolId=sb.pool.pool_id, ClientId=client.client_id, AuthFlow=flow,
                                   AuthParameters={"USERNAME": ADA, "PASSWORD": password})


def test_admin_user_password_auth_signs_in_with_the_admin_keys(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD)
    server = sb.add_client(explicit_auth_flows=ADMIN_FLOWS)
    admin = idp_client(sb)
    for flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        tokens = admin_auth(admin, sb, server, flow)["AuthenticationResult"]
        assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == sb.user(ADA).username
    fails("NotAuthorizedException", admin_auth, idp=admin, sb=sb, client=server, password="Wrong-Horse-9")
    # The client must allow the flow, and InitiateAuth does not take it at all.
    fails("InvalidParameterException", admin_auth, idp=admin, sb=sb, client=sb.client)
    fails("InvalidParameterException", idp.initiate_auth, ClientId=server.client_id,
          AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": ADA, "PASSWORD": PASSWORD})


def test_admin_initiate_auth_unsigned_or_with_unknown_keys_is_refused(start):
    sb, _ = start()
    sb.create_user(ADA, PASSWORD)
    server = sb.add_client(explicit_auth_flows=ADMIN_FLOWS)
    fails("NotAuthorizedException", admin_auth, idp=idp_client(sb, signed=False), sb=sb, client=server)
    made_up = {"aws_access_key_id": "AKIA" + "MADEUP0000000000", "aws_secret_access_key": "x" * 40}
    fails("UnrecognizedClientException", admin_auth, idp=idp_client(sb, **made_up), sb=sb, client=server)
    wrong_secret = {**sb.admin_credentials, "aws_secret_access_key": "x" * 40}
    fails("InvalidSignatureException", admin_auth, idp=idp_client(sb, **wrong_secret), sb=sb, client=server)


def test_identity_pool_credentials_may_not_run_admin_sign_in(start):
    sb, _ = start()
    sb.create_user(ADA, PASSWORD)
    server = sb.add_client(explicit_auth_flows=ADMIN_FLOWS)
    _, credentials = signed_in(sb, ADA, PASSWORD)
    fails("AccessDeniedException", admin_auth, idp=idp_client(sb, **keys(credentials)), sb=sb, client=server)


def test_admin_sign_in_answers_mfa_with_admin_respond_to_auth_challenge(start):
    sb, _ = start()
    sb.create_user(ADA, PASSWORD, {"phone_number": "+15555550123"}, mfa=["SMS_MFA"])
    server = sb.add_client(explicit_auth_flows=ADMIN_FLOWS)
    admin = idp_client(sb)
    challenge = admin_auth(admin, sb, server)
    assert challenge["ChallengeName"] == "SMS_MFA"
    result = admin.admin_respond_to_auth_challenge(
        UserPoolId=sb.pool.pool_id, ClientId=server.client_id, ChallengeName="SMS_MFA", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": ADA, "SMS_MFA_CODE": sb.outbox.last_code("+15555550123", "Authentication")})
    assert result["AuthenticationResult"]["AccessToken"]


def test_admin_initiate_auth_names_a_client_of_that_pool(start):
    sb, _ = start()
    _, other_client = sb.new_pool_and_client()
    fails("ResourceNotFoundException", admin_auth, idp=idp_client(sb), sb=sb, client=other_client)


# ---- DeleteUserAttributes ------------------------------------------------------------------------------------

def test_delete_user_attributes_removes_them_and_their_verification(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD, {"name": "Ada", "phone_number": "+15555550123", "phone_number_verified": "true"})
    token = idp.initiate_auth(ClientId=sb.client.client_id, AuthFlow="USER_PASSWORD_AUTH",
                              AuthParameters={"USERNAME": ADA, "PASSWORD": PASSWORD})["AuthenticationResult"]
    access = token["AccessToken"]
    idp.delete_user_attributes(AccessToken=access, UserAttributeNames=["name", "phone_number"])
    names = {a["Name"] for a in idp.get_user(AccessToken=access)["UserAttributes"]}
    assert not names & {"name", "phone_number", "phone_number_verified"} and "email" in names
    fails("InvalidParameterException", idp.delete_user_attributes, AccessToken=access, UserAttributeNames=["email"])
    fails("InvalidParameterException", idp.delete_user_attributes, AccessToken=access,
          UserAttributeNames=["shoe_size"])
    fails("NotAuthorizedException", idp.delete_user_attributes, AccessToken="not-a-token", UserAttributeNames=["name"])
