"""``client.register_plugin(auth.dask_plugin())``: every Dask worker reads AWS as the signed-in user.

Each worker (present or future, restarted or scaled up) runs a loopback ``CredentialsEndpoint`` and points
its own environment at it, so boto3, s3fs/pandas, pyarrow's S3FileSystem and AWS CLI subprocesses find
refreshing credentials with no change to user code. The kernel's ``Publisher`` feeds every endpoint over
Dask's own comms (TLS when the cluster uses it): fresh credentials before each expiry, a revocation at
sign-out. Workers never see a Cognito token, and the plugin itself (pickled to the scheduler and to every
worker) holds nothing secret: its name, its publisher's id and a few non-secret variables.

Which process holds what:

- kernel: the refresh/id tokens (session storage) and the current AWS credentials (the manager);
- scheduler: nothing kept; it relays ``client.run`` messages (credentials in transit) and the workers' hellos;
- each worker: the latest AWS credentials in memory, and a random endpoint token in a 0600 file.

Unregistering (``client.unregister_worker_plugin(name)``) revokes the credentials and removes the variables;
the worker's endpoint stays up answering 401, so that SDK objects which cached its URL work again when the
plugin is registered again (say, from a restarted kernel) instead of failing for the life of the worker.
"""

from __future__ import annotations

import logging
import secrets
import threading
from typing import TYPE_CHECKING, Any

from distributed.diagnostics.plugin import WorkerPlugin

from ..errors import NotAuthenticatedError
from .endpoint import CredentialsEndpoint, export_env, restore_env
from .manager import AwsCredentials
from .relay import ABSENT, FIRST_WAIT, Delivery, DeliveryClosed, Publisher, RelayedCredentials

if TYPE_CHECKING:
    from distributed import Client, Worker

__all__ = ["DEFAULT_NAME", "AmplifyCredentialsPlugin", "deliver", "hello_topic", "start_publishing"]

DEFAULT_NAME = "amplify-nb-credentials"
log = logging.getLogger("amplify_nb.credentials.dask")


def hello_topic(publisher: str) -> str:
    return f"amplify-nb-credentials-hello-{publisher}"


class _WorkerEndpoint:
    """One endpoint per plugin name per worker process, kept across registrations. SDK objects cache the
    endpoint's URL when they first load credentials (boto3's default session, s3fs's cached filesystems):
    a new endpoint per registration would strand them after a kernel restart registers the plugin again.
    Between registrations it answers 401."""

    def __init__(self) -> None:
        self.endpoint = CredentialsEndpoint(self)
        self.credentials: RelayedCredentials | None = None

    def __call__(self) -> AwsCredentials:
        credentials = self.credentials
        if credentials is None:
            raise NotAuthenticatedError("The amplify-nb credentials plugin is not registered on this worker")
        return credentials()


_worker_endpoints: dict[str, _WorkerEndpoint] = {}
_worker_endpoints_lock = threading.Lock()


def _worker_endpoint(name: str) -> _WorkerEndpoint:
    with _worker_endpoints_lock:
        if name not in _worker_endpoints:
            _worker_endpoints[name] = _WorkerEndpoint()
        return _worker_endpoints[name]


class AmplifyCredentialsPlugin(WorkerPlugin):
    """The worker half. Pickled with its name, its publisher's id and non-secret environment only."""

    idempotent = False  # registering again (say, from a restarted kernel) replaces the plugin on every worker

    def __init__(self, name: str = DEFAULT_NAME, publisher: str = "", env: dict[str, str] | None = None,
                 first_wait: float = FIRST_WAIT):
        self.name = name
        self.publisher = publisher
        self.env = dict(env or {})
        self.first_wait = first_wait
        self.publishing: Publisher | None = None  # in the kernel only (never pickled)
        self.credentials: RelayedCredentials | None = None  # on a worker only
        self.endpoint: CredentialsEndpoint | None = None
        self._saved_env: dict[str, str | None] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self.name, "publisher": self.publisher, "env": self.env, "first_wait": self.first_wait}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"<AmplifyCredentialsPlugin {self.name!r} publisher={self.publisher!r}>"

    # ---- on a worker -----------------------------------------------------------------------------
    def setup(self, worker: Worker) -> None:
        self.credentials = RelayedCredentials(self.publisher, first_wait=self.first_wait)
        shared = _worker_endpoint(self.name)
        shared.credentials = self.credentials
        self.endpoint = shared.endpoint
        # The worker process's own environment: its SDKs and every subprocess it starts inherit it.
        self._saved_env = export_env({**self.env, **self.endpoint.env})
        topic, hello = hello_topic(self.publisher), {"worker": worker.address}
        self.credentials.ask = lambda: worker.log_event(topic, hello)  # thread-safe: queued on the loop
        worker.log_event(topic, hello)

    def teardown(self, worker: Worker) -> None:
        if self.credentials is not None:
            self.credentials.revoke()
            shared = _worker_endpoint(self.name)
            if shared.credentials is self.credentials:
                shared.credentials = None
        if self._saved_env is not None:
            restore_env(self._saved_env)
            self._saved_env = None

    def receive(self, delivery: Delivery) -> str:
        if self.credentials is None:
            return ABSENT
        return self.credentials.accept(delivery)

    # ---- in the kernel ---------------------------------------------------------------------------
    def close(self) -> None:
        """Stop publishing and tell the workers to serve nothing (``client.unregister_worker_plugin(name)``
        also removes their endpoints and variables)."""
        if self.publishing is not None:
            self.publishing.close()


def deliver(name: str, delivery: Delivery, dask_worker: Any) -> str:
    """Runs on a worker through ``client.run``. Never raises: distributed logs a failed function's
    arguments, and these are credentials (Delivery's repr hides them, but a traceback need not)."""
    try:
        plugin = dask_worker.plugins.get(name)
        if not isinstance(plugin, AmplifyCredentialsPlugin) or plugin.publisher != delivery.publisher:
            return ABSENT
        return plugin.receive(delivery)
    except Exception:
        return "failed"


def _deliverer(client: Client, name: str) -> Any:
    def send(delivery: Delivery, targets: list[str] | None) -> dict[str, str]:
        if client.status in ("closing", "closed"):
            raise DeliveryClosed("the Dask client is closed")
        results = client.run(deliver, name, delivery, workers=targets, on_error="return")
        return {worker: result if isinstance(result, str) else "failed" for worker, result in results.items()}

    return send


def start_publishing(client: Client | None, source: Any, *, session: str, name: str = DEFAULT_NAME,
                     env: dict[str, str] | None = None) -> AmplifyCredentialsPlugin:
    """The plugin for ``client.register_plugin``, its publisher already running in this process.
    ``client`` defaults to the current Dask client (the one made last in the notebook)."""
    if client is None:
        from distributed import default_client

        client = default_client()  # type: ignore[no-untyped-call]  # distributed leaves it untyped
    publisher_id = secrets.token_hex(8)  # not a secret: it only tells this kernel's deliveries apart
    plugin = AmplifyCredentialsPlugin(name, publisher_id, env)
    publishing = Publisher(source, _deliverer(client, name), publisher_id, session=session)
    publishing.start()  # raises NotAuthenticatedError here when no one is signed in

    def on_hello(event: tuple[float, dict[str, Any]]) -> None:  # on the client's event loop: only note it
        worker = event[1].get("worker") if isinstance(event[1], dict) else None
        if worker:
            publishing.hello([worker])

    topic = hello_topic(publisher_id)
    client.subscribe_topic(topic, on_hello)
    publishing.on_stop = lambda: client.unsubscribe_topic(topic)
    plugin.publishing = publishing
    return plugin
