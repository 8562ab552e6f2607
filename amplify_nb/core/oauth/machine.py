"""Machine to machine: the client_credentials grant for a confidential app client, cached until due.

For notebooks that call an API protected by a resource server's scopes as the app itself, not as a user.
Cognito allows the grant only to an app client with a secret (and not mixed with the code or implicit
grants on that client), so the configuration must carry the secret. The access token is verified as any
of the pool's (JWKS, iss, client_id, expiry); one token is kept per set of scopes and fetched again when it
is within the refresh margin of expiry (Tokens' rule: 5 minutes, or a quarter of a short lifetime).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ...errors import ConfigurationError, OAuthError, ValidationError
from ..session import SessionState
from ..tokens import MAX_REFRESH_MARGIN, mask
from .exchange import token_request
from .urls import require_oauth

__all__ = ["ClientCredentials", "ClientCredentialsToken"]


@dataclass(frozen=True)
class ClientCredentialsToken:
    """An app client's access token: ``headers`` for ``requests``, the token masked in the repr."""

    access_token: str = field(repr=False)
    expires_at: float
    scopes: tuple[str, ...]
    issued_at: float
    token_type: str = "Bearer"

    def due(self, now: float) -> bool:
        margin = min(MAX_REFRESH_MARGIN, max(0.0, self.expires_at - self.issued_at) / 4)
        return now >= self.expires_at - margin

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"{self.token_type} {self.access_token}"}

    def __repr__(self) -> str:
        return (f"ClientCredentialsToken(scopes={self.scopes!r}, expires_at={self.expires_at:.0f}, "
                f"access_token={mask(self.access_token)})")


def _scopes(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    scopes = value.split() if isinstance(value, str) else value
    if not isinstance(scopes, (list, tuple)) or not scopes or not all(
            isinstance(s, str) and s and not any(c.isspace() for c in s) and len(s) <= 256 for s in scopes):
        raise ValidationError("scopes must be None (every scope the app client allows) or a list of scope names "
                              "(a resource server's are '<identifier>/<scope>')", field="scopes")
    return tuple(sorted(set(scopes)))


class ClientCredentials:
    """One session's client-credentials tokens, one per set of scopes."""

    def __init__(self, state: SessionState):
        self._state = state
        self._cache: dict[tuple[str, ...] | None, ClientCredentialsToken] = {}
        self._lock = threading.Lock()

    def token(self, scopes: Any = None) -> ClientCredentialsToken:
        wanted = _scopes(scopes)
        state = self._state
        config = state.config
        require_oauth(config)
        if not config.client_secret:
            raise ConfigurationError(
                "client_credentials_token() needs a confidential app client (one with a secret): this app client "
                "is public. Use the machine client's configuration, with its secret in custom.amplify_nb."
                "user_pool_client_secret (amplify_outputs.json)", source=config.source, key="client_secret")
        with self._lock:
            cached = self._cache.get(wanted)
            if cached is not None and not cached.due(state.clock()):
                return cached
            sent: dict[str, Any] = {"scope": " ".join(wanted)} if wanted else {}
            answer = token_request(config, state.trace, "client_credentials", sent, **sent)
            access_token = answer.get("access_token")
            if not isinstance(access_token, str) or not access_token:
                raise OAuthError("Cognito's token endpoint returned no access token", code="invalid_response",
                                 operation="token endpoint")
            claims = state.verifier.verify(access_token, "access")
            granted = claims.get("scope") or answer.get("scope") or " ".join(wanted or ())
            token = ClientCredentialsToken(access_token, float(claims["exp"]), tuple(str(granted).split()),
                                           issued_at=float(claims.get("iat", state.clock())),
                                           token_type=str(answer.get("token_type") or "Bearer"))
            self._cache[wanted] = token
            return token

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
