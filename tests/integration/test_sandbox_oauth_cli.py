"""`amplify-nb sandbox --oauth`: the managed login from the command line, its config files and its refusals."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys

from tests.integration.test_cli_sandbox import _read_until

CALLBACK = "http://localhost:4321/callback"


def _run(tmp_path, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "amplify_nb.cli", "sandbox", *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_oauth_flags_write_the_oauth_section_and_the_machine_config(tmp_path):
    out, machine_out = tmp_path / "amplify_outputs.json", tmp_path / "machine.json"
    proc = _run(tmp_path, "--config-out", str(out), "--oauth", "--callback-url", CALLBACK,
                "--logout-url", "http://localhost:4321/out", "--identity-provider", "google",
                "--identity-provider", "SignInWithApple", "--machine-config-out", str(machine_out))
    try:
        printed = "".join(_read_until(proc, r"press Ctrl\+C", timeout=60.0))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        proc.stdout.close()
    oauth = json.loads(out.read_text())["auth"]["oauth"]
    assert oauth["redirect_sign_in_uri"] == [CALLBACK] and oauth["redirect_sign_out_uri"] == ["http://localhost:4321/out"]
    assert oauth["identity_providers"] == ["GOOGLE", "SIGN_IN_WITH_APPLE"]
    assert re.search(rf"managed login \(hosted UI\) on {re.escape(oauth['domain'])}", printed)
    machine = json.loads(machine_out.read_text())
    secret = machine["custom"]["amplify_nb"]["user_pool_client_secret"]
    assert machine["auth"]["oauth"]["scopes"] == ["sandbox-api/read", "sandbox-api/write"]
    assert stat.S_IMODE(machine_out.stat().st_mode) == 0o600
    assert secret not in printed  # the secret is in the file only


def test_a_callback_url_cognito_refuses_stops_the_cli_with_the_reason(tmp_path):
    proc = _run(tmp_path, "--config-out", str(tmp_path / "o.json"), "--oauth", "--callback-url", "http://example.com/cb")
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "http:// for localhost only" in output
    assert not (tmp_path / "o.json").exists()
