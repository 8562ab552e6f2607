"""Bad input gets a typed error at once (issue 13, item 6): files that are not small regular files, JSON
nested past the limit, a value with a trailing newline, handlers that are not functions, a botocore
parameter error, and token files another user could have written or swapped."""

from __future__ import annotations

import json
import os
import threading

import pytest

import amplify_nb
from amplify_nb import FileStorage
from amplify_nb.config.files import MAX_DEPTH, MAX_FILE_BYTES
from amplify_nb.errors import ConfigurationError, StorageError, ValidationError

POOL = {"Auth": {"region": "us-east-1", "userPoolId": "us-east-1_abc", "userPoolWebClientId": "a1b2c3d4e5"}}


def test_config_nested_past_the_limit_is_refused_with_the_limit(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)  # overflows json's recursion
    with pytest.raises(ConfigurationError, match=f"more than {MAX_DEPTH} levels"):
        amplify_nb.Auth(deep)
    shallow_but_deep = tmp_path / "d2.json"
    shallow_but_deep.write_text(json.dumps({**POOL, "x": json.loads("[" * 80 + "]" * 80)}))
    with pytest.raises(ConfigurationError, match=f"more than {MAX_DEPTH} levels"):
        amplify_nb.Auth(shallow_but_deep)


def test_aws_exports_nested_past_the_limit_is_a_configuration_error(tmp_path):
    js = tmp_path / "aws-exports.js"
    js.write_text("const awsmobile = " + "{a: " * 5000 + "1" + "}" * 5000 + ";\nexport default awsmobile;")
    with pytest.raises(ConfigurationError, match="levels deep"):
        amplify_nb.Auth(js)


def test_a_fifo_as_configuration_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "amplify_outputs.json"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            amplify_nb.Auth(fifo)
        except BaseException as exc:  # the test reports whatever came out
            outcome.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the reader so the thread can end, then fail
        with open(fifo, "w"):
            pass
        pytest.fail("reading a FIFO as the configuration hung")
    assert isinstance(outcome[0], ConfigurationError) and "not a regular file" in str(outcome[0])


def test_a_huge_configuration_file_is_refused_with_the_limit(tmp_path):
    big = tmp_path / "amplify_outputs.json"
    big.write_text(json.dumps({**POOL, "pad": "x" * (MAX_FILE_BYTES + 1)}))
    with pytest.raises(ConfigurationError, match=f"limit of {MAX_FILE_BYTES} bytes"):
        amplify_nb.Auth(big)


def test_a_region_with_a_trailing_newline_is_malformed():
    with pytest.raises(ConfigurationError, match="region"):
        amplify_nb.Auth({"Auth": {**POOL["Auth"], "region": "us-east-1\n"}})


def test_a_refresh_handler_that_is_not_a_function_is_refused_when_configured():
    config = {"Auth": {**POOL["Auth"], "identityPoolId": "us-east-1:0000-1111", "refreshHandlers": {"google": 5}}}
    with pytest.raises(ConfigurationError, match="refresh handler for 'google' is a int, not a function"):
        amplify_nb.Auth(config)


def test_a_botocore_parameter_error_is_a_validation_error_without_the_value():
    config = {"version": "1.3", "auth": {"aws_region": "us-east-1", "user_pool_id": "us-east-1_abc",
                                         "user_pool_client_id": "a1b2c3d4e5"},
              "custom": {"amplify_nb": {"endpoint_url": "http://127.0.0.1:9"}}}  # nothing is sent: no server needed
    auth = amplify_nb.Auth(config, name="param-check")
    secret = 80417266913  # a password of the wrong type: botocore refuses it before sending, quoting it
    with pytest.raises(ValidationError, match=r"AuthParameters\.PASSWORD") as excinfo:
        auth._state.client.call("InitiateAuth", ClientId="c", AuthFlow="USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": "a", "PASSWORD": secret})
    assert "Cannot reach" not in str(excinfo.value) and str(secret) not in str(excinfo.value)


def test_file_storage_refuses_a_directory_that_is_not_a_path():
    with pytest.raises(StorageError, match="must be a path, not int"):
        FileStorage(directory=5)


def test_file_storage_refuses_a_symlinked_token_file(tmp_path):
    elsewhere = tmp_path / "elsewhere.json"
    FileStorage(tmp_path, "elsewhere").set_item("k", "v")
    (tmp_path / "default.json").symlink_to(elsewhere)
    with pytest.raises(StorageError, match="symbolic link"):
        FileStorage(tmp_path).get_item("k")


def test_file_storage_refuses_a_token_file_others_may_write(tmp_path):
    storage = FileStorage(tmp_path)
    storage.set_item("k", "v")
    os.chmod(storage.path, 0o666)
    with pytest.raises(StorageError, match="chmod 600"):
        FileStorage(tmp_path).get_item("k")


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="chown needs root (CI runs as root)")
def test_file_storage_refuses_a_token_file_of_another_user(tmp_path):
    storage = FileStorage(tmp_path)
    storage.set_item("k", "v")
    os.chown(storage.path, 4242, 4242)
    with pytest.raises(StorageError, match="belongs to another user"):
        FileStorage(tmp_path).get_item("k")


def test_temp_files_left_by_a_killed_writer_are_cleaned_by_the_next_write(tmp_path):
    storage = FileStorage(tmp_path)
    storage.set_item("k", "v")
    left = tmp_path / ".default.json.abc123.tmp"  # what mkstemp named before the writer was killed
    left.write_text("partial")
    FileStorage(tmp_path).set_item("k2", "v2")
    assert not left.exists()
    assert FileStorage(tmp_path).get_item("k") == "v"
