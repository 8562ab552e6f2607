"""MFA_SETUP inside a sign-in: the user sets up an authenticator app (TOTP) or e-mail codes before tokens.

With one method to set up, it starts at once (TOTP: AssociateSoftwareToken makes the secret the QR code
shows; e-mail: the next step, EMAIL_SETUP, asks for the address). With both, the result names them and
``confirm_sign_in("TOTP" | "EMAIL")`` picks, as Amplify v6's CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION.
"""

from __future__ import annotations

from typing import Any

from ...errors import ValidationError
from ...steps import STEPS, SignInStep, mfa_method
from .. import validate
from ..session import PendingChallenge, SessionState
from .mfa import TOTPSetup
from .results import SignInResult

__all__ = ["choose", "email_answer", "start"]

_SETTABLE = ("SOFTWARE_TOKEN_MFA", "EMAIL_OTP")  # what a sign-in can set up by itself (SMS needs a phone)


def start(state: SessionState, pending: PendingChallenge, result: SignInResult) -> SignInResult:
    methods = [m for m in _SETTABLE if m in pending.available]
    if methods == ["SOFTWARE_TOKEN_MFA"]:
        return _totp(state, pending, result)
    if methods == ["EMAIL_OTP"]:
        return _email(state, pending, result)
    return result  # both, or none this client can set up: the caller chooses (or sets it up elsewhere)


def choose(state: SessionState, pending: PendingChallenge, choice: Any) -> SignInResult:
    try:
        method = mfa_method(choice).cognito
    except ValidationError:
        method = ""
    settable = [m for m in _SETTABLE if m in pending.available]
    if method not in settable:
        names = ", ".join(mfa_method(m).short for m in settable) or "none this client can set up"
        raise ValidationError(f"Choose the MFA method to set up: {names}", field="mfa_type")
    result = SignInResult(False, pending.name, pending.login_id, mfa_types=pending.available)
    return _totp(state, pending, result) if method == "SOFTWARE_TOKEN_MFA" else _email(state, pending, result)


def _totp(state: SessionState, pending: PendingChallenge, result: SignInResult) -> SignInResult:
    associated = state.client.call("AssociateSoftwareToken", Session=pending.cognito_session)
    pending.cognito_session = associated.get("Session", pending.cognito_session)
    pending.totp_associated = True
    return SignInResult(False, pending.name, pending.login_id, challenge_parameters=result.challenge_parameters,
                        mfa_types=result.mfa_types, totp_setup=TOTPSetup(associated["SecretCode"], pending.login_id))


def _email(state: SessionState, pending: PendingChallenge, result: SignInResult) -> SignInResult:
    """EMAIL_SETUP: a step of the client's own, answered to Cognito's MFA_SETUP with the address."""
    state.pending = PendingChallenge("EMAIL_SETUP", pending.cognito_session, pending.username, pending.login_id,
                                     pending.parameters, answering=pending.name, available=pending.available)
    return SignInResult(False, "EMAIL_SETUP", pending.login_id, challenge_parameters=result.challenge_parameters,
                        mfa_types=result.mfa_types)


def email_answer(current: SignInStep, address: Any) -> dict[str, str]:
    checked = validate.username(address, "email")
    if "@" not in checked:
        raise ValidationError("email must be an e-mail address", field="email")
    return {current.response_key or STEPS["EMAIL_SETUP"].response_key or "EMAIL": checked}
