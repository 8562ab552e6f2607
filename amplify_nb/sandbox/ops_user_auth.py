"""USER_AUTH: Cognito's choice-based sign-in, and auto sign-in with ConfirmSignUp's Session.

InitiateAuth USER_AUTH names the user and, optionally, a PREFERRED_CHALLENGE. The first factors a user can
take are the pool's sign-in policy (AllowedFirstAuthFactors) narrowed to what the user has: PASSWORD and
PASSWORD_SRP need a password, EMAIL_OTP a verified e-mail, SMS_OTP a verified phone number. A preferred
challenge the user can take starts at once; otherwise (or without one) the answer is SELECT_CHALLENGE with
AvailableChallenges, and RespondToAuthChallenge SELECT_CHALLENGE picks one (ANSWER), carrying PASSWORD or
SRP_A along for the password factors. One-time codes go to the outbox and are checked like MFA codes: one
use, expiring (mfa_code_ttl), three wrong answers per Session. ALLOW_USER_AUTH on the app client allows
all of this, the password factors included, whatever the client's other flows.
"""

from __future__ import annotations

from typing import Any

from .backend import CognitoBackend
from .devices import known_device
from .factors import after_first_factor, finish
from .mfa import check_mfa_answer
from .models import AppClient, AuthSession, User, UserPool, mask_destination
from .protocol import CognitoError, check_password_shape, check_username, not_authorized, require
from .sessions import challenge, new_session, rotate, srp_challenge

__all__ = ["CHOICES", "available_challenges", "respond", "start"]

# PREFERRED_CHALLENGE / SELECT_CHALLENGE's ANSWER values Cognito knows; WEB_AUTHN is never available here.
CHOICES = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")
_OTP = {"EMAIL_OTP": ("EMAIL", "email", "EMAIL_OTP_CODE"), "SMS_OTP": ("SMS", "phone_number", "SMS_OTP_CODE")}


def available_challenges(pool: UserPool, user: User | None) -> list[str]:
    """The user's AvailableChallenges; for an unknown user (hidden by the client), what the policy allows."""
    policy = pool.allowed_first_auth_factors
    choices: list[str] = []
    if "PASSWORD" in policy and (user is None or user.verifier):
        choices += ["PASSWORD", "PASSWORD_SRP"]
    for name, (_, attribute, _) in _OTP.items():
        verified = user is None or (user.attributes.get(attribute) and
                                    user.attributes.get(f"{attribute}_verified") == "true")
        if name in policy and verified:
            choices.append(name)
    return choices


def start(backend: CognitoBackend, pool: UserPool, client: AppClient, auth: dict[str, str],
          session_id: str | None) -> dict[str, Any]:
    backend.require_flow(client, "USER_AUTH")
    username = check_username(require(auth, "USERNAME", max_len=128), pattern=False)
    user = pool.find_user(username)
    if user is None and not client.prevent_user_existence_errors:
        backend.user_or_error(pool, client, username)
    backend.check_secret_hash(client, auth.get("SECRET_HASH"), username, *([user.username] if user else []))
    if session_id is not None:
        return _auto_sign_in(backend, pool, client, session_id, user, auth)
    preferred = auth.get("PREFERRED_CHALLENGE")
    if preferred is not None and preferred not in CHOICES:
        raise CognitoError("InvalidParameterException",
                           f"1 validation error detected: Value '{preferred[:64]}' at 'PREFERRED_CHALLENGE' failed to "
                           "satisfy constraint: Member must satisfy enum value set")
    available = available_challenges(pool, user)
    if not available:
        raise not_authorized()
    session = new_session(backend, pool, client, user, "USER_AUTH", {})
    session.device_key = auth.get("DEVICE_KEY")
    if preferred in available:
        return _begin(backend, pool, client, session, user, preferred, auth, username)
    # No preference, or one this user cannot take (not in the policy, no verified address): let them choose.
    session.challenge, session.available = "SELECT_CHALLENGE", tuple(available)
    return {"ChallengeName": "SELECT_CHALLENGE", "Session": session.session_id, "AvailableChallenges": available}


