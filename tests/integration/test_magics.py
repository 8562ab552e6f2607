"""%auth_configure and %auth_signin through a real IPython shell against the sandbox: every next step of a
sign-in asked at a prompt (getpass patched), expected failures as one UsageError line, bugs with their
traceback, and nothing secret left in IPython's history."""

from __future__ import annotations

import json
import re

import pyotp
import pytest
from IPython.core.error import UsageError

import amplify_nb
import amplify_nb.core.auth
from amplify_nb.errors import NotAuthorizedError
from amplify_nb.sandbox import Sandbox
from tests.conftest import install_challenge

from .ipython_shell import TYPED, history_text, ok, run

PASSWORD = "Correct-horse-1"
CAPTCHA = "https://example.com/captcha/7.png"


@pytest.fixture
def sb(shell):
    with Sandbox(moto=False) as sandbox:
        configure(shell, sandbox)
        yield sandbox


def configure(shell, sandbox: Sandbox, name: str = "default") -> None:
    shell.user_ns["outputs"] = sandbox.config
    ok(shell, f"%auth_configure outputs --name {name}")


def signed_in_as(name: str = "default") -> str:
    return amplify_nb.get_session(name).current_authenticated_user().login_id


def other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_configure_from_a_path_a_variable_and_a_sandbox(shell, keys, tmp_path):
    with Sandbox(moto=False) as sandbox:
        path = sandbox.write_config(tmp_path / "amplify_outputs.json")
        cell = ok(shell, f"%auth_configure {path} --name from_file")
        assert sandbox.pool.pool_id in cell.stdout and amplify_nb.get_session("from_file").config.user_pool_id
        configure(shell, sandbox, "from_dict")
        keys.type(sandbox.demo_password)
        ok(shell, f"%auth_signin {sandbox.demo_username} --name from_dict")
        assert signed_in_as("from_dict") == sandbox.demo_username

    missing = run(shell, f"%auth_configure {tmp_path / 'nowhere.json'}")
    assert type(missing.error) is UsageError and "Traceback" not in missing.shown()


def test_configure_sandbox_finds_the_notebooks_sandbox_or_its_outputs_file(shell, keys, tmp_path, monkeypatch):
    shell.user_ns.pop("sandbox", None)
    monkeypatch.setenv("AMPLIFY_NB_CONFIG", str(tmp_path / "amplify_outputs.json"))
    none = run(shell, "%auth_configure --sandbox")
    assert type(none.error) is UsageError and "amplify-nb sandbox" in str(none.error)
    with Sandbox(moto=False) as bound, Sandbox(moto=False) as served:
        served.write_config(tmp_path / "amplify_outputs.json")  # what `amplify-nb sandbox --config-out` writes
        assert served.pool.pool_id in ok(shell, "%auth_configure --sandbox").stdout
        shell.user_ns["sandbox"] = bound  # a Sandbox started in the notebook wins
        try:
            assert bound.pool.pool_id in ok(shell, "%auth_configure --sandbox").stdout
            keys.type(bound.demo_password)
            ok(shell, f"%auth_signin {bound.demo_username}")
            assert signed_in_as() == bound.demo_username
        finally:
            shell.user_ns.pop("sandbox")
        config = served.config
        del config["custom"]["amplify_nb"]["sandbox"]  # a real backend's outputs are not a sandbox
        (tmp_path / "amplify_outputs.json").write_text(json.dumps(config))
        assert type(run(shell, "%auth_configure --sandbox").error) is UsageError


def test_a_trailing_comment_is_not_an_argument_as_in_the_readme(shell, keys, sb):
    keys.type(sb.demo_password)
    cell = ok(shell, f"%auth_signin {sb.demo_username}   # asks for the password (getpass)")
    assert f"Signed in as {sb.demo_username}" in cell.stdout
    extra = run(shell, "%auth_signout --global extra#word")  # '#' inside a word is part of it
    assert type(extra.error) is UsageError and "extra#word" in str(extra.error)


