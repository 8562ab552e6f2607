"""The sandbox's state lock (issue 13): the SRP and RSA arithmetic of one request runs with the lock
released, so another student's request is not queued behind it; the lock is back, as deep, afterwards."""

from __future__ import annotations

import threading

import pytest

from amplify_nb.sandbox import srp, tokens
from amplify_nb.sandbox.backend import CognitoBackend
from amplify_nb.sandbox.state_lock import StateLock, outside_state_lock


def other_thread_can_take(lock: StateLock) -> bool:
    got: list[bool] = []

    def take() -> None:
        acquired = lock._lock.acquire(timeout=0.5)
        got.append(acquired)
        if acquired:
            lock._lock.release()
    thread = threading.Thread(target=take)
    thread.start()
    thread.join()
    return got == [True]


def test_outside_releases_every_level_and_takes_them_back():
    lock = StateLock()
    with lock, lock:
        assert not other_thread_can_take(lock)
        with outside_state_lock():
            assert other_thread_can_take(lock)
        assert not other_thread_can_take(lock)
    assert other_thread_can_take(lock)


def test_outside_without_the_lock_is_a_no_op_and_errors_keep_the_lock():
    with outside_state_lock():  # a bare backend call (no request): nothing to release
        pass
    lock = StateLock()
    with pytest.raises(ZeroDivisionError), lock:
        with outside_state_lock():
            1 / 0  # noqa: B018
    assert other_thread_can_take(lock)  # released by the outer with, after being retaken


@pytest.mark.parametrize("work", ["srp", "rsa"])
def test_a_request_computing_does_not_hold_the_state_lock(monkeypatch, work):
    """While one request is inside an exponentiation or a signature, another thread takes the backend's lock."""
    backend = CognitoBackend()
    inside, may_finish = threading.Event(), threading.Event()
    seen: list[bool] = []

    if work == "srp":
        real = srp._powmod

        def slow_powmod(base: int, exp: int, mod: int) -> int:
            inside.set()
            may_finish.wait(5)
            return real(base, exp, mod)
        monkeypatch.setattr(srp, "_powmod", slow_powmod)

        def compute() -> None:
            with backend.lock:
                srp.ServerEphemeral(12345)
                seen.append(not other_thread_can_take(backend.lock))
    else:
        real_encode = tokens.jwt.encode

        def slow_encode(*args, **kwargs):
            inside.set()
            may_finish.wait(5)
            return real_encode(*args, **kwargs)
        # Our module's name for PyJWT, not PyJWT itself, is swapped for the length of the test.
        monkeypatch.setattr(tokens, "jwt", type("SlowJwt", (), {"encode": staticmethod(slow_encode)}))

        def compute() -> None:
            with backend.lock:
                backend.issuer.sign({"sub": "s"})
                seen.append(not other_thread_can_take(backend.lock))

    worker = threading.Thread(target=compute)
    worker.start()
    assert inside.wait(5)
    try:
        assert backend.lock._lock.acquire(timeout=2), "the state lock was held through the arithmetic"
        backend.lock._lock.release()
    finally:
        may_finish.set()
        worker.join(5)
    assert seen == [True]  # and held again once the arithmetic was done