def _auto_sign_in(backend: CognitoBackend, pool: UserPool, client: AppClient, session_id: str,
                  user: User | None, auth: dict[str, str]) -> dict[str, Any]:
    """ConfirmSignUp's code already proved the address: its Session signs the new user in once, no factor asked."""
    session = pool.sessions.pop(session_id, None)
    if (session is None or not session.auto_sign_in or session.client_id != client.client_id or user is None
            or session.username != user.username or backend.now() >= session.expires_at):
        raise not_authorized("Invalid session for the user.")
    backend.check_can_sign_in(user)
    pool.sessions[session.session_id] = session  # finish() is what consumes it
    session.device_key = auth.get("DEVICE_KEY")
    return finish(backend, pool, client, session, user)


def _begin(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession, user: User | None,
           choice: str, given: dict[str, str], login: str) -> dict[str, Any]:
    """Start the first factor `choice`, with its secret when the request already carries it."""
    if choice == "PASSWORD":
        if "PASSWORD" not in given:  # ask for it: the PASSWORD challenge
            session.challenge = "PASSWORD"
            return challenge(session, user, {"USERNAME": user.username if user else login})
        password = check_password_shape(require(given, "PASSWORD", max_len=256))
        pool.sessions.pop(session.session_id, None)  # one password per Session, right or wrong
        user = backend.password_attempt(user, lambda: backend.password_matches(pool, user, password))
        backend.check_can_sign_in(user)
        pool.sessions[session.session_id] = session
        return after_first_factor(backend, pool, client, session, user)
    if choice == "PASSWORD_SRP":
        if "SRP_A" not in given:
            session.challenge = "PASSWORD_SRP"
            return challenge(session, user, {"USERNAME": user.username if user else login})
        return srp_challenge(pool, session, user, given["SRP_A"], login)
    medium, attribute, _ = _OTP[choice]
    session.challenge, session.first_factor_otp = choice, True
    if user is None:  # nothing is sent; the answer will be refused as for a wrong code
        destination = mask_destination(medium, login if "@" in login else "+00000000000")
        return challenge(session, None, {"CODE_DELIVERY_DELIVERY_MEDIUM": medium,
                                         "CODE_DELIVERY_DESTINATION": destination})
    backend.check_can_sign_in(user)
    details = backend.send_code(
        # Checked as an MFA code is (one use, mfa_code_ttl, three tries per Session): the same purpose.
        pool, user, purpose=f"mfa:{session.session_id}", kind="Authentication", medium=medium,
        client_id=client.client_id, message_source="Authentication", ttl=backend.mfa_code_ttl,
        destination=user.attributes[attribute],
    )
    return challenge(session, user, {"CODE_DELIVERY_DELIVERY_MEDIUM": details["DeliveryMedium"],
                                     "CODE_DELIVERY_DESTINATION": details["Destination"]})


def respond(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession, user: User,
            name: str, answers: dict[str, str]) -> dict[str, Any] | None:
    """The answer to a USER_AUTH challenge, or None when `name` is not one (MFA's EMAIL_OTP, for one)."""
    if name == "SELECT_CHALLENGE":
        choice = require(answers, "ANSWER", max_len=64)
        if choice not in session.available:
            raise CognitoError("InvalidParameterException",
                               f"The challenge {choice[:64]} is not one of the available challenges")
        rotate(pool, session)  # a choice is final: the SELECT_CHALLENGE Session cannot choose again
        return _begin(backend, pool, client, session, user, choice, answers, answers.get("USERNAME", ""))
    if name == "PASSWORD":
        require(answers, "PASSWORD", max_len=256)
        rotate(pool, session)
        return _begin(backend, pool, client, session, user, "PASSWORD", answers, "")
    if name == "PASSWORD_SRP":
        require(answers, "SRP_A", max_len=4096)
        rotate(pool, session)
        return _begin(backend, pool, client, session, user, "PASSWORD_SRP", answers, "")
    if name in _OTP and session.first_factor_otp:
        if session.attempts_left <= 0:
            pool.sessions.pop(session.session_id, None)
            raise not_authorized("Invalid session for the user.")
        check_mfa_answer(backend, session, user, require(answers, _OTP[name][2], max_len=64))
        known_device(pool, user, session.device_key)
        return finish(backend, pool, client, session, user)
    return None
