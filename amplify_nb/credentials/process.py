"""``amplify-nb credential-process --name SESSION``: the AWS CLI's (and every SDK's) way in.

A notebook session kept in FileStorage also records its configuration there, so this command needs only
the session name. In ~/.aws/config::

    [profile notebook]
    credential_process = amplify-nb credential-process --name default

It prints credential_process JSON (Version 1) to stdout; failures go to stderr with exit code 1 and
never contain a secret.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from ..config import AuthConfig
from ..core.storage import FileStorage
from ..errors import AmplifyNbError, StorageError


def config_key(name: str) -> str:
    return f"amplify_nb.{name}.config"


def save_config(storage: Any, name: str, config: AuthConfig) -> None:
    data = {k: v for k, v in dataclasses.asdict(config).items() if k != "refresh_handlers"}
    storage.set_item(config_key(name), json.dumps(data, default=list))


def load_config(storage: Any, name: str) -> AuthConfig:
    raw = storage.get_item(config_key(name))
    if not raw:
        raise StorageError(f"Session {name!r} has no stored configuration: sign in from a notebook with "
                           f"amplify_nb.configure(..., name={name!r}, storage=FileStorage(name={name!r})) first")
    data = json.loads(raw)
    fields = {f.name: f for f in dataclasses.fields(AuthConfig)}
    values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in fields}
    return AuthConfig(**values)


def credential_process_json(name: str, directory: str | Path | None = None) -> str:
    from .auth import Auth

    storage = FileStorage(directory, name)
    auth = Auth(load_config(storage, name), name=name, storage=storage)
    credentials = auth.current_credentials()
    return json.dumps({"Version": 1, "AccessKeyId": credentials.access_key_id,
                       "SecretAccessKey": credentials.secret_access_key,
                       "SessionToken": credentials.session_token, "Expiration": credentials.expiration_iso})


def main(name: str, directory: str | None = None) -> int:
    try:
        print(credential_process_json(name, directory))
    except AmplifyNbError as exc:
        print(f"amplify-nb credential-process: {exc}", file=sys.stderr)
        return 1
    return 0
