"""Remembered devices (pools with device tracking): confirm a new one after sign-in, sign in from a
remembered one (DEVICE_SRP_AUTH, which skips MFA where the pool says so), and the user's own list.

A sign-in on such a pool returns NewDeviceMetadata: the device is confirmed at once with a fresh secret
whose SRP verifier Cognito keeps (ConfirmDevice), so the next sign-in from this session's storage can prove
it. Whether it is *remembered* is the pool's choice ("always") or the user's (``remember_device()``).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from typing import Any

from ...errors import AmplifyNbError, ValidationError
from ..devices import DeviceStore
from ..session import SessionState
from ..tokens import Tokens
from ..userpool import DeviceSecret

__all__ = ["Device", "DeviceList", "confirm_new", "device_sign_in", "fetch", "forget", "remember", "store",
           "this_device"]


def store(state: SessionState) -> DeviceStore:
    return DeviceStore(state.storage, state.name, state.config.storage_scope)


@dataclass(frozen=True)
class Device:
    key: str
    name: str | None
    remembered: bool | None
    created: Any = None
    last_authenticated: Any = None
    last_ip: str | None = None

    @classmethod
    def from_cognito(cls, item: dict[str, Any]) -> Device:
        # Cognito's device attributes: device_status is "valid"; whether it is remembered is its own attribute.
        attributes = {a["Name"]: a.get("Value") for a in item.get("DeviceAttributes") or []}
        status = attributes.get("dev:device_remembered_status")
        return cls(item["DeviceKey"], attributes.get("device_name"),
                   None if status is None else status == "remembered", item.get("DeviceCreateDate"),
                   item.get("DeviceLastAuthenticatedDate"), attributes.get("last_ip_used"))


class DeviceList(list[Device]):
    """The user's devices; a table in Jupyter, a DataFrame with ``to_dataframe()``."""

    def to_dataframe(self) -> Any:
        import pandas as pd

        return pd.DataFrame([vars(device) for device in self])

    def _repr_html_(self) -> str:
        import html

        rows = "".join(f"<tr><td>{html.escape(d.key)}</td><td>{html.escape(d.name or '')}</td>"
                       f"<td>{'yes' if d.remembered else 'no'}</td><td>{html.escape(str(d.last_authenticated or ''))}"
                       f"</td></tr>" for d in self)
        return ("<table><tr><th>device key</th><th>name</th><th>remembered</th><th>last sign-in</th></tr>"
                f"{rows}</table>")


def confirm_new(state: SessionState, tokens: Tokens, login: str, metadata: dict[str, Any]) -> bool:
    """ConfirmDevice for the device Cognito just named; True when the user must still choose to remember
    it (a pool that remembers devices on the user's prompt)."""
    secret, verifier = DeviceSecret.new(metadata["DeviceKey"], metadata["DeviceGroupKey"])
    answer = state.client.call("ConfirmDevice", AccessToken=tokens.access_token, DeviceKey=secret.key,
                               DeviceSecretVerifierConfig=verifier,
                               DeviceName=f"amplify_nb on {platform.node() or 'a notebook'}"[:1024])
    store(state).keep(secret, login, tokens.username)
    return bool(answer.get("UserConfirmationNecessary"))


def device_sign_in(state: SessionState, response: dict[str, Any], login: str) -> dict[str, Any]:
    """DEVICE_SRP_AUTH then DEVICE_PASSWORD_VERIFIER: the remembered device proves its secret (no input)."""
    params = response.get("ChallengeParameters") or {}
    username = params.get("USERNAME") or login
    secret = store(state).find(login, username)
    if secret is None:
        raise AmplifyNbError("Cognito asked this device to prove itself, but no device is remembered here")
    client, common = state.client, {"ClientId": state.config.user_pool_client_id, **state.client_metadata()}
    srp = client.srp_round(username, secret)
    answers = client.with_secret_hash({"USERNAME": username, "DEVICE_KEY": secret.key,
                                       "SRP_A": srp.auth_parameters()["SRP_A"]}, username)
    first = client.call("RespondToAuthChallenge", ChallengeName="DEVICE_SRP_AUTH", ChallengeResponses=answers,
                        **({"Session": response["Session"]} if response.get("Session") else {}), **common)
    if first.get("ChallengeName") != "DEVICE_PASSWORD_VERIFIER":
        return first
    return client.call("RespondToAuthChallenge", ChallengeName="DEVICE_PASSWORD_VERIFIER",
                       ChallengeResponses=srp.device_answer(first.get("ChallengeParameters") or {}),
                       **({"Session": first["Session"]} if first.get("Session") else {}), **common)


def _this_device(state: SessionState, tokens: Tokens) -> str:
    secret = store(state).find(tokens.username)
    if secret is None:
        raise ValidationError("This session has no device of its own: the pool does not track devices, or "
                              "sign-in has not confirmed one", field="device_key")
    return secret.key


def this_device(state: SessionState) -> str | None:
    """The key of the device this session signed in as (None: no device of its own)."""
    tokens = state.tokens()
    secret = store(state).find(tokens.username) if tokens else None
    return secret.key if secret else None


def remember(state: SessionState) -> None:
    tokens = state.current()
    state.client.call("UpdateDeviceStatus", AccessToken=tokens.access_token, DeviceKey=_this_device(state, tokens),
                      DeviceRememberedStatus="remembered")


def forget(state: SessionState, device_key: str | None = None) -> None:
    tokens = state.current()
    key = device_key if device_key is not None else _this_device(state, tokens)
    if not isinstance(key, str) or not key.strip():
        raise ValidationError("device_key must be a device key from fetch_devices()", field="device_key")
    state.client.call("ForgetDevice", AccessToken=tokens.access_token, DeviceKey=key)
    store(state).drop(key)


def fetch(state: SessionState) -> DeviceList:
    tokens = state.current()
    devices, token = DeviceList(), None
    while True:
        page = state.client.call("ListDevices", AccessToken=tokens.access_token, Limit=60,
                                 **({"PaginationToken": token} if token else {}))
        devices.extend(Device.from_cognito(item) for item in page.get("Devices") or [])
        token = page.get("PaginationToken")
        if not token:
            return devices
