"""Cognito's authorize endpoint, the end of every sign-in (a code or, for the implicit grant, tokens sent to the
app's redirect URI), the sign-out endpoint and the error page.

Checks run in Cognito's order. Until the client and its redirect URI are known good, a failure can only be
shown on the error page (``/error?error=redirect_mismatch&client_id=...``, 400); after that, it goes back to
the app as ``redirect_uri?error=...&state=...`` (invalid_request, unsupported_response_type,
unauthorized_client, invalid_scope, login_required). The social provider named by ``identity_provider`` (or
``idp_identifier``) must be one the app client supports; without one, or with COGNITO, the sign-in form
follows unless the browser's managed-login session already names a user (``prompt=login`` asks anyway,
``prompt=none`` never asks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode

from . import oauth_idp
from .models import AppClient, UserPool
from .oauth_http import Request, StartResponse, html_answer, redirect
from .oauth_model import (
    IDENTITY_SCOPES,
    AuthorizeRequest,
    PageError,
    RedirectError,
    listed,
    provider_name,
    split_scopes,
)
from .oauth_pages import error_page
from .oauth_ui import HostedUIState

__all__ = ["authorize", "check", "error", "logout"]

# An S256 challenge: BASE64URL(SHA256(verifier)) without padding, always 43 characters.
_S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
_PROMPTS = ("login", "none", "consent", "select_account")


def check(ui: HostedUIState, params: dict[str, str], repeated: Iterable[str] = ()) -> AuthorizeRequest:
    """The authorize request in `params`, or the error Cognito answers it with (PageError / RedirectError)."""
    pool, client = _client(ui, params.get("client_id"))
    redirect_uri = params.get("redirect_uri")
    if not redirect_uri or redirect_uri not in client.callback_urls:
        raise PageError("redirect_mismatch",
                        f"redirect_uri {redirect_uri[:2048]!r} is not one of this app client's callback URLs "
                        f"({listed(client.callback_urls)}); Cognito matches them exactly: register it "
                        "(Sandbox(callback_urls=[...]))" if redirect_uri else
                        "redirect_uri is required: one of the app client's callback URLs", client.client_id)
    request = AuthorizeRequest(pool, client, params.get("response_type") or "", redirect_uri, params.get("state"),
                               (), params.get("nonce"), params.get("code_challenge"), None, params.get("prompt"),
                               query=dict(params))
    if set(repeated):
        raise RedirectError.of(request, "invalid_request",
                               f"Parameters sent more than once: {listed(sorted(repeated))}")
    if not request.response_type:
        raise RedirectError.of(request, "invalid_request", "response_type is required (code or token)")
    if request.response_type not in ("code", "token"):
        raise RedirectError.of(request, "unsupported_response_type", "response_type must be code or token")
    flow = "code" if request.response_type == "code" else "implicit"
    if flow not in client.allowed_oauth_flows:
        raise RedirectError.of(request, "unauthorized_client",
                               f"This app client does not allow the {flow} grant (it allows "
                               f"{listed(client.allowed_oauth_flows)})")
    method = params.get("code_challenge_method")
    if request.code_challenge or method:
        if method != "S256":
            raise RedirectError.of(request, "invalid_request", "code_challenge_method must be S256 with a "
                                   "code_challenge (Cognito supports no other method)")
        if not _S256_CHALLENGE.fullmatch(request.code_challenge or ""):
            raise RedirectError.of(request, "invalid_request",
                                   "code_challenge must be the S256 of a code verifier (43 base64url characters)")
    request.scopes = split_scopes(params.get("scope")) or client.allowed_oauth_scopes
    refused = [s for s in request.scopes if s not in client.allowed_oauth_scopes]
    if refused:
        raise RedirectError.of(request, "invalid_scope", f"Scopes not allowed for this app client: {listed(refused)} "
                               f"(it allows {listed(client.allowed_oauth_scopes)})")
    if set(request.scopes) & set(IDENTITY_SCOPES) and "openid" not in request.scopes:
        raise RedirectError.of(request, "invalid_scope", "The email, phone and profile scopes need openid too")
    if request.prompt is not None and request.prompt not in _PROMPTS:
        raise RedirectError.of(request, "invalid_request", f"prompt must be one of {', '.join(_PROMPTS)}")
    provider = _provider(ui, request, params)
    if provider is not None and provider not in client.supported_identity_providers:
        raise RedirectError.of(request, "invalid_request",
                               f"The identity provider {provider} is not enabled for this app client (it has "
                               f"{listed(client.supported_identity_providers)})")
    request.identity_provider = provider if provider != "COGNITO" else None
    return request


def _client(ui: HostedUIState, client_id: str | None) -> tuple[UserPool, AppClient]:
    """The app client `client_id` names and its pool; without one, or an unknown one, only the error page."""
    found = ui.client(client_id) if client_id else None
    if found is None:
        raise PageError("invalid_request", "client_id is required" if not client_id else
                        f"No app client {client_id[:128]!r} in this sandbox's user pools", client_id)
    return found


def _provider(ui: HostedUIState, request: AuthorizeRequest, params: dict[str, str]) -> str | None:
    named, identifier = params.get("identity_provider"), params.get("idp_identifier")
    if named:
        try:
            return provider_name(named)
        except ValueError:
            return named[:64]  # a custom provider's name: refused below as not enabled
    if identifier:
        provider = ui.idps.by_identifier(identifier)
        if provider is None:
            raise RedirectError.of(request, "invalid_request", f"No identity provider has the identifier "
                                   f"{identifier[:64]!r}")
        return provider
    return None


def authorize(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    auth = check(ui, request.query, request.repeated)
    if auth.identity_provider is not None:
        return redirect(start_response, oauth_idp.start(ui, auth))
    signed_in = None if auth.prompt == "login" else ui.session_user(request, auth.pool)
    if signed_in is not None:
        user, session = signed_in
        return redirect(start_response, ui.complete(auth, user, session.auth_time))
    if auth.prompt == "none":
        raise RedirectError.of(auth, "login_required", "No managed-login session: prompt=none cannot ask to sign in")
    return redirect(start_response, "/login?" + urlencode(auth.query))


def logout(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    """End the managed-login session, then go to a registered sign-out URL, or to the sign-in form again."""
    params = request.query
    client_id = params.get("client_id")
    _, client = _client(ui, client_id)
    logout_uri = params.get("logout_uri")
    if logout_uri:
        if logout_uri not in client.logout_urls:
            raise PageError("redirect_mismatch",
                            f"logout_uri {logout_uri[:2048]!r} is not one of this app client's sign-out URLs "
                            f"({listed(client.logout_urls)}): register it (Sandbox(logout_urls=[...]))", client_id)
        return redirect(start_response, logout_uri, [ui.end_session(request)])
    if params.get("redirect_uri"):
        check(ui, params, request.repeated)  # a sign-in follows: its parameters must be good first
        return redirect(start_response, "/login?" + urlencode(params), [ui.end_session(request)])
    raise PageError("Required parameters missing", "/logout needs logout_uri (a registered sign-out URL), or "
                    "redirect_uri and response_type to sign in again", client_id)


def error(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    code = request.query.get("error") or "error"
    request.outcome = code[:64]
    return html_answer(start_response, 400, error_page(code[:256], (request.query.get("error_description") or "")[:2048]
                                                       or None))
