"""TokenVerifier with real RSA keys and real signed JWTs; only the network edge is local: the pool's
JWKS is served by a tiny HTTP server on 127.0.0.1 that counts how often it is fetched (fake_cognito's).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from amplify_nb.config import from_mapping
from amplify_nb.core.tokens import Tokens, TokenVerifier
from amplify_nb.errors import NetworkError, NotAuthorizedError, StorageError

from .fake_cognito import JwksServer, SigningKey

POOL_ID = "us-east-1_TestPool9"
CLIENT_ID = "3n4b5c6d7e8f9g0h1i2j3k4l5m"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}"
NOW = 1_800_000_000.0


@pytest.fixture(scope="module")
def keys() -> dict[str, SigningKey]:
    return {name: SigningKey(f"kid-{name}") for name in ("a", "b", "rogue")}


@pytest.fixture
def server(keys):
    srv = JwksServer(POOL_ID)
    srv.keys = [keys["a"].jwk]
    yield srv
    srv.stop()


def config_for(endpoint_url: str):
    return from_mapping({
        "version": "1.3",
        "auth": {"aws_region": "us-east-1", "user_pool_id": POOL_ID, "user_pool_client_id": CLIENT_ID},
        "custom": {"amplify_nb": {"endpoint_url": endpoint_url}},
    })


@pytest.fixture
def clock():
    from tests.conftest import MovableClock

    return MovableClock(NOW)


@pytest.fixture
def verifier(server, clock):
    config = config_for(server.url)
    assert config.jwks_url == f"{server.url}/{POOL_ID}/.well-known/jwks.json"
    return TokenVerifier(config, clock=clock)


def id_claims(now: float = NOW, lifetime: float = 3600, **changes) -> dict:
    sub = changes.pop("sub", "9f1c-sub")
    claims = {"sub": sub, "iss": ISSUER, "aud": CLIENT_ID, "token_use": "id", "auth_time": int(now),
              "iat": int(now), "exp": int(now + lifetime), "cognito:username": sub, "email": "ada@example.com",
              "email_verified": True, "jti": str(uuid.uuid4())}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def access_claims(now: float = NOW, lifetime: float = 3600, **changes) -> dict:
    sub = changes.pop("sub", "9f1c-sub")
    claims = {"sub": sub, "iss": ISSUER, "client_id": CLIENT_ID, "token_use": "access",
              "scope": "aws.cognito.signin.user.admin", "auth_time": int(now), "iat": int(now),
              "exp": int(now + lifetime), "username": sub, "jti": str(uuid.uuid4())}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def refused(verifier: TokenVerifier, token: str, token_use: str, code: str | None = "InvalidToken"
            ) -> NotAuthorizedError:
    with pytest.raises(NotAuthorizedError) as caught:
        verifier.verify(token, token_use)
    message = str(caught.value)
    assert token not in message
    assert all(part not in message for part in token.split(".") if len(part) > 16)
    if code is not None:
        assert caught.value.code == code
    return caught.value


# ---- valid tokens and the JWKS cache ------------------------------------------------------------
def test_valid_id_and_access_tokens_verify(verifier, keys):
    claims = verifier.verify(keys["a"].sign(id_claims()), "id")
    assert claims["email"] == "ada@example.com" and claims["aud"] == CLIENT_ID

    claims = verifier.verify(keys["a"].sign(access_claims()), "access")
    assert claims["client_id"] == CLIENT_ID and claims["username"] == "9f1c-sub"


def test_jwks_is_fetched_once_and_cached(verifier, server, keys):
    for _ in range(5):
        verifier.verify(keys["a"].sign(id_claims()), "id")
        verifier.verify(keys["a"].sign(access_claims()), "access")
    assert server.fetches == 1


def test_an_unknown_kid_refetches_once_for_a_rotated_key(verifier, server, keys):
    verifier.verify(keys["a"].sign(id_claims()), "id")
    assert server.fetches == 1

    server.keys = [keys["a"].jwk, keys["b"].jwk]  # the pool rotates its keys
    assert verifier.verify(keys["b"].sign(id_claims()), "id")["sub"] == "9f1c-sub"
    assert server.fetches == 2

    verifier.verify(keys["b"].sign(access_claims()), "access")
    verifier.verify(keys["a"].sign(access_claims()), "access")
    assert server.fetches == 2


def test_a_kid_unknown_even_after_refetch_is_refused(verifier, server, keys):
    verifier.verify(keys["a"].sign(id_claims()), "id")
    refused(verifier, keys["rogue"].sign(id_claims()), "id")
    assert server.fetches == 2


# ---- signatures ---------------------------------------------------------------------------------
def test_a_signature_by_another_key_under_a_known_kid_is_refused(verifier, keys):
    forged = keys["rogue"].sign(id_claims(), kid=keys["a"].kid)
    refused(verifier, forged, "id")
    refused(verifier, keys["rogue"].sign(access_claims(), kid=keys["a"].kid), "access")


def test_a_tampered_payload_is_refused(verifier, keys):
    header, _, signature = keys["a"].sign(id_claims()).split(".")
    payload = base64.urlsafe_b64encode(json.dumps(id_claims(sub="someone-else")).encode()).rstrip(b"=").decode()
    refused(verifier, f"{header}.{payload}.{signature}", "id")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_unsigned_and_hmac_tokens_are_refused(verifier, keys):
    unsigned = jwt.encode(id_claims(), None, algorithm="none", headers={"kid": keys["a"].kid})
    refused(verifier, unsigned, "id")

    # HS256 "signed" with the public key as the secret: the classic algorithm-confusion forgery.
    public_pem = keys["a"].private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = (_b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": keys["a"].kid}).encode()) + "."
                     + _b64(json.dumps(id_claims()).encode()))
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    refused(verifier, f"{signing_input}.{_b64(mac)}", "id")


def test_malformed_tokens_are_refused(verifier):
    for token in ("not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30."):
        refused(verifier, token, "id")


# ---- claims -------------------------------------------------------------------------------------
def test_a_token_of_another_issuer_is_refused(verifier, keys):
    other_pool = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool"
    refused(verifier, keys["a"].sign(id_claims(iss=other_pool)), "id")
    refused(verifier, keys["a"].sign(access_claims(iss=other_pool)), "access")
    refused(verifier, keys["a"].sign(id_claims(iss=None)), "id")


def test_an_id_token_for_another_audience_is_refused(verifier, keys):
    refused(verifier, keys["a"].sign(id_claims(aud="another-client-id")), "id")
    refused(verifier, keys["a"].sign(id_claims(aud=None)), "id")


def test_an_access_token_of_another_client_is_refused(verifier, keys):
    refused(verifier, keys["a"].sign(access_claims(client_id="another-client-id")), "access")
    refused(verifier, keys["a"].sign(access_claims(client_id=None)), "access")


def test_token_use_must_match(verifier, keys):
    # Each token carries every claim the other kind is checked for, so only token_use tells them apart.
    access_as_id = keys["a"].sign(access_claims(aud=CLIENT_ID))
    id_as_access = keys["a"].sign(id_claims(client_id=CLIENT_ID))
    assert verifier.verify(access_as_id, "access")["token_use"] == "access"
    assert verifier.verify(id_as_access, "id")["token_use"] == "id"

    refused(verifier, access_as_id, "id")
    refused(verifier, id_as_access, "access")
    refused(verifier, keys["a"].sign(id_claims(token_use=None)), "id")


# ---- time ---------------------------------------------------------------------------------------
def test_expiry_is_checked_with_a_60_second_leeway_on_the_injected_clock(verifier, keys, clock):
    id_token = keys["a"].sign(id_claims(now=NOW - 3600, lifetime=3600))  # exp == NOW
    access_token = keys["a"].sign(access_claims(now=NOW - 3600, lifetime=3600))

    clock.now = NOW + 59
    assert verifier.verify(id_token, "id")
    assert verifier.verify(access_token, "access")

    clock.now = NOW + 61
    refused(verifier, id_token, "id", code="TokenExpired")
    refused(verifier, access_token, "access", code="TokenExpired")
    assert verifier.verify(id_token, "id", allow_expired=True)["exp"] == int(NOW)


def test_a_token_issued_in_the_future_is_refused(verifier, keys):
    assert verifier.verify(keys["a"].sign(id_claims(now=NOW + 59)), "id")
    refused(verifier, keys["a"].sign(id_claims(now=NOW + 120)), "id")
    refused(verifier, keys["a"].sign(access_claims(now=NOW + 120)), "access")


def test_a_token_without_exp_is_refused(verifier, keys):
    refused(verifier, keys["a"].sign(id_claims(exp=None)), "id")


# ---- the network edge ---------------------------------------------------------------------------
def test_jwks_server_down_is_a_network_error(keys, clock):
    srv = JwksServer(POOL_ID)
    url = srv.url
    srv.stop()
    verifier = TokenVerifier(config_for(url), clock=clock)
    with pytest.raises(NetworkError) as caught:
        verifier.verify(keys["a"].sign(id_claims()), "id")
    assert not isinstance(caught.value, NotAuthorizedError)


def test_jwks_server_error_is_a_network_error_and_later_recovers(verifier, server, keys):
    server.status = 503
    with pytest.raises(NetworkError):
        verifier.verify(keys["a"].sign(id_claims()), "id")
    server.status = 200
    assert verifier.verify(keys["a"].sign(id_claims()), "id")


def test_a_jwks_answer_that_is_not_json_is_a_network_error(verifier, server, keys):
    server.body = b"<html><body>Sign in to the hotel wi-fi</body></html>"
    with pytest.raises(NetworkError):
        verifier.verify(keys["a"].sign(id_claims()), "id")


@pytest.mark.parametrize("body", [b"[1, 2]", b'{"keys": []}', b'{"unrelated": true}'])
def test_a_json_answer_without_the_pool_keys_refuses_the_token(verifier, server, keys, body):
    server.body = body
    refused(verifier, keys["a"].sign(id_claims()), "id")


# ---- Tokens built from a Cognito result ---------------------------------------------------------
def result_for(keys, **id_changes) -> dict:
    return {"IdToken": keys["a"].sign(id_claims(**id_changes)), "AccessToken": keys["a"].sign(access_claims()),
            "RefreshToken": "opaque-refresh-token-" + "r" * 40, "ExpiresIn": 3600, "TokenType": "Bearer"}


def test_tokens_from_a_result_and_their_repr_masks_every_token(verifier, keys):
    result = result_for(keys)
    tokens = verifier.tokens(result)

    assert tokens.username == "9f1c-sub" and tokens.sub == "9f1c-sub"
    assert tokens.expires_at == NOW + 3600
    text = repr(tokens)
    for name in ("IdToken", "AccessToken", "RefreshToken"):
        assert result[name] not in text
        assert result[name][6:20] not in text
    assert str(tokens) == text
    assert "9f1c-sub" in text


def test_a_refresh_keeps_the_refresh_token(verifier, keys):
    first = verifier.tokens(result_for(keys))
    refreshed = verifier.tokens({k: v for k, v in result_for(keys).items() if k != "RefreshToken"}, previous=first)
    assert refreshed.refresh_token == first.refresh_token


def test_id_and_access_tokens_of_different_users_are_refused(verifier, keys):
    with pytest.raises(NotAuthorizedError):
        verifier.tokens(result_for(keys, sub="another-sub"))
    with pytest.raises(NotAuthorizedError):
        verifier.tokens({"IdToken": keys["a"].sign(id_claims())})


def test_restore_allows_expired_tokens_but_not_corrupt_or_foreign_ones(verifier, keys, clock):
    stored = verifier.tokens(result_for(keys)).to_json()
    clock.advance(10 * 3600)
    restored = verifier.restore(stored)
    assert restored.refresh_token.startswith("opaque-refresh-token-")
    assert restored.refresh_due(clock())

    for corrupt in ("", "{", "[]", json.dumps({"id_token": "x"})):
        with pytest.raises(StorageError):
            verifier.restore(corrupt)
    foreign = json.loads(stored)
    foreign["id_token"] = keys["a"].sign(id_claims(aud="another-client-id"))
    with pytest.raises(NotAuthorizedError):
        verifier.restore(json.dumps(foreign))


# ---- refresh policy -----------------------------------------------------------------------------
def tokens_with(lifetime: float) -> Tokens:
    return Tokens("id", "access", "refresh", id_claims(lifetime=lifetime), access_claims(lifetime=lifetime))


@pytest.mark.parametrize(("lifetime", "margin"), [(3600, 300), (1200, 300), (800, 200), (60, 15)])
def test_refresh_is_due_min_300_or_a_quarter_of_the_lifetime_before_expiry(lifetime, margin):
    tokens = tokens_with(lifetime)
    expires = NOW + lifetime
    assert tokens.lifetime == lifetime
    assert not tokens.refresh_due(expires - margin - 1)
    assert tokens.refresh_due(expires - margin)
    assert tokens.refresh_due(expires + 10)


# ---- claims that are not what they claim to be (issue 13) ---------------------------------------
def test_a_token_not_valid_yet_is_refused(verifier, keys):
    token = keys["a"].sign(id_claims(nbf=int(NOW + 600)))
    assert "not valid yet" in str(refused(verifier, token, "id"))
    assert verifier.verify(keys["a"].sign(id_claims(nbf=int(NOW - 5))), "id")["sub"] == "9f1c-sub"


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf"])
@pytest.mark.parametrize("value", ["soon", [1], True], ids=["text", "list", "bool"])
def test_a_date_claim_that_is_not_a_number_is_an_invalid_token_not_a_raw_error(verifier, keys, claim, value):
    token = keys["a"].sign(id_claims(**{claim: value}))
    refused(verifier, token, "id")
