"""The sandbox's identity pool, through plain boto3: ids, Logins checks, guests, developer and federated
identities, and credentials minted for the right role."""

from __future__ import annotations

import json
import re
import urllib.request

import jwt
import pytest
from pycognito.aws_srp import AWSSRP

from amplify_nb.sandbox import Sandbox
from tests.conftest import cognito_client, fails
from tests.integration.sandbox_aws import (
    admin_identity_client,
    client,
    guest,
    id_token,
    identity_client,
    keys,
    signed_in,
    user_pool_login,
)

IDENTITY_ID = re.compile(r"us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock) as sandbox:
        yield sandbox


def test_config_names_the_identity_pool_and_the_bucket(sb):
    auth, storage = sb.config["auth"], sb.config["storage"]
    assert auth["identity_pool_id"] == sb.identity_pool_id
    assert auth["unauthenticated_identities_enabled"] is True
    assert storage["bucket_name"] == sb.bucket and storage["aws_region"] == sb.region
    pool = admin_identity_client(sb).describe_identity_pool(IdentityPoolId=sb.identity_pool_id)
    assert pool["CognitoIdentityProviders"] == [{"ProviderName": user_pool_login(sb), "ClientId": sb.client.client_id,
                                                 "ServerSideTokenCheck": False}]
    assert pool["SupportedLoginProviders"] == {k: v for k, v in sb.federation_app_ids.items()
                                               if k in ("accounts.google.com", "graph.facebook.com", "www.amazon.com")}
    assert pool["DeveloperProviderName"] == sb.developer_provider_name


def test_the_same_login_always_gets_the_same_identity_and_each_guest_a_new_one(sb):
    ci = identity_client(sb)
    first = ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins={user_pool_login(sb): id_token(sb)})["IdentityId"]
    again = ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins={user_pool_login(sb): id_token(sb)})["IdentityId"]
    assert IDENTITY_ID.fullmatch(first) and again == first
    sb.create_user("other@example.com", "Other-pw-1", {"email": "other@example.com"})
    other = ci.get_id(IdentityPoolId=sb.identity_pool_id,
                      Logins={user_pool_login(sb): id_token(sb, "other@example.com", "Other-pw-1")})["IdentityId"]
    assert other != first
    guests = {ci.get_id(IdentityPoolId=sb.identity_pool_id)["IdentityId"] for _ in range(2)}
    assert len(guests) == 2 and first not in guests


def test_tampered_expired_and_wrong_kind_of_tokens_are_refused(sb, clock):
    ci, token = identity_client(sb), id_token(sb)
    head, payload, signature = token.split(".")
    tampered = f"{head}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    error = fails("NotAuthorizedException", ci.get_id, IdentityPoolId=sb.identity_pool_id,
                  Logins={user_pool_login(sb): tampered})
    assert error.response["Error"]["Message"].startswith("Invalid login token.")
    fails("NotAuthorizedException", ci.get_id, IdentityPoolId=sb.identity_pool_id,
          Logins={user_pool_login(sb): "not-a-jwt"})
    access = cognito_client(sb).initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id,
        AuthParameters={"USERNAME": sb.demo_username, "PASSWORD": sb.demo_password})["AuthenticationResult"]
    fails("NotAuthorizedException", ci.get_id, IdentityPoolId=sb.identity_pool_id,
          Logins={user_pool_login(sb): access["AccessToken"]})
    clock.advance(3601)  # the ID token lives an hour
    error = fails("NotAuthorizedException", ci.get_id, IdentityPoolId=sb.identity_pool_id,
                  Logins={user_pool_login(sb): token})
    assert "Token expired" in error.response["Error"]["Message"]


def test_tokens_of_other_clients_pools_and_sandboxes_are_refused(sb):
    ci = identity_client(sb)
    other_client = sb.add_client(name="not-in-the-identity-pool")
    token = cognito_client(sb).initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=other_client.client_id,
        AuthParameters={"USERNAME": sb.demo_username, "PASSWORD": sb.demo_password})["AuthenticationResult"]["IdToken"]
    error = fails("NotAuthorizedException", ci.get_id, IdentityPoolId=sb.identity_pool_id,
                  Logins={user_pool_login(sb): token})
    assert "audience" in error.response["Error"]["Message"]
    with Sandbox(moto=False) as other:
        foreign = id_token(other)
        error = fails("NotAuthorizedException", ci.get_id, IdentityPoolId=sb.identity_pool_id,
                      Logins={user_pool_login(other): foreign})
        assert error.response["Error"]["Message"] == "Token is not from a supported provider of this identity pool."
        fails("NotAuthorizedException", ci.get_id, IdentityPoolId=sb.identity_pool_id,
              Logins={user_pool_login(sb): foreign})  # signed with another sandbox's key
        other_identity, _ = guest(other)
        fails("ResourceNotFoundException", ci.get_credentials_for_identity, IdentityId=other_identity)
    fails("ResourceNotFoundException", ci.get_id, IdentityPoolId="us-east-1:00000000-0000-0000-0000-000000000000")
    fails("ResourceNotFoundException", ci.get_credentials_for_identity,
          IdentityId="us-east-1:00000000-0000-0000-0000-000000000000")


