"""The callback route's tornado handlers, registered on the Jupyter server by ``register``.

Jupyter authentication is required on the callback. The redirect arrives in the browser that opened the
sign-in link from JupyterLab, which carries the Jupyter login cookie (a top-level GET navigation sends it
even from the IdP's site), so requiring it costs the user nothing; without it, anyone who can reach the
server could drop callback files into the hand-off directory of every user's kernels. An unauthenticated
callback is refused with a page saying what to do, not redirected to the login page: that redirect would
carry the authorization code in its ``next=`` parameter into the login page's URL and logs.

The query (code, state) is read once and scrubbed from ``request.uri`` before the request is logged, so no
log function, whichever the server uses, writes it. The pages send no referrer and are not cached, and
their script takes the code out of the address bar and the browser's history.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, TypeVar

from jupyter_core.utils import ensure_async
from jupyter_server.auth import decorator as auth_decorator
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join

from ..core.oauth.handoff import write_handoff
from ..core.oauth.urls import CALLBACK_PATH
from ..errors import AmplifyNbError
from . import SIGNED_OUT_PATH

Method = TypeVar("Method", bound=Callable[..., Any])
# jupyter_server >= 2.13 asks handlers to say which may skip its authentication (these check it themselves);
# older servers never redirect on their own.
allow_unauthenticated: Callable[[Method], Method] = getattr(auth_decorator, "allow_unauthenticated",
                                                            lambda method: method)

__all__ = ["CallbackHandler", "SignedOutHandler", "page", "register"]

_STYLE = ("font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; max-width: 32rem; "
          "margin: 4rem auto; padding: 0 1rem; color: #0d1a26; line-height: 1.5")
# Replaces the address (and its history entry) by the bare path: the code leaves the browser's history.
_FORGET_QUERY = "<script>history.replaceState(null, '', location.pathname)</script>"


def page(title: str, message: str, *, error: bool = False) -> str:
    """A small self-contained page; ``title`` and ``message`` are text, escaped here."""
    color = "#c23d3d" if error else "#365e3d"
    role = ' role="alert"' if error else ""
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<meta name=\"referrer\" content=\"no-referrer\"></head><body style=\"{_STYLE}\">"
            f"<h1 style=\"color: {color}; font-size: 1.4rem\"{role}>"
            f"{html.escape(title)}</h1><p>{html.escape(message)}</p>{_FORGET_QUERY}</body></html>")


class _PageHandler(JupyterHandler):
    def _answer(self, status: int, title: str, message: str, *, error: bool = False) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.finish(page(title, message, error=error))


class CallbackHandler(_PageHandler):
    """GET ``<base_url>amplify-nb/oauth/callback?code=...&state=...`` (or ``?error=...&state=...``)."""

    @allow_unauthenticated  # checked below, answering 403 rather than redirecting to the login page
    async def get(self) -> None:
        callback = self._public_url()
        self.request.uri = self.request.path  # before anything logs the request (see the module docstring)
        error = self.get_query_argument("error", None)
        description = self.get_query_argument("error_description", None)
        user = self.current_user
        if not user:
            self._answer(403, "Not signed in to Jupyter",
                         "This browser is not signed in to this Jupyter server, so the sign-in was not handed to "
                         "the notebook. Open the notebook in this browser and start the sign-in again from it.",
                         error=True)
            return
        if not await ensure_async(self.authorizer.is_authorized(self, user, "execute", "kernels")):
            self._answer(403, "Not allowed", "Your Jupyter account may not run code in kernels here, so it may not "
                         "hand a sign-in to a notebook.", error=True)
            return
        try:
            written = write_handoff(callback)
        except AmplifyNbError as exc:  # an unusable hand-off directory: its message says which and what to do
            self._answer(500, "Could not hand the sign-in to the notebook", str(exc), error=True)
            return
        if not written:
            self._answer(400, "Not a sign-in the notebook started",
                         "This address carries no state of a sign-in started from a notebook. Start the sign-in "
                         "again from the notebook (%auth_signin --hosted-ui, or the Authenticator's buttons).",
                         error=True)
            return
        if error:
            reason = f"{error}: {description}" if description else error
            self._answer(200, "Sign-in failed", f"The sign-in page answered {reason}. The notebook shows this too; "
                         "return to it to try again.", error=True)
            return
        self._answer(200, "Signed in", "Return to the notebook: it finishes the sign-in. You may close this tab.")


    def _public_url(self) -> str:
        """The address the browser asked for, as the user registered it: behind a proxy (JupyterHub's, a
        cloud notebook's) the scheme and host the browser used are in the X-Forwarded-* headers, which the
        server takes as its own only with trust_xheaders. The kernel compares it with its redirect URI."""
        request = self.request
        forwarded = {name: (request.headers.get(f"X-Forwarded-{name}") or "").split(",")[0].strip()
                     for name in ("Proto", "Host")}
        scheme = forwarded["Proto"] if forwarded["Proto"] in ("http", "https") else request.protocol
        return f"{scheme}://{forwarded['Host'] or request.host}{request.uri}"


class SignedOutHandler(_PageHandler):
    """Where the hosted UI's /logout may send the browser back (a sign-out URL to register); it does nothing
    but say so, so it needs no Jupyter sign-in."""

    @allow_unauthenticated
    def get(self) -> None:
        self.request.uri = self.request.path
        self._answer(200, "Signed out", "You are signed out of the hosted UI. You may close this tab.")


def register(serverapp: Any) -> None:
    """Add the routes under the server's base_url."""
    web_app = serverapp.web_app
    base_url = web_app.settings.get("base_url", "/")
    web_app.add_handlers(".*$", [(url_path_join(base_url, CALLBACK_PATH), CallbackHandler),
                                 (url_path_join(base_url, SIGNED_OUT_PATH), SignedOutHandler)])
    serverapp.log.info("amplify_nb: hosted-UI callback at %s", url_path_join(base_url, CALLBACK_PATH))
