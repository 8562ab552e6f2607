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
from .steps import FLOWS

__all__ = ["AuthConfig", "default_source", "from_mapping", "load_config", "parse_aws_exports"]

_REGION = (re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$"), "an AWS region such as us-east-1")
_POOL_ID = (re.compile(r"^[\w-]+_[0-9a-zA-Z]+$"), "a user pool id such as us-east-1_AbCdEf123")
_CLIENT_ID = (re.compile(r"^[\w+]+$"), "an app client id (letters and digits)")
_IDENTITY_POOL = (re.compile(r"^[\w-]+:[0-9a-f-]+$"), "an identity pool id such as us-east-1:<uuid>")
_URL = (re.compile(r"^https?://[^\s/]+\S*$"), "an http:// or https:// URL")
_ENV_ENDPOINTS = {"cognito-idp": "COGNITO_IDENTITY_PROVIDER", "cognito-identity": "COGNITO_IDENTITY",
                  "sts": "STS", "s3": "S3"}
_LIST = (list, tuple)
_KINDS: dict[Any, str] = {str: "a string", bool: "true or false", _LIST: "a list", Mapping: "an object"}


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
    authentication_flow_type: str = FLOWS[0]
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


def default_source() -> str | None:
    """Where a configuration is found when none is given: $AMPLIFY_NB_CONFIG, then ./amplify_outputs.json
    (None: neither)."""
    env = os.environ.get("AMPLIFY_NB_CONFIG")
    if env:
        return env
    return "amplify_outputs.json" if Path("amplify_outputs.json").is_file() else None


def load_config(source: Any = None) -> AuthConfig:
    """AuthConfig from any accepted source; None means the default_source()."""
    if isinstance(source, AuthConfig):
        return source
    if source is None:
        source = default_source()
        if source is None:
            raise ConfigurationError("No configuration given: pass a path or dict, set $AMPLIFY_NB_CONFIG, "
                                     "or put amplify_outputs.json in the working directory", source="configure()")
    if isinstance(source, (str, os.PathLike)):
        return _from_path(Path(source).expanduser())
    if isinstance(source, Mapping):
        return from_mapping(source, "dict")
    raise ConfigurationError(f"Expected a path, a dict or an AuthConfig, got {type(source).__name__}",
                             source="configure()")


def _from_path(path: Path) -> AuthConfig:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: editors on Windows write a BOM
    except FileNotFoundError:
        raise ConfigurationError("Configuration file not found", source=name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"Configuration file unreadable: {exc.__class__.__name__}", source=name) from None
    if path.suffix in (".js", ".mjs", ".cjs", ".ts"):
        return from_mapping(parse_aws_exports(text, name), name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"Not valid JSON (line {exc.lineno}, column {exc.colno})", source=name) from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"Expected a JSON object at the top level, got {type(data).__name__}", source=name)
    return from_mapping(data, name)


_JS_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)
  | (?P<name>[A-Za-z_$][\w$]*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_JS_KEY_FOLLOWS = re.compile(r"(?:\s|//[^\n]*|/\*.*?\*/)*:", re.DOTALL)
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)
_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": ""}


def _js_string(body: str) -> str:
    return _JS_ESCAPE.sub(lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) == 5
                          else _JS_ESCAPES.get(m.group(1), m.group(1)), body)


def parse_aws_exports(text: str, source: str = "aws-exports.js") -> dict[str, Any]:
    """The first object literal of an aws-exports.js, as data.

    A tokenizer rather than regular expressions over the whole text, because the values hold
    ``//`` (the OAuth redirect URLs) and quotes that a text substitution would mangle. Accepts what
    the Amplify CLI writes and what people write by hand: bare or single-quoted keys, single quotes,
    trailing commas, comments.
    """
    out: list[str] = []
    depth, first_line = 0, 0
    for match in _JS_TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if depth == 0:
            if token == "{":
                depth, first_line = 1, text.count("\n", 0, match.start())
                out.append(token)
            continue
        if kind == "block_comment":
            out.append("\n" * token.count("\n"))
        elif kind == "string":
            out.append(json.dumps(_js_string(token[1:-1])))
        elif kind == "name" and _JS_KEY_FOLLOWS.match(text, match.end()):
            out.append(json.dumps(token))
        elif token in "}]":
            last = len(out) - 1
            while last > 0 and not out[last].strip():
                last -= 1
            if out[last] == ",":  # a trailing comma
                out[last] = ""
            out.append(token)
            depth -= 1
            if depth == 0:
                break
        elif kind != "line_comment":
            depth += token in "{["
            out.append(token)
    if not out:
        raise ConfigurationError("No object literal found (expected e.g. const awsmobile = {...})", source=source)
    if depth:
        raise ConfigurationError("The object literal is not closed (a '}' is missing)", source=source)
    try:
        parsed: dict[str, Any] = json.loads("".join(out))  # an object: the literal opened with "{"
        return parsed
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"Cannot read the object literal (line {first_line + exc.lineno}: {exc.msg})",
                                 source=source) from None


