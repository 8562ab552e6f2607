"""The hosted UI from JupyterLab, in Debian's chromium: the Authenticator's "Sign In with Google" through the
sandbox's managed login and mock Google to a signed-in session with AWS credentials (loopback mode); server
mode through the Jupyter Server extension, with a wrong password and a wrong MFA code refused on the hosted
page; the hosted UI's session cookie, and sign-out with redirect ending it. The sandbox and JupyterLab bind
127.0.0.1 and are stopped by the tests."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from amplify_nb.demo import free_port
from tests.browser.conftest import write_notebook

PASSWORD = "Correct-horse-7"
EMAIL = "grace@example.com"
PHONE = "+15550001234"
# The file the package installs into etc/jupyter (pyproject's data-files), which enables the extension.
EXTENSION_CONFIG = Path(__file__).resolve().parents[2] / "jupyter-config/jupyter_server_config.d/amplify_nb.json"

AUTHENTICATOR_CELL = """\
import amplify_nb
from amplify_nb.widgets import Authenticator

auth = amplify_nb.Auth("amplify_outputs.json", name="browser")
authenticator = Authenticator(auth, {options})
authenticator"""
CREDENTIALS_CELL = """\
credentials = auth.current_credentials()
print(f"identity {credentials.identity_id} authenticated={credentials.authenticated} "
      f"keys={bool(credentials.access_key_id)}")"""
KERNEL_IDLE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return kernel && kernel.status === 'idle';
}"""


def run_cell(ui, index: int) -> None:
    """Run one cell (a click in a widget reaches the kernel only while no cell runs)."""
    ui.page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    ui.page.evaluate("index => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = index; }", index)
    ui.lab_command("notebook:run-cell")


def cell_output(ui, index: int, text: str) -> str:
    output = ui.page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea-output")
    output.filter(has_text=text).first.wait_for(timeout=60_000)
    return output.first.inner_text()


def open_hosted_ui(ui, button: str):
    """Press the widget's button; its link opens the hosted UI in a new tab, which is returned."""
    ui.click("signIn", button)
    link = ui.view("signIn").locator(".amplify-nb-hosted-link a")
    link.wait_for()
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener noreferrer"
    with ui.page.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    return tab


def tab_shot(ui, tab, name: str) -> None:
    ui._shot_count += 1
    tab.screenshot(path=str(ui.shots / f"{ui._shot_count:02d}-{name}.png"))


def test_sign_in_with_google_goes_through_the_hosted_ui_and_the_mock_idp_and_ends_with_credentials(
        served_sandbox, lab, widget_page):
    callback = f"http://localhost:{free_port()}/callback"  # loopback: the kernel listens there for one request
    sb, root = served_sandbox(oauth=True, identity_providers=["Google"], callback_urls=[callback])
    write_notebook(root / "google.ipynb", AUTHENTICATOR_CELL.format(options='social_providers=["google"]'),
                   CREDENTIALS_CELL)
    server, token = lab(root)
    ui = widget_page
    ui.open_lab(server.url, token, "google.ipynb")
    run_cell(ui, 0)

    ui.view("signIn")
    buttons = ui.view("signIn").locator("button.amplify-nb-link").all_inner_texts()
    assert buttons[:2] == ["Sign In with Google", "Sign In with the Hosted UI"]
    ui.screenshot("signIn-social")
    violations = {"signIn-social": ui.accessibility_violations()}  # axe-core's WCAG findings
    tab = open_hosted_ui(ui, "Sign In with Google")
    ui.screenshot("signIn-waiting")  # the link, what happens next, Cancel
    violations["signIn-waiting"] = ui.accessibility_violations()
    assert violations == {"signIn-social": [], "signIn-waiting": []}
    assert "/_idp/google/" in tab.url  # identity_provider=Google: Cognito sent the browser straight to Google
    tab_shot(ui, tab, "mock-google")
    tab.get_by_role("button", name=re.compile("Continue as Ada Lovelace")).click()
    tab.get_by_text("Return to the notebook").wait_for()  # the kernel's listener answered the callback
    assert tab.url.startswith(callback + "?")
    tab_shot(ui, tab, "back-at-the-listener")

    signed_in = ui.view("signedIn")  # the widget followed the background sign-in through the Hub
    assert "Hello, ada.lovelace@example.com" in signed_in.inner_text()
    ui.screenshot("signedIn")
    run_cell(ui, 1)
    printed = cell_output(ui, 1, "authenticated=True")
    assert re.search(rf"identity {sb.region}:[0-9a-f-]+ authenticated=True keys=True", printed), printed
    linked = sb.user("Google_104857600000000000001")  # the user Cognito links to the Google identity
    identities = json.loads(linked.attributes["identities"])
    assert [(i["providerName"], i["userId"]) for i in identities] == [("Google", "104857600000000000001")]


