"""The sandbox's AWS keys: one admin key pair, and every session GetCredentialsForIdentity minted.

Real AWS decides who is calling from the SigV4 access key, then checks the session token, the
expiry and the signature, in that order; ``KeyRing.authenticate`` does the same and says which step
failed, so that S3 and Cognito Identity can each answer in their own error dialect. Expiry is judged
on the sandbox clock, so tests expire credentials by moving the clock rather than by sleeping.
"""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import sigv4

__all__ = ["AuthFailure", "KeyRing", "Principal", "SessionCredentials"]


@dataclass(frozen=True)
class SessionCredentials:
    """One set of temporary credentials, and what they stand for (the role, the identity)."""

    access_key_id: str
    secret_key: str
    session_token: str
    expires_at: float  # sandbox clock
    role_arn: str
    identity_id: str
    identity_pool_id: str
    authenticated: bool


@dataclass(frozen=True)
class Principal:
    """A caller whose signature checked out: the admin (full access) or a minted session."""

    access_key_id: str
    session: SessionCredentials | None = None

    @property
    def is_admin(self) -> bool:
        return self.session is None


class AuthFailure(Exception):
    """Why a request's credentials were refused; `kind` is one of the class constants."""

    MISSING = "missing"            # not signed at all
    MALFORMED = "malformed"        # claims SigV4 but cannot be read (code/message from sigv4)
    UNKNOWN_KEY = "unknown_key"
    BAD_TOKEN = "bad_token"        # missing or wrong x-amz-security-token
    EXPIRED = "expired"
    BAD_SIGNATURE = "bad_signature"

    def __init__(self, kind: str, access_key_id: str = "", *, code: str = "", message: str = "",
                 canonical_request: str = "", string_to_sign: str = ""):
        super().__init__(kind)
        self.kind = kind
        self.access_key_id = access_key_id
        self.code = code
        self.message = message
        self.canonical_request = canonical_request
        self.string_to_sign = string_to_sign


def _key_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))


class KeyRing:
    """Access key id -> secret and meaning, for the admin pair and each minted session."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self.admin_access_key_id = _key_id("AKIA")
        self.admin_secret_key = secrets.token_urlsafe(30)[:40]
        self._sessions: dict[str, SessionCredentials] = {}
        self._lock = threading.Lock()

    def add(self, credentials: SessionCredentials) -> None:
        with self._lock:
            self._sessions[credentials.access_key_id] = credentials
            if len(self._sessions) % 1000 == 0:
                # A long-running sandbox mints without end; keys a day past expiry need no ExpiredToken any more.
                cutoff = self.clock() - 86400
                self._sessions = {k: v for k, v in self._sessions.items() if v.expires_at > cutoff}

    def session(self, access_key_id: str) -> SessionCredentials | None:
        with self._lock:
            return self._sessions.get(access_key_id)

    def signer(self, key_id: str, security_token: str | None) -> tuple[str, Principal]:
        """(secret key, principal) of an access key id and the session token sent with it: AWS's first three
        checks (known key, matching token, not expired), whatever the signature scheme that follows."""
        if key_id == self.admin_access_key_id:
            if security_token:  # long-term keys carry no session token
                raise AuthFailure(AuthFailure.BAD_TOKEN, key_id)
            return self.admin_secret_key, Principal(key_id)
        session = self.session(key_id)
        if session is None:
            raise AuthFailure(AuthFailure.UNKNOWN_KEY, key_id)
        if not security_token or not secrets.compare_digest(security_token, session.session_token):
            raise AuthFailure(AuthFailure.BAD_TOKEN, key_id)
        if self.clock() >= session.expires_at:
            raise AuthFailure(AuthFailure.EXPIRED, key_id)
        return session.secret_key, Principal(key_id, session)

    def authenticate(self, environ: dict[str, Any], *, body: bytes | None = None) -> Principal:
        """The verified caller of a request, or AuthFailure saying which check failed."""
        try:
            signed = sigv4.parse(environ)
        except sigv4.SignatureError as exc:
            raise AuthFailure(AuthFailure.MALFORMED, code=exc.code, message=exc.message) from None
        if signed is None:
            raise AuthFailure(AuthFailure.MISSING)
        key_id = signed.access_key
        secret, principal = self.signer(key_id, signed.security_token)
        ok, canonical, string_to_sign = sigv4.verify(environ, signed, secret, body)
        if not ok:
            raise AuthFailure(AuthFailure.BAD_SIGNATURE, key_id, canonical_request=canonical,
                              string_to_sign=string_to_sign)
        return principal
