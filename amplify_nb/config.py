"""AuthConfig and the readers of every shape of Amplify configuration.

Accepted: amplify_outputs.json (Gen 2), aws-exports.js and amplifyconfiguration.json (Gen 1, the flat
web keys and the native ``auth.plugins.awsCognitoAuthPlugin`` form), an ``Amplify.configure``-style dict
(v5 ``Auth: {userPoolId, ...}`` and v6 ``Auth: {Cognito: {...}}``), the same data already parsed, or an
AuthConfig. A bad configuration raises ConfigurationError naming the source, the key and what was
expected, before any network call.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_POOL_ID = re.compile(r"^[\w-]+_[0-9a-zA-Z]+$")
_CLIENT_ID = re.compile(r"^[\w+]+$")
_IDENTITY_POOL = re.compile(r"^[\w-]+:[0-9a-f-]+$")
_FLOWS = ("USER_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH")
_ENV_ENDPOINTS = {"cognito-idp": "COGNITO_IDENTITY_PROVIDER", "cognito-identity": "COGNITO_IDENTITY",
                  "sts": "STS", "s3": "S3"}


@dataclass(frozen=True)
class AuthConfig:
    """Everything a session needs to reach one user pool (and optionally one identity pool)."""

    region: str
    user_pool_id: str
    user_pool_client_id: str
    source: str = "dict"
    client_secret: str | None = field(default=None, repr=False)
    identity_pool_id: str | None = None
    identity_pool_region: str | None = None
    allow_guest_access: bool = False
    authentication_flow_type: str = "USER_SRP_AUTH"
    oauth: Mapping[str, Any] = field(default_factory=dict)
    mfa_configuration: str = "OFF"
    mfa_methods: tuple[str, ...] = ()
    password_policy: Mapping[str, Any] = field(default_factory=dict)
    username_attributes: tuple[str, ...] = ()
    signup_attributes: tuple[str, ...] = ()
    client_metadata: Mapping[str, str] = field(default_factory=dict)
    endpoints: Mapping[str, str] = field(default_factory=dict)  # service name -> URL override
    storage_bucket: str | None = None
    storage_region: str | None = None
    refresh_handlers: Mapping[str, Callable[[], Any]] = field(default_factory=dict, repr=False)

    def endpoint(self, service: str) -> str | None:
        """The URL override for a botocore service name, else None (the real AWS endpoint)."""
        return self.endpoints.get(service)

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        override = self.endpoint("cognito-idp")
        base = override.rstrip("/") if override else f"https://cognito-idp.{self.region}.amazonaws.com"
        return f"{base}/{self.user_pool_id}/.well-known/jwks.json"

    def with_changes(self, **changes: Any) -> AuthConfig:
        return replace(self, **changes)


def load_config(source: Any = None) -> AuthConfig:
    """AuthConfig from any accepted source; None means $AMPLIFY_NB_CONFIG, then ./amplify_outputs.json."""
    if isinstance(source, AuthConfig):
        return source
    if source is None:
        env = os.environ.get("AMPLIFY_NB_CONFIG")
        if env:
            source = env
        elif Path("amplify_outputs.json").is_file():
            source = "amplify_outputs.json"
        else:
            raise ConfigurationError("No configuration given: pass a path or dict, set $AMPLIFY_NB_CONFIG, "
                                     "or put amplify_outputs.json in the working directory", source="configure()")
    if isinstance(source, (str, os.PathLike)):
        return _from_path(Path(source))
    if isinstance(source, Mapping):
        return from_mapping(source, "dict")
    raise ConfigurationError(f"Expected a path, a dict or an AuthConfig, got {type(source).__name__}",
                             source="configure()")


def _from_path(path: Path) -> AuthConfig:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError("Configuration file not found", source=name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"Configuration file unreadable: {exc.__class__.__name__}", source=name) from None
    if path.suffix in (".js", ".mjs", ".ts"):
        return from_mapping(parse_aws_exports(text, name), name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"Not valid JSON (line {exc.lineno}, column {exc.colno})", source=name) from None
    if not isinstance(data, dict):
        raise ConfigurationError("Expected a JSON object at the top level", source=name)
    return from_mapping(data, name)


def parse_aws_exports(text: str, source: str = "aws-exports.js") -> dict[str, Any]:
    """The object literal of an aws-exports.js, read as JSON after JavaScript's leniencies are undone."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ConfigurationError("No object literal found", source=source)
    body = re.sub(r"//[^\n]*", "", text[start:end + 1])
    body = re.sub(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:", r'\1"\2":', body)  # bare keys
    body = re.sub(r"'((?:[^'\\]|\\.)*)'", lambda m: json.dumps(m.group(1)), body)  # single quotes
    body = re.sub(r",\s*([}\]])", r"\1", body)  # trailing commas
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"Cannot read the object literal (line {exc.lineno})", source=source) from None


