"""The sign-in state machine: InitiateAuth, then every challenge as a next step until tokens arrive.

A challenge (MFA, TOTP set-up, new password, custom challenge, MFA choice) is returned to the caller
as a SignInResult, never raised. A wrong answer raises a typed error and leaves the challenge pending,
so the user can try again with the same Cognito session, as Amplify JS allows.
"""

from __future__ import annotations

import json
from typing import Any

from ...errors import (
    AmplifyNbError,
    NotAuthorizedError,
    PasswordResetRequiredError,
    UserNotConfirmedError,
    ValidationError,
)
from ...steps import CHALLENGES, FIRST_FACTORS, FLOWS, STEPS, mfa_method, step
from .. import validate
from ..session import PendingChallenge, SessionState
from . import devices, mfa_setup, user_auth
from .results import CodeDelivery, SignInResult
from .srp import srp_verify

__all__ = ["complete_new_password", "confirm_sign_in", "next_step", "respond", "send_custom_challenge_answer",
           "sign_in"]


def sign_in(state: SessionState, username: Any, password: Any, flow: str | None,
            preferred_challenge: Any = None) -> SignInResult:
    login = validate.username(username)
    flow = flow or state.config.authentication_flow_type
    if flow not in FLOWS:
        raise ValidationError(f"flow must be one of {', '.join(FLOWS)}", field="flow")
    if flow not in ("CUSTOM_AUTH", "USER_AUTH") or password is not None:
        password = validate.password(password)
    if preferred_challenge is not None and flow != "USER_AUTH":
        raise ValidationError("preferred_challenge belongs to flow='USER_AUTH'", field="preferred_challenge")
    preferred = user_auth.preferred_factor(preferred_challenge, password) if flow == "USER_AUTH" else None
    current = state.tokens()
    if current is not None:
        who = current.id_claims.get("email") or current.id_claims.get("phone_number") or current.username
        raise ValidationError(f"Already signed in as {who}; call sign_out() first")
    state.pending = None
    try:
        if flow == "USER_AUTH":
            response = user_auth.initiate(state, login, password, preferred)
        else:
            response = _initiate(state, login, password, flow)
    except UserNotConfirmedError:
        return SignInResult(False, "CONFIRM_SIGN_UP", login)
    except PasswordResetRequiredError:
        return SignInResult(False, "RESET_PASSWORD", login)
    return next_step(state, response, login)


def _initiate(state: SessionState, login: str, password: str | None, flow: str) -> dict[str, Any]:
    client, config = state.client, state.config
    common = {"ClientId": config.user_pool_client_id, **state.client_metadata()}
    device = devices.store(state).find(login)  # a remembered device signs in as itself (DEVICE_KEY)
    known = {"DEVICE_KEY": device.key} if device else {}
    if password is None:  # CUSTOM_AUTH without a password: the custom challenge stands in for it
        params = client.with_secret_hash({"USERNAME": login, **known}, login)
        return client.call("InitiateAuth", AuthFlow=flow, AuthParameters=params, **common)
    if flow == "USER_PASSWORD_AUTH":
        params = client.with_secret_hash({"USERNAME": login, "PASSWORD": password, **known}, login)
        return client.call("InitiateAuth", AuthFlow=flow, AuthParameters=params, **common)
    srp = client.srp_round(login, device)
    params = srp.auth_parameters()
    if flow == "CUSTOM_AUTH":
        params["CHALLENGE_NAME"] = "SRP_A"
    response = client.call("InitiateAuth", AuthFlow=flow, AuthParameters=params, **common)
    return srp_verify(state, srp, response, params, password)


def next_step(state: SessionState, response: dict[str, Any], login: str) -> SignInResult:
    """Turn a Cognito answer into the next step (storing tokens when it is DONE)."""
    if response.get("ChallengeName") == "DEVICE_SRP_AUTH":  # a remembered device: it answers, not the user
        response = devices.device_sign_in(state, response, login)
    if "AuthenticationResult" in response:
        authenticated = response["AuthenticationResult"]
        tokens = state.verifier.tokens(authenticated)
        state.store(tokens)
        state.pending = None
        confirm = bool(authenticated.get("NewDeviceMetadata")) and devices.confirm_new(
            state, tokens, login, authenticated["NewDeviceMetadata"])
        state.emit("signIn", {"username": tokens.username, "login_id": login})
        # As every other step, the name the user signed in with; a device waiting for the user's word.
        return SignInResult(True, "DONE", login, device_confirmation_necessary=confirm)
    name = response.get("ChallengeName") or ""
    coming = step(name)
    if not coming.is_challenge:
        raise AmplifyNbError(f"Cognito answered with an unexpected challenge name: {name!r}")
    params = dict(response.get("ChallengeParameters") or {})
    internal = params.get("USER_ID_FOR_SRP") or params.get("USERNAME") or login
    pending = PendingChallenge(name, response.get("Session"), internal, login, params)
    state.pending = pending
    result: dict[str, Any] = {"challenge_parameters": _public(params)}
    if coming.answer == "code" and coming.contact:
        result["code_delivery"] = CodeDelivery(params.get("CODE_DELIVERY_DESTINATION"),
                                               params.get("CODE_DELIVERY_DELIVERY_MEDIUM"), coming.contact)
    elif coming.answer == "mfa_choice":
        result["mfa_types"] = tuple(json.loads(params.get("MFAS_CAN_CHOOSE", "[]")))
    elif coming.answer == "factor_choice":
        pending.available = tuple(c for c in response.get("AvailableChallenges") or () if c in FIRST_FACTORS)
        result["available_challenges"] = pending.available
    elif coming.answer == "totp_setup":
        pending.available = result["mfa_types"] = tuple(json.loads(params.get("MFAS_CAN_SETUP", "[]")))
        return mfa_setup.start(state, pending, SignInResult(False, name, login, **result))
    elif coming.answer == "new_password":
        result["required_attributes"] = tuple(
            a.removeprefix("userAttributes.") for a in json.loads(params.get("requiredAttributes", "[]")))
    return SignInResult(False, name, login, **result)


