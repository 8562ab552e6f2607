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

from ..core.validate import Secret
from ..errors import CodeMismatchError, InvalidPasswordError
from ..steps import CHOICE_FLOW, MFA_SETUP_CHOICE_PROMPT, STEPS, mfa_method

__all__ = ["ATTEMPTS", "ask", "first_password", "follow", "retrying", "secret",
           "show_challenge_parameters", "show_totp_and_verify", "signed_in"]

ATTEMPTS = 3  # wrong codes a person may retype before the magic gives up
# MFA_SETUP offering several methods: which one to set up (its own prompt asks for the authenticator code).


def secret(prompt: str, env_name: str | None) -> str:
    """The value of $env_name, or what the user types at a hidden prompt, as a Secret from here on (masked in
    every traceback's frame locals)."""
    if env_name:
        value = os.environ.get(env_name)
        if not value:
            raise UsageError(f"${env_name} is not set (it was named on the line to supply the {prompt.rstrip(': ')})")
        return Secret(value)
    return Secret(getpass.getpass(prompt))


def ask(prompt: str, env_name: str | None = None) -> str:
    """A visible answer (an MFA type, a custom-challenge answer), or $env_name."""
    if env_name:
        return secret(prompt, env_name)
    return input(prompt)


def first_password(args: Any, configured_flow: str) -> str | None:
    """The password asked before a sign-in starts. Choosing the first factor (USER_AUTH), only when it is
    the preferred one or --password-env names it: a one-time code needs none, and a password factor chosen
    later is asked for then."""
    flow = args.flow or configured_flow
    if args.prefer and flow != CHOICE_FLOW:
        raise UsageError(f"--prefer chooses a first factor of --flow {CHOICE_FLOW}, not of {flow}")
    wanted = flow != CHOICE_FLOW or bool(args.password_env) or (
        args.prefer is not None and STEPS[args.prefer].answer == "password")
    return secret("Password: ", args.password_env) if wanted and not args.no_password else None


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
        elif step.answer == "totp_setup" and result.totp_setup is None:
            result = auth.confirm_sign_in(ask(MFA_SETUP_CHOICE_PROMPT.format(choices=_short_names(result.mfa_types))))
        elif step.answer == "totp_setup":
            result = show_totp_and_verify(result.totp_setup, auth.confirm_sign_in, code_env, qr_format)
        elif step.answer == "mfa_choice":
            result = auth.confirm_sign_in(ask(step.prompt.format(choices=_short_names(result.mfa_types))))
        elif step.answer == "factor_choice":
            result = auth.confirm_sign_in(_factor(step, result, username, args))
        elif step.answer == "password":
            # The password given up front (--password-env) answers it; else it is asked now, once: a wrong
            # one ends Cognito's session, as a wrong password at the start of a sign-in does.
            result = auth.confirm_sign_in(password if password is not None else
                                          secret(step.prompt, getattr(args, "password_env", None)))
        elif step.answer == "email_address":
            result = auth.confirm_sign_in(ask(step.prompt))
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
            result = _confirm_then_sign_in_again(auth, step, username, password, args)
        elif step.name == "RESET_PASSWORD":
            raise UsageError(f"A password reset is required for {username}: run %auth_password forgot {username}")
        else:
            raise UsageError(f"Unexpected sign-in step {step.name}")
    return result


def signed_in(auth: Any, result: Any) -> None:
    """Say who is signed in, and what a device waiting for the user's word needs."""
    user = auth.current_authenticated_user()
    print(f"Signed in as {user.login_id or user.username} (session {auth.name!r}).")
    if result.device_confirmation_necessary:
        print("This pool remembers a device when its user says so: %auth_devices remember")


def _short_names(methods: Any) -> str:
    """MFA methods as the user types them (TOTP, SMS, EMAIL)."""
    return ", ".join(mfa_method(name).short for name in methods)


def _factor(step: Any, result: Any, username: str, args: Any) -> str:
    """USER_AUTH's first factor: the user picks one of those Cognito offers. With --prefer the factor was
    named on the line, so there is no one to ask (an unattended run): it is not one of them, say so."""
    offered = ", ".join(result.available_challenges)
    preferred = getattr(args, "prefer", None)
    if preferred:
        raise UsageError(f"{preferred} is not available to {username} (Cognito offers {offered}): run %auth_signin "
                         "again with --prefer one of those, or without --prefer to choose")
    return ask(step.prompt.format(choices=offered)).strip()


def _confirm_then_sign_in_again(auth: Any, step: Any, username: str, password: str | None, args: Any) -> Any:
    """A sign-in refused because the sign-up is unconfirmed: confirm it, then sign in again. Without a
    password only a one-time code can sign in again (USER_AUTH); other flows start over."""
    print(f"{username} has not confirmed the sign-up yet; enter the code that was sent.")
    retrying(lambda code: auth.confirm_sign_up(username, code), step.prompt, getattr(args, "code_env", None))
    flow = getattr(args, "flow", None)
    if password is None and flow != CHOICE_FLOW:
        raise UsageError("Sign-up confirmed: run %auth_signin again to sign in")
    return auth.sign_in(username, password, flow=flow, preferred_challenge=getattr(args, "prefer", None))


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
