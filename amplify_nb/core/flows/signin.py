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
from .. import validate
from ..session import PendingChallenge, SessionState
from .mfa import TOTPSetup
from .results import CodeDelivery, SignInResult

FLOWS = ("USER_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH")
_CODE_FIELDS = {"SMS_MFA": "SMS_MFA_CODE", "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
                "EMAIL_OTP": "EMAIL_OTP_CODE"}
# What users (and Amplify JS v6) call the MFA types, mapped to Cognito's names.
MFA_ALIASES = {"SMS": "SMS_MFA", "SMS_MFA": "SMS_MFA", "TOTP": "SOFTWARE_TOKEN_MFA",
               "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA", "EMAIL": "EMAIL_OTP", "EMAIL_OTP": "EMAIL_OTP"}


def sign_in(state: SessionState, username: Any, password: Any, flow: str | None) -> SignInResult:
    login = validate.username(username)
    flow = flow or state.config.authentication_flow_type
    if flow not in FLOWS:
        raise ValidationError(f"flow must be one of {', '.join(FLOWS)}", field="flow")
    if flow != "CUSTOM_AUTH" or password is not None:
        password = validate.password(password)
    if state.tokens() is not None:
        current = state.tokens()
        who = current.id_claims.get("email") or current.id_claims.get("phone_number") or current.username
        raise ValidationError(f"Already signed in as {who}; call sign_out() first")
    client = state.client
    client.new_trace()
    state.pending = None
    try:
        response = _initiate(state, login, password, flow)
    except UserNotConfirmedError:
        return SignInResult(False, "CONFIRM_SIGN_UP", login)
    except PasswordResetRequiredError:
        return SignInResult(False, "RESET_PASSWORD", login)
    except AmplifyNbError as exc:
        state.emit("signIn_failure", {"username": login}, str(exc))
        raise
    return _next(state, response, login)


def _initiate(state: SessionState, login: str, password: str | None, flow: str) -> dict[str, Any]:
    client, config = state.client, state.config
    common = {"ClientId": config.user_pool_client_id, **state.client_metadata()}
    if flow == "USER_PASSWORD_AUTH":
        params = {"USERNAME": login, "PASSWORD": password}
        _add_secret_hash(state, params, login)
        return client.call("InitiateAuth", AuthFlow=flow, AuthParameters=params, **common)
    if flow == "CUSTOM_AUTH" and password is None:
        params = {"USERNAME": login}
        _add_secret_hash(state, params, login)
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


def _add_secret_hash(state: SessionState, params: dict[str, str], username: str) -> None:
    secret_hash = state.client.secret_hash(username)
    if secret_hash:
        params["SECRET_HASH"] = secret_hash


def _next(state: SessionState, response: dict[str, Any], login: str) -> SignInResult:
    """Turn a Cognito answer into the next step (storing tokens when it is DONE)."""
    if "AuthenticationResult" in response:
        tokens = state.verifier.tokens(response["AuthenticationResult"])
        state.store(tokens)
        state.pending = None
        state.emit("signIn", {"username": tokens.username, "login_id": login})
        return SignInResult(True, "DONE", login)  # as every other step: the name the user signed in with
    name = response.get("ChallengeName") or ""
    params = dict(response.get("ChallengeParameters") or {})
    internal = params.get("USER_ID_FOR_SRP") or params.get("USERNAME") or login
    pending = PendingChallenge(name, response.get("Session"), internal, login, params)
    state.pending = pending
    result: dict[str, Any] = {"challenge_parameters": _public(params)}
    if name in ("SMS_MFA", "EMAIL_OTP"):
        result["code_delivery"] = CodeDelivery(params.get("CODE_DELIVERY_DESTINATION"),
                                               params.get("CODE_DELIVERY_DELIVERY_MEDIUM"),
                                               "phone_number" if name == "SMS_MFA" else "email")
    elif name == "SELECT_MFA_TYPE":
        result["mfa_types"] = tuple(json.loads(params.get("MFAS_CAN_CHOOSE", "[]")))
    elif name == "MFA_SETUP":
        result["mfa_types"] = tuple(json.loads(params.get("MFAS_CAN_SETUP", "[]")))
        if "SOFTWARE_TOKEN_MFA" in result["mfa_types"]:
            associated = state.client.call("AssociateSoftwareToken", Session=pending.session)
            pending.session = associated.get("Session", pending.session)
            result["totp_setup"] = TOTPSetup(associated["SecretCode"], login)
    elif name == "NEW_PASSWORD_REQUIRED":
        result["required_attributes"] = tuple(
            a.removeprefix("userAttributes.") for a in json.loads(params.get("requiredAttributes", "[]")))
    elif name not in ("SOFTWARE_TOKEN_MFA", "CUSTOM_CHALLENGE"):
        state.pending = None
        raise AmplifyNbError(f"Cognito asked for a challenge amplify_nb does not handle: {name!r}")
    return SignInResult(False, name, login, **result)


