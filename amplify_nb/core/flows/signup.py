"""Flows before a user is signed in: sign-up, its confirmation, and the forgotten-password reset.

Their failure events (signUp_failure, ...) are emitted by the facade's operation wrapper (core/auth.py)."""

from __future__ import annotations

from typing import Any

from ...errors import ValidationError
from .. import validate
from ..session import AutoSignIn, SessionState
from .results import CodeDelivery, SignInResult, SignUpResult
from .signin import next_step
from .user_auth import initiate

__all__ = ["auto_sign_in", "confirm_sign_up", "forgot_password", "forgot_password_submit", "resend_sign_up",
           "sign_up"]


def _with_secret(state: SessionState, params: dict[str, Any], username: str) -> dict[str, Any]:
    params = state.client.with_secret_hash(params, username, "SecretHash")
    return {"ClientId": state.config.user_pool_client_id, **params, **state.client_metadata()}


def sign_up(state: SessionState, username: Any, password: Any, attributes: Any = None,
            validation_data: Any = None, auto_sign_in: bool = False) -> SignUpResult:
    """``password=None`` signs up without one, where the pool lets users sign in with a one-time code
    (Cognito refuses it otherwise). ``auto_sign_in``: once confirmed, ``auto_sign_in()`` signs the user
    in with the confirmation's session, no password asked again (kept nowhere)."""
    login = validate.username(username)
    attrs = validate.attributes(attributes)
    validation = validate.attributes(validation_data, "validation_data")
    params: dict[str, Any] = {"Username": login, "UserAttributes": validate.attribute_list(attrs)}
    if password is not None:
        params["Password"] = validate.password(password)
    if validation:
        params["ValidationData"] = validate.attribute_list(validation)
    answer = state.client.call("SignUp", **_with_secret(state, params, login))
    result = SignUpResult(bool(answer.get("UserConfirmed")), answer.get("UserSub"),
                          CodeDelivery.from_cognito(answer.get("CodeDeliveryDetails")))
    # A sign-up confirmed at once (a pre sign-up trigger) carries the session itself.
    state.auto_sign_in = AutoSignIn(login, answer.get("Session")) if auto_sign_in else None
    state.emit("signUp", {"username": login, "user_confirmed": result.user_confirmed})
    return result


def confirm_sign_up(state: SessionState, username: Any, code: Any, force_alias_creation: bool = True) -> None:
    login = validate.username(username)
    checked = validate.code(code)
    params = {"Username": login, "ConfirmationCode": checked, "ForceAliasCreation": bool(force_alias_creation)}
    answer = state.client.call("ConfirmSignUp", **_with_secret(state, params, login))
    waiting = state.auto_sign_in
    if waiting is not None and waiting.login_id == login:
        state.auto_sign_in = AutoSignIn(login, answer.get("Session"))
    state.emit("confirmSignUp", {"username": login})


def resend_sign_up(state: SessionState, username: Any) -> CodeDelivery | None:
    login = validate.username(username)
    answer = state.client.call("ResendConfirmationCode", **_with_secret(state, {"Username": login}, login))
    return CodeDelivery.from_cognito(answer.get("CodeDeliveryDetails"))


def forgot_password(state: SessionState, username: Any) -> CodeDelivery | None:
    login = validate.username(username)
    answer = state.client.call("ForgotPassword", **_with_secret(state, {"Username": login}, login))
    state.emit("forgotPassword", {"username": login})
    return CodeDelivery.from_cognito(answer.get("CodeDeliveryDetails"))


def forgot_password_submit(state: SessionState, username: Any, code: Any, new_password: Any) -> None:
    login = validate.username(username)
    checked = validate.code(code)
    password = validate.password(new_password, "new_password")
    params = {"Username": login, "ConfirmationCode": checked, "Password": password}
    state.client.call("ConfirmForgotPassword", **_with_secret(state, params, login))
    state.emit("forgotPasswordSubmit", {"username": login})


def auto_sign_in(state: SessionState) -> SignInResult:
    """Sign in the user just confirmed, with ConfirmSignUp's session (InitiateAuth USER_AUTH + Session): no
    password is asked again. Any next step (MFA the pool requires) follows as after sign_in()."""
    waiting = state.auto_sign_in
    if waiting is None:
        raise ValidationError("No sign-up is waiting to sign in: call sign_up(..., auto_sign_in=True) first")
    if not waiting.cognito_session:
        raise ValidationError("Confirm the sign-up first (confirm_sign_up), then call auto_sign_in()")
    state.auto_sign_in = None  # Cognito's session is good for one sign-in
    result = next_step(state, initiate(state, waiting.login_id, None, None, waiting.cognito_session),
                       waiting.login_id)
    state.emit("autoSignIn", {"username": waiting.login_id, "next_step": result.next_step})
    return result
