"""Stand-ins for the social identity providers a user pool federates with: Google-, Facebook-, Login with
Amazon- and Sign in with Apple-like providers at ``/_idp/<google|facebook|amazon|apple>/`` on the sandbox.

Each has what Cognito uses of the real one: an authorize page (here: pick a test identity or type one - sub,
e-mail, name; or cancel, which answers ``access_denied``), a token endpoint that exchanges its code for the
app's client id and secret, and for the OpenID Connect ones (Google, Apple) an ID token signed with the
sandbox's federation key (the one its identity pool trusts: a Google ID token from here also works as an
identity-pool login) carrying the nonce Cognito sent, with its JWKS and discovery document; Facebook and Amazon
give an opaque access token and a user-info endpoint in their own shape (``id`` / ``user_id``). Cognito's side
(``/oauth2/idpresponse``) calls :meth:`MockIdPs.exchange` and :meth:`MockIdPs.profile` in process, the
server-to-server leg that no browser sees. Codes are single-use and live ten minutes on the sandbox clock.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from .backend import CognitoBackend
from .federation import AMAZON, FACEBOOK, GOOGLE, FederationIssuer, invalid_login
from .oauth_http import (
    OAuthError,
    Request,
    StartResponse,
    basic_credentials,
    bearer_token,
    html_answer,
    json_answer,
    redirect,
    with_params,
)
from .oauth_pages import chooser_page, message_page
from .protocol import CognitoError

__all__ = ["IDPS", "IdP", "MockIdPs"]

_CODE_TTL = 600.0


class IdPHost(Protocol):
    """What the mock providers use of the managed login that holds them (oauth_ui.HostedUIState)."""

    backend: CognitoBackend
    base_url: str
    identity_providers: tuple[str, ...]

    def csrf(self, request: Request) -> tuple[str, list[tuple[str, str]]]: ...

    def csrf_ok(self, request: Request) -> bool: ...


@dataclass(frozen=True)
class IdP:
    name: str  # Cognito's name (identity_provider=...)
    slug: str  # where it lives: /_idp/<slug>/
    title: str
    issuer: str | None  # an OpenID Connect provider's issuer; None: OAuth 2.0 with a user-info endpoint
    scope: str  # what Cognito asks of it (its authorize_scopes)
    identifiers: tuple[str, ...]  # idp_identifier values that pick it
    presets: tuple[dict[str, str], ...]  # test identities offered on its page


IDPS = {idp.name: idp for idp in (
    IdP("Google", "google", "Google (sandbox)", "https://accounts.google.com", "openid email profile",
        ("google.com", "gmail.com"),
        ({"sub": "104857600000000000001", "email": "ada.lovelace@example.com", "name": "Ada Lovelace"},
         {"sub": "104857600000000000002", "email": "alan.turing@example.com", "name": "Alan Turing"})),
    IdP("Facebook", "facebook", "Facebook (sandbox)", None, "public_profile,email", ("facebook.com",),
        ({"sub": "10158000000000001", "email": "grace.hopper@example.com", "name": "Grace Hopper"},)),
    IdP("LoginWithAmazon", "amazon", "Login with Amazon (sandbox)", None, "profile", ("amazon.com",),
        ({"sub": "amzn1.account.AESANDBOXKATHERINEJOHNSON", "email": "katherine.johnson@example.com",
          "name": "Katherine Johnson"},)),
    IdP("SignInWithApple", "apple", "Sign in with Apple (sandbox)", "https://appleid.apple.com", "openid email name",
        ("apple.com",),
        ({"sub": "001234.5c1e0000000000000000000000000001.1200", "email": "margaret.hamilton@example.com",
          "name": "Margaret Hamilton"},)),
)}
_BY_SLUG = {idp.slug: idp for idp in IDPS.values()}
_LOGINS = {"Google": GOOGLE, "Facebook": FACEBOOK, "LoginWithAmazon": AMAZON}  # identity-pool Logins keys


@dataclass
class _Code:
    provider: str
    redirect_uri: str
    identity: dict[str, str]
    nonce: str | None
    expires_at: float


class MockIdPs:
    """The sandbox's social providers: their codes, tokens and app credentials (Cognito's IdP settings)."""

    def __init__(self, ui: IdPHost, federation: FederationIssuer):
        self.ui, self.federation = ui, federation
        self.app_ids = {name: federation.app_ids[_LOGINS[name]] if name in _LOGINS else
                        f"com.amplifynb.sandbox.{secrets.token_hex(4)}" for name in IDPS}
        self._secrets = {name: secrets.token_urlsafe(32) for name in IDPS}
        self._codes: dict[str, _Code] = {}
        self._tokens: dict[str, tuple[str, dict[str, str], float]] = {}  # access token -> provider, identity, exp

    @property
    def callback(self) -> str:
        return f"{self.ui.base_url}/oauth2/idpresponse"

    def by_identifier(self, identifier: str) -> str | None:
        lowered = identifier.strip().lower()
        for name in self.ui.identity_providers:
            if lowered in (name.lower(), *IDPS[name].identifiers):
                return name
        return None

    def authorize_url(self, name: str, state: str, nonce: str) -> str:
        """Where Cognito sends the browser for `name`, as for the real provider."""
        idp = IDPS[name]
        query = {"client_id": self.app_ids[name], "redirect_uri": self.callback, "response_type": "code",
                 "scope": idp.scope, "state": state, **({"nonce": nonce} if idp.issuer else {})}
        return f"/_idp/{idp.slug}/authorize?{urlencode(query)}"

    # ---- HTTP -----------------------------------------------------------------------------------
    def handle(self, ui: IdPHost, request: Request, start_response: StartResponse) -> Iterable[bytes]:
        slug, _, rest = request.path[len("/_idp/"):].partition("/")
        idp = _BY_SLUG.get(slug)
        if idp is None or idp.name not in self.ui.identity_providers:
            raise OAuthError("not_found", f"No identity provider at /_idp/{slug[:32]}", 404)
        if rest == "authorize":
            return self._authorize(idp, request, start_response)
        if rest == "token" and request.method == "POST":
            client = basic_credentials(request.environ)
            form = {**request.form, **({"client_id": client[0], "client_secret": client[1]} if client else {})}
            return json_answer(start_response, 200, self.exchange(idp.name, form))
        if rest == "userinfo":
            return json_answer(start_response, 200, self.user_info(idp.name, bearer_token(request.environ) or ""))
        if idp.issuer and rest == ".well-known/jwks.json":
            return json_answer(start_response, 200, self.federation.jwks())
        if idp.issuer and rest == ".well-known/openid-configuration":
            base = f"{self.ui.base_url}/_idp/{idp.slug}"
            return json_answer(start_response, 200, {
                "issuer": idp.issuer, "authorization_endpoint": f"{base}/authorize", "token_endpoint": f"{base}/token",
                "userinfo_endpoint": f"{base}/userinfo", "jwks_uri": f"{base}/.well-known/jwks.json",
                "response_types_supported": ["code"], "id_token_signing_alg_values_supported": ["RS256"]})
        raise OAuthError("not_found", f"No such endpoint: /_idp/{idp.slug}/{rest[:64]}", 404)

    def _authorize(self, idp: IdP, request: Request, start_response: StartResponse) -> Iterable[bytes]:
        query = request.query
        csrf, cookies = self.ui.csrf(request)
        problem = ("invalid_client: the OAuth client was not found" if query.get("client_id") != self.app_ids[idp.name]
                   else "redirect_uri_mismatch: the redirect URI is not registered for this client"
                   if query.get("redirect_uri") != self.callback
                   else "unsupported_response_type" if query.get("response_type") != "code" else None)
        if problem is not None:
            request.outcome = problem.split(":")[0]
            return html_answer(start_response, 400, message_page(idp.title, problem), cookies)
        action = f"/_idp/{idp.slug}/authorize?{urlencode(query)}"
        if request.method == "GET":
            return html_answer(start_response, 200, chooser_page(idp.title, action, csrf, idp.presets), cookies)
        if not self.ui.csrf_ok(request):
            request.outcome = "InvalidCsrfToken"
            return html_answer(start_response, 403, chooser_page(idp.title, action, csrf, idp.presets, error=(
                "The form expired or was sent from another site: choose again.")), cookies)
        if request.form.get("cancel"):
            return redirect(start_response, with_params(self.callback, {
                "error": "access_denied", "error_description": "The user cancelled", "state": query.get("state")}))
        identity = {k: request.form.get(k, "").strip() for k in ("sub", "email", "name")}
        error = ("Enter a subject (the provider's user id)." if not identity["sub"] else
                 "A subject has at most 255 characters and no spaces." if len(identity["sub"]) > 255
                 or any(c.isspace() for c in identity["sub"]) else
                 "Enter a valid e-mail address, or none." if identity["email"] and "@" not in identity["email"]
                 else None)
        if error is not None:
            request.outcome = "InvalidParameter"
            return html_answer(start_response, 200,
                               chooser_page(idp.title, action, csrf, idp.presets, error=error), cookies)
        now = self.ui.backend.now()
        for stale in [c for c, v in self._codes.items() if v.expires_at <= now]:
            del self._codes[stale]
        code = secrets.token_urlsafe(24)
        self._codes[code] = _Code(idp.name, self.callback, {k: v for k, v in identity.items() if v},
                                  query.get("nonce"), now + _CODE_TTL)
        return redirect(start_response, with_params(self.callback, {"code": code, "state": query.get("state")}))

    # ---- what Cognito calls server to server ----------------------------------------------------
    def exchange(self, name: str, form: dict[str, str]) -> dict[str, Any]:
        """The provider's token endpoint: its code for its tokens, for its app's client id and secret."""
        if form.get("grant_type") != "authorization_code":
            raise OAuthError("unsupported_grant_type")
        secret = form.get("client_secret") or ""
        if form.get("client_id") != self.app_ids[name] or not hmac.compare_digest(secret, self._secrets[name]):
            raise OAuthError("invalid_client", None, 401)
        code = self._codes.pop(form.get("code") or "", None)
        if (code is None or code.provider != name or code.redirect_uri != form.get("redirect_uri")
                or self.ui.backend.now() >= code.expires_at):
            raise OAuthError("invalid_grant")
        idp, now, identity = IDPS[name], self.ui.backend.now(), code.identity
        for stale in [t for t, held in self._tokens.items() if held[2] <= now]:
            del self._tokens[stale]
        if name in _LOGINS and idp.issuer is None:  # Facebook / Amazon: opaque, and an identity-pool login too
            access = self.federation.token(_LOGINS[name], identity["sub"], 3600.0)
        else:
            access = "ya29." + secrets.token_urlsafe(48)
        self._tokens[access] = (name, identity, now + 3600.0)
        answer: dict[str, Any] = {"access_token": access, "token_type": "Bearer", "expires_in": 3600}
        if idp.issuer is not None:
            claims = {"iss": idp.issuer, "aud": self.app_ids[name], "azp": self.app_ids[name], "sub": identity["sub"],
                      "iat": int(now), "exp": int(now) + 3600, "auth_time": int(now),
                      **{k: v for k, v in identity.items() if k in ("email", "name")},
                      **({"email_verified": True} if identity.get("email") else {}),
                      **({"nonce": code.nonce} if code.nonce else {})}
            answer.update(id_token=self.federation.sign(claims), scope=idp.scope)
        return answer

    def user_info(self, name: str, access_token: str) -> dict[str, Any]:
        """The provider's user-info endpoint, in its own shape."""
        held = self._tokens.get(access_token)
        if held is None or held[0] != name or self.ui.backend.now() >= held[2]:
            raise OAuthError("invalid_token", "The access token is invalid or expired", 401)
        identity = held[1]
        key = {"Facebook": "id", "LoginWithAmazon": "user_id"}.get(name, "sub")
        extra = {"email_verified": True} if IDPS[name].issuer and identity.get("email") else {}
        return {key: identity["sub"], **{k: v for k, v in identity.items() if k != "sub"}, **extra}

    def profile(self, name: str, tokens: dict[str, Any], nonce: str) -> dict[str, str]:
        """Who signed in, from the provider's ID token (checked: key, issuer, audience, expiry, nonce) or its
        user-info endpoint: sub, and email, email_verified and name when the provider gave them."""
        idp = IDPS[name]
        if idp.issuer is not None:
            try:
                claims = self.federation.read(str(tokens.get("id_token", "")), {idp.issuer})
            except CognitoError as exc:
                raise OAuthError("invalid_token", exc.message) from None
            audience = claims.get("aud")
            if self.app_ids[name] not in ([audience] if isinstance(audience, str) else audience or []):
                raise OAuthError("invalid_token", invalid_login("Incorrect token audience.").message)
            if claims.get("nonce") != nonce:
                raise OAuthError("invalid_token", "The ID token's nonce is not the one sent")
        else:
            claims = self.user_info(name, str(tokens.get("access_token", "")))
            claims["sub"] = str(claims.get("id") or claims.get("user_id") or "")
        profile = {k: str(claims[k]) for k in ("sub", "email", "name") if claims.get(k)}
        if "email_verified" in claims:
            profile["email_verified"] = "true" if claims["email_verified"] in (True, "true") else "false"
        return profile

    def credentials(self, name: str) -> dict[str, str]:
        """What Cognito's settings for this provider hold: its app's client id and secret."""
        return {"client_id": self.app_ids[name], "client_secret": self._secrets[name],
                "redirect_uri": self.callback}
