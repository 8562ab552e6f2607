"""A fake of Cognito's hosted UI at the network edge, for unit tests of the sign-in with redirect.

``FakeHostedUI`` serves, on 127.0.0.1, what the client reaches: ``GET /oauth2/authorize`` (the client's
check before the browser opens it: 302 to the sign-in page when accepted, Cognito's redirect with
``error=`` for a grant or provider the app client does not allow, a 400 page with redirect_mismatch for
a redirect URI not registered) and ``POST /oauth2/token`` (authorization_code with PKCE S256 checked,
codes single-use; client_credentials with client_secret_basic and the allowed scopes). ``sign_in(url)``
plays the user at the hosted page: it returns the address the browser is sent back to. Tokens are real
RS256 JWTs signed with the unit tests' key, with the authorize request's nonce in the ID token.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from .fake_cognito import LocalServer, SigningKey

__all__ = ["FakeHostedUI", "free_port", "outputs"]


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


class FakeHostedUI(LocalServer):
    def __init__(self, key: SigningKey, pool_id: str, client_id: str, callbacks: list[str], *,
                 secret: str | None = None, response_types: tuple[str, ...] = ("code",),
                 scopes: tuple[str, ...] = ("openid", "email", "profile", "aws.cognito.signin.user.admin"),
                 machine_scopes: tuple[str, ...] = (), providers: tuple[str, ...] = ("COGNITO", "Google"),
                 region: str = "us-east-1", clock: Callable[[], float] = time.time, lifetime: int = 3600):
        self.key, self.pool_id, self.client_id, self.secret = key, pool_id, client_id, secret
        self.callbacks, self.response_types, self.scopes = list(callbacks), response_types, scopes
        self.machine_scopes, self.providers, self.clock, self.lifetime = machine_scopes, providers, clock, lifetime
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
        self.codes: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, parameters)
        self.token_requests = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = dict(parse_qsl(parts.query))
                owner.requests.append(("GET", parts.path, params))
                if parts.path != "/oauth2/authorize":
                    self._send(404, b"not found", "text/plain")
                    return
                status, location, body = owner.authorize(params)
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                parts = urlsplit(self.path)
                owner.requests.append(("POST", parts.path, form))
                if parts.path != "/oauth2/token":
                    self._send(404, b"not found", "text/plain")
                    return
                status, answer = owner.token(form, self.headers.get("Authorization"))
                self._send(status, json.dumps(answer).encode(), "application/json")

            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.serve(Handler, poll_interval=0.05)

    # ---- Cognito's side ------------------------------------------------------------------------
    def authorize(self, params: dict[str, str]) -> tuple[int, str | None, bytes]:
        if params.get("client_id") != self.client_id or params.get("redirect_uri") not in self.callbacks:
            return 400, None, b"<html>An error was encountered with the requested page. redirect_mismatch</html>"
        redirect, state = params["redirect_uri"], params.get("state", "")
        if params.get("response_type") not in self.response_types:
            return 302, f"{redirect}?{urlencode({'error': 'unauthorized_client', 'state': state})}", b""
        if params.get("identity_provider") and params["identity_provider"] not in self.providers:
            said = {"error": "invalid_request", "error_description": "identity provider not found", "state": state}
            return 302, f"{redirect}?{urlencode(said)}", b""
        return 302, f"{self.url}/login?{urlencode(params)}", b""

    def _tokens(self, username: str, nonce: str | None, scope: str, with_at_hash: bool = False) -> dict[str, str]:
        now = int(self.clock())
        sub = str(uuid.uuid5(uuid.NAMESPACE_DNS, username))
        common = {"sub": sub, "iss": self.issuer, "iat": now, "auth_time": now, "exp": now + self.lifetime}
        access = self.key.sign({**common, "client_id": self.client_id, "token_use": "access", "username": username,
                                "scope": scope, "jti": str(uuid.uuid4())})
        claims = {**common, "aud": self.client_id, "token_use": "id", "cognito:username": username,
                  "email": f"{username}@example.com", "jti": str(uuid.uuid4())}
        if nonce is not None:
            claims["nonce"] = nonce
        if with_at_hash:
            claims["at_hash"] = _at_hash(access)
        return {"id_token": self.key.sign(claims), "access_token": access}

    def sign_in(self, authorize_url: str, username: str = "alice", *, error: str | None = None,
                nonce: str | None = "keep") -> str:
        """The user signs in at the hosted page: the address the browser is then sent to."""
        params = dict(parse_qsl(urlsplit(authorize_url).query))
        redirect, state = params["redirect_uri"], params.get("state", "")
        if error:
            return f"{redirect}?{urlencode({'error': error, 'error_description': 'User declined', 'state': state})}"
        used_nonce = params.get("nonce") if nonce == "keep" else nonce
        if params["response_type"] == "token":
            tokens = self._tokens(username, used_nonce, params.get("scope", ""), with_at_hash=True)
            answer = {**tokens, "token_type": "Bearer", "expires_in": self.lifetime, "state": state}
            return f"{redirect}#{urlencode(answer)}"
        code = str(uuid.uuid4())
        self.codes[code] = {"challenge": params.get("code_challenge"), "method": params.get("code_challenge_method"),
                            "redirect_uri": redirect, "nonce": used_nonce, "username": username,
                            "scope": params.get("scope", ""), "used": False}
        return f"{redirect}?{urlencode({'code': code, 'state': state})}"

    def _client(self, form: dict[str, str], authorization: str | None) -> str | None:
        """The authenticated client id, or None (client_secret_basic, or the id alone for a public client)."""
        if authorization and authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            return client_id if client_id == self.client_id and self.secret and secret == self.secret else None
        if self.secret is None and form.get("client_id") == self.client_id:
            return self.client_id
        return None

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        if self._client(form, authorization) is None:
            return 401, {"error": "invalid_client"}
        grant = form.get("grant_type")
        if grant == "client_credentials":
            if not self.machine_scopes:
                return 400, {"error": "unauthorized_client"}
            wanted = form.get("scope", " ".join(self.machine_scopes)).split()
            if not set(wanted) <= set(self.machine_scopes):
                return 400, {"error": "invalid_scope"}
            now = int(self.clock())
            access = self.key.sign({"sub": self.client_id, "iss": self.issuer, "iat": now, "exp": now + self.lifetime,
                                    "client_id": self.client_id, "token_use": "access", "scope": " ".join(wanted),
                                    "jti": str(uuid.uuid4())})
            return 200, {"access_token": access, "expires_in": self.lifetime, "token_type": "Bearer"}
        if grant != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        issued = self.codes.get(form.get("code", ""))
        if issued is None or issued["used"] or issued["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        issued["used"] = True  # single-use, even when the verifier is wrong (as Cognito)
        if issued["method"] != "S256" or _s256(form.get("code_verifier", "")) != issued["challenge"]:
            return 400, {"error": "invalid_grant"}
        tokens = self._tokens(issued["username"], issued["nonce"], issued["scope"])
        return 200, {**tokens, "refresh_token": secrets.token_urlsafe(48), "expires_in": self.lifetime,
                     "token_type": "Bearer"}

    def token_bodies(self) -> list[dict[str, str]]:
        return [params for method, path, params in self.requests if method == "POST" and path == "/oauth2/token"]


def free_port() -> int:
    """A port nothing listens on now (for a loopback redirect URI the test registers)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def outputs(pool_id: str, client_id: str, jwks_url: str, domain: str, callbacks: list[str], *,
            logout: tuple[str, ...] = ("https://app.example.com/signed-out",), response_type: str = "code",
            scopes: tuple[str, ...] = ("openid", "email", "profile", "aws.cognito.signin.user.admin"),
            secret: str | None = None, oauth: bool = True) -> dict[str, Any]:
    """An amplify_outputs.json dict with the hosted UI's section (Gen 2 shape) pointing at the fakes."""
    auth: dict[str, Any] = {"aws_region": "us-east-1", "user_pool_id": pool_id, "user_pool_client_id": client_id}
    if oauth:
        auth["oauth"] = {"identity_providers": ["GOOGLE"], "domain": domain, "scopes": list(scopes),
                         "redirect_sign_in_uri": list(callbacks), "redirect_sign_out_uri": list(logout),
                         "response_type": response_type}
    custom = {"endpoint_url": jwks_url, **({"user_pool_client_secret": secret} if secret else {})}
    return {"version": "1.3", "auth": auth, "custom": {"amplify_nb": custom}}
