"""S3 browser uploads: a multipart form POST authorised by a signed policy document, checked as S3 does.

The form carries no Authorization header: its fields name the key and carry a base64 JSON policy
(an expiration and conditions every other field must meet) and that policy's signature, SigV4
(``x-amz-credential``/``x-amz-signature``, boto3 with ``s3v4``) or SigV2 (``AWSAccessKeyId``/``signature``,
boto3's default). S3 refuses the upload when the signature, the key's token or expiry, the policy's
expiration or any condition fails, or when a field is not covered by a condition; otherwise the
caller's role must still allow s3:PutObject on the key. The body is handed on to moto unchanged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from werkzeug.formparser import parse_form_data

from . import sigv2, sigv4
from .keys import AuthFailure, KeyRing, Principal

__all__ = ["MAX_FORM_BYTES", "PolicyRefused", "PostUpload", "is_post_upload", "read_post_upload"]

MAX_FORM_BYTES = 64 * 1024 * 1024  # a sandbox, not a data lake: larger uploads go through PutObject
# Fields S3 does not require a policy condition for.
_UNCONDITIONED = {"policy", "file", "x-amz-signature", "signature", "awsaccesskeyid"}


class PolicyRefused(Exception):
    """S3's answer to a form whose policy does not allow it: (status, code, message)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class PostUpload:
    principal: Principal
    key: str  # with ${filename} filled in


def is_post_upload(environ: dict[str, Any], bucket: str | None, key: str | None) -> bool:
    return (environ.get("REQUEST_METHOD") == "POST" and bucket is not None and key is None
            and environ.get("CONTENT_TYPE", "").startswith("multipart/form-data"))


def read_post_upload(environ: dict[str, Any], bucket: str, keys: KeyRing, wall_clock: Callable[[], float],
                     *, sigv2_region: bool) -> PostUpload:
    """The verified uploader and key of a POST-policy form; PolicyRefused or AuthFailure otherwise.
    ``sigv2_region``: the region still takes SigV2 policies. Leaves ``environ['wsgi.input']`` readable again
    from the start, for moto."""
    fields, file_size, filename = _read_form(environ)
    lowered = {name.lower(): value for name, value in fields.items()}
    policy_b64 = lowered.get("policy")
    if policy_b64 is None:  # S3: a form without a policy is an anonymous upload, which Amplify's buckets refuse
        raise AuthFailure(AuthFailure.MISSING)
    if "x-amz-signature" in lowered:
        principal = _check_v4(lowered, policy_b64, keys)
    elif "signature" in lowered and "awsaccesskeyid" in lowered and sigv2_region:
        secret, principal = keys.signer(lowered["awsaccesskeyid"], lowered.get("x-amz-security-token"))
        if not hmac.compare_digest(sigv2.hmac_sha1(secret, policy_b64), lowered["signature"]):
            raise AuthFailure(AuthFailure.BAD_SIGNATURE, lowered["awsaccesskeyid"], string_to_sign=policy_b64)
    else:
        raise PolicyRefused(400, "InvalidArgument", "Bucket POST must contain a field named 'x-amz-signature' "
                                                    "(or 'AWSAccessKeyId' and 'signature'), and a policy.")
    key = lowered.get("key")
    if not key:
        raise PolicyRefused(400, "InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is "
                                                    "specified, please check the order of the fields.")
    key = key.replace("${filename}", filename)
    _check_policy(_decode_policy(policy_b64), {**lowered, "bucket": bucket, "key": key}, file_size, wall_clock)
    return PostUpload(principal, key)


