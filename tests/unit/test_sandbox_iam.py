"""The sandbox's IAM evaluator and S3 request -> action mapping, on their own (the integration tests in
test_sandbox_s3_iam.py drive them through boto3)."""

from __future__ import annotations

import io
import json

import pytest

from amplify_nb.sandbox import iam_policies
from amplify_nb.sandbox.s3_gate import _checks, is_s3_request, target

BUCKET = "arn:aws:s3:::b"
ME = {"cognito-identity.amazonaws.com:sub": "us-east-1:me"}


def allowed(document: str, action: str, resource: str, **context: str) -> bool:
    return iam_policies.is_allowed([document], action, resource, {**ME, **context})


@pytest.mark.parametrize(("action", "resource", "context", "expected"), [
    ("s3:GetObject", f"{BUCKET}/public/a.csv", {}, True),
    ("s3:PutObject", f"{BUCKET}/private/us-east-1:me/x", {}, True),
    ("s3:PutObject", f"{BUCKET}/private/us-east-1:other/x", {}, False),
    ("s3:GetObject", f"{BUCKET}/protected/us-east-1:other/x", {}, True),
    ("s3:PutObject", f"{BUCKET}/protected/us-east-1:other/x", {}, False),
    ("s3:DeleteObject", f"{BUCKET}/uploads/x", {}, False),
    ("s3:PutObject", f"{BUCKET}/uploads/x", {}, True),
    ("s3:ListBucket", BUCKET, {"s3:prefix": "private/us-east-1:me/"}, True),
    ("s3:ListBucket", BUCKET, {"s3:prefix": "private/us-east-1:other/"}, False),
    ("s3:ListBucket", BUCKET, {}, False),  # no prefix: the condition key is absent
    ("S3:getobject", f"{BUCKET}/public/a.csv", {}, True),  # actions are case-insensitive
    ("s3:GetObject", f"{BUCKET}/PUBLIC/a.csv", {}, False),  # resources are not
    ("s3:CreateBucket", BUCKET, {}, False),
])
def test_amplify_storage_authenticated_policy(action, resource, context, expected):
    assert allowed(iam_policies.authenticated_storage_policy("b"), action, resource, **context) is expected


def test_a_resource_naming_an_unknown_variable_matches_nothing():
    policy = iam_policies.authenticated_storage_policy("b")
    assert not iam_policies.is_allowed([policy], "s3:PutObject", f"{BUCKET}/private//x", {})


def test_an_explicit_deny_wins_over_any_allow():
    deny = json.dumps({"Statement": [{"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}]})
    grant = iam_policies.authenticated_storage_policy("b")
    assert not iam_policies.is_allowed([grant, deny], "s3:PutObject", f"{BUCKET}/public/x", ME)
    assert iam_policies.is_allowed([grant, deny], "s3:GetObject", f"{BUCKET}/public/x", ME)


def test_trust_policy_admits_only_its_pool_and_kind_of_identity():
    trust = iam_policies.identity_trust_policy("us-east-1:pool", "authenticated")
    principal = ("Federated", "cognito-identity.amazonaws.com")

    def assumable(aud: str, amr: list[str], who=principal) -> bool:
        return iam_policies.is_allowed([trust], "sts:AssumeRoleWithWebIdentity", "*",
                                       {"cognito-identity.amazonaws.com:aud": aud,
                                        "cognito-identity.amazonaws.com:amr": amr}, principal=who)

    assert assumable("us-east-1:pool", ["authenticated", "cognito-idp..."])
    assert not assumable("us-east-1:pool", ["unauthenticated"])
    assert not assumable("us-east-1:other", ["authenticated"])
    assert not assumable("us-east-1:pool", ["authenticated"], ("Federated", "accounts.google.com"))


def test_unknown_operators_and_malformed_documents_never_allow():
    odd = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                                     "Condition": {"NumericSomething": {"x": "1"}}}]})
    assert not iam_policies.is_allowed([odd, "not json"], "s3:GetObject", "arn:aws:s3:::b/k", {"x": "1"})


