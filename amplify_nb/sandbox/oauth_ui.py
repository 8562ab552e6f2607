"""The state of the sandbox's managed login and what its endpoints share (see .oauth for the routes).

The endpoint modules (oauth_authorize, oauth_login, oauth_token, oauth_idp) take a HostedUIState; .oauth's
HostedUI adds the routing to them on top, so no endpoint module imports the router that imports it.
"""

from __future__ import annotations

import copy
import hmac
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from .backend import CognitoBackend
from .federation import FederationIssuer
from .mock_idp import MockIdPs
from .models import AppClient, User, UserPool
from .oauth_http import Request, cookie_header, with_params
from .oauth_model import (
    CODE_TTL,
    CSRF_COOKIE,
    FLOWS,
    IDENTITY_SCOPES,
    SESSION_COOKIE,
    SESSION_TTL,
    STANDARD_SCOPES,
    AuthorizeRequest,
    BrowserSession,
    Grant,
    Pending,
    RedirectError,
    listed,
    provider_name,
)
from .protocol import CognitoError

__all__ = ["DEFAULT_CALLBACK_URLS", "DEFAULT_LOGOUT_URLS", "MACHINE_SCOPES", "RESOURCE_SERVER", "HostedUIState"]

# Where the default app client sends the browser back to, when none are given: a loopback address a notebook's
# one-shot listener can take (Cognito takes http:// for localhost only).
DEFAULT_CALLBACK_URLS = ("http://localhost:8765/callback",)
DEFAULT_LOGOUT_URLS = ("http://localhost:8765/signed-out",)
# The resource server of sb.machine_config's client_credentials client, and the scopes it grants.
RESOURCE_SERVER = "sandbox-api"
MACHINE_SCOPES = (f"{RESOURCE_SERVER}/read", f"{RESOURCE_SERVER}/write")
_GEN2_PROVIDERS = {"Google": "GOOGLE", "Facebook": "FACEBOOK", "LoginWithAmazon": "LOGIN_WITH_AMAZON",
                   "SignInWithApple": "SIGN_IN_WITH_APPLE"}
