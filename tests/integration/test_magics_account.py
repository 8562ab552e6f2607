"""%auth_signup, %auth_password, %auth_mfa, %auth_signout, %auth_credentials and %auth_session through a real
IPython shell against the sandbox (S3 and the identity pool included), getpass patched."""

from __future__ import annotations

import os
import re
import time

import pyotp
import pytest
from botocore.exceptions import ClientError
from IPython.core.error import UsageError

import amplify_nb
from amplify_nb.sandbox import Sandbox
from tests.conftest import cognito_client

from .ipython_shell import TYPED, history_text, ok, run

PASSWORD = "Correct-horse-1"
AWS_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


@pytest.fixture(scope="module")
def sb(shell):
    """One sandbox with moto (S3, roles) for the module; each test configures a fresh session on it."""
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def auth(shell, sb):
    shell.user_ns["outputs"] = sb.config
    ok(shell, "%auth_configure outputs")
    return amplify_nb.get_session()


def sign_in(shell, keys, username: str, password: str) -> None:
    keys.type(password)
    ok(shell, f"%auth_signin {username}")


def test_sign_up_with_the_emailed_code_then_sign_in(shell, keys, sb, auth):
    keys.type(PASSWORD, lambda: sb.outbox.last_code("nia@example.com"))
    cell = ok(shell, "%auth_signup nia@example.com --attr name=Nia")
    assert keys.prompts == ["Password: ", "Confirmation code: "]
    assert "sent by EMAIL" in cell.stdout and "Signed up and confirmed nia@example.com" in cell.stdout
    assert sb.user("nia@example.com").status == "CONFIRMED"
    sign_in(shell, keys, "nia@example.com", PASSWORD)
    assert auth.user_attributes()["name"] == "Nia"

    keys.type(PASSWORD, lambda: sb.outbox.last_code("nia@example.com"))
    taken = run(shell, "%auth_signup nia@example.com")
    assert type(taken.error) is UsageError and "Traceback" not in taken.shown()
    keys.answers.clear()  # the code was never asked for


def test_forgot_then_reset_then_change_password(shell, keys, sb, auth):
    sb.create_user("pat@example.com", PASSWORD, {"email": "pat@example.com", "email_verified": "true"})
    keys.type("Forgotten-pw-2", lambda: sb.outbox.last_code("pat@example.com"))
    cell = ok(shell, "%auth_password forgot pat@example.com")
    assert "A reset code was sent by EMAIL" in cell.stdout and keys.prompts == ["New password: ", "Reset code: "]

    auth.forgot_password("pat@example.com")  # a code that already arrived, e.g. from another device
    keys.type("Reset-pw-3", lambda: sb.outbox.last_code("pat@example.com"))
    assert "Password reset for pat@example.com" in ok(shell, "%auth_password reset pat@example.com").stdout

    sign_in(shell, keys, "pat@example.com", "Reset-pw-3")
    keys.type("Not-the-pw-9", "Changed-pw-4")
    wrong = run(shell, "%auth_password change")
    assert type(wrong.error) is UsageError and "Not-the-pw-9" not in wrong.shown()
    keys.type("Reset-pw-3", "Changed-pw-4")
    assert "Password changed." in ok(shell, "%auth_password change").stdout
    ok(shell, "%auth_signout")
    sign_in(shell, keys, "pat@example.com", "Changed-pw-4")


def test_mfa_setup_prefer_and_status(shell, keys, sb, auth):
    sb.create_user("mia@example.com", PASSWORD)
    sign_in(shell, keys, "mia@example.com", PASSWORD)
    assert "Preferred MFA: NOMFA" in ok(shell, "%auth_mfa status").stdout
    keys.type(lambda: pyotp.TOTP(sb.user("mia@example.com").pending_totp_secret).now())
    cell = ok(shell, "%auth_mfa setup")
    qr = next(o for o in cell.outputs if "image/png" in o.data)
    update = next(o for o in cell.outputs if o.update and o.transient == qr.transient)
    assert "image/png" not in update.data and sb.user("mia@example.com").totp_secret not in cell.shown()
    assert "Preferred MFA: TOTP" in ok(shell, "%auth_mfa status").stdout

    assert type(run(shell, "%auth_mfa prefer").error) is UsageError
    ok(shell, "%auth_mfa prefer NOMFA")
    assert "Preferred MFA: NOMFA" in ok(shell, "%auth_mfa status").stdout
    ok(shell, "%auth_mfa prefer TOTP")
    ok(shell, "%auth_signout")
    # the set-up's code may not be used twice: the app's next code, which Cognito accepts a step early
    keys.type(PASSWORD, lambda: pyotp.TOTP(sb.user("mia@example.com").totp_secret).at(time.time() + 30))
    ok(shell, "%auth_signin mia@example.com")
    assert keys.prompts[-1] == "Authenticator app code: "


def test_sign_out_and_global_sign_out(shell, keys, sb, auth):
    sign_in(shell, keys, sb.demo_username, sb.demo_password)
    assert ok(shell, "%auth_signout").stdout.strip() == "Signed out."
    assert not auth.is_signed_in
    sign_in(shell, keys, sb.demo_username, sb.demo_password)
    refresh_token = auth.current_session().refresh_token
    assert "everywhere" in ok(shell, "%auth_signout --global").stdout
    assert sb.calls[-1].operation == "GlobalSignOut" and not auth.is_signed_in
    with pytest.raises(ClientError, match="NotAuthorized"):  # the revoked refresh token is refused
        cognito_client(sb).initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=sb.client.client_id,
                                         AuthParameters={"REFRESH_TOKEN": refresh_token})
    signed_out = run(shell, "%auth_session")
    assert type(signed_out.error) is UsageError and "Traceback" not in signed_out.shown()


