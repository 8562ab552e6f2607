"""AdminInitiateAuth and AdminRespondToAuthChallenge: sign-in run by an app's back end with IAM credentials.

They take the user pool's id beside the client's, answer only when SigV4-signed by a principal allowed to
call them (the sandbox's admin keys; never the identity pool's roles), and add the server-side password
flows: ADMIN_USER_PASSWORD_AUTH (client flow ALLOW_ADMIN_USER_PASSWORD_AUTH) and its legacy name
ADMIN_NO_SRP_AUTH. Everything else (challenges, MFA, devices, USER_AUTH, refresh) is InitiateAuth's.
"""

from __future__ import annotations

from typing import Any

from .backend import CognitoBackend, operation
from .models import AppClient, UserPool
from .ops_signin import respond, start_auth
from .protocol import CognitoError, require

__all__ = ["admin_initiate_auth", "admin_respond_to_auth_challenge"]


def _pool_and_client(backend: CognitoBackend, params: dict[str, Any]) -> tuple[UserPool, AppClient]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    client_id = require(params, "ClientId", max_len=128)
    client = pool.clients.get(client_id)
    if client is None:
        raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")
    return pool, client


@operation("AdminInitiateAuth", signed=True)
def admin_initiate_auth(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, client = _pool_and_client(backend, params)
    return start_auth(backend, pool, client, require(params, "AuthFlow", max_len=64), params, admin=True)


@operation("AdminRespondToAuthChallenge", signed=True)
def admin_respond_to_auth_challenge(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, client = _pool_and_client(backend, params)
    return respond(backend, pool, client, params)
