"""``amplify-nb credentials-endpoint --name SESSION``: a credentials endpoint outside the kernel.

For processes that are not children of the notebook (a terminal, a Spark or Ray session started
elsewhere, a cron job): it resumes the session kept in FileStorage (as ``credential-process`` does),
serves it in the container-credentials format, and prints the two variables as ``export`` lines::

    amplify-nb credentials-endpoint --name default > endpoint.env &
    . ./endpoint.env && aws s3 ls s3://bucket/public/

It follows the notebook: a sign-out there (which removes the tokens from the file) is a 401 here on the
next request, a new sign-in is served as the new user. The token stays in its 0600 file: the output
names the file, never the token.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from ..core.foreground import stop_on_signals
from ..core.storage import FileStorage, storage_key
from ..errors import AmplifyNbError
from .auth import Auth
from .endpoint import CredentialsEndpoint, service_env, session_source
from .manager import AwsCredentials
from .saved_config import load_saved_config

__all__ = ["StoredSession", "main"]


class StoredSession:
    """The endpoint's source: the session in FileStorage, re-read whenever another process changed who is
    signed in (its tokens or its federated login), so that a sign-out in the notebook is never served."""

    def __init__(self, name: str, directory: str | Path | None = None, guest: bool = False):
        self.name, self.guest = name, guest
        self.storage = FileStorage(directory, name)
        self.auth = self._build()
        self._lock = threading.Lock()
        self._seen = self._who()

    def _build(self) -> Auth:
        return Auth(load_saved_config(self.storage, self.name), name=self.name, storage=self.storage)

    def _who(self) -> tuple[str | None, ...]:
        # The same keys the session writes (core's tokens, federation's login): what a sign-in/out changes.
        scope = self.auth.config.storage_scope
        self.storage.sync()
        return tuple(self.storage.get_item(key) for key in (storage_key(self.name, scope, "tokens"),
                                                             storage_key(self.name, "federated")))

    def __call__(self) -> AwsCredentials:
        with self._lock:
            who = self._who()
            if who != self._seen:  # a new Auth: signed out, it has no tokens and session_source refuses
                self._seen = who
                self.auth = self._build()
            source = session_source(self.auth.credentials_manager, self.guest)
        return source()


def main(name: str, directory: str | None = None, port: int = 0, guest: bool = False,
         out: Any = None) -> int:
    out = out or sys.stdout
    try:
        stored = StoredSession(name, directory, guest)
        endpoint = CredentialsEndpoint(stored, port)
    except (AmplifyNbError, OSError) as exc:
        print(f"amplify-nb credentials-endpoint: {exc}", file=sys.stderr)
        return 1
    with stop_on_signals() as stop:
        try:
            print(f"# amplify-nb credentials endpoint for session {name!r}; stop with Ctrl+C", file=out)
            for key, value in {**endpoint.env, **service_env(stored.auth.config)}.items():
                print(f"export {key}={value}", file=out)
            out.flush()
            stop.wait()
        finally:
            endpoint.close()
            print("amplify-nb credentials endpoint stopped", file=sys.stderr, flush=True)
    return 0
