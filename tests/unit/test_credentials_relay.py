"""The relay behind auth.dask_plugin(), without a cluster: the kernel's Publisher (when it refreshes, what it
sends to whom, when it stops) on a movable clock with a fake transport, and a worker's RelayedCredentials
(what its endpoint serves, and when it refuses)."""

from __future__ import annotations

import pickle

import pytest

from amplify_nb.credentials.dask_plugin import AmplifyCredentialsPlugin, deliver
from amplify_nb.credentials.manager import AwsCredentials
from amplify_nb.credentials.relay import ABSENT, ACCEPTED, STALE, Delivery, Publisher, RelayedCredentials
from amplify_nb.errors import NetworkError, NotAuthenticatedError
from tests.conftest import MovableClock

LIFETIME = 40.0  # due 10 s before expiry; the publisher sleeps at most 60 s at a time


def key_id(n: int) -> str:
    """A made-up access key id (built, so no key-id-shaped literal sits in the tree)."""
    return "ASIA" + f"{n:016d}"


def credentials(n: int, issued_at: float) -> AwsCredentials:
    return AwsCredentials(key_id(n), f"secret-{n}", f"session-token-{n}", issued_at + LIFETIME,
                          "us-east-1:identity", True, issued_at=issued_at, login_key="cognito-idp:sub-123")


class Session:
    """A fake source: the current credentials, refreshed when due (as CredentialsManager does)."""

    def __init__(self, clock: MovableClock):
        self.clock, self.calls, self.signed_in = clock, 0, True
        self.current = self._fetch()

    def _fetch(self) -> AwsCredentials:
        self.calls += 1
        return credentials(self.calls, self.clock())

    def __call__(self) -> AwsCredentials:
        if not self.signed_in:
            raise NotAuthenticatedError("No one is signed in to this session")
        if self.clock() >= self.current.expiration - LIFETIME / 4:
            self.current = self._fetch()
        return self.current


class Workers:
    """A fake transport: receivers by name, each a RelayedCredentials on the same clock."""

    def __init__(self, clock: MovableClock, publisher: str, names=("w1", "w2")):
        self.clock, self.publisher = clock, publisher
        self.receivers = {name: RelayedCredentials(publisher, first_wait=0.01, clock=clock) for name in names}
        self.sent: list[tuple[Delivery, list[str] | None]] = []

    def __call__(self, delivery: Delivery, targets: list[str] | None) -> dict[str, str]:
        self.sent.append((delivery, targets))
        return {name: receiver.accept(delivery) for name, receiver in self.receivers.items()
                if targets is None or name in targets}


@pytest.fixture
def relay(clock):
    session = Session(clock)
    workers = Workers(clock, "pub-1")
    publisher = Publisher(session, workers, "pub-1", session="unit", clock=clock)
    yield session, workers, publisher
    publisher.stop()


def test_nothing_is_sent_before_a_worker_says_hello_then_it_gets_the_current_credentials(relay):
    session, workers, publisher = relay
    publisher.step()
    assert workers.sent == []
    publisher.hello(["w1"])
    publisher.step()
    assert [targets for _, targets in workers.sent] == [["w1"]]
    served = workers.receivers["w1"]()
    assert served.access_key_id == session.current.access_key_id and served.login_key == ""  # no user id travels
    with pytest.raises(NetworkError):
        workers.receivers["w2"]()  # no hello yet: it has nothing


def test_the_publisher_sleeps_until_due_then_refreshes_once_and_broadcasts(relay, clock):
    session, workers, publisher = relay
    publisher.hello(["w1", "w2"])
    pause = publisher.step()
    assert pause == pytest.approx(LIFETIME * 3 / 4 + 0.01)
    clock.advance(pause)
    publisher.step()
    assert session.calls == 2  # one Cognito call for any number of workers
    assert workers.sent[-1][1] is None and workers.sent[-1][0].sequence == 2
    for receiver in workers.receivers.values():
        assert receiver().access_key_id == session.current.access_key_id
    assert publisher.step() > 0 and len(workers.sent) == 2  # nothing changed: nothing sent


def test_sign_out_is_sent_as_a_revocation_and_workers_refuse(relay):
    session, workers, publisher = relay
    publisher.hello(["w1", "w2"])
    publisher.step()
    session.signed_in = False
    publisher.step()
    assert workers.sent[-1][0].credentials is None
    for receiver in workers.receivers.values():
        with pytest.raises(NotAuthenticatedError):
            receiver()


