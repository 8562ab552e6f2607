"""Browser apps against the sandbox: CORS as AWS answers it, sent as a browser sends it (raw HTTP with an
Origin, preflights included).

Cognito (user pools and identity pools) admits every origin with ``*`` and exposes its error headers;
S3 answers only from the bucket's CORS rules, which only the account's admin keys may change.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from botocore import UNSIGNED
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from tests.conftest import fails
from tests.integration.sandbox_aws import client, guest, keys

APP = "http://127.0.0.1:5173"          # the page the teacher's Amplify app is served from
STRANGER = "http://evil.example.net"   # a page no rule names
# What Amplify JS's Cognito client sends, hence what the browser's preflight asks for.
AMPLIFY_HEADERS = "cache-control,content-type,x-amz-target,x-amz-user-agent"
RESTRICTED = {"CORSRules": [{"AllowedOrigins": [APP, "http://*.school.example"], "AllowedMethods": ["GET", "PUT"],
                             "AllowedHeaders": ["authorization", "content-type", "x-amz-*"],
                             "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]}


@pytest.fixture(scope="module")
def sb():
    with Sandbox() as sandbox:
        yield sandbox


def http(url: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    """(status, headers with lower-case names, body) of one request, errors included."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def preflight(url: str, origin: str | None, method: str | None, headers: str = ""):
    sent = {"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers}
    return http(url, "OPTIONS", {k: v for k, v in sent.items() if v})


def cors_headers(headers: dict) -> dict:
    return {k: v for k, v in headers.items() if k.startswith("access-control-")}


def cognito_call(sb: Sandbox, service: str, operation: str, params: dict, origin: str | None = APP):
    target = {"idp": "AWSCognitoIdentityProviderService", "identity": "AWSCognitoIdentityService"}[service]
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"{target}.{operation}",
               "X-Amz-User-Agent": "aws-amplify/6.22.1 auth/1 framework/1", "Cache-Control": "no-store"}
    if origin:
        headers["Origin"] = origin
    return http(sb.endpoint_url + "/", "POST", headers, json.dumps(params).encode())


def admin_s3(sb: Sandbox):
    return client(sb, "s3", Config(signature_version="s3v4"), **sb.admin_credentials)


def object_url(sb: Sandbox, key: str = "public/sample.csv") -> str:
    return f"{sb.endpoint_url}/{sb.bucket}/{key}"


# ---- Cognito: user pool and identity pool endpoints -------------------------------------------------

def test_the_user_pool_endpoint_allows_amplifys_preflight_from_any_page_without_echoing_it(sb):
    for origin in (APP, STRANGER):
        status, headers, body = preflight(sb.endpoint_url + "/", origin, "POST", AMPLIFY_HEADERS)
        assert (status, body) == (200, b"")
        assert headers["access-control-allow-origin"] == "*"  # Cognito has no per-origin setting
        assert "POST" in headers["access-control-allow-methods"]
        allowed = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
        assert set(AMPLIFY_HEADERS.split(",")) <= allowed
        assert headers["access-control-max-age"] == "172800"
        assert "x-amzn-ErrorType" in headers["access-control-expose-headers"]
        assert "access-control-allow-credentials" not in headers


def test_a_preflight_naming_no_headers_still_allows_what_the_aws_sdks_send(sb):
    status, headers, _ = preflight(sb.endpoint_url + "/", APP, "POST")
    assert status == 200
    allowed = {h.strip() for h in headers["access-control-allow-headers"].split(",")}
    assert {"x-amz-target", "x-amz-user-agent", "content-type", "authorization", "x-amz-date",
            "x-amz-security-token", "cache-control"} <= allowed


