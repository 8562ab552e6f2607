"""Two sandboxes in one process share nothing: users, codes, signing keys, S3 buckets."""

from __future__ import annotations

import boto3
import pytest

from amplify_nb.sandbox import Sandbox
from tests.conftest import cognito_client


def _s3(sb: Sandbox):
    return boto3.client("s3", region_name=sb.region, endpoint_url=sb.endpoint_url, **sb.admin_credentials)


def test_two_sandboxes_do_not_share_users_or_buckets():
    with Sandbox() as first, Sandbox() as second:
        assert first.port != second.port
        cognito_client(first).sign_up(ClientId=first.client.client_id, Username="only@first.example",
                                      Password="Only-first-1")
        assert first.user("only@first.example") is not None
        assert second.user("only@first.example") is None
        assert len(first.outbox) == 1 and len(second.outbox) == 0

        _s3(first).create_bucket(Bucket="first-bucket")
        assert sorted(b["Name"] for b in _s3(first).list_buckets()["Buckets"]) == sorted(["first-bucket", first.bucket])
        assert [b["Name"] for b in _s3(second).list_buckets()["Buckets"]] == [second.bucket]


def test_a_stopped_sandbox_frees_its_port_and_refuses_connections():
    sb = Sandbox().start()
    client = cognito_client(sb)
    sb.stop()
    with pytest.raises(Exception, match=r"(?i)connect"):
        client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id,
                             AuthParameters={"USERNAME": "x", "PASSWORD": "y"})


def test_on_call_observes_each_answered_operation_until_stopped(sandbox, cognito):
    seen = []
    stop = sandbox.on_call(seen.append)
    cognito.sign_up(ClientId=sandbox.client.client_id, Username="watched@example.com", Password="Watched-pw-1")
    with pytest.raises(cognito.exceptions.CodeMismatchException):
        cognito.confirm_sign_up(ClientId=sandbox.client.client_id, Username="watched@example.com",
                                ConfirmationCode="000000" if sandbox.outbox.last_code() != "000000" else "111111")
    stop()
    cognito.resend_confirmation_code(ClientId=sandbox.client.client_id, Username="watched@example.com")
    assert [(c.operation, c.outcome) for c in seen] == [("SignUp", "ok"), ("ConfirmSignUp", "CodeMismatchException")]
    assert sandbox.calls[-1].operation == "ResendConfirmationCode"
