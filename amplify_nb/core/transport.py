"""Where amplify_nb's AWS clients come from: one botocore session per process, or a caller's factory.

Every botocore session re-reads botocore's endpoint and service-model data the first time it makes a
client (~100 ms per client kind), so a fresh session per Auth made each new Auth pay that again. All
clients amplify_nb makes come from one process-wide session instead, and the boto3 sessions handed
to users (which need credentials of their own, hence sessions of their own) share its data loader.

Thread safety: botocore sessions are not thread-safe for client creation (their component registry and
caches are mutated while a client is made), so every ``create_client`` on the shared session, and every
client made over its loader, is guarded by ``CREATE_LOCK``. The clients themselves are thread-safe once
made, which is how ServiceClient uses them (one client, many threads).

A test (or an app with its own transport) passes ``transport=`` to ``Auth``: a ``ClientFactory`` that is
called with (service, region, endpoint_url) and returns an object with boto3's snake_case operation
methods and botocore's ``ClientError`` for errors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from . import log_redaction

__all__ = ["CREATE_LOCK", "ClientFactory", "botocore_session", "shared_loader", "unsigned_client"]

ClientFactory = Callable[[str, str, "str | None"], Any]

# One lock for all client creation over the shared session or its loader (see the module docstring).
CREATE_LOCK = threading.RLock()
_session: Any = None


def botocore_session() -> Any:
    """The process's botocore session for amplify_nb's own clients (made on first use: botocore is
    imported only when a client is first needed, never by ``import amplify_nb``)."""
    global _session
    with CREATE_LOCK:
        if _session is None:
            import botocore.session

            log_redaction.install()  # before botocore logs anything for us or for a user's session
            _session = botocore.session.Session()
        return _session


def shared_loader() -> Any:
    """The shared session's data loader, for the users' boto3 sessions (``register_component``): its
    cache of parsed endpoint data and service models is what makes a second client cheap."""
    with CREATE_LOCK:
        return botocore_session().get_component("data_loader")


def unsigned_client(service: str, region: str, endpoint_url: str | None) -> Any:
    """The default ClientFactory: an unsigned client (Cognito's user-pool and identity-pool calls need no
    AWS credentials, so none are looked up), with short timeouts and one retry."""
    from botocore import UNSIGNED
    from botocore.config import Config

    # Bounded so that an endpoint that accepts connections and never answers fails every caller with a
    # NetworkError within 20 s: two attempts of at most 3 + 8 s (Cognito answers in well under a second).
    config = Config(signature_version=UNSIGNED, retries={"mode": "standard", "total_max_attempts": 2},
                    connect_timeout=3, read_timeout=8)
    with CREATE_LOCK:
        return botocore_session().create_client(service, region_name=region, endpoint_url=endpoint_url,
                                                config=config)
