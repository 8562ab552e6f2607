"""S3 with IAM enforced, in front of moto's S3 (which checks no signature and no policy).

Without this gate any key would read any object and the identity pool's roles would mean nothing:
a guest could write ``private/`` and a test of Amplify Storage's access levels would prove nothing.
Every S3 request is authenticated like S3 does it (SigV4 access key -> session token -> expiry ->
signature, each with S3's own XML error) and then authorized: the request is mapped to the IAM
actions and resources S3 would check, and the caller's role policies are evaluated. The sandbox's
admin key pair has full access, as an account's root would.

CORS is S3's too: a preflight is answered (unauthenticated, as S3 does) from the bucket's CORS rules
only, and every response carries the CORS headers of the first rule matching its Origin and method,
never moto's (which would echo any Origin); see .s3_cors.
"""

from __future__ import annotations

import hmac
import io
import re
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, unquote
from xml.sax.saxutils import escape, unescape

from . import iam_policies, s3_cors, s3_post_policy, sigv2, sigv4
from .aws_account import SESSION_NAME, AwsAccount
from .keys import AuthFailure, KeyRing, Principal

__all__ = ["Check", "S3Gate", "is_s3_request", "s3_error", "target"]

Check = tuple[str, str, dict[str, str]]  # (IAM action, resource ARN, request-specific condition keys)
_IP_OR_LOCAL = re.compile(r"localhost|\d{1,3}(\.\d{1,3}){3}")
_MAX_DELETE_BODY = 4 * 1024 * 1024
# Bucket subresource -> the IAM action suffix S3 checks for it (GET -> Get..., PUT -> Put...).
_BUCKET_SUBRESOURCES = {
    "acl": "BucketAcl", "cors": "BucketCORS", "policy": "BucketPolicy", "tagging": "BucketTagging",
    "lifecycle": "LifecycleConfiguration", "encryption": "EncryptionConfiguration",
    "notification": "BucketNotification", "website": "BucketWebsite", "logging": "BucketLogging",
    "versioning": "BucketVersioning", "publicAccessBlock": "BucketPublicAccessBlock",
    "ownershipControls": "BucketOwnershipControls", "object-lock": "BucketObjectLockConfiguration",
    "replication": "ReplicationConfiguration", "requestPayment": "BucketRequestPayment",
    "accelerate": "AccelerateConfiguration", "policyStatus": "BucketPolicyStatus",
    "analytics": "AnalyticsConfiguration", "metrics": "MetricsConfiguration",
    "inventory": "InventoryConfiguration", "intelligent-tiering": "IntelligentTieringConfiguration",
}
# Deleting these configurations needs the Put permission in S3 (DeleteBucketCors -> s3:PutBucketCORS).
_DELETE_NEEDS_PUT = {"cors", "tagging", "lifecycle", "encryption", "replication", "analytics", "metrics",
                     "inventory", "intelligent-tiering"}
_OBJECT_SUBRESOURCES = {"acl": "ObjectAcl", "tagging": "ObjectTagging", "retention": "ObjectRetention",
                        "legal-hold": "ObjectLegalHold"}