def test_credentials_bind_a_refreshing_session_that_reads_s3(shell, keys, sb, auth, monkeypatch):
    refused = run(shell, "%auth_credentials")
    assert type(refused.error) is UsageError and "--guest" in str(refused.error)

    guest = ok(shell, "%auth_credentials --guest --var guest_session")
    assert "guest credentials" in guest.stdout
    public = shell.user_ns["guest_session"].client("s3").get_object(Bucket=sb.bucket, Key="public/sample.csv")
    assert public["Body"].read().startswith(b"city,")

    sign_in(shell, keys, sb.demo_username, sb.demo_password)
    cell = ok(shell, "%auth_credentials")
    credentials = auth.current_credentials()
    assert "signed-in credentials" in cell.stdout and credentials.identity_id in cell.stdout
    assert credentials.secret_access_key not in cell.shown() and credentials.session_token not in cell.shown()
    ok(shell, f"body = aws_session.client('s3').get_object(Bucket='{sb.bucket}', Key='public/sample.csv')"
              "['Body'].read()")
    assert shell.user_ns["body"].startswith(b"city,country,population")

    for name in AWS_VARIABLES:  # restored (removed) when the test ends
        monkeypatch.setenv(name, "placeholder")
    exported = ok(shell, "%auth_credentials --env")
    assert os.environ["AWS_ACCESS_KEY_ID"] == credentials.access_key_id
    assert os.environ["AWS_SESSION_TOKEN"] == credentials.session_token
    assert "NOT refresh" in exported.stdout and "credential_process" in exported.stdout
    assert credentials.secret_access_key not in exported.shown()


def test_config_session_variable_is_honoured(shell, keys, sb, auth):
    sign_in(shell, keys, sb.demo_username, sb.demo_password)
    shell.user_ns.pop("s", None)
    ok(shell, '%config AuthMagics.session_variable = "s"')
    try:
        assert "`s` is a boto3 Session" in ok(shell, "%auth_credentials").stdout
        assert shell.user_ns["s"] is auth.boto3_session()
    finally:
        ok(shell, '%config AuthMagics.session_variable = "aws_session"')


def test_config_file_storage_and_default_session(shell, keys, sb, monkeypatch, tmp_path):
    monkeypatch.setenv("AMPLIFY_NB_HOME", str(tmp_path))
    ok(shell, "%config AuthMagics.storage = 'file'")
    ok(shell, "%config AuthMagics.default_session = 'filed'")
    try:
        shell.user_ns["outputs"] = sb.config
        ok(shell, "%auth_configure outputs")  # the default session is now 'filed'
        sign_in(shell, keys, sb.demo_username, sb.demo_password)
        assert amplify_nb.get_session("filed").is_signed_in
        stored = tmp_path / "filed.json"
        assert stored.stat().st_mode & 0o777 == 0o600 and sb.demo_password not in stored.read_text()
        assert sb.demo_username in ok(shell, "%auth_session").stdout
    finally:
        ok(shell, "%config AuthMagics.storage = 'memory'")
        ok(shell, "%config AuthMagics.default_session = 'default'")


def test_session_shows_claims_and_attributes_never_a_token(shell, keys, sb, auth):
    sign_in(shell, keys, sb.demo_username, sb.demo_password)
    cell = ok(shell, "%auth_session --attributes")
    frame = cell.value
    assert list(frame.columns) == ["claim", "value"]
    claims = dict(zip(frame["claim"], frame["value"], strict=True))
    assert claims["email"] == sb.demo_username and claims["token_use"] == "id"
    assert claims["attribute:name"] == "Demo User"
    assert f"Signed in as {sb.demo_username}" in cell.stdout and "expire in" in cell.stdout
    tokens = auth.current_session()
    everything = cell.shown() + frame.to_string() + frame.to_html() + repr(shell.user_ns["Out"])
    for token in (tokens.id_token, tokens.access_token, tokens.refresh_token):
        assert token not in everything
        assert not any(part in everything for part in token.split(".")[1:] if len(part) > 20)


def test_history_holds_no_password_or_code(shell, keys, sb, auth):
    keys.type("History-pw-42", lambda: sb.outbox.last_code("hist@example.com"))
    ok(shell, "%auth_signup hist@example.com")
    keys.type("History-pw-42")
    ok(shell, "%auth_signin hist@example.com")
    ok(shell, "%auth_session")
    history = history_text(shell)
    assert "%auth_signup hist@example.com" in history and "claim" in history
    typed = {value for value in TYPED if value}
    assert "History-pw-42" in typed
    leaked = [value for value in typed if re.search(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", history)]
    assert not leaked, leaked
    for token in (auth.current_session().id_token, auth.current_credentials().secret_access_key):
        assert token not in history


def test_authenticator_and_signin_widget_share_the_magics_session(tmp_path):
    from IPython.core.interactiveshell import InteractiveShell

    from amplify_nb.sandbox import Sandbox
    from amplify_nb.widgets import Authenticator

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "amplify_nb")
    with Sandbox(moto=False) as sb:
        shell.user_ns["sandbox"] = sb
        shell.run_line_magic("auth_configure", "--sandbox --name widgeted")
        widget = shell.run_line_magic("authenticator", "--name widgeted")
        assert isinstance(widget, Authenticator) and widget.auth_state == "signIn"
        widget.flow.sign_in(sb.demo_username, sb.demo_password)
        assert widget.auth_state == "signedIn"
        second = shell.run_line_magic("auth_signin", "--widget --name widgeted")
        assert isinstance(second, Authenticator) and second.auth_state == "signedIn"  # same session
        shell.run_line_magic("auth_signout", "--name widgeted")
        assert widget.auth_state == "signIn" and second.auth_state == "signIn"
    del shell.user_ns["sandbox"]
