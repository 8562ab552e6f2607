"""Run inside the clean virtualenv once the wheel's demo extra is installed (``pip install 'amplify-nb[demo]'``),
by .ci/package_check.sh: the main job from an installed package, not a checkout.

``amplify-nb sandbox`` in the background on 127.0.0.1; in a real IPython shell ``%load_ext amplify_nb``,
``%auth_configure`` with the file it wrote and ``%auth_signin`` as its demo user; the CSV read with pandas as
that user; the Authenticator built on the signed-in session; the sandbox stopped; then ``amplify-nb demo
--headless`` and the Jupyter server extension as Jupyter lists it.

python smoke_demo.py WORKDIR  ->  exit 0, or an AssertionError naming what failed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(sys.argv[1])
BIN = Path(sys.executable).parent


def start_sandbox(config: Path) -> tuple[subprocess.Popen[str], str, str, list[str]]:
    sandbox = subprocess.Popen([str(BIN / "amplify-nb"), "sandbox", "--config-out", str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=WORK,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert sandbox.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = sandbox.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "press Ctrl+C" in line:
            user = re.search(r"demo user: (\S+)\s+password: (\S+)", "".join(lines))
            assert user, lines
            return sandbox, user.group(1), user.group(2), lines
    sandbox.kill()
    raise AssertionError(f"amplify-nb sandbox did not start: {''.join(lines)}")


def stop(sandbox: subprocess.Popen[str]) -> str:
    sandbox.send_signal(signal.SIGTERM)
    rest, _ = sandbox.communicate(timeout=30)
    assert sandbox.returncode == 0, (sandbox.returncode, rest)
    return rest


def sign_in_in_ipython(config: Path, username: str) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    for line in ("%load_ext amplify_nb", f"%auth_configure {config}",
                 f"%auth_signin {username} --password-env SMOKE_DEMO_PASSWORD", "%auth_credentials"):
        result = shell.run_cell(line)
        assert result.success, (line, result.error_before_exec or result.error_in_exec)
    import pandas as pd

    import amplify_nb

    auth = amplify_nb.get_session()
    assert auth.current_authenticated_user().login_id == username
    frame = pd.read_csv(f"s3://{auth.config.bucket(None).bucket_name}/public/sample.csv",
                        storage_options=auth.storage_options())
    assert len(frame) > 0 and "Tokyo" in frame.to_string(), frame
    assert "aws_session" in shell.user_ns
    print(f"IPython: %load_ext amplify_nb, %auth_signin {username}, %auth_credentials; pandas read "
          f"{len(frame)} rows from the sandbox's S3 as that user")
    from amplify_nb.widgets import Authenticator

    widget = Authenticator(auth=auth)
    assert widget.auth_state == "signedIn", widget.auth_state
    print("the Authenticator built on the signed-in session: signedIn")


def demo_headless() -> None:
    started = time.monotonic()
    done = subprocess.run([str(BIN / "amplify-nb"), "demo", "--headless"], capture_output=True, text=True,
                          cwd=WORK, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "signed in as: demo@example.com" in done.stdout and "Tokyo" in done.stdout, done.stdout[-3000:]
    print(f"amplify-nb demo --headless: the quickstart ran from the installed package "
          f"({time.monotonic() - started:.0f} s)")


def server_extension_listed() -> None:
    done = subprocess.run([str(BIN / "jupyter"), "server", "extension", "list"], capture_output=True, text=True,
                          cwd=WORK, timeout=120, check=False)
    listing = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)  # without its colours
    assert re.search(r"amplify_nb\.serverext\s+enabled", listing), listing
    assert re.search(r"amplify_nb\.serverext\b.*\bOK\b", listing), listing
    print("jupyter server extension list: amplify_nb.serverext enabled, OK")


if __name__ == "__main__":
    config = WORK / "amplify_outputs.json"
    sandbox, username, password, _ = start_sandbox(config)
    try:
        os.environ["SMOKE_DEMO_PASSWORD"] = password
        sign_in_in_ipython(config, username)
    finally:
        if sandbox.poll() is None:
            print(f"amplify-nb sandbox stopped: {stop(sandbox).strip().splitlines()[-1:]}")
    demo_headless()
    server_extension_listed()
    print("smoke (demo extra): passed")
