"""Browser tests: Debian's chromium (never a downloaded browser) driven by Playwright, against JupyterLab
and Voila that each test starts on 127.0.0.1 and stops. ``make test`` installs chromium when missing."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from amplify_nb.sandbox import Sandbox
from tests.browser.page import WidgetPage
from tests.browser.servers import start_jupyterlab, start_notebook7

# Without the background-networking flags chromium keeps dialling Google's hosts, refused on this network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.timeout(240))


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install -y chromium)")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def widget_page(browser, tmp_path, request):
    """A fresh browser page; screenshots land in the test's tmp dir under screenshots/, and are copied to
    $AMPLIFY_NB_SHOTS (named after the test) when that is set, for a person to look at."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])  # the TOTP key's Copy button, read back
    page = context.new_page()
    page.set_default_timeout(30_000)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    yield WidgetPage(page, shots)
    page.screenshot(path=str(tmp_path / "page-at-end.png"))  # what the page showed last, for a failing test
    context.close()
    keep = os.environ.get("AMPLIFY_NB_SHOTS")
    if keep:
        name = "".join(c if c.isalnum() or c in "-_" else "-" for c in request.node.name)
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in [*sorted(shots.iterdir()), tmp_path / "page-at-end.png"]:
            shutil.copyfile(shot, Path(keep) / f"{name}-{shot.name}")


@pytest.fixture
def served_sandbox(tmp_path):
    """A sandbox for the browser tests and a directory holding its amplify_outputs.json, where the
    notebooks go; the kernel (another process) reaches the sandbox over 127.0.0.1."""
    started = []

    def start(**options) -> tuple[Sandbox, Path]:
        sb = Sandbox(moto=False, demo_user=False, **options).start()
        started.append(sb)
        root = tmp_path / "notebooks"
        root.mkdir(exist_ok=True)
        (root / "amplify_outputs.json").write_text(json.dumps(sb.config))
        return sb, root

    yield start
    for sb in started:
        sb.stop()


def _servers(tmp_path, start_server):
    """``start(root, **options)`` -> (server, token) for a fixture; every server it started is stopped after."""
    servers = []

    def start(root, **options):
        server, token = start_server(root, tmp_path / "jupyter", **options)
        servers.append(server)
        return server, token

    return start, servers


@pytest.fixture
def lab(tmp_path):
    """``lab(root, **options)``: JupyterLab started on the notebooks in root, as (server, token); stopped after
    the test."""
    start, servers = _servers(tmp_path, start_jupyterlab)
    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def notebook7(tmp_path):
    """``notebook7(root, **options)``: Jupyter Notebook 7 started on the notebooks in root, as (server, token);
    stopped after the test."""
    start, servers = _servers(tmp_path, start_notebook7)
    yield start
    for server in servers:
        server.stop()


def write_notebook(path: Path, *cells: str) -> Path:
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


AUTHENTICATOR_CELL = """\
import amplify_nb
from amplify_nb.widgets import Authenticator

auth = amplify_nb.Auth("amplify_outputs.json", name="browser")
authenticator = Authenticator(auth)
authenticator"""


def authenticator_cell(name: str, options: str = "", config: str = '"amplify_outputs.json"') -> str:
    """An Authenticator on its own session, marked with a class of its name: several in one notebook."""
    return f"""\
import amplify_nb
from amplify_nb.config import load_config
from amplify_nb.widgets import Authenticator

{name}_auth = amplify_nb.Auth({config}, name="{name}")
{name} = Authenticator({name}_auth{options})
{name}.add_class("{name}")
{name}"""
