"""``Amplify.configure``-style dicts: Amplify JS v5 (``Auth: {userPoolId, ...}``) and v6 (``Auth: {Cognito:
{...}}``), with or without the ``Auth`` wrapper (``Auth.configure`` takes the inner object, and people
paste it alone), plus ``Storage`` and amplify_nb's own ``amplify_nb`` section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ConfigurationError
from ..steps import FLOWS
from .model import AuthConfig, CookieStorage, StorageBucket, identity_provider
from .parts import OAUTH_GEN1, bucket_paths, groups, oauth, password_policy, storage, user_pool, username_attributes
from .reader import IDENTITY_POOL, POOL_ID, REGION, URL, Section, endpoints

__all__ = ["read_v5", "read_v6"]

_V6_POLICY = ("minLength", "requireLowercase", "requireUppercase", "requireNumbers", "requireSpecialCharacters")
_V6_OAUTH = {"domain": "domain", "scopes": "scopes", "redirect_sign_in": "redirectSignIn",
             "redirect_sign_out": "redirectSignOut", "response_type": "responseType"}


def read_v5(root: Section, auth: Section) -> AuthConfig:
    """Amplify JS v5 and earlier: ``auth`` is the ``Auth`` object, or the whole dict without the wrapper."""
    custom = root.section("amplify_nb")
    metadata = auth.section("clientMetadata")
    for name in metadata.data:
        metadata.text(name)  # Cognito takes strings only
    region = auth.require("region", REGION)
    identity_pool_id = auth.text("identityPoolId", form=IDENTITY_POOL)
    pool_id, client_id = user_pool(auth, "userPoolId", "userPoolWebClientId", identity_pool_id)
    handlers = _handlers(auth, "refreshHandlers") or _handlers(custom, "refresh_handlers")
    s3 = root.dig("Storage", "AWSS3")
    return AuthConfig(
        region=region, source=root.reading.source, user_pool_id=pool_id, user_pool_client_id=client_id,
        client_secret=auth.text("userPoolWebClientSecret") or custom.text("user_pool_client_secret"),
        identity_pool_id=identity_pool_id,
        identity_pool_region=auth.text("identityPoolRegion", form=REGION) or region,
        allow_guest_access=not auth.flag("mandatorySignIn"),
        authentication_flow_type=auth.text("authenticationFlowType", choices=FLOWS) or FLOWS[0],
        oauth=oauth(auth.section("oauth"), OAUTH_GEN1),
        sign_up_verification_method=auth.text("signUpVerificationMethod", case=str.lower),
        client_metadata={name: str(value) for name, value in metadata.data.items()},
        cookie_storage=_cookie_storage(auth.section("cookieStorage")) if auth.has("cookieStorage") else None,
        token_storage=_token_storage(auth),
        endpoints=endpoints(custom),
        refresh_handlers=handlers,
        **storage(s3.text("bucket"), s3.text("region", form=REGION)),
    )


def read_v6(root: Section, cognito: Section) -> AuthConfig:
    """Amplify JS v6: ``cognito`` is ``Auth.Cognito`` (or a bare ``Cognito``). v6 states no region: it is
    the user pool id's prefix, else the identity pool id's."""
    custom = root.section("amplify_nb")
    identity_pool_id = cognito.text("identityPoolId", form=IDENTITY_POOL)
    pool_id, client_id = user_pool(cognito, "userPoolId", "userPoolClientId", identity_pool_id)
    region = (pool_id or identity_pool_id or "").split("_" if pool_id else ":", 1)[0]
    if not REGION[0].fullmatch(region):
        key = "userPoolId" if pool_id else "identityPoolId"
        raise cognito.error(f"Malformed value {pool_id or identity_pool_id!r} (expected "
                            f"{POOL_ID[1] if pool_id else IDENTITY_POOL[1]}: v6 reads the region from it)", key)
    login = cognito.section("loginWith")
    mfa = cognito.section("mfa")
    oauth_section = login.section("oauth")
    hosted_ui = oauth(oauth_section, _V6_OAUTH, _v6_providers(oauth_section))
    attributes = cognito.section("userAttributes")
    s3 = root.dig("Storage", "S3")
    handlers = _handlers(custom, "refresh_handlers")
    return AuthConfig(
        region=region, source=root.reading.source, user_pool_id=pool_id, user_pool_client_id=client_id,
        client_secret=custom.text("user_pool_client_secret"),
        identity_pool_id=identity_pool_id,
        identity_pool_region=identity_pool_id.split(":", 1)[0] if identity_pool_id else region,
        allow_guest_access=cognito.flag("allowGuestAccess"),
        oauth=hosted_ui,
        mfa_configuration=mfa.text("status", case=str.upper, choices=("OFF", "ON", "OPTIONAL")) or "OFF",
        mfa_methods=tuple(method for method, key in (("TOTP", "totpEnabled"), ("SMS", "smsEnabled"),
                                                     ("EMAIL", "emailEnabled")) if mfa.flag(key)),
        password_policy=password_policy(cognito.section("passwordFormat"), _V6_POLICY)
        if cognito.has("passwordFormat") else None,
        username_attributes=username_attributes(name for name, key in (("email", "email"), ("phone_number", "phone"))
                                                if login.flag(key)),
        signup_attributes=tuple(name.lower() for name in attributes.data
                                if attributes.section(name).flag("required")),
        sign_up_verification_method=cognito.text("signUpVerificationMethod", case=str.lower),
        social_providers=hosted_ui.identity_providers if hosted_ui else (),
        groups=groups(cognito.sections("groups")),
        endpoints=endpoints(custom, {"cognito-idp": cognito.text("userPoolEndpoint", form=URL),
                                     "cognito-identity": cognito.text("identityPoolEndpoint", form=URL)}),
        refresh_handlers=handlers,
        **_v6_storage(s3),
    )


def _handlers(section: Section, key: str) -> dict[str, Any]:
    """Federated refresh handlers, each checked callable now rather than failing when a token is due."""
    handlers = dict(section.value(key, Mapping) or {})
    for provider, handler in handlers.items():
        if not callable(handler):
            raise section.error(f"The refresh handler for {provider!r} is a {type(handler).__name__}, not a "
                                "function (called with no arguments, it returns {'token': ..., 'expires_at': ...})",
                                f"{key}.{provider}")
    return handlers


def _cookie_storage(section: Section) -> CookieStorage:
    return CookieStorage(domain=section.text("domain"), path=section.text("path"), expires=section.number("expires"),
                         secure=section.value("secure", bool), same_site=section.text("sameSite", case=str.lower))


def _token_storage(auth: Section) -> Any:
    """v5's ``storage``: an object (the session checks its methods), never data a file could hold."""
    value = auth.raw("storage")
    if value is not None and isinstance(value, (str, int, float, bool, list, Mapping)):
        raise auth.error(f"Expected a storage object (with setItem, getItem, removeItem, clear), got "
                         f"{type(value).__name__}; pass it as Auth(config, storage=...) or in a dict's Auth.storage",
                         "storage")
    return value


def _v6_providers(section: Section) -> tuple[str, ...]:
    """v6's ``providers``: 'Google', 'Facebook', 'Amazon', 'Apple', or ``{custom: 'MyOIDC'}``."""
    names = []
    for index, item in enumerate(section.raw("providers") or ()):
        name = item.get("custom") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name:
            raise ConfigurationError("Expected a provider name or {custom: name}", source=section.reading.source,
                                     key=f"{section.where('providers')}[{index}]")
        names.append(identity_provider(name))
    return tuple(names)


def _v6_storage(s3: Section) -> dict[str, Any]:
    listed = s3.section("buckets")
    buckets = [StorageBucket(name, item.require("bucketName"), item.text("region", form=REGION),
                             bucket_paths(item.section("paths")))
               for name in listed.data for item in [listed.section(name)]]
    return storage(s3.text("bucket"), s3.text("region", form=REGION), buckets)
