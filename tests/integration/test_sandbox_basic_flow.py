"""The identity pool's basic (classic) flow (issue 17, item 4): GetId, GetOpenIdToken, then STS
AssumeRoleWithWebIdentity with that token — unsigned, as on AWS — checked against the role's trust policy."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from tests.conftest import fails
from tests.integration.sandbox_aws import (
    admin_identity_client,
    client,
    id_token,
    identity_client,
    keys,
    user_pool_login,
)

CLASSIC_OFF = "Basic (classic) flow is not enabled, please use enhanced flow."
READ_PUBLIC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                       "Resource": "arn:aws:s3:::*/public/*"}]}


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock) as sandbox:
        sandbox.provision()
        yield sandbox


def sts(sb, **config):
    """STS as an app calls AssumeRoleWithWebIdentity: without any AWS credentials."""
    return client(sb, "sts", config=Config(signature_version=UNSIGNED, **config))


def roles(sb) -> dict[str, str]:
    return admin_identity_client(sb).get_identity_pool_roles(IdentityPoolId=sb.identity_pool_id)["Roles"]


def open_id_token(sb, signed_in: bool = True) -> tuple[str, str]:
    """(identity id, OpenID token) of the demo user (or of a guest), from GetId + GetOpenIdToken."""
    ci = identity_client(sb)
    logins = {user_pool_login(sb): id_token(sb)} if signed_in else {}
    identity_id = ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins=logins)["IdentityId"]
    return identity_id, ci.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]


def assume(sb, role_arn: str, token: str, **extra) -> dict:
    return sts(sb).assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="notebook",
                                                 WebIdentityToken=token, **extra)


def as_keys(answer: dict) -> dict[str, str]:
    issued = answer["Credentials"]
    return keys({"AccessKeyId": issued["AccessKeyId"], "SecretKey": issued["SecretAccessKey"],
                 "SessionToken": issued["SessionToken"]})


def test_the_open_id_token_names_the_identity_the_pool_and_how_it_signed_in(sb):
    identity_id, token = open_id_token(sb)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["iss"], claims["aud"], claims["sub"]) == (
        "https://cognito-identity.amazonaws.com", sb.identity_pool_id, identity_id)
    user = sb.user(sb.demo_username)
    assert claims["amr"] == ["authenticated", user_pool_login(sb),
                             f"{user_pool_login(sb)}:CognitoSignIn:{user.username}"]
    assert claims["exp"] - claims["iat"] == 600
    assert jwt.get_unverified_header(token)["alg"] == "RS256"


def test_the_basic_flow_gives_the_roles_credentials_and_s3_follows_the_role(sb):
    identity_id, token = open_id_token(sb)
    answer = assume(sb, roles(sb)["authenticated"], token)
    assert answer["SubjectFromWebIdentityToken"] == identity_id and answer["Audience"] == sb.identity_pool_id
    assert answer["AssumedRoleUser"]["Arn"].endswith(":assumed-role/amplify-nb-sandbox-authenticated/notebook")
    credentials = as_keys(answer)
    assert client(sb, "sts", **credentials).get_caller_identity()["Arn"] == answer["AssumedRoleUser"]["Arn"]
    s3 = client(sb, "s3", **credentials)
    s3.put_object(Bucket=sb.bucket, Key=f"private/{identity_id}/basic.txt", Body=b"mine")  # the token's identity
    fails("AccessDenied", s3.put_object, Bucket=sb.bucket, Key="private/us-east-1:someone-else/x.txt", Body=b"x")


def test_assume_role_with_web_identity_refuses_a_token_the_trust_policy_does_not_allow(sb):
    _, guest_token = open_id_token(sb, signed_in=False)
    _, user_token = open_id_token(sb)
    refused = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    # The authenticated role trusts this pool's signed-in identities only (amr "authenticated").
    error = fails("AccessDenied", assume, sb=sb, role_arn=roles(sb)["authenticated"], token=guest_token)
    assert error.response["Error"]["Message"] == refused
    assert assume(sb, roles(sb)["unauthenticated"], guest_token)["Credentials"]["AccessKeyId"]
    # ... and this pool only (aud): a role trusting another pool refuses this pool's tokens.
    other_pool = sb.create_role("other-pool", READ_PUBLIC)
    client(sb, "iam", **sb.admin_credentials).update_assume_role_policy(
        RoleName="other-pool", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:00000000-0000-0000-0000"
                                                                                 "-000000000000"}}}]}))
    fails("AccessDenied", assume, sb=sb, role_arn=other_pool, token=user_token)
    fails("AccessDenied", assume, sb=sb, role_arn=f"arn:aws:iam::{sb.account_id}:role/no-such-role", token=user_token)


def test_tampered_expired_and_foreign_tokens_are_refused(sb, clock):
    _, token = open_id_token(sb)
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "sub": "us-east-1:someone-else"}).encode()).decode()
    fails("InvalidIdentityToken", assume, sb=sb, role_arn=roles(sb)["authenticated"],
          token=f"{head}.{forged.rstrip('=')}.{signature}")
    fails("InvalidIdentityToken", assume, sb=sb, role_arn=roles(sb)["authenticated"], token="not-a-token")
    google = sb.federated_token("google", "g-123")
    error = fails("InvalidIdentityToken", assume, sb=sb, role_arn=roles(sb)["authenticated"], token=google)
    assert "No OpenIDConnect provider found in your account for https://accounts.google.com" in (
        error.response["Error"]["Message"])
    clock.advance(601)  # GetOpenIdToken's tokens live 10 minutes
    fails("ExpiredTokenException", assume, sb=sb, role_arn=roles(sb)["authenticated"], token=token)


def test_session_duration_is_checked_against_sts_and_the_roles_maximum(sb):
    _, token = open_id_token(sb)
    short = sb.create_role("short", READ_PUBLIC)  # MaxSessionDuration 3600
    unchecked = sts(sb, parameter_validation=False)
    for duration in (899, 43201):
        fails("ValidationError", unchecked.assume_role_with_web_identity, RoleArn=short, RoleSessionName="s",
              WebIdentityToken=token, DurationSeconds=duration)
    error = fails("ValidationError", assume, sb=sb, role_arn=short, token=token, DurationSeconds=7200)
    assert "exceeds the MaxSessionDuration" in error.response["Error"]["Message"]
    answer = assume(sb, short, token, DurationSeconds=900)
    assert (answer["Credentials"]["Expiration"].timestamp() - sb.backend.now()) == pytest.approx(900, abs=1)


def test_get_open_id_token_is_refused_when_the_pool_turns_the_classic_flow_off(sb):
    admin = admin_identity_client(sb)
    described = admin.describe_identity_pool(IdentityPoolId=sb.identity_pool_id)
    assert "AllowClassicFlow" not in described and sb.classic_flow is None  # never set: AWS answers the call
    identity_id, _ = open_id_token(sb)
    settings = {k: v for k, v in described.items() if k != "ResponseMetadata"}
    admin.update_identity_pool(**settings, AllowClassicFlow=False)
    error = fails("InvalidParameterException", identity_client(sb).get_open_id_token, IdentityId=identity_id,
                  Logins={user_pool_login(sb): id_token(sb)})
    assert error.response["Error"]["Message"] == CLASSIC_OFF
    # The enhanced flow is not the classic one: GetCredentialsForIdentity still answers.
    assert identity_client(sb).get_credentials_for_identity(IdentityId=identity_id, Logins={
        user_pool_login(sb): id_token(sb)})["Credentials"]["AccessKeyId"]
    sb.classic_flow = True
    assert admin.describe_identity_pool(IdentityPoolId=sb.identity_pool_id)["AllowClassicFlow"] is True
    assert open_id_token(sb)[1]


def test_a_developer_identitys_token_works_in_the_basic_flow_too(sb):
    issued = admin_identity_client(sb).get_open_id_token_for_developer_identity(
        IdentityPoolId=sb.identity_pool_id, Logins={sb.developer_provider_name: "employee-42"})
    answer = assume(sb, roles(sb)["authenticated"], issued["Token"])
    assert answer["SubjectFromWebIdentityToken"] == issued["IdentityId"]