def test_a_worker_never_serves_credentials_about_to_expire_when_the_kernel_is_gone(clock):
    receiver = RelayedCredentials("pub", first_wait=0.01, clock=clock)
    assert receiver.accept(Delivery("pub", 1, credentials(1, clock()))) == ACCEPTED
    clock.advance(LIFETIME - 10)
    assert receiver().access_key_id == key_id(1)
    clock.advance(7.6)  # within min(5 s, lifetime / 16) = 2.5 s of expiry
    with pytest.raises(NetworkError, match="expired"):
        receiver()


def test_older_or_foreign_deliveries_never_replace_newer_ones(clock):
    receiver = RelayedCredentials("pub", first_wait=0.01, clock=clock)
    assert receiver.accept(Delivery("pub", 2, credentials(2, clock()))) == ACCEPTED
    assert receiver.accept(Delivery("pub", 1, credentials(1, clock()))) == STALE
    assert receiver.accept(Delivery("other", 9, credentials(9, clock()))) == ABSENT
    assert receiver().access_key_id == key_id(2)


def test_a_request_that_finds_nothing_says_hello_again(clock):
    receiver = RelayedCredentials("pub", first_wait=0.01, clock=clock)
    asked = []
    receiver.ask, receiver._asked = (lambda: asked.append(1)), 0.0
    with pytest.raises(NetworkError):
        receiver()
    with pytest.raises(NetworkError):
        receiver()
    assert asked == [1]  # at most once every few seconds


def test_the_publisher_stops_when_no_worker_has_the_plugin_any_more(relay, clock):
    _, workers, publisher = relay
    publisher.hello(["w1"])
    publisher.step()
    for name in workers.receivers:  # unregistered: the workers answer "absent"
        workers.receivers[name] = RelayedCredentials("someone-else", clock=clock)
    clock.advance(LIFETIME)
    publisher.step()
    assert publisher.stopped and "no worker" in publisher.stats["stopped_because"]


def test_the_plugin_pickles_with_nothing_secret_and_delivery_reprs_hide_the_keys(clock):
    plugin = AmplifyCredentialsPlugin("amplify-nb-credentials", "pub-1", {"AWS_DEFAULT_REGION": "us-east-1"})
    plugin.credentials = RelayedCredentials("pub-1")
    secret = credentials(1, clock())
    plugin.credentials.accept(Delivery("pub-1", 1, secret))
    data = pickle.dumps(plugin)
    assert b"secret-1" not in data and b"session-token" not in data and b"ASIA" not in data
    copy = pickle.loads(data)
    assert (copy.name, copy.publisher, copy.env, copy.credentials) == (plugin.name, "pub-1", plugin.env, None)
    text = repr(Delivery("pub-1", 1, secret)) + repr(plugin)
    assert "secret-1" not in text and "session-token" not in text and "ASIA" not in text


def test_deliver_never_raises_on_a_worker(clock):
    class Worker:
        plugins = {"amplify-nb-credentials": AmplifyCredentialsPlugin("amplify-nb-credentials", "pub-1")}

    delivery = Delivery("pub-1", 1, credentials(1, clock()))
    assert deliver("amplify-nb-credentials", delivery, dask_worker=Worker()) == ABSENT  # not set up yet
    assert deliver("missing", delivery, dask_worker=Worker()) == ABSENT
    assert deliver("amplify-nb-credentials", delivery, dask_worker=object()) == "failed"


def test_during_a_cognito_outage_a_new_worker_still_gets_what_was_last_published(relay, clock):
    session, workers, publisher = relay
    publisher.hello(["w1"])
    publisher.step()

    def unreachable():
        raise NetworkError("Cognito Identity cannot be reached")

    publisher.source = unreachable
    publisher.hello(["w2"])
    assert publisher.step() == 1.0  # asks again soon (the manager backs off its own calls)
    assert workers.receivers["w2"]().access_key_id == session.current.access_key_id


def test_a_failed_delivery_is_retried_and_a_closed_cluster_stops_the_publisher(relay, clock):
    from amplify_nb.credentials.relay import DeliveryClosed

    session, workers, publisher = relay
    real, failures = publisher.deliver, []

    def flaky(delivery, targets):
        if not failures:
            failures.append(1)
            raise OSError("comm closed")
        return real(delivery, targets)

    publisher.deliver = flaky
    publisher.hello(["w1"])
    assert publisher.step() == 1.0 and not publisher.stopped  # w1's hello is kept for the next round
    publisher.step()
    assert workers.receivers["w1"]().access_key_id == session.current.access_key_id

    def closed(delivery, targets):
        raise DeliveryClosed("the Dask client is closed")

    publisher.deliver = closed
    clock.advance(LIFETIME)
    publisher.step()
    assert publisher.stopped and "closed" in publisher.stats["stopped_because"]