def test_srp_sign_in_asks_username_and_password_and_traces_no_password(shell, keys, sb):
    keys.type(sb.demo_username, sb.demo_password)
    cell = ok(shell, "%auth_signin")
    assert keys.prompts == ["Username: ", "Password: "]
    assert f"Signed in as {sb.demo_username}" in cell.stdout
    trace = ok(shell, "%auth_trace").value
    assert trace.operations == ["InitiateAuth", "RespondToAuthChallenge"]
    assert sb.demo_password not in str(trace) + trace._repr_html_()


def test_wrong_password_is_exactly_a_usage_error_with_the_typed_message(shell, keys, sb):
    keys.type("Wrong-password-9")
    cell = run(shell, f"%auth_signin {sb.demo_username} --flow USER_PASSWORD_AUTH")
    with pytest.raises(NotAuthorizedError) as typed:
        amplify_nb.get_session().sign_in(sb.demo_username, "Wrong-password-9", flow="USER_PASSWORD_AUTH")
    assert type(cell.error) is UsageError and str(cell.error) == str(typed.value)
    assert cell.stderr.strip() == f"UsageError: {typed.value}"
    assert "Traceback" not in cell.shown() and "Wrong-password-9" not in cell.shown()
    assert not amplify_nb.get_session().is_signed_in


