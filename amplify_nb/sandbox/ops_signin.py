"""InitiateAuth and RespondToAuthChallenge: the sign-in state machine, as Cognito runs it.

Each step rotates the opaque Session, so a challenge answered twice is refused, and a session lives
three minutes. A challenge is a normal answer (ChallengeName + ChallengeParameters), never an error.
Choice-based USER_AUTH lives in ops_user_auth, refreshes in refresh, remembered devices in devices, and
what follows a first factor (device, MFA, tokens) in factors; AdminInitiateAuth reuses `start_auth` and
AdminRespondToAuthChallenge `respond`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..steps import STEPS
from . import devices, ops_user_auth, refresh
from .backend import CognitoBackend, operation
from .factors import after_device, after_first_factor, finish
from .mfa import check_mfa_answer, finish_email_setup, start_email_setup, start_method, usable_methods
from .models import AppClient, AuthSession, User, UserPool, new_sub
from .protocol import (
    CognitoError,
    attribute_map,
    check_password_shape,
    check_username,
    not_authorized,
    optional,
    require,
)
from .sessions import challenge, new_session, rotate, session_for, srp_challenge
from .srp import canonical_timestamp, make_verifier
from .triggers import event

__all__ = ["initiate_auth", "respond", "respond_to_auth_challenge", "start_auth"]

_PASSWORD_FLOWS = ("USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")
_ADMIN_FLOWS = ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")


def _trigger_base(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession,
                  user: User | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The custom-auth triggers' common event fields, and the user's attributes (none for an unknown user,
    whose triggers Cognito runs with ``userNotFound: true`` under PreventUserExistenceErrors)."""
    name = user.username if user is not None else session.decoy_login
    return ({"region": backend.region, "pool_id": pool.pool_id, "username": name, "client_id": client.client_id},
            dict(user.attributes) if user is not None else {})


def _custom_next(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession,
                 user: User | None, srp_a_hex: str | None = None) -> dict[str, Any]:
    """Ask define_auth_challenge what comes next, given the challenges answered so far."""
    base, attributes = _trigger_base(backend, pool, client, session, user)
    decided = backend.triggers.invoke("define_auth_challenge", event(
        "DefineAuthChallenge_Authentication", **base,
        request={"userAttributes": attributes, "session": list(session.custom_history),
                 "clientMetadata": dict(session.client_metadata), "userNotFound": user is None},
        response={"challengeName": None, "issueTokens": None, "failAuthentication": None},
    ))["response"]
    if decided.get("failAuthentication") or (decided.get("issueTokens") and user is None):
        pool.sessions.pop(session.session_id, None)  # an unknown user never gets tokens, whatever the trigger says
        raise not_authorized()
    if decided.get("issueTokens"):
        assert user is not None
        return finish(backend, pool, client, session, user)
    name = decided.get("challengeName")
    if name == "PASSWORD_VERIFIER" and srp_a_hex is not None:
        return srp_challenge(pool, session, user, srp_a_hex, base["username"])
    if name != "CUSTOM_CHALLENGE":
        raise CognitoError("InvalidLambdaResponseException", f"Unrecognizable lambda output: challengeName {name!r}")
    created = backend.triggers.invoke("create_auth_challenge", event(
        "CreateAuthChallenge_Authentication", **base,
        request={"userAttributes": attributes, "challengeName": name,
                 "session": list(session.custom_history), "clientMetadata": dict(session.client_metadata),
                 "userNotFound": user is None},
        response={"publicChallengeParameters": {}, "privateChallengeParameters": {}, "challengeMetadata": None},
    ))["response"]
    session.public_parameters = {str(k): str(v) for k, v in (created.get("publicChallengeParameters") or {}).items()}
    session.private_parameters = {str(k): str(v) for k, v in (created.get("privateChallengeParameters") or {}).items()}
    session.challenge_metadata = created.get("challengeMetadata")
    session.challenge = "CUSTOM_CHALLENGE"
    return challenge(session, None, {**session.public_parameters, "USERNAME": base["username"]})