def test_server_mode_refuses_a_wrong_password_and_mfa_code_and_signs_out_with_redirect(
        served_sandbox, lab, widget_page, tmp_path):
    # The extension is enabled the way the package enables it: its config file in a jupyter_server_config.d.
    config_dir = tmp_path / "jupyter" / "config" / "jupyter_server_config.d"
    config_dir.mkdir(parents=True)
    shutil.copy(EXTENSION_CONFIG, config_dir)
    root = tmp_path / "notebooks"
    root.mkdir()
    server, token = lab(root)
    assert "amplify_nb: hosted-UI callback at /amplify-nb/oauth/callback" in server.log_text()
    # Cognito takes http:// redirect URIs for localhost only: the lab is registered, and opened, as localhost.
    lab_url = server.url.replace("127.0.0.1", "localhost")
    sb, _ = served_sandbox(oauth=True, callback_urls=[f"{lab_url}/amplify-nb/oauth/callback"],
                           logout_urls=[f"{lab_url}/amplify-nb/oauth/signed-out"])
    sb.create_user(EMAIL, PASSWORD, {"phone_number": PHONE, "email_verified": "true"}, mfa=["SMS_MFA"])
    write_notebook(root / "server.ipynb", AUTHENTICATOR_CELL.format(options='redirect_mode="server"'))
    ui = widget_page
    ui.open_lab(lab_url, token, "server.ipynb")
    run_cell(ui, 0)

    tab = open_hosted_ui(ui, "Sign In with the Hosted UI")
    tab.locator("#username").fill(EMAIL)
    tab.locator("#password").fill("Wrong-horse-22")
    tab.locator("#password").press("Enter")
    assert "Incorrect username or password." in tab.get_by_role("alert").inner_text()
    tab_shot(ui, tab, "hosted-wrong-password")
    tab.locator("#password").fill(PASSWORD)
    tab.locator("#password").press("Enter")
    code_field = tab.locator("input[name=code]")
    code_field.wait_for()
    code = sb.outbox.last_code(PHONE)
    code_field.fill(f"{(int(code) + 1) % 1_000_000:06d}")
    code_field.press("Enter")
    assert "Invalid code" in tab.get_by_role("alert").inner_text()  # the wrong code is refused on the page
    tab_shot(ui, tab, "hosted-wrong-code")
    tab.locator("input[name=code]").fill(sb.outbox.last_code(PHONE))
    tab.locator("input[name=code]").press("Enter")
    tab.get_by_text("Return to the notebook").wait_for()  # the extension's page: handed to the kernel
    assert tab.url.startswith(f"{lab_url}/amplify-nb/oauth/callback")
    assert "?" not in tab.evaluate("location.href")  # the page took the code out of the address bar
    tab_shot(ui, tab, "extension-signed-in")
    assert f"Hello, {EMAIL}" in ui.view("signedIn").inner_text()
    assert "/amplify-nb/oauth/callback?" not in server.log_text()  # the query (code, state) is never logged

    # Signed out in the notebook only, the browser's session on the hosted UI signs the next sign-in straight in.
    ui.click("signedIn", "Sign Out")
    ui.view("signIn").locator(".amplify-nb-hosted-logout").wait_for()
    tab = open_hosted_ui(ui, "Sign In with the Hosted UI")
    tab.get_by_text("Return to the notebook").wait_for()
    assert tab.locator("#password").count() == 0
    ui.view("signedIn")

    # Sign-out with redirect: the link ends that session, and the hosted UI asks for the password again.
    ui.click("signedIn", "Sign Out")
    logout = ui.view("signIn").locator(".amplify-nb-hosted-logout")
    assert logout.inner_text() == "Sign out of the hosted UI too" and logout.get_attribute("target") == "_blank"
    ui.screenshot("signedOut-logout-link")
    with ui.page.context.expect_page() as opened:
        logout.click()
    tab = opened.value
    tab.get_by_text("You are signed out of the hosted UI").wait_for()
    assert tab.url == f"{lab_url}/amplify-nb/oauth/signed-out"
    tab = open_hosted_ui(ui, "Sign In with the Hosted UI")
    tab.locator("#password").wait_for()
    tab_shot(ui, tab, "hosted-asks-again")
    assert ui.view("signIn").locator(".amplify-nb-hosted-logout").count() == 0  # gone with the new sign-in
    ui.click("signIn", "Cancel")
    ui.view("signIn").locator("button", has_text="Sign In with the Hosted UI").wait_for()
