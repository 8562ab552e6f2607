"""Hand the session's credentials to boto3 and to s3fs/pandas through botocore's own machinery.

botocore's RefreshableCredentials refreshes when fewer than 15 (advisory) / 10 (mandatory) minutes
remain, so credentials that live 90 s are refreshed on *every* call (measured 1.84x slower per call).
Here the windows scale with the credentials' lifetime (a quarter of it, capped at botocore's values),
so steady-state calls never refresh, and the refresh itself goes through the single-flight manager.
Credentials are deferred: nothing is fetched until the first AWS call.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

import boto3
import botocore.session
from botocore.credentials import CredentialProvider, DeferredRefreshableCredentials

from ..core.transport import CREATE_LOCK, shared_loader
from .manager import CredentialsManager, refresh_windows

__all__ = [
    "METHOD",
    "AmplifyCredentialProvider",
    "EndpointSession",
    "ScaledDeferredRefreshableCredentials",
    "make_aio_session",
    "make_boto3_session",
    "refreshable_credentials",
]

METHOD = "amplify-nb"


def _metadata(manager: CredentialsManager) -> dict[str, Any]:
    credentials = manager.get()
    return {**credentials.metadata(), "lifetime": credentials.lifetime, "login_key": credentials.login_key}


class _ScaledWindows:
    """Mixed into botocore's refreshable credentials: windows follow each refresh's lifetime, and a
    change of caller (sign-in, sign-out) makes a refresh mandatory at once."""

    amplify_manager: CredentialsManager | None = None
    _amplify_login_key: str | None = None
    _amplify_expiry: tuple[Any, float] = (None, 0.0)  # (botocore's expiry datetime, the same in POSIX s)

    def _set_from_data(self, data: dict[str, Any]) -> None:
        super()._set_from_data(data)  # type: ignore[misc]
        advisory, mandatory = refresh_windows(float(data.get("lifetime") or 3600.0))
        self._advisory_refresh_timeout = advisory
        self._mandatory_refresh_timeout = mandatory
        self._amplify_login_key = data.get("login_key")

    def refresh_needed(self, refresh_in: float | None = None) -> bool:
        manager, key = self.amplify_manager, self._amplify_login_key
        if manager is not None and key is not None and manager.login_key() != key:
            return True
        expiry = self._expiry_time  # type: ignore[attr-defined]
        if manager is None or expiry is None:  # not loaded yet (deferred): botocore decides
            return bool(super().refresh_needed(refresh_in))  # type: ignore[misc]
        # Asked on every request: botocore's own test subtracts timezone-aware datetimes, about half of the
        # lookup's cost inside a request (docs/benchmarks.md, issue 4); the same test in POSIX seconds on the
        # manager's clock, which time_fetcher wraps, costs a fraction. One tuple: threads never see a mixed pair.
        cached, expires_at = self._amplify_expiry
        if cached is not expiry:
            expires_at = expiry.timestamp()
            self._amplify_expiry = (expiry, expires_at)
        if refresh_in is None:
            refresh_in = self._advisory_refresh_timeout  # type: ignore[attr-defined]
        return expires_at - manager.state.clock() < refresh_in


class ScaledDeferredRefreshableCredentials(_ScaledWindows, DeferredRefreshableCredentials):
    pass


def refreshable_credentials(manager: CredentialsManager) -> ScaledDeferredRefreshableCredentials:
    clock = manager.state.clock
    credentials = ScaledDeferredRefreshableCredentials(
        refresh_using=lambda: _metadata(manager), method=METHOD,
        time_fetcher=lambda: datetime.fromtimestamp(clock(), tz=timezone.utc))
    credentials.amplify_manager = manager
    return credentials


class AmplifyCredentialProvider(CredentialProvider):
    """First in botocore's provider chain of the sessions we make."""

    METHOD = METHOD
    CANONICAL_NAME = "AmplifyNb"

    def __init__(self, manager: CredentialsManager):
        super().__init__()
        self._manager = manager

    def load(self) -> ScaledDeferredRefreshableCredentials:
        return refreshable_credentials(self._manager)


