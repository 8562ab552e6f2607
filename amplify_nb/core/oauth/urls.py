"""The hosted UI's addresses: Cognito's OAuth 2.0 endpoints on the configured domain, the authorize and
logout URLs, and which registered redirect URI serves which way of bringing the browser back.

Scheme rule (the sandbox follows the same): ``http://`` when the domain's host is 127.0.0.1, localhost or
[::1], else ``https://``; a domain written with its scheme keeps it.

Cognito matches a redirect URI exactly, port and path included, so the client never invents one: every
mode uses a URI the configuration lists, and a mode no listed URI fits is refused with the URI to
register.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlencode, urlsplit

from ...config import AuthConfig, OAuthConfig
from ...errors import ConfigurationError, RedirectUriError

__all__ = ["CALLBACK_PATH", "LOCAL_HOSTS", "MODES", "AuthorizationRequest", "base_url", "choose_redirect",
           "endpoint", "logout_url", "origin_and_path", "require_oauth"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
# The Jupyter Server extension's route (helper VIEWS' serverext); a redirect URI ending so is server mode's.
CALLBACK_PATH = "/amplify-nb/oauth/callback"
MODES = ("loopback", "server", "paste")


def require_oauth(config: AuthConfig) -> OAuthConfig:
    """The configuration's hosted UI, or a ConfigurationError that says what to add."""
    config.require_user_pool()
    if config.oauth is None:
        raise ConfigurationError(
            "The configuration has no hosted UI (OAuth) section: add the Cognito domain, scopes and redirect "
            "URIs (amplify_outputs.json auth.oauth: domain, scopes, redirect_sign_in_uri, redirect_sign_out_uri, "
            "response_type; aws-exports.js oauth: domain, scope, redirectSignIn, redirectSignOut, responseType)",
            source=config.source, key="oauth")
    return config.oauth


def base_url(domain: str) -> str:
    """``https://<domain>``, or ``http://`` for a loopback host (the sandbox's domain)."""
    domain = domain.strip().rstrip("/")
    if domain.startswith(("http://", "https://")):
        return domain
    host = urlsplit(f"//{domain}").hostname or ""
    return f"{'http' if host in LOCAL_HOSTS else 'https'}://{domain}"


def endpoint(oauth: OAuthConfig, path: str) -> str:
    """One of Cognito's endpoints on the domain: ``/oauth2/authorize``, ``/oauth2/token``, ``/logout``..."""
    return base_url(oauth.domain) + path


