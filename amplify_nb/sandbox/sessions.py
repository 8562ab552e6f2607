"""The opaque sign-in Session that links InitiateAuth to each RespondToAuthChallenge, and its SRP round.

Every flow (client-chosen, choice-based USER_AUTH, admin, device) keeps its state in one AuthSession;
the helpers here make, find, rotate and answer with it, so that each flow module stays about its flow.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from typing import Any

from . import srp
from .backend import CognitoBackend
from .models import AppClient, AuthSession, User, UserPool
from .protocol import CognitoError, not_authorized

__all__ = ["challenge", "decoy", "new_session", "rotate", "session_for", "srp_challenge"]


def new_session(backend: CognitoBackend, pool: UserPool, client: AppClient, user: User | None, flow: str,
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


def challenge(session: AuthSession, user: User | None, parameters: dict[str, str]) -> dict[str, Any]:
    params = dict(parameters)
    if user is not None:
        params.setdefault("USER_ID_FOR_SRP", user.username)
    return {"ChallengeName": session.challenge, "Session": session.session_id, "ChallengeParameters": params}


def decoy(pool: UserPool, login: str) -> tuple[str, str, int]:
    """What an unknown user looks like: the same made-up id and salt every time for the same name, so
    that two attempts cannot tell an unknown user from a real one."""
    digest = hmac.new(pool.decoy_key, login.lower().encode(), hashlib.sha256).digest()
    name = str(uuid.UUID(bytes=digest[:16], version=4))
    return name, srp.pad_hex(int.from_bytes(digest[16:], "big") or 1), int.from_bytes(digest, "big")


def srp_challenge(pool: UserPool, session: AuthSession, user: User | None, srp_a_hex: Any,
                  login: str = "") -> dict[str, Any]:
    """PASSWORD_VERIFIER for the SRP_A a client sent (USER_SRP_AUTH, USER_AUTH's PASSWORD_SRP, CUSTOM_AUTH)."""
    try:
        session.srp_a = int(srp_a_hex, 16)
    except (TypeError, ValueError):
        raise CognitoError("InvalidParameterException", "SRP_A must be a hexadecimal number") from None
    if session.srp_a % srp.N == 0:
        raise CognitoError("InvalidParameterException", "SRP_A is not valid")
    if user is not None:
        name, salt_hex, verifier = user.username, user.salt_hex, user.verifier
    else:  # PreventUserExistenceErrors: a decoy that fails only at the signature, stable per name
        name, salt_hex, verifier = decoy(pool, login)
    if not salt_hex:  # a passwordless user: a stable made-up salt, so SRP fails only at the signature
        salt_hex = decoy(pool, name)[1]
    session.srp = srp.ServerEphemeral(verifier or 1)
    # The claim is signed over the SECRET_BLOCK handed out now, which a rotated session no longer started with.
    session.secret_block = base64.b64decode(session.session_id)
    session.challenge = "PASSWORD_VERIFIER"
    return challenge(session, None, {
        "SALT": salt_hex, "SECRET_BLOCK": session.session_id, "SRP_B": f"{session.srp.big_b:x}",
        "USERNAME": name, "USER_ID_FOR_SRP": name,
    })


def session_for(backend: CognitoBackend, pool: UserPool, client: AppClient, session_id: str | None) -> AuthSession:
    session = pool.sessions.get(session_id or "")
    if session is None or session.client_id != client.client_id:
        raise not_authorized("Invalid session for the user.")
    if backend.now() >= session.expires_at:
        pool.sessions.pop(session.session_id, None)
        raise not_authorized("Invalid session for the user, session is expired.")
    return session


def rotate(pool: UserPool, session: AuthSession) -> None:
    """A fresh Session id per step: the previous one can no longer answer."""
    pool.sessions.pop(session.session_id, None)
    session.session_id = base64.b64encode(secrets.token_bytes(96)).decode()
    pool.sessions[session.session_id] = session
