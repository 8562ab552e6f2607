"""Relaying a session's short-lived AWS credentials to other processes that hold no Cognito token.

Two halves, independent of the transport (Dask's comms in dask_plugin.py):

- ``Publisher`` runs in the kernel, on a thread of its own: a timer on the session's clock, so an idle
  kernel (no cell asking for credentials) still keeps every receiver supplied. It wakes when the session's
  credentials become due (a quarter of their lifetime before expiry, the manager's own window), gets fresh
  ones through the single-flight manager — one Cognito call however many receivers — and delivers them. It
  also wakes on the session's Hub events, so a sign-out is delivered at once as a revocation and a sign-in
  as the new caller's credentials. A receiver that appears later (a new or restarted worker) says hello and
  is sent the current ones.
- ``RelayedCredentials`` runs in each receiver and is the source of its loopback ``CredentialsEndpoint``.

Only ``AwsCredentials`` travel, stripped of the login key: never a refresh, id or access token. Each
delivery carries its publisher's id and a sequence number, so a late, older delivery never replaces a
newer one and a publisher from an earlier registration cannot feed a newer plugin.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..core.hub import Hub
from ..errors import AmplifyNbError, NetworkError, NotAuthenticatedError
from .manager import AwsCredentials, refresh_windows

__all__ = ["ABSENT", "ACCEPTED", "STALE", "Delivery", "DeliveryClosed", "Publisher", "RelayedCredentials"]

log = logging.getLogger("amplify_nb.credentials.relay")

ACCEPTED, STALE, ABSENT = "accepted", "stale", "absent"  # what a receiver answers to a delivery
FIRST_WAIT = 10.0  # how long a receiver's first request waits for the first delivery (a new worker's hello)
MAX_SLEEP, RETRY_SLEEP = 60.0, 1.0
WAKE_EVENTS = frozenset({"signIn", "signOut", "credentialsRefresh", "userDeleted"})

Deliver = Callable[["Delivery", "list[str] | None"], dict[str, str]]  # (delivery, targets or all) -> status


@dataclass(frozen=True, repr=False)
class Delivery:
    """One message to receivers: credentials, or ``None`` for "signed out: serve nothing"."""

    publisher: str
    sequence: int
    credentials: AwsCredentials | None

    def __repr__(self) -> str:  # distributed logs a failed function's arguments: never the keys
        what = "revoked" if self.credentials is None else "credentials"
        return f"Delivery(publisher={self.publisher!r}, sequence={self.sequence}, {what})"


class DeliveryClosed(RuntimeError):
    """Raised by a transport whose cluster is gone for good: the publisher stops."""


def _key(credentials: AwsCredentials | None) -> str | None:
    return credentials.access_key_id if credentials is not None else None


def _travelling(credentials: AwsCredentials) -> AwsCredentials:
    # The login key names the user-pool user (issuer and sub): the receivers have no use for it.
    return dataclasses.replace(credentials, login_key="")


class RelayedCredentials:
    """A receiver's view: the latest delivery, served until shortly before it expires."""

    def __init__(self, publisher: str, *, first_wait: float = FIRST_WAIT, clock: Callable[[], float] = time.time):
        self.publisher = publisher
        self.first_wait = first_wait
        self.clock = clock
        self._lock = threading.Lock()
        self._first = threading.Event()
        self._delivery: Delivery | None = None
        self.received_at: float | None = None  # when the latest credentials arrived (for the benchmark)
        self.ask: Callable[[], None] | None = None  # says hello to the publisher again
        self._asked = time.monotonic()  # the plugin's setup has just said hello

    def _ask_again(self) -> None:
        # A hello can be missed (sent before the kernel listened, or to a kernel since restarted): a request
        # that finds nothing says hello again, at most every few seconds.
        now = time.monotonic()
        if self.ask is None or now - self._asked < 2.0:
            return
        self._asked = now
        try:
            self.ask()
        except Exception as exc:
            log.debug("Asking for credentials again failed: %s", type(exc).__name__)

    def accept(self, delivery: Delivery) -> str:
        with self._lock:
            current = self._delivery
            if delivery.publisher != self.publisher:
                return ABSENT
            if current is not None and delivery.sequence <= current.sequence:
                return STALE
            self._delivery = delivery
            self.received_at = time.time()
        self._first.set()
        return ACCEPTED

    @property
    def arrived(self) -> bool:
        """Whether a first delivery (or a revocation) has come."""
        return self._first.is_set()

    def revoke(self) -> None:
        with self._lock:
            sequence = self._delivery.sequence if self._delivery is not None else 0
            self._delivery = Delivery(self.publisher, sequence, None)
        self._first.set()

    @property
    def current(self) -> AwsCredentials | None:
        with self._lock:
            return self._delivery.credentials if self._delivery is not None else None

    def __call__(self) -> AwsCredentials:
        """The endpoint's source. A worker's first request may come before the kernel answered its hello:
        it waits for that (briefly) rather than fail the user's first task."""
        with self._lock:
            delivery = self._delivery
        if delivery is None:
            self._ask_again()
            self._first.wait(self.first_wait)
            with self._lock:
                delivery = self._delivery
        if delivery is None:
            raise NetworkError("No credentials have arrived from the notebook yet")
        credentials = delivery.credentials
        if credentials is None:
            raise NotAuthenticatedError("The notebook's session signed out (or stopped sharing its credentials)")
        # Never hand out credentials about to expire: an SDK would sign a request that fails on arrival.
        if self.clock() >= credentials.expiration - min(5.0, credentials.lifetime / 16):
            # Deliveries reach a Dask worker on its event loop: a function holding that loop (client.run
            # runs functions there, tasks run on threads) delays them, as does a kernel that is gone.
            raise NetworkError("The notebook has not sent fresh credentials before these expired (is the "
                               "kernel gone, or was this worker's event loop busy, e.g. in a long client.run?)")
        return credentials


