"""Tokens, their verification against the pool's JWKS, and when to refresh them.

Every token received is verified before it is trusted or stored: RS256 signature against the pool's
JWKS (fetched once, cached, fetched again for an unknown key id), ``iss``, ``aud`` / ``client_id``,
``token_use``, and ``exp`` / ``iat`` / ``nbf`` with a small leeway, all against one injectable clock.

Clock skew: a laptop's clock can be minutes off Cognito's. A token just issued carries Cognito's own time
(``iat``), so the offset between the two clocks is measured on every fresh token (up to MAX_SKEW either
way) and kept with the tokens: every expiry decision about them (valid? refresh due?) is made in
Cognito's time, and a clock 5 minutes behind neither refuses a fresh token as "issued in the future" nor
lets an expired one pass.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import AuthConfig
from ..errors import NetworkError, NotAuthorizedError, StorageError

__all__ = ["MAX_REFRESH_MARGIN", "MAX_SKEW", "Clock", "TokenVerifier", "Tokens", "mask"]

Clock = Callable[[], float]
system_clock: Clock = time.time

# Refresh this long before expiry: 5 minutes, or a quarter of a short lifetime (test pools use 60 s).
MAX_REFRESH_MARGIN = 300.0
MAX_SKEW = 300.0  # the clock offset to Cognito tolerated (and corrected for), either way


def mask(token: str | None) -> str:
    """What a repr may show of a token: its first characters only."""
    return "None" if token is None else f"'{token[:6]}…'"


@dataclass(frozen=True)
class Tokens:
    id_token: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    id_claims: Mapping[str, Any] = field(repr=False)
    access_claims: Mapping[str, Any] = field(repr=False)
    skew: float = 0.0  # Cognito's clock minus ours, measured when these tokens were issued (see the module)

    @property
    def username(self) -> str:
        return str(self.access_claims.get("username") or self.id_claims.get("cognito:username"))

    @property
    def sub(self) -> str:
        return str(self.id_claims.get("sub"))

    @property
    def expires_at(self) -> float:
        return float(min(self.access_claims.get("exp", 0), self.id_claims.get("exp", 0)))

    @property
    def lifetime(self) -> float:
        return max(0.0, self.expires_at - float(self.access_claims.get("iat", self.expires_at)))

    def refresh_due(self, now: float) -> bool:
        """``now`` on this machine's clock; the decision is made in Cognito's (``skew``)."""
        margin = min(MAX_REFRESH_MARGIN, self.lifetime / 4)
        return now + self.skew >= self.expires_at - margin

    def with_refreshed(self, id_token: str, access_token: str, id_claims: Mapping[str, Any],
                       access_claims: Mapping[str, Any], refresh_token: str | None = None,
                       skew: float | None = None) -> Tokens:
        return Tokens(id_token, access_token, refresh_token or self.refresh_token, id_claims, access_claims,
                      self.skew if skew is None else skew)

    def to_json(self) -> str:
        return json.dumps({"id_token": self.id_token, "access_token": self.access_token,
                           "refresh_token": self.refresh_token, "skew": self.skew})

    def __repr__(self) -> str:
        return (f"Tokens(username={self.username!r}, expires_at={self.expires_at:.0f}, id_token={mask(self.id_token)}, "
                f"access_token={mask(self.access_token)}, refresh_token={mask(self.refresh_token)})")


def _seconds(claims: Mapping[str, Any], name: str, token_use: str, now: float) -> float:
    """A NumericDate claim as seconds (an absent iat or nbf: now); anything else is an invalid token."""
    value = claims.get(name, now)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NotAuthorizedError(f"The {token_use} token's {name} is not a number", code="InvalidToken")
    return float(value)


class TokenVerifier:
    """Verifies Cognito JWTs for one user pool and app client."""

    def __init__(self, config: AuthConfig, clock: Clock = system_clock, leeway: float = 60.0):
        import jwt  # PyJWT: imported on first use, not with amplify_nb

        self._jwt = jwt
        self._config = config
        self._clock = clock
        self._leeway = leeway
        options: dict[str, Any] = {"cache_keys": True, "lifespan": 24 * 3600, "timeout": 8}  # as transport.py
        # Newer PyJWT waits 30 s after any fetch before refetching for an unknown key id; a rotated pool
        # key (or a restarted sandbox) would then fail sign-in. Tokens here come from Cognito itself,
        # so refetch at once, as older PyJWT does.
        self._jwks: Any = None
        if not config.has_user_pool:  # identity pool only: no keys to fetch, no user-pool token to verify
            return
        try:
            self._jwks = jwt.PyJWKClient(config.jwks_url, cooldown_duration=0, **options)
        except TypeError:  # older PyJWT: no cooldown to turn off
            self._jwks = jwt.PyJWKClient(config.jwks_url, **options)

    def verify(self, token: str, token_use: str, *, allow_expired: bool = False, skew: float = 0.0
               ) -> dict[str, Any]:
        """The token's claims once verified; time claims are checked at this machine's time plus ``skew``."""
        self._config.require_user_pool()
        jwt = self._jwt
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError:
            raise NetworkError(f"Cannot fetch the user pool's signing keys from {self._config.jwks_url}") from None
        except jwt.PyJWKClientError as exc:
            raise NotAuthorizedError(f"The {token_use} token is not signed by this user pool ({exc})",
                                     code="InvalidToken") from None
        except jwt.PyJWTError:
            raise NotAuthorizedError(f"The {token_use} token is malformed", code="InvalidToken") from None
        except ValueError:  # PyJWT lets a non-JSON answer (a proxy's or captive portal's page) through
            raise NetworkError(f"The user pool's signing keys at {self._config.jwks_url} are not JSON") from None
        try:
            claims = jwt.decode(
                token, key, algorithms=["RS256"], issuer=self._config.issuer,
                audience=self._config.user_pool_client_id if token_use == "id" else None,
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                         "verify_aud": token_use == "id", "require": ["exp", "iss", "token_use"]},
            )
        except jwt.PyJWTError as exc:
            raise NotAuthorizedError(f"The {token_use} token failed verification: {exc}", code="InvalidToken") from None
        if claims.get("token_use") != token_use:
            raise NotAuthorizedError(f"Expected an {token_use} token, got {claims.get('token_use')!r}",
                                     code="InvalidToken")
        if token_use == "access" and claims.get("client_id") != self._config.user_pool_client_id:
            raise NotAuthorizedError("The access token was issued to another app client", code="InvalidToken")
        now = self._clock() + skew
        exp, iat, nbf = (_seconds(claims, name, token_use, now) for name in ("exp", "iat", "nbf"))
        if not allow_expired and now > exp + self._leeway:
            raise NotAuthorizedError(f"The {token_use} token has expired", code="TokenExpired")
        if iat > now + self._leeway:
            raise NotAuthorizedError(f"The {token_use} token was issued in the future", code="InvalidToken")
        if nbf > now + self._leeway:
            raise NotAuthorizedError(f"The {token_use} token is not valid yet (nbf)", code="InvalidToken")
        return dict(claims)

    def tokens(self, result: Mapping[str, Any], previous: Tokens | None = None) -> Tokens:
        """Verified Tokens from a Cognito AuthenticationResult (a refresh keeps the refresh token)."""
        id_token, access_token = result.get("IdToken"), result.get("AccessToken")
        if not id_token or not access_token:
            raise NotAuthorizedError("Cognito returned no tokens", code="InvalidToken")
        skew = self.measure_skew(access_token)
        id_claims = self.verify(id_token, "id", skew=skew)
        access_claims = self.verify(access_token, "access", skew=skew)
        if id_claims.get("sub") != access_claims.get("sub"):
            raise NotAuthorizedError("The id and access tokens name different users", code="InvalidToken")
        if previous is not None:
            return previous.with_refreshed(id_token, access_token, id_claims, access_claims, result.get("RefreshToken"),
                                           skew)
        return Tokens(id_token, access_token, result.get("RefreshToken"), id_claims, access_claims, skew)

    def measure_skew(self, token: str) -> float:
        """Cognito's clock minus ours, from the ``iat`` of a token Cognito has just issued (the round trip's
        few milliseconds aside). More than MAX_SKEW either way is refused: this machine's clock must be set."""
        try:
            iat = self._jwt.decode(token, options={"verify_signature": False}).get("iat")
        except self._jwt.PyJWTError:
            return 0.0  # verify() says what is wrong with the token
        if isinstance(iat, bool) or not isinstance(iat, (int, float)):
            return 0.0
        skew = float(iat) - self._clock()
        if abs(skew) > MAX_SKEW + self._leeway:
            where = "behind" if skew > 0 else "ahead of"
            raise NotAuthorizedError(f"This machine's clock is {abs(skew):.0f} s {where} Cognito's, more than the "
                                     f"{MAX_SKEW:.0f} s amplify_nb corrects for: set the clock (NTP) and sign in "
                                     "again", code="ClockSkew")
        return skew

    def restore(self, stored: str) -> Tokens:
        """Tokens read back from storage: signature, issuer and audience checked, expiry allowed (the
        caller refreshes them). A token of another pool or client is refused, not trusted."""
        try:
            data = json.loads(stored)
            id_token, access_token = data["id_token"], data["access_token"]
            skew = float(data.get("skew", 0.0))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StorageError("The stored session is corrupt; sign in again") from None
        if not abs(skew) <= MAX_SKEW + self._leeway:  # "not <=": NaN is refused too
            raise StorageError("The stored session is corrupt (clock offset out of range); sign in again")
        id_claims = self.verify(id_token, "id", allow_expired=True, skew=skew)
        access_claims = self.verify(access_token, "access", allow_expired=True, skew=skew)
        return Tokens(id_token, access_token, data.get("refresh_token"), id_claims, access_claims, skew)
