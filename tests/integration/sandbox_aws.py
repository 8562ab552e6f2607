"""Plain boto3 against the sandbox's identity pool and S3: what any AWS SDK user would write."""

from __future__ import annotations

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from tests.conftest import cognito_client

NO_RETRIES = Config(retries={"max_attempts": 1})


def identity_client(sb: Sandbox, **credentials):
    """cognito-identity as an app calls it: unsigned, unless credentials are given."""
    config = NO_RETRIES if credentials else NO_RETRIES.merge(Config(signature_version=UNSIGNED))
    return boto3.client("cognito-identity", region_name=sb.region, endpoint_url=sb.endpoint_url, config=config,
                        **credentials)


def admin_identity_client(sb: Sandbox):
    return identity_client(sb, **sb.admin_credentials)


def user_pool_login(sb: Sandbox) -> str:
    return f"cognito-idp.{sb.region}.amazonaws.com/{sb.pool.pool_id}"


def id_token(sb: Sandbox, username: str | None = None, password: str | None = None) -> str:
    result = cognito_client(sb).initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id,
        AuthParameters={"USERNAME": username or sb.demo_username, "PASSWORD": password or sb.demo_password})
    return result["AuthenticationResult"]["IdToken"]


def keys(credentials: dict) -> dict[str, str]:
    """GetCredentialsForIdentity's Credentials as boto3.client keyword arguments."""
    return {"aws_access_key_id": credentials["AccessKeyId"], "aws_secret_access_key": credentials["SecretKey"],
            "aws_session_token": credentials["SessionToken"]}


def client(sb: Sandbox, service: str, config: Config | None = None, **credentials):
    return boto3.client(service, region_name=sb.region, endpoint_url=sb.endpoint_url,
                        config=NO_RETRIES.merge(config) if config else NO_RETRIES, **credentials)


def signed_in(sb: Sandbox, username: str | None = None, password: str | None = None) -> tuple[str, dict]:
    """(identity id, credentials) of a user-pool user, as Amplify's fetchAuthSession gets them."""
    ci = identity_client(sb)
    logins = {user_pool_login(sb): id_token(sb, username, password)}
    identity_id = ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins=logins)["IdentityId"]
    return identity_id, ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]


def guest(sb: Sandbox) -> tuple[str, dict]:
    ci = identity_client(sb)
    identity_id = ci.get_id(IdentityPoolId=sb.identity_pool_id)["IdentityId"]
    return identity_id, ci.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]
