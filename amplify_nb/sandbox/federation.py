"""Stand-ins for the identity providers an identity pool trusts: Google, Facebook, Login with Amazon,
an OpenID Connect issuer hosted by the sandbox, and Cognito Identity's own OpenID tokens.

Tests and notebooks cannot sign in to Google, so the sandbox mints the tokens a provider would have
given (``Sandbox.federated_token``) and checks them where Cognito Identity would: JWTs (Google, OIDC,
cognito-identity) with a sandbox-owned RSA key, distinct from the user pools' key; Facebook and Amazon
access tokens are opaque, so the sandbox remembers the ones it issued, as the provider's own API would.
Expiry is judged on the sandbox clock.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from .protocol import CognitoError, not_authorized
from .tokens import _b64_uint

__all__ = [
    "ALIASES",
    "AMAZON",
    "COGNITO_IDENTITY",
    "COGNITO_IDENTITY_ISSUER",
    "FACEBOOK",
    "GOOGLE",
    "FederationIssuer",
    "invalid_login",
    "read_jwt",
]

GOOGLE = "accounts.google.com"
FACEBOOK = "graph.facebook.com"
AMAZON = "www.amazon.com"
COGNITO_IDENTITY = "cognito-identity.amazonaws.com"
COGNITO_IDENTITY_ISSUER = "https://cognito-identity.amazonaws.com"
ALIASES = {"google": GOOGLE, "facebook": FACEBOOK, "amazon": AMAZON}


def invalid_login(reason: str) -> CognitoError:
    return not_authorized(f"Invalid login token. {reason}")


@dataclass(frozen=True)
class _Opaque:
    provider: str
    subject: str
    app_id: str
    expires_at: float


class FederationIssuer:
    """Issues and checks the federated tokens of one sandbox."""

    def __init__(self, clock: Callable[[], float], oidc_issuer: str = "http://127.0.0.1/oidc"):
        self.clock = clock
        self.oidc_issuer = oidc_issuer
        self.app_ids: dict[str, str] = {
            GOOGLE: f"{secrets.randbelow(10**12):012d}-{secrets.token_hex(16)}.apps.googleusercontent.com",
            FACEBOOK: f"{secrets.randbelow(10**15):015d}",
            AMAZON: f"amzn1.application-oa2-client.{secrets.token_hex(16)}",
        }
        self.oidc_client_id = f"amplify-nb-sandbox-{secrets.token_hex(6)}"
        self.kid = secrets.token_hex(12)
        self._key: Any = None  # generated on first use: RSA keygen would slow every Sandbox() down
        self._key_lock = threading.Lock()
        self._opaque: dict[str, _Opaque] = {}

    # ---- the hosted OIDC issuer -----------------------------------------------------------------
    @property
    def oidc_key(self) -> str:
        """The Logins key for the hosted issuer: its URL without the scheme, as Cognito Identity wants."""
        return self.oidc_issuer.split("://", 1)[-1]

    def jwks(self) -> dict[str, Any]:
        numbers = self._private_key().public_key().public_numbers()
        return {"keys": [{"alg": "RS256", "e": _b64_uint(numbers.e), "kid": self.kid, "kty": "RSA",
                          "n": _b64_uint(numbers.n), "use": "sig"}]}

    def openid_configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.oidc_issuer,
            "jwks_uri": f"{self.oidc_issuer}/.well-known/jwks.json",
            "authorization_endpoint": f"{self.oidc_issuer}/authorize",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def all_app_ids(self) -> dict[str, str]:
        """Provider (Logins key) -> the app/client id tokens are issued for."""
        return {**self.app_ids, self.oidc_key: self.oidc_client_id}

    # ---- issuing --------------------------------------------------------------------------------
    def provider_key(self, provider: str) -> str:
        """`google`, `accounts.google.com`, the OIDC issuer URL or its Logins key -> the Logins key."""
        name = ALIASES.get(provider.lower(), provider)
        if name in (self.oidc_issuer, self.oidc_key, "oidc"):
            return self.oidc_key
        if name not in self.app_ids:
            raise ValueError(f"unknown provider {provider!r}: use google, facebook, amazon or {self.oidc_issuer}")
        return name

    def token(self, provider: str, subject: str, expires_in: float = 3600.0) -> str:
        """A token `provider` would have issued to `subject`, for the sandbox's app id."""
        key = self.provider_key(provider)
        now = self.clock()
        if key in (GOOGLE, self.oidc_key):
            issuer = "https://accounts.google.com" if key == GOOGLE else self.oidc_issuer
            audience = self.app_ids[GOOGLE] if key == GOOGLE else self.oidc_client_id
            return self.sign({"iss": issuer, "aud": audience, "azp": audience, "sub": subject,
                              "iat": int(now), "exp": int(now + expires_in)})
        prefix = "EAAG" if key == FACEBOOK else "Atza|"
        token = prefix + secrets.token_urlsafe(48)
        self._opaque[token] = _Opaque(key, subject, self.app_ids[key], now + expires_in)
        return token

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._private_key(), algorithm="RS256", headers={"kid": self.kid})

    def openid_token(self, identity_pool_id: str, identity_id: str, amr: list[str], ttl: float) -> str:
        """A Cognito Identity OpenID token (GetOpenIdToken*), good as the cognito-identity.amazonaws.com login."""
        now = int(self.clock())
        return self.sign({"iss": COGNITO_IDENTITY_ISSUER, "aud": identity_pool_id, "sub": identity_id,
                          "amr": amr, "https://cognito-identity.amazonaws.com/identity-pool-arn": identity_pool_id,
                          "iat": now, "exp": now + int(ttl)})

    # ---- checking -------------------------------------------------------------------------------
    def subject(self, provider: str, token: str, app_id: str) -> str:
        """The subject of a valid token of `provider` issued for `app_id`, else NotAuthorizedException."""
        return str(self.claims(provider, token, app_id)["sub"])

    def claims(self, provider: str, token: str, app_id: str) -> dict[str, Any]:
        """The claims of a valid token of `provider` issued for `app_id` (what role-mapping rules and principal
        tags read), else NotAuthorizedException. Facebook and Amazon tokens are opaque: their provider's API
        answers the app id and the user id, given here as ``aud``, ``sub`` and ``user_id``."""
        if provider in (FACEBOOK, AMAZON):
            record = self._opaque.get(token)
            if record is None or record.provider != provider:
                raise invalid_login("Not a valid " + ("Facebook" if provider == FACEBOOK else "Login with Amazon")
                                    + " token.")
            if record.app_id != app_id:
                raise invalid_login("Incorrect token audience.")
            if self.clock() >= record.expires_at:
                raise invalid_login(f"Token expired: {int(self.clock())} >= {int(record.expires_at)}")
            return {"aud": record.app_id, "sub": record.subject, "user_id": record.subject}
        issuers = ({"https://accounts.google.com", "accounts.google.com"} if provider == GOOGLE
                   else {self.oidc_issuer})
        claims = self.read(token, issuers)
        if app_id not in _audiences(claims):
            raise invalid_login("Incorrect token audience.")
        return claims

    def read(self, token: str, issuers: set[str]) -> dict[str, Any]:
        """Claims of a JWT this issuer signed for one of `issuers`, checked for expiry on the sandbox clock."""
        return read_jwt(token, self._private_key().public_key(), issuers, self.clock())

    def _private_key(self) -> Any:
        with self._key_lock:
            if self._key is None:
                from cryptography.hazmat.primitives.asymmetric import rsa

                self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._key


def read_jwt(token: str, public_key: Any, issuers: set[str], now: float) -> dict[str, Any]:
    """Cognito Identity's checks of an OpenID Connect token, with its error messages."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise invalid_login("Not a valid OpenId Connect identity token.")
    try:
        claims = jwt.decode(token, public_key, algorithms=["RS256"], options={
            "verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False,
            "verify_iss": False})  # the sandbox clock and the pool's configuration decide those
    except jwt.InvalidSignatureError:
        raise invalid_login("Couldn't verify signed token.") from None
    except jwt.PyJWTError:
        raise invalid_login("Not a valid OpenId Connect identity token.") from None
    if claims.get("iss") not in issuers:
        raise invalid_login("Issuer doesn't match providerName")
    for claim in ("sub", "aud", "exp"):
        if claim not in claims:
            raise invalid_login(f"Missing a required claim: {claim}")
    if not isinstance(claims["exp"], (int, float)) or now >= claims["exp"]:
        raise invalid_login(f"Token expired: {int(now)} >= {claims['exp']}")
    return claims


def _audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    return [aud] if isinstance(aud, str) else [a for a in aud or [] if isinstance(a, str)]
