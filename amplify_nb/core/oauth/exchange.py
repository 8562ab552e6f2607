"""Talking to Cognito's OAuth 2.0 endpoints from the kernel, through authlib's OAuth 2.0 client.

Three requests: the authorize request checked before the browser opens it (Cognito answers a redirect
URI it does not know, a grant or an identity provider the app client does not allow, at once, instead of
the browser showing an error page while the notebook waits), the code exchange (PKCE's verifier with
it), and the client-credentials grant. Each is recorded in the session's trace with the secrets
redacted (code, verifier, client secret, tokens, state, nonce); the public parameters show what OAuth
sends, for teaching. Errors come back typed: Cognito's OAuth errors as OAuthError with its code.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from ...config import AuthConfig
from ...errors import OAUTH_ERRORS, NetworkError, OAuthError, RedirectUriError
from ..trace import Trace, TraceEntry, redact_value
from .callback import raise_callback_error
from .urls import AuthorizationRequest, base_url, endpoint, origin_and_path, require_oauth

__all__ = ["AUTHORIZE", "TIMEOUT", "TOKEN", "check_authorize", "exchange_code", "record", "token_request"]

AUTHORIZE, TOKEN = "/oauth2/authorize", "/oauth2/token"
TIMEOUT = (5.0, 30.0)  # (connect, read) seconds, as the Cognito API client's

# What a trace may show of an OAuth request or answer; every other value is redacted.
_PUBLIC = {"grant_type", "client_id", "redirect_uri", "scope", "response_type", "identity_provider",
           "code_challenge", "code_challenge_method", "token_type", "expires_in", "error", "error_description"}

_HINTS = {
    "invalid_grant": "the authorization code was used already, has expired (Cognito's live 5 minutes), was "
                     "issued for another redirect URI, or the PKCE verifier does not match it: sign in again",
    "invalid_client": "Cognito does not accept this app client's id or secret at the token endpoint (a "
                      "confidential client needs its secret in the configuration: custom.amplify_nb."
                      "user_pool_client_secret)",
    "unauthorized_client": "the app client does not allow this grant: check its allowed OAuth flows",
    "invalid_scope": "ask only for scopes the app client allows (a resource server's scopes are "
                     "'<identifier>/<scope>')",
}


def _shown(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v if k in _PUBLIC else redact_value(v)) for k, v in values.items()}


def record(trace: Trace, operation: str, outcome: str, sent: Mapping[str, Any],
           received: Mapping[str, Any] | None = None, started: float | None = None) -> None:
    """One entry of the session's trace, secrets redacted (the OAuth counterpart of ServiceClient's)."""
    took = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    trace.add(TraceEntry(operation, outcome, None, _shown(sent), _shown(received or {}), took))


def oauth_error(error: str, description: str | None, operation: str) -> OAuthError:
    said = f": {description}" if description else ""
    hint = f" ({_HINTS[error]})" if error in _HINTS else ""
    return OAUTH_ERRORS.get(error, OAuthError)(f"Cognito's {operation} answered {error}{said}{hint}", code=error,
                                               description=description, operation=operation)


@contextmanager
def _client(config: AuthConfig, **options: Any) -> Iterator[Any]:
    """authlib's OAuth 2.0 client for the app client: client_secret_basic with a secret, else the client id
    in the body (a public client, "none")."""
    from authlib.integrations.requests_client import OAuth2Session

    secret = config.client_secret
    session = OAuth2Session(config.user_pool_client_id, secret,
                            token_endpoint_auth_method="client_secret_basic" if secret else "none", **options)
    try:
        yield session
    finally:
        session.close()


def token_request(config: AuthConfig, trace: Trace, grant_type: str, sent: dict[str, Any],
                  **params: Any) -> dict[str, Any]:
    """POST /oauth2/token. ``sent`` is what the trace shows of the request (its secrets redacted there);
    ``params`` go to authlib's fetch_token. Returns the token response."""
    import requests
    from authlib.integrations.base_client import OAuthError as AuthlibOAuthError

    oauth = require_oauth(config)
    url = endpoint(oauth, TOKEN)
    shown = {"grant_type": grant_type, "client_id": config.user_pool_client_id, **sent}
    if config.client_secret:
        shown["client_secret"] = config.client_secret  # redacted by record(): the trace says it was sent
    started = time.perf_counter()
    try:
        with _client(config) as client:
            answer = client.fetch_token(url, grant_type=grant_type, timeout=TIMEOUT, **params)
    except AuthlibOAuthError as exc:
        error = exc.error or "invalid_request"
        record(trace, TOKEN, error, shown, {"error": error}, started)
        raise oauth_error(error, exc.description, "token endpoint") from None
    except requests.HTTPError as exc:  # a 5xx, or an answer that is not JSON (a proxy's page)
        status = exc.response.status_code if exc.response is not None else 0
        record(trace, TOKEN, f"HTTP {status}", shown, None, started)
        raise OAuthError(f"Cognito's token endpoint at {origin_and_path(url)} failed (HTTP {status}); try again",
                         code="server_error", operation="token endpoint") from None
    except (requests.RequestException, ValueError) as exc:
        record(trace, TOKEN, "NetworkError", shown, None, started)
        raise NetworkError(f"Cannot reach Cognito's token endpoint at {origin_and_path(url)} "
                           f"({type(exc).__name__})") from None
    result = dict(answer)
    record(trace, TOKEN, "ok", shown, {k: result[k] for k in result}, started)
    return result


