"""JupyterLab and Voila, each started by a test on 127.0.0.1 in directories of its own, and stopped by it.

Every JUPYTER_* and IPython directory (and HOME) points into the test's tmp dir, so neither a user's
settings nor another test's leak in, and the lab's news and update checks are switched off (the machine
has no network and the toast would cover the page).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from amplify_nb.demo import free_port, jupyterlab_command, with_token, write_lab_setting

STARTUP_SECONDS = 90


def isolated_environment(base: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTER", "AWS_"))}
    for name, variable in (("config", "JUPYTER_CONFIG_DIR"), ("data", "JUPYTER_DATA_DIR"),
                           ("runtime", "JUPYTER_RUNTIME_DIR"), ("ipython", "IPYTHONDIR"), ("home", "HOME")):
        path = base / name
        path.mkdir(parents=True, exist_ok=True)
        env[variable] = str(path)
    env["AMPLIFY_NB_HOME"] = str(base / "home" / ".amplify_nb")
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Server:
    """A Jupyter server subprocess; its log goes to a file that a failing test can print."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path, url: str, ready_path: str, log: Path,
                 any_answer: bool = False):
        self.url, self.log, self.any_answer = url, log, any_answer
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(command, env=env, cwd=cwd, stdout=self._log_file, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self._wait_ready(ready_path)

    def _wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError:
                if self.any_answer:  # the server is up and answering
                    return
            except OSError:
                pass
            time.sleep(0.25)
        log = self.log_text()
        self.stop()
        raise RuntimeError(f"server not ready after {STARTUP_SECONDS} s:\n{log}")

    def log_text(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log.read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log_file.close()


def write_theme(settings: Path, theme: str | None) -> None:
    """The user's JupyterLab theme ("JupyterLab Light", "JupyterLab Dark"), as if chosen in Settings > Theme:
    the page opens in it, before any widget renders. None keeps JupyterLab's default (light)."""
    if theme is not None:
        write_lab_setting(settings, "@jupyterlab/apputils-extension:themes", {"theme": theme})


def start_jupyterlab(root: Path, base: Path, *, save_widget_state: bool = False,
                     theme: str | None = None) -> tuple[Server, str]:
    """JupyterLab 4 serving ``root``; returns the server and its token. The app object is exposed in the
    page (window.jupyterapp) so the test can run JupyterLab's own commands (run all, save)."""
    env = isolated_environment(base)
    token, port = secrets.token_hex(16), free_port()
    env = with_token(env, token)
    command = [*jupyterlab_command(root, port, base), "--LabApp.expose_app_in_browser=True"]
    write_lab_setting(base / "lab-settings", "@jupyter-widgets/jupyterlab-manager:plugin",
                      {"saveState": save_widget_state})
    write_theme(base / "lab-settings", theme)
    url = f"http://127.0.0.1:{port}"
    return Server(command, env, root, url, f"/api/status?token={token}", base / "jupyterlab.log"), token


def start_notebook7(root: Path, base: Path, *, save_widget_state: bool = False,
                    theme: str | None = None) -> tuple[Server, str]:
    """Jupyter Notebook 7 serving ``root``, with the same isolation, widget and theme settings as JupyterLab."""
    env = isolated_environment(base)
    token, port = secrets.token_hex(16), free_port()
    env = with_token(env, token)
    settings = base / "config" / "lab" / "user-settings"  # where Notebook 7 reads user settings
    write_lab_setting(settings, "@jupyter-widgets/jupyterlab-manager:plugin", {"saveState": save_widget_state})
    write_lab_setting(settings, "@jupyterlab/apputils-extension:notification",
                      {"fetchNews": "false", "checkForUpdates": False})
    write_theme(settings, theme)
    command = [sys.executable, "-m", "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True",
               "--ServerApp.port_retries=0", "--JupyterNotebookApp.expose_app_in_browser=True",
               f"--JupyterNotebookApp.user_settings_dir={settings}",
               f"--JupyterNotebookApp.workspaces_dir={base / 'workspaces'}"]
    url = f"http://127.0.0.1:{port}"
    return Server(command, env, root, url, f"/api/status?token={token}", base / "notebook7.log"), token


def start_voila(notebook: Path, base: Path) -> Server:
    """Voila rendering one notebook as an app (no token: Voila serves only the rendered page)."""
    env = isolated_environment(base)
    port = free_port()
    command = [sys.executable, "-m", "voila", str(notebook.name), "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--show_tracebacks=True"]
    url = f"http://127.0.0.1:{port}"
    # Its one page runs the notebook, so readiness is any answer (a 404) to a path it does not serve.
    return Server(command, env, notebook.parent, url, "/amplify-nb-ready", base / "voila.log", any_answer=True)