def is_s3_request(environ: dict[str, Any]) -> bool:
    """Whether moto would answer this as S3: signed for s3, or unsigned and not another service's shape."""
    service = sigv4.scope_service(environ)
    if service is not None:
        return service == "s3"
    if environ.get("HTTP_AUTHORIZATION"):
        return True  # SigV2 or unreadable: S3 is the only service that still sees those
    if environ.get("HTTP_X_AMZ_TARGET"):
        return False
    # Unsigned form POSTs are STS's AssumeRoleWithWebIdentity/SAML, which AWS answers unsigned too.
    return not (environ.get("REQUEST_METHOD") == "POST"
                and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"))


class S3Gate:
    def __init__(self, keys: KeyRing, account: AwsAccount, wall_clock: Callable[[], float] = time.time):
        self.keys = keys
        self.account = account
        # Presigned URLs carry the client's own (real) time; their expiry is judged against real time.
        self.wall_clock = wall_clock

    def __call__(self, environ: dict[str, Any], start_response: Callable,
                 forward: Callable[[dict[str, Any], Callable], Iterable[bytes]]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        bucket = target(environ)[0]
        if method == "OPTIONS":
            rules = s3_cors.bucket_rules(self.account.account_id, bucket) if bucket else None
            return s3_cors.preflight(environ, start_response, rules, s3_error)
        start_response = self._with_cors(environ, start_response, bucket)
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if auth.startswith(sigv4.ALGORITHM) and not environ.get("HTTP_X_AMZ_CONTENT_SHA256"):
            return s3_error(start_response, method, 400, "InvalidRequest",
                            "Missing required header for this request: x-amz-content-sha256")
        key: str | None = None
        # boto3's default presigned URL (SigV2), where S3 still takes it: read once, for the signature and expiry.
        legacy = sigv2.parse_query(environ) if self.account.region in sigv2.REGIONS else None
        try:
            if s3_post_policy.is_post_upload(environ, bucket, target(environ)[1]):
                assert bucket is not None
                upload = s3_post_policy.read_post_upload(environ, bucket, self.keys, self.wall_clock,
                                                         sigv2_region=self.account.region in sigv2.REGIONS)
                principal, key = upload.principal, upload.key
            elif legacy is not None:
                principal = self._authenticate_v2(environ, bucket, legacy)
            else:
                principal = self.keys.authenticate(environ)
        except AuthFailure as failure:
            return _refuse(start_response, method, failure)
        except s3_post_policy.PolicyRefused as refused:
            return s3_error(start_response, method, refused.status, refused.code, refused.message)
        if self._expired(environ, legacy):
            return s3_error(start_response, method, 403, "AccessDenied", "Request has expired")
        if principal.is_admin:
            return forward(environ, start_response)
        checks = [("s3:PutObject", f"arn:aws:s3:::{bucket}/{key}", {})] if key is not None else \
            _checks(method, environ)
        if not self.allowed(principal, checks):
            return s3_error(start_response, method, 403, "AccessDenied", "Access Denied")
        return forward(environ, start_response)

    def _authenticate_v2(self, environ: dict[str, Any], bucket: str | None, claims: sigv2.QueryAuth) -> Principal:
        """A SigV2 presigned URL's caller (boto3's default presigning), checked as S3 checks it."""
        secret, principal = self.keys.signer(claims.access_key, claims.security_token)
        hostname = environ.get("HTTP_HOST", "").rsplit(":", 1)[0]
        text = sigv2.string_to_sign(environ, bucket, bool(bucket) and hostname.startswith(f"{bucket}."),
                                    claims.expires)
        if not hmac.compare_digest(sigv2.hmac_sha1(secret, text), claims.signature):
            raise AuthFailure(AuthFailure.BAD_SIGNATURE, claims.access_key, string_to_sign=text)
        return principal

    def _expired(self, environ: dict[str, Any], legacy: sigv2.QueryAuth | None) -> bool:
        """Whether a presigned URL (SigV4's X-Amz-Date + X-Amz-Expires, SigV2's Expires) is past its time."""
        if legacy is not None:
            return not legacy.expires.isdigit() or self.wall_clock() > int(legacy.expires)
        signed = sigv4.parse(environ)
        if signed is None or not signed.presigned or signed.expires is None:
            return False
        issued = datetime.strptime(signed.timestamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
        return self.wall_clock() > issued + signed.expires

    def _with_cors(self, environ: dict[str, Any], start_response: Callable, bucket: str | None) -> Callable:
        """`start_response` whose CORS headers are the bucket's rules' answer, whatever moto added."""
        if not environ.get("HTTP_ORIGIN"):
            return start_response
        ours = s3_cors.response_headers(environ, s3_cors.bucket_rules(self.account.account_id, bucket)
                                        if bucket else None)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [(name, value) for name, value in headers
                    if not name.lower().startswith("access-control-") and name.lower() != "vary"]
            return start_response(status, kept + ours, *(() if exc_info is None else (exc_info,)))

        return start

    def allowed(self, principal: Principal, checks: list[Check]) -> bool:
        """Whether a minted session's role policies allow every check (also used by the IAM/STS gate)."""
        session = principal.session
        assert session is not None
        documents = self.account.role_documents(session.role_arn)
        if documents is None:  # the role was deleted since the credentials were minted
            return False
        context = {
            "cognito-identity.amazonaws.com:sub": session.identity_id,
            "cognito-identity.amazonaws.com:aud": session.identity_pool_id,
            "aws:userid": f"{session.role_arn.rsplit('/', 1)[-1]}:{SESSION_NAME}",
            "aws:principaltype": "AssumedRole",
            "aws:securetransport": "false",
            # Attributes for access control: the session's principal tags, as aws:PrincipalTag/<key>.
            **{f"aws:principaltag/{key}": value
               for key, value in self.account.session_tags(principal.access_key_id).items()},
        }
        return all(iam_policies.is_allowed(documents[1], action, resource, {**context, **extra})
                   for action, resource, extra in checks)


def target(environ: dict[str, Any]) -> tuple[str | None, str | None]:
    """(bucket, key) of a path-style or virtual-host-style request."""
    path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
    hostname = environ.get("HTTP_HOST", "").rsplit(":", 1)[0]
    label, dot, rest = hostname.partition(".")
    if dot and label and _IP_OR_LOCAL.fullmatch(rest) and not _IP_OR_LOCAL.fullmatch(hostname):
        return label, path[1:] or None
    bucket, _, key = path.lstrip("/").partition("/")
    return bucket or None, key or None


def _checks(method: str, environ: dict[str, Any]) -> list[Check]:
    """The IAM actions and resources S3 authorizes for this request (all must be allowed)."""
    bucket, key = target(environ)
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    if bucket is None:
        return [("s3:ListAllMyBuckets", "arn:aws:s3:::*", {})]
    bucket_arn = f"arn:aws:s3:::{bucket}"
    if key is None:
        return _bucket_checks(method, query, bucket_arn, environ)
    resource = f"{bucket_arn}/{key}"
    sub = next((name for name in _OBJECT_SUBRESOURCES if name in query), None)
    if method in ("GET", "HEAD"):
        if sub:
            return [("s3:Get" + _OBJECT_SUBRESOURCES[sub], resource, {})]
        if "uploadId" in query:
            return [("s3:ListMultipartUploadParts", resource, {})]
        if "attributes" in query:
            return [("s3:GetObjectAttributes", resource, {})]
        return [("s3:GetObjectVersion" if "versionId" in query else "s3:GetObject", resource, {})]
    if method == "PUT":
        checks: list[Check] = [("s3:Put" + _OBJECT_SUBRESOURCES[sub] if sub else "s3:PutObject", resource, {})]
        source = environ.get("HTTP_X_AMZ_COPY_SOURCE")
        if source and not sub:  # CopyObject / UploadPartCopy read the source too
            path, _, version = unquote(source).lstrip("/").partition("?versionId=")
            checks.append(("s3:GetObjectVersion" if version else "s3:GetObject", f"arn:aws:s3:::{path}", {}))
        return checks
    if method == "POST":
        if "restore" in query:
            return [("s3:RestoreObject", resource, {})]
        return [("s3:GetObject" if "select" in query else "s3:PutObject", resource, {})]
    if method == "DELETE":
        if "uploadId" in query:
            return [("s3:AbortMultipartUpload", resource, {})]
        if sub:
            return [("s3:Delete" + _OBJECT_SUBRESOURCES[sub], resource, {})]
        return [("s3:DeleteObjectVersion" if "versionId" in query else "s3:DeleteObject", resource, {})]
    return [("s3:" + method.title() + "Object", resource, {})]


def _bucket_checks(method: str, query: dict[str, str], bucket_arn: str, environ: dict[str, Any]) -> list[Check]:
    sub = next((name for name in _BUCKET_SUBRESOURCES if name in query), None)
    if method == "GET":
        if "location" in query:
            return [("s3:GetBucketLocation", bucket_arn, {})]
        if "uploads" in query:
            return [("s3:ListBucketMultipartUploads", bucket_arn, {})]
        if sub:
            return [("s3:Get" + _BUCKET_SUBRESOURCES[sub], bucket_arn, {})]
        listing = {f"s3:{name}": query[name] for name in ("prefix", "delimiter", "max-keys") if name in query}
        return [("s3:ListBucketVersions" if "versions" in query else "s3:ListBucket", bucket_arn, listing)]
    if method == "HEAD":
        return [("s3:ListBucket", bucket_arn, {})]
    if method == "PUT":
        return [("s3:Put" + _BUCKET_SUBRESOURCES[sub] if sub else "s3:CreateBucket", bucket_arn, {})]
    if method == "DELETE":
        if sub is None:
            return [("s3:DeleteBucket", bucket_arn, {})]
        verb = "Put" if sub in _DELETE_NEEDS_PUT else "Delete"
        return [(f"s3:{verb}{_BUCKET_SUBRESOURCES[sub]}", bucket_arn, {})]
    if method == "POST" and "delete" in query:
        # DeleteObjects: each key is authorized as its own DeleteObject (all or nothing here).
        keys = _keys_to_delete(environ)
        return [("s3:DeleteObject", f"{bucket_arn}/{key}", {}) for key in keys] or [("s3:DeleteObject", "", {})]
    return [("s3:" + method.title() + "Bucket", bucket_arn, {})]


def _keys_to_delete(environ: dict[str, Any]) -> list[str]:
    """The keys of a DeleteObjects body, which is then handed on to moto unread."""
    stream = environ["wsgi.input"]
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = stream.read(min(length, _MAX_DELETE_BODY)) if length else stream.read(_MAX_DELETE_BODY)
    environ["wsgi.input"] = io.BytesIO(body)
    text = body.decode("utf-8", "replace")
    return [unescape(k, {"&quot;": '"', "&apos;": "'"}) for k in re.findall(r"<Key>(.*?)</Key>", text, re.DOTALL)]


def _refuse(start_response: Callable, method: str, failure: AuthFailure) -> Iterable[bytes]:
    key = {"AWSAccessKeyId": failure.access_key_id}
    if failure.kind == AuthFailure.MISSING:
        return s3_error(start_response, method, 403, "AccessDenied", "Access Denied")
    if failure.kind == AuthFailure.MALFORMED:
        status = 403 if failure.code == "AccessDenied" else 400
        return s3_error(start_response, method, status, failure.code, failure.message)
    if failure.kind == AuthFailure.UNKNOWN_KEY:
        return s3_error(start_response, method, 403, "InvalidAccessKeyId",
                        "The AWS Access Key Id you provided does not exist in our records.", key)
    if failure.kind == AuthFailure.BAD_TOKEN:
        return s3_error(start_response, method, 400, "InvalidToken",
                        "The provided token is malformed or otherwise invalid.")
    if failure.kind == AuthFailure.EXPIRED:
        return s3_error(start_response, method, 400, "ExpiredToken", "The provided token has expired.")
    return s3_error(start_response, method, 403, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided. "
                    "Check your key and signing method.",
                    {**key, "StringToSign": failure.string_to_sign, "CanonicalRequest": failure.canonical_request})


def s3_error(start_response: Callable, method: str, status: int, code: str, message: str,
             extra: dict[str, str] | None = None) -> Iterable[bytes]:
    """S3's XML error document (no body for HEAD, as S3 sends none)."""
    request_id = uuid.uuid4().hex[:16].upper()
    fields = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in (extra or {}).items())
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{escape(message)}'
            f"</Message>{fields}<RequestId>{request_id}</RequestId><HostId>amplify-nb-sandbox</HostId></Error>"
            ).encode()
    reason = {400: "Bad Request", 403: "Forbidden"}.get(status, "Error")
    payload = b"" if method == "HEAD" else body
    start_response(f"{status} {reason}", [("Content-Type", "application/xml"), ("Content-Length", str(len(payload))),
                                          ("x-amz-request-id", request_id)])
    return [payload]
