"""At DEBUG, with every logger on, no record holds a secret (issue 13, item 5): botocore signing a user's S3
calls with the injected credentials logs the session token header, and Cognito's answers carry tokens; each
is redacted where the record is made, whichever logger made it."""

from __future__ import annotations

import logging

import pytest

import amplify_nb
from amplify_nb.core.log_redaction import REDACTED
from amplify_nb.sandbox import Sandbox


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock) as sandbox:
        yield sandbox


def test_no_session_token_secret_key_or_token_in_any_debug_record(sb, clock, caplog):
    auth = amplify_nb.Auth(sb.config, name="logs", clock=clock)
    caplog.set_level(logging.DEBUG)  # the root logger: every library's records reach caplog
    assert auth.sign_in(sb.demo_username, sb.demo_password).is_signed_in
    credentials = auth.current_credentials()
    s3 = auth.boto3_session().client("s3")
    s3.put_object(Bucket=sb.bucket, Key=f"private/{credentials.identity_id}/n.txt", Body=b"x")
    s3.list_objects_v2(Bucket=sb.bucket, Prefix="public/")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": sb.bucket, "Key": "public/sample.csv"})
    logging.getLogger("a.user.logger").debug("the user logs the presigned URL: %s", url)
    tokens = auth.current_session()

    secrets = {"secret key": credentials.secret_access_key, "session token": credentials.session_token,
               "id token": tokens.id_token, "access token": tokens.access_token,
               "refresh token": tokens.refresh_token, "password": sb.demo_password}
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "X-Amz-Security-Token" in text  # botocore did log the signed requests' headers at DEBUG
    assert REDACTED in text
    leaked = [what for what, value in secrets.items() if value and value in text]
    assert leaked == []
