"""Browser uploads through a signed POST policy (issue 13): accepted when the policy's signature, the key's
token and every condition check out and the signer's role allows the key; refused as S3 refuses otherwise."""

from __future__ import annotations

import base64
import json
import re

import pytest
import requests
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from tests.integration.sandbox_aws import client, keys, signed_in

V4 = Config(signature_version="s3v4")


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock) as sandbox:
        yield sandbox


def post(form: dict, body: bytes = b"hello", filename: str = "notes.txt") -> tuple[int, str]:
    response = requests.post(form["url"], data=form["fields"], files={"file": (filename, body)}, timeout=10)
    code = re.search(r"<Code>(.*?)</Code>", response.text)
    return response.status_code, code.group(1) if code else ""


def stored(sb: Sandbox, key: str) -> bytes | None:
    admin = client(sb, "s3", **sb.admin_credentials)
    try:
        return admin.get_object(Bucket=sb.bucket, Key=key)["Body"].read()
    except admin.exceptions.NoSuchKey:
        return None


@pytest.mark.parametrize("config", [None, V4], ids=["sigv2-boto3-default", "sigv4"])
def test_a_signed_policy_uploads_into_the_signers_own_prefix(sb, config):
    me, credentials = signed_in(sb)
    s3 = client(sb, "s3", config, **keys(credentials))
    form = s3.generate_presigned_post(sb.bucket, f"private/{me}/${{filename}}",
                                      Conditions=[["starts-with", "$key", f"private/{me}/"],
                                                  ["content-length-range", 1, 1024]])
    assert post(form, b"from a browser form", "report.csv")[0] == 204
    assert stored(sb, f"private/{me}/report.csv") == b"from a browser form"


@pytest.mark.parametrize("config", [None, V4], ids=["sigv2-boto3-default", "sigv4"])
def test_the_signers_role_still_decides(sb, config):
    _, credentials = signed_in(sb)
    s3 = client(sb, "s3", config, **keys(credentials))
    form = s3.generate_presigned_post(sb.bucket, "private/someone-else/planted.txt")
    assert post(form) == (403, "AccessDenied")
    assert stored(sb, "private/someone-else/planted.txt") is None


def test_a_tampered_policy_or_field_is_refused(sb):
    me, credentials = signed_in(sb)
    s3 = client(sb, "s3", V4, **keys(credentials))
    form = s3.generate_presigned_post(sb.bucket, f"private/{me}/a.txt",
                                      Conditions=[["content-length-range", 1, 10]])
    # The key changed after signing: the policy's {"key": ...} condition fails.
    moved = {**form, "fields": {**form["fields"], "key": f"private/{me}/b.txt"}}
    assert post(moved) == (403, "AccessDenied")
    # The policy rewritten to allow more: its signature no longer matches.
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    policy["conditions"] = [c for c in policy["conditions"] if not isinstance(c, list)]
    widened = {**form, "fields": {**form["fields"], "policy": base64.b64encode(json.dumps(policy).encode()).decode()}}
    assert post(widened, b"x" * 100) == (403, "SignatureDoesNotMatch")
    # A field no condition covers, and a file over the signed size range.
    extra = {**form, "fields": {**form["fields"], "x-amz-meta-owner": "mallory"}}
    assert post(extra) == (403, "AccessDenied")
    assert post(form, b"x" * 100) == (400, "EntityTooLarge")
    assert post(form, b"") == (400, "EntityTooSmall")
    assert stored(sb, f"private/{me}/a.txt") is None and stored(sb, f"private/{me}/b.txt") is None


def test_expired_policies_unknown_keys_and_unsigned_forms_are_refused(sb, clock):
    me, credentials = signed_in(sb)
    s3 = client(sb, "s3", V4, **keys(credentials))
    expired = s3.generate_presigned_post(sb.bucket, f"private/{me}/late.txt", ExpiresIn=-60)
    assert post(expired) == (403, "AccessDenied")
    unknown = client(sb, "s3", V4, aws_access_key_id="AKIA" + "UNKNOWN000000000", aws_secret_access_key="x" * 40)
    assert post(unknown.generate_presigned_post(sb.bucket, "public/x.txt")) == (403, "InvalidAccessKeyId")
    url = f"{sb.endpoint_url}/{sb.bucket}"
    assert post({"url": url, "fields": {"key": "public/anon.txt"}}) == (403, "AccessDenied")
    # The session token left out of a form signed with temporary credentials.
    form = s3.generate_presigned_post(sb.bucket, f"private/{me}/t.txt")
    fields = {k: v for k, v in form["fields"].items() if k != "x-amz-security-token"}
    assert post({**form, "fields": fields})[1] in ("InvalidToken", "AccessDenied")
    # Credentials that expired on the sandbox clock.
    clock.advance(3600 * 2)
    assert post(form) == (400, "ExpiredToken")
    assert stored(sb, "public/anon.txt") is None and stored(sb, f"private/{me}/t.txt") is None
