"""Browser tests: Debian's chromium (never a downloaded browser) driven by Playwright, against JupyterLab
and Voila that each test starts on 127.0.0.1 and stops. ``make test`` installs chromium when missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from amplify_nb.sandbox import Sandbox
from tests.browser.page import WidgetPage
from tests.browser.servers import start_jupyterlab

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
def widget_page(browser, tmp_path):
    """A fresh browser page; screenshots land in the test's tmp dir under screenshots/."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])  # the TOTP key's Copy button, read back
    page = context.new_page()
    page.set_default_timeout(30_000)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    yield WidgetPage(page, shots)
    page.screenshot(path=str(tmp_path / "page-at-end.png"))  # what the page showed last, for a failing test
    context.close()


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


@pytest.fixture
def lab(tmp_path):
    """``lab(root, **options)``: JupyterLab started on the notebooks in root, as (server, token); stopped after
    the test."""
    servers = []

    def start(root, **options):
        server, token = start_jupyterlab(root, tmp_path / "jupyter", **options)
        servers.append(server)
        return server, token

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