def test_a_signed_in_identity_needs_its_logins_for_credentials(sb):
    ci = identity_client(sb)
    identity_id, _ = signed_in(sb)
    error = fails("NotAuthorizedException", ci.get_credentials_for_identity, IdentityId=identity_id)
    assert error.response["Error"]["Message"].startswith("Logins don't match")
    sb.create_user("other@example.com", "Other-pw-1", {"email": "other@example.com"})
    other_login = {user_pool_login(sb): id_token(sb, "other@example.com", "Other-pw-1")}
    ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins=other_login)
    fails("NotAuthorizedException", ci.get_credentials_for_identity, IdentityId=identity_id, Logins=other_login)


def test_guests_are_refused_when_the_pool_does_not_allow_them(clock):
    with Sandbox(clock=clock, allow_guest=False, moto=False) as sb:
        assert sb.config["auth"]["unauthenticated_identities_enabled"] is False
        error = fails("NotAuthorizedException", identity_client(sb).get_id, IdentityPoolId=sb.identity_pool_id)
        assert error.response["Error"]["Message"] == "Unauthenticated access is not supported for this identity pool."
        _, credentials = signed_in(sb)  # signing in still works
        assert credentials["AccessKeyId"].startswith("ASIA")


def test_a_guest_signing_in_keeps_its_identity(sb):
    ci = identity_client(sb)
    guest_id, _ = guest(sb)
    logins = {user_pool_login(sb): id_token(sb)}
    ci.get_credentials_for_identity(IdentityId=guest_id, Logins=logins)
    assert ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins=logins)["IdentityId"] == guest_id


def test_credentials_are_minted_for_the_right_role_with_the_configured_lifetime(sb, clock):
    sb.credentials_ttl = 900
    _, credentials = signed_in(sb)
    assert credentials["Expiration"].timestamp() == pytest.approx(clock.now + 900, abs=1)
    who = client(sb, "sts", **keys(credentials)).get_caller_identity()
    assert who["Arn"] == (f"arn:aws:sts::{sb.account_id}:assumed-role/amplify-nb-sandbox-authenticated/"
                          "CognitoIdentityCredentials")
    _, guest_credentials = guest(sb)
    assert client(sb, "sts", **keys(guest_credentials)).get_caller_identity()["Arn"].endswith(
        ":assumed-role/amplify-nb-sandbox-unauthenticated/CognitoIdentityCredentials")


def test_sign_in_and_credentials_take_four_round_trips_then_three_with_a_cached_identity_id(sb):
    def sign_in_and_get_credentials(cached_identity_id=None):
        tokens = AWSSRP(sb.demo_username, sb.demo_password, sb.pool.pool_id, sb.client.client_id,
                        client=cognito_client(sb)).authenticate_user()["AuthenticationResult"]
        logins = {user_pool_login(sb): tokens["IdToken"]}
        ci = identity_client(sb)
        identity_id = cached_identity_id or ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins=logins)["IdentityId"]
        ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
        return identity_id

    before = len(sb.calls)
    identity_id = sign_in_and_get_credentials()
    assert [c.operation for c in sb.calls[before:]] == [
        "InitiateAuth", "RespondToAuthChallenge", "GetId", "GetCredentialsForIdentity"]
    before = len(sb.calls)
    sign_in_and_get_credentials(identity_id)
    assert len(sb.calls) - before == 3


