"""Tokens the sandbox issues: RS256 JWTs shaped like Cognito's, a JWKS, and opaque refresh tokens.

One RSA key per sandbox instance, so tokens of one sandbox never verify against another. Refresh
tokens are opaque random strings looked up server-side (Cognito's are encrypted JWEs the client cannot
read either), which is what makes RevokeToken and GlobalSignOut real.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .protocol import CognitoError, not_authorized
from .state_lock import outside_state_lock

__all__ = ["RefreshRecord", "TokenIssuer", "at_hash", "identities_claim", "new_jti"]


def _b64_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class RefreshRecord:
    username: str
    client_id: str
    origin_jti: str
    expires_at: float
    auth_time: int
    # The user's sub when it was issued: a user deleted while its tokens were signed (the state lock let go)
    # and made again under the same name is another user, whom this token must not sign in.
    sub: str
    revoked: bool = False
    device_key: str | None = None  # the device the sign-in was bound to: a refresh must name it
    replaced_until: float | None = None  # rotated away: usable until then (the client's grace period)
    scopes: tuple[str, ...] | None = None  # granted by the hosted UI (OAuth); None: an API sign-in
    rotated: bool = False  # a refresh with this token has given new tokens on a rotating client

    @contextmanager
    def rotating_away(self, until: float) -> Iterator[None]:
        """Around the signing of a rotating refresh's new tokens: this token is marked replaced (usable until
        ``until``, the grace period) before they are signed, because signing lets the state lock go and a
        concurrent refresh with the same token must find it replaced; unmarked if the signing fails.
        A retry within the grace period rotates again, and keeps the first mark; a failure undoes the mark
        only if no refresh with this token has succeeded meanwhile."""
        first = self.replaced_until is None
        if first:
            self.replaced_until = until
        try:
            yield
        except BaseException:
            if first and not self.rotated:
                self.replaced_until = None
            raise
        self.rotated = True


class TokenIssuer:
    """Signs, verifies and revokes the tokens of one sandbox (all its pools share the key)."""

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(12)
        self.refresh: dict[str, RefreshRecord] = {}
        self.revoked_origins: set[str] = set()

    def jwks(self) -> dict:
        numbers = self._key.public_key().public_numbers()
        return {
            "keys": [
                {"alg": "RS256", "e": _b64_uint(numbers.e), "kid": self.kid, "kty": "RSA",
                 "n": _b64_uint(numbers.n), "use": "sig"}
            ]
        }

    def public_key(self):
        """For Cognito Identity's check of the ID tokens these pools issue (it trusts the pool's JWKS)."""
        return self._key.public_key()

    def sign(self, claims: dict) -> str:
        with outside_state_lock():  # an RSA signature: no state read, no need to hold other requests back
            return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def new_refresh(self, record: RefreshRecord) -> str:
        token = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ." + secrets.token_urlsafe(48)
        self.refresh[token] = record
        return token

    def use_refresh(self, token: str, now: float) -> RefreshRecord:
        record = self.refresh.get(token)
        if record is None or record.revoked or record.origin_jti in self.revoked_origins:
            raise not_authorized("Refresh Token has been revoked")
        if now >= record.expires_at:
            raise not_authorized("Refresh Token has expired")
        if record.replaced_until is not None and now >= record.replaced_until:
            # Cognito's own exception for a token that refresh-token rotation has invalidated.
            raise CognitoError("RefreshTokenReuseException", "Refresh Token has been rotated and is no longer valid")
        return record

    def revoke_refresh(self, token: str) -> RefreshRecord | None:
        record = self.refresh.get(token)
        if record is not None:
            record.revoked = True
            self.revoked_origins.add(record.origin_jti)
        return record

    def revoke_user(self, username: str) -> None:
        """GlobalSignOut: every refresh token of the user and every access token they minted."""
        for record in self.refresh.values():
            if record.username == username:
                record.revoked = True
                self.revoked_origins.add(record.origin_jti)

    def read_access_token(self, token: str, issuer: str, now: float) -> dict:
        """The claims of a valid access token of this sandbox, or Cognito's NotAuthorizedException."""
        try:
            claims = jwt.decode(
                token, self._key.public_key(), algorithms=["RS256"], issuer=issuer,
                options={"verify_exp": False, "verify_iat": False, "verify_aud": False},  # the sandbox clock decides
            )
        except jwt.PyJWTError:
            raise not_authorized("Invalid Access Token") from None
        if claims.get("token_use") != "access":
            raise not_authorized("Invalid Access Token")
        if now >= claims.get("exp", 0):
            raise not_authorized("Access Token has expired")
        if claims.get("origin_jti") in self.revoked_origins:
            raise not_authorized("Access Token has been revoked")
        return claims


def new_jti() -> str:
    return str(uuid.uuid4())


def at_hash(access_token: str) -> str:
    """OIDC's access-token hash for RS256: the left half of its SHA-256, base64url without padding."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def identities_claim(attribute: str) -> Any:
    """A federated user's ``identities`` attribute (a JSON string) as Cognito's ID tokens carry it: a list
    of objects whose values are strings (``"primary": "true"``, ``"dateCreated": "1582581501556"``), null kept."""
    try:
        linked = json.loads(attribute)
    except ValueError:
        return attribute
    if not isinstance(linked, list):
        return attribute
    return [{key: (value if value is None or isinstance(value, str) else json.dumps(value))
             for key, value in item.items()} if isinstance(item, dict) else item for item in linked]
