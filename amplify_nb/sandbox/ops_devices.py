"""The device API: ConfirmDevice, ListDevices, GetDevice, ForgetDevice, UpdateDeviceStatus, and the
administrator's AdminListDevices, AdminGetDevice, AdminForgetDevice, AdminUpdateDeviceStatus (SigV4-signed).

A user reaches only their own devices: another user's device key is "Device does not exist.", exactly as
an unknown one, so that a key reveals nothing about whose it is. ListDevices shows confirmed devices only
(a device Cognito issued but nobody confirmed is not one the user has). Whether a confirmed device is
remembered at once is the pool's DeviceOnlyRememberedOnUserPrompt: "always" remembers it, "user_opt_in"
answers UserConfirmationNecessary and waits for UpdateDeviceStatus.
"""

from __future__ import annotations

from typing import Any

from .backend import CognitoBackend, operation
from .devices import describe_device, no_such_device, parse_verifier_config
from .models import Device, User, UserPool
from .protocol import CognitoError, check_username, optional, require

__all__ = ["admin_forget_device", "admin_get_device", "admin_list_devices", "admin_update_device_status",
           "confirm_device", "forget_device", "get_device", "list_devices", "update_device_status"]

_STATUSES = ("remembered", "not_remembered")


def _own_device(backend: CognitoBackend, params: dict[str, Any]) -> tuple[UserPool, User, Device]:
    pool, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    device = user.devices.get(require(params, "DeviceKey", max_len=55))
    if device is None:
        raise no_such_device()
    return pool, user, device


def _admin_user(backend: CognitoBackend, params: dict[str, Any], missing: str) -> tuple[UserPool, User]:
    pool = backend.pool(require(params, "UserPoolId", max_len=55))
    user = pool.find_user(check_username(require(params, "Username", max_len=128)))
    if user is None:
        raise CognitoError(missing, "User does not exist.")
    return pool, user


def _confirmed(user: User, key: str) -> Device:
    device = user.devices.get(key)
    if device is None or not device.confirmed:
        raise no_such_device()
    return device


def _page(user: User, params: dict[str, Any]) -> dict[str, Any]:
    limit = optional(params, "Limit", kind="int")
    if limit is not None and not 0 <= limit <= 60:
        raise CognitoError("InvalidParameterException",
                           "1 validation error detected: Value at 'limit' failed to satisfy constraint: "
                           "Member must have value less than or equal to 60")
    listed = sorted((d for d in user.devices.values() if d.confirmed), key=lambda d: (d.created_at, d.key))
    token = optional(params, "PaginationToken", max_len=1024)
    if token is not None:
        keys = [d.key for d in listed]
        if token not in keys:
            raise CognitoError("InvalidParameterException", "Invalid pagination token")
        listed = listed[keys.index(token):]
    size = limit or 60
    result: dict[str, Any] = {"Devices": [describe_device(d) for d in listed[:size]]}
    if len(listed) > size:
        result["PaginationToken"] = listed[size].key
    return result


def _set_status(backend: CognitoBackend, device: Device, params: dict[str, Any]) -> None:
    status = optional(params, "DeviceRememberedStatus", max_len=32)
    if status is not None and status not in _STATUSES:
        raise CognitoError("InvalidParameterException",
                           f"1 validation error detected: Value '{status}' at 'deviceRememberedStatus' failed to "
                           "satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]")
    if status is not None:
        device.remembered = status == "remembered"
        device.modified_at = backend.now()


@operation("ConfirmDevice")
def confirm_device(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    pool, _, device = _own_device(backend, params)
    if device.confirmed:
        raise CognitoError("DeviceKeyExistsException", "Device key already exists.")
    salt_hex, verifier = parse_verifier_config(params.get("DeviceSecretVerifierConfig"))
    device.name = optional(params, "DeviceName", max_len=1024)
    device.salt_hex, device.verifier = salt_hex, verifier
    device.remembered = pool.device_tracking == "always"
    device.modified_at = backend.now()
    return {"UserConfirmationNecessary": pool.device_tracking == "user_opt_in"}


@operation("ListDevices")
def list_devices(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    return _page(user, params)


@operation("GetDevice")
def get_device(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    return {"Device": describe_device(_confirmed(user, require(params, "DeviceKey", max_len=55)))}


@operation("ForgetDevice")
def forget_device(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user, device = _own_device(backend, params)
    del user.devices[device.key]
    return {}


@operation("UpdateDeviceStatus")
def update_device_status(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user, _ = backend.user_from_access_token(params.get("AccessToken"))
    _set_status(backend, _confirmed(user, require(params, "DeviceKey", max_len=55)), params)
    return {}


@operation("AdminListDevices", signed=True)
def admin_list_devices(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user = _admin_user(backend, params, "ResourceNotFoundException")
    return _page(user, params)


@operation("AdminGetDevice", signed=True)
def admin_get_device(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user = _admin_user(backend, params, "ResourceNotFoundException")
    return {"Device": describe_device(_confirmed(user, require(params, "DeviceKey", max_len=55)))}


@operation("AdminForgetDevice", signed=True)
def admin_forget_device(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user = _admin_user(backend, params, "UserNotFoundException")
    device = user.devices.get(require(params, "DeviceKey", max_len=55))
    if device is None:
        raise no_such_device()
    del user.devices[device.key]
    return {}


@operation("AdminUpdateDeviceStatus", signed=True)
def admin_update_device_status(backend: CognitoBackend, params: dict[str, Any]) -> dict[str, Any]:
    _, user = _admin_user(backend, params, "UserNotFoundException")
    _set_status(backend, _confirmed(user, require(params, "DeviceKey", max_len=55)), params)
    return {}