class EndpointSession(boto3.session.Session):
    """boto3.Session that applies amplify_nb's endpoint overrides and reuses one client per
    (service, region) made without extra options, so refreshes never strand a client."""

    def __init__(self, amplify_config: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self._amplify_config = amplify_config
        self._clients: dict[tuple[str, str | None], Any] = {}
        self._clients_lock = threading.Lock()

    def _with_endpoint(self, service_name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        if kwargs.get("endpoint_url") is None:
            kwargs.pop("endpoint_url", None)
            override = self._amplify_config.endpoint(service_name)
            if override:
                kwargs["endpoint_url"] = override
        return kwargs

    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:
        plain = not args and set(kwargs) <= {"region_name", "endpoint_url"} and kwargs.get("endpoint_url") is None
        kwargs = self._with_endpoint(service_name, kwargs)
        if not plain:
            with CREATE_LOCK:  # the data loader is shared by every session (core/transport.py)
                return super().client(service_name, *args, **kwargs)
        key = (service_name, kwargs.get("region_name") or self.region_name)
        with self._clients_lock:
            if key not in self._clients:
                with CREATE_LOCK:
                    self._clients[key] = super().client(service_name, **kwargs)
            return self._clients[key]

    def resource(self, service_name: str, *args: Any, **kwargs: Any) -> Any:
        with CREATE_LOCK:
            return super().resource(service_name, *args, **self._with_endpoint(service_name, kwargs))


def make_boto3_session(manager: CredentialsManager, region_name: str | None = None) -> EndpointSession:
    """A boto3 Session whose credentials refresh themselves and whose clients use the configured endpoints."""
    config = manager.state.config
    # A botocore session of its own, for credentials of its own; but the process's data loader, so that
    # its clients do not parse botocore's endpoint data and service models again (core/transport.py).
    core = botocore.session.Session()
    loader = shared_loader()
    core.register_component("data_loader", loader)
    core.get_component("credential_provider").insert_before("env", AmplifyCredentialProvider(manager))
    with CREATE_LOCK:
        session = EndpointSession(config, botocore_session=core,
                                  region_name=region_name or config.storage_region or config.region)
        # Each boto3.Session appends boto3's data folder to its loader's search path: keep one copy in
        # the shared loader, not one per session ever made.
        loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
    return session


def make_aio_session(manager: CredentialsManager) -> Any:
    """An aiobotocore session (what s3fs takes) whose credentials refresh through the same manager."""
    import asyncio  # here, not at the top: only s3fs users pay for it (~10 ms in a new process)

    from aiobotocore.credentials import AioDeferredRefreshableCredentials
    from aiobotocore.session import AioSession

    class AioScaled(_ScaledWindows, AioDeferredRefreshableCredentials):
        pass

    clock = manager.state.clock

    async def refresh() -> dict[str, Any]:
        return await asyncio.to_thread(_metadata, manager)

    class Provider(CredentialProvider):  # aiobotocore awaits load()
        METHOD = METHOD
        CANONICAL_NAME = "AmplifyNb"

        async def load(self) -> Any:
            credentials = AioScaled(refresh_using=refresh, method=METHOD,
                                    time_fetcher=lambda: datetime.fromtimestamp(clock(), tz=timezone.utc))
            credentials.amplify_manager = manager
            return credentials

    class RefreshingAioSession(AioSession):  # type: ignore[misc]
        def __reduce__(self) -> tuple[Any, tuple[()]]:
            # Pickled (Dask ships s3fs's storage options to its workers; dask tokenizes them by pickling),
            # it becomes a plain session: the manager and its tokens never leave this process, and on the
            # other side botocore's own chain finds that process's credentials (auth.dask_plugin()'s endpoint).
            return (AioSession, ())

    session = RefreshingAioSession()
    session.get_component("credential_provider").insert_before("env", Provider())
    return session
