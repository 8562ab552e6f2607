"""``amplify-nb credential-process --name SESSION``: the AWS CLI's (and every SDK's) way in.

A notebook session kept in FileStorage also records its configuration there, so this command needs only
the session name. In ~/.aws/config::

    [profile notebook]
    credential_process = amplify-nb credential-process --name default

It prints credential_process JSON (Version 1) to stdout; failures go to stderr with exit code 1 and
never contain a secret.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..core.storage import FileStorage
from ..errors import AmplifyNbError
from .auth import Auth
from .saved_config import load_saved_config

__all__ = ["credential_process_json", "main"]


def credential_process_json(name: str, directory: str | Path | None = None) -> str:
    storage = FileStorage(directory, name)
    auth = Auth(load_saved_config(storage, name), name=name, storage=storage)
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
