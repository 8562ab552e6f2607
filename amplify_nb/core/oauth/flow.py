"""Sign-in with redirect, as a session runs it: start (choose the way back, check the authorize request,
listen) and finish (check the callback, exchange the code, verify and store the tokens, tell the Hub).

Tokens from the hosted UI are stored as an SRP sign-in's are (so refresh, identity-pool credentials and
boto3 sessions work after it), marked as the hosted UI's so that sign-out gives the /logout address.
The ID token's ``nonce`` must be this sign-in's: a token minted for another authorize request (an
injected code or token) is refused. With the implicit grant (response_type 'token', weaker: the tokens
travel in the browser's address, there is no refresh token and no PKCE) the access token is also bound to
the ID token by its ``at_hash``.

Hub events: ``signIn``, ``cognitoHostedUI``, ``signInWithRedirect`` and, with a custom state,
``customOAuthState`` (its data: the custom state) on success; ``signIn_failure``,
``cognitoHostedUI_failure`` and ``signInWithRedirect_failure`` when it fails, times out or is cancelled.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from ...config.model import identity_provider
from ...errors import AmplifyNbError, InvalidScopeError, NotAuthorizedError, RedirectUrlError, ValidationError
from ..flows.results import SignInResult
from ..session import SessionState
from ..tokens import Tokens
from .callback import callback_parameters, raise_callback_error
from .exchange import AUTHORIZE, check_authorize, exchange_code, record
from .handoff import handoff_dir, purge_stale
from .listener import LoopbackListener
from .redirect import HostedUIRedirect
from .urls import MODES, AuthorizationRequest, choose_redirect, require_oauth

__all__ = ["FAILURE_EVENTS", "finish", "start"]

FAILURE_EVENTS = ("signIn_failure", "cognitoHostedUI_failure", "signInWithRedirect_failure")
_MAX_NAME = 128


def _scopes(value: Any, configured: tuple[str, ...]) -> tuple[str, ...]:
    scopes = configured if value is None else (tuple(value.split()) if isinstance(value, str) else value)
    if not isinstance(scopes, (list, tuple)) or not all(isinstance(s, str) and s and not any(c.isspace() for c in s)
                                                        and len(s) <= 256 for s in scopes):
        raise ValidationError("scopes must be a list of scope names (e.g. ['openid', 'email'])", field="scopes")
    if scopes and "openid" not in scopes:  # no openid, no ID token: a session needs one
        raise ValidationError("scopes must include 'openid': the session needs the ID token it brings",
                              field="scopes")
    return tuple(dict.fromkeys(scopes))


def _provider(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_NAME:
        raise ValidationError("provider must be None (the hosted UI's page), 'Google', 'Facebook', "
                              "'LoginWithAmazon', 'SignInWithApple' or your identity provider's name", field="provider")
    return identity_provider(value.strip())


def _refuse_if_signed_in(state: SessionState) -> None:
    current = state.tokens()
    if current is not None:
        who = current.id_claims.get("email") or current.id_claims.get("phone_number") or current.username
        raise ValidationError(f"Already signed in as {who}; call sign_out() first")


def _emit_failure(state: SessionState, redirect: HostedUIRedirect | None, provider: str | None,
                  error: AmplifyNbError) -> None:
    data = {"provider": provider or "COGNITO", "mode": redirect.mode if redirect else None,
            "error": getattr(error, "code", None) or type(error).__name__}
    for event in FAILURE_EVENTS:
        state.emit(event, data, str(error))


def start(state: SessionState, provider: Any, custom_state: Any, mode: Any, scopes: Any,
          finish: Callable[[HostedUIRedirect, str], SignInResult]) -> HostedUIRedirect:
    """Check the arguments and the configuration, check the authorize request with Cognito, open the way
    back; the redirect object's ``complete`` calls ``finish`` (the session's operation around ``finish``)."""
    chosen_provider = _provider(provider)
    if custom_state is not None and not isinstance(custom_state, str):
        raise ValidationError("custom_state must be a string (e.g. JSON you encode)", field="custom_state")
    if mode not in ("auto", *MODES):
        raise ValidationError(f"mode must be 'auto', {', '.join(repr(m) for m in MODES)}", field="mode")
    try:
        oauth = require_oauth(state.config)
        chosen_scopes = _scopes(scopes, oauth.scopes)
        _refuse_if_signed_in(state)
        chosen_mode, redirect_uri = choose_redirect(state.config, mode, oauth.response_type)
        request = AuthorizationRequest.new(state.config, redirect_uri, chosen_scopes, chosen_provider)
        check_authorize(request, state.trace)
        listener = None
        if chosen_mode == "loopback":
            listener = LoopbackListener(redirect_uri, implicit=request.response_type == "token")
        elif chosen_mode == "server":
            handoff_dir()  # made (or refused) now, not when the callback comes
            purge_stale()
    except ValidationError:
        raise
    except AmplifyNbError as exc:
        _emit_failure(state, None, chosen_provider, exc)
        raise
    return HostedUIRedirect(request, chosen_mode, custom_state, listener, finish,
                            lambda redirect, error: _emit_failure(state, redirect, chosen_provider, error))


def finish(state: SessionState, redirect: HostedUIRedirect, url: Any) -> SignInResult:
    """Complete the sign-in with the callback's address. Until the callback is known to be this sign-in's
    (its address and state), a refusal leaves the sign-in waiting (paste the right address); after, the
    callback is spent and any failure ends it."""
    request = redirect._authorization
    parameters = callback_parameters(request, url)
    redirect._still_waiting()  # a replay is said as one, even to a session signed in meanwhile
    _refuse_if_signed_in(state)
    redirect._claim(parameters.get("state"))
    try:
        record(state.trace, AUTHORIZE, parameters.get("error") or "ok", request.parameters(),
               {k: v for k, v in parameters.items() if k != "state"})
        raise_callback_error(parameters)
        if request.response_type == "code":
            code = parameters.get("code")
            if not code:
                raise RedirectUrlError("The callback carries no authorization code: sign in again")
            answer = exchange_code(request, state.trace, code)
        else:
            answer = parameters
        tokens = _verified(state, request, answer)
        state.store_hosted_ui(tokens, request.provider)
    except AmplifyNbError as exc:
        redirect._settle("failed")
        if not isinstance(exc, ValidationError):
            _emit_failure(state, redirect, request.provider, exc)
        raise
    except BaseException:
        redirect._settle("failed")
        raise
    redirect._settle("signed_in")
    login = str(tokens.id_claims.get("email") or tokens.id_claims.get("phone_number") or tokens.username)
    data = {"username": tokens.username, "login_id": login, "provider": request.provider or "COGNITO"}
    for event in ("signIn", "cognitoHostedUI", "signInWithRedirect"):
        state.emit(event, data)
    if redirect.custom_state is not None:
        state.emit("customOAuthState", redirect.custom_state)
    return SignInResult(True, "DONE", login)


def _verified(state: SessionState, request: AuthorizationRequest, answer: dict[str, Any]) -> Tokens:
    """The token endpoint's (or the implicit callback's) tokens, verified as Cognito's: JWKS, iss, aud,
    token_use, expiry; then the nonce (and for the implicit grant, at_hash)."""
    if not answer.get("id_token"):
        raise InvalidScopeError("Cognito returned no ID token: the app client must allow the openid scope, and the "
                                "configuration's scopes include it", code="invalid_scope")
    tokens = state.verifier.tokens({"IdToken": answer.get("id_token"), "AccessToken": answer.get("access_token"),
                                    "RefreshToken": answer.get("refresh_token")})
    nonce = tokens.id_claims.get("nonce")
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode(), request.nonce.encode()):
        raise NotAuthorizedError("The ID token was not issued for this sign-in (its nonce differs): sign in again",
                                 code="InvalidToken")
    if request.response_type == "token":
        from authlib.oidc.core.util import create_half_hash

        expected = create_half_hash(tokens.access_token, "RS256")
        at_hash = tokens.id_claims.get("at_hash")
        if at_hash is not None and (not isinstance(at_hash, str) or expected is None
                                    or not hmac.compare_digest(at_hash.encode(), expected)):
            raise NotAuthorizedError("The access token does not belong to the ID token (at_hash): sign in again",
                                     code="InvalidToken")
    return tokens
