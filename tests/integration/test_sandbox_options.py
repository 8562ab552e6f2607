"""The sandbox's sign-in options, in Python and on the `amplify-nb sandbox` command line, and what the
amplify_outputs.json it writes says about them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import boto3
import pytest
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from tests.integration.test_cli_sandbox import _read_until


def test_config_carries_the_passwordless_settings_amplify_reads_and_the_rest_under_custom(make_sandbox):
    sb, _ = make_sandbox(sign_in_policy=("PASSWORD", "EMAIL_OTP"), refresh_token_rotation=True,
                         refresh_token_grace_seconds=10, device_tracking="user_opt_in")
    config = sb.config
    assert config["auth"]["passwordless"] == {"email_otp_enabled": True, "sms_otp_enabled": False}
    custom = config["custom"]["amplify_nb"]
    assert custom["sign_in_policy"] == ["PASSWORD", "EMAIL_OTP"]
    assert custom["refresh_token_rotation"] is True and custom["refresh_token_grace_seconds"] == 10
    assert custom["device_tracking"] == "user_opt_in"
    password_only, _ = make_sandbox(sign_in_policy=("PASSWORD",))
    assert "passwordless" not in password_only.config["auth"]
    assert password_only.config["custom"]["amplify_nb"]["device_tracking"] is None


def test_describe_user_pool_shows_the_sign_in_policy_and_device_configuration(make_sandbox):
    sb, idp = make_sandbox(sign_in_policy=("EMAIL_OTP", "PASSWORD"), device_tracking="always")
    pool = idp.describe_user_pool(UserPoolId=sb.pool.pool_id)["UserPool"]
    assert pool["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"] == ["EMAIL_OTP", "PASSWORD"]
    assert pool["DeviceConfiguration"] == {"ChallengeRequiredOnNewDevice": True,
                                           "DeviceOnlyRememberedOnUserPrompt": False}


@pytest.mark.parametrize("options", [
    {"sign_in_policy": ()}, {"sign_in_policy": ("WEB_AUTHN",)}, {"device_tracking": "sometimes"},
    {"refresh_token_grace_seconds": 61}, {"refresh_token_grace_seconds": -1},
])
def test_options_cognito_would_refuse_are_refused(options):
    with pytest.raises(ValueError):
        Sandbox(moto=False, demo_user=False, identity_pool=False, **options)


def test_a_rotating_client_cannot_also_allow_refresh_token_auth(make_sandbox):
    sb, _ = make_sandbox()
    with pytest.raises(ValueError):
        sb.add_client(refresh_token_rotation=True, explicit_auth_flows=["ALLOW_USER_SRP_AUTH",
                                                                         "ALLOW_REFRESH_TOKEN_AUTH"])


def test_the_command_line_options_shape_the_pool_and_the_written_config(tmp_path):
    out = tmp_path / "amplify_outputs.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "amplify_nb.cli", "sandbox", "--config-out", str(out), "--sign-in-policy",
         "password,email_otp", "--refresh-token-rotation", "--refresh-token-grace-seconds", "5",
         "--device-tracking", "always"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        printed = "".join(_read_until(proc, r"press Ctrl\+C"))
        assert "sign-in policy PASSWORD,EMAIL_OTP; refresh-token rotation on, grace 5 s; device tracking always" \
            in printed
        user = re.search(r"demo user: (\S+)\s+password: (\S+)", printed)
        config = json.loads(out.read_text())
        assert config["auth"]["passwordless"] == {"email_otp_enabled": True, "sms_otp_enabled": False}
        idp = boto3.client("cognito-idp", region_name=config["auth"]["aws_region"],
                           endpoint_url=config["custom"]["amplify_nb"]["endpoint_url"], aws_access_key_id="x",
                           aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))
        tokens = idp.initiate_auth(ClientId=config["auth"]["user_pool_client_id"], AuthFlow="USER_AUTH",
                                   AuthParameters={"USERNAME": user.group(1), "PREFERRED_CHALLENGE": "PASSWORD",
                                                   "PASSWORD": user.group(2)})["AuthenticationResult"]
        assert tokens["NewDeviceMetadata"]["DeviceKey"]
        rotated = idp.get_tokens_from_refresh_token(ClientId=config["auth"]["user_pool_client_id"],
                                                    RefreshToken=tokens["RefreshToken"],
                                                    DeviceKey=tokens["NewDeviceMetadata"]["DeviceKey"])
        assert rotated["AuthenticationResult"]["RefreshToken"] != tokens["RefreshToken"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        proc.stdout.close()
