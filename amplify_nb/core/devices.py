"""Where a session keeps the devices it remembers: each device's key, group key and secret, in the
session's storage (FileStorage is 0600), found by the login typed and by Cognito's internal username."""

from __future__ import annotations

import json

from .storage import Storage, storage_key
from .userpool import DeviceSecret

__all__ = ["DeviceStore"]


class DeviceStore:
    def __init__(self, storage: Storage, session: str, client_id: str):
        self._storage = storage
        self._key = storage_key(session, client_id, "devices")

    def _all(self) -> dict[str, dict[str, str]]:
        raw = self._storage.get_item(self._key)
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        return data if isinstance(data, dict) else {}

    def find(self, *names: str) -> DeviceSecret | None:
        """The device remembered for the first of ``names`` (a login, an internal username) that has one."""
        data = self._all()
        for name in names:
            record = data.get(name)
            if isinstance(record, dict) and {"key", "group_key", "password"} <= record.keys():
                return DeviceSecret(record["key"], record["group_key"], record["password"],
                                    record.get("salt", ""), record.get("verifier", ""))
        return None

    def keep(self, secret: DeviceSecret, *names: str) -> None:
        data = self._all()
        record = {"key": secret.key, "group_key": secret.group_key, "password": secret.password,
                  "salt": secret.salt, "verifier": secret.verifier}
        data.update({name: record for name in names if name})
        self._storage.set_item(self._key, json.dumps(data))

    def drop(self, device_key: str) -> None:
        data = {name: record for name, record in self._all().items() if record.get("key") != device_key}
        self._storage.set_item(self._key, json.dumps(data))