def environ(method: str, path: str, query: str = "", host: str = "127.0.0.1:4566", **headers: str) -> dict:
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": host,
           "wsgi.input": io.BytesIO(b"")}
    env.update({"HTTP_" + k.upper(): v for k, v in headers.items()})
    return env


@pytest.mark.parametrize(("method", "path", "query", "expected"), [
    ("GET", "/", "", [("s3:ListAllMyBuckets", "arn:aws:s3:::*")]),
    ("GET", "/b", "list-type=2&prefix=public%2F", [("s3:ListBucket", BUCKET)]),
    ("GET", "/b", "location", [("s3:GetBucketLocation", BUCKET)]),
    ("HEAD", "/b/public/a.csv", "", [("s3:GetObject", f"{BUCKET}/public/a.csv")]),
    ("PUT", "/b/k", "partNumber=1&uploadId=u", [("s3:PutObject", f"{BUCKET}/k")]),
    ("POST", "/b/k", "uploads", [("s3:PutObject", f"{BUCKET}/k")]),
    ("DELETE", "/b/k", "uploadId=u", [("s3:AbortMultipartUpload", f"{BUCKET}/k")]),
    ("DELETE", "/b/k", "", [("s3:DeleteObject", f"{BUCKET}/k")]),
    ("PUT", "/b", "", [("s3:CreateBucket", BUCKET)]),
    ("PUT", "/b", "policy", [("s3:PutBucketPolicy", BUCKET)]),
    ("DELETE", "/b", "cors", [("s3:PutBucketCORS", BUCKET)]),
    ("GET", "/b/k", "tagging", [("s3:GetObjectTagging", f"{BUCKET}/k")]),
])
def test_requests_map_to_the_actions_s3_authorizes(method, path, query, expected):
    assert [(a, r) for a, r, _ in _checks(method, environ(method, path, query))] == expected


def test_listing_carries_its_prefix_and_copies_need_read_on_the_source():
    (_, _, context), = _checks("GET", environ("GET", "/b", "prefix=public%2F&delimiter=%2F"))
    assert context == {"s3:prefix": "public/", "s3:delimiter": "/"}
    copy = _checks("PUT", environ("PUT", "/b/public/new", x_amz_copy_source="/b/private/us-east-1%3Aother/x"))
    assert [(a, r) for a, r, _ in copy] == [("s3:PutObject", f"{BUCKET}/public/new"),
                                            ("s3:GetObject", f"{BUCKET}/private/us-east-1:other/x")]


def test_delete_objects_authorizes_every_key_and_leaves_the_body_for_moto():
    body = b"<Delete><Object><Key>public/a</Key></Object><Object><Key>private/x/&amp;b</Key></Object></Delete>"
    env = environ("POST", "/b", "delete")
    env.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
    assert [r for _, r, _ in _checks("POST", env)] == [f"{BUCKET}/public/a", f"{BUCKET}/private/x/&b"]
    assert env["wsgi.input"].read() == body


def test_virtual_host_style_names_the_bucket_in_the_host():
    assert target(environ("GET", "/public/a.csv", host="b.localhost:4566")) == ("b", "public/a.csv")
    assert target(environ("GET", "/b/public/a.csv", host="localhost:4566")) == ("b", "public/a.csv")
    assert target(environ("GET", "/b/", host="127.0.0.1:4566")) == ("b", None)


def test_only_s3_shaped_requests_pass_the_gate():
    sts = environ("POST", "/", "", authorization="AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/sts/aws4_request, "
                                                 "SignedHeaders=host, Signature=00")
    assert not is_s3_request(sts)
    assert is_s3_request(environ("GET", "/b/k"))  # unsigned: S3 (and refused there)
    web_identity = environ("POST", "/")
    web_identity["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    assert not is_s3_request(web_identity)  # STS AssumeRoleWithWebIdentity is unsigned