def _migrate_user(backend: CognitoBackend, pool: UserPool, client: AppClient, username: str, password: str | None,
                  meta: dict[str, str], source: str) -> User | None:
    """user_migration: let the app's old directory vouch for a user Cognito has never seen."""
    if not backend.triggers.has("user_migration"):
        return None
    # InitiateAuth's ClientMetadata arrives as validationData; ForgotPassword's as clientMetadata.
    signing_in = source == "Authentication"
    request: dict[str, Any] = {"validationData": dict(meta) if signing_in else {},
                               "clientMetadata": {} if signing_in else dict(meta)}
    if password is not None:
        request["password"] = password
    try:
        answer = backend.triggers.invoke("user_migration", event(
            f"UserMigration_{source}", region=backend.region, pool_id=pool.pool_id, username=username,
            client_id=client.client_id, request=request,
            response={"userAttributes": None, "finalUserStatus": None, "messageAction": None,
                      "desiredDeliveryMediums": None, "forceAliasCreation": None},
        ))["response"]
    except CognitoError:
        return None
    attributes = {str(k): str(v) for k, v in (answer.get("userAttributes") or {}).items()}
    if not attributes:
        return None
    sub = new_sub()
    internal = sub if pool.username_attributes else username  # e-mail/phone pools name a user by their sub
    user = User(username=internal, sub=sub, attributes={**attributes}, created_at=backend.now(),
                modified_at=backend.now(), status=answer.get("finalUserStatus") or "CONFIRMED")
    user.attributes["sub"] = user.sub
    for attribute in pool.username_attributes:
        user.attributes.setdefault(attribute, username)
    if password is not None:
        user.salt_hex, user.verifier = make_verifier(pool.short_id, user.username, password)
    pool.users[user.username] = user
    return user


def _require_password_set(user: User) -> None:
    """A user without any password (migrated by ForgotPassword, imported) can only reset it."""
    if user.status == "RESET_REQUIRED" and not user.verifier:
        raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")


