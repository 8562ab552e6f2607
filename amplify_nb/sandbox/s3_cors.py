"""S3's CORS, answered from the bucket's own CORS configuration and nothing else.

A browser may read an S3 response only if the bucket's rules (PutBucketCors) allow the page's origin
for that method. S3 evaluates the rules in order and uses the first that matches:

* a preflight (``OPTIONS``, unauthenticated) needs an ``Origin`` (else 400 BadRequest) and an
  ``Access-Control-Request-Method`` (else 400); a bucket with no CORS configuration, or no rule
  matching the origin, the method and every requested header, is refused with 403
  ``AccessForbidden`` ("CORSResponse: ...") and no ``Access-Control-*`` header at all;
* a matching rule allows ``*`` when its AllowedOrigin is ``*`` and otherwise echoes the origin with
  ``Access-Control-Allow-Credentials: true``, lists the rule's methods, echoes the requested headers,
  and gives the rule's ExposeHeaders and MaxAgeSeconds; ``Vary`` names the three request headers;
* any other request with an ``Origin`` gets the same headers when a rule matches its origin and
  method, and none otherwise (the request itself is still answered: CORS is the browser's check).

An AllowedOrigin or AllowedHeader may hold one ``*`` wildcard; headers match without case. moto's
own CORS (flask-cors on every response, and a preflight that ignores methods and headers) is never
used: the gate answers preflights here and replaces moto's ``Access-Control-*`` headers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["AMPLIFY_DEFAULT_RULES", "CorsRule", "bucket_rules", "preflight", "response_headers"]

_METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
_VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
_NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."
# S3's wording, its "evalution" included: clients and answers online quote it verbatim.
_NOT_ALLOWED = ("CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, "
                "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not "
                "whitelisted by the resource's CORS spec.")

# The rule an Amplify Gen 2 backend's storage bucket is created with (defineStorage, without overrides):
# every origin, the five S3 methods, any header, and the headers Amplify Storage reads back (ETag for
# multipart uploads). In PutBucketCors's own shape, so it is applied as an admin would apply it.
AMPLIFY_DEFAULT_RULES: list[dict[str, Any]] = [{
    "AllowedHeader": ["*"],
    "AllowedMethod": ["GET", "HEAD", "PUT", "POST", "DELETE"],
    "AllowedOrigin": ["*"],
    "ExposeHeader": ["x-amz-server-side-encryption", "x-amz-request-id", "x-amz-id-2", "ETag"],
    "MaxAgeSeconds": "3000",
}]


@dataclass(frozen=True)
class CorsRule:
    methods: tuple[str, ...]
    origins: tuple[str, ...]
    headers: tuple[str, ...] = ()
    expose: tuple[str, ...] = ()
    max_age: str | None = None

    def allows(self, origin: str, method: str, requested: Iterable[str] = ()) -> bool:
        """Origin and method as written; requested headers (already lower-case) without case."""
        return (method in self.methods and any(_matches(o, origin) for o in self.origins)
                and all(any(_matches(h.lower(), r) for h in self.headers) for r in requested))

    def headers_for(self, origin: str, requested: list[str], *, preflight: bool) -> list[tuple[str, str]]:
        if "*" in self.origins:
            answer = [("Access-Control-Allow-Origin", "*")]
        else:  # only an origin a rule names (or its wildcard covers) is ever echoed
            answer = [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
        answer.append(("Access-Control-Allow-Methods", ", ".join(self.methods)))
        if preflight and requested:
            answer.append(("Access-Control-Allow-Headers", ", ".join(requested)))
        if self.expose:
            answer.append(("Access-Control-Expose-Headers", ", ".join(self.expose)))
        if self.max_age is not None:
            answer.append(("Access-Control-Max-Age", self.max_age))
        answer.append(("Vary", _VARY))
        return answer


def _matches(pattern: str, value: str) -> bool:
    """S3's matching: exact, or one ``*`` standing for any run of characters."""
    head, star, tail = pattern.partition("*")
    if not star:
        return pattern == value
    return len(value) >= len(head) + len(tail) and value.startswith(head) and value.endswith(tail)


def bucket_rules(account_id: str, bucket: str) -> list[CorsRule] | None:
    """The bucket's CORS rules in order; None when the bucket does not exist; [] when it has none."""
    from moto.s3.models import s3_backends

    try:
        found = s3_backends[account_id]["aws"].get_bucket(bucket)
    except Exception:  # moto's MissingBucket (or a name moto refuses): no such bucket for CORS either
        return None
    return [CorsRule(tuple(_listed(r.allowed_methods)), tuple(_listed(r.allowed_origins)),
                     tuple(_listed(r.allowed_headers)), tuple(_listed(r.exposed_headers)),
                     None if r.max_age_seconds is None else str(r.max_age_seconds))
            for r in found.cors]


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _requested_headers(environ: dict[str, Any]) -> list[str]:
    raw = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")
    return [name.strip().lower() for name in raw.split(",") if name.strip()]


def preflight(environ: dict[str, Any], start_response: Callable, rules: list[CorsRule] | None,
              error: Callable[..., Iterable[bytes]]) -> Iterable[bytes]:
    """Answer ``OPTIONS`` on a bucket or object; `error` renders S3's XML error document."""
    origin = environ.get("HTTP_ORIGIN", "")
    if not origin:
        return error(start_response, "OPTIONS", 400, "BadRequest",
                     "Insufficient information. Origin request header needed.")
    method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", "")
    if method not in _METHODS:
        return error(start_response, "OPTIONS", 400, "BadRequest",
                     f"Invalid Access-Control-Request-Method: {method or 'null'}")
    if not rules:  # no bucket, or a bucket without a CORS configuration
        return error(start_response, "OPTIONS", 403, "AccessForbidden", _NOT_ENABLED,
                     {"Method": method, "ResourceType": "BUCKET"})
    requested = _requested_headers(environ)
    rule = next((r for r in rules if r.allows(origin, method, requested)), None)
    if rule is None:
        return error(start_response, "OPTIONS", 403, "AccessForbidden", _NOT_ALLOWED,
                     {"Method": method, "ResourceType": "OBJECT"})
    start_response("200 OK", [("Content-Length", "0"), ("x-amz-request-id", uuid.uuid4().hex[:16].upper()),
                              *rule.headers_for(origin, requested, preflight=True)])
    return [b""]


def response_headers(environ: dict[str, Any], rules: list[CorsRule] | None) -> list[tuple[str, str]]:
    """The CORS headers S3 adds to an actual (non-preflight) response: none unless a rule matches."""
    origin = environ.get("HTTP_ORIGIN", "")
    method = environ.get("REQUEST_METHOD", "GET")
    if not origin or not rules:
        return []
    rule = next((r for r in rules if r.allows(origin, method)), None)
    return [] if rule is None else rule.headers_for(origin, [], preflight=False)