def from_mapping(data: Mapping[str, Any], source: str = "dict") -> AuthConfig:
    """Detect which Amplify shape this is and read it."""
    auth = data.get("auth") if isinstance(data.get("auth"), Mapping) else None
    if auth is not None and "plugins" in auth:
        return _from_native(data, source)
    if auth is not None:
        return _from_outputs(data, source)
    if isinstance(data.get("Auth"), Mapping):
        return _from_configure_dict(data, source)
    if "aws_user_pools_id" in data or "aws_cognito_identity_pool_id" in data:
        return _from_gen1_flat(data, source)
    raise ConfigurationError("Unrecognised configuration: expected an 'auth' section (amplify_outputs.json), "
                             "an 'Auth' section (Amplify.configure) or aws_user_pools_id (aws-exports)",
                             source=source)


def _get(section: Mapping[str, Any], key: str, source: str, path: str, *, kind: type = str,
         required: bool = True, pattern: re.Pattern[str] | None = None) -> Any:
    value = section.get(key)
    where = f"{path}.{key}" if path else key
    if value is None or value == "":
        if required:
            raise ConfigurationError(f"Missing required {kind.__name__}", source=source, key=where)
        return None
    if not isinstance(value, kind):
        raise ConfigurationError(f"Expected {kind.__name__}, got {type(value).__name__}", source=source, key=where)
    if pattern is not None and not pattern.match(value):
        raise ConfigurationError(f"Malformed value (expected the form {pattern.pattern})", source=source, key=where)
    return value


def _endpoints(custom: Mapping[str, Any]) -> dict[str, str]:
    """Endpoint overrides: custom.amplify_nb.endpoint_url(s), then botocore's AWS_ENDPOINT_URL_* variables."""
    endpoints: dict[str, str] = {}
    shared = custom.get("endpoint_url")
    if isinstance(shared, str) and shared:
        endpoints = dict.fromkeys(_ENV_ENDPOINTS, shared.rstrip("/"))
    for service, url in (custom.get("endpoint_urls") or {}).items():
        endpoints[service] = str(url).rstrip("/")
    for service, suffix in _ENV_ENDPOINTS.items():
        url = os.environ.get(f"AWS_ENDPOINT_URL_{suffix}") or os.environ.get("AWS_ENDPOINT_URL")
        if url and service not in endpoints:
            endpoints[service] = url.rstrip("/")
    return endpoints


def _finish(config: AuthConfig) -> AuthConfig:
    src = config.source
    if not _REGION.match(config.region):
        raise ConfigurationError("Malformed AWS region (expected e.g. us-east-1)", source=src, key="region")
    if not _POOL_ID.match(config.user_pool_id):
        raise ConfigurationError("Malformed user pool id (expected <region>_<id>)", source=src, key="user_pool_id")
    if not _CLIENT_ID.match(config.user_pool_client_id):
        raise ConfigurationError("Malformed app client id", source=src, key="user_pool_client_id")
    if config.identity_pool_id and not _IDENTITY_POOL.match(config.identity_pool_id):
        raise ConfigurationError("Malformed identity pool id (expected <region>:<uuid>)", source=src,
                                 key="identity_pool_id")
    if config.authentication_flow_type not in _FLOWS:
        raise ConfigurationError(f"authenticationFlowType must be one of {', '.join(_FLOWS)}", source=src,
                                 key="authenticationFlowType")
    return config


def _from_outputs(data: Mapping[str, Any], source: str) -> AuthConfig:
    auth = data["auth"]
    custom = (data.get("custom") or {}).get("amplify_nb") or {}
    storage = data.get("storage") if isinstance(data.get("storage"), Mapping) else {}
    region = _get(auth, "aws_region", source, "auth")
    mfa = auth.get("mfa_configuration") or "NONE"
    return _finish(AuthConfig(
        region=region, source=source,
        user_pool_id=_get(auth, "user_pool_id", source, "auth"),
        user_pool_client_id=_get(auth, "user_pool_client_id", source, "auth"),
        client_secret=custom.get("user_pool_client_secret"),
        identity_pool_id=_get(auth, "identity_pool_id", source, "auth", required=False),
        identity_pool_region=region,
        allow_guest_access=bool(auth.get("unauthenticated_identities_enabled", False)),
        oauth=auth.get("oauth") or {},
        mfa_configuration={"NONE": "OFF", "REQUIRED": "ON"}.get(mfa, mfa),
        mfa_methods=tuple(auth.get("mfa_methods") or ()),
        password_policy=auth.get("password_policy") or {},
        username_attributes=tuple(auth.get("username_attributes") or ()),
        signup_attributes=tuple(auth.get("standard_required_attributes") or ()),
        endpoints=_endpoints(custom),
        storage_bucket=storage.get("bucket_name"), storage_region=storage.get("aws_region"),
    ))


