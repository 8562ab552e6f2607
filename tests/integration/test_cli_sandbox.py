"""`amplify-nb sandbox` as a new user runs it: foreground, prints the demo user, writes the config."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from pycognito.aws_srp import AWSSRP


def _read_until(proc: subprocess.Popen, pattern: str, timeout: float = 30.0) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if re.search(pattern, line):
            return lines
    raise AssertionError(f"never saw {pattern!r}; got {lines!r}")


@pytest.fixture
def cli_sandbox(tmp_path):
    out = tmp_path / "amplify_outputs.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "amplify_nb.cli", "sandbox", "--config-out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = _read_until(proc, r"press Ctrl\+C")
        yield proc, "".join(lines), out
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        proc.stdout.close()


def test_printed_demo_user_signs_in_with_srp(cli_sandbox):
    _, printed, out = cli_sandbox
    user = re.search(r"demo user: (\S+)\s+password: (\S+)", printed)
    assert user, printed
    config = json.loads(out.read_text())
    endpoint = config["custom"]["amplify_nb"]["endpoint_url"]
    assert endpoint.startswith("http://127.0.0.1:")
    auth = config["auth"]
    client = boto3.client("cognito-idp", region_name=auth["aws_region"], endpoint_url=endpoint,
                          aws_access_key_id="x", aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))
    result = AWSSRP(user.group(1), user.group(2), auth["user_pool_id"], auth["user_pool_client_id"],
                    client=client).authenticate_user()
    assert result["AuthenticationResult"]["AccessToken"]
    with pytest.raises(client.exceptions.NotAuthorizedException):
        AWSSRP(user.group(1), user.group(2) + "x", auth["user_pool_id"], auth["user_pool_client_id"],
               client=client).authenticate_user()


def test_cli_prints_codes_it_sends_and_stops_cleanly(cli_sandbox):
    proc, _, out = cli_sandbox
    config = json.loads(out.read_text())
    endpoint = config["custom"]["amplify_nb"]["endpoint_url"]
    client = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint,
                          aws_access_key_id="x", aws_secret_access_key="x")
    client.sign_up(ClientId=config["auth"]["user_pool_client_id"], Username="learner@example.com",
                   Password="Learner-pw-1", UserAttributes=[{"Name": "email", "Value": "learner@example.com"}])
    line = "".join(_read_until(proc, r"\[outbox\]"))
    code = re.search(r"\b(\d{6})\b", line).group(1)
    client.confirm_sign_up(ClientId=config["auth"]["user_pool_client_id"], Username="learner@example.com",
                           ConfirmationCode=code)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0
    assert "stopped" in proc.stdout.read()


def test_cli_writes_the_identity_pool_and_storage_and_guests_read_the_sample(cli_sandbox):
    _, printed, out = cli_sandbox
    config = json.loads(out.read_text())
    endpoint = config["custom"]["amplify_nb"]["endpoint_url"]
    region, pool_id = config["auth"]["aws_region"], config["auth"]["identity_pool_id"]
    bucket = config["storage"]["bucket_name"]
    assert config["storage"]["aws_region"] == region and bucket in printed
    ci = boto3.client("cognito-identity", region_name=region, endpoint_url=endpoint,
                      config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    identity_id = ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    credentials = ci.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]
    s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint, aws_access_key_id=credentials["AccessKeyId"],
                      aws_secret_access_key=credentials["SecretKey"], aws_session_token=credentials["SessionToken"])
    assert s3.get_object(Bucket=bucket, Key="public/sample.csv")["Body"].read().startswith(b"city,")
