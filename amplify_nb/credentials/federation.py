"""Federated sign-in (Google, Facebook, Amazon, developer-authenticated, OIDC) for the identity pool.

The app hands over a provider's token; amplify_nb keeps it in the session's storage and renews it
before it expires through the refresh handler configured for that provider (``refresh_handlers`` in
the config), as Amplify JS does. With no handler, an expired token is a clear NotAuthenticatedError.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

from ..core.session import CoreSession
from ..core.storage import storage_key
from ..errors import NotAuthenticatedError, ValidationError
from .identity import Login, provider_key

__all__ = ["RENEW_MARGIN", "Federation", "token_fingerprint"]

RENEW_MARGIN = 60.0  # ask the refresh handler this long before the provider token expires


def _claims(token: str) -> dict[str, Any]:
    """Unverified claims of a JWT (only to name the login in a cache; Cognito verifies the token)."""
    try:
        import jwt

        claims = jwt.decode(token, options={"verify_signature": False})
    except Exception:
        return {}
    return claims if isinstance(claims, dict) else {}


def token_fingerprint(token: str) -> str:
    """A stable, non-reversible name for a federated token whose subject we cannot read (Facebook's and
    Amazon's are opaque): two users' tokens must never share an identity-id cache entry or a login key."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def _expiry(value: Any, field: str) -> float | None:
    if value is None:
        return None
    if hasattr(value, "timestamp"):
        value = value.timestamp()
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValidationError(f"{field} must be a POSIX timestamp (seconds) or a datetime", field=field)
    return float(value / 1000 if value > 1e11 else value)  # Amplify JS passes milliseconds


class Federation:
    def __init__(self, state: CoreSession):
        self.state = state

    @property
    def _key(self) -> str:
        return storage_key(self.state.name, "federated")

    def _load(self) -> dict[str, Any] | None:
        raw = self.state.storage.get_item(self._key)
        if not raw:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        return data if isinstance(data, dict) and data.get("token") else None

    def sign_in(self, provider: Any, token: Any, expires_at: Any = None, user: Any = None, *,
                subject: str | None = None) -> dict[str, Any]:
        """`subject` names the caller when the token cannot (a renewal keeps the renewed token's)."""
        key = provider_key(provider)
        if not isinstance(token, str) or not token.strip() or len(token) > 50_000 or any(c.isspace() for c in token):
            raise ValidationError("token must be the provider's token, a non-empty string", field="token")
        if user is not None and not isinstance(user, Mapping):
            raise ValidationError("user must be a dict (for example {'name': ..., 'email': ...})", field="user")
        expiry = _expiry(expires_at, "expires_at")
        claims = _claims(token)
        if expiry is None and "exp" in claims:
            expiry = float(claims["exp"])
        if expiry is not None and expiry <= self.state.clock():
            raise ValidationError("The provider token has already expired", field="expires_at")
        data = {"provider": str(provider).strip(), "key": key, "token": token, "expires_at": expiry,
                "user": dict(user or {}),
                "subject": str(claims.get("sub") or (user or {}).get("id") or subject or token_fingerprint(token))}
        if key == "cognito-identity.amazonaws.com":  # developer-authenticated: the token names the identity
            data["identity_id"] = (user or {}).get("identity_id") or claims.get("sub")
        self.state.storage.set_item(self._key, json.dumps(data))
        return data

    def login(self, now: float) -> Login | None:
        data = self._load()
        if data is None:
            return None
        expires_at = data.get("expires_at")
        if expires_at is not None and now >= float(expires_at) - RENEW_MARGIN:
            data = self._renew(data, now)
        return Login(self._login_key(data), {data["key"]: data["token"]}, data.get("identity_id"))

    @staticmethod
    def _login_key(data: dict[str, Any]) -> str:
        subject = data.get("subject") or data.get("user", {}).get("id") or data.get("identity_id") or "token"
        return f"{data['key']}:{subject}"

    def current_key(self) -> str | None:
        """The federated caller's name, read from storage without renewing anything."""
        data = self._load()
        return None if data is None else self._login_key(data)

    def _renew(self, data: dict[str, Any], now: float) -> dict[str, Any]:
        handlers = self.state.config.refresh_handlers
        handler = handlers.get(data["provider"]) or handlers.get(data["key"])
        if handler is None:
            if now < float(data["expires_at"]):
                return data  # about to expire, nothing can renew it: use it while it lasts
            raise NotAuthenticatedError(
                f"The {data['provider']} token has expired and no refresh handler is configured for it; "
                "call federated_sign_in() again with a fresh token, or configure refresh_handlers")
        answer = handler()
        if isinstance(answer, tuple):
            answer = {"token": answer[0], "expires_at": answer[1] if len(answer) > 1 else None}
        if not isinstance(answer, Mapping) or "token" not in answer:
            raise ValidationError(f"The refresh handler for {data['provider']} must return "
                                  "{'token': ..., 'expires_at': ...}", field="refresh_handlers")
        return self.sign_in(data["provider"], answer["token"], answer.get("expires_at"), data.get("user"),
                            subject=data.get("subject"))

    @property
    def user(self) -> dict[str, Any] | None:
        data = self._load()
        return None if data is None else {"provider": data["provider"], **data.get("user", {})}

    def clear(self) -> None:
        self.state.storage.remove_item(self._key)
