"""GetTokensFromRefreshToken and refresh-token rotation, over plain boto3, with the sandbox clock.

A rotating app client hands out a new refresh token on every refresh and lets the replaced one work for
its retry grace period only; it refuses REFRESH_TOKEN_AUTH altogether. A non-rotating client refreshes
either way and never hands out a new refresh token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading

import jwt

from amplify_nb.sandbox import tokens as sandbox_tokens
from tests.conftest import at_once, cognito_client, fails

PASSWORD = "Correct-Horse-9"
ADA = "ada@example.com"


def sign_in(sb, idp, client=None) -> dict:
    return idp.initiate_auth(ClientId=(client or sb.client).client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": ADA, "PASSWORD": PASSWORD})["AuthenticationResult"]


def get_tokens(sb, idp, refresh_token: str, client=None, **extra) -> dict:
    return idp.get_tokens_from_refresh_token(ClientId=(client or sb.client).client_id, RefreshToken=refresh_token,
                                             **extra)["AuthenticationResult"]


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_without_rotation_get_tokens_gives_no_new_refresh_token_and_the_old_one_lives_on(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD)
    tokens = sign_in(sb, idp)
    refreshed = get_tokens(sb, idp, tokens["RefreshToken"])
    assert "RefreshToken" not in refreshed and refreshed["AccessToken"] != tokens["AccessToken"]
    assert idp.get_user(AccessToken=refreshed["AccessToken"])["Username"] == sb.user(ADA).username
    assert get_tokens(sb, idp, tokens["RefreshToken"])["IdToken"]
    legacy = idp.initiate_auth(ClientId=sb.client.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                               AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert "RefreshToken" not in legacy["AuthenticationResult"]


def test_rotation_replaces_the_refresh_token_and_the_old_one_is_refused_at_once_without_grace(start):
    sb, idp = start(refresh_token_rotation=True)
    sb.create_user(ADA, PASSWORD)
    first = sign_in(sb, idp)
    before = len(sb.calls)
    second = get_tokens(sb, idp, first["RefreshToken"])
    assert len(sb.calls) - before == 1
    assert second["RefreshToken"] != first["RefreshToken"]
    # The rotated token continues the same sign-in.
    assert claims(second["AccessToken"])["auth_time"] == claims(first["AccessToken"])["auth_time"]
    assert claims(second["AccessToken"])["origin_jti"] == claims(first["AccessToken"])["origin_jti"]
    fails("RefreshTokenReuseException", get_tokens, sb=sb, idp=idp, refresh_token=first["RefreshToken"])
    third = get_tokens(sb, idp, second["RefreshToken"])
    assert third["RefreshToken"] not in (first["RefreshToken"], second["RefreshToken"])


def test_one_refresh_token_sent_at_once_by_many_rotates_once(start):
    """8 refreshes with one token at once, no grace period: one gets the new tokens, the others find the token
    rotated away. Signing the new tokens lets the sandbox's state lock go; were the token marked replaced only
    after, all 8 would pass the check first and each get a refresh token of its own."""
    sb, idp = start(refresh_token_rotation=True)
    sb.create_user(ADA, PASSWORD)
    token = sign_in(sb, idp)["RefreshToken"]
    clients = [cognito_client(sb, one_try=True) for _ in range(8)]
    outcomes = at_once(8, lambda i: get_tokens(sb, clients[i], token))
    assert outcomes == ["RefreshTokenReuseException"] * 7 + ["ok"]


def test_a_user_deleted_while_its_tokens_were_signed_and_made_again_is_not_signed_in_by_them(start, monkeypatch):
    """AdminDeleteUser runs while a sign-in's tokens are being signed (signing lets the state lock go), then a
    new user takes the same name: the refresh token that sign-in got speaks for the deleted user, and is
    refused; before, it signed in the new one."""
    sb, idp = start(username_attributes=())
    sb.create_user("ada", PASSWORD)
    inside, may_finish, armed = threading.Event(), threading.Event(), [True]
    real_jwt = sandbox_tokens.jwt

    def encode(*args, **kwargs):
        if armed[0]:  # the sign-in's first signature waits, with the state lock let go
            armed[0] = False
            inside.set()
            may_finish.wait(30)
        return real_jwt.encode(*args, **kwargs)
    monkeypatch.setattr(sandbox_tokens, "jwt", type("HeldJwt", (), {
        "encode": staticmethod(encode), "decode": staticmethod(real_jwt.decode), "PyJWTError": real_jwt.PyJWTError}))
    result: list[dict] = []
    signing_in = threading.Thread(target=lambda: result.append(idp.initiate_auth(
        ClientId=sb.client.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ada", "PASSWORD": PASSWORD})["AuthenticationResult"]))
    signing_in.start()
    assert inside.wait(30)
    admin = cognito_client(sb)
    admin.admin_delete_user(UserPoolId=sb.pool.pool_id, Username="ada")
    sb.create_user("ada", "Another-Horse-9")
    may_finish.set()
    signing_in.join(30)
    fails("NotAuthorizedException", get_tokens, sb=sb, idp=idp, refresh_token=result[0]["RefreshToken"])


def test_the_replaced_token_works_for_the_grace_period_only(start, clock):
    sb, idp = start(refresh_token_rotation=True, refresh_token_grace_seconds=30)
    sb.create_user(ADA, PASSWORD)
    first = sign_in(sb, idp)
    second = get_tokens(sb, idp, first["RefreshToken"])
    clock.advance(29)
    retried = get_tokens(sb, idp, first["RefreshToken"])  # a client retrying a lost answer
    assert retried["RefreshToken"] not in (first["RefreshToken"], second["RefreshToken"])
    clock.advance(1)
    fails("RefreshTokenReuseException", get_tokens, sb=sb, idp=idp, refresh_token=first["RefreshToken"])
    assert get_tokens(sb, idp, second["RefreshToken"])["RefreshToken"]


def test_a_rotating_client_refuses_refresh_token_auth(start):
    sb, idp = start(refresh_token_rotation=True)
    sb.create_user(ADA, PASSWORD)
    tokens = sign_in(sb, idp)
    error = fails("InvalidParameterException", idp.initiate_auth, ClientId=sb.client.client_id,
                  AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert error.response["Error"]["Message"] == "REFRESH_TOKEN_AUTH flow not enabled for this client"
    described = idp.describe_user_pool_client(UserPoolId=sb.pool.pool_id, ClientId=sb.client.client_id)
    client = described["UserPoolClient"]
    assert client["RefreshTokenRotation"] == {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}
    assert "ALLOW_REFRESH_TOKEN_AUTH" not in client["ExplicitAuthFlows"]


def test_global_sign_out_revokes_the_rotated_tokens_too(start):
    sb, idp = start(refresh_token_rotation=True, refresh_token_grace_seconds=60)
    sb.create_user(ADA, PASSWORD)
    first = sign_in(sb, idp)
    second = get_tokens(sb, idp, first["RefreshToken"])
    idp.global_sign_out(AccessToken=second["AccessToken"])
    for token in (first["RefreshToken"], second["RefreshToken"]):
        fails("NotAuthorizedException", get_tokens, sb=sb, idp=idp, refresh_token=token)


def test_a_refresh_token_works_only_with_the_client_that_issued_it_and_its_secret(start):
    sb, idp = start()
    sb.create_user(ADA, PASSWORD)
    other = sb.add_client(secret=True)
    fails("NotAuthorizedException", get_tokens, sb=sb, idp=idp, refresh_token=sign_in(sb, idp)["RefreshToken"],
          client=other)
    tokens = idp.initiate_auth(ClientId=other.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": ADA, "PASSWORD": PASSWORD, "SECRET_HASH": _secret_hash(other, ADA)})["AuthenticationResult"]
    fails("NotAuthorizedException", get_tokens, sb=sb, idp=idp, refresh_token=tokens["RefreshToken"], client=other)
    fails("NotAuthorizedException", get_tokens, sb=sb, idp=idp, refresh_token=tokens["RefreshToken"], client=other,
          ClientSecret="x" * 51)
    assert get_tokens(sb, idp, tokens["RefreshToken"], client=other, ClientSecret=other.secret)["AccessToken"]


def test_an_expired_refresh_token_is_refused_by_get_tokens(start, clock):
    sb, idp = start(refresh_token_rotation=True, refresh_token_ttl=3600)
    sb.create_user(ADA, PASSWORD)
    tokens = sign_in(sb, idp)
    clock.advance(3600)
    fails("NotAuthorizedException", get_tokens, sb=sb, idp=idp, refresh_token=tokens["RefreshToken"])


def _secret_hash(client, username: str) -> str:
    digest = hmac.new(client.secret.encode(), (username + client.client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