class HostedUIState:
    """One sandbox's managed login (all its pools share the domain, as the sandbox has one endpoint): its
    state and what the endpoints share; the routing is oauth.HostedUI's. The endpoint modules take this."""

    def __init__(self, backend: CognitoBackend, federation: FederationIssuer, base_url: str = "http://127.0.0.1"):
        self.backend = backend
        self.base_url = base_url
        self.codes: dict[str, Grant] = {}
        self.sessions: dict[str, BrowserSession] = {}
        self.pending: dict[str, Pending] = {}  # social sign-ins in flight, by the state Cognito gave the provider
        self.resource_servers: dict[str, dict[str, str]] = {}  # identifier -> scope name -> description
        self.identity_providers: tuple[str, ...] = ()  # the pool's social providers (Cognito's names)
        self.idps = MockIdPs(self, federation)  # the mock social providers: they use only what IdPHost names
        self.machine_client: AppClient | None = None

    @property
    def domain(self) -> str:
        """The Cognito domain as Amplify's configuration writes it: host and port, no scheme."""
        return urlsplit(self.base_url).netloc

    @property
    def secure(self) -> bool:
        return self.base_url.startswith("https://")

    # ---- configuration --------------------------------------------------------------------------
    def set_identity_providers(self, names: Iterable[str]) -> None:
        chosen = tuple(dict.fromkeys(provider_name(n) for n in names))
        if "COGNITO" in chosen:
            raise ValueError("COGNITO is the pool's own sign-in, always there: name social providers only")
        self.identity_providers = chosen

    def add_resource_server(self, identifier: str, scopes: dict[str, str]) -> tuple[str, ...]:
        """A resource server and its scopes; returns the scopes' full names (``identifier/name``)."""
        if not identifier or len(identifier) > 256 or any(c.isspace() or c in '"\\' for c in identifier):
            raise ValueError(f"resource server identifier {identifier!r}: a name like 'sandbox-api' or a URL")
        for name in scopes:
            if not name or "/" in name or " " in name:
                raise ValueError(f"scope name {name!r}: no spaces or slashes")
        with self.backend.lock:
            self.resource_servers[identifier] = dict(scopes)
        return tuple(f"{identifier}/{name}" for name in scopes)

    def custom_scopes(self) -> set[str]:
        return {f"{ident}/{name}" for ident, names in self.resource_servers.items() for name in names}

    def enable(self, client: AppClient, *, flows: Iterable[str] = ("code",), scopes: Iterable[str] | None = None,
               callback_urls: Iterable[str] = (), logout_urls: Iterable[str] = (),
               identity_providers: Iterable[str] | None = None) -> AppClient:
        """Turn on OAuth for an app client, refusing what Cognito's CreateUserPoolClient refuses."""
        chosen = tuple(dict.fromkeys(flows))
        if not chosen or any(f not in FLOWS for f in chosen):
            raise ValueError(f"flows: one or more of {', '.join(FLOWS)}, not {list(chosen)!r}")
        machine = "client_credentials" in chosen
        if machine and len(chosen) > 1:
            raise ValueError("Cognito allows client_credentials only alone on an app client: make one client for "
                             "code/implicit and another (with a secret) for client_credentials")
        if machine and not client.secret:
            raise ValueError("client_credentials needs a confidential app client: add_client(secret=True)")
        callbacks = tuple(dict.fromkeys(_checked_url(u, "callback URL") for u in callback_urls))
        logouts = tuple(dict.fromkeys(_checked_url(u, "sign-out URL") for u in logout_urls))
        if not machine and not callbacks:
            raise ValueError("the code and implicit flows need at least one callback URL (callback_urls=[...])")
        custom = self.custom_scopes()
        granted = tuple(dict.fromkeys(scopes if scopes is not None else
                                      (sorted(custom) if machine else STANDARD_SCOPES)))
        unknown = [s for s in granted if s not in STANDARD_SCOPES and s not in custom]
        if unknown:
            raise ValueError(f"unknown scopes {unknown}: the standard ones are {', '.join(STANDARD_SCOPES)}; "
                             f"resource-server scopes ({listed(sorted(custom))}) come from add_resource_server()")
        if machine and (not granted or set(granted) & set(STANDARD_SCOPES)):
            raise ValueError("client_credentials takes resource-server scopes only (identifier/name)")
        if set(granted) & set(IDENTITY_SCOPES) and "openid" not in granted:
            raise ValueError("the email, phone and profile scopes need openid too")
        if identity_providers is None:
            providers = () if machine else ("COGNITO", *self.identity_providers)
        else:
            providers = tuple(dict.fromkeys(provider_name(n) for n in identity_providers))
            missing = [p for p in providers if p != "COGNITO" and p not in self.identity_providers]
            if missing:
                raise ValueError(f"identity providers {missing} are not set up on this sandbox's pool "
                                 f"(it has {listed(self.identity_providers)}): Sandbox(identity_providers=[...])")
        with self.backend.lock:
            client.allowed_oauth_flows, client.allowed_oauth_scopes = chosen, granted
            client.callback_urls, client.logout_urls = callbacks, logouts
            client.supported_identity_providers = providers
        return client

    def outputs(self, client: AppClient) -> dict[str, Any]:
        """amplify_outputs.json's ``auth.oauth`` (Gen 2) for `client`."""
        flows = client.allowed_oauth_flows
        return {
            "identity_providers": [_GEN2_PROVIDERS[p] for p in client.supported_identity_providers
                                   if p in _GEN2_PROVIDERS],
            "domain": self.domain,
            "scopes": list(client.allowed_oauth_scopes),
            "redirect_sign_in_uri": list(client.callback_urls),
            "redirect_sign_out_uri": list(client.logout_urls),
            "response_type": "token" if "implicit" in flows and "code" not in flows else "code",
        }

    def machine_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """`config` (sb.config) made the machine client's: its id, secret and resource-server scopes."""
        client = self.machine_client
        assert client is not None and client.secret is not None
        machine = copy.deepcopy(config)
        auth = machine["auth"]
        auth["user_pool_client_id"] = client.client_id
        auth["oauth"] = self.outputs(client)
        # Machine to machine has no user, so no identity-pool credentials: the identity pool is left out.
        auth.pop("identity_pool_id", None)
        auth.pop("unauthenticated_identities_enabled", None)
        machine["custom"]["amplify_nb"]["user_pool_client_secret"] = client.secret
        return machine

    def discovery_pool(self, path: str) -> UserPool | None:
        """The pool whose issuer's discovery document ``path`` asks for (/<pool id>/.well-known/...)."""
        pool_id, _, rest = path.strip("/").partition("/")
        return self.backend.pools.get(pool_id) if rest == ".well-known/openid-configuration" else None

    # ---- what the endpoints share ---------------------------------------------------------------
    def client(self, client_id: str | None) -> tuple[UserPool, AppClient] | None:
        for pool in self.backend.pools.values():
            if client_id in pool.clients:
                return pool, pool.clients[client_id]
        return None

    def new_code(self, grant: Grant) -> str:
        now = self.backend.now()
        for code in [c for c, g in self.codes.items() if g.expires_at <= now]:
            del self.codes[code]
        code = secrets.token_urlsafe(32)
        self.codes[code] = grant
        return code

    def start_session(self, pool: UserPool, user: User, auth_time: int) -> tuple[str, str]:
        """A managed-login session for `user`; returns its Set-Cookie header."""
        now = self.backend.now()
        for key in [k for k, s in self.sessions.items() if s.expires_at <= now]:
            del self.sessions[key]
        key = secrets.token_urlsafe(32)
        self.sessions[key] = BrowserSession(pool.pool_id, user.username, auth_time, now + SESSION_TTL)
        return cookie_header(SESSION_COOKIE, key, int(SESSION_TTL), secure=self.secure)

    def session_user(self, request: Request, pool: UserPool) -> tuple[User, BrowserSession] | None:
        """The signed-in user of the browser's session on `pool`, if it has a live one."""
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE, ""))
        if session is None or session.pool_id != pool.pool_id:
            return None
        if self.backend.now() >= session.expires_at:
            self.sessions.pop(request.cookies[SESSION_COOKIE], None)
            return None
        user = pool.users.get(session.username)
        return (user, session) if user is not None and user.enabled else None

    def end_session(self, request: Request) -> tuple[str, str]:
        self.sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)
        return cookie_header(SESSION_COOKIE, "", 0, secure=self.secure)

    def csrf(self, request: Request) -> tuple[str, list[tuple[str, str]]]:
        """The browser's anti-forgery token (double-submit: a cookie and a form field), made if it has none."""
        token = request.cookies.get(CSRF_COOKIE, "")
        if 24 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum():
            return token, []
        token = secrets.token_urlsafe(24)
        return token, [cookie_header(CSRF_COOKIE, token, 86400, secure=self.secure)]

    @staticmethod
    def csrf_ok(request: Request) -> bool:
        cookie, sent = request.cookies.get(CSRF_COOKIE, ""), request.form.get("_csrf", "")
        return bool(cookie) and hmac.compare_digest(cookie.encode(), sent.encode())

    def complete(self, request: AuthorizeRequest, user: User, auth_time: int) -> str:
        """Where a finished sign-in sends the browser: the redirect URI with a code, or with tokens (implicit)."""
        now = self.backend.now()
        if request.response_type == "code":
            code = self.new_code(Grant(request.pool.pool_id, request.client.client_id, user.username,
                                       request.redirect_uri, request.scopes, request.nonce, request.code_challenge,
                                       auth_time, now + CODE_TTL))
            return with_params(request.redirect_uri, {"code": code, "state": request.state})
        try:
            tokens = self.backend.issue_tokens(request.pool, request.client, user, "HostedAuth", scopes=request.scopes,
                                             nonce=request.nonce, auth_time=auth_time, with_refresh=False)
        except CognitoError as exc:  # a pre token generation trigger failed
            raise RedirectError.of(request, "invalid_request", exc.message) from None
        return with_params(request.redirect_uri, {
            "id_token": tokens.get("IdToken"), "access_token": tokens["AccessToken"],
            "expires_in": str(tokens["ExpiresIn"]), "token_type": "Bearer", "state": request.state}, fragment=True)


def _checked_url(url: str, kind: str) -> str:
    """Cognito's rules for callback and sign-out URLs: absolute, no fragment, https (http for localhost only),
    or an app's own scheme (myapp://...)."""
    parts = urlsplit(str(url))
    if not parts.scheme or (parts.scheme in ("http", "https") and not parts.hostname):
        raise ValueError(f"{kind} {url!r} must be an absolute URL")
    if parts.fragment or "#" in str(url):
        raise ValueError(f"{kind} {url!r} must not have a fragment (#...)")
    if parts.scheme == "http" and parts.hostname != "localhost":
        raise ValueError(f"{kind} {url!r}: Cognito takes http:// for localhost only (http://localhost:PORT/...); "
                         "use https:// or an app scheme (myapp://...)")
    return str(url)