def _public(params: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in params.items() if k not in ("USER_ID_FOR_SRP", "SALT", "SRP_B", "SECRET_BLOCK")}


def respond(state: SessionState, answers: dict[str, str], *, expected: tuple[str, ...]) -> SignInResult:
    """Answer the pending challenge; a wrong answer keeps it pending."""
    pending = _pending(state, expected)
    responses = state.client.with_secret_hash({"USERNAME": pending.username, **answers}, pending.username)
    try:
        response = state.client.call(
            "RespondToAuthChallenge", ClientId=state.config.user_pool_client_id,
            ChallengeName=pending.answering or pending.name,
            ChallengeResponses=responses,
            **({"Session": pending.cognito_session} if pending.cognito_session else {}),
            **state.client_metadata())
    except NotAuthorizedError:
        state.pending = None  # Cognito ended this sign-in (session expired or failed); start again
        raise
    return next_step(state, response, pending.login_id)


def _pending(state: SessionState, expected: tuple[str, ...]) -> PendingChallenge:
    pending = state.pending
    if pending is None:
        raise ValidationError("No sign-in challenge is pending; call sign_in() first")
    if pending.name not in expected:
        raise ValidationError(f"The pending challenge is {pending.name}, which this call does not answer")
    return pending


def confirm_sign_in(state: SessionState, code: Any, mfa_type: str | None = None) -> SignInResult:
    """Answer whichever challenge is pending with the user's input (Amplify v6's confirmSignIn)."""
    pending = _pending(state, CHALLENGES)
    current = step(pending.name)
    if current.answer == "new_password":
        return complete_new_password(state, code, None)
    if current.answer == "answer":
        return send_custom_challenge_answer(state, code)
    if current.answer == "factor_choice":
        factor, answers = user_auth.choose_factor(state, pending, code)
        if answers is None:  # a password factor: the password comes next, asked by the client
            return SignInResult(False, factor, pending.login_id, available_challenges=pending.available)
        return respond(state, answers, expected=(current.name,))
    if current.answer == "password":
        try:
            response = user_auth.answer_password(state, pending, code)
        except NotAuthorizedError:
            state.pending = None  # a wrong password ends Cognito's session: the sign-in starts again
            raise
        return next_step(state, response, pending.login_id)
    if current.answer == "email_address":
        return respond(state, mfa_setup.email_answer(current, code), expected=(current.name,))
    if current.answer == "totp_setup" and not pending.totp_associated:
        return mfa_setup.choose(state, pending, mfa_type or code)
    if current.answer == "mfa_choice":
        allowed = json.loads(pending.parameters.get("MFAS_CAN_CHOOSE", "[]"))
        choice = _known_method(mfa_type or code, allowed)
        if choice not in allowed:
            raise ValidationError(f"Choose one of {', '.join(allowed)}", field="mfa_type")
        return respond(state, {current.response_key or "ANSWER": choice}, expected=(current.name,))
    if mfa_type is not None and current.mfa is not None and mfa_method(mfa_type) != current.mfa:
        raise ValidationError(f"The pending challenge is {pending.name}, not {mfa_type}", field="mfa_type")
    checked = validate.code(code)
    if current.answer == "totp_setup":
        return _finish_mfa_setup(state, pending, checked)
    return respond(state, {current.response_key or "": checked}, expected=(current.name,))


def _known_method(name: Any, allowed: list[str]) -> str:
    """An MFA choice in Cognito's vocabulary; an unknown name is refused with the allowed ones."""
    try:
        return mfa_method(name).cognito
    except ValidationError:
        raise ValidationError(f"Choose one of {', '.join(allowed)}", field="mfa_type") from None


def _finish_mfa_setup(state: SessionState, pending: PendingChallenge, code: str) -> SignInResult:
    """TOTP set up inside sign-in: verify the first code against the new secret, then finish."""
    verified = state.client.call("VerifySoftwareToken", Session=pending.cognito_session, UserCode=code)
    pending.cognito_session = verified.get("Session", pending.cognito_session)
    return respond(state, {}, expected=("MFA_SETUP",))


def complete_new_password(state: SessionState, new_password: Any,
                          required_attributes: dict[str, Any] | None) -> SignInResult:
    password = validate.password(new_password, "new_password")
    attributes = validate.attributes(required_attributes, "required_attributes")
    current = STEPS["NEW_PASSWORD_REQUIRED"]
    answers = {current.response_key or "": password,
               **{f"userAttributes.{k}": v for k, v in attributes.items()}}
    return respond(state, answers, expected=(current.name,))


def send_custom_challenge_answer(state: SessionState, answer: Any) -> SignInResult:
    current = STEPS["CUSTOM_CHALLENGE"]
    return respond(state, {current.response_key or "": validate.answer(answer)}, expected=(current.name,))
