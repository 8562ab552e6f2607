"""What follows a proven first factor, in Cognito's order: a new password, the remembered device, MFA, tokens.

Every flow ends here (password, SRP, choice-based USER_AUTH, admin, custom auth), so that device tracking
and MFA are decided in one place. MFA follows a password factor only: a one-time code sent by e-mail or SMS
as the first factor, or ConfirmSignUp's code for auto sign-in, already proves possession.
"""

from __future__ import annotations

import json
from typing import Any

from . import devices
from .backend import CognitoBackend
from .mfa import next_mfa_challenge
from .models import AppClient, AuthSession, User, UserPool
from .sessions import challenge

__all__ = ["after_device", "after_first_factor", "finish"]


def after_first_factor(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession,
                       user: User, source: str = "Authentication") -> dict[str, Any]:
    """After a proven password: a new password if temporary, then the device, then MFA, then tokens."""
    if user.status == "FORCE_CHANGE_PASSWORD":
        session.challenge = "NEW_PASSWORD_REQUIRED"
        visible = {k: v for k, v in user.attributes.items() if k not in ("sub",) and not k.endswith("_verified")}
        return challenge(session, user, {"userAttributes": json.dumps(visible), "requiredAttributes": "[]"})
    if devices.remembered_device(pool, user, session.device_key) is not None:
        session.challenge = "DEVICE_SRP_AUTH"
        return challenge(session, user, {"USERNAME": user.username})
    return after_device(backend, pool, client, session, user, source)


def after_device(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession, user: User,
                 source: str = "Authentication", *, device_proven: bool = False) -> dict[str, Any]:
    """MFA unless a proven remembered device stands in for it (ChallengeRequiredOnNewDevice), then tokens."""
    if not (device_proven and pool.challenge_required_on_new_device):
        parameters = next_mfa_challenge(backend, pool, session, user)
        if parameters is not None:
            return challenge(session, user, parameters)
    return finish(backend, pool, client, session, user, source)


def finish(backend: CognitoBackend, pool: UserPool, client: AppClient, session: AuthSession, user: User,
           source: str = "Authentication") -> dict[str, Any]:
    """The tokens, bound to the session's device; a device Cognito has not seen gets NewDeviceMetadata."""
    pool.sessions.pop(session.session_id, None)
    device_key, metadata = devices.device_for_tokens(backend, pool, user, session.device_key)
    tokens = backend.issue_tokens(pool, client, user, source, client_metadata=session.client_metadata,
                                  device_key=device_key)
    if metadata is not None:
        tokens["NewDeviceMetadata"] = metadata
    return {"AuthenticationResult": tokens, "ChallengeParameters": {}}
