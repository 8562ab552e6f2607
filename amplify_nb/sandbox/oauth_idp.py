"""Social sign-in through Cognito: the authorize endpoint sends the browser to the provider, the provider sends
it back to ``/oauth2/idpresponse``, and Cognito exchanges the provider's code (server to server), then creates or
updates the linked user and sends the browser back to the app with its own code.

The linked user is named as Cognito names it, ``<Provider>_<the provider's sub>`` (``Google_1048...``), has the
status EXTERNAL_PROVIDER, an ``identities`` attribute (a JSON list: userId, providerName, providerType, issuer,
primary, dateCreated) and the provider's e-mail and name mapped to ``email`` and ``name`` (``email_verified`` from
the OpenID Connect providers), updated at every sign-in. Its first sign-in runs the pre sign-up trigger
(``PreSignUp_ExternalProvider``) and post confirmation (``PostConfirmation_ConfirmSignUp``), as in Cognito; a
trigger's refusal goes back to the app as ``error=invalid_request`` with the trigger's message.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable

from .models import User, new_sub
from .oauth_http import OAuthError, Request, StartResponse, redirect
from .oauth_model import PENDING_TTL, AuthorizeRequest, PageError, Pending, RedirectError
from .oauth_ui import HostedUIState
from .protocol import CognitoError
from .triggers import event

__all__ = ["idp_response", "link_user", "start"]


def start(ui: HostedUIState, auth: AuthorizeRequest) -> str:
    """Remember the authorize request under a fresh state, and give the provider's authorize URL."""
    assert auth.identity_provider is not None
    now = ui.backend.now()
    for stale in [s for s, p in ui.pending.items() if p.expires_at <= now]:
        del ui.pending[stale]
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(16)
    ui.pending[state] = Pending(auth, auth.identity_provider, nonce, now + PENDING_TTL)
    return ui.idps.authorize_url(auth.identity_provider, state, nonce)


def idp_response(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    """The provider's answer (GET, or POST as Apple's form_post): its code for Cognito's, or its error."""
    params = request.params
    pending = ui.pending.pop(params.get("state") or "", None)
    if pending is None or ui.backend.now() >= pending.expires_at:
        raise PageError("invalid_request", "This sign-in through an identity provider is unknown, expired or already "
                        "finished (its state): start it again from the app")
    auth, provider = pending.request, pending.provider
    if params.get("error"):
        raise RedirectError.of(auth, "access_denied" if params["error"] == "access_denied" else "invalid_request",
                               (params.get("error_description") or params["error"])[:256])
    code = params.get("code")
    if not code:
        raise RedirectError.of(auth, "invalid_request", f"{provider} sent no code")
    try:
        tokens = ui.idps.exchange(provider, {"grant_type": "authorization_code", "code": code,
                                             **ui.idps.credentials(provider)})
        profile = ui.idps.profile(provider, tokens, pending.nonce)
    except OAuthError as exc:
        raise RedirectError.of(auth, "invalid_request", f"{provider} Error - {exc.status} {exc.error}") from None
    user = link_user(ui, auth, provider, profile)
    now = int(ui.backend.now())
    cookie = ui.start_session(auth.pool, user, now)
    return redirect(start_response, ui.complete(auth, user, now), [cookie])


def link_user(ui: HostedUIState, auth: AuthorizeRequest, provider: str, profile: dict[str, str]) -> User:
    """The pool's user for this provider's subject: created on the first sign-in, its mapped attributes
    refreshed on every one."""
    backend, pool = ui.backend, auth.pool
    username, now = f"{provider}_{profile['sub']}", backend.now()
    mapped = {k: profile[k] for k in ("email", "email_verified", "name") if profile.get(k)}
    user = pool.users.get(username)
    if user is not None:
        if not user.enabled:
            raise RedirectError.of(auth, "invalid_request", "User is disabled.")
        changed = {k: v for k, v in mapped.items() if user.attributes.get(k) != v}
        if changed:
            user.attributes.update(changed)
            user.modified_at = now
        return user
    identities = json.dumps([{"userId": profile["sub"], "providerName": provider, "providerType": provider,
                              "issuer": None, "primary": True, "dateCreated": int(now * 1000)}],
                            separators=(",", ":"))
    sub = new_sub()
    user = User(username=username, sub=sub, attributes={**mapped, "identities": identities, "sub": sub},
                status="EXTERNAL_PROVIDER", created_at=now, modified_at=now)
    base = {"region": pool.region, "pool_id": pool.pool_id, "username": username, "client_id": auth.client.client_id}
    try:
        if backend.triggers.has("pre_sign_up"):
            backend.triggers.invoke("pre_sign_up", event(
                "PreSignUp_ExternalProvider", **base,
                request={"userAttributes": dict(user.attributes), "validationData": {}, "clientMetadata": {}},
                response={"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}))
        pool.users[username] = user
        if backend.triggers.has("post_confirmation"):
            backend.triggers.invoke("post_confirmation", event(
                "PostConfirmation_ConfirmSignUp", **base,
                request={"userAttributes": dict(user.attributes), "clientMetadata": {}}, response={}))
    except CognitoError as exc:
        raise RedirectError.of(auth, "invalid_request", exc.message) from None
    return user