def from_mapping(data: Mapping[str, Any], source: str = "dict") -> AuthConfig:
    """Detect which Amplify shape this is and read it."""
    if not isinstance(data, Mapping):
        raise ConfigurationError(f"Expected an object, got {type(data).__name__}", source=source)
    if data.get("auth") is not None:
        auth = _obj(data, "auth", source, "")
        return _from_native(data, source) if "plugins" in auth else _from_outputs(data, source)
    if data.get("Auth") is not None:
        return _from_configure_dict(data, source)
    if "aws_user_pools_id" in data or "aws_cognito_identity_pool_id" in data:
        return _from_gen1_flat(data, source)
    raise ConfigurationError("Unrecognised configuration: expected an 'auth' section (amplify_outputs.json), "
                             "an 'Auth' section (Amplify.configure) or aws_user_pools_id (aws-exports)",
                             source=source)


def _get(section: Mapping[str, Any], key: str, source: str, path: str, *, kind: Any = str,
         required: bool = True, form: tuple[re.Pattern[str], str] | None = None,
         choices: tuple[str, ...] = ()) -> Any:
    value = section.get(key)
    where = f"{path}.{key}" if path else key
    if value is None or value == "":
        if required:
            raise ConfigurationError(f"Missing required key (expected {_describe(kind, form)})", source=source,
                                     key=where)
        return None
    if not isinstance(value, kind):
        raise ConfigurationError(f"Expected {_describe(kind, form)}, got {type(value).__name__}", source=source,
                                 key=where)
    if form is not None and not form[0].match(value):
        raise ConfigurationError(f"Malformed value {value!r} (expected {form[1]})", source=source, key=where)
    if choices and value not in choices:
        raise ConfigurationError(f"Unsupported value {value!r} (expected one of {', '.join(choices)})",
                                 source=source, key=where)
    return value


def _describe(kind: Any, form: tuple[re.Pattern[str], str] | None) -> str:
    return form[1] if form else _KINDS[kind]


def _obj(section: Mapping[str, Any], key: str, source: str, path: str) -> Mapping[str, Any]:
    return _get(section, key, source, path, kind=Mapping, required=False) or {}


def _dig(section: Mapping[str, Any], source: str, path: str, *keys: str) -> Mapping[str, Any]:
    """The object at section[k1][k2]..., {} where absent; ConfigurationError where one is not an object."""
    for key in keys:
        section = _obj(section, key, source, path)
        path = f"{path}.{key}" if path else key
    return section


def _flag(section: Mapping[str, Any], key: str, source: str, path: str, default: bool) -> bool:
    value = _get(section, key, source, path, kind=bool, required=False)
    return default if value is None else value


def _names(section: Mapping[str, Any], key: str, source: str, path: str, *, lower: bool = False) -> tuple[str, ...]:
    values = _get(section, key, source, path, kind=_LIST, required=False) or ()
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise ConfigurationError(f"Expected a list of strings, got {type(value).__name__} in it", source=source,
                                     key=f"{path}.{key}[{index}]" if path else f"{key}[{index}]")
    return tuple(v.lower() if lower else v for v in values)


def _endpoints(custom: Mapping[str, Any], source: str, path: str) -> dict[str, str]:
    """Endpoint overrides: custom.amplify_nb.endpoint_url(s), then botocore's AWS_ENDPOINT_URL_* variables."""
    endpoints: dict[str, str] = {}
    shared = _get(custom, "endpoint_url", source, path, required=False, form=_URL)
    if shared:
        endpoints = dict.fromkeys(_ENV_ENDPOINTS, shared.rstrip("/"))
    urls = _obj(custom, "endpoint_urls", source, path)
    for service in urls:
        endpoints[service] = _get(urls, service, source, f"{path}.endpoint_urls", form=_URL).rstrip("/")
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":  # botocore's opt-out
        return endpoints
    for service, suffix in _ENV_ENDPOINTS.items():
        if service in endpoints:
            continue
        variable = f"AWS_ENDPOINT_URL_{suffix}" if os.environ.get(f"AWS_ENDPOINT_URL_{suffix}") else "AWS_ENDPOINT_URL"
        url = _get(os.environ, variable, "the environment", "", required=False, form=_URL)
        if url:
            endpoints[service] = url.rstrip("/")
    return endpoints


