"""The wire side of the sandbox's Cognito: AWS JSON 1.1 errors and parameter checks.

Cognito answers every failure with HTTP 400, a JSON body ``{"__type": ..., "message": ...}`` and the
``x-amzn-ErrorType`` header; botocore turns that into a ClientError whose ``Error.Code`` is the type.
The sandbox raises :class:`CognitoError` anywhere in an operation and the server renders it here, so
that no bad input can escape as a 500.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = [
    "MAX_BODY_BYTES",
    "CognitoError",
    "attribute_list",
    "attribute_map",
    "check_code_shape",
    "check_password_shape",
    "check_username",
    "invalid_parameter",
    "not_authorized",
    "optional",
    "require",
]

MAX_BODY_BYTES = 256 * 1024

# Cognito's patterns use \p{...} classes that `re` lacks; refusing control characters and
# surrounding whitespace covers every input a client can actually send that they forbid.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class CognitoError(Exception):
    """An error the sandbox answers with, shaped as Cognito's (code, message, HTTP status)."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def not_authorized(message: str = "Incorrect username or password.") -> CognitoError:
    return CognitoError("NotAuthorizedException", message)


def invalid_parameter(message: str) -> CognitoError:
    return CognitoError("InvalidParameterException", message)


def require(params: dict[str, Any], name: str, *, kind: str = "string", max_len: int = 2048) -> Any:
    """Return a required member, refusing a missing, mistyped or oversized one as Cognito does."""
    value = params.get(name)
    if value is None and name.isupper():  # a key of AuthParameters / ChallengeResponses
        raise invalid_parameter(f"Missing required parameter {name}")
    if value is None:
        raise invalid_parameter(
            f"1 validation error detected: Value null at '{_camel(name)}' failed to satisfy constraint: "
            "Member must not be null"
        )
    return _check(name, value, kind, max_len)


def optional(params: dict[str, Any], name: str, *, kind: str = "string", max_len: int = 2048) -> Any:
    value = params.get(name)
    return None if value is None else _check(name, value, kind, max_len)


def _check(name: str, value: Any, kind: str, max_len: int) -> Any:
    expected = {"string": str, "map": dict, "list": list, "bool": bool, "int": int}[kind]
    if not isinstance(value, expected) or (kind == "int" and isinstance(value, bool)):
        raise CognitoError("SerializationException", f"Unexpected value type for '{name}'")
    if kind == "string":
        if len(value) > max_len:
            raise invalid_parameter(
                f"1 validation error detected: Value at '{_camel(name)}' failed to satisfy constraint: "
                f"Member must have length less than or equal to {max_len}"
            )
        if not value:
            raise invalid_parameter(
                f"1 validation error detected: Value at '{_camel(name)}' failed to satisfy constraint: "
                "Member must have length greater than or equal to 1"
            )
    if kind == "map":
        for key, item in value.items():
            if not isinstance(key, str) or not isinstance(item, str):
                raise CognitoError("SerializationException", f"'{name}' must map strings to strings")
            if len(key) > 2048 or len(item) > max_len:
                raise invalid_parameter(f"A value in '{_camel(name)}' is too long")
    return value


def check_username(value: str, *, pattern: bool = True) -> str:
    """Cognito usernames: 1-128 characters of [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ (no spaces, controls, format chars).

    ``pattern=False`` (a USERNAME inside AuthParameters, which has no pattern) refuses only control
    characters and surrounding whitespace.
    """
    if pattern:
        bad = not value or any(unicodedata.category(c)[0] not in "LMSNP" for c in value)
    else:
        bad = not value.strip() or bool(_CONTROL.search(value)) or value != value.strip()
    if len(value) > 128 or bad:
        raise invalid_parameter(
            "1 validation error detected: Value at 'username' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
        )
    return value


def check_password_shape(value: str, field: str = "password") -> str:
    """Cognito passwords: at most 256 characters, no leading/trailing whitespace (pattern ^[\\S]+.*[\\S]+$)."""
    if len(value) > 256 or value != value.strip() or _CONTROL.search(value):
        raise invalid_parameter(
            f"1 validation error detected: Value at '{field}' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$"
        )
    return value


def check_code_shape(value: str) -> str:
    """Confirmation and MFA codes: [\\S]+, at most 2048 characters."""
    if not value or len(value) > 2048 or re.search(r"\s", value):
        raise invalid_parameter(
            "1 validation error detected: Value at 'confirmationCode' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\S]+"
        )
    return value


def attribute_list(attrs: dict[str, str]) -> list[dict[str, str]]:
    return [{"Name": k, "Value": v} for k, v in attrs.items()]


def attribute_map(items: Any, field: str = "UserAttributes") -> dict[str, str]:
    """Turn Cognito's [{"Name":..,"Value":..}] into a dict, refusing malformed entries."""
    if items is None:
        return {}
    if not isinstance(items, list):
        raise CognitoError("SerializationException", f"'{field}' must be a list")
    out: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("Name"), str):
            raise invalid_parameter(f"Each entry of {field} needs a Name")
        value = item.get("Value", "")
        if not isinstance(value, str) or len(value) > 2048 or len(item["Name"]) > 32:
            raise invalid_parameter(f"Attribute {item['Name'][:32]!r} is malformed or too long")
        out[item["Name"]] = value
    return out


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]
