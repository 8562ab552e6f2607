"""Hub: Amplify's event bus. ``Hub.listen("auth", callback)`` returns a function that stops listening.

Payloads are ``{"event": name, "data": ..., "message": ...}``, delivered synchronously on the thread
that caused the event. A listener that raises is logged and does not stop the others, nor the flow.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["AUTH_EVENTS", "Hub", "Listener"]

log = logging.getLogger("amplify_nb.hub")
Listener = Callable[[dict[str, Any]], Any]

AUTH_EVENTS = (
    "configured", "signIn", "signIn_failure", "signUp", "signUp_failure", "confirmSignUp", "signOut",
    "tokenRefresh", "tokenRefresh_failure", "forgotPassword", "forgotPassword_failure", "forgotPasswordSubmit",
    "forgotPasswordSubmit_failure", "completeNewPassword_failure", "userDeleted", "cognitoHostedUI",
    "customOAuthState", "credentialsRefresh", "credentialsRefresh_failure", "autoSignIn", "autoSignIn_failure",
    "signInWithRedirect", "signInWithRedirect_failure", "cognitoHostedUI_failure",
)


class _Hub:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}
        self._lock = threading.Lock()

    def listen(self, channel: str, callback: Listener) -> Callable[[], None]:
        if not callable(callback):
            raise TypeError("Hub.listen needs a callable")
        with self._lock:
            self._listeners.setdefault(channel, []).append(callback)

        def stop() -> None:
            self.remove(channel, callback)
        return stop

    def remove(self, channel: str, callback: Listener) -> None:
        with self._lock:
            listeners = self._listeners.get(channel, [])
            if callback in listeners:
                listeners.remove(callback)

    def dispatch(self, channel: str, payload: dict[str, Any]) -> None:
        with self._lock:
            listeners = list(self._listeners.get(channel, []))
        for listener in listeners:
            try:
                listener(payload)
            except Exception:
                log.exception("Hub listener %r failed on %s", listener, payload.get("event"))


Hub = _Hub()
