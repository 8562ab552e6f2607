"""``%auth_signin --hosted-ui``: sign in on Cognito's hosted UI (managed login) from a notebook cell.

The cell shows a link (HTML in Jupyter, the address in a terminal), then waits for the browser's redirect:
to a one-shot listener of the kernel (loopback), to the Jupyter server's callback route (server), or as
the address the user pastes (paste). Interrupting the kernel (Ctrl+C) cancels the sign-in and says so.

The pasted address carries a one-use authorization code. It is read with a hidden prompt: JupyterLab
writes an ``input()`` answer into the cell's outputs (a ``stdin`` stream, saved with the notebook) and its
input history, a hidden prompt's answer as dots. It is never echoed, and a failure's message (from the
core) names what was wrong, not the address. The link is replaced once the sign-in ends: a saved notebook
keeps no authorize URL of a finished flow.
"""

from __future__ import annotations

import html
from typing import Any

from IPython.core.error import UsageError
from IPython.display import display, update_display

from ..errors import AmplifyNbError, RedirectStateError, RedirectUrlError
from . import steps

__all__ = ["MODES", "PASTE_PROMPT", "show_logout", "sign_in"]

MODES = ("loopback", "server", "paste")
PASTE_PROMPT = "Paste the address your browser ended on (hidden): "
_LINK_STYLE = ("display:inline-block;padding:6px 14px;border-radius:6px;background:#047d95;color:#fff;"
               "font-weight:bold;text-decoration:none")
_AFTER = {
    "loopback": "After you sign in, the browser comes back to this kernel at {redirect_uri}.",
    "server": "After you sign in, the browser comes back to this Jupyter server, which hands the sign-in to this "
              "kernel.",
    "paste": "After you sign in, the browser is sent to {redirect_uri}, which may show an error page: that is "
             "expected. Copy the whole address from the browser's address bar and paste it here.",
}


def sign_in(auth: Any, args: Any) -> None:
    """Run the hosted-UI sign-in that ``%auth_signin --hosted-ui`` asked for and say who signed in."""
    if not args.hosted_ui:
        raise UsageError("--provider and --mode choose how --hosted-ui signs in: add --hosted-ui")
    other = [flag for flag, given in (("a username", args.username), ("--flow", args.flow), ("--prefer", args.prefer),
                                      ("--password-env", args.password_env), ("--code-env", args.code_env),
                                      ("--answer-env", args.answer_env), ("--no-password", args.no_password),
                                      ("--widget", args.widget)) if given]
    if other:
        raise UsageError(f"--hosted-ui signs in on Cognito's own page, which asks for everything itself: "
                         f"leave out {', '.join(other)}")
    if args.timeout <= 0:
        raise UsageError("--timeout is a number of seconds greater than 0")
    redirect = auth.sign_in_with_redirect(args.provider, mode=args.mode or "auto")
    handle: Any = None
    outcome = "failed"
    try:
        handle = display(_link_bundle(redirect, args.provider), raw=True, display_id=True)
        if redirect.mode == "paste":  # another page's address may be retyped; the flow stays open for it
            result = steps.retrying(redirect.complete, PASTE_PROMPT, None, (RedirectUrlError, RedirectStateError))
        else:
            print("Waiting for the sign-in to finish in the browser (interrupt the kernel to cancel)...")
            result = redirect.wait(timeout=args.timeout)
        outcome = "finished"
    except KeyboardInterrupt:
        outcome = "cancelled"
        redirect.cancel()
        raise UsageError("Hosted-UI sign-in cancelled: no one was signed in. Run %auth_signin --hosted-ui again to "
                         "start over.") from None
    except AmplifyNbError:
        redirect.cancel()  # a listener or a hand-off still waiting ends with the flow
        raise
    finally:
        if handle is not None:
            update_display({"text/plain": f"Hosted-UI sign-in {outcome}; the link was removed."}, raw=True,
                           display_id=handle.display_id)
    steps.signed_in(auth, result)


def _link_bundle(redirect: Any, provider: str | None) -> dict[str, str]:
    """The link in Jupyter (a button-like anchor opening a new tab), the address in a terminal."""
    label = f"Sign in with {provider}" if provider else "Sign in with the hosted UI"
    after = _AFTER.get(redirect.mode, "").format(redirect_uri=redirect.redirect_uri)
    text = f"{label}: open this address in a browser.\n{redirect.url}\n{after}".rstrip()
    markup = (f'<div class="amplify-nb-hosted-ui"><a href="{html.escape(redirect.url)}" target="_blank" '
              f'rel="noopener noreferrer" style="{_LINK_STYLE}">{html.escape(label)}</a>'
              f'<p>{html.escape(after)} <i>(mode: {html.escape(redirect.mode)})</i></p></div>')
    return {"text/plain": text, "text/html": markup}


def show_logout(url: str) -> None:
    """After signing out of a hosted-UI session: the link that ends the browser's Cognito session too."""
    label = "Sign out of the hosted UI too"
    display({"text/plain": f"{label} (ends the browser's session on Cognito's page):\n{url}",
             "text/html": f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
                          f"{html.escape(label)}</a> (ends the browser's session on Cognito's page)"}, raw=True)