def _from_gen1_flat(data: Mapping[str, Any], source: str) -> AuthConfig:
    region = data.get("aws_cognito_region") or data.get("aws_project_region")
    if not region:
        raise ConfigurationError("Missing required str", source=source, key="aws_cognito_region")
    custom = data.get("amplify_nb") or {}
    return _finish(AuthConfig(
        region=region, source=source,
        user_pool_id=_get(data, "aws_user_pools_id", source, ""),
        user_pool_client_id=_get(data, "aws_user_pools_web_client_id", source, ""),
        identity_pool_id=_get(data, "aws_cognito_identity_pool_id", source, "", required=False),
        identity_pool_region=region,
        allow_guest_access=data.get("aws_mandatory_sign_in") not in ("enable", True),
        oauth=data.get("oauth") or {},
        mfa_configuration=data.get("aws_cognito_mfa_configuration") or "OFF",
        mfa_methods=tuple(data.get("aws_cognito_mfa_types") or ()),
        username_attributes=tuple(a.lower() for a in data.get("aws_cognito_username_attributes") or ()),
        signup_attributes=tuple(a.lower() for a in data.get("aws_cognito_signup_attributes") or ()),
        endpoints=_endpoints(custom),
        storage_bucket=data.get("aws_user_files_s3_bucket"),
        storage_region=data.get("aws_user_files_s3_bucket_region"),
    ))


def _from_native(data: Mapping[str, Any], source: str) -> AuthConfig:
    plugin = (data["auth"].get("plugins") or {}).get("awsCognitoAuthPlugin")
    if not isinstance(plugin, Mapping):
        raise ConfigurationError("Missing object", source=source, key="auth.plugins.awsCognitoAuthPlugin")
    base = "auth.plugins.awsCognitoAuthPlugin"
    pool = ((plugin.get("CognitoUserPool") or {}).get("Default")) or {}
    identity = (((plugin.get("CredentialsProvider") or {}).get("CognitoIdentity") or {}).get("Default")) or {}
    options = ((plugin.get("Auth") or {}).get("Default")) or {}
    storage = (((data.get("storage") or {}).get("plugins") or {}).get("awsS3StoragePlugin")) or {}
    region = _get(pool, "Region", source, f"{base}.CognitoUserPool.Default")
    return _finish(AuthConfig(
        region=region, source=source,
        user_pool_id=_get(pool, "PoolId", source, f"{base}.CognitoUserPool.Default"),
        user_pool_client_id=_get(pool, "AppClientId", source, f"{base}.CognitoUserPool.Default"),
        client_secret=pool.get("AppClientSecret"),
        identity_pool_id=identity.get("PoolId"), identity_pool_region=identity.get("Region") or region,
        allow_guest_access=bool(identity.get("PoolId")),
        authentication_flow_type=options.get("authenticationFlowType") or "USER_SRP_AUTH",
        oauth=options.get("OAuth") or {},
        mfa_configuration=options.get("mfaConfiguration") or "OFF",
        mfa_methods=tuple(options.get("mfaTypes") or ()),
        username_attributes=tuple(a.lower() for a in options.get("usernameAttributes") or ()),
        signup_attributes=tuple(a.lower() for a in options.get("signupAttributes") or ()),
        endpoints=_endpoints((data.get("custom") or {}).get("amplify_nb") or {}),
        storage_bucket=storage.get("bucket"), storage_region=storage.get("region"),
    ))


def _from_configure_dict(data: Mapping[str, Any], source: str) -> AuthConfig:
    auth = data["Auth"]
    custom = data.get("amplify_nb") or {}
    if isinstance(auth.get("Cognito"), Mapping):  # Amplify JS v6
        cognito = auth["Cognito"]
        pool_id = _get(cognito, "userPoolId", source, "Auth.Cognito")
        region = pool_id.split("_", 1)[0]
        return _finish(AuthConfig(
            region=region, source=source, user_pool_id=pool_id,
            user_pool_client_id=_get(cognito, "userPoolClientId", source, "Auth.Cognito"),
            client_secret=custom.get("user_pool_client_secret"),
            identity_pool_id=cognito.get("identityPoolId"), identity_pool_region=region,
            allow_guest_access=bool(cognito.get("allowGuestAccess", False)),
            oauth=((cognito.get("loginWith") or {}).get("oauth")) or {},
            endpoints=_endpoints(custom), refresh_handlers=dict(custom.get("refresh_handlers") or {}),
        ))
    region = _get(auth, "region", source, "Auth")
    return _finish(AuthConfig(  # Amplify JS v5 and earlier
        region=region, source=source,
        user_pool_id=_get(auth, "userPoolId", source, "Auth"),
        user_pool_client_id=_get(auth, "userPoolWebClientId", source, "Auth"),
        client_secret=auth.get("userPoolWebClientSecret") or custom.get("user_pool_client_secret"),
        identity_pool_id=auth.get("identityPoolId"),
        identity_pool_region=auth.get("identityPoolRegion") or region,
        allow_guest_access=not bool(auth.get("mandatorySignIn", False)),
        authentication_flow_type=auth.get("authenticationFlowType") or "USER_SRP_AUTH",
        oauth=auth.get("oauth") or {},
        client_metadata=dict(auth.get("clientMetadata") or {}),
        endpoints=_endpoints(custom),
        refresh_handlers=dict(auth.get("refreshHandlers") or custom.get("refresh_handlers") or {}),
    ))