def exchange_code(request: AuthorizationRequest, trace: Trace, code: str) -> dict[str, Any]:
    """The authorization code (and PKCE's verifier, which proves this kernel asked for it) for tokens."""
    return token_request(request.config, trace, "authorization_code",
                         {"redirect_uri": request.redirect_uri, "code": code, "code_verifier": request.code_verifier},
                         code=code, code_verifier=request.code_verifier, redirect_uri=request.redirect_uri)


def check_authorize(request: AuthorizationRequest, trace: Trace) -> None:
    """GET the authorize URL without following it: Cognito redirects to its sign-in page (or the identity
    provider's) when it accepts the request, and otherwise says why at once."""
    import requests

    url = request.url
    started = time.perf_counter()
    sent = request.parameters()
    try:
        with _client(request.config) as client:
            answer = client.get(url, allow_redirects=False, timeout=TIMEOUT, withhold_token=True)
    except requests.RequestException as exc:
        record(trace, AUTHORIZE, "NetworkError", sent, None, started)
        raise NetworkError(f"Cannot reach the hosted UI at {base_url(request.oauth.domain)} "
                           f"({type(exc).__name__})") from None
    status, location = answer.status_code, urljoin(url, answer.headers.get("Location", ""))
    redirected = 300 <= status < 400
    said = dict(parse_qsl(urlsplit(location).query)) if redirected else {}
    if redirected and origin_and_path(location).rstrip("/") == origin_and_path(request.redirect_uri).rstrip("/"):
        said.update(dict(parse_qsl(urlsplit(location).fragment)))  # the implicit grant answers in the fragment
    elif redirected and not urlsplit(location).path.rstrip("/").endswith("/error"):
        said = {}  # on to the sign-in page or the identity provider: accepted
    if status >= 400 and "redirect_mismatch" in answer.text:
        said = {"error": "redirect_mismatch"}
    elif status >= 400 and not said.get("error"):
        said = {"error": "invalid_request" if status < 500 else "server_error"}
    error = said.get("error")
    record(trace, AUTHORIZE, error or "ok", sent, {"error": error} if error else {"redirect": "sign-in page"},
           started)
    if error == "redirect_mismatch":
        raise RedirectUriError(f"Cognito refused the redirect URI {request.redirect_uri} (redirect_mismatch): add "
                               "it to the app client's allowed callback URLs exactly as written (scheme, host, "
                               "port and path)", source=request.config.source, code=error)
    if error:
        raise_callback_error({"error": error, "error_description": said.get("error_description", "")})
