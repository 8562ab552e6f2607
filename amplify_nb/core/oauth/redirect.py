"""The object ``auth.sign_in_with_redirect()`` returns: the URL to open, and the way back.

``wait()`` waits for the browser's callback (loopback: the one-shot listener; server: the Jupyter server's
hand-off) without holding the session's lock, then hands it to ``complete()``, which runs as any public
call of the session does (its lock, its trace, its failure events): the callback checked, the code
exchanged, the tokens verified and stored. ``complete(url)`` takes the address the browser ended on
(paste mode, or any mode when the browser is elsewhere). A callback is used once: a second one, a replay
or another sign-in's, is refused. The repr and the HTML never show the verifier; the HTML link (the
authorize URL) holds the state and nonce, which are public once sent to the browser and single-use.
"""

from __future__ import annotations

import contextlib
import hmac
import html
import math
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from ...errors import (
    AmplifyNbError,
    RedirectCancelledError,
    RedirectStateError,
    RedirectTimeoutError,
    RedirectUrlError,
    ValidationError,
)
from ..flows.results import SignInResult
from .handoff import take_handoff
from .listener import LoopbackListener
from .urls import AuthorizationRequest

__all__ = ["DEFAULT_TIMEOUT", "HostedUIRedirect"]

DEFAULT_TIMEOUT = 300.0
_SLICE = 0.2  # the wait's step: an interrupt (Ctrl+C, the kernel's stop button) is honoured within it

Finish = Callable[["HostedUIRedirect", str], SignInResult]
Failed = Callable[["HostedUIRedirect", AmplifyNbError], None]


