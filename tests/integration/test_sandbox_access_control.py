"""Nothing gets in unsigned (issue 13, item 1): the user pool's admin operations, IAM and STS answer only a
valid SigV4 signature, and an identity pool's role may not do what its policies do not allow, whatever the
Host header or content type. Each case here was answered before."""

from __future__ import annotations

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from tests.conftest import fails
from tests.integration.sandbox_aws import client, guest, keys, signed_in

MADE_UP = {"aws_access_key_id": "AKIA" + "MADEUP0000000000", "aws_secret_access_key": "x" * 40}
OTHER, OTHER_PASSWORD = "other@example.com", "Other-Secret-42"


@pytest.fixture(scope="module")
def sb():
    with Sandbox() as sandbox:
        yield sandbox


def idp(sb, **credentials):
    config = Config(retries={"max_attempts": 1}, **({} if credentials else {"signature_version": UNSIGNED}))
    return boto3.client("cognito-idp", region_name=sb.region, endpoint_url=sb.endpoint_url, config=config,
                        **credentials)


def admin_calls(sb) -> dict:
    pool = sb.pool.pool_id
    return {
        "list_users": {"UserPoolId": pool},
        "describe_user_pool": {"UserPoolId": pool},
        "describe_user_pool_client": {"UserPoolId": pool, "ClientId": sb.client.client_id},
        "admin_get_user": {"UserPoolId": pool, "Username": sb.demo_username},
        "admin_set_user_password": {"UserPoolId": pool, "Username": sb.demo_username, "Password": "Hacked-Pass-1",
                                    "Permanent": True},
        "admin_create_user": {"UserPoolId": pool, "Username": "intruder@example.com"},
        "admin_reset_user_password": {"UserPoolId": pool, "Username": sb.demo_username},
        "admin_user_global_sign_out": {"UserPoolId": pool, "Username": sb.demo_username},
        "create_user_pool_client": {"UserPoolId": pool, "ClientName": "intruder"},
    }


ADMIN_OPERATIONS = ["list_users", "describe_user_pool", "describe_user_pool_client", "admin_get_user",
                    "admin_set_user_password", "admin_create_user", "admin_reset_user_password",
                    "admin_user_global_sign_out", "create_user_pool_client"]


@pytest.mark.parametrize("operation", ADMIN_OPERATIONS)
def test_admin_operations_refuse_unsigned_made_up_and_identity_pool_callers(sb, operation):
    params = admin_calls(sb)[operation]
    fails("NotAuthorizedException", getattr(idp(sb), operation), **params)
    fails("UnrecognizedClientException", getattr(idp(sb, **MADE_UP), operation), **params)
    _, credentials = guest(sb)
    fails("AccessDeniedException", getattr(idp(sb, **keys(credentials)), operation), **params)
    # The demo user still signs in with the password nobody could change.
    assert idp(sb).initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id, AuthParameters={
        "USERNAME": sb.demo_username, "PASSWORD": sb.demo_password})["AuthenticationResult"]


def test_admin_operations_answer_the_admin_keys(sb):
    users = idp(sb, **sb.admin_credentials).list_users(UserPoolId=sb.pool.pool_id)["Users"]
    assert sb.demo_username in {u["Username"] for u in users} | {
        a["Value"] for u in users for a in u["Attributes"] if a["Name"] == "email"}


@pytest.mark.parametrize("host", ["iam.amazonaws.com", "sts.amazonaws.com", None])
def test_unsigned_iam_and_sts_are_refused_whatever_the_host(sb, host):
    action = "GetCallerIdentity" if host and host.startswith("sts") else "ListRoles"
    version = "2011-06-15" if action == "GetCallerIdentity" else "2010-05-08"
    answer = requests.post(sb.endpoint_url + "/", data={"Action": action, "Version": version},
                           headers={"Host": host} if host else {}, timeout=10)
    assert answer.status_code == 403 and "<Code>MissingAuthenticationToken</Code>" in answer.text


def test_iam_refuses_a_garbage_signature_and_a_guest_role_may_not_widen_itself(sb):
    sb.create_user(OTHER, OTHER_PASSWORD, {"email": OTHER})
    other_id, other_credentials = signed_in(sb, OTHER, OTHER_PASSWORD)
    client(sb, "s3", **keys(other_credentials)).put_object(Bucket=sb.bucket, Key=f"private/{other_id}/x.txt",
                                                            Body=b"secret")
    _, credentials = guest(sb)
    guest_role = f"{sb.identity_pool_id.split(':')[1][:8]}"  # any name: the call must fail before it matters
    garbage = {**keys(credentials), "aws_secret_access_key": "garbage" * 6}
    fails("SignatureDoesNotMatch", client(sb, "iam", **garbage).put_role_policy, RoleName=guest_role,
          PolicyName="all", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                                          '"Action":"s3:*","Resource":"*"}]}')
    fails("InvalidClientTokenId", client(sb, "iam", **MADE_UP).list_roles)
    error = fails("AccessDenied", client(sb, "iam", **keys(credentials)).put_role_policy, RoleName=guest_role,
                  PolicyName="all", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                                                  '"Action":"s3:*","Resource":"*"}]}')
    assert "is not authorized to perform: iam:PutRolePolicy" in error.response["Error"]["Message"]
    fails("AccessDenied", client(sb, "s3", **keys(credentials)).get_object, Bucket=sb.bucket,
          Key=f"private/{other_id}/x.txt")
    # A valid signature needs no permission for GetCallerIdentity; the admin keys may use IAM.
    assert client(sb, "sts", **keys(credentials)).get_caller_identity()["Account"]
    assert "Roles" in client(sb, "iam", **sb.admin_credentials).list_roles()


def test_web_identity_sign_in_stays_public_as_on_aws(sb):
    answer = requests.post(sb.endpoint_url + "/", timeout=10, data={
        "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": "arn:aws:iam::1:role/none",
        "RoleSessionName": "s", "WebIdentityToken": "not-a-token"}, headers={"Host": "sts.amazonaws.com"})
    assert "MissingAuthenticationToken" not in answer.text  # refused by STS for the token, not for a signature