def _from_outputs(data: Mapping[str, Any], source: str) -> AuthConfig:
    auth = data["auth"]
    custom = _dig(data, source, "", "custom", "amplify_nb")
    storage = _obj(data, "storage", source, "")
    region = _get(auth, "aws_region", source, "auth", form=_REGION)
    mfa = _get(auth, "mfa_configuration", source, "auth", required=False,
               choices=("NONE", "OPTIONAL", "REQUIRED")) or "NONE"
    return AuthConfig(
        region=region, source=source,
        user_pool_id=_get(auth, "user_pool_id", source, "auth", form=_POOL_ID),
        user_pool_client_id=_get(auth, "user_pool_client_id", source, "auth", form=_CLIENT_ID),
        client_secret=_get(custom, "user_pool_client_secret", source, "custom.amplify_nb", required=False),
        identity_pool_id=_get(auth, "identity_pool_id", source, "auth", required=False, form=_IDENTITY_POOL),
        identity_pool_region=region,
        allow_guest_access=_flag(auth, "unauthenticated_identities_enabled", source, "auth", False),
        oauth=_obj(auth, "oauth", source, "auth"),
        mfa_configuration={"NONE": "OFF", "REQUIRED": "ON"}.get(mfa, mfa),
        mfa_methods=_names(auth, "mfa_methods", source, "auth"),
        password_policy=_obj(auth, "password_policy", source, "auth"),
        username_attributes=_names(auth, "username_attributes", source, "auth"),
        signup_attributes=_names(auth, "standard_required_attributes", source, "auth"),
        endpoints=_endpoints(custom, source, "custom.amplify_nb"),
        storage_bucket=_get(storage, "bucket_name", source, "storage", required=False),
        storage_region=_get(storage, "aws_region", source, "storage", required=False, form=_REGION),
    )


def _from_gen1_flat(data: Mapping[str, Any], source: str) -> AuthConfig:
    region = (_get(data, "aws_cognito_region", source, "", required=False, form=_REGION)
              or _get(data, "aws_project_region", source, "", required=False, form=_REGION))
    if not region:
        raise ConfigurationError(f"Missing required key (expected {_REGION[1]}; aws_project_region is used when "
                                 "it is absent)", source=source, key="aws_cognito_region")
    mandatory = data.get("aws_mandatory_sign_in")
    if mandatory not in (None, "", "enable", "disable", True, False):
        raise ConfigurationError(f"Unsupported value {mandatory!r} (expected 'enable' or 'disable')", source=source,
                                 key="aws_mandatory_sign_in")
    return AuthConfig(
        region=region, source=source,
        user_pool_id=_get(data, "aws_user_pools_id", source, "", form=_POOL_ID),
        user_pool_client_id=_get(data, "aws_user_pools_web_client_id", source, "", form=_CLIENT_ID),
        identity_pool_id=_get(data, "aws_cognito_identity_pool_id", source, "", required=False, form=_IDENTITY_POOL),
        identity_pool_region=region,
        allow_guest_access=mandatory not in ("enable", True),
        oauth=_obj(data, "oauth", source, ""),
        mfa_configuration=_get(data, "aws_cognito_mfa_configuration", source, "", required=False,
                               choices=("OFF", "ON", "OPTIONAL")) or "OFF",
        mfa_methods=_names(data, "aws_cognito_mfa_types", source, ""),
        username_attributes=_names(data, "aws_cognito_username_attributes", source, "", lower=True),
        signup_attributes=_names(data, "aws_cognito_signup_attributes", source, "", lower=True),
        endpoints=_endpoints(_obj(data, "amplify_nb", source, ""), source, "amplify_nb"),
        storage_bucket=_get(data, "aws_user_files_s3_bucket", source, "", required=False),
        storage_region=_get(data, "aws_user_files_s3_bucket_region", source, "", required=False, form=_REGION),
    )


