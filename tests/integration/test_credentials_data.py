"""The data tools a notebook user reaches for, on identity-pool credentials from amplify_nb: pandas (s3fs),
awswrangler and the AWS CLI, against the sandbox's bucket with IAM enforced. Credentials expire on the
shared movable clock, so "keeps working after expiry" is tested without sleeping."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import boto3
import pandas as pd
import pytest

import amplify_nb
from amplify_nb.core.storage import FileStorage
from amplify_nb.sandbox import Sandbox

CREDENTIALS_TTL = 900.0
SAMPLE_COLUMNS = ["city", "country", "population"]
AMPLIFY_NB = Path(sys.executable).parent / "amplify-nb"


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock, credentials_ttl=CREDENTIALS_TTL) as sandbox:
        yield sandbox


@pytest.fixture
def auth(sb, clock):
    return amplify_nb.Auth(sb.config, name="data", clock=clock)


def sample_url(sb: Sandbox) -> str:
    return f"s3://{sb.bucket}/public/sample.csv"


def get_credentials_calls(sb: Sandbox) -> int:
    return sum(c.operation == "GetCredentialsForIdentity" and c.outcome == "ok" for c in sb.calls)


def assert_is_sample(df: pd.DataFrame) -> None:
    assert list(df.columns) == SAMPLE_COLUMNS and len(df) == 10
    assert df["population"].dtype.kind == "i" and "Tokyo" in set(df["city"])


# ---- pandas / s3fs ------------------------------------------------------------------------------
def test_pandas_reads_the_sample_as_a_guest_then_signed_in_with_the_same_storage_options(sb, auth):
    options = auth.storage_options()
    assert_is_sample(pd.read_csv(sample_url(sb), storage_options=options))
    assert auth.current_credentials().authenticated is False

    auth.sign_in(sb.demo_username, sb.demo_password)
    assert_is_sample(pd.read_csv(sample_url(sb), storage_options=options))
    assert_is_sample(pd.read_csv(sample_url(sb), storage_options=auth.storage_options()))
    assert auth.current_credentials().authenticated is True


def test_a_guest_cannot_write_with_pandas(sb, auth):
    df = pd.DataFrame({"a": [1]})
    with pytest.raises(PermissionError):
        df.to_csv(f"s3://{sb.bucket}/public/guest.csv", index=False, storage_options=auth.storage_options())


def test_a_signed_in_user_writes_a_dataframe_to_their_private_folder_and_reads_it_back(sb, auth):
    options = auth.storage_options()  # taken before signing in, as a notebook cell might
    auth.sign_in(sb.demo_username, sb.demo_password)
    identity_id = auth.current_credentials().identity_id
    df = pd.read_csv(sample_url(sb), storage_options=options)
    df["density"] = df["population"] / 1000
    url = f"s3://{sb.bucket}/private/{identity_id}/x.csv"
    df.to_csv(url, index=False, storage_options=options)

    back = pd.read_csv(url, storage_options=auth.storage_options())
    pd.testing.assert_frame_equal(back, df)
    admin = boto3.client("s3", region_name=sb.region, endpoint_url=sb.endpoint_url, **sb.admin_credentials)
    assert admin.head_object(Bucket=sb.bucket, Key=f"private/{identity_id}/x.csv")["ContentLength"] > 0


def test_storage_options_keep_working_after_the_credentials_expire_where_frozen_keys_stop(sb, auth, clock):
    auth.sign_in(sb.demo_username, sb.demo_password)
    options = auth.storage_options()
    url = f"s3://{sb.bucket}/private/{auth.current_credentials().identity_id}/x.csv"
    pd.DataFrame({"step": [0]}).to_csv(url, index=False, storage_options=options)
    frozen = auth.essential_credentials()
    frozen_options = {"key": frozen["access_key_id"], "secret": frozen["secret_access_key"],
                      "token": frozen["session_token"],
                      "client_kwargs": {"endpoint_url": sb.endpoint_url, "region_name": sb.region}}
    assert pd.read_csv(url, storage_options=frozen_options)["step"].tolist() == [0]
    before = get_credentials_calls(sb)

    for step in (1, 2, 3):
        clock.advance(CREDENTIALS_TTL + 1)  # every credential minted so far has expired
        pd.DataFrame({"step": [step]}).to_csv(url, index=False, storage_options=options)
        assert pd.read_csv(url, storage_options=options)["step"].tolist() == [step]
        assert_is_sample(pd.read_csv(sample_url(sb), storage_options=auth.storage_options()))

    assert get_credentials_calls(sb) - before == 3  # one refresh per expiry, not one per call
    with pytest.raises(OSError):  # the sandbox refuses expired keys (400 ExpiredToken; HEAD has no body)
        pd.read_csv(f"s3://{sb.bucket}/public/sample.csv", storage_options=frozen_options)


# ---- awswrangler ---------------------------------------------------------------------------------
# awswrangler 3.x passes pandas 3 a deprecated keyword; not ours to fix.
QUIET_WRANGLER = pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")


@pytest.fixture
def wr(sb):
    import awswrangler

    saved_endpoint, saved_default = awswrangler.config.s3_endpoint_url, boto3.DEFAULT_SESSION
    awswrangler.config.s3_endpoint_url = sb.endpoint_url
    try:
        yield awswrangler
    finally:
        if saved_endpoint is None:
            awswrangler.config.reset("s3_endpoint_url")
        else:
            awswrangler.config.s3_endpoint_url = saved_endpoint
        boto3.DEFAULT_SESSION = saved_default


@QUIET_WRANGLER
def test_awswrangler_reads_and_writes_through_the_session_across_expiry(sb, auth, clock, wr):
    assert_is_sample(wr.s3.read_csv(sample_url(sb), boto3_session=auth.boto3_session()))
    auth.sign_in(sb.demo_username, sb.demo_password)
    session = auth.boto3_session()
    url = f"s3://{sb.bucket}/private/{auth.current_credentials().identity_id}/wr.csv"
    wr.s3.to_csv(pd.DataFrame({"n": [1, 2]}), url, index=False, boto3_session=session)

    clock.advance(CREDENTIALS_TTL + 1)
    assert wr.s3.read_csv(url, boto3_session=session)["n"].tolist() == [1, 2]
    assert_is_sample(wr.s3.read_csv(sample_url(sb), boto3_session=session))
    assert auth.current_credentials().expiration > clock()


@QUIET_WRANGLER
def test_awswrangler_reads_through_the_default_session_with_no_session_argument(sb, auth, clock, wr):
    auth.sign_in(sb.demo_username, sb.demo_password)
    assert auth.set_default_boto3_session() is boto3.DEFAULT_SESSION
    assert_is_sample(wr.s3.read_csv(sample_url(sb)))
    clock.advance(CREDENTIALS_TTL + 1)
    assert_is_sample(wr.s3.read_csv(sample_url(sb)))
    identity_id = auth.current_credentials().identity_id
    assert wr.s3.list_objects(f"s3://{sb.bucket}/private/{identity_id}/") == []


# ---- the AWS CLI through credential_process ------------------------------------------------------
@pytest.fixture
def live_sb():
    """A sandbox on real time: the CLI subprocess cannot share a movable clock."""
    with Sandbox() as sandbox:
        yield sandbox


def aws_cli(sb: Sandbox, config: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PROFILE="notebook",
               AWS_EC2_METADATA_DISABLED="true")
    return subprocess.run([sys.executable, "-m", "awscli", *args, "--endpoint-url", sb.endpoint_url,
                           "--region", sb.region], env=env, capture_output=True, text=True, timeout=60)


def credential_process(name: str, directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(AMPLIFY_NB), "credential-process", "--name", name, "--storage-dir", str(directory)],
                          capture_output=True, text=True, timeout=60)


def test_the_aws_cli_lists_and_copies_through_credential_process(live_sb, tmp_path):
    sb = live_sb
    auth = amplify_nb.Auth(sb.config, name="notebook", storage=FileStorage(tmp_path, "notebook"))
    auth.sign_in(sb.demo_username, sb.demo_password)
    identity_id = auth.current_credentials().identity_id
    config = tmp_path / "aws_config"
    config.write_text(f"[profile notebook]\nregion = {sb.region}\ncredential_process = {AMPLIFY_NB} "
                      f"credential-process --name notebook --storage-dir {tmp_path}\n")

    listed = aws_cli(sb, config, "s3", "ls", f"s3://{sb.bucket}/public/")
    assert listed.returncode == 0, listed.stderr
    assert "sample.csv" in listed.stdout
    copied = aws_cli(sb, config, "s3", "cp", f"s3://{sb.bucket}/public/sample.csv", str(tmp_path / "sample.csv"))
    assert copied.returncode == 0, copied.stderr
    assert_is_sample(pd.read_csv(tmp_path / "sample.csv"))
    uploaded = aws_cli(sb, config, "s3", "cp", str(tmp_path / "sample.csv"),
                       f"s3://{sb.bucket}/private/{identity_id}/from-cli.csv")
    assert uploaded.returncode == 0, uploaded.stderr  # the signed-in user's role, not a guest's
    refused = aws_cli(sb, config, "s3", "ls", f"s3://{sb.bucket}/private/someone-else/")
    assert refused.returncode != 0 and "AccessDenied" in refused.stderr


def test_credential_process_prints_version_1_json_reusing_kept_credentials(live_sb, tmp_path):
    sb = live_sb
    auth = amplify_nb.Auth(sb.config, name="notebook", storage=FileStorage(tmp_path, "notebook"))
    auth.sign_in(sb.demo_username, sb.demo_password)
    notebooks = auth.current_credentials()  # kept beside the tokens, with the identity id
    operations = len(sb.calls)
    reused = credential_process("notebook", tmp_path)
    assert reused.returncode == 0, reused.stderr
    assert json.loads(reused.stdout)["AccessKeyId"] == notebooks.access_key_id
    assert sb.calls[operations:] == []  # each AWS CLI call is a new process: none of them asks Cognito

    auth.credentials_manager.clear()  # nothing kept: the next process asks Cognito Identity once
    operations = len(sb.calls)
    done = credential_process("notebook", tmp_path)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["Version"] == 1
    assert set(printed) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    assert printed["AccessKeyId"].startswith("ASIA") and printed["SecretAccessKey"] and printed["SessionToken"]
    expires = datetime.fromisoformat(printed["Expiration"].replace("Z", "+00:00"))
    assert expires.tzinfo is not None and expires.timestamp() > datetime.now().timestamp()
    assert [c.operation for c in sb.calls[operations:]] == ["GetCredentialsForIdentity"]
    assert done.stderr == ""


def test_credential_process_failures_exit_1_with_a_clear_message_and_nothing_secret(live_sb, tmp_path):
    sb = live_sb
    auth = amplify_nb.Auth(sb.config, name="notebook", storage=FileStorage(tmp_path, "notebook"))
    auth.sign_in(sb.demo_username, sb.demo_password)
    credentials, tokens = auth.current_credentials(), auth.current_session()
    secrets = [sb.demo_password, tokens.id_token, tokens.access_token, tokens.refresh_token,
               credentials.secret_access_key, credentials.session_token]

    unknown = credential_process("nobody", tmp_path)
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert "'nobody'" in unknown.stderr and "no stored configuration" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    assert not (tmp_path / "nobody.json").exists()

    auth.credentials_manager.clear()  # nothing kept: the process must reach Cognito
    sb.stop()
    unreachable = credential_process("notebook", tmp_path)
    assert unreachable.returncode == 1 and unreachable.stdout == ""
    assert sb.endpoint_url in unreachable.stderr and "Traceback" not in unreachable.stderr  # says where
    for output in (unknown.stderr, unreachable.stderr):
        assert not [s for s in secrets if s and s in output]