def origin_and_path(url: str) -> str:
    """What an error message may show of an address: its query and fragment can hold a code or tokens."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(not an address)"
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else "(not an address)"


def _split(uri: str) -> SplitResult | None:
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - a bad port raises here, not later
    except ValueError:
        return None
    return parts


def _is_loopback(uri: str) -> bool:
    parts = _split(uri)
    # The listener binds 127.0.0.1 only: a [::1] URI would send the browser where nothing listens. A local
    # Jupyter server's own callback route (http://localhost:8888/amplify-nb/oauth/callback) is server mode's:
    # that port is the Jupyter server's, the kernel could not listen on it.
    return (parts is not None and parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
            and not _is_server(uri))


def _is_server(uri: str) -> bool:
    parts = _split(uri)
    return parts is not None and parts.scheme in ("http", "https") and parts.path.rstrip("/").endswith(CALLBACK_PATH)


_FITS: dict[str, Callable[[str], bool]] = {"loopback": _is_loopback, "server": _is_server,
                                           "paste": lambda uri: _split(uri) is not None}

_WHAT_TO_REGISTER = {
    "loopback": "http://localhost:PORT/ (any free port, and a path if you like) as a callback URL of the app "
                "client and in the configuration's sign-in redirect URIs",
    "server": f"your Jupyter server's address followed by {CALLBACK_PATH} (e.g. "
              f"https://hub.example.org/user/NAME{CALLBACK_PATH}) as a callback URL of the app client and in the "
              "configuration's sign-in redirect URIs, with amplify_nb's Jupyter Server extension enabled",
    "paste": "a callback URL of the app client in the configuration's sign-in redirect URIs",
}


def _auto_order() -> tuple[str, ...]:
    """Loopback first (a browser on the kernel's machine) unless the kernel runs under JupyterHub, whose
    users' browsers are elsewhere: there the Jupyter server's route comes first."""
    remote = any(os.environ.get(name) for name in ("JUPYTERHUB_API_URL", "JUPYTERHUB_SERVICE_PREFIX"))
    return ("server", "loopback", "paste") if remote else MODES


def choose_redirect(config: AuthConfig, mode: str, response_type: str) -> tuple[str, str]:
    """(mode, redirect URI): the first listed URI that fits ``mode``; "auto" takes the first mode a listed
    URI fits. Server mode hands over the query only (a browser never sends the fragment), so it is not
    offered for the implicit grant."""
    oauth = require_oauth(config)
    listed = [uri for uri in oauth.redirect_sign_in if uri]
    modes = _auto_order() if mode == "auto" else (mode,)
    if response_type == "token":
        if mode == "server":
            raise RedirectUriError("Server mode needs the authorization code grant: with response_type 'token' "
                                   "the tokens come back in the address's fragment, which no browser sends to a "
                                   "server. Use mode='loopback' or 'paste', or response_type 'code'",
                                   source=config.source)
        modes = tuple(m for m in modes if m != "server")
    for candidate in modes:
        for uri in listed:
            if _FITS[candidate](uri):
                return candidate, uri
    if not listed:
        raise RedirectUriError("The configuration lists no sign-in redirect URI: register "
                               + _WHAT_TO_REGISTER["loopback" if mode == "auto" else mode], source=config.source)
    wanted = "; or ".join(_WHAT_TO_REGISTER[m] for m in modes)
    raise RedirectUriError(f"No sign-in redirect URI of the configuration ({', '.join(listed)}) fits mode "
                           f"{mode!r}: register {wanted}", source=config.source)


def logout_url(config: AuthConfig) -> str | None:
    """Cognito's /logout for this app client, which ends the browser's hosted-UI session (its cookie) and
    returns to the first sign-out redirect URI; without one, to the sign-in page (Cognito's other form)."""
    oauth = config.oauth
    if oauth is None or config.user_pool_client_id is None:
        return None
    params = {"client_id": config.user_pool_client_id}
    if oauth.redirect_sign_out:
        params["logout_uri"] = oauth.redirect_sign_out[0]
    elif oauth.redirect_sign_in:
        params.update(redirect_uri=oauth.redirect_sign_in[0], response_type=oauth.response_type)
    else:
        return None
    return endpoint(oauth, "/logout") + "?" + urlencode(params)


@dataclass(frozen=True)
class AuthorizationRequest:
    """One authorize request: what goes in the URL and the secrets that check what comes back. The code
    verifier never leaves the kernel but to the token endpoint; state and nonce only in the URL."""

    config: AuthConfig = field(repr=False)
    redirect_uri: str
    response_type: str  # "code" (with PKCE S256) or "token" (the implicit grant)
    scopes: tuple[str, ...]
    provider: str | None  # Cognito's identity_provider, or None: the hosted UI's own page
    state: str = field(repr=False)
    nonce: str = field(repr=False)
    code_verifier: str = field(repr=False)

    @classmethod
    def new(cls, config: AuthConfig, redirect_uri: str, scopes: tuple[str, ...], provider: str | None
            ) -> AuthorizationRequest:
        from authlib.common.security import generate_token

        oauth = require_oauth(config)
        # 64 characters of [A-Za-z0-9]: ~381 bits for the verifier (RFC 7636 asks 43 to 128 characters).
        return cls(config, redirect_uri, oauth.response_type, scopes, provider, generate_token(43),
                   generate_token(43), generate_token(64))

    @property
    def oauth(self) -> OAuthConfig:
        return require_oauth(self.config)

    @property
    def code_challenge(self) -> str | None:
        """BASE64URL(SHA256(verifier)), as RFC 7636's S256 (authlib's implementation)."""
        if self.response_type != "code":
            return None
        from authlib.oauth2.rfc7636 import create_s256_code_challenge

        return str(create_s256_code_challenge(self.code_verifier))

    def parameters(self) -> dict[str, str]:
        """The authorize request's query parameters (with the secrets' public forms: state, nonce, challenge)."""
        params = {"response_type": self.response_type, "client_id": self.config.user_pool_client_id or "",
                  "redirect_uri": self.redirect_uri, "state": self.state, "nonce": self.nonce}
        if self.scopes:
            params["scope"] = " ".join(self.scopes)
        if self.provider:
            params["identity_provider"] = self.provider
        challenge = self.code_challenge
        if challenge:
            params.update(code_challenge=challenge, code_challenge_method="S256")
        return params

    @property
    def url(self) -> str:
        from authlib.oauth2.rfc6749.parameters import prepare_grant_uri

        params = self.parameters()
        response_type, client_id, redirect_uri = (params.pop(k) for k in ("response_type", "client_id",
                                                                           "redirect_uri"))
        return str(prepare_grant_uri(endpoint(self.oauth, "/oauth2/authorize"), client_id, response_type,
                                     redirect_uri=redirect_uri, **params))