def test_developer_authenticated_identities(sb, clock):
    admin = admin_identity_client(sb)
    issued = admin.get_open_id_token_for_developer_identity(
        IdentityPoolId=sb.identity_pool_id, Logins={sb.developer_provider_name: "user-42"}, TokenDuration=120)
    again = admin.get_open_id_token_for_developer_identity(
        IdentityPoolId=sb.identity_pool_id, Logins={sb.developer_provider_name: "user-42"})
    assert again["IdentityId"] == issued["IdentityId"]
    claims = jwt.decode(issued["Token"], options={"verify_signature": False})
    assert (claims["iss"], claims["aud"], claims["sub"]) == (
        "https://cognito-identity.amazonaws.com", sb.identity_pool_id, issued["IdentityId"])
    assert claims["exp"] - claims["iat"] == 120
    ci = identity_client(sb)
    logins = {"cognito-identity.amazonaws.com": issued["Token"]}
    credentials = ci.get_credentials_for_identity(IdentityId=issued["IdentityId"], Logins=logins)["Credentials"]
    assert "assumed-role/amplify-nb-sandbox-authenticated/" in client(
        sb, "sts", **keys(credentials)).get_caller_identity()["Arn"]
    assert sb.developer_identity("user-42")["IdentityId"] == issued["IdentityId"]
    clock.advance(121)
    fails("NotAuthorizedException", ci.get_credentials_for_identity, IdentityId=issued["IdentityId"], Logins=logins)


def test_developer_tokens_need_the_admin_signature(sb):
    request = {"IdentityPoolId": sb.identity_pool_id, "Logins": {sb.developer_provider_name: "user-42"}}
    fails("NotAuthorizedException", identity_client(sb).get_open_id_token_for_developer_identity, **request)
    wrong_secret = {**sb.admin_credentials, "aws_secret_access_key": "not-the-secret"}
    fails("InvalidSignatureException", identity_client(sb, **wrong_secret).get_open_id_token_for_developer_identity,
          **request)
    # A well-formed id of no key, written in two parts: no key-id-shaped literal in the tree.
    unknown = {"aws_access_key_id": "AKIA" + "UNKNOWNUNKNOWN00", "aws_secret_access_key": "x"}
    fails("UnrecognizedClientException", identity_client(sb, **unknown).get_open_id_token_for_developer_identity,
          **request)
    _, credentials = signed_in(sb)  # a signed-in user's role may not mint developer identities
    fails("AccessDeniedException", identity_client(sb, **keys(credentials)).get_open_id_token_for_developer_identity,
          **request)


@pytest.mark.parametrize("provider", ["accounts.google.com", "graph.facebook.com", "www.amazon.com", "oidc"])
def test_each_federated_provider_is_accepted_until_its_token_expires(sb, clock, provider):
    key = provider if provider != "oidc" else sb.oidc_issuer.split("://", 1)[1]  # Logins key: no scheme
    assert key in sb.federation_app_ids
    ci = identity_client(sb)
    token = sb.federated_token(sb.oidc_issuer if provider == "oidc" else provider, "subject-1", expires_in=60)
    identity_id = ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins={key: token})["IdentityId"]
    fresh = sb.federated_token(key, "subject-1")
    assert ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins={key: fresh})["IdentityId"] == identity_id
    credentials = ci.get_credentials_for_identity(IdentityId=identity_id, Logins={key: token})["Credentials"]
    assert credentials["AccessKeyId"]
    clock.advance(61)
    fails("NotAuthorizedException", ci.get_credentials_for_identity, IdentityId=identity_id, Logins={key: token})
    other = "graph.facebook.com" if key != "graph.facebook.com" else "accounts.google.com"
    fails("NotAuthorizedException", ci.get_id, IdentityPoolId=sb.identity_pool_id, Logins={other: fresh})


def test_the_oidc_issuer_publishes_discovery_and_keys_that_verify_its_tokens(sb):
    with urllib.request.urlopen(f"{sb.oidc_issuer}/.well-known/openid-configuration") as response:
        discovery = json.load(response)
    assert discovery["issuer"] == sb.oidc_issuer
    with urllib.request.urlopen(discovery["jwks_uri"]) as response:
        jwks = json.load(response)
    token = sb.federated_token(sb.oidc_issuer, "alice")
    key = jwt.PyJWK(jwks["keys"][0]).key
    audience = sb.federation_app_ids[sb.oidc_issuer.split("://", 1)[1]]
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=audience,
                        options={"verify_exp": False, "verify_iat": False})
    assert claims["sub"] == "alice" and claims["iss"] == sb.oidc_issuer