@operation("InitiateAuth")
def initiate_auth(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    flow = require(params, "AuthFlow", max_len=64)
    pool, client = backend.client(require(params, "ClientId", max_len=128))
    if flow in _ADMIN_FLOWS:
        raise CognitoError("InvalidParameterException", f"Initiate Auth method not supported: {flow}")
    return start_auth(backend, pool, client, flow, params)


def start_auth(backend: CognitoBackend, pool: UserPool, client: AppClient, flow: str, params: dict[str, Any],
               *, admin: bool = False) -> dict[str, Any]:
    """InitiateAuth's and AdminInitiateAuth's common body, once the pool and client are known."""
    auth = optional(params, "AuthParameters", kind="map", max_len=8192) or {}
    meta = optional(params, "ClientMetadata", kind="map") or {}
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return refresh.refresh_token_auth(backend, pool, client, auth)
    if flow == "USER_AUTH":
        return ops_user_auth.start(backend, pool, client, auth, optional(params, "Session", max_len=4096))
    known = ("USER_SRP_AUTH", "CUSTOM_AUTH") + (_ADMIN_FLOWS if admin else ("USER_PASSWORD_AUTH",))
    if flow not in known:
        if flow == "USER_PASSWORD_AUTH":  # a valid AuthFlow that only InitiateAuth takes
            raise CognitoError("InvalidParameterException", f"Initiate Auth method not supported: {flow}")
        raise CognitoError("InvalidParameterException",
                           f"1 validation error detected: Value '{flow[:64]}' at 'authFlow' failed to satisfy "
                           "constraint: Member must satisfy enum value set")
    if flow == "ADMIN_NO_SRP_AUTH" and "ADMIN_NO_SRP_AUTH" in client.explicit_auth_flows:
        pass  # the legacy setting that ALLOW_ADMIN_USER_PASSWORD_AUTH replaced
    else:
        backend.require_flow(client, "ADMIN_USER_PASSWORD_AUTH" if flow == "ADMIN_NO_SRP_AUTH" else flow)
    username = check_username(require(auth, "USERNAME", max_len=128), pattern=False)
    user = pool.find_user(username)
    if flow in _PASSWORD_FLOWS:
        password = check_password_shape(require(auth, "PASSWORD", max_len=256))
        if user is None:
            user = _migrate_user(backend, pool, client, username, password, meta, "Authentication")
        if user is None:
            backend.user_or_error(pool, client, username)
        backend.check_secret_hash(client, auth.get("SECRET_HASH"), username, user.username)
        _require_password_set(user)
        user = backend.password_attempt(user, lambda: backend.password_matches(pool, user, password))
        backend.check_can_sign_in(user)
        session = new_session(backend, pool, client, user, flow, {})
        session.device_key = auth.get("DEVICE_KEY")
        return after_first_factor(backend, pool, client, session, user)
    if user is None and not (flow in ("USER_SRP_AUTH", "CUSTOM_AUTH") and client.prevent_user_existence_errors):
        backend.user_or_error(pool, client, username)
    names = (username,) if user is None else (username, user.username)
    backend.check_secret_hash(client, auth.get("SECRET_HASH"), *names)
    if user is not None:
        _require_password_set(user)
    # Cognito gives InitiateAuth's ClientMetadata only to pre sign-up, pre authentication and user migration:
    # never to the challenge triggers, pre token generation or custom message that this sign-in runs.
    session = new_session(backend, pool, client, user, flow, {})
    session.device_key = auth.get("DEVICE_KEY")
    if flow == "USER_SRP_AUTH":
        return srp_challenge(pool, session, user, require(auth, "SRP_A", max_len=4096), username)
    if not backend.triggers.has("define_auth_challenge"):
        raise CognitoError("InvalidParameterException",
                           "Custom auth lambda trigger is not configured for the user pool.")
    if user is not None:
        backend.check_can_sign_in(user)
    else:
        session.decoy_login = username
    srp_a = auth.get("SRP_A") if auth.get("CHALLENGE_NAME") == "SRP_A" else None
    if srp_a is not None:
        session.custom_history.append({"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None})
    return _custom_next(backend, pool, client, session, user, srp_a)


@operation("RespondToAuthChallenge")
def respond_to_auth_challenge(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, client = backend.client(require(params, "ClientId", max_len=128))
    return respond(backend, pool, client, params)


def _pending_device_session(pool: UserPool, client: AppClient, answers: dict[str, str]) -> str | None:
    """The DEVICE_SRP_AUTH a Session-less answer continues (pycognito sends none): same client, user, device."""
    user = pool.find_user(answers.get("USERNAME", ""))
    for session in pool.sessions.values():
        if (session.challenge == "DEVICE_SRP_AUTH" and session.client_id == client.client_id and user is not None
                and session.username == user.username and session.device_key == answers.get("DEVICE_KEY")):
            return session.session_id
    return None


def respond(backend: CognitoBackend, pool: UserPool, client: AppClient, params: dict[str, Any]) -> dict[str, Any]:
    """RespondToAuthChallenge's and AdminRespondToAuthChallenge's common body."""
    name = require(params, "ChallengeName", max_len=64)
    answers = optional(params, "ChallengeResponses", kind="map", max_len=8192) or {}
    session_id = optional(params, "Session", max_len=4096)
    if name in ("PASSWORD_VERIFIER", "DEVICE_PASSWORD_VERIFIER"):
        session_id = answers.get("PASSWORD_CLAIM_SECRET_BLOCK") or session_id
    if name == "DEVICE_SRP_AUTH" and not session_id:
        session_id = _pending_device_session(pool, client, answers)
    session = session_for(backend, pool, client, session_id)
    if session.challenge != name:
        raise CognitoError("InvalidParameterException", f"Expected challenge {session.challenge}, got {name}")
    user = pool.users.get(session.username or "")
    names = [answers.get("USERNAME", "")] + ([user.username] if user else [])
    backend.check_secret_hash(client, answers.get("SECRET_HASH"), *names)
    meta = optional(params, "ClientMetadata", kind="map") or {}
    session.client_metadata = meta  # each RespondToAuthChallenge's own, for the triggers it runs
    if user is not None and not name.startswith("DEVICE_"):
        _take_device_key(pool, session, user, answers)
    if name == "PASSWORD_VERIFIER":
        return _password_verifier(backend, pool, client, session, user, answers)
    if user is None and name == "CUSTOM_CHALLENGE" and session.decoy_login:
        return _custom_answer(backend, pool, client, session, None, answers, meta)
    if user is None:
        raise not_authorized()
    chosen = ops_user_auth.respond(backend, pool, client, session, user, name, answers)
    if chosen is not None:
        return chosen
    if name in ("DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"):
        return _device(backend, pool, client, session, user, name, answers)
    if name in STEPS and STEPS[name].answer == "code":
        field = STEPS[name].response_key
        if session.attempts_left <= 0:
            pool.sessions.pop(session.session_id, None)
            raise not_authorized("Invalid session for the user.")
        check_mfa_answer(backend, session, user, require(answers, field, max_len=64))
        finish_email_setup(backend, session, user)
        return finish(backend, pool, client, session, user)
    if name == "SELECT_MFA_TYPE":
        choice = require(answers, "ANSWER", max_len=64)
        if choice not in usable_methods(pool, user):
            raise CognitoError("InvalidParameterException", f"Invalid MFA type {choice[:64]!r}")
        rotate(pool, session)
        return challenge(session, user, start_method(backend, pool, session, user, choice))
    if name == "MFA_SETUP":
        if answers.get("EMAIL"):
            rotate(pool, session)
            return challenge(session, user, start_email_setup(backend, pool, session, user, answers["EMAIL"]))
        if not session.mfa_setup_verified:
            raise CognitoError("InvalidParameterException", "Software token has not been verified for this session")
        return finish(backend, pool, client, session, user)
    if name == "NEW_PASSWORD_REQUIRED":
        new_password = check_password_shape(require(answers, "NEW_PASSWORD", max_len=256), "NEW_PASSWORD")
        backend.set_password(pool, user, new_password)
        rotate(pool, session)
        user.status = "CONFIRMED"
        user.attributes.update(attribute_map([
            {"Name": k.split(".", 1)[1], "Value": v} for k, v in answers.items() if k.startswith("userAttributes.")
        ]))
        user.modified_at = backend.now()
        return after_first_factor(backend, pool, client, session, user, "NewPasswordChallenge")
    if name == "CUSTOM_CHALLENGE":
        return _custom_answer(backend, pool, client, session, user, answers, meta)
    raise CognitoError("InvalidParameterException", f"Unsupported challenge {name[:64]}")


def _custom_answer(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession,
                   user: User | None, answers: dict[str, str], meta: dict[str, str]) -> dict[str, Any]:
    """A CUSTOM_CHALLENGE answer, judged by verify_auth_challenge_response (``userNotFound`` for a decoy)."""
    answer = require(answers, "ANSWER", max_len=4096)
    base, attributes = _trigger_base(backend, pool, client, session, user)
    verdict = backend.triggers.invoke("verify_auth_challenge_response", event(
        "VerifyAuthChallengeResponse_Authentication", **base,
        request={"userAttributes": attributes, "privateChallengeParameters": dict(session.private_parameters),
                 "challengeAnswer": answer, "clientMetadata": dict(meta), "userNotFound": user is None},
        response={"answerCorrect": None},
    ))["response"]
    rotate(pool, session)
    session.custom_history.append({"challengeName": "CUSTOM_CHALLENGE",
                                   "challengeResult": bool(verdict.get("answerCorrect")) and user is not None,
                                   "challengeMetadata": session.challenge_metadata})
    return _custom_next(backend, pool, client, session, user)


def _take_device_key(pool: UserPool, session: AuthSession, user: User, answers: dict[str, str]) -> None:
    """The device an answer names (Amplify names it in every answer), refused before the answer is spent.

    On "Device does not exist." Amplify forgets its device and sends the same answer again without one;
    the sign-in then goes on as from a new device."""
    if answers.get("DEVICE_KEY"):
        session.device_key = answers["DEVICE_KEY"]
        devices.known_device(pool, user, session.device_key)
    elif session.device_key and session.device_key not in user.devices:
        session.device_key = None


def _device(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession, user: User,
            name: str, answers: dict[str, str]) -> dict[str, Any]:
    """DEVICE_SRP_AUTH then DEVICE_PASSWORD_VERIFIER: the remembered device proves its secret, MFA may go."""
    device = devices.remembered_device(pool, user, session.device_key)
    if device is None:  # forgotten or no longer remembered since the challenge was issued
        pool.sessions.pop(session.session_id, None)
        raise devices.no_such_device()
    if name == "DEVICE_SRP_AUTH":
        rotate(pool, session)  # the SECRET_BLOCK handed out next is the new Session
        return devices.device_srp_challenge(session, user, device, answers)
    pool.sessions.pop(session.session_id, None)  # one answer per DEVICE_PASSWORD_VERIFIER round
    if not devices.device_password_verifier(session, device, answers):
        raise not_authorized()
    backend.check_can_sign_in(user)
    device.last_authenticated_at = backend.now()
    rotate(pool, session)
    return after_device(backend, pool, client, session, user, device_proven=True)


def _password_verifier(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession,
                       user: User | None, answers: dict[str, str]) -> dict[str, Any]:
    timestamp = require(answers, "TIMESTAMP", max_len=64)
    signature = require(answers, "PASSWORD_CLAIM_SIGNATURE", max_len=128)
    canonical = canonical_timestamp(timestamp)
    if canonical is None:
        raise CognitoError("InvalidParameterException",
                           "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
    pool.sessions.pop(session.session_id, None)  # one answer per PASSWORD_VERIFIER round
    try:
        block = base64.b64decode(answers.get("PASSWORD_CLAIM_SECRET_BLOCK", ""), validate=True)
    except (binascii.Error, ValueError):
        raise not_authorized() from None
    user = backend.password_attempt(user, lambda: block == session.secret_block and session.srp.signature_matches(
        session.srp_a, pool.short_id, user.username, block, canonical, signature))
    backend.check_can_sign_in(user)
    rotate(pool, session)
    if session.flow == "CUSTOM_AUTH":
        session.custom_history.append({"challengeName": "PASSWORD_VERIFIER", "challengeResult": True,
                                       "challengeMetadata": None})
        return _custom_next(backend, pool, client, session, user)
    return after_first_factor(backend, pool, client, session, user)
