"""``client.register_plugin(auth.dask_plugin())``: every Dask worker reads AWS as the signed-in user.

Each worker (present or future, restarted or scaled up) runs a loopback ``CredentialsEndpoint`` and points
its own environment at it, so boto3, s3fs/pandas, pyarrow's S3FileSystem and AWS CLI subprocesses find
refreshing credentials with no change to user code. The session's endpoint overrides (the sandbox's Cognito,
STS and S3) go along as botocore's ``AWS_ENDPOINT_URL_*`` variables, so a worker's SDKs call the services
the kernel's do. The kernel's ``Publisher`` feeds every endpoint over Dask's own comms (TLS when the cluster
uses it), on its own timer: fresh credentials before each expiry, a revocation at sign-out. Workers never
see a Cognito token, and the plugin itself (pickled to the scheduler and to every worker) holds nothing
secret: its name, its publisher's id and a few non-secret variables.

A worker's setup waits (on its event loop, without blocking it) for its first delivery, saying hello again
until it comes: ``client.register_plugin`` returns once every worker holds the credentials, so a function
run right after it (``client.run`` runs on the workers' event loops, where deliveries land too) finds them.

Which process holds what:

- kernel: the refresh/id tokens (session storage) and the current AWS credentials (the manager);
- scheduler: nothing kept; it relays ``client.run`` messages (credentials in transit) and the workers' hellos;
- each worker: the latest AWS credentials in memory, and a random endpoint token in a 0600 file.

Unregistering (``client.unregister_worker_plugin(name)``) revokes the credentials and removes the variables;
the worker's endpoint stays up answering 401, so that SDK objects which cached its URL work again when the
plugin is registered again (say, from a restarted kernel) instead of failing for the life of the worker.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from distributed.diagnostics.plugin import WorkerPlugin

from ..config.reader import ENDPOINT_ENV_SUFFIXES
from ..errors import NotAuthenticatedError
from .endpoint import CredentialsEndpoint, export_env, restore_env, service_env
from .manager import AwsCredentials
from .relay import ABSENT, FIRST_WAIT, Delivery, DeliveryClosed, Publisher, RelayedCredentials

if TYPE_CHECKING:
    from distributed import Client, Worker

__all__ = ["DEFAULT_NAME", "AmplifyCredentialsPlugin", "deliver", "hello_topic", "start_publishing", "worker_env"]

DEFAULT_NAME = "amplify-nb-credentials"
HELLO_AGAIN = 0.5  # a setting-up worker's hello can be lost (sent before the kernel's subscription arrived)
log = logging.getLogger("amplify_nb.credentials.dask")


def hello_topic(publisher: str) -> str:
    return f"amplify-nb-credentials-hello-{publisher}"


def worker_env(config: Any) -> dict[str, str]:
    """What a worker's environment gets besides its endpoint: the region, and every endpoint override of the
    configuration as botocore's ``AWS_ENDPOINT_URL_<SERVICE>`` (the sandbox: Cognito, STS and S3), so that
    ``boto3.client("sts")`` on a worker asks the same STS as the kernel's clients. URLs, nothing secret."""
    env = service_env(config)
    for service, suffix in ENDPOINT_ENV_SUFFIXES.items():
        url = config.endpoint(service)
        if url:
            env[f"AWS_ENDPOINT_URL_{suffix}"] = url
    return env


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
    async def setup(self, worker: Worker) -> None:
        """Distributed awaits this on the worker's event loop, which stays free meanwhile: the kernel's
        delivery (a ``client.run`` of ``deliver``) lands on that loop while this waits for it."""
        self.credentials = RelayedCredentials(self.publisher, first_wait=self.first_wait)
        shared = _worker_endpoint(self.name)
        shared.credentials = self.credentials
        self.endpoint = shared.endpoint
        # The worker process's own environment: its SDKs and every subprocess it starts inherit it.
        self._saved_env = export_env({**self.env, **self.endpoint.env})
        topic, hello = hello_topic(self.publisher), {"worker": worker.address}
        self.credentials.ask = say_hello = lambda: worker.log_event(topic, hello)  # thread-safe: queued on the loop
        await wait_for_first_delivery(self.credentials, say_hello, self.first_wait)

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


async def wait_for_first_delivery(credentials: RelayedCredentials, say_hello: Callable[[], None],
                                  timeout: float) -> bool:
    """Say hello, and again every HELLO_AGAIN seconds, until the first delivery comes or ``timeout`` passes.
    Without it the worker starts anyway (a kernel gone or restarted): its endpoint answers 503 until
    credentials come, and each request that finds none says hello again."""
    deadline = time.monotonic() + timeout
    hello_at = 0.0
    while not credentials.arrived:
        now = time.monotonic()
        if now >= deadline:
            log.warning("No credentials from the notebook within %.0f s of setting up: this worker's AWS "
                        "endpoint answers 503 until they come (is the kernel's session still publishing?)", timeout)
            return False
        if now >= hello_at:
            say_hello()
            hello_at = now + HELLO_AGAIN
        await asyncio.sleep(0.02)
    return True


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


def delivery_timeout(delivery: Delivery) -> float:
    """How long the publisher's thread waits for the workers' answers. A worker whose event loop is held (a
    long ``client.run`` function) answers late; meanwhile the others have theirs, and the publisher must not
    miss its next refresh, a sign-out or a new worker's hello: it gives up waiting and tries again."""
    credentials = delivery.credentials
    return 10.0 if credentials is None else max(1.0, min(10.0, credentials.lifetime / 8))


def _deliverer(client: Client, name: str) -> Any:
    def send(delivery: Delivery, targets: list[str] | None) -> dict[str, str]:
        if client.status in ("closing", "closed"):
            raise DeliveryClosed("the Dask client is closed")
        # Called on the publisher's thread, never on the client's event loop: a synchronous Client's method
        # runs there through Client.sync, whose callback_timeout bounds the wait.
        results = client.run(deliver, name, delivery, workers=targets, on_error="return",
                             callback_timeout=delivery_timeout(delivery))
        return {worker: result if isinstance(result, str) else "failed" for worker, result in results.items()}

    return send


def start_publishing(client: Client | None, source: Any, *, session: str, name: str = DEFAULT_NAME,
                     env: dict[str, str] | None = None,
                     clock: Callable[[], float] = time.time) -> AmplifyCredentialsPlugin:
    """The plugin for ``client.register_plugin``, its publisher already running in this process on its own
    timer (``clock``: the session's, on which the credentials come due). ``client`` defaults to the current
    Dask client (the one made last in the notebook)."""
    if client is None:
        from distributed import default_client

        client = default_client()  # type: ignore[no-untyped-call]  # distributed leaves it untyped
    publisher_id = secrets.token_hex(8)  # not a secret: it only tells this kernel's deliveries apart
    plugin = AmplifyCredentialsPlugin(name, publisher_id, env)
    publishing = Publisher(source, _deliverer(client, name), publisher_id, session=session, clock=clock)
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
