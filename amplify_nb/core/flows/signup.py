"""Flows before a user is signed in: sign-up, its confirmation, and the forgotten-password reset.

Their failure events (signUp_failure, ...) are emitted by the facade's operation wrapper (core/auth.py)."""

from __future__ import annotations

from typing import Any

from .. import validate
from ..session import SessionState
from .results import CodeDelivery, SignUpResult

__all__ = ["confirm_sign_up", "forgot_password", "forgot_password_submit", "resend_sign_up", "sign_up"]


def _with_secret(state: SessionState, params: dict[str, Any], username: str) -> dict[str, Any]:
    params = state.client.with_secret_hash(params, username, "SecretHash")
    return {"ClientId": state.config.user_pool_client_id, **params, **state.client_metadata()}


def sign_up(state: SessionState, username: Any, password: Any, attributes: Any = None,
            validation_data: Any = None) -> SignUpResult:
    login = validate.username(username)
    checked_password = validate.password(password)
    attrs = validate.attributes(attributes)
    validation = validate.attributes(validation_data, "validation_data")
    params: dict[str, Any] = {"Username": login, "Password": checked_password,
                              "UserAttributes": validate.attribute_list(attrs)}
    if validation:
        params["ValidationData"] = validate.attribute_list(validation)
    answer = state.client.call("SignUp", **_with_secret(state, params, login))
    result = SignUpResult(bool(answer.get("UserConfirmed")), answer.get("UserSub"),
                          CodeDelivery.from_cognito(answer.get("CodeDeliveryDetails")))
    state.emit("signUp", {"username": login, "user_confirmed": result.user_confirmed})
    return result


def confirm_sign_up(state: SessionState, username: Any, code: Any, force_alias_creation: bool = True) -> None:
    login = validate.username(username)
    checked = validate.code(code)
    params = {"Username": login, "ConfirmationCode": checked, "ForceAliasCreation": bool(force_alias_creation)}
    state.client.call("ConfirmSignUp", **_with_secret(state, params, login))
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
