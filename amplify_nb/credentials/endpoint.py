"""A loopback credentials endpoint in the AWS container-credentials format, for every SDK on this machine.

``AWS_CONTAINER_CREDENTIALS_FULL_URI`` + ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`` are read by botocore
(boto3, the AWS CLI), aiobotocore (s3fs), the Java/Go/Rust/C++ SDKs (pyarrow's S3FileSystem, Spark's S3A):
they GET the URI with the file's content as the ``Authorization`` header and expect ``{AccessKeyId,
SecretAccessKey, Token, Expiration}``, asking again before ``Expiration``. So one process holding the
session (the kernel, ``amplify-nb credentials-endpoint``, a Dask worker fed by the kernel) can hand
refreshing credentials to any process on the machine without that process holding a Cognito token.

Why it is safe enough to run (aws-vault's server is the model):
- it listens on 127.0.0.1 only: botocore accepts plain HTTP only for loopback addresses anyway;
- every request needs a random token (``secrets.token_urlsafe``) kept in a 0600 file in a 0700 directory,
  so other users of the machine, and pages in a browser (which cannot set the header), get 401;
- it serves the session's cached credentials through the single-flight manager, so N clients cost Cognito
  one call per credential lifetime; after sign-out it answers 401, never the last credentials it had;
- no log line, repr or error carries the token or a key: a refused request is logged by reason only.
"""

from __future__ import annotations

import atexit
import hmac
import json
import logging
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..errors import AmplifyNbError, NotAuthenticatedError
from .manager import AwsCredentials, CredentialsManager

__all__ = ["FULL_URI_ENV", "PATH", "SHADOWING_ENV", "TOKEN_FILE_ENV", "CredentialsEndpoint", "container_json",
           "export_env", "restore_env", "service_env", "session_source"]

FULL_URI_ENV = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
TOKEN_FILE_ENV = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
PATH = "/amplify-nb/credentials"
# Variables an SDK would read before the endpoint's (keys come first in every SDK's chain, and a relative URI
# wins over a full one): left in place they would silently shadow it, with keys that never refresh.
SHADOWING_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN")

log = logging.getLogger("amplify_nb.credentials.endpoint")

Source = Callable[[], AwsCredentials]


