"""``amplify-nb demo``: the main job on the embedded sandbox, for someone with no AWS account.

It starts a sandbox in this process (a demo user, an identity pool, a bucket with a sample CSV) and points
the notebooks at it through ``$AMPLIFY_NB_CONFIG`` and ``$AMPLIFY_NB_DEMO_PASSWORD``; then either JupyterLab
on 127.0.0.1 with notebooks/ open at the quickstart, or (``--headless``) runs the quickstart with nbclient
and prints what it showed: who signed in, the identity id, the credentials' expiry, the CSV's first rows.
It needs the ``demo`` extra (JupyterLab, nbclient, the sandbox): without it, a MissingExtraError says so. The
notebooks are the checkout's, or the installed package's own copy (see shipped_notebooks).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .core.foreground import stop_on_signals
from .extras import require
from .shipped_notebooks import QUICKSTART, notebooks_dir

__all__ = ["CELL_TIMEOUT", "QUICKSTART", "execute_notebook", "free_port", "jupyterlab_command", "notebooks_dir",
           "printed_text", "run_headless", "run_jupyterlab", "start_sandbox", "with_token", "write_lab_setting"]

CELL_TIMEOUT = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_lab_setting(settings_dir: Path, plugin: str, values: dict[str, Any]) -> None:
    """A JupyterLab user setting: ``plugin`` is 'package:plugin-name', stored as package/plugin-name."""
    package, name = plugin.rsplit(":", 1)
    path = settings_dir / package / f"{name}.jupyterlab-settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))


def jupyterlab_command(root: Path, port: int, workdir: Path) -> list[str]:
    """JupyterLab on 127.0.0.1 serving ``root``, with settings and workspaces of its own under ``workdir``
    (lab-settings/, where the news question is already answered: no toast over the notebook). Its token is
    given by ``with_token`` in the environment, not here: a command line is readable by every local user."""
    settings = workdir / "lab-settings"
    write_lab_setting(settings, "@jupyterlab/apputils-extension:notification",
                      {"fetchNews": "false", "checkForUpdates": False})
    return [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True",
            "--ServerApp.port_retries=0",  # the URL printed names this port: never a silent move to another
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.news_url=None",
            f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workdir / 'workspaces'}"]


def with_token(env: Mapping[str, str], token: str) -> dict[str, str]:
    """The environment of a Jupyter server whose token is ``token``: JUPYTER_TOKEN, which only the server's
    own user can read (/proc/<pid>/environ is 0400), unlike its command line."""
    return {**env, "JUPYTER_TOKEN": token}


def execute_notebook(path: Path, workdir: Path, kernel_log: Path | None = None) -> Any:
    """Run a notebook top to bottom in a fresh kernel whose working directory is ``workdir``, without saving
    widget state (it would hold what the widgets showed). A failing cell raises nbclient's CellExecutionError
    (cell errors come through the kernel protocol; ``kernel_log`` takes only the kernel process's own chatter)."""
    require("demo", "Running a notebook (amplify_nb.demo)")
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(workdir)}})
    if kernel_log is None:
        client.execute()
    else:
        with kernel_log.open("ab") as log:
            client.execute(stdout=log, stderr=log)
    return notebook


def printed_text(notebook: Any) -> list[str]:
    """What the cells printed or showed as text, in order (tables as their text form)."""
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                texts.append(output["text"].rstrip("\n"))
            elif output.get("output_type") in ("execute_result", "display_data"):
                text = output.get("data", {}).get("text/plain")
                if text:
                    texts.append(text)
    return texts


def start_sandbox(workdir: Path) -> Any:
    """The demo's sandbox, its amplify_outputs.json in ``workdir``, named to kernels by the environment."""
    from .sandbox import Sandbox

    os.environ.setdefault("AMPLIFY_NB_DEMO_PASSWORD", f"Demo-{secrets.token_hex(4)}-Pw1")
    sandbox = Sandbox().start()
    config = sandbox.write_config(workdir / "amplify_outputs.json")
    os.environ["AMPLIFY_NB_CONFIG"] = str(config)
    threading.Thread(target=sandbox.provision, name="sandbox-provision", daemon=True).start()
    return sandbox


def run_headless() -> int:
    require("demo", "amplify-nb demo")
    from nbclient.exceptions import CellExecutionError

    source = notebooks_dir() / QUICKSTART
    with tempfile.TemporaryDirectory(prefix="amplify-nb-demo-") as work:
        sandbox = start_sandbox(Path(work))
        print(f"sandbox on {sandbox.endpoint_url}; running {source.name} with nbclient ...", flush=True)
        try:
            notebook = execute_notebook(source, Path(work), kernel_log=Path(work) / "kernel.log")
        except CellExecutionError as failure:
            print(f"the quickstart failed:\n{failure}", file=sys.stderr)
            return 1
        finally:
            sandbox.stop()
    for text in printed_text(notebook):
        print(text)
    return 0


def run_jupyterlab(port: int) -> int:
    require("demo", "amplify-nb demo")
    with tempfile.TemporaryDirectory(prefix="amplify-nb-demo-") as work:
        # JupyterLab serves a copy: running and saving the notebooks must not write outputs into the checkout.
        folder = Path(work) / "notebooks"
        shutil.copytree(notebooks_dir(), folder)
        sandbox = start_sandbox(Path(work))
        token = secrets.token_hex(16)
        print(f"sandbox on {sandbox.endpoint_url}", flush=True)
        print(f"  demo user: {sandbox.demo_username}  password: {sandbox.demo_password}", flush=True)
        print(f"JupyterLab: http://127.0.0.1:{port}/lab/tree/{QUICKSTART}?token={token}", flush=True)
        print(f"  the notebooks are a copy in {folder}, removed when the demo stops", flush=True)
        print("  press Ctrl+C to stop both", flush=True)
        command = [*jupyterlab_command(folder, port, Path(work)), f"--LabApp.default_url=/lab/tree/{QUICKSTART}"]
        log_path = Path(work) / "jupyterlab.log"
        with log_path.open("wb") as log:  # JupyterLab's chatter stays out of the demo's few lines
            lab = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,  # noqa: S603 (our interpreter)
                                   env=with_token(os.environ, token))
        with stop_on_signals() as stop:
            try:
                while not stop.wait(0.5):
                    if lab.poll() is not None:
                        tail = log_path.read_text(errors="replace")[-3000:]
                        print(f"JupyterLab exited ({lab.returncode}):\n{tail}", file=sys.stderr)
                        return 1
            finally:
                if lab.poll() is None:
                    lab.terminate()
                    lab.wait(timeout=20)
                sandbox.stop()
    return 0
