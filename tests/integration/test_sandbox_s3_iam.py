"""S3 in the sandbox enforces SigV4 and the identity pool roles' policies (Amplify Storage's access levels),
through plain boto3 clients with the credentials GetCredentialsForIdentity minted."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.request

import pytest
import requests
from boto3.s3.transfer import TransferConfig
from botocore import UNSIGNED
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from tests.conftest import fails
from tests.integration.sandbox_aws import client, guest, keys, signed_in


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock) as sandbox:
        yield sandbox


def s3(sb: Sandbox, credentials: dict | None = None, config: Config | None = None):
    return client(sb, "s3", config, **(keys(credentials) if credentials else sb.admin_credentials))


def second_user(sb: Sandbox) -> tuple[str, dict]:
    sb.create_user("second@example.com", "Second-pw-1", {"email": "second@example.com"})
    return signed_in(sb, "second@example.com", "Second-pw-1")


def test_a_signed_in_user_writes_own_private_and_public_but_not_anothers_private(sb):
    me, credentials = signed_in(sb)
    mine = s3(sb, credentials)
    mine.put_object(Bucket=sb.bucket, Key=f"private/{me}/notes.txt", Body=b"mine")
    mine.put_object(Bucket=sb.bucket, Key="public/shared.txt", Body=b"everyone")
    assert mine.get_object(Bucket=sb.bucket, Key=f"private/{me}/notes.txt")["Body"].read() == b"mine"
    listed = mine.list_objects_v2(Bucket=sb.bucket, Prefix=f"private/{me}/")
    assert [o["Key"] for o in listed["Contents"]] == [f"private/{me}/notes.txt"]

    other, other_credentials = second_user(sb)
    theirs = s3(sb, other_credentials)
    theirs.put_object(Bucket=sb.bucket, Key=f"private/{other}/secret.txt", Body=b"theirs")
    theirs.put_object(Bucket=sb.bucket, Key=f"protected/{other}/card.txt", Body=b"readable by users")
    fails("AccessDenied", mine.put_object, Bucket=sb.bucket, Key=f"private/{other}/planted.txt", Body=b"x")
    fails("AccessDenied", mine.get_object, Bucket=sb.bucket, Key=f"private/{other}/secret.txt")
    fails("AccessDenied", mine.delete_object, Bucket=sb.bucket, Key=f"private/{other}/secret.txt")
    fails("AccessDenied", mine.list_objects_v2, Bucket=sb.bucket, Prefix=f"private/{other}/")
    fails("AccessDenied", mine.put_object, Bucket=sb.bucket, Key=f"protected/{other}/card.txt", Body=b"x")
    assert mine.get_object(Bucket=sb.bucket, Key=f"protected/{other}/card.txt")["Body"].read() == b"readable by users"
    fails("AccessDenied", mine.delete_objects, Bucket=sb.bucket,
          Delete={"Objects": [{"Key": f"private/{me}/notes.txt"}, {"Key": f"private/{other}/secret.txt"}]})
    assert s3(sb).get_object(Bucket=sb.bucket, Key=f"private/{other}/secret.txt")["Body"].read() == b"theirs"


def test_a_guest_reads_the_public_sample_and_nothing_more(sb):
    _, credentials = guest(sb)
    anyone = s3(sb, credentials)
    rows = list(csv.DictReader(io.StringIO(
        anyone.get_object(Bucket=sb.bucket, Key="public/sample.csv")["Body"].read().decode())))
    assert len(rows) == 10 and set(rows[0]) == {"city", "country", "population"}
    assert "public/sample.csv" in [o["Key"] for o in anyone.list_objects_v2(Bucket=sb.bucket, Prefix="public/")
                                   ["Contents"]]
    fails("AccessDenied", anyone.put_object, Bucket=sb.bucket, Key="public/graffiti.txt", Body=b"x")
    fails("AccessDenied", anyone.list_objects_v2, Bucket=sb.bucket)  # the whole bucket: no prefix
    fails("AccessDenied", anyone.list_buckets)
    me, mine = signed_in(sb)
    # (protected/ is readable by guests, as in Amplify Gen 1: see test_sandbox_role_mapping.py)
    s3(sb, mine).put_object(Bucket=sb.bucket, Key=f"private/{me}/card.txt", Body=b"x")
    fails("AccessDenied", anyone.get_object, Bucket=sb.bucket, Key=f"private/{me}/card.txt")


def test_multipart_uploads_are_authorized_like_single_puts(sb):
    me, credentials = signed_in(sb)
    small_parts = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
    body = b"0123456789" * (1024 * 1024 + 1)
    s3(sb, credentials).upload_fileobj(io.BytesIO(body), sb.bucket, f"private/{me}/big.bin", Config=small_parts)
    assert s3(sb).head_object(Bucket=sb.bucket, Key=f"private/{me}/big.bin")["ContentLength"] == len(body)
    _, guest_credentials = guest(sb)
    fails("AccessDenied", s3(sb, guest_credentials).create_multipart_upload, Bucket=sb.bucket, Key="public/big.bin")


def test_credentials_expire_on_the_sandbox_clock(sb, clock):
    sb.credentials_ttl = 900
    _, credentials = guest(sb)
    anyone = s3(sb, credentials)
    clock.advance(899)
    anyone.head_object(Bucket=sb.bucket, Key="public/sample.csv")
    clock.advance(1)
    error = fails("ExpiredToken", anyone.get_object, Bucket=sb.bucket, Key="public/sample.csv")
    assert error.response["Error"]["Message"] == "The provided token has expired."
    _, fresh = guest(sb)
    assert s3(sb, fresh).get_object(Bucket=sb.bucket, Key="public/sample.csv")["ContentLength"] > 0


def test_bad_signatures_unknown_keys_and_wrong_tokens_are_refused(sb):
    _, credentials = signed_in(sb)
    first = credentials["SecretKey"][0]
    bad_secret = {**credentials, "SecretKey": ("y" if first == "x" else "x") + credentials["SecretKey"][1:]}
    error = fails("SignatureDoesNotMatch", s3(sb, bad_secret).get_object, Bucket=sb.bucket, Key="public/sample.csv")
    assert error.response["Error"]["AWSAccessKeyId"] == credentials["AccessKeyId"]
    # A well-formed id of no key, written in two parts: no key-id-shaped literal in the tree.
    unknown = {"aws_access_key_id": "AKIA" + "EXAMPLEEXAMPLE00", "aws_secret_access_key": "x"}
    fails("InvalidAccessKeyId", client(sb, "s3", **unknown).list_buckets)
    fails("InvalidToken", s3(sb, {**credentials, "SessionToken": "forged"}).list_objects_v2,
          Bucket=sb.bucket, Prefix="public/")
    no_token = {"aws_access_key_id": credentials["AccessKeyId"], "aws_secret_access_key": credentials["SecretKey"]}
    fails("InvalidToken", client(sb, "s3", **no_token).list_objects_v2, Bucket=sb.bucket, Prefix="public/")
    fails("AccessDenied", client(sb, "s3", Config(signature_version=UNSIGNED)).get_object,
          Bucket=sb.bucket, Key="public/sample.csv")


def test_presigned_urls_carry_the_signers_permissions(sb):
    _, credentials = signed_in(sb)
    v4 = Config(signature_version="s3v4")
    signer = s3(sb, credentials, v4)
    allowed = signer.generate_presigned_url("get_object", Params={"Bucket": sb.bucket, "Key": "public/sample.csv"})
    with urllib.request.urlopen(allowed) as response:
        assert response.read().startswith(b"city,country,population")
    denied = signer.generate_presigned_url("put_object", Params={"Bucket": sb.bucket, "Key": "private/x/y"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(denied, data=b"x", method="PUT"))
    assert refused.value.code == 403 and b"<Code>AccessDenied</Code>" in refused.value.read()


def test_boto3s_default_sigv2_presigned_urls_are_checked_like_s3_does(sb, clock):
    """boto3 presigns with SigV2 by default where S3 still takes it (us-east-1, the sandbox's region)."""
    me, credentials = signed_in(sb)
    signer = s3(sb, credentials)
    url = signer.generate_presigned_url("get_object", Params={"Bucket": sb.bucket, "Key": "public/sample.csv"})
    assert "AWSAccessKeyId=" in url and "X-Amz-Signature" not in url  # really the legacy scheme
    with urllib.request.urlopen(url) as response:
        assert response.read().startswith(b"city,country,population")
    put = signer.generate_presigned_url("put_object", Params={"Bucket": sb.bucket, "Key": f"private/{me}/up.txt"})
    # requests, as a browser's fetch, sends no Content-Type of its own (urllib would add an unsigned one).
    assert requests.put(put, data=b"via sigv2", timeout=10).status_code == 200
    assert s3(sb).get_object(Bucket=sb.bucket, Key=f"private/{me}/up.txt")["Body"].read() == b"via sigv2"
    # The signer's role still decides: another identity's private/ is refused.
    denied = signer.generate_presigned_url("get_object", Params={"Bucket": sb.bucket, "Key": "private/other/x"})
    assert http_error(denied) == (403, "AccessDenied")
    # A signature over another key, a forged one, an expired URL.
    assert http_error(url.replace("public/sample.csv", "public/other.csv"))[1] == "SignatureDoesNotMatch"
    forged = re.sub(r"Signature=[^&]+", "Signature=AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D", url)
    assert http_error(forged) == (403, "SignatureDoesNotMatch")
    past = signer.generate_presigned_url("get_object", Params={"Bucket": sb.bucket, "Key": "public/sample.csv"},
                                         ExpiresIn=-60)  # signed with an Expires a minute ago
    assert http_error(past) == (403, "AccessDenied")
    # Temporary credentials whose session token was left out.
    no_token = re.sub(r"&x-amz-security-token=[^&]+", "", url)
    assert http_error(no_token) == (400, "InvalidToken")


def test_sigv2_is_refused_where_s3_no_longer_takes_it(clock):
    with Sandbox(clock=clock, region="eu-central-1") as sb:
        url = s3(sb).generate_presigned_url("get_object", Params={"Bucket": sb.bucket, "Key": "public/sample.csv"})
        url = url if "AWSAccessKeyId=" in url else re.sub(r"\?.*", "?AWSAccessKeyId=A&Expires=9999999999&"
                                                          "Signature=x", url)
        assert http_error(url) == (400, "InvalidRequest")  # "... Please use AWS4-HMAC-SHA256."


def http_error(url: str) -> tuple[int, str]:
    """(status, S3 error code) of a GET that must fail."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url)
    body = refused.value.read().decode()
    return refused.value.code, re.search(r"<Code>(.*?)</Code>", body).group(1)


def test_role_policies_live_in_iam_and_an_explicit_deny_wins(sb):
    me, credentials = signed_in(sb)
    mine = s3(sb, credentials)
    mine.put_object(Bucket=sb.bucket, Key="public/before.txt", Body=b"x")
    iam = client(sb, "iam", **sb.admin_credentials)
    role = "amplify-nb-sandbox-authenticated"
    document = iam.get_role_policy(RoleName=role, PolicyName="amplify-storage")["PolicyDocument"]
    document = json.loads(document) if isinstance(document, str) else document
    assert any("s3:PutObject" in s["Action"] for s in document["Statement"])
    iam.put_role_policy(RoleName=role, PolicyName="read-only-public", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{sb.bucket}/public/*"}]}))
    fails("AccessDenied", mine.put_object, Bucket=sb.bucket, Key="public/after.txt", Body=b"x")
    mine.put_object(Bucket=sb.bucket, Key=f"private/{me}/still-fine.txt", Body=b"x")


def test_the_admin_key_has_full_access_and_sandboxes_keep_their_buckets_apart(sb):
    admin = s3(sb)
    admin.create_bucket(Bucket=f"extra-{sb.account_id}")
    names = [b["Name"] for b in admin.list_buckets()["Buckets"]]
    assert sorted(names) == sorted([sb.bucket, f"extra-{sb.account_id}"])
    with Sandbox() as other:
        assert other.bucket != sb.bucket
        fails("InvalidAccessKeyId", client(other, "s3", **sb.admin_credentials).list_buckets)
        assert [b["Name"] for b in s3(other).list_buckets()["Buckets"]] == [other.bucket]
