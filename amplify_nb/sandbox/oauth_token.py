"""Cognito's token, userInfo and revocation endpoints, and the issuer's OpenID Connect discovery document.

The token endpoint takes the client's secret by ``client_secret_basic`` or ``client_secret_post`` (a public
client names itself by ``client_id``) and answers as Cognito: ``invalid_client`` (401) when the client does not
prove itself, ``unauthorized_client`` for a grant the client is not allowed, ``invalid_grant`` for a code that
is unknown, spent, expired, another client's or another redirect URI's, or whose PKCE verifier does not match
(missing included, RFC 7636 4.6), and for a refresh token that is revoked or expired, ``invalid_scope``,
``unsupported_grant_type`` and ``invalid_request``. Tokens are the ones the sandbox issues to an SRP sign-in
(same issuer, key and claims), with the granted scopes; a refresh token from here also works with
InitiateAuth REFRESH_TOKEN_AUTH, and one from the API works here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from typing import Any

from .models import AppClient, User, UserPool
from .oauth_http import OAuthError, Request, StartResponse, basic_credentials, bearer_token, json_answer
from .oauth_model import listed, split_scopes
from .oauth_ui import HostedUIState
from .protocol import CognitoError
from .tokens import new_jti

__all__ = ["discovery", "revoke", "token", "user_info"]

_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 4.1
_PROFILE = ("name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile",
            "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at")
_EXPIRED = "Access token is expired, disabled, or deleted, or the user has globally signed out."


def authenticate(ui: HostedUIState, request: Request) -> tuple[UserPool, AppClient]:
    """The app client the request proves it is (client_secret_basic, client_secret_post, or a public client)."""
    basic = basic_credentials(request.environ)
    body_id, body_secret = request.form.get("client_id"), request.form.get("client_secret")
    if basic is not None and body_secret is not None:
        raise OAuthError("invalid_request", "Authenticate the client one way: the Basic header or client_secret")
    client_id, secret = basic if basic is not None else (body_id, body_secret)
    if not client_id or (basic is not None and body_id and body_id != client_id):
        raise OAuthError("invalid_client", "Name the client: client_id, or the Basic header", 401)
    found = ui.client(client_id)
    if found is None:
        raise OAuthError("invalid_client", None, 401)
    pool, client = found
    if client.secret is not None:
        if not secret or not hmac.compare_digest(secret.encode(), client.secret.encode()):
            raise OAuthError("invalid_client", None, 401)
    elif secret:
        raise OAuthError("invalid_client", "This app client has no secret", 401)
    return pool, client


def token(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    if request.repeated:
        raise OAuthError("invalid_request", f"Parameters sent more than once: {listed(sorted(request.repeated))}")
    grant_type = request.form.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required")
    grants = {"authorization_code": _authorization_code, "refresh_token": _refresh_token,
              "client_credentials": _client_credentials}
    if grant_type not in grants:
        raise OAuthError("unsupported_grant_type")
    pool, client = authenticate(ui, request)
    return json_answer(start_response, 200, grants[grant_type](ui, request, pool, client))


def _answer(tokens: dict[str, Any]) -> dict[str, Any]:
    names = {"IdToken": "id_token", "AccessToken": "access_token", "RefreshToken": "refresh_token"}
    answer = {names[k]: v for k, v in tokens.items() if k in names}
    return {**answer, "expires_in": tokens["ExpiresIn"], "token_type": "Bearer"}


def _issue(ui: HostedUIState, pool: UserPool, client: AppClient, user: User, source: str,
           **options: Any) -> dict[str, Any]:
    try:
        return ui.backend.issue_tokens(pool, client, user, source, **options)
    except CognitoError as exc:  # a pre token generation trigger failed
        raise OAuthError("invalid_request", exc.message) from None


def _authorization_code(ui: HostedUIState, request: Request, pool: UserPool, client: AppClient) -> dict[str, Any]:
    code, redirect_uri = request.form.get("code"), request.form.get("redirect_uri")
    if not code or not redirect_uri:
        raise OAuthError("invalid_request", "code and redirect_uri are required")
    if "code" not in client.allowed_oauth_flows:
        raise OAuthError("unauthorized_client", "This app client does not allow the authorization code grant")
    grant = ui.codes.pop(code, None)  # one try per code, whatever its outcome
    if grant is None or grant.client_id != client.client_id or ui.backend.now() >= grant.expires_at:
        raise OAuthError("invalid_grant")
    if redirect_uri != grant.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri is not the one the code was issued for")
    if grant.code_challenge is not None:
        verifier = request.form.get("code_verifier") or ""
        if not _VERIFIER.fullmatch(verifier) or not hmac.compare_digest(_s256(verifier), grant.code_challenge):
            raise OAuthError("invalid_grant", "The code_verifier does not match the code_challenge")
    user = pool.users.get(grant.username)
    if user is None or not user.enabled:
        raise OAuthError("invalid_grant")
    return _answer(_issue(ui, pool, client, user, "HostedAuth", scopes=grant.scopes, nonce=grant.nonce,
                          auth_time=grant.auth_time))


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def _refresh_token(ui: HostedUIState, request: Request, pool: UserPool, client: AppClient) -> dict[str, Any]:
    value = request.form.get("refresh_token")
    if not value:
        raise OAuthError("invalid_request", "refresh_token is required")
    if "ALLOW_REFRESH_TOKEN_AUTH" not in client.explicit_auth_flows and not client.refresh_token_rotation:
        raise OAuthError("unauthorized_client", "This app client does not allow refreshing tokens")
    backend = ui.backend
    try:
        record = backend.issuer.use_refresh(value, backend.now())
    except CognitoError:
        raise OAuthError("invalid_grant") from None
    if record.client_id != client.client_id:
        raise OAuthError("invalid_grant")
    if record.device_key is not None:  # bound to a remembered device: only the API can name the device
        raise OAuthError("invalid_grant", "Refresh a remembered device's tokens through the API (REFRESH_TOKEN_AUTH "
                         "with DEVICE_KEY)")
    user = pool.users.get(record.username)
    if user is None or user.sub != record.sub or not user.enabled:
        raise OAuthError("invalid_grant")
    return _answer(_issue(ui, pool, client, user, "RefreshTokens", refresh=record,
                          rotate=client.refresh_token_rotation))


def _client_credentials(ui: HostedUIState, request: Request, pool: UserPool, client: AppClient) -> dict[str, Any]:
    if "client_credentials" not in client.allowed_oauth_flows:
        raise OAuthError("unauthorized_client", "This app client does not allow the client_credentials grant")
    allowed = [s for s in client.allowed_oauth_scopes if "/" in s]
    scopes = split_scopes(request.form.get("scope")) or tuple(allowed)
    refused = [s for s in scopes if s not in allowed or s.rsplit("/", 1)[0] not in ui.resource_servers]
    if refused or not scopes:
        raise OAuthError("invalid_scope", f"Scopes not allowed for this app client: {listed(refused)} "
                         f"(it allows {listed(allowed)})")
    now = int(ui.backend.now())
    claims = {"sub": client.client_id, "token_use": "access", "scope": " ".join(scopes), "auth_time": now,
              "iss": ui.backend.issuer_url(pool), "exp": now + int(client.access_token_ttl), "iat": now, "version": 2,
              "jti": new_jti(), "client_id": client.client_id}
    return {"access_token": ui.backend.issuer.sign(claims), "expires_in": int(client.access_token_ttl),
            "token_type": "Bearer"}


def user_info(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    """The user's attributes that the access token's scopes allow (openid required)."""
    value = bearer_token(request.environ)
    if not value:
        raise OAuthError("invalid_request", "Bad OAuth2 request at UserInfo Endpoint")
    try:
        _, user, claims = ui.backend.user_from_access_token(value, admin_scope=False)
    except CognitoError:
        return _invalid_token(request, start_response, _EXPIRED)
    scopes = str(claims.get("scope", "")).split()
    if "openid" not in scopes:
        return _invalid_token(request, start_response, "Access token does not contain openid scope")
    attributes = user.attributes
    wanted = set(scopes) & {"profile", "email", "phone"}
    if wanted:
        names = {"sub"}
        names |= {*_PROFILE, *(n for n in attributes if n.startswith("custom:"))} if "profile" in wanted else set()
        names |= {"email", "email_verified"} if "email" in wanted else set()
        names |= {"phone_number", "phone_number_verified"} if "phone" in wanted else set()
        attributes = {n: v for n, v in attributes.items() if n in names}
    return json_answer(start_response, 200, {**attributes, "sub": user.sub, "username": user.username})


def _invalid_token(request: Request, start_response: StartResponse, description: str) -> Iterable[bytes]:
    request.outcome = "invalid_token"
    challenge = f'Bearer error="invalid_token", error_description="{description}"'
    return json_answer(start_response, 401, {"error": "invalid_token", "error_description": description},
                       [("WWW-Authenticate", challenge)])


def revoke(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    """Revoke a refresh token and the access tokens it issued; an unknown token is already as good as revoked."""
    value = request.form.get("token")
    if not value:
        raise OAuthError("invalid_request", "token is required")
    _, client = authenticate(ui, request)
    if value.count(".") == 2 and _is_jwt(value):
        raise OAuthError("unsupported_token_type", "Only refresh tokens can be revoked")
    record = ui.backend.issuer.refresh.get(value)
    if record is not None and record.client_id == client.client_id:
        ui.backend.issuer.revoke_refresh(value)
    start_response("200 OK", [("Content-Length", "0"), ("Cache-Control", "no-store")])
    return [b""]


def _is_jwt(value: str) -> bool:
    try:
        header = json.loads(base64.urlsafe_b64decode(value.split(".")[0] + "=="))
    except ValueError:
        return False
    return isinstance(header, dict) and "alg" in header


def discovery(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    """The issuer's OpenID Connect configuration: its issuer is the one the tokens carry; its endpoints are the
    sandbox's (the Cognito domain) and its keys the pool's JWKS on the sandbox."""
    pool = ui.discovery_pool(request.path)
    assert pool is not None
    base = ui.base_url
    return json_answer(start_response, 200, {
        "authorization_endpoint": f"{base}/oauth2/authorize",
        "end_session_endpoint": f"{base}/logout",
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": ui.backend.issuer_url(pool),
        "jwks_uri": f"{base}/{pool.pool_id}/.well-known/jwks.json",
        "response_types_supported": ["code", "token"],
        "revocation_endpoint": f"{base}/oauth2/revoke",
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint": f"{base}/oauth2/token",
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": f"{base}/oauth2/userInfo",
    })
