"""The sandbox's tokens as an app sees them: verifiable JWTs, refresh, revocation and expiry on the sandbox clock."""

from __future__ import annotations

import jwt
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP


def sign_in(sb, cognito, username=None, password=None) -> dict:
    aws = AWSSRP(username or sb.demo_username, password or sb.demo_password, sb.pool.pool_id,
                 sb.client.client_id, client=cognito)
    return aws.authenticate_user()["AuthenticationResult"]


def refresh(sb, cognito, refresh_token: str) -> dict:
    return cognito.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=sb.client.client_id,
                                 AuthParameters={"REFRESH_TOKEN": refresh_token})["AuthenticationResult"]


def refused(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(*args, **kwargs)
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def jwks_client(sb) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(f"{sb.endpoint_url}/{sb.pool.pool_id}/.well-known/jwks.json", cache_keys=False)


# ---- refresh and revocation --------------------------------------------------------------------------

def test_refresh_gives_new_access_and_id_tokens_but_no_new_refresh_token(sandbox, cognito):
    tokens = sign_in(sandbox, cognito)
    renewed = refresh(sandbox, cognito, tokens["RefreshToken"])
    assert "RefreshToken" not in renewed
    assert renewed["AccessToken"] != tokens["AccessToken"] and renewed["IdToken"] != tokens["IdToken"]
    internal = sandbox.user(sandbox.demo_username).username
    assert cognito.get_user(AccessToken=renewed["AccessToken"])["Username"] == internal
    assert "AccessToken" in refresh(sandbox, cognito, tokens["RefreshToken"])  # the refresh token stays usable


def test_revoked_refresh_token_no_longer_refreshes_nor_do_its_access_tokens_work(sandbox, cognito):
    tokens = sign_in(sandbox, cognito)
    other_session = sign_in(sandbox, cognito)
    cognito.revoke_token(Token=tokens["RefreshToken"], ClientId=sandbox.client.client_id)
    assert refused(refresh, sandbox, cognito, tokens["RefreshToken"])[0] == "NotAuthorizedException"
    assert refused(cognito.get_user, AccessToken=tokens["AccessToken"])[0] == "NotAuthorizedException"
    # Only that sign-in ends: another device's session is untouched.
    assert cognito.get_user(AccessToken=other_session["AccessToken"])["Username"]
    assert "AccessToken" in refresh(sandbox, cognito, other_session["RefreshToken"])


def test_global_sign_out_ends_every_session_until_the_next_sign_in(sandbox, cognito):
    first, second = sign_in(sandbox, cognito), sign_in(sandbox, cognito)
    cognito.global_sign_out(AccessToken=first["AccessToken"])
    for tokens in (first, second):
        assert refused(cognito.get_user, AccessToken=tokens["AccessToken"])[0] == "NotAuthorizedException"
        assert refused(refresh, sandbox, cognito, tokens["RefreshToken"])[0] == "NotAuthorizedException"
    again = sign_in(sandbox, cognito)
    assert cognito.get_user(AccessToken=again["AccessToken"])["Username"]


def test_access_token_expires_on_the_sandbox_clock(make_sandbox, clock):
    sb, cognito = make_sandbox(clock=clock, access_token_ttl=60)
    tokens = sign_in(sb, cognito)
    assert tokens["ExpiresIn"] == 60
    clock.advance(59)
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"]
    clock.advance(1)
    assert refused(cognito.get_user, AccessToken=tokens["AccessToken"]) == (
        "NotAuthorizedException", "Access Token has expired")
    renewed = refresh(sb, cognito, tokens["RefreshToken"])
    assert cognito.get_user(AccessToken=renewed["AccessToken"])["Username"]


def test_refresh_token_expires_on_the_sandbox_clock(make_sandbox, clock):
    sb, cognito = make_sandbox(clock=clock, refresh_token_ttl=3600)
    tokens = sign_in(sb, cognito)
    clock.advance(3599)
    assert "AccessToken" in refresh(sb, cognito, tokens["RefreshToken"])
    clock.advance(1)
    assert refused(refresh, sb, cognito, tokens["RefreshToken"])[0] == "NotAuthorizedException"


# ---- what the tokens say, and who can verify them ----------------------------------------------------

def test_tokens_verify_against_the_pool_jwks_and_carry_cognito_claims(sandbox, cognito):
    tokens = sign_in(sandbox, cognito)
    user = sandbox.user(sandbox.demo_username)
    issuer = f"https://cognito-idp.{sandbox.region}.amazonaws.com/{sandbox.pool.pool_id}"
    keys = jwks_client(sandbox)
    for token in (tokens["IdToken"], tokens["AccessToken"]):
        header = jwt.get_unverified_header(token)
        assert header["alg"] == "RS256" and header["kid"] == keys.get_signing_key_from_jwt(token).key_id

    id_claims = jwt.decode(tokens["IdToken"], keys.get_signing_key_from_jwt(tokens["IdToken"]).key,
                           algorithms=["RS256"], audience=sandbox.client.client_id, issuer=issuer)
    assert id_claims["token_use"] == "id"
    assert id_claims["email"] == "demo@example.com" and id_claims["email_verified"] is True
    assert id_claims["name"] == "Demo User"
    assert id_claims["cognito:username"] == id_claims["sub"] == user.sub

    access = jwt.decode(tokens["AccessToken"], keys.get_signing_key_from_jwt(tokens["AccessToken"]).key,
                        algorithms=["RS256"], issuer=issuer, options={"require": ["exp", "iat", "sub"]})
    assert access["token_use"] == "access" and "aud" not in access
    assert access["client_id"] == sandbox.client.client_id and access["username"] == user.username
    assert access["exp"] - access["iat"] == 3600
    assert access["origin_jti"] == id_claims["origin_jti"]


def test_unverified_email_is_a_false_boolean_in_the_id_token(sandbox, cognito):
    sandbox.create_user("fresh@example.com", "Fresh-Passw0rd!", {"email_verified": "false"})
    token = sign_in(sandbox, cognito, "fresh@example.com", "Fresh-Passw0rd!")["IdToken"]
    claims = jwt.decode(token, jwks_client(sandbox).get_signing_key_from_jwt(token).key, algorithms=["RS256"],
                        audience=sandbox.client.client_id)
    assert claims["email"] == "fresh@example.com" and claims["email_verified"] is False


def test_tokens_of_one_sandbox_do_not_verify_against_another(sandbox, cognito, make_sandbox):
    other, other_cognito = make_sandbox()
    token = sign_in(sandbox, cognito)["AccessToken"]
    with pytest.raises(jwt.PyJWKClientError):
        jwks_client(other).get_signing_key_from_jwt(token)
    other_key = jwks_client(other).get_signing_keys()[0].key
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, other_key, algorithms=["RS256"])
    assert refused(other_cognito.get_user, AccessToken=token)[0] == "NotAuthorizedException"


def test_jwks_of_an_unknown_pool_is_not_found(sandbox):
    with pytest.raises(jwt.PyJWKClientError):
        jwt.PyJWKClient(f"{sandbox.endpoint_url}/{sandbox.region}_nosuchpol/.well-known/jwks.json").get_signing_keys()
