"""The sandbox's one lock over its state, with a way out for pure CPU work.

Every operation changes the pools under one lock, so concurrent clients never lose an update. But most of
an SRP sign-in's time is two 3072-bit exponentiations and an RSA signature per token, which read no shared
state: holding the lock through them made a class of 32 students queue behind each other's arithmetic.
``outside_state_lock()`` lets those computations run with the lock released (by whichever thread holds it,
to whatever depth), so the lock covers only the reads and writes of state.

The caller must hold no reference into shared state across the release that it then trusts blindly: the
exponentiations and signatures take plain numbers and dicts already copied out of the state. Nor may it let go
between a check and the act the check allows: a password check (the lockout's count of attempts) and setting a
password (the one user a sign-up creates) stay under the lock; only a new challenge's B and the token
signatures leave it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

__all__ = ["StateLock", "outside_state_lock"]

_held = threading.local()  # .stack: [StateLock, depth] entries this thread holds, innermost last


def _stack() -> list[list]:
    stack: list[list] | None = getattr(_held, "stack", None)
    if stack is None:
        stack = _held.stack = []
    return stack


class StateLock:
    """A re-entrant lock that knows, per thread, how deep it is held (so it can be released and retaken)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def acquire(self) -> None:
        self._lock.acquire()
        stack = _stack()
        if stack and stack[-1][0] is self:
            stack[-1][1] += 1
        else:
            stack.append([self, 1])

    def release(self) -> None:
        stack = _stack()
        stack[-1][1] -= 1
        if stack[-1][1] == 0:
            stack.pop()
        self._lock.release()

    def __enter__(self) -> StateLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()


@contextmanager
def outside_state_lock() -> Iterator[None]:
    """Run the body without the StateLock this thread holds last, if any; take it back, as deep, afterwards."""
    stack = _stack()
    if not stack:
        yield
        return
    lock, depth = stack.pop()
    for _ in range(depth):
        lock._lock.release()
    try:
        yield
    finally:
        for _ in range(depth):
            lock._lock.acquire()
        stack.append([lock, depth])