def _public(params: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in params.items() if k not in ("USER_ID_FOR_SRP", "SALT", "SRP_B", "SECRET_BLOCK")}


def respond(state: SessionState, answers: dict[str, str], *, expected: tuple[str, ...]) -> SignInResult:
    """Answer the pending challenge; a wrong answer keeps it pending."""
    pending = _pending(state, expected)
    responses = {"USERNAME": pending.username, **answers}
    _add_secret_hash(state, responses, pending.username)
    state.client.new_trace()
    try:
        response = state.client.call(
            "RespondToAuthChallenge", ClientId=state.config.user_pool_client_id, ChallengeName=pending.name,
            ChallengeResponses=responses, **({"Session": pending.session} if pending.session else {}),
            **state.client_metadata())
    except NotAuthorizedError as exc:
        state.pending = None  # Cognito ended this sign-in (session expired or failed); start again
        state.emit("signIn_failure", {"username": pending.login_id}, str(exc))
        raise
    except AmplifyNbError as exc:
        state.emit("signIn_failure", {"username": pending.login_id}, str(exc))
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
    pending = _pending(state, ("SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP", "SELECT_MFA_TYPE", "MFA_SETUP",
                               "NEW_PASSWORD_REQUIRED", "CUSTOM_CHALLENGE"))
    if pending.name == "NEW_PASSWORD_REQUIRED":
        return complete_new_password(state, code, None)
    if pending.name == "CUSTOM_CHALLENGE":
        return send_custom_challenge_answer(state, code)
    if pending.name == "SELECT_MFA_TYPE":
        choice = MFA_ALIASES.get(str(mfa_type or code).upper())
        allowed = json.loads(pending.parameters.get("MFAS_CAN_CHOOSE", "[]"))
        if choice not in allowed:
            raise ValidationError(f"Choose one of {', '.join(allowed)}", field="mfa_type")
        return respond(state, {"ANSWER": choice}, expected=("SELECT_MFA_TYPE",))
    if mfa_type is not None and MFA_ALIASES.get(str(mfa_type).upper()) not in (pending.name, None):
        raise ValidationError(f"The pending challenge is {pending.name}, not {mfa_type}", field="mfa_type")
    checked = validate.code(code)
    if pending.name == "MFA_SETUP":
        return _finish_mfa_setup(state, pending, checked)
    return respond(state, {_CODE_FIELDS[pending.name]: checked}, expected=(pending.name,))


def _finish_mfa_setup(state: SessionState, pending: PendingChallenge, code: str) -> SignInResult:
    """TOTP set up inside sign-in: verify the first code against the new secret, then finish."""
    state.client.new_trace()
    verified = state.client.call("VerifySoftwareToken", Session=pending.session, UserCode=code)
    pending.session = verified.get("Session", pending.session)
    return respond(state, {}, expected=("MFA_SETUP",))


def complete_new_password(state: SessionState, new_password: Any,
                          required_attributes: dict[str, Any] | None) -> SignInResult:
    password = validate.password(new_password, "new_password")
    attributes = validate.attributes(required_attributes, "required_attributes")
    answers = {"NEW_PASSWORD": password, **{f"userAttributes.{k}": v for k, v in attributes.items()}}
    try:
        return respond(state, answers, expected=("NEW_PASSWORD_REQUIRED",))
    except AmplifyNbError as exc:
        state.emit("completeNewPassword_failure", None, str(exc))
        raise


def send_custom_challenge_answer(state: SessionState, answer: Any) -> SignInResult:
    return respond(state, {"ANSWER": validate.answer(answer)}, expected=("CUSTOM_CHALLENGE",))
