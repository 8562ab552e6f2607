"""Token refresh: InitiateAuth REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken, with refresh-token rotation.

On an app client with rotation (RefreshTokenRotation ENABLED), GetTokensFromRefreshToken answers with a new
refresh token, and the one it replaced stays good for the client's RetryGracePeriodSeconds only (0: not at
all), so that a client retrying a lost answer is not signed out; after that it is refused with Cognito's
RefreshTokenReuseException. Rotation and REFRESH_TOKEN_AUTH do not mix: a rotating client never has
ALLOW_REFRESH_TOKEN_AUTH, so InitiateAuth refuses that flow as for any flow the client does not allow.
Without rotation GetTokensFromRefreshToken returns no refresh token, as REFRESH_TOKEN_AUTH never does.
A refresh token issued with a device key (device tracking) is good only with that DEVICE_KEY, and only while
the user still has that device (not after ForgetDevice).
"""

from __future__ import annotations

import hmac
from typing import Any

from .backend import CognitoBackend, operation
from .models import AppClient, User, UserPool
from .protocol import CognitoError, not_authorized, optional, require
from .tokens import RefreshRecord

__all__ = ["get_tokens_from_refresh_token", "refresh_token_auth"]


def _redeem(backend: CognitoBackend, pool: UserPool, client: AppClient, token: str, device_key: str | None
            ) -> tuple[RefreshRecord, User]:
    record = backend.issuer.use_refresh(token, backend.now())
    if record.client_id != client.client_id:
        raise not_authorized("Invalid Refresh Token")
    if record.device_key is not None and device_key != record.device_key:
        raise not_authorized("Invalid Refresh Token")
    user = pool.users.get(record.username)
    if user is None or user.sub != record.sub:  # deleted, perhaps made again under the same name
        raise not_authorized("User does not exist.")
    if not user.enabled:
        raise not_authorized("User is disabled.")
    if record.device_key is not None and record.device_key not in user.devices:
        # ForgetDevice / AdminForgetDevice end the device's sessions: AWS documents forgetting a lost device as
        # the way to make every later refresh with its refresh tokens fail.
        raise not_authorized("Invalid Refresh Token")
    return record, user


def refresh_token_auth(backend: CognitoBackend, pool: UserPool, client: AppClient, auth: dict[str, str]
                       ) -> dict[str, Any]:
    backend.require_flow(client, "REFRESH_TOKEN_AUTH")
    if client.refresh_token_rotation:  # never both (Sandbox.add_client keeps them apart); say so if it happens
        raise CognitoError("InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client")
    record, user = _redeem(backend, pool, client, require(auth, "REFRESH_TOKEN", max_len=16384),
                           auth.get("DEVICE_KEY"))
    # Cognito hashes the refresh's SECRET_HASH with the internal username, never an alias.
    backend.check_secret_hash(client, auth.get("SECRET_HASH"), user.username)
    tokens = backend.issue_tokens(pool, client, user, "RefreshTokens", refresh=record, client_metadata={})
    return {"AuthenticationResult": tokens, "ChallengeParameters": {}}


@operation("GetTokensFromRefreshToken")
def get_tokens_from_refresh_token(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, client = backend.client(require(params, "ClientId", max_len=128))
    token = require(params, "RefreshToken", max_len=16384)
    secret = optional(params, "ClientSecret", max_len=64)
    if client.secret is not None:
        # This operation takes the client secret itself, not a SECRET_HASH.
        if not secret:
            raise not_authorized(f"Client {client.client_id} is configured with secret but ClientSecret was not "
                                 "received")
        if not hmac.compare_digest(secret, client.secret):
            raise not_authorized(f"Unable to verify secret for client {client.client_id}")
    meta = optional(params, "ClientMetadata", kind="map") or {}
    record, user = _redeem(backend, pool, client, token, optional(params, "DeviceKey", max_len=55))
    # On a rotating client the token is rotated away now; a retry within the grace period still works (and
    # rotates again).
    tokens = backend.issue_tokens(pool, client, user, "RefreshTokens", refresh=record, client_metadata=meta,
                                  rotate=client.refresh_token_rotation)
    return {"AuthenticationResult": tokens}
