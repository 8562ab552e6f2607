"""Choice-based sign-in, InitiateAuth's USER_AUTH: a first factor the caller prefers, or one the user picks.

The first factors are a password (sent as is, PASSWORD, or proved by SRP, PASSWORD_SRP: the password never
leaves the client) or a one-time code sent by e-mail or SMS (EMAIL_OTP, SMS_OTP). Cognito answers
SELECT_CHALLENGE with the factors this user can use when none is preferred, or the preferred one is not
available to them; a password factor chosen there is a step of the client's own (no call until the password
is given). MFA still follows a password factor as the pool requires it: the steps after are the usual ones.
"""

from __future__ import annotations

from typing import Any

from ...errors import ValidationError
from ...steps import FIRST_FACTORS, STEPS
from .. import validate
from ..session import PendingChallenge, SessionState
from . import devices
from .srp import srp_verify

__all__ = ["answer_password", "choose_factor", "initiate", "preferred_factor"]

# The first factors a password answers (the others send a code), as the step table says.
_PASSWORD_FACTORS = tuple(name for name in FIRST_FACTORS if STEPS[name].answer == "password")


def preferred_factor(preferred: Any, password: str | None) -> str | None:
    """The first factor to ask Cognito for: the caller's, else SRP when a password is given, else none
    (Cognito then offers the choice)."""
    if preferred is None:
        return "PASSWORD_SRP" if password is not None else None
    choice = str(preferred).strip().upper()
    if choice not in FIRST_FACTORS:
        raise ValidationError(f"preferred_challenge must be one of {', '.join(FIRST_FACTORS)}",
                              field="preferred_challenge")
    if choice in _PASSWORD_FACTORS and password is None:
        raise ValidationError(f"preferred_challenge {choice} needs the password", field="password")
    return choice


def initiate(state: SessionState, login: str, password: str | None, preferred: str | None,
             cognito_session: str | None = None) -> dict[str, Any]:
    """InitiateAuth USER_AUTH; a PASSWORD_SRP answer (PASSWORD_VERIFIER) is taken at once. ``cognito_session``
    is ConfirmSignUp's, for auto sign-in."""
    client = state.client
    common: dict[str, Any] = {"ClientId": state.config.user_pool_client_id, **state.client_metadata()}
    if cognito_session:
        common["Session"] = cognito_session
    params: dict[str, str] = {"USERNAME": login}
    device = devices.store(state).find(login)
    if device:
        params["DEVICE_KEY"] = device.key
    srp = None
    if preferred == "PASSWORD_SRP":
        srp = client.srp_round(login, device)
        params.update(srp.auth_parameters())
    elif preferred == "PASSWORD" and password is not None:
        params["PASSWORD"] = password
    if preferred:
        params["PREFERRED_CHALLENGE"] = preferred
    params = client.with_secret_hash(params, login)
    response = client.call("InitiateAuth", AuthFlow="USER_AUTH", AuthParameters=params, **common)
    if srp is not None and password is not None:
        return srp_verify(state, srp, response, params, password)
    return response


def choose_factor(state: SessionState, pending: PendingChallenge, choice: Any) -> tuple[str, dict[str, str] | None]:
    """SELECT_CHALLENGE answered with a factor: a password factor becomes the client's own next step (the
    password is asked first); a code factor is answered at once (Cognito sends the code)."""
    factor = str(choice).strip().upper()
    if factor not in pending.available:
        raise ValidationError(f"Choose one of {', '.join(pending.available)}", field="challenge")
    if factor in _PASSWORD_FACTORS:
        state.pending = PendingChallenge(factor, pending.cognito_session, pending.username, pending.login_id,
                                         pending.parameters, answering=pending.name, available=pending.available)
        return factor, None
    return factor, {STEPS["SELECT_CHALLENGE"].response_key or "ANSWER": factor}


def answer_password(state: SessionState, pending: PendingChallenge, password: Any) -> dict[str, Any]:
    """The password factor chosen at SELECT_CHALLENGE: the password itself, or its SRP proof."""
    checked = validate.password(password)
    client = state.client
    common: dict[str, Any] = {"ClientId": state.config.user_pool_client_id, **state.client_metadata()}
    responses: dict[str, str] = {"USERNAME": pending.username, "ANSWER": pending.name}
    srp = None
    if pending.name == "PASSWORD":
        responses[STEPS["PASSWORD"].response_key or "PASSWORD"] = checked
    else:
        srp = client.srp_round(pending.username)
        responses["SRP_A"] = srp.auth_parameters()["SRP_A"]
    responses = client.with_secret_hash(responses, pending.username)
    response = client.call("RespondToAuthChallenge", ChallengeName=pending.answering or "SELECT_CHALLENGE",
                           ChallengeResponses=responses,
                           **({"Session": pending.cognito_session} if pending.cognito_session else {}), **common)
    if srp is not None:
        return srp_verify(state, srp, response, responses, checked)
    return response
