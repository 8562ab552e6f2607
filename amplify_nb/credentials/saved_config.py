"""A session's configuration, kept in its storage beside its tokens, so that a process other than the
notebook (``amplify-nb credential-process --name SESSION``) can resume the session from the name alone."""

from __future__ import annotations

import json

from ..config import AuthConfig
from ..core.storage import Storage, storage_key
from ..errors import StorageError

__all__ = ["load_saved_config", "save_config"]


def save_config(storage: Storage, name: str, config: AuthConfig) -> None:
    storage.set_item(storage_key(name, "config"), json.dumps(config.to_dict(), default=repr))


def load_saved_config(storage: Storage, name: str) -> AuthConfig:
    raw = storage.get_item(storage_key(name, "config"))
    if not raw:
        raise StorageError(f"Session {name!r} has no stored configuration: sign in from a notebook with "
                           f"amplify_nb.configure(..., name={name!r}, storage=FileStorage(name={name!r})) first")
    return AuthConfig.from_dict(json.loads(raw))
