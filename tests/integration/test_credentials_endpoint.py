"""auth.credentials_endpoint(): the session's credentials for any AWS SDK on the machine, in the container-
credentials format, behind a token in a 0600 file; and `amplify-nb credentials-endpoint` for a session kept
in FileStorage. The format is checked by botocore's own ContainerProvider; a plain subprocess (no amplify_nb)
gets refreshing credentials through it. Where the session's clock can be moved it is; the subprocess test
needs real time and uses the sandbox's 2-second credentials instead."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest
from botocore.credentials import ContainerProvider

import amplify_nb
from amplify_nb import FileStorage
from amplify_nb.credentials.endpoint import FULL_URI_ENV, TOKEN_FILE_ENV, export_env, restore_env
from amplify_nb.sandbox import Sandbox

AMPLIFY_NB = Path(sys.executable).parent / "amplify-nb"


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock, credentials_ttl=120.0) as sandbox:
        yield sandbox


@pytest.fixture
def auth(sb, clock):
    auth = amplify_nb.Auth(sb.config, name="endpoint", clock=clock)
    auth.sign_in(sb.demo_username, sb.demo_password)
    return auth


@pytest.fixture
def endpoint(auth):
    with auth.credentials_endpoint() as endpoint:
        yield endpoint


def fetch(endpoint, token: str | None = "file", path: str | None = None, method: str = "GET"):
    """(status, JSON body) of one request, as an SDK would make it; token "file" reads the token file."""
    if token == "file":
        token = Path(endpoint.env[TOKEN_FILE_ENV]).read_text()
    url = endpoint.url if path is None else f"http://127.0.0.1:{endpoint.port}{path}"
    request = urllib.request.Request(url, method=method, headers={} if token is None else {"Authorization": token})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def get_credentials_calls(sb) -> int:
    return sum(c.operation == "GetCredentialsForIdentity" for c in sb.calls)


def test_botocores_container_provider_reads_the_sessions_credentials(auth, endpoint):
    assert set(endpoint.env) == {FULL_URI_ENV, TOKEN_FILE_ENV}
    assert endpoint.env[FULL_URI_ENV].startswith("http://127.0.0.1:")  # loopback: botocore allows plain HTTP
    loaded = ContainerProvider(environ=dict(endpoint.env)).load()
    mine = auth.current_credentials()
    frozen = loaded.get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == (
        mine.access_key_id, mine.secret_access_key, mine.session_token)
    status, body = fetch(endpoint)
    assert status == 200 and set(body) == {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
    expires = datetime.strptime(body["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert 0 <= mine.expiration - expires.timestamp() < 1  # whole seconds, never later than the real expiry


def test_a_missing_or_wrong_token_is_refused_with_401_and_logged_without_it(endpoint, caplog):
    token = Path(endpoint.env[TOKEN_FILE_ENV]).read_text()
    wrong = "W" * len(token)
    with caplog.at_level(logging.DEBUG):
        assert fetch(endpoint, token=None) == (401, {"code": "InvalidToken", "message": "missing authorization token"})
        assert fetch(endpoint, token=wrong)[0] == 401
        assert fetch(endpoint, token=token[:-1])[0] == 401
        assert fetch(endpoint, token=f"Bearer {token}")[0] == 200  # curl users add the scheme
        assert fetch(endpoint, path="/")[0] == 404
        assert fetch(endpoint, method="POST")[0] == 405
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 3 and "missing" in refusals[0] and "wrong" in refusals[1]
    assert not any(token[:8] in text or wrong[:8] in text for text in caplog.text.splitlines())
    assert endpoint.counts["refused"] == 3 and token not in repr(endpoint)


def test_no_secret_reaches_a_log_a_repr_or_an_error_body(auth, endpoint, caplog):
    token = Path(endpoint.env[TOKEN_FILE_ENV]).read_text()
    tokens, credentials = auth.session_state.tokens(), auth.current_credentials()
    with caplog.at_level(logging.DEBUG, logger="amplify_nb"):
        bodies = [fetch(endpoint)[1], fetch(endpoint, token="x" + token)[1], fetch(endpoint, token=None)[1]]
        auth.sign_out()
        bodies.append(fetch(endpoint)[1])
    shown = caplog.text + repr(endpoint) + repr(endpoint.env) + json.dumps(bodies[1:])
    for secret in (token, credentials.secret_access_key, credentials.session_token, tokens.refresh_token,
                   tokens.id_token, tokens.access_token):
        assert secret[:16] not in shown
    assert bodies[0]["SecretAccessKey"] == credentials.secret_access_key  # the one place they belong


def test_after_sign_out_the_endpoint_answers_401_never_the_last_credentials(sb, auth, endpoint):
    assert fetch(endpoint)[0] == 200
    auth.sign_out()
    before = len(sb.calls)
    status, body = fetch(endpoint)
    assert status == 401 and body["code"] == "NotAuthenticated"
    assert [c.operation for c in sb.calls[before:]] == []  # not even the guest's credentials were fetched

    auth.sign_in(sb.demo_username, sb.demo_password)  # it follows the session: a new sign-in is served
    status, body = fetch(endpoint)
    assert status == 200 and body["AccessKeyId"] == auth.current_credentials().access_key_id


def test_with_guest_the_endpoint_serves_the_guest_after_sign_out(sb, auth):
    with auth.credentials_endpoint(guest=True) as endpoint:
        auth.sign_out()
        status, body = fetch(endpoint)
        assert status == 200 and body["AccessKeyId"] == auth.current_credentials().access_key_id
        assert not auth.current_credentials().authenticated


def test_many_clients_cost_cognito_one_call_per_credential_lifetime(sb, auth, endpoint, clock):
    first = auth.current_credentials()
    before = get_credentials_calls(sb)
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.extend(fetch(endpoint)[0] for _ in range(5)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 40 and get_credentials_calls(sb) == before
    clock.advance(first.expiration - clock() - 1)  # due: the next request refreshes, once
    threads = [threading.Thread(target=lambda: statuses.append(fetch(endpoint)[0])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses[40:] == [200] * 8 and get_credentials_calls(sb) == before + 1
    assert fetch(endpoint)[1]["AccessKeyId"] != first.access_key_id


def test_the_token_file_is_private_and_closing_removes_it_and_stops_serving(auth):
    endpoint = auth.credentials_endpoint()
    token_file = Path(endpoint.env[TOKEN_FILE_ENV])
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    endpoint.close()
    assert not token_file.exists() and not token_file.parent.exists()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(endpoint.url, timeout=2)
    assert "closed" in repr(endpoint)


def test_export_env_drops_the_variables_that_would_shadow_the_endpoint_and_restores_them(endpoint):
    environ = {"AWS_ACCESS_KEY_ID": "AKIASTATIC", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "eu-west-1"}
    saved = export_env({**endpoint.env, "AWS_DEFAULT_REGION": "us-east-1"}, environ)
    assert environ == {**endpoint.env, "AWS_REGION": "eu-west-1"}  # keys gone; the region already chosen kept
    restore_env(saved, environ)
    assert environ == {"AWS_ACCESS_KEY_ID": "AKIASTATIC", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "eu-west-1"}


# ---- other processes, in real time ------------------------------------------------------------------
SUBPROCESS_READS = """
import sys, time, boto3
s3 = boto3.client("s3")  # region and endpoint from the environment, credentials from the endpoint
keys, deadline = set(), time.time() + float(sys.argv[2])
while time.time() < deadline:
    assert s3.get_object(Bucket=sys.argv[1], Key="public/sample.csv")["Body"].read().startswith(b"city,")
    keys.add(s3._request_signer._credentials.get_frozen_credentials().access_key)
    time.sleep(0.1)
