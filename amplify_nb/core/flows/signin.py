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
from ...steps import CHALLENGES, FLOWS, STEPS, mfa_method, step
from .. import validate
from ..session import PendingChallenge, SessionState
from .mfa import TOTPSetup
from .results import CodeDelivery, SignInResult

__all__ = ["complete_new_password", "confirm_sign_in", "respond", "send_custom_challenge_answer", "sign_in"]


def sign_in(state: SessionState, username: Any, password: Any, flow: str | None) -> SignInResult:
    login = validate.username(username)
    flow = flow or state.config.authentication_flow_type
    if flow not in FLOWS:
        raise ValidationError(f"flow must be one of {', '.join(FLOWS)}", field="flow")
    if flow != "CUSTOM_AUTH" or password is not None:
        password = validate.password(password)
    current = state.tokens()
    if current is not None:
        who = current.id_claims.get("email") or current.id_claims.get("phone_number") or current.username
        raise ValidationError(f"Already signed in as {who}; call sign_out() first")
    state.pending = None
    try:
        response = _initiate(state, login, password, flow)
    except UserNotConfirmedError:
        return SignInResult(False, "CONFIRM_SIGN_UP", login)
    except PasswordResetRequiredError:
        return SignInResult(False, "RESET_PASSWORD", login)
    return _next(state, response, login)


def _initiate(state: SessionState, login: str, password: str | None, flow: str) -> dict[str, Any]:
    client, config = state.client, state.config
    common = {"ClientId": config.user_pool_client_id, **state.client_metadata()}
    if password is None:  # CUSTOM_AUTH without a password: the custom challenge stands in for it
        params = client.with_secret_hash({"USERNAME": login}, login)
        return client.call("InitiateAuth", AuthFlow=flow, AuthParameters=params, **common)
    if flow == "USER_PASSWORD_AUTH":
        params = client.with_secret_hash({"USERNAME": login, "PASSWORD": password}, login)
        return client.call("InitiateAuth", AuthFlow=flow, AuthParameters=params, **common)
    srp = client.srp_round(login)
    params = srp.auth_parameters()
    if flow == "CUSTOM_AUTH":
        params["CHALLENGE_NAME"] = "SRP_A"
    response = client.call("InitiateAuth", AuthFlow=flow, AuthParameters=params, **common)
    if response.get("ChallengeName") != "PASSWORD_VERIFIER":
        return response
    answers = srp.answer(response["ChallengeParameters"], params, password)
    return client.call("RespondToAuthChallenge", ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answers,
                       **({"Session": response["Session"]} if response.get("Session") else {}), **common)


def _next(state: SessionState, response: dict[str, Any], login: str) -> SignInResult:
    """Turn a Cognito answer into the next step (storing tokens when it is DONE)."""
    if "AuthenticationResult" in response:
        tokens = state.verifier.tokens(response["AuthenticationResult"])
        state.store(tokens)
        state.pending = None
        state.emit("signIn", {"username": tokens.username, "login_id": login})
        return SignInResult(True, "DONE", login)  # as every other step: the name the user signed in with
    name = response.get("ChallengeName") or ""
    next_step = step(name)
    if not next_step.is_challenge:
        raise AmplifyNbError(f"Cognito answered with an unexpected challenge name: {name!r}")
    params = dict(response.get("ChallengeParameters") or {})
    internal = params.get("USER_ID_FOR_SRP") or params.get("USERNAME") or login
    pending = PendingChallenge(name, response.get("Session"), internal, login, params)
    state.pending = pending
    result: dict[str, Any] = {"challenge_parameters": _public(params)}
    if next_step.answer == "code" and next_step.mfa and next_step.mfa.contact:
        result["code_delivery"] = CodeDelivery(params.get("CODE_DELIVERY_DESTINATION"),
                                               params.get("CODE_DELIVERY_DELIVERY_MEDIUM"), next_step.mfa.contact)
    elif next_step.answer == "mfa_choice":
        result["mfa_types"] = tuple(json.loads(params.get("MFAS_CAN_CHOOSE", "[]")))
    elif next_step.answer == "totp_setup":
        result["mfa_types"] = tuple(json.loads(params.get("MFAS_CAN_SETUP", "[]")))
        if next_step.mfa and next_step.mfa.cognito in result["mfa_types"]:
            associated = state.client.call("AssociateSoftwareToken", Session=pending.cognito_session)
            pending.cognito_session = associated.get("Session", pending.cognito_session)
            result["totp_setup"] = TOTPSetup(associated["SecretCode"], login)
    elif next_step.answer == "new_password":
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
            "RespondToAuthChallenge", ClientId=state.config.user_pool_client_id, ChallengeName=pending.name,
            ChallengeResponses=responses,
            **({"Session": pending.cognito_session} if pending.cognito_session else {}),
            **state.client_metadata())
    except NotAuthorizedError:
        state.pending = None  # Cognito ended this sign-in (session expired or failed); start again
        raise
    return _next(state, response, pending.login_id)


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
