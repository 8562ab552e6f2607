"""Typed as people type: at full speed, then Enter at once, in JupyterLab 4 and Notebook 7 with "Save Widget
State Automatically" on. The value the user sees when they press Enter is the one used, exactly once, and
the saved notebook holds no password, after a failed attempt and after a successful one. Focus moves into
the widget when it appears and stays there after an error, so no click is needed."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import AUTHENTICATOR_CELL, write_notebook
from tests.browser.servers import start_jupyterlab, start_notebook7

EMAIL = "quick@example.com"
PASSWORD = "Quick-typist-42-long"
WRONG = "Wrong-typist-99-long"


@pytest.fixture
def jupyter(tmp_path):
    servers = []

    def start(frontend, root):
        starter = start_jupyterlab if frontend == "lab" else start_notebook7
        server, token = starter(root, tmp_path / "jupyter", save_widget_state=True)
        servers.append(server)
        return server, token

    yield start
    for server in servers:
        server.stop()


def saved_state(ui, notebook) -> str:
    ui.save_notebook()
    saved = notebook.read_text()
    state = json.loads(saved)["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    # The setting took: the forms' own models are in the saved state (their labels, not what was typed).
    assert any(model["state"].get("submit_label") == "Sign In" for model in state.values())
    return saved


@pytest.mark.parametrize("frontend", ["lab", "notebook7"])
def test_full_speed_typing_then_enter_signs_in_once_and_the_saved_notebook_holds_no_password(
        frontend, served_sandbox, jupyter, widget_page):
    sb, root = served_sandbox()
    sb.create_user(EMAIL, PASSWORD, {"email_verified": "true"})
    notebook = write_notebook(root / "fast.ipynb", AUTHENTICATOR_CELL)
    server, token = jupyter(frontend, root)
    ui = widget_page
    (ui.open_lab if frontend == "lab" else ui.open_notebook7)(server.url, token, "fast.ipynb")
    ui.run_all_cells()
    ui.view("signIn")
    ui.wait_focus("username")  # the keyboard is in the widget as soon as it shows: no click
    keyboard = ui.page.keyboard

    keyboard.type(EMAIL, delay=0)
    keyboard.press("Tab")
    keyboard.type(WRONG, delay=0)
    keyboard.press("Enter")
    keyboard.press("Enter")  # a second Enter while the first is with the kernel: not a second sign-in
    assert "Incorrect username or password." in ui.error_text("signIn")
    assert ui.field("signIn", "Password").input_value() == ""
    ui.wait_focus("password")  # after the error, still in the widget, on the emptied field
    assert [c.outcome for c in sb.calls if c.operation == "InitiateAuth"] == ["ok"]  # SRP's first step, once
    assert [c.outcome for c in sb.calls if c.operation == "RespondToAuthChallenge"] == ["NotAuthorizedException"]
    saved = saved_state(ui, notebook)
    assert WRONG not in saved

    keyboard.type(PASSWORD, delay=0)
    keyboard.press("Enter")
    ui.view("signedIn")
    assert [c.outcome for c in sb.calls if c.operation == "RespondToAuthChallenge"] == [
        "NotAuthorizedException", "ok"]
    saved = saved_state(ui, notebook)
    assert PASSWORD not in saved and WRONG not in saved