print(len(keys), "amplify_nb" in sys.modules)
"""


def plain_env(*extra: dict) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "AMPLIFY_NB"))}
    for more in extra:
        env.update(more)
    return env


def test_a_plain_subprocess_with_only_endpoint_env_gets_refreshing_credentials():
    with Sandbox(credentials_ttl=2.0) as sb:  # real time: the subprocess's botocore runs on the wall clock
        auth = amplify_nb.Auth(sb.config, name="subprocess")
        auth.sign_in(sb.demo_username, sb.demo_password)
        with auth.credentials_endpoint() as endpoint:
            env = plain_env(endpoint.env, {"AWS_DEFAULT_REGION": sb.region, "AWS_ENDPOINT_URL_S3": sb.endpoint_url})
            done = subprocess.run([sys.executable, "-c", SUBPROCESS_READS, sb.bucket, "5"], env=env,
                                  capture_output=True, text=True, timeout=60, check=False)
            assert done.returncode == 0, done.stderr[-2000:]
            keys, imported = done.stdout.split()
            assert int(keys) >= 3 and imported == "False"  # three credentials in five seconds, no amplify_nb
            cli = subprocess.run([str(Path(sys.executable).parent / "aws"), "s3", "cp",
                                  f"s3://{sb.bucket}/public/sample.csv", "-"], env=env, capture_output=True,
                                 text=True, timeout=60, check=False)
            assert cli.returncode == 0 and cli.stdout.startswith("city,"), cli.stderr[-2000:]
            assert endpoint.counts["failed"] == endpoint.counts["refused"] == 0


@pytest.fixture
def real_time_sb():
    with Sandbox() as sandbox:  # a process of its own shares no movable clock
        yield sandbox


def test_the_cli_endpoint_serves_a_filestorage_session_and_follows_its_sign_out(real_time_sb, tmp_path):
    sb, storage = real_time_sb, FileStorage(tmp_path, "cli")
    auth = amplify_nb.Auth(sb.config, name="cli", storage=storage)
    auth.sign_in(sb.demo_username, sb.demo_password)
    mine = auth.current_credentials()
    calls = get_credentials_calls(sb)
    process = subprocess.Popen([str(AMPLIFY_NB), "credentials-endpoint", "--name", "cli", "--storage-dir",
                                str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=plain_env())
    try:
        lines = [process.stdout.readline() for _ in range(5)]
        exports = dict(line[len("export "):].strip().split("=", 1) for line in lines if line.startswith("export "))
        assert {FULL_URI_ENV, TOKEN_FILE_ENV, "AWS_ENDPOINT_URL_S3"} <= set(exports)
        provider = ContainerProvider(environ=exports)
        assert provider.load().get_frozen_credentials().access_key == mine.access_key_id
        assert get_credentials_calls(sb) == calls  # it reused the session's stored credentials
        token = Path(exports[TOKEN_FILE_ENV]).read_text()
        assert token not in "".join(lines)  # it names the token's file, never the token

        auth.sign_out()  # in this process: the file loses the tokens; the endpoint notices on the next request
        request = urllib.request.Request(exports[FULL_URI_ENV], headers={"Authorization": token})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=20)
    assert process.returncode == 0 and "stopped" in errors
    assert not Path(exports[TOKEN_FILE_ENV]).exists()


def test_the_magic_exports_an_endpoint_that_replaces_stale_keys_for_subprocesses(real_time_sb, tmp_path):
    from amplify_nb.credentials import sharing

    from .ipython_shell import ipython_shell, ok

    sb, saved = real_time_sb, dict(os.environ)
    auth = amplify_nb.Auth(sb.config, name="magic-endpoint")
    auth.sign_in(sb.demo_username, sb.demo_password)
    os.environ.update({"AWS_ACCESS_KEY_ID": "AKIASTALEKEYS", "AWS_SECRET_ACCESS_KEY": "stale",
                       "AWS_SESSION_TOKEN": "stale"})  # what an earlier `%auth_credentials --env` left
    try:
        with ipython_shell(tmp_path) as shell:
            shown = ok(shell, "%auth_credentials --name magic-endpoint --endpoint").stdout
            again = ok(shell, "%auth_credentials --name magic-endpoint --endpoint").stdout
        assert "AWS_CONTAINER_CREDENTIALS_FULL_URI" in shown and "dropped" in shown
        assert "AWS_ACCESS_KEY_ID" not in os.environ and os.environ["AWS_ENDPOINT_URL_S3"] == sb.endpoint_url
        assert again.count("http://127.0.0.1:") == 1 and os.environ[FULL_URI_ENV] in again  # the same endpoint
        token = Path(os.environ[TOKEN_FILE_ENV]).read_text()
        assert token not in shown + again
        cli = subprocess.run([str(Path(sys.executable).parent / "aws"), "s3", "cp", f"s3://{sb.bucket}/public/sample.csv",
                              "-"], capture_output=True, text=True, timeout=60, check=False)  # inherits os.environ
        assert cli.returncode == 0 and cli.stdout.startswith("city,"), cli.stderr[-2000:]
    finally:
        sharing._exported.pop("magic-endpoint").close()
        os.environ.clear()
        os.environ.update(saved)