def _read_form(environ: dict[str, Any]) -> tuple[dict[str, str], int, str]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_FORM_BYTES:
        raise PolicyRefused(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
    body = environ["wsgi.input"].read(length) if length else environ["wsgi.input"].read(MAX_FORM_BYTES + 1)
    if len(body) > MAX_FORM_BYTES:
        raise PolicyRefused(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
    environ["wsgi.input"] = io.BytesIO(body)
    copy = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    _, form, files = parse_form_data(copy, max_form_memory_size=MAX_FORM_BYTES)
    upload = files.get("file")
    if upload is None:
        raise PolicyRefused(400, "InvalidArgument", "POST requires exactly one file upload per request.")
    size = len(upload.stream.read())
    return {name: form[name] for name in form}, size, upload.filename or ""


def _check_v4(fields: dict[str, str], policy_b64: str, keys: KeyRing) -> Principal:
    if fields.get("x-amz-algorithm") != sigv4.ALGORITHM:
        raise PolicyRefused(400, "InvalidArgument", "Only AWS4-HMAC-SHA256 is supported as x-amz-algorithm")
    parts = fields.get("x-amz-credential", "").split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or parts[3] != "s3":
        raise PolicyRefused(400, "InvalidArgument", "Invalid according to Policy: the x-amz-credential is "
                                                    "malformed: <AKID>/YYYYMMDD/REGION/s3/aws4_request expected")
    secret, principal = keys.signer(parts[0], fields.get("x-amz-security-token"))
    expected = hmac.new(sigv4.signing_key(secret, parts[1], parts[2], "s3"), policy_b64.encode(),
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["x-amz-signature"]):
        raise AuthFailure(AuthFailure.BAD_SIGNATURE, parts[0], string_to_sign=policy_b64)
    return principal


def _decode_policy(policy_b64: str) -> dict[str, Any]:
    try:
        policy = json.loads(base64.b64decode(policy_b64, validate=True))
    except (binascii.Error, ValueError):
        policy = None
    if not isinstance(policy, dict) or not isinstance(policy.get("conditions"), list) or "expiration" not in policy:
        raise PolicyRefused(400, "InvalidPolicyDocument",
                            "Invalid Policy: Invalid JSON or missing 'expiration' and 'conditions'.")
    return policy


def _check_policy(policy: dict[str, Any], fields: dict[str, str], file_size: int,
                  wall_clock: Callable[[], float]) -> None:
    try:
        expiration = datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise PolicyRefused(400, "InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value: "
                                                          f"'{policy['expiration']}'") from None
    if wall_clock() > expiration:
        raise PolicyRefused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    covered: set[str] = set()
    for condition in policy["conditions"]:
        name, ok = _meets(condition, fields, file_size)
        covered.add(name)
        if not ok:
            raise PolicyRefused(403, "AccessDenied",
                                f"Invalid according to Policy: Policy Condition failed: {json.dumps(condition)}")
    extra = sorted(name for name in fields if name not in covered and name not in _UNCONDITIONED
                   and name != "bucket" and not name.startswith("x-ignore-"))
    if extra:
        raise PolicyRefused(403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {extra[0]}")


def _meets(condition: Any, fields: dict[str, str], file_size: int) -> tuple[str, bool]:
    """(the field a condition is about, whether the form meets it)."""
    if isinstance(condition, dict) and len(condition) == 1:
        (name, value), = condition.items()
        return name.lower(), fields.get(name.lower()) == value
    if isinstance(condition, list) and len(condition) == 3:
        operator, subject, value = condition
        if operator == "content-length-range" and isinstance(subject, int) and isinstance(value, int):
            if file_size > value:
                raise PolicyRefused(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
            if file_size < subject:
                raise PolicyRefused(400, "EntityTooSmall",
                                    "Your proposed upload is smaller than the minimum allowed size")
            return "", True
        if operator in ("eq", "starts-with") and isinstance(subject, str) and subject.startswith("$"):
            name = subject[1:].lower()
            actual = fields.get(name)
            if actual is None:
                return name, False
            return name, actual == value if operator == "eq" else actual.startswith(str(value))
    raise PolicyRefused(400, "InvalidPolicyDocument", f"Invalid Policy: Invalid Condition: {json.dumps(condition)}")
