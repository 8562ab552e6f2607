"""The HTTP side of the sandbox's managed login: reading a browser's or an OAuth client's request, and the
answers (JSON, HTML pages, redirects, cookies) with the headers such answers need.

Parameters are read as OAuth 2.0 says (RFC 6749 3.1): a parameter sent twice is an error, never "the first
one wins". Bodies are bounded; a page is never cached, framed or given a referrer, since its address and its
redirects carry one-time codes.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

__all__ = ["MAX_FORM_BYTES", "OAuthError", "Request", "StartResponse", "basic_credentials", "bearer_token",
           "cookie_header", "html_answer", "json_answer", "read_request", "redirect", "with_params"]

MAX_FORM_BYTES = 64 * 1024
StartResponse = Callable[..., Any]  # WSGI's start_response
_REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 500: "Internal Server Error"}
# What every page and token answer carries: nothing cached (codes and tokens), nothing framed (click-jacking a
# sign-in form), no referrer (the page's address holds the authorize request), no script at all.
_NO_STORE = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
_PAGE_HEADERS = [*_NO_STORE, ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"),
                 ("X-Content-Type-Options", "nosniff"),
                 ("Content-Security-Policy",
                  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
                  "base-uri 'none'")]


class OAuthError(Exception):
    """An OAuth 2.0 error answer: ``{"error": ..., "error_description": ...}`` with its HTTP status."""

    def __init__(self, error: str, description: str | None = None, status: int = 400):
        super().__init__(error if description is None else f"{error}: {description}")
        self.error, self.description, self.status = error, description, status

    def body(self) -> dict[str, str]:
        return {"error": self.error, **({"error_description": self.description} if self.description else {})}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    cookies: dict[str, str]
    environ: dict[str, Any]
    repeated: set[str] = field(default_factory=set)  # parameters sent more than once (query or form)
    outcome: str = "ok"  # what sb.calls records of this request: "ok" or the refusal's code

    def param(self, name: str) -> str | None:
        """A parameter from the form (POST) or the query, blank as absent."""
        value = self.form.get(name) if name in self.form else self.query.get(name)
        return value or None

    @property
    def params(self) -> dict[str, str]:
        return {**self.query, **self.form}


def read_request(environ: dict[str, Any]) -> Request:
    """The request's method, path, single-valued query and form (URL-encoded), and cookies."""
    repeated: set[str] = set()
    query = _single(_parsed(environ.get("QUERY_STRING", "")), repeated)
    form: dict[str, str] = {}
    method = environ.get("REQUEST_METHOD", "GET").upper()
    if method == "POST":
        kind = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        body = _read_body(environ)
        if body and kind != "application/x-www-form-urlencoded":
            raise OAuthError("invalid_request", "The body must be application/x-www-form-urlencoded")
        form = _single(_parsed(body.decode("utf-8", "replace")), repeated)
    cookies: dict[str, str] = {}
    try:
        parsed = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        cookies = {name: morsel.value for name, morsel in parsed.items()}
    except CookieError:
        pass  # a malformed Cookie header is as no cookie: the user signs in again
    return Request(method, environ.get("PATH_INFO", ""), query, form, cookies, environ, repeated)


def _parsed(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, max_num_fields=200)
    except ValueError:  # more fields than any OAuth request has
        raise OAuthError("invalid_request", "Too many parameters") from None


def _single(pairs: list[tuple[str, str]], repeated: set[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in pairs:
        if name in values:
            repeated.add(name)
        values[name] = value
    return values


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise OAuthError("invalid_request", "Invalid Content-Length") from None
    if length > MAX_FORM_BYTES or length < 0:
        raise OAuthError("invalid_request", f"The body must be at most {MAX_FORM_BYTES} bytes")
    stream = environ["wsgi.input"]
    if environ.get("wsgi.input_terminated") and not length:  # chunked: read to its end, bounded
        data = stream.read(MAX_FORM_BYTES + 1)
        if len(data) > MAX_FORM_BYTES:
            raise OAuthError("invalid_request", f"The body must be at most {MAX_FORM_BYTES} bytes")
        return bytes(data)
    return bytes(stream.read(length)) if length else b""


def basic_credentials(environ: dict[str, Any]) -> tuple[str, str] | None:
    """client_secret_basic: the client id and secret of an ``Authorization: Basic`` header (each
    form-encoded, RFC 6749 2.3.1), None without one; a malformed one is an invalid client."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "Malformed Basic authorization header", 401) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise OAuthError("invalid_client", "Malformed Basic authorization header", 401)
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


def bearer_token(environ: dict[str, Any]) -> str | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def with_params(url: str, params: dict[str, str | None], *, fragment: bool = False) -> str:
    """`url` with `params` added to its query (kept as it was) or set as its fragment."""
    added = urlencode({name: value for name, value in params.items() if value is not None})
    parts = urlsplit(url)
    if fragment:
        return urlunsplit(parts._replace(fragment=added))
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))


def cookie_header(name: str, value: str, max_age: int, *, secure: bool = False) -> tuple[str, str]:
    """A first-party cookie the page's script can't read; Lax, so the redirect back from an IdP carries it."""
    attributes = f"{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"
    return "Set-Cookie", attributes + ("; Secure" if secure else "")


def _answer(start_response: StartResponse, status: int, payload: bytes, content_type: str,
            headers: Iterable[tuple[str, str]]) -> list[bytes]:
    start_response(f"{status} {_REASONS.get(status, '')}".strip(),
                   [("Content-Type", content_type), ("Content-Length", str(len(payload))),
                    ("x-amzn-RequestId", str(uuid.uuid4())), *headers])
    return [payload]


def json_answer(start_response: StartResponse, status: int, body: dict[str, Any],
                headers: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    return _answer(start_response, status, json.dumps(body).encode(), "application/json;charset=UTF-8",
                   [*_NO_STORE, *headers])


def html_answer(start_response: StartResponse, status: int, page: str,
                headers: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    return _answer(start_response, status, page.encode("utf-8"), "text/html;charset=UTF-8",
                   [*_PAGE_HEADERS, *headers])


def redirect(start_response: StartResponse, location: str, headers: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    return _answer(start_response, 302, b"", "text/plain", [*_PAGE_HEADERS, ("Location", location), *headers])
