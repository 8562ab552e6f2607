"""The README's first command as a new user meets it: `amplify-nb demo` starts the sandbox and JupyterLab,
prints the URL, and the quickstart opened there runs top to bottom in chromium, ending with the CSV's rows
read from S3 with the signed-in user's refreshing credentials."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from amplify_nb.demo import free_port
from tests.browser.servers import isolated_environment

URL = re.compile(r"JupyterLab: (http://127\.0\.0\.1:\d+/lab/tree/01_quickstart\.ipynb\?token=\w+)")


def wait_for_url(process: subprocess.Popen, seconds: float = 90) -> str:
    deadline, seen = time.monotonic() + seconds, []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        match = URL.search(line)
        if match:
            return match.group(1)
    raise AssertionError("amplify-nb demo printed no JupyterLab URL:\n" + "".join(seen))


def test_amplify_nb_demo_opens_the_quickstart_which_runs_to_the_csv(tmp_path, widget_page):
    env = isolated_environment(tmp_path / "jupyter")
    env.pop("AMPLIFY_NB_DEMO_PASSWORD", None)
    demo = subprocess.Popen([str(Path(sys.executable).parent / "amplify-nb"), "demo", f"--port={free_port()}"],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        url = wait_for_url(demo)
        page = widget_page.page
        for attempt in range(60):  # the server may need a moment after printing its URL
            try:
                page.goto(url)
                break
            except Exception:
                if attempt == 59:
                    raise
                time.sleep(0.5)
        page.wait_for_selector(".jp-Notebook .jp-Cell", state="visible", timeout=60_000)
        page.get_by_text("Python 3 (ipykernel) | Idle").first.wait_for(timeout=60_000)  # the kernel is ready
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        page.wait_for_selector("text=Mexico City", timeout=120_000)
        # Early outputs may be scrolled out of JupyterLab's rendered window (hidden, still in the page): each is
        # found by its content.
        for shown in ("Using the sandbox of `amplify-nb demo`", "signed in as: demo@example.com", "Tokyo"):
            page.locator(".jp-OutputArea-output", has_text=shown).first.wait_for(state="attached", timeout=30_000)
        assert page.get_by_text("official Jupyter news").count() == 0  # no toast over the quickstart
        page.screenshot(path=str(widget_page.shots / "demo-quickstart.png"), full_page=True)
    finally:
        os.killpg(demo.pid, signal.SIGINT)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait(timeout=5)
    assert demo.returncode == 0


def test_a_taken_port_stops_the_demo_with_jupyterlabs_reason_not_a_url_that_lies(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = isolated_environment(tmp_path / "jupyter")
        done = subprocess.run([str(Path(sys.executable).parent / "amplify-nb"), "demo", f"--port={port}"], env=env,
                              cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert f"port {port} is not available" in done.stderr