def container_json(credentials: AwsCredentials) -> dict[str, str]:
    """What ECS's agent answers. Expiration in whole seconds, rounded down (never later than the real one),
    with a "Z": the Java and Go SDKs parse it strictly."""
    expires = datetime.fromtimestamp(int(credentials.expiration), tz=timezone.utc)
    return {"AccessKeyId": credentials.access_key_id, "SecretAccessKey": credentials.secret_access_key,
            "Token": credentials.session_token, "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}


def session_source(manager: CredentialsManager, guest: bool = False) -> Source:
    """The session's credentials as the endpoint serves them. Without ``guest``, only a signed-in (or
    federated) caller's: after sign-out the answer is 401, not the guest's credentials — a cluster started
    as a user must not quietly carry on as someone else. No Cognito call is made to learn that."""

    def source() -> AwsCredentials:
        if not guest and manager.login_key() == "guest":
            raise NotAuthenticatedError("No one is signed in to this session")
        credentials = manager.get()
        if not guest and not credentials.authenticated:  # signed out between the two lines above
            raise NotAuthenticatedError("No one is signed in to this session")
        return credentials

    return source


def service_env(config: Any) -> dict[str, str]:
    """Where the session's own clients go, for SDKs outside it: the S3 endpoint override when there is one
    (the sandbox) and the storage region. Not secret; ``export_env`` sets the region only where none is."""
    env = {"AWS_DEFAULT_REGION": config.storage_region or config.region}
    if config.endpoint("s3"):
        env["AWS_ENDPOINT_URL_S3"] = config.endpoint("s3")
    return env


def export_env(env: dict[str, str], environ: Any = None) -> dict[str, str | None]:
    """Point this process (and the subprocesses it starts) at an endpoint: set ``env``, drop the variables
    that would shadow it, keep a region already chosen. Returns the previous values for ``restore_env``."""
    environ = os.environ if environ is None else environ
    region_set = "AWS_REGION" in environ or "AWS_DEFAULT_REGION" in environ
    wanted = {k: v for k, v in env.items() if not (k == "AWS_DEFAULT_REGION" and region_set)}
    saved = {key: environ.get(key) for key in (*SHADOWING_ENV, *wanted)}
    for key in SHADOWING_ENV:
        environ.pop(key, None)
    environ.update(wanted)
    return saved


def restore_env(saved: dict[str, str | None], environ: Any = None) -> None:
    environ = os.environ if environ is None else environ
    for key, value in saved.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a client holding a connection open never keeps the process alive
    endpoint: CredentialsEndpoint


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # SDKs keep the connection: one TCP handshake per process, not per fetch
    timeout = 60  # idle keep-alive connections are closed (each holds a thread)
    server_version = "amplify-nb"
    sys_version = ""

    def do_GET(self) -> None:  # http.server calls do_<METHOD>
        endpoint = self.server.endpoint
        if self.path.split("?", 1)[0] != PATH:
            self._answer(404, {"code": "NotFound", "message": f"the credentials are at {PATH}"})
            return
        if not endpoint.authorized(self.headers.get("Authorization")):
            reason = "missing" if self.headers.get("Authorization") is None else "wrong"
            endpoint.count("refused")
            log.warning("credentials endpoint %s: refused a request from %s with a %s authorization token",
                        endpoint.port, self.client_address[0], reason)
            self._answer(401, {"code": "InvalidToken", "message": f"{reason} authorization token"})
            return
        try:
            credentials = endpoint.source()
        except NotAuthenticatedError as exc:
            endpoint.count("refused")
            self._answer(401, {"code": "NotAuthenticated", "message": str(exc)})
            return
        except AmplifyNbError as exc:  # their messages never carry a secret (errors.py)
            endpoint.count("failed")
            self._answer(503, {"code": "CredentialsUnavailable", "message": f"{type(exc).__name__}: {exc}"})
            return
        except Exception as exc:  # a bug: the caller learns its type, the log its traceback
            endpoint.count("failed")
            log.exception("credentials endpoint %s: serving credentials failed", endpoint.port)
            self._answer(500, {"code": "InternalError", "message": type(exc).__name__})
            return
        endpoint.count("served")
        self._answer(200, container_json(credentials))

    def do_POST(self) -> None:
        self._answer(405, {"code": "MethodNotAllowed", "message": "GET only"})

    do_PUT = do_DELETE = do_PATCH = do_POST

    def _answer(self, status: int, body: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        # http.server would print each request line to stderr; refusals are logged above, by reason.
        pass


class CredentialsEndpoint:
    """``auth.credentials_endpoint(port=0)``: serves ``source()`` on http://127.0.0.1:PORT behind a token.

    ``env`` gives the two variables for any process on this machine; ``close()`` (or leaving a ``with``)
    stops the server and deletes the token file, after which the variables lead nowhere.
    """

    def __init__(self, source: Source, port: int = 0, *, token_dir: str | os.PathLike[str] | None = None):
        self.source = source
        self._token = secrets.token_urlsafe(32)
        self._directory = Path(tempfile.mkdtemp(prefix="amplify-nb-endpoint-", dir=token_dir))  # 0700
        atexit.register(shutil.rmtree, self._directory, True)  # no token file left behind by a forgotten one
        self.token_file = self._directory / "token"
        descriptor = os.open(self.token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(self._token)
        self.counts = {"served": 0, "refused": 0, "failed": 0}  # for tests and benchmarks
        self._counts_lock = threading.Lock()
        try:
            self._server = _Server(("127.0.0.1", port), _Handler)
        except OSError:
            shutil.rmtree(self._directory, ignore_errors=True)
            raise
        self._server.endpoint = self
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name=f"amplify-nb-credentials-endpoint-{self.port}", daemon=True)
        self._thread.start()
        self.closed = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    @property
    def env(self) -> dict[str, str]:
        """The variables that point an AWS SDK at this endpoint (the token stays in its file)."""
        return {FULL_URI_ENV: self.url, TOKEN_FILE_ENV: str(self.token_file)}

    def authorized(self, header: str | None) -> bool:
        if header is None:
            return False
        presented = header[len("Bearer "):] if header.startswith("Bearer ") else header  # curl users add it
        return hmac.compare_digest(presented.encode(), self._token.encode())

    def count(self, outcome: str) -> None:
        with self._counts_lock:
            self.counts[outcome] += 1

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        shutil.rmtree(self._directory, ignore_errors=True)

    def __enter__(self) -> CredentialsEndpoint:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "serving"
        return f"<CredentialsEndpoint {self.url} {state}>"
