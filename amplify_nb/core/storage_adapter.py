"""A storage written for Amplify JS, used as amplify_nb's own (the adapter ``check_storage`` puts around it).

Amplify JS takes a storage object with camelCase methods: the seed's ``MyStorage`` (``setItem``, ``getItem``,
``removeItem``, ``clear``, and ``sync`` when the store behind it is asynchronous) and v6's
KeyValueStorageInterface (the same four). amplify_nb's storages speak snake_case (``core/storage.py``). An
Amplify-style object is wrapped here, never patched: the user's object stays as they wrote it, and every
session sees one interface.

Where the two worlds differ, the adapter says how it reads the object:

- An absent key: ``localStorage.getItem`` answers null, a Python port of it often raises KeyError (``return
  self.items[key]``). Both read as absent, and a ``removeItem`` of an absent key that raises KeyError is the
  no-op ``localStorage.removeItem`` is.
- A value read back as bytes (a store such as redis) is decoded as UTF-8; anything else but a string or
  None is refused.
- Its own failures are reported as StorageError naming the method and the exception's type, not its message:
  the message of a failed ``setItem`` may quote the value, which is the session's tokens.
- Asynchronous methods (``async def getItem``, as v6's promise-returning interface reads when ported) are
  refused, not awaited. A session reads and writes its storage synchronously, from the kernel's thread,
  whose event loop is busy running the cell (``asyncio.run`` refuses to start there, and blocking it while
  the coroutine waits for that same loop would hang the kernel), and from botocore's refresh threads.
  Awaiting in a fresh loop of our own works only for a store that holds no loop-bound resource, and the
  asyncio clients such a storage is written on (redis.asyncio's connections, for one) belong to the loop
  that opened them. The refusal names the methods and what to write instead: the same class with plain
  methods over the store's synchronous client.
"""

from __future__ import annotations

import inspect
from typing import Any

from ..errors import AmplifyNbError, StorageError, ValidationError

__all__ = ["AMPLIFY_METHODS", "METHODS", "AmplifyStorage", "adapt_storage"]

METHODS = ("set_item", "get_item", "remove_item", "clear")  # amplify_nb's interface (core/storage.py)
AMPLIFY_METHODS = ("setItem", "getItem", "removeItem", "clear")  # Amplify JS's, the seed's MyStorage
_EXPECTED = (f"expected amplify_nb's storage interface ({', '.join(METHODS)}) or Amplify JS's "
             f"({', '.join(AMPLIFY_METHODS)})")


def _label(storage: Any) -> str:
    """How messages and reprs name a storage: its class, never its repr (which might show what it holds)."""
    return storage.__name__ if isinstance(storage, type) else type(storage).__name__


def _missing(storage: Any, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if not callable(getattr(storage, name, None))]


def adapt_storage(storage: Any) -> Any:
    """``storage`` itself when it has amplify_nb's methods, an AmplifyStorage around it when it has Amplify
    JS's; else ValidationError naming the methods expected and those it lacks."""
    snake, camel = _missing(storage, METHODS), _missing(storage, AMPLIFY_METHODS)
    if snake and camel:
        lacking = camel if len(camel) < len(snake) else snake  # the interface it comes closer to
        raise ValidationError(f"{_label(storage)} is not a storage: it lacks {', '.join(lacking)} ({_EXPECTED})",
                              field="storage")
    names = METHODS if not snake else AMPLIFY_METHODS
    _check_callable_as_given(storage, (*names, "sync"))
    return storage if not snake else AmplifyStorage(storage)


def _check_callable_as_given(storage: Any, names: tuple[str, ...]) -> None:
    """Refuse what would fail at the first sign-in instead: coroutine methods (see the module docstring), and
    a class given where its methods need an instance (the seed's MyStorage has static methods and is passed
    as the class; a class of plain methods is not)."""
    present = [name for name in names if callable(getattr(storage, name, None))]
    if isinstance(storage, type):
        unbound = [name for name in present
                   if not isinstance(inspect.getattr_static(storage, name), (staticmethod, classmethod))]
        if unbound:
            raise ValidationError(f"{storage.__name__} is a class whose {', '.join(unbound)} need an instance: "
                                  f"pass {storage.__name__}() (or make them static methods, as in Amplify's "
                                  "MyStorage example)", field="storage")
    asynchronous = [name for name in present if inspect.iscoroutinefunction(getattr(storage, name))]
    if asynchronous:
        raise ValidationError(
            f"{_label(storage)}'s {', '.join(asynchronous)} are coroutine functions (async def); amplify_nb calls "
            "its storage synchronously, from the kernel's thread, whose event loop is running the cell, and from "
            "credential refresh threads, so it cannot await them. Write them as plain methods over your store's "
            "synchronous client (redis rather than redis.asyncio, sqlite3 rather than aiosqlite)", field="storage")


class AmplifyStorage:
    """A storage written for Amplify JS (``setItem`` / ``getItem`` / ``removeItem`` / ``clear`` / ``sync``),
    seen through amplify_nb's interface. Made by ``check_storage``; see the module docstring for how the two
    interfaces' differences are read."""

    def __init__(self, target: Any):
        self.target = target  # the user's own object, untouched

    def _call(self, method: str, *args: str, absent: bool = False) -> Any:
        try:
            result = getattr(self.target, method)(*args)
        except KeyError:
            if absent:  # a dict-backed port's way of saying "no such key"
                return None
            raise StorageError(f"{_label(self.target)}.{method} failed (KeyError)") from None
        except AmplifyNbError:
            raise
        except Exception as exc:  # the user's store: its message may quote the value, i.e. the tokens
            raise StorageError(f"{_label(self.target)}.{method} failed ({type(exc).__name__})") from None
        if inspect.isawaitable(result):  # a plain method that hands back a coroutine or a future
            if inspect.iscoroutine(result):
                result.close()  # never run: no "was never awaited" warning on top of this error
            raise StorageError(f"{_label(self.target)}.{method} returned an awaitable; amplify_nb calls its "
                               "storage synchronously (see amplify_nb.core.storage_adapter)")
        return result

    def set_item(self, key: str, value: str) -> None:
        self._call("setItem", key, value)

    def get_item(self, key: str) -> str | None:
        value = self._call("getItem", key, absent=True)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (bytes, bytearray)):
            try:
                return bytes(value).decode("utf-8")
            except UnicodeDecodeError:
                raise StorageError(f"{_label(self.target)}.getItem returned bytes that are not UTF-8") from None
        raise StorageError(f"{_label(self.target)}.getItem returned a {type(value).__name__}; expected a string "
                           "or None")

    def remove_item(self, key: str) -> None:
        self._call("removeItem", key, absent=True)

    def clear(self) -> None:
        self._call("clear")

    def sync(self) -> None:
        """The seed's ``sync()``: where an Amplify storage loads its items before they are read."""
        if callable(getattr(self.target, "sync", None)):
            self._call("sync")

    def __repr__(self) -> str:
        return f"AmplifyStorage({_label(self.target)})"
