"""Refuse bad arguments before any network call, with a typed error that never repeats the value.

Cognito's own limits: usernames 1-128 characters, passwords at most 256 without surrounding
whitespace, codes without whitespace. A code typed as it appears in an SMS ("123 456") is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import ValidationError

__all__ = ["Secret", "answer", "attribute_list", "attributes", "code", "password", "text", "username"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CODE_SEPARATORS = re.compile(r"[\s-]+")


class Secret(str):
    """A password or code on its way to Cognito: the text itself wherever it is used (formatting, hashing,
    JSON, botocore), but masked wherever it is shown as a value: no traceback that prints frame locals
    (``%xmode Verbose``, ``pytest -l``, a debugger's variable view) shows it, in any frame that holds it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<secret>'"


def _text(value: Any, field: str, max_len: int) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string, not {type(value).__name__}", field=field)
    if not value.strip():
        raise ValidationError(f"{field} is empty", field=field)
    if len(value) > max_len:
        raise ValidationError(f"{field} is longer than {max_len} characters", field=field)
    if _CONTROL.search(value):
        raise ValidationError(f"{field} contains control characters", field=field)
    if _SURROGATE.search(value):  # a lone surrogate cannot be encoded: refuse it here, not as a raw error later
        raise ValidationError(f"{field} contains characters that are not valid Unicode text", field=field)
    return value


def text(value: Any, field: str, max_len: int = 2048) -> str:
    """A non-empty text shown or sent as given: no control characters, valid Unicode, at most ``max_len``."""
    return _text(value, field, max_len)


def username(value: Any, field: str = "username") -> str:
    text = _text(value, field, 128)
    if text != text.strip():
        raise ValidationError(f"{field} has leading or trailing spaces", field=field)
    return text


def password(value: Any, field: str = "password") -> str:
    text = _text(value, field, 256)
    if text != text.strip():
        raise ValidationError(f"{field} has leading or trailing spaces", field=field)
    return Secret(text)


def code(value: Any, field: str = "code") -> str:
    """A confirmation / MFA code; spaces and dashes between digits are dropped."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = _text(value, field, 64)
    compact = _CODE_SEPARATORS.sub("", text.strip())
    if not (compact.isascii() and compact.isalnum()):
        raise ValidationError(f"{field} must be letters and digits only", field=field)
    return Secret(compact)


def answer(value: Any, field: str = "answer") -> str:
    """A custom-challenge answer is free text, within Cognito's limits."""
    return _text(value, field, 2048)


def attributes(value: Any, field: str = "attributes") -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(f"{field} must be a dict of attribute name to value", field=field)
    checked: dict[str, str] = {}
    for name, item in value.items():
        if not isinstance(name, str) or not name or len(name) > 32 or _CONTROL.search(name):
            raise ValidationError(f"{field} has an invalid attribute name", field=field)
        if isinstance(item, bool):
            item = "true" if item else "false"
        if not isinstance(item, (str, int, float)):
            raise ValidationError(f"{field}[{name!r}] must be a string", field=field)
        text = str(item)
        if len(text) > 2048 or _CONTROL.search(text):
            raise ValidationError(f"{field}[{name!r}] is too long or contains control characters", field=field)
        checked[name] = text
    return checked


def attribute_list(value: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Name": name, "Value": item} for name, item in value.items()]