def _from_native(data: Mapping[str, Any], source: str) -> AuthConfig:
    base = "auth.plugins.awsCognitoAuthPlugin"
    plugin = _dig(data, source, "", "auth", "plugins", "awsCognitoAuthPlugin")
    if not plugin:
        raise ConfigurationError("Missing required key (expected an object)", source=source, key=base)
    pool_path, identity_path = f"{base}.CognitoUserPool.Default", f"{base}.CredentialsProvider.CognitoIdentity.Default"
    options_path = f"{base}.Auth.Default"
    pool = _dig(plugin, source, base, "CognitoUserPool", "Default")
    options = _dig(plugin, source, base, "Auth", "Default")
    identity = _dig(plugin, source, base, "CredentialsProvider", "CognitoIdentity", "Default")
    storage = _dig(data, source, "", "storage", "plugins", "awsS3StoragePlugin")
    region = _get(pool, "Region", source, pool_path, form=_REGION)
    identity_pool_id = _get(identity, "PoolId", source, identity_path, required=False, form=_IDENTITY_POOL)
    return AuthConfig(
        region=region, source=source,
        user_pool_id=_get(pool, "PoolId", source, pool_path, form=_POOL_ID),
        user_pool_client_id=_get(pool, "AppClientId", source, pool_path, form=_CLIENT_ID),
        client_secret=_get(pool, "AppClientSecret", source, pool_path, required=False),
        identity_pool_id=identity_pool_id,
        identity_pool_region=_get(identity, "Region", source, identity_path, required=False, form=_REGION) or region,
        allow_guest_access=bool(identity_pool_id),
        authentication_flow_type=_get(options, "authenticationFlowType", source, options_path, required=False,
                                      choices=FLOWS) or FLOWS[0],
        oauth=_obj(options, "OAuth", source, options_path),
        mfa_configuration=_get(options, "mfaConfiguration", source, options_path, required=False,
                               choices=("OFF", "ON", "OPTIONAL")) or "OFF",
        mfa_methods=_names(options, "mfaTypes", source, options_path),
        username_attributes=_names(options, "usernameAttributes", source, options_path, lower=True),
        signup_attributes=_names(options, "signupAttributes", source, options_path, lower=True),
        endpoints=_endpoints(_dig(data, source, "", "custom", "amplify_nb"), source, "custom.amplify_nb"),
        storage_bucket=_get(storage, "bucket", source, "storage.plugins.awsS3StoragePlugin", required=False),
        storage_region=_get(storage, "region", source, "storage.plugins.awsS3StoragePlugin", required=False,
                            form=_REGION),
    )


def _from_configure_dict(data: Mapping[str, Any], source: str) -> AuthConfig:
    auth = _obj(data, "Auth", source, "")
    custom = _obj(data, "amplify_nb", source, "")
    secret = _get(custom, "user_pool_client_secret", source, "amplify_nb", required=False)
    handlers = _obj(custom, "refresh_handlers", source, "amplify_nb")
    if auth.get("Cognito") is not None:  # Amplify JS v6
        cognito = _obj(auth, "Cognito", source, "Auth")
        pool_id = _get(cognito, "userPoolId", source, "Auth.Cognito", form=_POOL_ID)
        region = pool_id.split("_", 1)[0]
        if not _REGION[0].match(region):
            raise ConfigurationError(f"Malformed value {pool_id!r} (expected {_POOL_ID[1]}: v6 reads the region "
                                     "from it)", source=source, key="Auth.Cognito.userPoolId")
        identity_pool_id = _get(cognito, "identityPoolId", source, "Auth.Cognito", required=False,
                                form=_IDENTITY_POOL)
        return AuthConfig(
            region=region, source=source, user_pool_id=pool_id,
            user_pool_client_id=_get(cognito, "userPoolClientId", source, "Auth.Cognito", form=_CLIENT_ID),
            client_secret=secret,
            identity_pool_id=identity_pool_id,
            identity_pool_region=identity_pool_id.split(":", 1)[0] if identity_pool_id else region,
            allow_guest_access=_flag(cognito, "allowGuestAccess", source, "Auth.Cognito", False),
            oauth=_dig(cognito, source, "Auth.Cognito", "loginWith", "oauth"),
            endpoints=_endpoints(custom, source, "amplify_nb"), refresh_handlers=dict(handlers),
        )
    metadata = _obj(auth, "clientMetadata", source, "Auth")
    for name in metadata:
        _get(metadata, name, source, "Auth.clientMetadata", required=False)  # Cognito takes strings only
    return AuthConfig(  # Amplify JS v5 and earlier
        region=_get(auth, "region", source, "Auth", form=_REGION), source=source,
        user_pool_id=_get(auth, "userPoolId", source, "Auth", form=_POOL_ID),
        user_pool_client_id=_get(auth, "userPoolWebClientId", source, "Auth", form=_CLIENT_ID),
        client_secret=_get(auth, "userPoolWebClientSecret", source, "Auth", required=False) or secret,
        identity_pool_id=_get(auth, "identityPoolId", source, "Auth", required=False, form=_IDENTITY_POOL),
        identity_pool_region=(_get(auth, "identityPoolRegion", source, "Auth", required=False, form=_REGION)
                              or auth["region"]),
        allow_guest_access=not _flag(auth, "mandatorySignIn", source, "Auth", False),
        authentication_flow_type=_get(auth, "authenticationFlowType", source, "Auth", required=False,
                                      choices=FLOWS) or FLOWS[0],
        oauth=_obj(auth, "oauth", source, "Auth"),
        client_metadata=dict(metadata),
        endpoints=_endpoints(custom, source, "amplify_nb"),
        refresh_handlers=dict(_obj(auth, "refreshHandlers", source, "Auth") or handlers),
    )
