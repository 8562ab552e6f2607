"""Remembered devices in sign-in: NewDeviceMetadata, the device key's checks, and device SRP.

With device tracking on, a sign-in from an unknown device ends with NewDeviceMetadata (a device key and
a device group key); the client confirms it with ConfirmDevice, sending an SRP verifier it derived from a
random device password. A later sign-in that names a remembered device must prove that password with
DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER: SRP-6a exactly as for a user's password, with the device group
key in the place of the pool id and the device key in the place of the username, so srp.ServerEphemeral
checks it for real. A key this user was never issued is "Device does not exist." (Amplify clears its
stored device on that message and signs in again as a new device).
"""

from __future__ import annotations

import base64
import binascii
import secrets
import string
import uuid
from typing import Any

from . import srp
from .backend import CognitoBackend
from .models import AuthSession, Device, User, UserPool
from .protocol import CognitoError, attribute_list, not_authorized, require
from .sessions import challenge

__all__ = ["describe_device", "device_for_tokens", "device_password_verifier", "device_srp_challenge",
           "known_device", "no_such_device", "parse_verifier_config", "remembered_device"]

_GROUP_ALPHABET = string.ascii_letters + string.digits


def no_such_device() -> CognitoError:
    return CognitoError("ResourceNotFoundException", "Device does not exist.")


def known_device(pool: UserPool, user: User, key: str | None) -> Device | None:
    """The user's device named by a DEVICE_KEY, None when none was named or the pool tracks no devices."""
    if not key or pool.device_tracking is None:
        return None
    device = user.devices.get(key)
    if device is None:  # unknown, forgotten, or another user's: the same answer for all three
        raise no_such_device()
    return device


def remembered_device(pool: UserPool, user: User, key: str | None) -> Device | None:
    """The device that may answer DEVICE_SRP_AUTH: confirmed with a verifier and remembered."""
    device = known_device(pool, user, key)
    return device if device is not None and device.confirmed and device.remembered else None


def device_for_tokens(backend: CognitoBackend, pool: UserPool, user: User, key: str | None
                      ) -> tuple[str | None, dict[str, str] | None]:
    """(device the refresh token is bound to, NewDeviceMetadata for a new device) at the end of a sign-in."""
    if pool.device_tracking is None:
        return None, None
    device = user.devices.get(key or "")
    if device is not None:
        device.last_authenticated_at = backend.now()
        return device.key, None
    now = backend.now()
    device = Device(key=f"{pool.region}_{uuid.uuid4()}",
                    group_key="-" + "".join(secrets.choice(_GROUP_ALPHABET) for _ in range(9)),
                    created_at=now, modified_at=now, last_authenticated_at=now)
    user.devices[device.key] = device
    return device.key, {"DeviceKey": device.key, "DeviceGroupKey": device.group_key}


def parse_verifier_config(config: Any) -> tuple[str, int]:
    """ConfirmDevice's DeviceSecretVerifierConfig (base64 of the verifier's and the salt's bytes) -> (salt hex, v)."""
    if not isinstance(config, dict):
        raise CognitoError("InvalidParameterException", "DeviceSecretVerifierConfig is required to confirm a device")
    try:
        verifier = int.from_bytes(base64.b64decode(config.get("PasswordVerifier") or "", validate=True), "big")
        salt = base64.b64decode(config.get("Salt") or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise CognitoError("InvalidParameterException", "DeviceSecretVerifierConfig is not valid base64") from None
    if not salt or verifier % srp.N == 0 or verifier >= srp.N:
        raise CognitoError("InvalidParameterException", "DeviceSecretVerifierConfig holds no usable SRP verifier")
    return srp.pad_hex(int.from_bytes(salt, "big")), verifier


def device_srp_challenge(session: AuthSession, user: User, device: Device, answers: dict[str, str]
                         ) -> dict[str, Any]:
    """DEVICE_SRP_AUTH answered (DEVICE_KEY, SRP_A) -> DEVICE_PASSWORD_VERIFIER with the device's salt and B."""
    if answers.get("DEVICE_KEY") != device.key:
        raise not_authorized()
    try:
        big_a = int(require(answers, "SRP_A", max_len=4096), 16)
    except ValueError:
        raise CognitoError("InvalidParameterException", "SRP_A must be a hexadecimal number") from None
    if big_a % srp.N == 0:
        raise CognitoError("InvalidParameterException", "SRP_A is not valid")
    session.device_srp_a = big_a
    session.device_srp = srp.ServerEphemeral(device.verifier)
    session.secret_block = base64.b64decode(session.session_id)
    session.challenge = "DEVICE_PASSWORD_VERIFIER"
    return challenge(session, None, {
        "SALT": device.salt_hex, "SECRET_BLOCK": session.session_id, "SRP_B": f"{session.device_srp.big_b:x}",
        "USERNAME": user.username, "DEVICE_KEY": device.key,
    })


def device_password_verifier(session: AuthSession, device: Device, answers: dict[str, str]) -> bool:
    """Whether the DEVICE_PASSWORD_VERIFIER claim was signed with the device's password."""
    timestamp = srp.canonical_timestamp(require(answers, "TIMESTAMP", max_len=64))
    if timestamp is None:
        raise CognitoError("InvalidParameterException",
                           "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
    signature = require(answers, "PASSWORD_CLAIM_SIGNATURE", max_len=128)
    try:
        block = base64.b64decode(answers.get("PASSWORD_CLAIM_SECRET_BLOCK", ""), validate=True)
    except (binascii.Error, ValueError):
        return False
    if answers.get("DEVICE_KEY") != device.key or session.device_srp is None or block != session.secret_block:
        return False
    return session.device_srp.signature_matches(session.device_srp_a, device.group_key, device.key, block,
                                                timestamp, signature)


def describe_device(device: Device) -> dict[str, Any]:
    """DeviceType, as ListDevices / GetDevice show it."""
    attributes = {"device_status": "valid",
                  "dev:device_remembered_status": "remembered" if device.remembered else "not_remembered"}
    if device.name:
        attributes["device_name"] = device.name
    return {"DeviceKey": device.key, "DeviceAttributes": attribute_list(attributes),
            "DeviceCreateDate": device.created_at, "DeviceLastModifiedDate": device.modified_at,
            "DeviceLastAuthenticatedDate": device.last_authenticated_at}
