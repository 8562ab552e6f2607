"""Flows of a signed-in user: password change, attributes and their verification, deletion, sign-out."""

from __future__ import annotations

from typing import Any

from ...errors import AmplifyNbError, NetworkError, NotAuthorizedError, ValidationError
from .. import validate
from ..oauth.urls import logout_url
from ..session import SessionState
from .results import AuthUser, CodeDelivery, SignOutResult

__all__ = ["change_password", "current_user", "delete_user", "sign_out", "update_user_attributes", "user_attributes",
           "verify_attribute", "verify_attribute_submit"]

_VERIFIABLE = ("email", "phone_number")


def current_user(state: SessionState) -> AuthUser:
    tokens = state.current()
    claims = dict(tokens.id_claims)
    technical = {"iss", "aud", "exp", "iat", "auth_time", "token_use", "jti", "origin_jti", "event_id", "at_hash"}
    attributes = {k: v for k, v in claims.items() if k not in technical and k != "cognito:username"}
    return AuthUser(tokens.username, tokens.sub, claims.get("email") or claims.get("phone_number"), attributes,
                    claims=claims, clock=state.clock, skew=tokens.skew)


def change_password(state: SessionState, old_password: Any, new_password: Any) -> None:
    previous = validate.password(old_password, "old_password")
    proposed = validate.password(new_password, "new_password")
    tokens = state.current()
    state.client.call("ChangePassword", AccessToken=tokens.access_token, PreviousPassword=previous,
                      ProposedPassword=proposed)


def user_attributes(state: SessionState) -> dict[str, str]:
    tokens = state.current()
    answer = state.client.call("GetUser", AccessToken=tokens.access_token)
    return {item["Name"]: item["Value"] for item in answer.get("UserAttributes") or []}


def update_user_attributes(state: SessionState, attributes: Any) -> dict[str, CodeDelivery]:
    """Returns, per attribute that now needs verifying, where its code went."""
    changes = validate.attributes(attributes)
    if not changes:
        raise ValidationError("attributes is empty", field="attributes")
    tokens = state.current()
    answer = state.client.call("UpdateUserAttributes", AccessToken=tokens.access_token,
                               UserAttributes=validate.attribute_list(changes), **state.client_metadata())
    deliveries: dict[str, CodeDelivery] = {}
    for details in answer.get("CodeDeliveryDetailsList") or []:
        delivery = CodeDelivery.from_cognito(details)
        if delivery is not None:
            deliveries[delivery.attribute or ""] = delivery
    return deliveries


def _attribute_name(name: Any) -> str:
    if name not in _VERIFIABLE:
        raise ValidationError("Only email and phone_number can be verified", field="attribute")
    return str(name)


def verify_attribute(state: SessionState, name: Any) -> CodeDelivery | None:
    attribute = _attribute_name(name)
    tokens = state.current()
    answer = state.client.call("GetUserAttributeVerificationCode", AccessToken=tokens.access_token,
                               AttributeName=attribute, **state.client_metadata())
    return CodeDelivery.from_cognito(answer.get("CodeDeliveryDetails"))


def verify_attribute_submit(state: SessionState, name: Any, code: Any) -> None:
    attribute = _attribute_name(name)
    checked = validate.code(code)
    tokens = state.current()
    state.client.call("VerifyUserAttribute", AccessToken=tokens.access_token, AttributeName=attribute,
                      Code=checked)


def delete_user(state: SessionState) -> None:
    tokens = state.current()
    state.client.call("DeleteUser", AccessToken=tokens.access_token)
    state.forget()
    state.emit("userDeleted", {"username": tokens.username})
    state.emit("signOut", {"username": tokens.username})


def sign_out(state: SessionState, global_: bool = False) -> SignOutResult:
    """Local sign-out revokes the refresh token (best effort) and forgets the tokens; global sign-out
    first asks Cognito to end every session of the user and fails, changing nothing, if it cannot. After a
    hosted-UI sign-in the result carries the /logout address for the browser's own Cognito session."""
    tokens = state.tokens()
    if tokens is None:
        state.forget()
        return SignOutResult()
    hosted = state.hosted_ui_sign_in() is not None
    if global_:
        try:
            state.client.call("GlobalSignOut", AccessToken=tokens.access_token)
        except NotAuthorizedError:
            pass  # already signed out elsewhere: the goal is reached
    elif tokens.refresh_token:
        params = {"Token": tokens.refresh_token, "ClientId": state.config.user_pool_client_id}
        if state.config.client_secret:
            params["ClientSecret"] = state.config.client_secret
        try:
            state.client.call("RevokeToken", **params)
        except (NetworkError, AmplifyNbError):
            pass  # the tokens are forgotten here either way; they expire on their own
    state.forget()
    state.emit("signOut", {"username": tokens.username, "global": bool(global_)})
    return SignOutResult(tokens.username, bool(global_), logout_url(state.config) if hosted else None)