def test_a_bug_keeps_its_traceback(shell, keys, sb, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("a bug in the core")

    monkeypatch.setattr(amplify_nb.core.auth.UserPoolAuth, "sign_in", broken)
    keys.type(sb.demo_password)
    cell = run(shell, f"%auth_signin {sb.demo_username}")
    assert type(cell.error) is RuntimeError
    assert "Traceback" in cell.shown() and "a bug in the core" in cell.shown()


def test_unconfigured_session_and_missing_env_variable_are_usage_errors(shell, keys, sb, monkeypatch):
    assert type(run(shell, "%auth_signin someone --name never_configured").error) is UsageError
    monkeypatch.delenv("AMPLIFY_NB_TEST_UNSET", raising=False)
    cell = run(shell, f"%auth_signin {sb.demo_username} --password-env AMPLIFY_NB_TEST_UNSET")
    assert type(cell.error) is UsageError and "AMPLIFY_NB_TEST_UNSET" in str(cell.error)


def test_sms_mfa_code_from_the_outbox_after_a_retyped_wrong_code(shell, keys, sb):
    sb.create_user("sms@example.com", PASSWORD, {"phone_number": "+15550001234"}, mfa=["SMS_MFA"])
    keys.type(PASSWORD, lambda: other(sb.outbox.last_code("+15550001234")),
              lambda: sb.outbox.last_code("+15550001234"))
    cell = ok(shell, "%auth_signin sms@example.com")
    assert keys.prompts == ["Password: ", "SMS code: ", "SMS code: "]
    assert "sent by SMS" in cell.stdout and "try again" in cell.stdout and "+15550001234" not in cell.stdout
    assert signed_in_as() == "sms@example.com"


def test_totp_sign_in_with_the_authenticator_app_code(shell, keys, sb):
    user = sb.create_user("totp@example.com", PASSWORD, mfa=["SOFTWARE_TOKEN_MFA"])
    keys.type(PASSWORD, lambda: pyotp.TOTP(user.totp_secret).now())
    ok(shell, "%auth_signin totp@example.com")
    assert keys.prompts[-1] == "Authenticator app code: " and signed_in_as() == "totp@example.com"


def qr_then_replaced(outputs) -> tuple[dict, dict]:
    """The display that showed the QR code and the later update of the same display id."""
    qr = next(o for o in outputs if "image/png" in o.data or "image/svg+xml" in o.data)
    display_id = qr.transient["display_id"]
    update = next(o for o in outputs if o.update and o.transient.get("display_id") == display_id)
    return qr.data, update.data


def test_totp_setup_inside_sign_in_shows_the_qr_then_replaces_it(shell, keys):
    with Sandbox(moto=False, mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA",)) as sandbox:
        configure(shell, sandbox)
        sandbox.create_user("setup@example.com", PASSWORD)
        keys.type(PASSWORD, lambda: pyotp.TOTP(sandbox.user("setup@example.com").pending_totp_secret).now())
        cell = ok(shell, "%auth_signin setup@example.com")
        shown, replaced = qr_then_replaced(cell.outputs)
        assert shown["image/png"].startswith(b"\x89PNG") and "image/svg+xml" not in shown  # qr_format png
        assert not {"image/png", "image/svg+xml"} & set(replaced) and "removed" in replaced["text/markdown"]
        secret = sandbox.user("setup@example.com").totp_secret
        assert secret and secret not in cell.shown() and signed_in_as() == "setup@example.com"

        ok(shell, "%auth_signout")
        ok(shell, "%config AuthMagics.qr_format = 'svg'")
        try:
            sandbox.create_user("svg@example.com", PASSWORD)
            keys.type(PASSWORD, lambda: pyotp.TOTP(sandbox.user("svg@example.com").pending_totp_secret).now())
            shown, _ = qr_then_replaced(ok(shell, "%auth_signin svg@example.com").outputs)
            assert "image/svg+xml" in shown and "image/png" not in shown
        finally:
            ok(shell, "%config AuthMagics.qr_format = 'png'")


def test_new_password_required_then_sms(shell, keys, sb):
    sb.create_user("invited@example.com", "Temporary-pw-1", {"phone_number": "+15550004321"}, temporary=True,
                   mfa=["SMS_MFA"])
    keys.type("Temporary-pw-1", "short", "Chosen-pw-123", lambda: sb.outbox.last_code("+15550004321"))
    cell = ok(shell, "%auth_signin invited@example.com")
    assert keys.prompts == ["Password: ", "New password: ", "New password: ", "SMS code: "]
    assert "A new password is required" in cell.stdout
    ok(shell, "%auth_signout")
    keys.type("Chosen-pw-123", lambda: sb.outbox.last_code("+15550004321"))
    ok(shell, "%auth_signin invited@example.com")


def captcha(sandbox: Sandbox) -> None:
    def define(event):
        session = event["request"]["session"]
        if session and session[-1]["challengeName"] == "CUSTOM_CHALLENGE":
            event["response"]["issueTokens"] = session[-1]["challengeResult"]
            event["response"]["failAuthentication"] = not session[-1]["challengeResult"]
        else:
            event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
        return event

    def create(event):
        event["response"]["publicChallengeParameters"] = {"captchaUrl": CAPTCHA, "hint": "the digit shown"}
        event["response"]["privateChallengeParameters"] = {"answer": "7"}
        return event

    install_challenge(sandbox, define, create)


def test_custom_challenge_shows_public_parameters_and_the_image(shell, keys, sb):
    captcha(sb)
    keys.type("7")
    cell = ok(shell, f"%auth_signin {sb.demo_username} --flow CUSTOM_AUTH --no-password")
    assert keys.prompts == ["Answer: "]  # visible, no password asked
    html = [o.data["text/html"] for o in cell.outputs if "text/html" in o.data]
    assert any(f'src="{CAPTCHA}"' in h and "<img" in h for h in html)
    assert "the digit shown" in cell.shown() and "answer" not in cell.shown()
    assert signed_in_as() == sb.demo_username

    ok(shell, "%auth_signout")
    keys.type("8")
    failed = run(shell, f"%auth_signin {sb.demo_username} --flow CUSTOM_AUTH --no-password")
    assert type(failed.error) is UsageError and "Traceback" not in failed.shown()


def test_two_custom_challenges_answered_from_two_variables(shell, keys, sb, monkeypatch):
    def define(event):
        passed = [step for step in event["request"]["session"] if step["challengeResult"]]
        failed = len(event["request"]["session"]) > len(passed)
        event["response"].update(issueTokens=len(passed) == 2 and not failed, failAuthentication=failed)
        if not failed and len(passed) < 2:
            event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
        return event

    def create(event):
        round_ = len(event["request"]["session"])
        event["response"]["publicChallengeParameters"] = {"question": ["2 + 5", "3 * 3"][round_]}
        event["response"]["privateChallengeParameters"] = {"answer": ["7", "9"][round_]}
        return event

    install_challenge(sb, define, create)
    monkeypatch.setenv("FIRST_ANSWER", "7")
    monkeypatch.setenv("SECOND_ANSWER", "9")
    one = run(shell, f"%auth_signin {sb.demo_username} --flow CUSTOM_AUTH --no-password --answer-env FIRST_ANSWER")
    assert type(one.error) is UsageError and "names 1 variable(s)" in str(one.error)
    assert not amplify_nb.get_session().is_signed_in
    cell = ok(shell, f"%auth_signin {sb.demo_username} --flow CUSTOM_AUTH --no-password "
                     "--answer-env FIRST_ANSWER,SECOND_ANSWER")
    assert "2 + 5" in cell.shown() and "3 * 3" in cell.shown() and keys.prompts == []
    assert signed_in_as() == sb.demo_username
    monkeypatch.setenv("SECOND_ANSWER", "8")
    ok(shell, "%auth_signout")
    wrong = run(shell, f"%auth_signin {sb.demo_username} --flow CUSTOM_AUTH --no-password "
                       "--answer-env FIRST_ANSWER,SECOND_ANSWER")
    assert type(wrong.error) is UsageError and not amplify_nb.get_session().is_signed_in


def test_mfa_type_selection_then_sms(shell, keys, sb):
    sb.create_user("both@example.com", PASSWORD, {"phone_number": "+15550009999"},
                   mfa=["SMS_MFA", "SOFTWARE_TOKEN_MFA"])
    keys.type(PASSWORD, "SMS", lambda: sb.outbox.last_code("+15550009999"))
    ok(shell, "%auth_signin both@example.com")
    assert "SMS" in keys.prompts[1] and "TOTP" in keys.prompts[1] and keys.prompts[2] == "SMS code: "
    assert signed_in_as() == "both@example.com"


def test_password_and_codes_from_environment_variables(shell, keys, sb, monkeypatch):
    user = sb.create_user("env@example.com", PASSWORD, mfa=["SOFTWARE_TOKEN_MFA"])
    monkeypatch.setenv("AMPLIFY_NB_TEST_PASSWORD", PASSWORD)
    cell = run(shell, "%auth_signin env@example.com --password-env AMPLIFY_NB_TEST_PASSWORD --code-env NO_SUCH_VAR")
    assert type(cell.error) is UsageError and "NO_SUCH_VAR" in str(cell.error)
    code = pyotp.TOTP(user.totp_secret).now()
    monkeypatch.setenv("AMPLIFY_NB_TEST_CODE", code)
    TYPED.extend([PASSWORD, code])
    ok(shell, "%auth_signin env@example.com --password-env AMPLIFY_NB_TEST_PASSWORD --code-env AMPLIFY_NB_TEST_CODE")
    assert signed_in_as() == "env@example.com" and not keys.prompts


def test_history_holds_no_password_or_code(shell, keys, sb):
    sb.create_user("hist@example.com", "History-pw-42", {"phone_number": "+15550007777"}, mfa=["SMS_MFA"])
    keys.type("History-pw-42", lambda: sb.outbox.last_code("+15550007777"))
    ok(shell, "%auth_signin hist@example.com")
    ok(shell, "%auth_session")
    ok(shell, "%auth_trace")
    history = history_text(shell)
    assert "%auth_signin hist@example.com" in history and "get_ipython().run_line_magic" in history
    assert "claim" in history  # the outputs are logged too
    typed = {value for value in TYPED if value}
    assert "History-pw-42" in typed and len(typed) > 10
    leaked = [value for value in typed if re.search(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", history)]
    assert not leaked, leaked
