"""Server-side SigV4: who signed a request, and whether the signature is right.

The S3 gate and Cognito Identity's signed operations must know the caller, and must refuse a request
whose signature does not match, as AWS does. The signature is recomputed the way botocore computes
it (canonical request from the signed headers, the payload hash the client declared in
x-amz-content-sha256, the path and query as sent) rather than through botocore's signer classes,
which derive path and payload hash from a client-side prepared request that a server does not have.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

__all__ = ["ALGORITHM", "UNSIGNED_PAYLOAD", "SignatureError", "Signed", "parse", "raw_target", "scope_service",
           "signing_key", "verify"]

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_AUTH_FIELDS = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]*)")


class SignatureError(Exception):
    """A request that claims SigV4 but cannot be read as such (AuthorizationHeaderMalformed and kin)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Signed:
    """What a SigV4 request says about itself; nothing here is verified yet."""

    access_key: str
    date: str  # yyyymmdd, from the credential scope
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str  # X-Amz-Date
    security_token: str | None
    presigned: bool
    expires: int | None  # X-Amz-Expires of a presigned URL

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def scope_service(environ: dict[str, Any]) -> str | None:
    """The service a request is signed for, cheaply (routing needs it for every request), or None."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if auth.startswith(ALGORITHM):
        match = re.search(r"Credential=[^/,\s]*/[^/]*/[^/]*/([^/,\s]*)/", auth)
        return match.group(1) if match else None
    credential = _query(environ).get("X-Amz-Credential")
    if credential:
        parts = credential.split("/")
        return parts[3] if len(parts) == 5 else None
    return None


def parse(environ: dict[str, Any]) -> Signed | None:
    """The request's SigV4 claims (Authorization header or presigned query), None when it has none."""
    auth = environ.get("HTTP_AUTHORIZATION")
    query = _query(environ)
    if auth:
        if not auth.startswith(ALGORITHM + " "):
            raise SignatureError("InvalidRequest", "The authorization mechanism you have provided is not supported. "
                                                   "Please use AWS4-HMAC-SHA256.")
        fields = dict(_AUTH_FIELDS.findall(auth))
        if set(fields) != {"Credential", "SignedHeaders", "Signature"}:
            raise SignatureError("AuthorizationHeaderMalformed",
                                 "The authorization header is malformed; it must name Credential, SignedHeaders "
                                 "and Signature.")
        timestamp = environ.get("HTTP_X_AMZ_DATE", "")
        token = environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
        credential, signed_headers, signature, expires = (
            fields["Credential"], fields["SignedHeaders"], fields["Signature"], None)
    elif "X-Amz-Credential" in query or "X-Amz-Signature" in query:
        if query.get("X-Amz-Algorithm") != ALGORITHM:
            raise SignatureError("AuthorizationQueryParametersError",
                                 "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
        credential = query.get("X-Amz-Credential", "")
        signed_headers = query.get("X-Amz-SignedHeaders", "")
        signature = query.get("X-Amz-Signature", "")
        timestamp = query.get("X-Amz-Date", "")
        token = query.get("X-Amz-Security-Token")
        try:
            expires = int(query.get("X-Amz-Expires", "604800"))
        except ValueError:
            raise SignatureError("AuthorizationQueryParametersError",
                                 "X-Amz-Expires should be a number") from None
    elif "AWSAccessKeyId" in query and "Signature" in query:  # a SigV2 presigned URL (botocore's default)
        raise SignatureError("InvalidRequest", "The authorization mechanism you have provided is not supported. "
                                               "Please use AWS4-HMAC-SHA256.")
    else:
        return None
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not parts[0]:
        raise SignatureError("AuthorizationHeaderMalformed", "The authorization header is malformed; the Credential "
                                                             "is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/"
                                                             "SERVICE/aws4_request\".")
    if not re.fullmatch(r"\d{8}T\d{6}Z", timestamp or ""):
        raise SignatureError("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
    return Signed(parts[0], parts[1], parts[2], parts[3], tuple(h for h in signed_headers.lower().split(";") if h),
                  signature, timestamp, token, auth is None, expires)


def verify(environ: dict[str, Any], signed: Signed, secret: str, body: bytes | None = None) -> tuple[bool, str, str]:
    """(matches, canonical request, string to sign) for `signed` under `secret`.

    The path and query are tried as sent first (what botocore signs) and then re-encoded the canonical
    way, so a client that escapes a character differently still verifies, as it does against AWS.
    """
    key = _signing_key(secret, signed)
    first: tuple[str, str] | None = None
    for path, query in _candidates(environ, signed):
        canonical = "\n".join([
            environ.get("REQUEST_METHOD", "GET").upper(), path, query,
            _canonical_headers(environ, signed.signed_headers) + "\n", ";".join(signed.signed_headers),
            _payload_hash(environ, signed, body),
        ])
        string_to_sign = "\n".join([ALGORITHM, signed.timestamp, signed.scope,
                                    hashlib.sha256(canonical.encode()).hexdigest()])
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, signed.signature):
            return True, canonical, string_to_sign
        first = first or (canonical, string_to_sign)
    assert first is not None
    return False, *first


def _signing_key(secret: str, signed: Signed) -> bytes:
    return signing_key(secret, signed.date, signed.region, signed.service)


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """SigV4's derived key for one day, region and service (also what signs an S3 POST policy)."""
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _candidates(environ: dict[str, Any], signed: Signed) -> list[tuple[str, str]]:
    raw_path, raw_query = raw_target(environ)
    pairs = [pair.partition("=") for pair in raw_query.split("&") if pair]
    if signed.presigned:
        pairs = [(k, s, v) for k, s, v in pairs if k != "X-Amz-Signature"]
    as_sent = "&".join(f"{k}={v}" for k, v in sorted((k, v) for k, _, v in pairs))
    recoded = "&".join(f"{k}={v}" for k, v in sorted(
        (quote(unquote(k), safe="-_.~"), quote(unquote(v), safe="-_.~")) for k, _, v in pairs))
    path_recoded = quote(unquote(raw_path), safe="/~")
    out = [(raw_path, as_sent)]
    if (path_recoded, recoded) != out[0]:
        out.append((path_recoded, recoded))
    return out


def raw_target(environ: dict[str, Any]) -> tuple[str, str]:
    """The path and query exactly as the client sent them (WSGI's PATH_INFO is already unescaped)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw and raw.startswith("/"):
        path, _, query = raw.partition("?")
        return path, query
    path = quote(environ.get("PATH_INFO", "/").encode("latin-1"), safe="/~")
    return path, environ.get("QUERY_STRING", "")


def _canonical_headers(environ: dict[str, Any], names: tuple[str, ...]) -> str:
    lines = []
    for name in names:
        if name == "host":
            value = environ.get("HTTP_HOST", "")
        elif name in ("content-type", "content-length"):
            value = environ.get(name.upper().replace("-", "_"), "")
        else:
            value = environ.get("HTTP_" + name.upper().replace("-", "_"), "")
        lines.append(f"{name}:{' '.join(str(value).split())}")
    return "\n".join(lines)


def _payload_hash(environ: dict[str, Any], signed: Signed, body: bytes | None) -> str:
    declared = environ.get("HTTP_X_AMZ_CONTENT_SHA256")
    if declared:
        return declared
    if signed.presigned:
        return UNSIGNED_PAYLOAD
    return hashlib.sha256(body or b"").hexdigest()


def _query(environ: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in environ.get("QUERY_STRING", "").split("&"):
        if pair:
            key, _, value = pair.partition("=")
            out.setdefault(unquote(key), unquote(value))
    return out
