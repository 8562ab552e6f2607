"""AuthConfig and the readers of every shape of Amplify configuration.

Accepted, as Amplify JS accepts them: amplify_outputs.json (Gen 2, ``gen2``), aws-exports.js and
amplifyconfiguration.json (Gen 1: the flat web keys and the native ``auth.plugins.awsCognitoAuthPlugin``
form, ``gen1``), an ``Amplify.configure``-style dict (v5 ``Auth: {userPoolId, ...}``, v6 ``Auth: {Cognito:
{...}}``, or either without the ``Auth`` wrapper, ``configure``), the same data already parsed, or an
AuthConfig. Each is read into the one normalised AuthConfig (``model``); a configuration with only an
identity pool is accepted (guest and federated credentials). A bad configuration raises
ConfigurationError naming the source, the key and what was expected, before any network call. What the
source holds and amplify_nb does not read is kept in ``AuthConfig.extra``.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from .configure import read_v5, read_v6
from .describe import describe_config
from .files import FileRefused, load_json, read_small_file
from .gen1 import read_flat, read_native
from .gen2 import read_outputs
from .js_literal import ConfigurationWarning, SkippedValue, parse_aws_exports
from .model import (
    AuthConfig,
    CookieStorage,
    OAuthConfig,
    Passwordless,
    PasswordPolicy,
    StorageBucket,
    UserGroup,
    WebAuthn,
)
from .reader import Reading

__all__ = ["AuthConfig", "ConfigurationWarning", "CookieStorage", "OAuthConfig", "PasswordPolicy", "Passwordless",
           "SkippedValue", "StorageBucket", "UserGroup", "WebAuthn", "default_source", "describe_config",
           "from_mapping", "load_config", "parse_aws_exports"]

# The keys of a bare Auth.configure object (v5's, without the Auth wrapper), any one of which marks it.
_BARE_V5 = ("userPoolId", "userPoolWebClientId", "identityPoolId")


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
        text = read_small_file(path, encoding="utf-8-sig")  # -sig: editors on Windows write a BOM
        if path.suffix in (".js", ".mjs", ".cjs", ".ts"):
            return from_mapping(parse_aws_exports(text, name), name)
        data = load_json(text)
    except FileNotFoundError:
        raise ConfigurationError("Configuration file not found", source=name) from None
    except FileRefused as exc:
        raise ConfigurationError(f"Configuration file refused: {exc}", source=name) from None
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"Not valid JSON (line {exc.lineno}, column {exc.colno})", source=name) from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"Expected a JSON object at the top level, got {type(data).__name__}", source=name)
    return from_mapping(data, name)


def from_mapping(data: Mapping[str, Any], source: str = "dict") -> AuthConfig:
    """Detect which Amplify shape this is and read it."""
    if not isinstance(data, Mapping):
        raise ConfigurationError(f"Expected an object, got {type(data).__name__}", source=source)
    reading = Reading(source)
    root = reading.root(data)
    if data.get("auth") is not None:
        native = isinstance(data["auth"], Mapping) and "plugins" in data["auth"]
        config = read_native(root) if native else read_outputs(root)
    elif data.get("Auth") is not None:
        auth = root.section("Auth")
        config = read_v6(root, auth.section("Cognito")) if auth.has("Cognito") else read_v5(root, auth)
    elif "aws_user_pools_id" in data or "aws_cognito_identity_pool_id" in data:
        config = read_flat(root)
    elif data.get("Cognito") is not None:
        config = read_v6(root, root.section("Cognito"))
    elif any(key in data for key in _BARE_V5):
        config = read_v5(root, root)
    else:
        raise ConfigurationError("Unrecognised configuration: expected an 'auth' section (amplify_outputs.json), "
                                 "an 'Auth' section (Amplify.configure), aws_user_pools_id (aws-exports) or "
                                 "Auth.configure's userPoolId", source=source)
    config = replace(config, extra=reading.extra(), skipped=tuple(_skipped(data)))
    _warn_cookie_storage(config)
    return config


def _warn_cookie_storage(config: AuthConfig) -> None:
    """Amplify JS keeps tokens in cookies when a configuration says ``cookieStorage`` (v5's Auth.cookieStorage;
    Gen 1 and Gen 2 files have no such key, and v6 sets cookies in code, but people paste it anywhere). A kernel
    has no browser and no cookies: said once per configuration read (a session made from the AuthConfig read
    does not say it again), with where the tokens are kept instead, and the rest loads as it did."""
    keys = ["cookieStorage"] if config.cookie_storage is not None else []
    keys += [key for key in config.extra if key.rsplit(".", 1)[-1] == "cookieStorage"]
    if not keys:
        return
    given = config.token_storage
    if given is not None:
        instead = f"in the configuration's own storage ({getattr(given, '__name__', type(given).__name__)})"
    else:
        instead = ("in the session's storage: MemoryStorage (as long as the kernel runs) unless "
                   "Auth(..., storage=...) names another, e.g. amplify_nb.FileStorage() to keep them across kernels")
    warnings.warn(f"{config.source}: {' and '.join(keys)} is not used, since a Jupyter kernel has no browser and "
                  f"no cookies; the tokens are kept {instead}", ConfigurationWarning, stacklevel=2)


def _skipped(value: Any, path: str = "") -> Iterator[str]:
    """Where aws-exports.js gave an expression (each also announced by a ConfigurationWarning)."""
    if isinstance(value, SkippedValue):
        yield f"{path} (line {value.line})"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _skipped(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _skipped(item, f"{path}[{index}]")
