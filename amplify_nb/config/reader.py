"""Reading one configuration object key by key, as every format's reader does.

Each read is typed and checked, and a failure names the source, the key's full path and what was
expected. Each read is also remembered: whatever no reader asked for ends up in ``AuthConfig.extra``, so
that ``%auth_configure --verbose`` can list what amplify_nb did not use. A value aws-exports.js gave as an
expression (``SkippedValue``) reads as absent, or, where the key is required, as an error naming it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ConfigurationError, ValidationError
from ..steps import mfa_method
from .js_literal import SkippedValue

__all__ = ["CLIENT_ID", "ENDPOINT_ENV_SUFFIXES", "IDENTITY_POOL", "POOL_ID", "REGION", "URL", "Form", "Reading",
           "Section", "endpoints"]

Form = tuple[re.Pattern[str], str]  # a value's pattern, and how a message names what it expects
REGION: Form = (re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$"), "an AWS region such as us-east-1")
POOL_ID: Form = (re.compile(r"^[\w-]+_[0-9a-zA-Z]+$"), "a user pool id such as us-east-1_AbCdEf123")
CLIENT_ID: Form = (re.compile(r"^[\w+]+$"), "an app client id (letters and digits)")
IDENTITY_POOL: Form = (re.compile(r"^[\w-]+:[0-9a-f-]+$"), "an identity pool id such as us-east-1:<uuid>")
URL: Form = (re.compile(r"^https?://[^\s/]+\S*$"), "an http:// or https:// URL")
# botocore's per-service endpoint variables: AWS_ENDPOINT_URL_<suffix> (read here, handed to Dask workers).
ENDPOINT_ENV_SUFFIXES = {"cognito-idp": "COGNITO_IDENTITY_PROVIDER", "cognito-identity": "COGNITO_IDENTITY",
                  "sts": "STS", "s3": "S3"}
_LIST = (list, tuple)
_KINDS: dict[Any, str] = {str: "a string", bool: "true or false", int: "a whole number", _LIST: "a list",
                          Mapping: "an object"}


class Reading:
    """One configuration being read: its source, and every object read on the way."""

    def __init__(self, source: str):
        self.source = source
        self.sections: list[Section] = []

    def root(self, data: Mapping[str, Any]) -> Section:
        return Section(self, data, "")

    def extra(self) -> dict[str, Any]:
        """What no reader asked for. An object may be met twice (a format's detection, then its reader):
        a key read through either counts as read."""
        read: dict[int, set[str]] = {}
        for section in self.sections:
            read.setdefault(id(section.data), set()).update(section.read)
        return {section.where(key): value for section in self.sections for key, value in section.data.items()
                if key not in read[id(section.data)]}


class Section:
    def __init__(self, reading: Reading, data: Mapping[str, Any], path: str):
        self.reading, self.data, self.path = reading, data, path
        self.read: set[str] = set()
        reading.sections.append(self)

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, message: str, key: str) -> ConfigurationError:
        return ConfigurationError(message, source=self.reading.source, key=self.where(key))

    def has(self, key: str) -> bool:
        return self.data.get(key) not in (None, "")

    def known(self, *keys: str) -> None:
        """Keys amplify_nb knows and has no use for (schema versions, user agents): not listed as extra."""
        self.read.update(keys)

    def value(self, key: str, kind: Any, *, required: bool = False, form: Form | None = None) -> Any:
        """The value at ``key`` if it is a ``kind``; None where absent (an error where ``required``)."""
        self.read.add(key)
        value = self.data.get(key)
        expected = form[1] if form else _KINDS[kind]
        if isinstance(value, SkippedValue):
            if required:
                raise self.error(f"Not a literal value (line {value.line}: {value.expression}); amplify_nb reads "
                                 f"the file's values, it does not run it (expected {expected})", key)
            return None
        if value is None or value == "":
            if required:
                raise self.error(f"Missing required key (expected {expected})", key)
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(f"Expected {expected}, got {type(value).__name__}", key)
        if form is not None and not form[0].fullmatch(value):  # fullmatch: "$" would let a final newline in
            raise self.error(f"Malformed value {value!r} (expected {form[1]})", key)
        return value

    def raw(self, key: str) -> Any:
        """The value as it is, of whatever type (None for an expression aws-exports.js did not give)."""
        self.read.add(key)
        value = self.data.get(key)
        return None if isinstance(value, SkippedValue) else value

    def text(self, key: str, *, form: Form | None = None, choices: tuple[str, ...] = (),
             case: Callable[[str], str] | None = None) -> str | None:
        """A string; ``case`` (str.upper, str.lower) first where the formats differ only in case."""
        value: str | None = self.value(key, str, form=form)
        if value is not None and case is not None:
            value = case(value)
        if value is not None and choices and value not in choices:
            raise self.error(f"Unsupported value {value!r} (expected one of {', '.join(choices)})", key)
        return value

    def require(self, key: str, form: Form | None = None) -> str:
        value: str = self.value(key, str, required=True, form=form)
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value: bool | None = self.value(key, bool)
        return default if value is None else value

    def number(self, key: str) -> int | None:
        """A whole number; digits in a string too, as hand-edited files write them."""
        value = self.data.get(key)
        if isinstance(value, str) and value.strip().isdigit():
            self.read.add(key)
            return int(value)
        number: int | None = self.value(key, int)
        return number

    def names(self, key: str, *, lower: bool = False, split: bool = False) -> tuple[str, ...]:
        """A list of strings; with ``split`` a comma-separated string too (Gen 1's redirect URIs)."""
        raw = self.data.get(key)
        if split and isinstance(raw, str):
            self.read.add(key)
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        values = self.value(key, _LIST) or ()
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise self.error(f"Expected a list of strings, got {type(value).__name__} in it", f"{key}[{index}]")
        return tuple(v.lower() if lower else v for v in values)

    def mfa_methods(self, key: str) -> tuple[str, ...]:
        """MFA methods in Amplify's short names (TOTP, SMS, EMAIL), whichever vocabulary the file used."""
        methods = []
        for index, name in enumerate(self.names(key)):
            try:
                methods.append(mfa_method(name).short)
            except ValidationError as exc:
                raise self.error(str(exc), f"{key}[{index}]") from None
        return tuple(dict.fromkeys(methods))

    def section(self, key: str) -> Section:
        """The object at ``key`` (empty where absent), read on with the same bookkeeping."""
        return Section(self.reading, self.value(key, Mapping) or {}, self.where(key))

    def dig(self, *keys: str) -> Section:
        section = self
        for key in keys:
            section = section.section(key)
        return section

    def sections(self, key: str) -> list[Section]:
        """A list of objects (storage buckets, user groups)."""
        items = self.value(key, _LIST) or []
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise self.error(f"Expected a list of objects, got {type(item).__name__} in it", f"{key}[{index}]")
        return [Section(self.reading, item, f"{self.where(key)}[{index}]") for index, item in enumerate(items)]


def endpoints(custom: Section, stated: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Endpoint overrides: amplify_nb's own endpoint_url(s) in the file, the format's own per-service ones
    (``stated``: v6's userPoolEndpoint), then botocore's AWS_ENDPOINT_URL_* variables for the rest."""
    found: dict[str, str] = {}
    shared = custom.text("endpoint_url", form=URL)
    if shared:
        found = dict.fromkeys(ENDPOINT_ENV_SUFFIXES, shared.rstrip("/"))
    urls = custom.section("endpoint_urls")
    for service in urls.data:
        found[service] = urls.require(service, URL).rstrip("/")
    found.update({service: url.rstrip("/") for service, url in (stated or {}).items() if url})
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":  # botocore's opt-out
        return found
    environment = Reading("the environment").root(os.environ)
    for service, suffix in ENDPOINT_ENV_SUFFIXES.items():
        if service in found:
            continue
        variable = f"AWS_ENDPOINT_URL_{suffix}" if os.environ.get(f"AWS_ENDPOINT_URL_{suffix}") else "AWS_ENDPOINT_URL"
        url = environment.text(variable, form=URL)
        if url:
            found[service] = url.rstrip("/")
    return found
