"""AuthConfig: one normalised configuration, whichever Amplify file or dict it was read from.

Each field holds one vocabulary whatever the source spelled: Cognito's MFA configuration (OFF, ON,
OPTIONAL) and Amplify's short MFA method names (TOTP, SMS, EMAIL, as ``set_preferred_mfa`` takes them),
Cognito's attribute names in lower case, Cognito's identity-provider names (Google, Facebook,
LoginWithAmazon, SignInWithApple, or a custom provider's own name), and one OAuth shape with lists of
redirect URIs. So a view reads ``config.oauth.redirect_sign_in`` without knowing that Gen 1 wrote it as
one comma-separated ``redirectSignIn`` string and Gen 2 as a ``redirect_sign_in_uri`` list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import ConfigurationError
from ..steps import FLOWS

__all__ = ["IDENTITY_PROVIDERS", "AuthConfig", "CookieStorage", "OAuthConfig", "PasswordPolicy", "Passwordless",
           "StorageBucket", "UserGroup", "WebAuthn", "identity_provider"]

# Every spelling of the social providers Amplify writes (Gen 1 GOOGLE/AMAZON, Gen 2 LOGIN_WITH_AMAZON, v6
# Amazon) -> Cognito's identity-provider name, which the hosted UI's `identity_provider` parameter takes.
IDENTITY_PROVIDERS: dict[str, str] = {
    "GOOGLE": "Google", "FACEBOOK": "Facebook",
    "AMAZON": "LoginWithAmazon", "LOGIN_WITH_AMAZON": "LoginWithAmazon", "LOGINWITHAMAZON": "LoginWithAmazon",
    "APPLE": "SignInWithApple", "SIGN_IN_WITH_APPLE": "SignInWithApple", "SIGNINWITHAPPLE": "SignInWithApple",
}


def identity_provider(name: str) -> str:
    """Cognito's name of a social provider in any of Amplify's spellings; a custom (OIDC, SAML) name as is."""
    return IDENTITY_PROVIDERS.get(name.upper(), name)


_POLICY_KEYS = ("min_length", "require_lowercase", "require_uppercase", "require_numbers", "require_symbols")


@dataclass(frozen=True)
class PasswordPolicy(Mapping[str, "int | bool | None"]):
    """The pool's password rules. Also a read-only mapping of the same keys (amplify_outputs.json's
    ``password_policy`` names), so that code written against that shape (the widget's live checks) reads
    it unchanged. ``min_length`` is None where the source states none."""

    min_length: int | None = None
    require_lowercase: bool = False
    require_uppercase: bool = False
    require_numbers: bool = False
    require_symbols: bool = False

    def __getitem__(self, key: str) -> int | bool | None:
        if key not in _POLICY_KEYS:
            raise KeyError(key)
        value: int | bool | None = getattr(self, key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(_POLICY_KEYS)

    def __len__(self) -> int:
        return len(_POLICY_KEYS)


@dataclass(frozen=True)
class OAuthConfig:
    """The hosted UI (Cognito's OAuth 2.0 endpoints), in one shape for every source format."""

    domain: str
    scopes: tuple[str, ...] = ()
    redirect_sign_in: tuple[str, ...] = ()
    redirect_sign_out: tuple[str, ...] = ()
    response_type: str = "code"  # "code" or "token"
    identity_providers: tuple[str, ...] = ()  # Cognito's names, see identity_provider()


@dataclass(frozen=True)
class StorageBucket:
    name: str  # the friendly name an app picks it by (Gen 2); the bucket's own name where none is given
    bucket_name: str
    region: str | None = None
    paths: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)  # prefix -> who -> actions


@dataclass(frozen=True)
class UserGroup:
    name: str
    precedence: int | None = None


@dataclass(frozen=True)
class WebAuthn:
    relying_party_id: str
    user_verification: str | None = None  # "required" or "preferred"


@dataclass(frozen=True)
class Passwordless:
    """Gen 2's ``auth.passwordless``: the first factors the pool offers besides a password."""

    email_otp: bool = False
    sms_otp: bool = False
    web_authn: WebAuthn | None = None
    preferred_challenge: str | None = None  # EMAIL_OTP, SMS_OTP, PASSWORD or WEB_AUTHN


@dataclass(frozen=True)
class CookieStorage:
    """Amplify JS v5's ``Auth.cookieStorage``. A kernel keeps no cookies: kept so that a v5 dict reads
    whole and --verbose can say what it held."""

    domain: str | None = None
    path: str | None = None
    expires: int | None = None
    secure: bool | None = None
    same_site: str | None = None


_NESTED: dict[str, Callable[[Any], Any]] = {}  # field -> how from_dict() rebuilds it from plain data


@dataclass(frozen=True)
class AuthConfig:
    """Everything a session needs to reach one user pool and/or one identity pool, and what the
    configuration says about them. With only an identity pool (``user_pool_id`` None) guest and federated
    credentials work and the user-pool flows raise ConfigurationError (see ``require_user_pool``)."""

    region: str
    user_pool_id: str | None = None
    user_pool_client_id: str | None = None
    source: str = "dict"
    client_secret: str | None = field(default=None, repr=False)
    identity_pool_id: str | None = None
    identity_pool_region: str | None = None
    allow_guest_access: bool = False
    authentication_flow_type: str = FLOWS[0]
    oauth: OAuthConfig | None = None
    mfa_configuration: str = "OFF"  # Cognito's: OFF | ON | OPTIONAL
    mfa_methods: tuple[str, ...] = ()  # Amplify's short names: TOTP, SMS, EMAIL
    password_policy: PasswordPolicy | None = None
    username_attributes: tuple[str, ...] = ()  # Cognito's UsernameAttributes: email, phone_number
    signup_attributes: tuple[str, ...] = ()  # attributes required at sign-up
    user_verification_types: tuple[str, ...] = ()  # attributes verified by a code: email, phone_number
    sign_up_verification_method: str | None = None  # "code" or "link"
    social_providers: tuple[str, ...] = ()  # Cognito's identity-provider names
    federation_target: str | None = None  # Gen 1: COGNITO_USER_POOLS, COGNITO_IDENTITY_POOLS, ...
    groups: tuple[UserGroup, ...] = ()
    passwordless: Passwordless | None = None
    client_metadata: Mapping[str, str] = field(default_factory=dict)
    endpoints: Mapping[str, str] = field(default_factory=dict)  # service name -> URL override
    storage_bucket: str | None = None  # the default bucket, also first in storage_buckets
    storage_region: str | None = None
    storage_buckets: tuple[StorageBucket, ...] = ()
    cookie_storage: CookieStorage | None = None
    # v5's ``Auth.storage`` (the seed's ``storage: new MyStorage()``): the object a session keeps its tokens in
    # when Auth(..., storage=...) names none. Code, as refresh_handlers: neither compared, shown nor saved.
    token_storage: Any = field(default=None, repr=False, compare=False)
    refresh_handlers: Mapping[str, Callable[[], Any]] = field(default_factory=dict, repr=False)
    refresh_token_rotation: bool | None = None  # the app client rotates refresh tokens (None: unknown)
    # Keys the source holds that amplify_nb does not read (dotted path -> value); not in the repr, where
    # another category's keys (an AppSync API key) would otherwise show.
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False)
    skipped: tuple[str, ...] = ()  # aws-exports.js keys whose values were expressions, not literals

    def endpoint(self, service: str) -> str | None:
        """The URL override for a botocore service name, else None (the real AWS endpoint)."""
        return self.endpoints.get(service)

    @property
    def has_user_pool(self) -> bool:
        return self.user_pool_id is not None

    def require_user_pool(self) -> tuple[str, str]:
        """(user pool id, app client id); ConfigurationError for an identity-pool-only configuration, raised
        where a user-pool flow first needs them, so that guest and federated credentials still work."""
        if self.user_pool_id is None or self.user_pool_client_id is None:
            raise ConfigurationError("This configuration has no user pool (identity pool only): sign-in, sign-up "
                                     "and the other user-pool flows need one; guest and federated credentials "
                                     "work without", source=self.source)
        return self.user_pool_id, self.user_pool_client_id

    @property
    def storage_scope(self) -> str:
        """What a session's stored tokens and credentials are kept under: the app client id, else (identity
        pool only) the identity pool id."""
        return self.user_pool_client_id or self.identity_pool_id or self.region

    @property
    def issuer(self) -> str:
        pool_id, _ = self.require_user_pool()
        return f"https://cognito-idp.{self.region}.amazonaws.com/{pool_id}"

    @property
    def jwks_url(self) -> str:
        pool_id, _ = self.require_user_pool()
        override = self.endpoint("cognito-idp")
        base = override.rstrip("/") if override else f"https://cognito-idp.{self.region}.amazonaws.com"
        return f"{base}/{pool_id}/.well-known/jwks.json"

    def bucket(self, name: str | None = None) -> StorageBucket | None:
        """The bucket with this friendly (or S3) name; None: the default one. None when there is none."""
        for bucket in self.storage_buckets:
            if name is None or name in (bucket.name, bucket.bucket_name):
                return bucket
        return None

    def with_changes(self, **changes: Any) -> AuthConfig:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready but for ``extra``'s own values), without the refresh handlers (code)."""
        data = dataclasses.asdict(replace(self, token_storage=None))  # asdict would deep-copy the object
        del data["refresh_handlers"], data["token_storage"]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuthConfig:
        """The AuthConfig ``to_dict()`` gave (after a JSON round trip too: lists become tuples again)."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: _NESTED[k](v) if k in _NESTED and v is not None else _tuples(v)
                  for k, v in data.items() if k in names}
        return cls(**values)


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _rebuild(kind: Any) -> Callable[[Any], Any]:
    return lambda data: kind(**_tuples(data))


def _passwordless(data: Mapping[str, Any]) -> Passwordless:
    web_authn = data.get("web_authn")
    return Passwordless(**{**_tuples(data), "web_authn": WebAuthn(**web_authn) if web_authn else None})


_NESTED.update({
    "oauth": _rebuild(OAuthConfig), "password_policy": _rebuild(PasswordPolicy), "passwordless": _passwordless,
    "cookie_storage": _rebuild(CookieStorage), "extra": dict,  # extra: the source's own values, as they were
    "groups": lambda items: tuple(UserGroup(**item) for item in items),
    "storage_buckets": lambda items: tuple(StorageBucket(**_tuples(item)) for item in items),
})