def test_cognito_answers_and_errors_are_readable_by_the_page(sb):
    status, headers, body = cognito_call(sb, "idp", "InitiateAuth", {
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": sb.client.client_id,
        "AuthParameters": {"USERNAME": sb.demo_username, "PASSWORD": sb.demo_password}})
    assert status == 200 and "AuthenticationResult" in json.loads(body)
    assert headers["access-control-allow-origin"] == "*"

    status, headers, body = cognito_call(sb, "idp", "InitiateAuth", {
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": sb.client.client_id,
        "AuthParameters": {"USERNAME": sb.demo_username, "PASSWORD": "Wrong-pw-1"}})
    assert status == 400 and json.loads(body)["__type"] == "NotAuthorizedException"
    assert headers["access-control-allow-origin"] == "*"
    # The page reads the error from these headers only because they are exposed.
    exposed = {h.strip().lower() for h in headers["access-control-expose-headers"].split(",")}
    assert {"x-amzn-requestid", "x-amzn-errortype", "x-amzn-errormessage", "date"} <= exposed
    assert headers["x-amzn-errortype"] == "NotAuthorizedException:"
    assert headers["x-amzn-errormessage"] == "Incorrect username or password."


def test_the_identity_pool_endpoint_answers_browsers_too(sb):
    status, headers, _ = preflight(sb.endpoint_url + "/", APP, "POST", "content-type,x-amz-target,x-amz-user-agent")
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    status, headers, body = cognito_call(sb, "identity", "GetId", {"IdentityPoolId": sb.identity_pool_id})
    assert status == 200 and json.loads(body)["IdentityId"].startswith(sb.region)
    assert headers["access-control-allow-origin"] == "*"
    status, headers, body = cognito_call(sb, "identity", "GetId", {"IdentityPoolId": "us-east-1:nope"})
    assert status == 400 and headers["access-control-allow-origin"] == "*"
    assert headers["x-amzn-errortype"].startswith(json.loads(body)["__type"])


def test_sdk_calls_without_an_origin_get_no_cors_headers(sb):
    _, headers, _ = cognito_call(sb, "identity", "GetId", {"IdentityPoolId": sb.identity_pool_id}, origin=None)
    assert cors_headers(headers) == {}


# ---- S3: only the bucket's CORS rules answer --------------------------------------------------------

@pytest.fixture
def bucket_rules(sb):
    """The sample bucket's rules, put back as the sandbox made them after each test that changes them."""
    original = admin_s3(sb).get_bucket_cors(Bucket=sb.bucket)["CORSRules"]
    yield
    admin_s3(sb).put_bucket_cors(Bucket=sb.bucket, CORSConfiguration={"CORSRules": original})


def test_the_sample_bucket_has_amplifys_default_storage_cors(sb):
    rules = admin_s3(sb).get_bucket_cors(Bucket=sb.bucket)["CORSRules"]
    assert len(rules) == 1
    assert rules[0]["AllowedOrigins"] == ["*"] and rules[0]["AllowedHeaders"] == ["*"]
    assert sorted(rules[0]["AllowedMethods"]) == ["DELETE", "GET", "HEAD", "POST", "PUT"]
    assert rules[0]["ExposeHeaders"] == ["x-amz-server-side-encryption", "x-amz-request-id", "x-amz-id-2", "ETag"]
    assert rules[0]["MaxAgeSeconds"] == 3000

    status, headers, _ = preflight(object_url(sb), APP, "PUT", "authorization,x-amz-date,x-amz-content-sha256")
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"  # the rule says *, so * (not the page's origin)
    assert headers["access-control-allow-headers"] == "authorization, x-amz-date, x-amz-content-sha256"
    assert "ETag" in headers["access-control-expose-headers"] and headers["access-control-max-age"] == "3000"


def test_put_bucket_cors_needs_the_admin_keys(sb, bucket_rules):
    body = (b'<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>'
            b'</CORSRule></CORSConfiguration>')
    status, _, answer = http(f"{sb.endpoint_url}/{sb.bucket}?cors", "PUT", {"Content-Type": "application/xml"}, body)
    assert status == 403 and b"<Code>AccessDenied</Code>" in answer
    unsigned = client(sb, "s3", Config(signature_version=UNSIGNED))
    fails("AccessDenied", unsigned.put_bucket_cors, Bucket=sb.bucket, CORSConfiguration=RESTRICTED)
    _, credentials = guest(sb)  # an identity pool's role may use the bucket, not reconfigure it
    fails("AccessDenied", client(sb, "s3", **keys(credentials)).put_bucket_cors, Bucket=sb.bucket,
          CORSConfiguration=RESTRICTED)
    assert admin_s3(sb).get_bucket_cors(Bucket=sb.bucket)["CORSRules"][0]["AllowedOrigins"] == ["*"]

    admin_s3(sb).put_bucket_cors(Bucket=sb.bucket, CORSConfiguration=RESTRICTED)
    assert admin_s3(sb).get_bucket_cors(Bucket=sb.bucket)["CORSRules"][0]["AllowedOrigins"] == \
        RESTRICTED["CORSRules"][0]["AllowedOrigins"]


