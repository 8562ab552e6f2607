"""Asking for secrets and following a sign-in's next steps from a notebook cell.

A password or code is never taken from the magic's line (IPython writes every line to its history
database): it is asked for with getpass, or read from an environment variable named on the line for
kernels with no one at the keyboard (nbclient, papermill). What the user sees of a TOTP set-up (the
QR code, which carries the secret) is replaced once the set-up is done, so a notebook saved afterwards
does not keep it.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from IPython.core.error import UsageError
from IPython.display import HTML, Image, Markdown, display, update_display

from ..errors import CodeMismatchError, InvalidPasswordError
from ..steps import STEPS, mfa_method

__all__ = ["ATTEMPTS", "ask", "follow", "retrying", "secret", "show_challenge_parameters", "show_totp_and_verify"]

ATTEMPTS = 3  # wrong codes a person may retype before the magic gives up


def secret(prompt: str, env_name: str | None) -> str:
    """The value of $env_name, or what the user types at a hidden prompt."""
    if env_name:
        value = os.environ.get(env_name)
        if not value:
            raise UsageError(f"${env_name} is not set (it was named on the line to supply the {prompt.rstrip(': ')})")
        return value
    return getpass.getpass(prompt)


def ask(prompt: str, env_name: str | None = None) -> str:
    """A visible answer (an MFA type, a custom-challenge answer), or $env_name."""
    if env_name:
        return secret(prompt, env_name)
    return input(prompt)


def retrying(action: Any, prompt: str, env_name: str | None, errors: tuple[type, ...] = (CodeMismatchError,)) -> Any:
    """Ask and act; a person may retype a wrong code, an environment variable is tried once."""
    tries = 1 if env_name else ATTEMPTS
    for attempt in range(tries):
        try:
            return action(secret(prompt, env_name))
        except errors as exc:
            if attempt + 1 == tries:
                raise
            print(f"{exc} — try again.")
    raise AssertionError("unreachable")


def show_challenge_parameters(parameters: dict[str, str]) -> None:
    """A custom challenge's public parameters: image URLs as images, the rest as text."""
    for name, value in parameters.items():
        if name in ("USERNAME", "USER_ID_FOR_SRP"):
            continue
        lowered = value.lower().split("?", 1)[0]
        if value.startswith(("http://", "https://", "data:image/")) and (
                lowered.endswith((".png", ".jpg", ".jpeg", ".gif", ".svg")) or value.startswith("data:image/")):
            display(Markdown(f"**{name}**"))
            display(Image(url=value))
        else:
            display(Markdown(f"**{name}**: {value}"))


def follow(auth: Any, result: Any, username: str, password: str | None, args: Any, qr_format: str = "png") -> Any:
    """Take every next step until signed in, asking the user for what each needs."""
    code_env = getattr(args, "code_env", None)
    # A flow may set several custom challenges (a captcha, then an e-mailed code): unattended, each takes
    # the next variable of --answer-env A,B; a person is asked each time.
    answer_envs = [name for name in (getattr(args, "answer_env", None) or "").split(",") if name]
    answered = 0
    while not result.is_signed_in:
        step = STEPS.get(result.next_step)
        if step is None:
            raise UsageError(f"Unexpected sign-in step {result.next_step}")
        if step.answer == "code":
            if result.code_delivery:
                print(f"A code was sent by {result.code_delivery.medium} to {result.code_delivery.destination}.")
            result = retrying(auth.confirm_sign_in, step.prompt, code_env)
        elif step.answer == "totp_setup":
            result = _totp_inside_sign_in(auth, result, code_env, qr_format)
        elif step.answer == "mfa_choice":
            choices = ", ".join(mfa_method(name).short for name in result.mfa_types)
            result = auth.confirm_sign_in(ask(step.prompt.format(choices=choices)))
        elif step.answer == "new_password":
            print("A new password is required for this account.")
            result = retrying(auth.complete_new_password, step.prompt,
                              getattr(args, "new_password_env", None), (InvalidPasswordError,))
        elif step.answer == "answer":
            show_challenge_parameters(dict(result.challenge_parameters))
            if answer_envs and answered >= len(answer_envs):
                raise UsageError(f"Custom challenge {answered + 1} needs an answer, but --answer-env names "
                                 f"{len(answer_envs)} variable(s): add one more, comma-separated")
            env_name = answer_envs[answered] if answer_envs else None
            answered += 1
            result = auth.send_custom_challenge_answer(ask(step.prompt, env_name))
        elif step.name == "CONFIRM_SIGN_UP":
            print(f"{username} has not confirmed the sign-up yet; enter the code that was sent.")
            retrying(lambda code: auth.confirm_sign_up(username, code), step.prompt, code_env)
            if password is None:
                raise UsageError("Sign-up confirmed: run %auth_signin again to sign in")
            result = auth.sign_in(username, password, flow=getattr(args, "flow", None))
        elif step.name == "RESET_PASSWORD":
            raise UsageError(f"A password reset is required for {username}: run %auth_password forgot {username}")
        else:
            raise UsageError(f"Unexpected sign-in step {step.name}")
    return result


def _totp_inside_sign_in(auth: Any, result: Any, code_env: str | None, qr_format: str) -> Any:
    setup = result.totp_setup
    if setup is None:
        raise UsageError("This pool requires MFA set-up, but not with an authenticator app; use the widget")
    return show_totp_and_verify(setup, lambda code: auth.confirm_sign_in(code), code_env, qr_format)


def show_totp_and_verify(setup: Any, verify: Any, code_env: str | None, qr_format: str = "png") -> Any:
    """Show the QR code, verify the first code, then replace the QR so a saved notebook does not hold it."""
    handle = display(HTML("<b>Scan this QR code with your authenticator app, then enter its code.</b>"),
                     display_id=True)
    qr = display(setup, include=["text/plain", "image/svg+xml" if qr_format == "svg" else "image/png"],
                 display_id=True)
    try:
        return retrying(verify, "Authenticator app code: ", code_env)
    finally:
        update_display(Markdown("*Authenticator set-up finished; the QR code was removed.*"),
                       display_id=qr.display_id)
        update_display(Markdown(""), display_id=handle.display_id)