def test_open_id_tokens_name_the_identity(sb):
    identity_id, _ = guest(sb)
    token = identity_client(sb).get_open_id_token(IdentityId=identity_id)["Token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["sub"], claims["aud"], claims["amr"]) == (identity_id, sb.identity_pool_id, ["unauthenticated"])


def test_pool_roles_decide_which_credentials_can_be_minted(sb):
    admin = admin_identity_client(sb)
    roles = admin.get_identity_pool_roles(IdentityPoolId=sb.identity_pool_id)["Roles"]
    assert set(roles) == {"authenticated", "unauthenticated"}
    fails("NotAuthorizedException", identity_client(sb).get_identity_pool_roles, IdentityPoolId=sb.identity_pool_id)
    admin.set_identity_pool_roles(IdentityPoolId=sb.identity_pool_id, Roles={
        "authenticated": roles["authenticated"],
        "unauthenticated": f"arn:aws:iam::{sb.account_id}:role/does-not-exist"})
    identity_id = identity_client(sb).get_id(IdentityPoolId=sb.identity_pool_id)["IdentityId"]
    fails("InvalidIdentityPoolConfigurationException", identity_client(sb).get_credentials_for_identity,
          IdentityId=identity_id)
    # The authenticated role trusts only this pool's signed-in identities: it cannot stand in for guests.
    admin.set_identity_pool_roles(IdentityPoolId=sb.identity_pool_id, Roles={
        "authenticated": roles["authenticated"], "unauthenticated": roles["authenticated"]})
    fails("InvalidIdentityPoolConfigurationException", identity_client(sb).get_credentials_for_identity,
          IdentityId=identity_id)


def test_created_identity_pools_validate_logins_against_their_own_providers(sb):
    admin = admin_identity_client(sb)
    pool, other_client = sb.new_pool_and_client()
    created = admin.create_identity_pool(
        IdentityPoolName="second", AllowUnauthenticatedIdentities=False, DeveloperProviderName="login.second",
        CognitoIdentityProviders=[{"ProviderName": f"cognito-idp.{sb.region}.amazonaws.com/{pool.pool_id}",
                                   "ClientId": other_client.client_id}])
    second = created["IdentityPoolId"]
    assert second != sb.identity_pool_id
    fails("NotAuthorizedException", identity_client(sb).get_id, IdentityPoolId=second,
          Logins={user_pool_login(sb): id_token(sb)})
    fails("NotAuthorizedException", identity_client(sb).get_id, IdentityPoolId=second)
    # Identities and OpenID tokens of the first pool mean nothing in the second.
    developer = sb.developer_identity("user-42")
    fails("ResourceNotFoundException", admin.get_open_id_token_for_developer_identity, IdentityPoolId=second,
          IdentityId=developer["IdentityId"], Logins={"login.second": "user-42"})
    error = fails("NotAuthorizedException", identity_client(sb).get_id, IdentityPoolId=second,
                  Logins={"cognito-identity.amazonaws.com": developer["Token"]})
    assert "audience" in error.response["Error"]["Message"]


def test_server_side_token_check_refuses_tokens_of_a_user_signed_out_everywhere(sb):
    admin = admin_identity_client(sb)
    checked = admin.create_identity_pool(
        IdentityPoolName="checked", AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": user_pool_login(sb), "ClientId": sb.client.client_id,
                                   "ServerSideTokenCheck": True}])["IdentityPoolId"]
    tokens = cognito_client(sb).initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id,
        AuthParameters={"USERNAME": sb.demo_username, "PASSWORD": sb.demo_password})["AuthenticationResult"]
    logins = {user_pool_login(sb): tokens["IdToken"]}
    identity_client(sb).get_id(IdentityPoolId=checked, Logins=logins)
    cognito_client(sb).global_sign_out(AccessToken=tokens["AccessToken"])
    fails("NotAuthorizedException", identity_client(sb).get_id, IdentityPoolId=checked, Logins=logins)
    # Without the check (the default pool), the unexpired ID token still counts, as in Cognito.
    identity_client(sb).get_id(IdentityPoolId=sb.identity_pool_id, Logins=logins)


def test_a_sandbox_without_identity_pool_or_moto_writes_neither_into_its_config():
    with Sandbox(identity_pool=False, moto=False) as sb:
        assert "identity_pool_id" not in sb.config["auth"] and "storage" not in sb.config
        assert sb.identity_pool_id is None and sb.bucket is None


@pytest.mark.parametrize("ttl", [0, -5, 0.5, "60"])
def test_credentials_that_would_arrive_expired_are_refused_as_an_option(ttl):
    with pytest.raises(ValueError, match="credentials_ttl must be at least 1 second"):
        Sandbox(moto=False, credentials_ttl=ttl)
    with Sandbox(moto=False) as sb:
        with pytest.raises(ValueError, match="at least 1 second"):
            sb.credentials_ttl = ttl
        assert sb.credentials_ttl == 3600.0
