"""A configuration with an identity pool and no user pool, as Amplify JS accepts it: guest credentials
work (here against the sandbox's identity pool and S3), and every user-pool flow says clearly, before any
call, that there is no user pool. Also %auth_configure's one line and its --verbose listing."""

from __future__ import annotations

from pathlib import Path

import pytest

import amplify_nb
from amplify_nb.config import load_config
from amplify_nb.errors import ConfigurationError
from amplify_nb.sandbox import Sandbox
from tests.integration.ipython_shell import ipython_shell, ok

FIXTURES = Path(__file__).parent.parent / "fixtures" / "config"


@pytest.fixture(scope="module")
def sb():
    with Sandbox() as sandbox:
        yield sandbox


def identity_only(sb) -> dict:
    """aws-exports.js's keys for the sandbox's identity pool alone (amplify_nb's endpoint override added)."""
    return {"aws_project_region": sb.region, "aws_cognito_identity_pool_id": sb.identity_pool_id,
            "aws_user_files_s3_bucket": sb.bucket, "amplify_nb": {"endpoint_url": sb.endpoint_url}}


@pytest.mark.parametrize("name", ["aws-exports.identity-pool-only.js",
                                  "amplifyconfiguration.native-identity-only.json"])
def test_identity_pool_only_files_are_accepted(name):
    config = load_config(FIXTURES / name)  # was "Missing required key aws_user_pools_id"
    assert config.user_pool_id is None and config.user_pool_client_id is None and not config.has_user_pool
    assert config.identity_pool_id and config.region == config.identity_pool_id.split(":")[0]
    assert config.allow_guest_access is True
    with pytest.raises(ConfigurationError, match="no user pool"):
        config.require_user_pool()


def test_identity_pool_only_v6_takes_its_region_from_the_identity_pool_id():
    config = load_config({"Auth": {"Cognito": {"identityPoolId": "ap-south-1:0f1e2d3c-4b5a-4969-8877-665544332211",
                                               "allowGuestAccess": True}}})
    assert (config.region, config.user_pool_id, config.allow_guest_access) == ("ap-south-1", None, True)


def test_neither_pool_names_the_user_pool_key():
    with pytest.raises(ConfigurationError, match="Missing required key") as info:
        load_config({"aws_project_region": "us-east-1", "aws_cognito_identity_pool_id": ""})
    assert info.value.key == "aws_user_pools_id"


def test_guest_credentials_work_and_user_pool_flows_refuse_clearly(sb):
    auth = amplify_nb.Auth(identity_only(sb), name="identity-only")
    credentials = auth.current_credentials()
    assert credentials.identity_id and not credentials.authenticated
    body = auth.boto3_session().client("s3").get_object(Bucket=sb.bucket, Key="public/sample.csv")["Body"].read()
    assert len(body.splitlines()) > 1  # the sample CSV, read with guest credentials

    before = len(sb.calls)
    for flow in (lambda: auth.sign_in("ada@example.com", "Correct-horse-1"),
                 lambda: auth.sign_up("ada@example.com", "Correct-horse-1"),
                 lambda: auth.forgot_password("ada@example.com")):
        with pytest.raises(ConfigurationError, match="no user pool"):
            flow()
    assert [call.operation for call in sb.calls[before:]] == []  # refused here, not by Cognito
    assert auth.current_credentials().identity_id == credentials.identity_id  # still the same guest


def test_auth_configure_says_which_pools_and_verbose_lists_what_was_read(sb, tmp_path):
    with ipython_shell(tmp_path) as shell:
        shell.user_ns["guest_only"] = identity_only(sb)
        cell = ok(shell, "%auth_configure guest_only --name guest-only")
        assert cell.stdout.strip() == f"Configured session 'guest-only': identity pool {sb.identity_pool_id}"
        verbose = ok(shell, f"%auth_configure {FIXTURES / 'amplify_outputs.full.json'} --name full --verbose").stdout
    assert "user pool eu-west-1_Notes4242, identity pool" in verbose
    assert "MFA: OPTIONAL (TOTP, EMAIL)" in verbose and "verified by code: email" in verbose
    assert "not read by amplify_nb (2): custom.analytics_dashboard, data" in verbose
    assert "not-a-real-api-key" not in verbose