def test_a_restricted_bucket_allows_only_its_origins_methods_and_headers(sb, bucket_rules):
    admin_s3(sb).put_bucket_cors(Bucket=sb.bucket, CORSConfiguration=RESTRICTED)
    status, headers, _ = preflight(object_url(sb), APP, "PUT", "Authorization,X-Amz-Date,Content-Type")
    assert status == 200
    assert headers["access-control-allow-origin"] == APP and headers["access-control-allow-credentials"] == "true"
    assert headers["access-control-allow-methods"] == "GET, PUT" and headers["access-control-max-age"] == "600"
    assert "Origin" in headers["vary"]
    status, headers, _ = preflight(object_url(sb), "http://lab.school.example", "GET")  # the wildcard rule
    assert status == 200 and headers["access-control-allow-origin"] == "http://lab.school.example"

    refused = [(STRANGER, "GET", ""), ("http://school.example.evil.net", "GET", ""),  # origin not named
               (APP, "DELETE", ""),                                                 # method not allowed
               (APP, "PUT", "authorization,x-custom-header")]                        # a header not allowed
    for origin, method, requested in refused:
        status, headers, body = preflight(object_url(sb), origin, method, requested)
        assert status == 403, (origin, method, requested)
        assert b"<Code>AccessForbidden</Code>" in body and b"This CORS request is not allowed" in body
        assert cors_headers(headers) == {}, "a refused preflight must not echo the origin"


def test_actual_responses_carry_cors_headers_only_for_allowed_origins(sb, bucket_rules):
    admin_s3(sb).put_bucket_cors(Bucket=sb.bucket, CORSConfiguration=RESTRICTED)
    url = admin_s3(sb).generate_presigned_url("get_object", Params={"Bucket": sb.bucket, "Key": "public/sample.csv"})
    status, headers, body = http(url, headers={"Origin": APP})
    assert status == 200 and body.startswith(b"city,")
    assert headers["access-control-allow-origin"] == APP and headers["access-control-expose-headers"] == "ETag"
    status, headers, body = http(url, headers={"Origin": STRANGER})
    assert status == 200 and body.startswith(b"city,")  # S3 answers; the browser will not let the page read it
    assert cors_headers(headers) == {}, "moto's own CORS (any origin) must not reach the browser"
    status, headers, _ = http(object_url(sb), headers={"Origin": APP})  # unsigned: refused, readable by the page
    assert status == 403 and headers["access-control-allow-origin"] == APP


def test_a_bucket_without_cors_refuses_every_preflight(sb, bucket_rules):
    admin_s3(sb).delete_bucket_cors(Bucket=sb.bucket)
    status, headers, body = preflight(object_url(sb), APP, "GET")
    assert status == 403 and b"CORS is not enabled for this bucket." in body
    assert b"<ResourceType>BUCKET</ResourceType>" in body and cors_headers(headers) == {}
    status, headers, _ = http(object_url(sb), headers={"Origin": APP})
    assert cors_headers(headers) == {}
    status, _, body = preflight(f"{sb.endpoint_url}/no-such-bucket-here/key", APP, "GET")
    assert status == 403 and b"AccessForbidden" in body


def test_an_s3_preflight_needs_an_origin_and_a_method(sb):
    status, _, body = preflight(object_url(sb), None, "GET")
    assert status == 400 and b"Insufficient information. Origin request header needed." in body
    status, _, body = preflight(object_url(sb), APP, None)
    assert status == 400 and b"Invalid Access-Control-Request-Method: null" in body
