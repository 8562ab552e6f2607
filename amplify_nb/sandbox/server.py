"""One HTTP endpoint on 127.0.0.1 for every AWS service the sandbox offers.

Cognito user-pool calls (``X-Amz-Target: AWSCognitoIdentityProviderService.*``), Cognito Identity
calls (``AWSCognitoIdentityService.*``), each pool's JWKS, the test OIDC issuer (``/oidc``) and, with
``Sandbox(oauth=True)``, the managed login (``/oauth2/*``, ``/login``, ``/logout``..., see .oauth) are
answered by the fidelity layer; everything else (S3, IAM, STS, ...) goes to moto's own WSGI
dispatcher, imported on first use so that the sandbox starts fast. S3 requests pass the S3 gate
(SigV4 and IAM policies, and CORS from the bucket's rules) on their way to moto.

Browser apps get CORS as on AWS: a preflight (OPTIONS) to the endpoint itself is Cognito's (any
origin, see .cors); a preflight naming a bucket is S3's, answered by the gate from that bucket's rules.
"""

from __future__ import annotations

import functools
import json
import logging
import socket
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import cors
from .backend import CognitoBackend
from .protocol import MAX_BODY_BYTES, CognitoError

__all__ = ["Endpoint", "SandboxApp", "moto_application"]

if TYPE_CHECKING:
    from .federation import FederationIssuer
    from .identity import IdentityService
    from .oauth import HostedUI
    from .s3_gate import S3Gate

log = logging.getLogger("amplify_nb.sandbox")
_TARGET_PREFIX = "AWSCognitoIdentityProviderService."
_IDENTITY_PREFIX = "AWSCognitoIdentityService."
_JSON = "application/x-amz-json-1.1"


def _respond(start_response: Callable, status: int, body: dict[str, Any], extra: dict[str, str] | None = None,
             content_type: str = _JSON) -> Iterable[bytes]:
    payload = json.dumps(body).encode()
    reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
              500: "Internal Server Error"}.get(status, "")
    headers = [("Content-Type", content_type), ("Content-Length", str(len(payload))),
               ("x-amzn-RequestId", str(uuid.uuid4()))]
    headers += list((extra or {}).items())
    start_response(f"{status} {reason}", headers)
    return [payload]


def _error(start_response: Callable, error: CognitoError) -> Iterable[bytes]:
    # Cognito repeats the message in a header (exposed to browsers, see .cors); a header holds latin-1
    # on one line only, so anything else in a message (a user's name) is replaced there, not in the body.
    header_message = " ".join(error.message.split()).encode("latin-1", "replace").decode("latin-1")
    return _respond(start_response, error.status, {"__type": error.code, "message": error.message},
                    {"x-amzn-ErrorType": f"{error.code}:", "x-amzn-ErrorMessage": header_message})