class HostedUIRedirect:
    """A sign-in with redirect in progress. ``url``: open it in a browser; ``mode``: how the browser comes
    back ("loopback", "server" or "paste"); ``status``: waiting, completing, signed_in, failed, cancelled
    or timed_out."""

    def __init__(self, request: AuthorizationRequest, mode: str, custom_state: str | None,
                 listener: LoopbackListener | None, finish: Finish, failed: Failed):
        self._request = request
        self.mode = mode
        self.custom_state = custom_state
        self._listener = listener
        self._finish = finish
        self._failed = failed
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._status = "waiting"
        self.url = request.url
        if listener is not None:  # dropped without being waited for: free the port
            weakref.finalize(self, listener.close)

    # ---- what the user sees ---------------------------------------------------------------------
    @property
    def redirect_uri(self) -> str:
        return self._request.redirect_uri

    @property
    def provider(self) -> str | None:
        return self._request.provider

    @property
    def response_type(self) -> str:
        return self._request.response_type

    @property
    def status(self) -> str:
        return self._status

    def instructions(self) -> str:
        """What to do next, in one sentence (the magics and the widget say it too)."""
        if self.mode == "paste":
            return ("Open the link and sign in; the browser then ends on an address starting with "
                    f"{self.redirect_uri} (it may say the page cannot be reached): copy that whole address and "
                    "call complete(address).")
        where = "this kernel's listener" if self.mode == "loopback" else "the Jupyter server"
        return f"Open the link and sign in; the browser comes back to {where} at {self.redirect_uri}, then wait()."

    def __repr__(self) -> str:
        return (f"HostedUIRedirect(provider={self.provider!r}, mode={self.mode!r}, "
                f"redirect_uri={self.redirect_uri!r}, status={self._status!r})")

    def _repr_html_(self) -> str:
        label = f"Sign in with {self.provider}" if self.provider else "Sign in with the hosted UI"
        return (f'<div><a href="{html.escape(self.url)}" target="_blank" rel="noopener noreferrer">'
                f"{html.escape(label)}</a> <small>({html.escape(self.mode)} mode, {html.escape(self._status)})"
                f"</small><br><small>{html.escape(self.instructions())}</small></div>")

    # ---- the way back ---------------------------------------------------------------------------
    def wait(self, timeout: float | None = DEFAULT_TIMEOUT) -> SignInResult:
        """Wait for the browser to come back (loopback or server mode) and finish the sign-in. Ctrl+C (or
        the kernel's interrupt) cancels it cleanly. ``timeout``: seconds, None for no limit."""
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                    or not math.isfinite(timeout) or timeout <= 0):
            raise ValidationError("timeout must be a positive number of seconds, or None", field="timeout")
        if self.mode == "paste":
            raise ValidationError("This sign-in is in paste mode: nothing listens for the browser. Open the link, "
                                  "sign in, then call complete(<the address the browser ended on>)", field="mode")
        self._still_waiting()
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            url = self._receive(deadline)
        except KeyboardInterrupt:
            self._end("cancelled", RedirectCancelledError("The sign-in with redirect was interrupted"))
            raise
        if url is None:
            if self._listener is not None and self._listener.superseded and self._status == "waiting":
                superseded = RedirectCancelledError(
                    f"A newer sign-in with redirect took port {self._listener.port}; this one is cancelled")
                self._end("cancelled", superseded)
                raise superseded
            if self._status == "cancelled":
                raise RedirectCancelledError("The sign-in with redirect was cancelled")
            self._still_waiting()  # completed meanwhile by complete() on another thread: said, not a timeout
            error = RedirectTimeoutError(
                f"No callback reached the notebook within {timeout or 0:g} s. If the browser showed an error page "
                f"(e.g. redirect_mismatch), register {self.redirect_uri} as a callback URL of the app client; "
                "else call sign_in_with_redirect() again and finish signing in sooner (or pass a longer timeout)")
            self._end("timed_out", error)
            raise error
        try:
            return self.complete(url)
        except (RedirectUrlError, RedirectStateError, ValidationError) as exc:
            # What came back is not this sign-in's answer, and the listener has answered it: the flow ends.
            self._end("failed", exc)
            raise

    def complete(self, redirected_url: str) -> SignInResult:
        """Finish the sign-in with the address the browser ended on (the redirect URI with the code)."""
        return self._finish(self, redirected_url)

    def cancel(self) -> None:
        """Stop waiting and listening; the sign-in can no longer complete (a wait() raises
        RedirectCancelledError)."""
        self._end("cancelled", RedirectCancelledError("The sign-in with redirect was cancelled"))

    # ---- used by the flow (core.oauth.flow) -----------------------------------------------------
    @property
    def _authorization(self) -> AuthorizationRequest:
        return self._request

    def _claim(self, state: str | None) -> None:
        """Take the callback with this ``state`` as this sign-in's answer, once; RedirectStateError for any
        other state, or for this one again (a replay). The flow stays open for a state not its own."""
        with self._lock:
            if self._status != "waiting":
                raise RedirectStateError(f"This sign-in has already ended ({self._status}): its callback cannot "
                                         "be used again. Call sign_in_with_redirect() for a new one")
            if not state or not hmac.compare_digest(state.encode(), self._request.state.encode()):
                raise RedirectStateError("That callback belongs to another sign-in (its state is not this one's): "
                                         "give the address the browser ended on after opening this sign-in's link")
            self._status = "completing"
        self._close_channel()

    def _settle(self, status: str) -> None:
        with self._lock:
            self._status = status

    def _still_waiting(self) -> None:
        if self._status != "waiting":
            raise RedirectStateError(f"This sign-in has already ended ({self._status}); call "
                                     "sign_in_with_redirect() for a new one")

    def _end(self, status: str, error: AmplifyNbError) -> None:
        """End a sign-in that is still waiting (cancelled, timed out, or answered with a foreign callback)."""
        with self._lock:
            if self._status != "waiting":
                return
            self._status = status
        self._cancelled.set()
        self._close_channel()
        if isinstance(error, AmplifyNbError) and not isinstance(error, ValidationError):
            self._failed(self, error)

    def _close_channel(self) -> None:
        if self._listener is not None:
            self._listener.close()
        elif self.mode == "server":  # a hand-off that came while the user pasted, or too late: not left behind
            with contextlib.suppress(AmplifyNbError, OSError):
                take_handoff(self._request.state)

    def _receive(self, deadline: float | None) -> str | None:
        """The callback's address, or None: timed out, cancelled, or the listener closed under us."""
        while True:
            if self._cancelled.is_set():
                return None
            if self._listener is not None:
                if self._listener.received.is_set():
                    return self._listener.url
                if self._listener.closed.is_set():
                    return None
            else:
                handed = take_handoff(self._request.state)
                if handed is not None:
                    return handed
            left = _SLICE if deadline is None else min(_SLICE, deadline - time.monotonic())
            if left <= 0:
                return None
            if self._listener is not None:
                self._listener.received.wait(left)
            else:
                self._cancelled.wait(left)

    def __getstate__(self) -> Any:
        raise TypeError("A sign-in with redirect holds its PKCE verifier and cannot be pickled")
