"""Loopback mode's one-shot listener: 127.0.0.1 at the port of a registered http://localhost:PORT/...
redirect URI, answering the browser's callback once and closing.

It serves only the redirect URI's path (anything else, a favicon, is a 404) and takes the first request
there that carries a query; its page tells the user to return to the notebook. For the implicit grant,
whose answer is in the fragment (which a browser never sends), a request without a query gets a page
whose script sends the fragment back as a query. No request line or address is logged (the query holds
the code). One listener per port in the process: a newer sign-in on the same port replaces the older
one, whose wait ends as cancelled.
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from ...errors import RedirectUriError

__all__ = ["LoopbackListener"]

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36em; margin: 4em auto; line-height: 1.5">
<h1 style="font-size: 1.4em">{title}</h1><p>{text}</p>{script}</body></html>"""

_FRAGMENT_RELAY = """<script>
if (location.hash.length > 1) { location.replace(location.pathname + "?" + location.hash.slice(1)); }
else { document.querySelector("p").textContent = "No sign-in response arrived here. Return to the notebook."; }
</script>"""

_listeners: dict[int, LoopbackListener] = {}
_listeners_lock = threading.Lock()


class LoopbackListener:
    """Listens for one callback at ``redirect_uri``; ``received`` is set once it has come (``url``)."""

    def __init__(self, redirect_uri: str, *, implicit: bool = False):
        parts = urlsplit(redirect_uri)
        self.redirect_uri = redirect_uri
        self.port = parts.port or 80
        self.path = parts.path or "/"
        self.implicit = implicit
        self.url: str | None = None
        self.received = threading.Event()
        self.closed = threading.Event()
        self.superseded = False
        self._close_lock = threading.Lock()
        self._stopped = False
        with _listeners_lock:
            older = _listeners.get(self.port)
            if older is not None:
                older.superseded = True
        if older is not None:
            older.close()  # outside the registry's lock, which close() takes
        with _listeners_lock:
            try:
                self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
            except OSError as exc:
                raise RedirectUriError(
                    f"Cannot listen on 127.0.0.1:{self.port} for the redirect URI {redirect_uri} "
                    f"({exc.strerror or exc}): another program uses that port. Stop it, or register another "
                    "http://localhost:PORT/ callback URL (app client and configuration) and sign in again") from None
            self._server.daemon_threads = True
            _listeners[self.port] = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name=f"amplify_nb-oauth-loopback-{self.port}", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop listening (idempotent; from any thread but the serving one, which never calls it: handlers
        run on threads of their own). Returns once the port is free."""
        with self._close_lock:
            if self._stopped:
                return
            self.closed.set()
            with _listeners_lock:
                if _listeners.get(self.port) is self:
                    del _listeners[self.port]
            self._server.shutdown()
            self._server.server_close()
            self._stopped = True

    def _take(self, path_and_query: str) -> bool:
        """The first callback wins; later ones (a reload) are told the sign-in has moved on."""
        if self.received.is_set() or self.closed.is_set():
            return False
        base = urlsplit(self.redirect_uri)
        self.url = f"{base.scheme}://{base.netloc}{path_and_query}"
        self.received.set()
        return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "amplify_nb"
            sys_version = ""

            def do_GET(self) -> None:  # http.server's name
                parts = urlsplit(self.path)
                if parts.path != listener.path:
                    self._page(404, "Not found", "This address serves the notebook's sign-in callback only.")
                    return
                if not parts.query:
                    if listener.implicit:
                        self._page(200, "Finishing the sign-in…", "One moment.", _FRAGMENT_RELAY)
                    else:
                        self._page(400, "No sign-in response", "This address expects the hosted UI's answer. "
                                   "Return to the notebook.")
                    return
                if not listener._take(self.path):
                    self._page(409, "Already received", "This sign-in's answer has already reached the "
                               "notebook. Return to the notebook.")
                    return
                failed = "error=" in parts.query
                self._page(200, "Sign-in failed" if failed else "Signed in",
                           ("The hosted UI did not sign you in; the notebook says why. " if failed else
                            "The sign-in's answer has reached the notebook. ")
                           + "Return to the notebook; you can close this tab.")
                listener.close()

            def _page(self, status: int, title: str, text: str, script: str = "") -> None:
                body = _PAGE.format(title=html.escape(title), text=html.escape(text), script=script).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                # The address holds the code: no caching, no Referer to anything the page might load.
                self.send_header("Cache-Control", "no-store")
                self.send_header("Referrer-Policy", "no-referrer")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the request line holds the authorization code: never logged

        return Handler
