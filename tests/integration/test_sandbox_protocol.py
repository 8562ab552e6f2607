"""The sandbox on the wire: bad input gets Cognito's 400 JSON errors, never a 500; concurrent clients lose nothing."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config
from pycognito.aws_srp import AWSSRP

from tests.conftest import at_once, cognito_client

TARGET = "AWSCognitoIdentityProviderService."
JSON_11 = "application/x-amz-json-1.1"


def post(sb, operation: str, body, *, headers: dict | None = None) -> tuple[int, dict]:
    """One raw request, as a non-boto client would send it; returns (status, decoded JSON body)."""
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    connection = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=30)
    try:
        connection.request("POST", "/", body=raw, headers={"X-Amz-Target": TARGET + operation,
                                                           "Content-Type": JSON_11, **(headers or {})},
                           encode_chunked=bool(headers and headers.get("Transfer-Encoding") == "chunked"))
        response = connection.getresponse()
        assert response.getheader("Content-Type") == JSON_11
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def assert_refused(status: int, body: dict, code: str) -> None:
    assert status == 400, body
    assert set(body) == {"__type", "message"}
    assert body["__type"] == code, body
    assert isinstance(body["message"], str) and body["message"]


def still_serving(sb, cognito) -> None:
    result = cognito.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id,
                                   AuthParameters={"USERNAME": sb.demo_username, "PASSWORD": sb.demo_password})
    assert result["AuthenticationResult"]["TokenType"] == "Bearer"


# ---- bodies that are not a Cognito request ---------------------------------------------------------
@pytest.mark.parametrize("body", [
    pytest.param(b'{"ClientId": ', id="truncated-json"),
    pytest.param(b"{'ClientId': 'single-quoted'}", id="not-json"),
    pytest.param(b'[{"ClientId": "x"}]', id="json-array"),
    pytest.param(b'"just a string"', id="json-string"),
    pytest.param(b"null", id="json-null"),
    pytest.param(b"\xff\xfe{\x00}", id="not-utf8"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="absurdly-nested"),
])
def test_a_body_that_is_not_a_json_object_is_a_serialization_error(sandbox, cognito, body):
    assert_refused(*post(sandbox, "SignUp", body), "SerializationException")
    still_serving(sandbox, cognito)


def test_unknown_operation(sandbox, cognito):
    status, body = post(sandbox, "TeleportUser", {"ClientId": sandbox.client.client_id})
    assert_refused(status, body, "UnknownOperationException")
    assert "TeleportUser" in body["message"]
    still_serving(sandbox, cognito)


@pytest.mark.parametrize(("operation", "params", "mentions"), [
    ("SignUp", {}, "clientId"),
    ("SignUp", {"ClientId": "{client}", "Password": "Some-Pass-1!"}, "username"),
    ("InitiateAuth", {"ClientId": "{client}"}, "authFlow"),
    ("InitiateAuth", {"ClientId": "{client}", "AuthFlow": "USER_SRP_AUTH"}, "USERNAME"),
    ("InitiateAuth", {"ClientId": "{client}", "AuthFlow": "USER_PASSWORD_AUTH",
                      "AuthParameters": {"USERNAME": "demo@example.com"}}, "PASSWORD"),
    ("ConfirmSignUp", {"ClientId": "{client}", "Username": "demo@example.com"}, "confirmationCode"),
    ("RespondToAuthChallenge", {"ClientId": "{client}"}, "challengeName"),
])
def test_a_missing_required_parameter_is_named(sandbox, cognito, operation, params, mentions):
    params = {k: (sandbox.client.client_id if v == "{client}" else v) for k, v in params.items()}
    status, body = post(sandbox, operation, params)
    assert_refused(status, body, "InvalidParameterException")
    assert mentions in body["message"]
    still_serving(sandbox, cognito)


@pytest.mark.parametrize(("operation", "params"), [
    ("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": [["USERNAME", "demo@example.com"]]}),
    ("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": ["demo@example.com"]}}),
    ("InitiateAuth", {"AuthFlow": 7, "AuthParameters": {}}),
    ("SignUp", {"Username": "typed@example.com", "Password": "Typed-Pass-1!", "UserAttributes": {"name": "x"}}),
    ("SignUp", {"Username": "typed@example.com", "Password": "Typed-Pass-1!", "ClientMetadata": {"n": 1}}),
    ("SignUp", {"Username": {"first": "typed"}, "Password": "Typed-Pass-1!"}),
])
def test_a_member_of_the_wrong_type_is_refused(sandbox, cognito, operation, params):
    status, body = post(sandbox, operation, {"ClientId": sandbox.client.client_id, **params})
    assert_refused(status, body, "SerializationException")
    assert sandbox.user("typed@example.com") is None
    still_serving(sandbox, cognito)


# ---- usernames -----------------------------------------------------------------------------------
@pytest.mark.parametrize("username", [
    pytest.param("u" * 117 + "@example.com", id="129-characters"),
    pytest.param("   ", id="whitespace-only"),
    pytest.param(" lead@example.com", id="leading-space"),
    pytest.param("two words@example.com", id="inner-space"),
    pytest.param("nul\x00byte@example.com", id="nul"),
    pytest.param("tab\tbed@example.com", id="tab"),
    pytest.param("new\nline@example.com", id="newline"),
    pytest.param("del\x7fete@example.com", id="del"),
    pytest.param("zero\u200bwidth@example.com", id="zero-width-space"),
])
def test_a_username_outside_cognitos_pattern_is_refused(sandbox, cognito, username):
    params = {"ClientId": sandbox.client.client_id, "Username": username, "Password": "Valid-Pass-1!"}
    status, body = post(sandbox, "SignUp", params)
    assert_refused(status, body, "InvalidParameterException")
    assert "username" in body["message"]
    assert len(sandbox.pool.users) == 1 and len(sandbox.outbox) == 0  # only the demo user, no code sent
    status, body = post(sandbox, "ConfirmSignUp", {**params, "ConfirmationCode": "123456"})
    assert_refused(status, body, "InvalidParameterException")
    still_serving(sandbox, cognito)


def test_a_128_character_username_is_accepted(sandbox, cognito):
    username = "u" * 116 + "@example.com"
    assert len(username) == 128
    result = cognito.sign_up(ClientId=sandbox.client.client_id, Username=username, Password="Valid-Pass-1!")
    assert result["UserConfirmed"] is False and sandbox.user(username) is not None


# ---- framing -------------------------------------------------------------------------------------
def test_an_oversized_body_is_refused_and_the_answer_still_arrives(sandbox, cognito):
    params = {"ClientId": sandbox.client.client_id, "Username": "big@example.com", "Password": "Big-Pass-1!",
              "ClientMetadata": {"padding": "x" * (300 * 1024)}}
    status, body = post(sandbox, "SignUp", params)
    assert status == 400 and set(body) == {"__type", "message"}
    assert sandbox.user("big@example.com") is None
    still_serving(sandbox, cognito)


def test_a_chunked_body_is_read_like_any_other(sandbox):
    payload = json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": sandbox.client.client_id,
                          "AuthParameters": {"USERNAME": sandbox.demo_username, "PASSWORD": sandbox.demo_password}})
    pieces = [payload[i:i + 50].encode() for i in range(0, len(payload), 50)]
    status, body = post(sandbox, "InitiateAuth", iter(pieces), headers={"Transfer-Encoding": "chunked"})
    assert status == 200 and body["AuthenticationResult"]["TokenType"] == "Bearer"


@pytest.mark.parametrize("length", [b"-5", b"many"])
def test_a_nonsense_content_length_is_a_400(sandbox, cognito, length):
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=30) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: sandbox\r\nX-Amz-Target: " + (TARGET + "SignUp").encode()
                     + b"\r\nContent-Type: " + JSON_11.encode() + b"\r\nContent-Length: " + length + b"\r\n\r\n{}")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, payload = reply.partition(b"\r\n\r\n")
    # Refused by the HTTP layer before any service reads it (as AWS's front door does), saying why.
    assert head.startswith(b"HTTP/1.1 400") and b"Content-Length" in payload
    still_serving(sandbox, cognito)


# ---- concurrency ---------------------------------------------------------------------------------
def own_client(sb):
    return boto3.session.Session().client(
        "cognito-idp", region_name=sb.region, endpoint_url=sb.endpoint_url, aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox", config=Config(retries={"max_attempts": 1}))


def test_eight_clients_sign_up_confirm_and_sign_in_at_once(sandbox):
    count = 8
    clients = [own_client(sandbox) for _ in range(count)]
    start = threading.Barrier(count, timeout=30)

    def journey(i: int) -> tuple[str, str]:
        client, email, password = clients[i], f"user{i}@example.com", f"Parallel-Pass-{i}!"
        start.wait()
        sub = client.sign_up(ClientId=sandbox.client.client_id, Username=email, Password=password)["UserSub"]
        code = sandbox.outbox.last_code(email, kind="SignUp")
        client.confirm_sign_up(ClientId=sandbox.client.client_id, Username=email, ConfirmationCode=code)
        tokens = AWSSRP(username=email, password=password, pool_id=sandbox.pool.pool_id,
                        client_id=sandbox.client.client_id, client=client).authenticate_user()
        me = client.get_user(AccessToken=tokens["AuthenticationResult"]["AccessToken"])
        attributes = {a["Name"]: a["Value"] for a in me["UserAttributes"]}
        assert attributes["email"] == email and attributes["sub"] == sub
        return email, sub

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(journey, range(count)))

    assert len({sub for _, sub in results}) == count
    for email, sub in results:
        user = sandbox.user(email)
        assert user is not None and user.sub == sub and user.status == "CONFIRMED"
        assert user.attributes["email_verified"] == "true"
    assert len(sandbox.pool.users) == count + 1  # and the demo user
    signups = [c for c in sandbox.calls if c.operation == "SignUp"]
    assert len(signups) == count and all(c.outcome == "ok" for c in signups)


def test_racing_sign_ups_of_one_email_make_exactly_one_user(sandbox):
    clients = [cognito_client(sandbox, one_try=True) for _ in range(8)]
    outcomes = at_once(8, lambda i: clients[i].sign_up(ClientId=sandbox.client.client_id, Username="race@example.com",
                                                       Password=f"Race-Pass-{i}!"))
    assert outcomes == ["UsernameExistsException"] * 7 + ["ok"]
    assert sum(u.attributes.get("email") == "race@example.com" for u in sandbox.pool.users.values()) == 1
    assert len(sandbox.outbox) == 1
