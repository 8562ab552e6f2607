"""S3's legacy signature (HMAC-SHA1, "SigV2") for presigned URLs, which S3 still accepts.

boto3's ``generate_presigned_url`` and ``generate_presigned_post`` sign this way unless the client is
configured for ``s3v4``: ``?AWSAccessKeyId=...&Expires=...&Signature=...`` (plus ``x-amz-security-token``
for temporary credentials). A sandbox that refused them would fail where S3 succeeds, so the S3 gate checks
them as S3 does, in the regions where S3 still takes SigV2 (elsewhere it asks for SigV4, as S3 does): the
same key, token and expiry checks as SigV4, then the HMAC-SHA1 of S3's string to sign (method, Content-MD5,
Content-Type, Expires, the x-amz-* values, then the bucket/key resource with the sub-resources S3 signs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from .sigv4 import raw_target

__all__ = ["REGIONS", "QueryAuth", "hmac_sha1", "parse_query", "string_to_sign"]

# The regions where S3 still takes SigV2 (those launched before 2014; botocore presigns with it only there).
REGIONS = frozenset({"us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-1",
                     "ap-southeast-2", "sa-east-1"})

# The query parameters S3 counts as part of the signed resource (the others, and the auth ones, are not).
_SIGNED_SUBRESOURCES = frozenset({
    "accelerate", "acl", "cors", "defaultObjectAcl", "delete", "lifecycle", "location", "logging", "metrics",
    "analytics", "inventory", "notification", "object-lock", "partNumber", "policy", "replication", "requestPayment",
    "response-cache-control", "response-content-disposition", "response-content-encoding",
    "response-content-language", "response-content-type", "response-expires", "restore", "select", "select-type",
    "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
})


@dataclass(frozen=True)
class QueryAuth:
    """What a SigV2 presigned URL says about itself; nothing here is verified yet."""

    access_key: str
    signature: str
    expires: str  # epoch seconds, as sent (it is signed as text)
    security_token: str | None


def parse_query(environ: dict[str, Any]) -> QueryAuth | None:
    """The SigV2 claims of a presigned URL, or None when the query has none."""
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    if "AWSAccessKeyId" not in query or "Signature" not in query:
        return None
    return QueryAuth(query["AWSAccessKeyId"], query["Signature"], query.get("Expires", ""),
                     query.get("x-amz-security-token") or environ.get("HTTP_X_AMZ_SECURITY_TOKEN"))


def hmac_sha1(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()).decode()


def string_to_sign(environ: dict[str, Any], bucket: str | None, virtual_host: bool, expires: str) -> str:
    """S3's SigV2 string to sign for this request, with ``expires`` in the place of the Date header."""
    raw_path, raw_query = raw_target(environ)
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    amz = {key.lower(): value.strip() for key, value in pairs if key.lower().startswith("x-amz-")}
    for name, value in environ.items():  # x-amz-* headers sent as headers are signed the same way
        if name.startswith("HTTP_X_AMZ_"):
            amz[name[5:].lower().replace("_", "-")] = " ".join(str(value).split())
    resource = f"/{bucket}{raw_path}" if virtual_host and bucket else raw_path
    signed = sorted((key, value) for key, value in pairs if key in _SIGNED_SUBRESOURCES)
    if signed:
        resource += "?" + "&".join(f"{key}={value}" if value else key for key, value in signed)
    query = dict(pairs)
    lines = [environ.get("REQUEST_METHOD", "GET").upper(),
             environ.get("HTTP_CONTENT_MD5") or query.get("content-md5", ""),
             environ.get("CONTENT_TYPE") or query.get("content-type", ""),
             expires]
    lines += [f"{key}:{amz[key]}" for key in sorted(amz)]
    return "\n".join([*lines, resource])
