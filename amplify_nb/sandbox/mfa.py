"""Multi-factor authentication in the sandbox: which challenge follows a password, and TOTP.

Secrets are 160 random bits (base32, as Cognito's), codes are RFC 6238 (SHA-1, 30 s, 6 digits)
checked with one step of skew either way, and a code is accepted once only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import struct
from typing import Any

from .backend import CognitoBackend, operation
from .models import MFA_TYPES, AuthSession, User, UserPool
from .protocol import CognitoError, check_code_shape, not_authorized, optional

__all__ = ["apply_mfa_settings", "associate_software_token", "check_mfa_answer", "finish_email_setup", "mfa_summary",
           "new_totp_secret", "next_mfa_challenge", "set_user_mfa_preference", "start_email_setup", "start_method",
           "totp_at", "totp_step_matching", "usable_methods", "verify_software_token"]

_MEDIUM = {"SMS_MFA": "SMS", "EMAIL_OTP": "EMAIL"}
_ATTRIBUTE = {"SMS_MFA": "phone_number", "EMAIL_OTP": "email"}


def new_totp_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode()


def totp_at(secret: str, step: int) -> str:
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def totp_step_matching(secret: str, code: str, now: float) -> int | None:
    """The time step (now +-1) whose code this is, or None."""
    current = int(now // 30)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp_at(secret, step), code):
            return step
    return None


def usable_methods(pool: UserPool, user: User) -> list[str]:
    """The MFA methods the user has switched on that the pool allows and that can reach them."""
    if pool.mfa_configuration == "OFF":
        return []
    usable = []
    for method in MFA_TYPES:
        if method not in user.mfa_enabled or method not in pool.mfa_methods:
            continue
        if method == "SOFTWARE_TOKEN_MFA" and not user.totp_secret:
            continue
        if method in _ATTRIBUTE and not user.attributes.get(_ATTRIBUTE[method]):
            continue
        usable.append(method)
    return usable


def next_mfa_challenge(backend: CognitoBackend, pool: UserPool, session: AuthSession, user: User) -> dict | None:
    """The MFA challenge that must follow a proven password, or None when tokens may be issued."""
    methods = usable_methods(pool, user)
    if not methods:
        if pool.mfa_configuration != "ON":
            return None
        if "SMS_MFA" in pool.mfa_methods and user.attributes.get("phone_number"):
            return start_method(backend, pool, session, user, "SMS_MFA")
        # E-mail MFA can be set up inside the sign-in: the client answers MFA_SETUP with the EMAIL to prove.
        can_setup = [m for m in ("SOFTWARE_TOKEN_MFA", "EMAIL_OTP") if m in pool.mfa_methods]
        if not can_setup:
            raise CognitoError("InvalidParameterException", "MFA is required but no MFA method can be set up")
        session.challenge = "MFA_SETUP"
        return {"MFAS_CAN_SETUP": json.dumps(can_setup)}
    if user.mfa_preferred in methods:
        return start_method(backend, pool, session, user, user.mfa_preferred)
    if len(methods) == 1:
        return start_method(backend, pool, session, user, methods[0])
    session.challenge = "SELECT_MFA_TYPE"
    return {"MFAS_CAN_CHOOSE": json.dumps(methods)}


def start_method(backend: CognitoBackend, pool: UserPool, session: AuthSession, user: User, method: str) -> dict:
    session.challenge = method
    if method == "SOFTWARE_TOKEN_MFA":
        return {}
    details = backend.send_code(
        pool, user, purpose=f"mfa:{session.session_id}", kind="Authentication", medium=_MEDIUM[method],
        client_id=session.client_id, message_source="Authentication", client_metadata=session.client_metadata,
        ttl=backend.mfa_code_ttl,
    )
    return {"CODE_DELIVERY_DELIVERY_MEDIUM": details["DeliveryMedium"],
            "CODE_DELIVERY_DESTINATION": details["Destination"]}


def start_email_setup(backend: CognitoBackend, pool: UserPool, session: AuthSession, user: User,
                      address: str) -> dict:
    """MFA_SETUP answered with an EMAIL (Amplify's e-mail MFA set-up): send it a code, ask for EMAIL_OTP."""
    if "EMAIL_OTP" not in pool.mfa_methods or pool.mfa_configuration == "OFF":
        raise CognitoError("InvalidParameterException", "EMAIL_OTP is not enabled for this user pool")
    if len(address) > 2048 or "@" not in address.strip("@") or any(c.isspace() for c in address):
        raise CognitoError("InvalidParameterException", "Invalid email address format.")
    session.mfa_setup_email = address
    session.challenge = "EMAIL_OTP"
    details = backend.send_code(
        pool, user, purpose=f"mfa:{session.session_id}", kind="Authentication", medium="EMAIL",
        client_id=session.client_id, message_source="Authentication", client_metadata=session.client_metadata,
        ttl=backend.mfa_code_ttl, destination=address,
    )
    return {"CODE_DELIVERY_DELIVERY_MEDIUM": details["DeliveryMedium"],
            "CODE_DELIVERY_DESTINATION": details["Destination"]}


def finish_email_setup(backend: CognitoBackend, session: AuthSession, user: User) -> None:
    """The code came back from the address MFA_SETUP named: it is the user's verified e-mail, and their MFA."""
    if session.mfa_setup_email is None:
        return
    user.attributes["email"] = session.mfa_setup_email
    user.attributes["email_verified"] = "true"
    user.mfa_enabled.add("EMAIL_OTP")
    user.modified_at = backend.now()


def check_mfa_answer(backend: CognitoBackend, session: AuthSession, user: User, code: str) -> None:
    """Check an SMS / e-mail / TOTP code for this sign-in; a wrong one may be retried a few times."""
    check_code_shape(code)
    if session.challenge == "SOFTWARE_TOKEN_MFA":
        step = totp_step_matching(user.totp_secret or "", code, backend.now())
        if step is None or step <= user.last_totp_step:
            session.attempts_left -= 1
            raise CognitoError("CodeMismatchException", "Invalid code or auth state for the user.")
        user.last_totp_step = step
        return
    try:
        backend.check_code(user, f"mfa:{session.session_id}", code)
    except CognitoError as exc:
        if exc.code == "CodeMismatchException":
            session.attempts_left -= 1
            raise CognitoError("CodeMismatchException", "Invalid code or auth state for the user.") from None
        raise


# ---- TOTP registration, by access token (signed in) or by the MFA_SETUP session (during sign-in) ----

def _target(backend: CognitoBackend, params: dict[str, Any]) -> tuple[UserPool, User, AuthSession | None]:
    token = optional(params, "AccessToken", max_len=16384)
    session_id = optional(params, "Session", max_len=4096)
    if token:
        pool, user, _ = backend.user_from_access_token(token)
        return pool, user, None
    if session_id:
        for pool in backend.pools.values():
            session = pool.sessions.get(session_id)
            if session is not None and session.challenge == "MFA_SETUP" and backend.now() < session.expires_at:
                return pool, pool.users[session.username], session
        raise not_authorized("Invalid session for the user, session is expired.")
    raise CognitoError("InvalidParameterException", "Either AccessToken or Session must be provided")


@operation("AssociateSoftwareToken")
def associate_software_token(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user, session = _target(backend, params)
    if "SOFTWARE_TOKEN_MFA" not in pool.mfa_methods or pool.mfa_configuration == "OFF":
        raise CognitoError("SoftwareTokenMFANotFoundException",
                           "Software Token MFA has not been enabled by the userPool.")
    user.pending_totp_secret = new_totp_secret()
    result: dict[str, Any] = {"SecretCode": user.pending_totp_secret}
    if session is not None:
        result["Session"] = session.session_id
    return result


@operation("VerifySoftwareToken")
def verify_software_token(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user, session = _target(backend, params)
    code = check_code_shape(optional(params, "UserCode", max_len=6) or "")
    if not user.pending_totp_secret:
        raise CognitoError("InvalidParameterException",
                           "No software token is being associated; call AssociateSoftwareToken")
    step = totp_step_matching(user.pending_totp_secret, code, backend.now())
    if step is None:
        raise CognitoError("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
    user.totp_secret, user.pending_totp_secret, user.last_totp_step = user.pending_totp_secret, None, step
    if session is not None or pool.mfa_configuration == "ON":
        # Verified is not switched on: outside MFA_SETUP / a required-MFA pool, SetUserMFAPreference does that.
        user.mfa_enabled.add("SOFTWARE_TOKEN_MFA")
    result: dict[str, Any] = {"Status": "SUCCESS"}
    if session is not None:
        session.mfa_setup_verified = True
        result["Session"] = session.session_id
    return result


def apply_mfa_settings(pool: UserPool, user: User, params: dict[str, Any]) -> None:
    """SetUserMFAPreference's SMSMfaSettings / SoftwareTokenMfaSettings / EmailMfaSettings."""
    for field, method in (("SMSMfaSettings", "SMS_MFA"), ("SoftwareTokenMfaSettings", "SOFTWARE_TOKEN_MFA"),
                          ("EmailMfaSettings", "EMAIL_OTP")):
        settings = params.get(field)
        if settings is None:
            continue
        if not isinstance(settings, dict):
            raise CognitoError("SerializationException", f"'{field}' must be an object")
        enabled, preferred = settings.get("Enabled"), settings.get("PreferredMfa")
        if enabled:
            if method not in pool.mfa_methods or pool.mfa_configuration == "OFF":
                raise CognitoError("InvalidParameterException", f"{method} is not enabled for this user pool")
            if method == "SOFTWARE_TOKEN_MFA" and not user.totp_secret:
                raise CognitoError("InvalidParameterException", "User has not verified software token mfa")
            if method in _ATTRIBUTE and not user.attributes.get(_ATTRIBUTE[method]):
                raise CognitoError("InvalidParameterException", f"User has no {_ATTRIBUTE[method]} for {method}")
            user.mfa_enabled.add(method)
        elif enabled is False:
            user.mfa_enabled.discard(method)
            if user.mfa_preferred == method:
                user.mfa_preferred = None
        if preferred and method in user.mfa_enabled:
            user.mfa_preferred = method
        elif preferred is False and user.mfa_preferred == method:
            user.mfa_preferred = None


@operation("SetUserMFAPreference")
def set_user_mfa_preference(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    apply_mfa_settings(pool, user, params)
    return {}


def mfa_summary(user: User) -> dict[str, Any]:
    summary: dict[str, Any] = {"UserMFASettingList": sorted(user.mfa_enabled)}
    if user.mfa_preferred:
        summary["PreferredMfaSetting"] = user.mfa_preferred
    return summary
