"""What ``%auth_credentials --endpoint`` and ``--dask`` do, kept here (no IPython) so that the magic stays a
thin view: export an endpoint's variables into the kernel's environment, register the Dask plugin.

The kernel keeps one exported endpoint per session: running the magic again reuses it rather than
leaving a second server, and a new token, behind. Likewise one registered Dask plugin per session.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from ..errors import ValidationError
from .endpoint import CredentialsEndpoint, export_env, service_env

__all__ = ["export_endpoint", "register_dask"]

_exported: dict[str, CredentialsEndpoint] = {}
_registered: dict[str, Any] = {}  # the Dask plugin last registered per session (its publisher runs here)
_lock = threading.Lock()


def export_endpoint(auth: Any, guest: bool = False) -> str:
    """Start (or reuse) the session's endpoint and point this process's environment at it, so that
    subprocesses (``!aws s3 ls``, a local Spark or Ray started from here) and SDK sessions made without
    amplify_nb get refreshing credentials. Returns what to tell the user."""
    with _lock:
        endpoint = _exported.get(auth.name)
        if endpoint is None or endpoint.closed:
            endpoint = _exported[auth.name] = auth.credentials_endpoint(guest=guest)
    dropped = [key for key in ("AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN") if key in os.environ]
    export_env({**endpoint.env, **service_env(auth.config)})
    note = " (dropped the exported AWS_* keys, which never refreshed)" if dropped else ""
    return (f"Exported AWS_CONTAINER_CREDENTIALS_FULL_URI={endpoint.url} and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
            f"for subprocesses{note}: any AWS SDK or the AWS CLI started from this kernel gets session "
            f"{auth.name!r}'s credentials, refreshed, until sign-out.")


def register_dask(auth: Any, client: Any = None, guest: bool = False) -> str:
    """``client.register_plugin(auth.dask_plugin(client))``, with a summary of what it did."""
    if client is not None and not callable(getattr(client, "register_plugin", None)):
        raise ValidationError("That variable is not a dask.distributed Client", field="client")
    try:
        plugin = auth.dask_plugin(client, guest=guest)
    except ValueError as exc:  # distributed: "No clients found"
        raise ValidationError(f"No Dask client to register with ({exc}): make one first, "
                              "e.g. client = Client(LocalCluster())", field="client") from None
    client = client if client is not None else _default_client()
    with _lock:
        previous = _registered.pop(auth.name, None)
        _registered[auth.name] = plugin
    if previous is not None:  # registering again: the old publisher stops rather than wait to notice
        previous.close()
    answers = client.register_plugin(plugin)
    return (f"Registered {plugin.name!r} on {len(answers)} Dask worker(s), and on every worker that joins: they "
            f"read AWS as session {auth.name!r}, refreshed before each expiry, until sign-out. "
            f"Only short-lived AWS credentials leave this kernel.")


def _default_client() -> Any:
    from distributed import default_client

    return default_client()  # type: ignore[no-untyped-call]  # distributed leaves it untyped
