"""A user pool's users, indexed by the values people sign in with, as Cognito's lookups are.

Signing in by e-mail, phone or a verified alias, and checking that a new user's e-mail is free, used to scan
every user: with 50,000 users a USER_PASSWORD_AUTH took three times as long as with 100. Here the users are
kept by username and also by the lower-cased values of the attributes Cognito lets stand for a username
(e-mail, phone number, preferred username) and by ``sub``. The index only proposes candidates; the caller
still checks each one (verified? a federated user?), so a value that changed is never wrongly matched, and
each user's attributes tell the index when they change, so a new value is never missed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

__all__ = ["INDEXED_ATTRIBUTES", "Indexed", "ObservedAttributes", "UserDirectory"]

INDEXED_ATTRIBUTES = ("email", "phone_number", "preferred_username", "sub")


class Indexed(Protocol):
    """What the index reads of a user (models.User)."""

    sub: str
    attributes: dict[str, str]


U = TypeVar("U", bound=Indexed)


class ObservedAttributes(dict[str, str]):
    """A user's attributes, which call ``on_change`` after every change (whatever changes them)."""

    def __init__(self, data: Iterable[tuple[str, str]] | dict[str, str], on_change: Callable[[], None]):
        super().__init__(data)
        self._on_change = on_change

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key, value)
        self._on_change()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._on_change()

    def update(self, *args: Any, **kwargs: str) -> None:
        super().update(*args, **kwargs)
        self._on_change()

    def pop(self, key: str, *default: Any) -> Any:
        value = super().pop(key, *default)
        self._on_change()
        return value

    def setdefault(self, key: str, default: str = "") -> str:
        value = super().setdefault(key, default)
        self._on_change()
        return value

    def popitem(self) -> tuple[str, str]:
        item = super().popitem()
        self._on_change()
        return item

    def clear(self) -> None:
        super().clear()
        self._on_change()

    def __ior__(self, other: Any) -> ObservedAttributes:  # type: ignore[override,misc]
        super().__ior__(other)
        self._on_change()
        return self


class UserDirectory(dict[str, U]):
    """username -> User, with an index of sign-in values -> usernames kept in step."""

    def __init__(self) -> None:
        super().__init__()
        self._by_value: dict[str, dict[str, None]] = {}  # value -> usernames, in the order they were indexed
        self._values_of: dict[str, tuple[str, ...]] = {}  # username -> the values it is indexed under

    def __setitem__(self, username: str, user: U) -> None:
        if username in self:
            self._unindex(username)
        super().__setitem__(username, user)
        user.attributes = ObservedAttributes(user.attributes, lambda: self._reindex(username, user))
        self._index(username, user)

    def __delitem__(self, username: str) -> None:
        self._unindex(username)
        super().__delitem__(username)

    def pop(self, username: str, *default: Any) -> Any:
        self._unindex(username)
        return super().pop(username, *default)

    def candidates(self, value: str) -> list[U]:
        """The users one of whose indexed attributes is ``value`` (case-insensitively), oldest first."""
        return [self[name] for name in self._by_value.get(value.lower(), ()) if name in self]

    def _reindex(self, username: str, user: U) -> None:
        if self.get(username) is user:
            self._unindex(username)
            self._index(username, user)

    def _index(self, username: str, user: U) -> None:
        values = tuple({str(user.attributes.get(name) or "").lower() for name in INDEXED_ATTRIBUTES} |
                       {user.sub.lower()} - {""})
        for value in values:
            self._by_value.setdefault(value, {})[username] = None
        self._values_of[username] = values

    def _unindex(self, username: str) -> None:
        for value in self._values_of.pop(username, ()):
            names = self._by_value.get(value)
            if names is not None:
                names.pop(username, None)
                if not names:
                    del self._by_value[value]