class SandboxApp:
    """The WSGI application: routes a request to the fidelity layer or to moto."""

    def __init__(self, backend: CognitoBackend, fallback: Callable[[], Any] | None = None,
                 account_id: str = "123456789012", *, identity: IdentityService | None = None,
                 federation: FederationIssuer | None = None, gate: S3Gate | None = None,
                 provision: Callable[[], None] | None = None):
        self.backend = backend
        self.account_id = account_id
        self.identity = identity
        self.federation = federation
        self.gate = gate
        self._provision = provision
        self.hosted_ui: HostedUI | None = None  # the managed login (Sandbox(oauth=True)); see .oauth
        self._fallback_factory = fallback
        self._fallback: Any = None
        self._fallback_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") == "OPTIONS" and not _names_a_bucket(environ, path):
            return cors.preflight(environ, start_response)
        answer = cors.with_cors(environ, start_response)  # Cognito's side; S3 answers CORS in its gate
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith(_TARGET_PREFIX):
            return self._cognito(environ, answer, target[len(_TARGET_PREFIX):])
        if target.startswith(_IDENTITY_PREFIX) and self.identity is not None:
            return self._identity(environ, answer, target[len(_IDENTITY_PREFIX):])
        if self.federation is not None and path.startswith("/oidc/") and environ.get("REQUEST_METHOD") == "GET":
            return self._oidc(answer, path)
        if self.hosted_ui is not None and self.hosted_ui.handles(path):
            return self.hosted_ui(environ, answer)
        if environ.get("REQUEST_METHOD") == "GET" and path.endswith("/.well-known/jwks.json"):
            pool_id = path.strip("/").split("/")[0]
            if pool_id in self.backend.pools:
                return _respond(answer, 200, self.backend.issuer.jwks(), content_type="application/json")
            return _respond(answer, 404, {"message": f"User pool {pool_id} does not exist."},
                            content_type="application/json")
        if path == "/_sandbox/health":
            return _respond(answer, 200, {"status": "ok"}, content_type="application/json")
        return self._moto(environ, start_response)

    def _cognito(self, environ: dict[str, Any], start_response: Callable, name: str) -> Iterable[bytes]:
        from .identity import Call

        try:
            body = self._read_body(environ)  # kept raw: an Admin* operation's signature covers its hash
            result = self.backend.handle(name, _parse_json(body), Call(environ, body))
        except CognitoError as error:
            return _error(start_response, error)
        except Exception:  # a sandbox bug: say so as Cognito would, and keep serving
            log.exception("sandbox failed on %s", name)
            return _error(start_response, CognitoError("InternalErrorException", "Internal error", 500))
        return _respond(start_response, 200, result)

    def _identity(self, environ: dict[str, Any], start_response: Callable, name: str) -> Iterable[bytes]:
        from .identity import Call

        assert self.identity is not None
        try:
            body = self._read_body(environ)  # kept raw: a signed operation's signature covers its hash
            result = self.identity.handle(name, _parse_json(body), Call(environ, body))
        except CognitoError as error:
            return _error(start_response, error)
        except Exception:
            log.exception("sandbox failed on %s", name)
            return _error(start_response, CognitoError("InternalErrorException", "Internal error", 500))
        return _respond(start_response, 200, result)

    def _oidc(self, start_response: Callable, path: str) -> Iterable[bytes]:
        assert self.federation is not None
        documents = {"/oidc/.well-known/jwks.json": self.federation.jwks,
                     "/oidc/.well-known/openid-configuration": self.federation.openid_configuration}
        if path in documents:
            return _respond(start_response, 200, documents[path](), content_type="application/json")
        return _respond(start_response, 404, {"message": "Not found"}, content_type="application/json")

    @staticmethod
    def _read_body(environ: dict[str, Any]) -> bytes:
        stream = environ["wsgi.input"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise CognitoError("SerializationException", "Invalid Content-Length") from None
        if length < 0:
            raise CognitoError("SerializationException", "Invalid Content-Length")
        if environ.get("wsgi.input_terminated") and not length:  # a chunked body: it ends where it ends
            length = 16 * MAX_BODY_BYTES
        raw = _read_up_to(stream, min(length, MAX_BODY_BYTES + 1))
        if len(raw) > MAX_BODY_BYTES:
            # Swallow a bounded amount of the rest, so that closing the connection does not reset it
            # under a client still sending, which would lose this answer.
            _read_up_to(stream, min(length, 16 * MAX_BODY_BYTES) - len(raw))
            raise CognitoError("InvalidParameterException", f"Request body exceeds {MAX_BODY_BYTES} bytes")
        return raw

    def _moto(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if self._fallback_factory is None:
            return _respond(start_response, 404, {"message": "No such service in this sandbox"})
        with self._fallback_lock:
            if self._fallback is None:
                self._fallback = self._fallback_factory()
        if self._provision is not None:
            try:
                self._provision()  # the bucket and roles exist before anyone can look for them
            except Exception:
                log.exception("sandbox could not provision its roles and bucket")
                return _respond(start_response, 500, {"message": "The sandbox could not provision its roles and "
                                                                 "bucket; see its log."})
        # moto keeps one process-wide state keyed by account: a per-sandbox account keeps two
        # sandboxes in one process (tests) from seeing each other's buckets and roles.
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = self.account_id
        if self.gate is not None:
            from .s3_gate import is_s3_request

            if is_s3_request(environ):
                return self.gate(environ, start_response, self._fallback)
            from .iam_gate import serve

            return serve(self.gate, environ, start_response, self._fallback)  # IAM, STS: signed, as on AWS
        return self._fallback(environ, start_response)


def _names_a_bucket(environ: dict[str, Any], path: str) -> bool:
    """Whether a preflight is S3's (a bucket in the path or host) rather than the Cognito endpoint's."""
    if path.startswith(("/oidc/", "/oauth2/", "/_idp/")) or path.endswith(
            ("/.well-known/jwks.json", "/.well-known/openid-configuration")):
        return False
    from .s3_gate import target

    return target(environ)[0] is not None


def _parse_json(raw: bytes) -> dict[str, Any]:
    try:
        params = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly nested JSON
        raise CognitoError("SerializationException", "Request body is not valid JSON") from None
    if not isinstance(params, dict):
        raise CognitoError("SerializationException", "Request body must be a JSON object")
    return params


def _read_up_to(stream: Any, limit: int) -> bytes:
    """At most `limit` bytes, fewer only at the end of the body (a chunked stream reads a chunk at a time)."""
    parts: list[bytes] = []
    while limit > 0:
        chunk = stream.read(min(limit, 65536))
        if not chunk:
            break
        parts.append(chunk)
        limit -= len(chunk)
    return b"".join(parts)


def moto_application() -> Any:
    """moto's server-mode dispatcher (S3, IAM, STS, ...), as `moto_server` runs it."""
    from moto.server import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def _with_chunked_bodies(app: Callable) -> Callable:
    """A chunked request body (no Content-Length) is marked as ending where its stream ends, by the WSGI
    extension ``wsgi.input_terminated`` that the fidelity layer and moto's werkzeug read."""

    def application(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            environ["wsgi.input_terminated"] = True
        return app(environ, start_response)

    return application


@functools.cache
def _server_class() -> Any:
    """cheroot's WSGI server, with SO_REUSEADDR on its listening socket whatever the port (cheroot sets it only
    for a port asked by number): connections accepted on a first, ephemeral port inherit the option, so the
    endpoint restarted on that port can bind it while they are still closing."""
    from cheroot import wsgi

    class Server(wsgi.Server):  # type: ignore[misc]
        @classmethod
        def prepare_socket(cls, *args: Any, **kwargs: Any) -> socket.socket:
            sock = super().prepare_socket(*args, **kwargs)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            return sock

    return Server


class Endpoint:
    """A threaded HTTP/1.1 server on 127.0.0.1 serving the SandboxApp in a background thread.

    Connections are kept alive between requests, as AWS endpoints keep them: a client's second call does not
    pay for a new connection (werkzeug's development server closes every connection after one answer). The
    accept backlog is deep enough for a burst of clients (tests start dozens of sign-ins at once).

    The port is bound at construction (so the URL is known before start) and kept across stop/start:
    a restarted endpoint listens on the same port, so clients configured for it reconnect."""

    THREADS = 24  # requests served at once; idle kept-alive connections hold no thread
    BACKLOG = 256

    def __init__(self, app: SandboxApp, port: int = 0, host: str = "127.0.0.1"):
        self._app, self._host = app, host
        self._server: Any = self._bind(port)
        self.port = self._server.bind_addr[1]
        self.url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    def _bind(self, port: int) -> Any:
        server = _server_class()((self._host, port), _with_chunked_bodies(self._app), numthreads=self.THREADS,
                             request_queue_size=self.BACKLOG, server_name="amplify-nb-sandbox")
        # How often the serving loop looks up from its connections: short, so stop() returns in ~50 ms
        # instead of the default 0.5 s.
        server.expiration_interval = 0.05
        server.prepare()  # binds and listens now: the port is taken from here on
        return server

    def start(self) -> None:
        if self._server is None:  # stopped before: listen again on the same port
            self._server = self._bind(self.port)
        self._thread = threading.Thread(target=self._server.serve, name=f"sandbox:{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is None:
            return
        server.stop()
        if thread is not None:
            thread.join(timeout=5)
