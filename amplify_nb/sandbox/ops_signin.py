"""InitiateAuth and RespondToAuthChallenge: the sign-in state machine, as Cognito runs it.

Each step rotates the opaque Session, so a challenge answered twice is refused, and a session lives
three minutes. A challenge is a normal answer (ChallengeName + ChallengeParameters), never an error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import uuid
from typing import Any

from ..steps import STEPS
from . import srp
from .backend import CognitoBackend, operation
from .mfa import check_mfa_answer, next_mfa_challenge, start_method, usable_methods
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
from .triggers import event

__all__ = ["after_first_factor", "initiate_auth", "respond_to_auth_challenge"]

_UNSUPPORTED_FLOWS = {"USER_AUTH", "ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH"}


def _new_session(backend: CognitoBackend, pool: UserPool, client: AppClient, user: User | None, flow: str,
                 meta: dict[str, str]) -> AuthSession:
    now = backend.now()
    for key in [k for k, s in pool.sessions.items() if s.expires_at <= now]:
        del pool.sessions[key]
    block = secrets.token_bytes(96)
    session = AuthSession(
        session_id=base64.b64encode(block).decode(), pool_id=pool.pool_id, client_id=client.client_id,
        username=user.username if user else None, challenge="", expires_at=now + backend.session_ttl,
        flow=flow, secret_block=block, client_metadata=meta,
    )
    pool.sessions[session.session_id] = session
    return session


def _challenge(session: AuthSession, user: User | None, parameters: dict[str, str]) -> dict[str, Any]:
    params = dict(parameters)
    if user is not None:
        params.setdefault("USER_ID_FOR_SRP", user.username)
    return {"ChallengeName": session.challenge, "Session": session.session_id, "ChallengeParameters": params}


def _decoy(pool: UserPool, login: str) -> tuple[str, str, int]:
    """What an unknown user looks like: the same made-up id and salt every time for the same name, so
    that two attempts cannot tell an unknown user from a real one."""
    digest = hmac.new(pool.decoy_key, login.lower().encode(), hashlib.sha256).digest()
    name = str(uuid.UUID(bytes=digest[:16], version=4))
    return name, srp.pad_hex(int.from_bytes(digest[16:], "big") or 1), int.from_bytes(digest, "big")


def _srp_challenge(pool: UserPool, session: AuthSession, user: User | None, srp_a_hex: Any,
                   login: str = "") -> dict[str, Any]:
    try:
        session.srp_a = int(srp_a_hex, 16)
    except (TypeError, ValueError):
        raise CognitoError("InvalidParameterException", "SRP_A must be a hexadecimal number") from None
    if session.srp_a % srp.N == 0:
        raise CognitoError("InvalidParameterException", "SRP_A is not valid")
    if user is not None:
        name, salt_hex, verifier = user.username, user.salt_hex, user.verifier
    else:  # PreventUserExistenceErrors: a decoy that fails only at the signature, stable per name
        name, salt_hex, verifier = _decoy(pool, login)
    session.srp = srp.ServerEphemeral(verifier or 1)
    session.challenge = "PASSWORD_VERIFIER"
    return _challenge(session, None, {
        "SALT": salt_hex, "SECRET_BLOCK": session.session_id, "SRP_B": f"{session.srp.big_b:x}",
        "USERNAME": name, "USER_ID_FOR_SRP": name,
    })


def after_first_factor(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession,
                       user: User, source: str = "Authentication") -> dict[str, Any]:
    """After a proven password: a new password if temporary, then MFA, then tokens."""
    if user.status == "FORCE_CHANGE_PASSWORD":
        session.challenge = "NEW_PASSWORD_REQUIRED"
        visible = {k: v for k, v in user.attributes.items() if k not in ("sub",) and not k.endswith("_verified")}
        return _challenge(session, user, {"userAttributes": json.dumps(visible), "requiredAttributes": "[]"})
    parameters = next_mfa_challenge(backend, pool, session, user)
    if parameters is not None:
        return _challenge(session, user, parameters)
    pool.sessions.pop(session.session_id, None)
    tokens = backend.issue_tokens(pool, client, user, source, client_metadata=session.client_metadata)
    return {"AuthenticationResult": tokens, "ChallengeParameters": {}}


def _custom_next(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession,
                 user: User, srp_a_hex: str | None = None) -> dict[str, Any]:
    """Ask define_auth_challenge what comes next, given the challenges answered so far."""
    base = {"region": backend.region, "pool_id": pool.pool_id, "username": user.username,
            "client_id": client.client_id}
    decided = backend.triggers.invoke("define_auth_challenge", event(
        "DefineAuthChallenge_Authentication", **base,
        request={"userAttributes": dict(user.attributes), "session": list(session.custom_history),
                 "clientMetadata": dict(session.client_metadata), "userNotFound": False},
        response={"challengeName": None, "issueTokens": None, "failAuthentication": None},
    ))["response"]
    if decided.get("failAuthentication"):
        pool.sessions.pop(session.session_id, None)
        raise not_authorized()
    if decided.get("issueTokens"):
        pool.sessions.pop(session.session_id, None)
        tokens = backend.issue_tokens(pool, client, user, "Authentication", client_metadata=session.client_metadata)
        return {"AuthenticationResult": tokens, "ChallengeParameters": {}}
    name = decided.get("challengeName")
    if name == "PASSWORD_VERIFIER" and srp_a_hex is not None:
        return _srp_challenge(pool, session, user, srp_a_hex)
    if name != "CUSTOM_CHALLENGE":
        raise CognitoError("InvalidLambdaResponseException", f"Unrecognizable lambda output: challengeName {name!r}")
    created = backend.triggers.invoke("create_auth_challenge", event(
        "CreateAuthChallenge_Authentication", **base,
        request={"userAttributes": dict(user.attributes), "challengeName": name,
                 "session": list(session.custom_history), "clientMetadata": dict(session.client_metadata),
                 "userNotFound": False},
        response={"publicChallengeParameters": {}, "privateChallengeParameters": {}, "challengeMetadata": None},
    ))["response"]
    session.public_parameters = {str(k): str(v) for k, v in (created.get("publicChallengeParameters") or {}).items()}
    session.private_parameters = {str(k): str(v) for k, v in (created.get("privateChallengeParameters") or {}).items()}
    session.challenge_metadata = created.get("challengeMetadata")
    session.challenge = "CUSTOM_CHALLENGE"
    return _challenge(session, None, {**session.public_parameters, "USERNAME": user.username})


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
        user.salt_hex, user.verifier = srp.make_verifier(pool.short_id, user.username, password)
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
    auth = optional(params, "AuthParameters", kind="map", max_len=8192) or {}
    meta = optional(params, "ClientMetadata", kind="map") or {}
    if flow in _UNSUPPORTED_FLOWS:
        raise CognitoError("InvalidParameterException", f"Initiate Auth method not supported: {flow}")
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return _refresh(backend, pool, client, auth, {})
    if flow not in ("USER_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH"):
        raise CognitoError("InvalidParameterException",
                           f"1 validation error detected: Value '{flow[:64]}' at 'authFlow' failed to satisfy "
                           "constraint: Member must satisfy enum value set")
    backend.require_flow(client, flow)
    username = check_username(require(auth, "USERNAME", max_len=128), pattern=False)
    user = pool.find_user(username)
    if flow == "USER_PASSWORD_AUTH":
        password = check_password_shape(require(auth, "PASSWORD", max_len=256))
        if user is None:
            user = _migrate_user(backend, pool, client, username, password, meta, "Authentication")
        if user is None:
            backend.user_or_error(pool, client, username)
        backend.check_secret_hash(client, auth.get("SECRET_HASH"), username, user.username)
        _require_password_set(user)
        if not backend.password_matches(pool, user, password):
            raise not_authorized()
        backend.check_can_sign_in(user)
        return after_first_factor(backend, pool, client, _new_session(backend, pool, client, user, flow, {}), user)
    if user is None and not (flow == "USER_SRP_AUTH" and client.prevent_user_existence_errors):
        backend.user_or_error(pool, client, username)
    names = (username,) if user is None else (username, user.username)
    backend.check_secret_hash(client, auth.get("SECRET_HASH"), *names)
    if user is not None:
        _require_password_set(user)
    # Cognito gives InitiateAuth's ClientMetadata only to pre sign-up, pre authentication and user migration:
    # never to the challenge triggers, pre token generation or custom message that this sign-in runs.
    session = _new_session(backend, pool, client, user, flow, {})
    if flow == "USER_SRP_AUTH":
        return _srp_challenge(pool, session, user, require(auth, "SRP_A", max_len=4096), username)
    if not backend.triggers.has("define_auth_challenge"):
        raise CognitoError("InvalidParameterException",
                           "Custom auth lambda trigger is not configured for the user pool.")
    backend.check_can_sign_in(user)
    srp_a = auth.get("SRP_A") if auth.get("CHALLENGE_NAME") == "SRP_A" else None
    if srp_a is not None:
        session.custom_history.append({"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None})
    return _custom_next(backend, pool, client, session, user, srp_a)


def _refresh(backend: CognitoBackend, pool: UserPool, client: AppClient, auth: dict[str, str],
             meta: dict[str, str]) -> dict[str, Any]:
    backend.require_flow(client, "REFRESH_TOKEN_AUTH")
    record = backend.issuer.use_refresh(require(auth, "REFRESH_TOKEN", max_len=16384), backend.now())
    if record.client_id != client.client_id:
        raise not_authorized("Invalid Refresh Token")
    user = pool.users.get(record.username)
    if user is None:
        raise not_authorized("User does not exist.")
    if not user.enabled:
        raise not_authorized("User is disabled.")
    # Cognito hashes the refresh's SECRET_HASH with the internal username, never an alias.
    backend.check_secret_hash(client, auth.get("SECRET_HASH"), user.username)
    tokens = backend.issue_tokens(pool, client, user, "RefreshTokens", refresh=record, client_metadata=meta)
    return {"AuthenticationResult": tokens, "ChallengeParameters": {}}


def _session_for(backend: CognitoBackend, pool: UserPool, client: AppClient, session_id: str | None) -> AuthSession:
    session = pool.sessions.get(session_id or "")
    if session is None or session.client_id != client.client_id:
        raise not_authorized("Invalid session for the user.")
    if backend.now() >= session.expires_at:
        pool.sessions.pop(session.session_id, None)
        raise not_authorized("Invalid session for the user, session is expired.")
    return session


def _rotate(pool: UserPool, session: AuthSession) -> None:
    """A fresh Session id per step: the previous one can no longer answer."""
    pool.sessions.pop(session.session_id, None)
    session.session_id = base64.b64encode(secrets.token_bytes(96)).decode()
    pool.sessions[session.session_id] = session


@operation("RespondToAuthChallenge")
def respond_to_auth_challenge(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, client = backend.client(require(params, "ClientId", max_len=128))
    name = require(params, "ChallengeName", max_len=64)
    answers = optional(params, "ChallengeResponses", kind="map", max_len=8192) or {}
    session_id = optional(params, "Session", max_len=4096)
    if name == "PASSWORD_VERIFIER":
        session_id = answers.get("PASSWORD_CLAIM_SECRET_BLOCK") or session_id
    session = _session_for(backend, pool, client, session_id)
    if session.challenge != name:
        raise CognitoError("InvalidParameterException", f"Expected challenge {session.challenge}, got {name}")
    user = pool.users.get(session.username or "")
    names = [answers.get("USERNAME", "")] + ([user.username] if user else [])
    backend.check_secret_hash(client, answers.get("SECRET_HASH"), *names)
    meta = optional(params, "ClientMetadata", kind="map") or {}
    session.client_metadata = meta  # each RespondToAuthChallenge's own, for the triggers it runs
    if name == "PASSWORD_VERIFIER":
        return _password_verifier(backend, pool, client, session, user, answers)
    if user is None:
        raise not_authorized()
    if name in STEPS and STEPS[name].answer == "code":
        field = STEPS[name].response_key
        if session.attempts_left <= 0:
            pool.sessions.pop(session.session_id, None)
            raise not_authorized("Invalid session for the user.")
        check_mfa_answer(backend, session, user, require(answers, field, max_len=64))
        pool.sessions.pop(session.session_id, None)
        tokens = backend.issue_tokens(pool, client, user, "Authentication", client_metadata=meta)
        return {"AuthenticationResult": tokens, "ChallengeParameters": {}}
    if name == "SELECT_MFA_TYPE":
        choice = require(answers, "ANSWER", max_len=64)
        if choice not in usable_methods(pool, user):
            raise CognitoError("InvalidParameterException", f"Invalid MFA type {choice[:64]!r}")
        _rotate(pool, session)
        return _challenge(session, user, start_method(backend, pool, session, user, choice))
    if name == "MFA_SETUP":
        if not session.mfa_setup_verified:
            raise CognitoError("InvalidParameterException", "Software token has not been verified for this session")
        pool.sessions.pop(session.session_id, None)
        tokens = backend.issue_tokens(pool, client, user, "Authentication", client_metadata=meta)
        return {"AuthenticationResult": tokens, "ChallengeParameters": {}}
    if name == "NEW_PASSWORD_REQUIRED":
        new_password = check_password_shape(require(answers, "NEW_PASSWORD", max_len=256), "NEW_PASSWORD")
        backend.set_password(pool, user, new_password)
        _rotate(pool, session)
        user.status = "CONFIRMED"
        user.attributes.update(attribute_map([
            {"Name": k.split(".", 1)[1], "Value": v} for k, v in answers.items() if k.startswith("userAttributes.")
        ]))
        user.modified_at = backend.now()
        return after_first_factor(backend, pool, client, session, user, "NewPasswordChallenge")
    if name == "CUSTOM_CHALLENGE":
        answer = require(answers, "ANSWER", max_len=4096)
        verdict = backend.triggers.invoke("verify_auth_challenge_response", event(
            "VerifyAuthChallengeResponse_Authentication", region=backend.region, pool_id=pool.pool_id,
            username=user.username, client_id=client.client_id,
            request={"userAttributes": dict(user.attributes), "privateChallengeParameters":
                     dict(session.private_parameters), "challengeAnswer": answer,
                     "clientMetadata": dict(meta), "userNotFound": False},
            response={"answerCorrect": None},
        ))["response"]
        _rotate(pool, session)
        session.custom_history.append({"challengeName": "CUSTOM_CHALLENGE",
                                       "challengeResult": bool(verdict.get("answerCorrect")),
                                       "challengeMetadata": session.challenge_metadata})
        return _custom_next(backend, pool, client, session, user)
    raise CognitoError("InvalidParameterException", f"Unsupported challenge {name[:64]}")


def _password_verifier(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession,
                       user: User | None, answers: dict[str, str]) -> dict[str, Any]:
    timestamp = require(answers, "TIMESTAMP", max_len=64)
    signature = require(answers, "PASSWORD_CLAIM_SIGNATURE", max_len=128)
    canonical = srp.canonical_timestamp(timestamp)
    if canonical is None:
        raise CognitoError("InvalidParameterException",
                           "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
    pool.sessions.pop(session.session_id, None)  # one answer per PASSWORD_VERIFIER round
    try:
        block = base64.b64decode(answers.get("PASSWORD_CLAIM_SECRET_BLOCK", ""), validate=True)
    except (binascii.Error, ValueError):
        raise not_authorized() from None
    if user is None or block != session.secret_block or not session.srp.signature_matches(
        session.srp_a, pool.short_id, user.username, block, canonical, signature
    ):
        raise not_authorized()
    backend.check_can_sign_in(user)
    _rotate(pool, session)
    if session.flow == "CUSTOM_AUTH":
        session.custom_history.append({"challengeName": "PASSWORD_VERIFIER", "challengeResult": True,
                                       "challengeMetadata": None})
        return _custom_next(backend, pool, client, session, user)
    return after_first_factor(backend, pool, client, session, user)