class Publisher:
    """The kernel half: keeps receivers supplied until stopped, or until none of them has the plugin."""

    def __init__(self, source: Callable[[], AwsCredentials], deliver: Deliver, publisher: str, *,
                 session: str, clock: Callable[[], float] = time.time):
        self.source = source
        self.deliver = deliver
        self.publisher = publisher
        self.session = session
        self.clock = clock
        self._sequence = 0
        self._published: Delivery | None = None
        self._active = False  # nothing is sent until a receiver has said hello (the plugin is registered)
        self._hellos: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._closing = False
        self._failing = False
        self._undelivered = False  # deliveries are failing: the log says so once per outage
        self._unsent = False  # the latest delivery has not reached the receivers yet
        self.on_stop: Callable[[], None] | None = None  # e.g. stop listening for the workers' hellos
        self._thread: threading.Thread | None = None
        self._stop_listening = Hub.listen("auth", self._on_auth_event)
        self.stats: dict[str, Any] = {"deliveries": 0, "last_delivery_seconds": None, "stopped_because": None}

    # ---- kernel thread ---------------------------------------------------------------------------
    def start(self) -> None:
        """Fetch the credentials now (so that a signed-out session fails here, not on a worker), then
        publish in the background."""
        self.source()
        self._thread = threading.Thread(target=self._run, name=f"amplify-nb-publisher-{self.publisher}",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.is_set():
            if self._closing:
                self._sequence += 1
                if self._active:
                    self._send(Delivery(self.publisher, self._sequence, None), None)
                self.stop("closed")
                return
            try:
                pause = self.step()
            except Exception:  # never let the thread die silently: log, and try again later
                log.exception("Publishing credentials failed")
                pause = RETRY_SLEEP
            self._wake.wait(pause)
            self._wake.clear()

    def step(self) -> float:
        """One round: refresh when due, deliver what changed, answer hellos. Returns the seconds to wait."""
        unknown = False
        try:
            credentials: AwsCredentials | None = self.source()
        except NotAuthenticatedError:
            credentials = None
        except AmplifyNbError as exc:  # Cognito unreachable: receivers keep theirs until they expire
            # The manager backs off (one Cognito call per window), so asking every second costs nothing;
            # the log says it once per outage. A new worker still gets what was last published.
            log.log(logging.DEBUG if self._failing else logging.WARNING,
                    "Could not refresh the credentials to publish: %s", type(exc).__name__)
            credentials, unknown = None, True
        self._failing = unknown
        with self._lock:
            hellos, self._hellos = self._hellos, set()
            if hellos:
                self._active = True
            active, published = self._active, self._published
        if not unknown and (published is None or _key(published.credentials) != _key(credentials)):
            self._sequence += 1
            published = Delivery(self.publisher, self._sequence,
                                 _travelling(credentials) if credentials is not None else None)
            self._published, self._unsent = published, active  # before any hello, hellos get it
        if active and self._unsent and published is not None:
            if self._send(published, None):
                self._unsent, hellos = False, set()  # the broadcast reached them too
        if hellos and published is not None and not self._send(published, sorted(hellos)):
            self.hello(hellos)  # try them again next round
        if unknown or self._unsent:
            return RETRY_SLEEP
        if credentials is None:
            return MAX_SLEEP  # a sign-in wakes the thread through the Hub
        due = credentials.expiration - refresh_windows(credentials.lifetime)[0]
        return min(MAX_SLEEP, max(0.05, due - self.clock() + 0.01))

    def _send(self, delivery: Delivery, targets: list[str] | None) -> bool:
        started = time.perf_counter()
        try:
            statuses = self.deliver(delivery, targets)
        except DeliveryClosed:  # the cluster's client is closed: its receivers' credentials expire by themselves
            self.stop("the Dask client is closed")
            return False
        except Exception as exc:  # a comm hiccup or a busy receiver: the next round tries again
            # The exception's type only: a transport's message could quote what it was sending.
            log.log(logging.DEBUG if self._undelivered else logging.WARNING,
                    "Could not deliver credentials to the workers (%s); retrying every %.0f s",
                    type(exc).__name__, RETRY_SLEEP)
            self._undelivered = True
            return False
        if self._undelivered:
            log.info("Delivering credentials to the workers again")
            self._undelivered = False
        self.stats["deliveries"] += 1
        self.stats["last_delivery_seconds"] = time.perf_counter() - started
        if targets is None and statuses and all(status == ABSENT for status in statuses.values()):
            self.stop("no worker has the plugin any more (unregistered or replaced)")
        return True

    # ---- wake-ups --------------------------------------------------------------------------------
    def hello(self, receivers: Iterable[str]) -> None:
        """A receiver set itself up (a new or restarted worker): send it the current credentials."""
        with self._lock:
            self._hellos.update(receivers)
        self._wake.set()

    def _on_auth_event(self, payload: dict[str, Any]) -> None:
        # Called on the thread that signed in or out, maybe holding the session's locks: only wake ours.
        if payload.get("session") == self.session and payload.get("event") in WAKE_EVENTS:
            self._wake.set()

    def stop(self, reason: str = "stopped") -> None:
        if self._stopped.is_set():
            return
        self.stats["stopped_because"] = reason
        self._stopped.set()
        self._stop_listening()
        self._wake.set()
        if self.on_stop is not None:
            try:
                self.on_stop()
            except Exception as exc:  # e.g. the cluster is already gone: nothing left to undo there
                log.debug("Cleaning up after publishing failed: %s", type(exc).__name__)

    def close(self, timeout: float = 30.0) -> None:
        """Tell every receiver to serve nothing from now on, then stop (the thread sends it: one sender)."""
        if self._thread is None or not self._thread.is_alive():
            self.stop("closed")
            return
        self._closing = True
        self._wake.set()
        self._thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
