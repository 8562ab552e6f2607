"""Where a session keeps its tokens between calls, kernels and processes.

The protocol is Amplify JS's in snake_case: ``set_item / get_item / remove_item / clear`` (``sync()``
honoured when present). A storage written for Amplify JS itself (``setItem / getItem / removeItem /
clear``) is accepted too, through one adapter (``storage_adapter``). MemoryStorage is the default;
FileStorage writes one JSON file per session name, atomically and with mode 0600, and refuses to read or
overwrite a file it did not write.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, cast, runtime_checkable

from ..config.files import FileRefused, load_json, read_small_file
from ..errors import StorageError
from .storage_adapter import adapt_storage

__all__ = ["FileStorage", "MemoryStorage", "Storage", "check_storage", "storage_key"]

_FORMAT = "amplify_nb.storage/1"


def storage_key(session: str, *parts: str) -> str:
    """The one scheme of the keys a session keeps in its storage: ``amplify_nb.<session>.<part>...``
    (tokens under the app client id, identity ids under the identity pool id, ...), so that several
    sessions, clients and pools share one storage without meeting."""
    return ".".join(("amplify_nb", session, *parts))


@runtime_checkable
class Storage(Protocol):
    def set_item(self, key: str, value: str) -> None: ...
    def get_item(self, key: str) -> str | None: ...
    def remove_item(self, key: str) -> None: ...
    def clear(self) -> None: ...


def check_storage(storage: Any) -> Storage:
    """The storage a session will use: ``storage`` itself when it has the protocol's methods, adapted when
    it was written for Amplify JS (camelCase); ValidationError naming the methods expected otherwise, or
    when they could not be called as given (async methods, a class whose methods need an instance)."""
    return cast(Storage, adapt_storage(storage))  # duck-typed: it has every method the protocol names


class MemoryStorage:
    """Tokens live as long as the Python process (the kernel)."""

    def __init__(self) -> None:
        self._items: dict[str, str] = {}
        self._lock = threading.Lock()

    def set_item(self, key: str, value: str) -> None:
        with self._lock:
            self._items[key] = value

    def get_item(self, key: str) -> str | None:
        with self._lock:
            return self._items.get(key)

    def remove_item(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __repr__(self) -> str:
        return f"MemoryStorage({len(self._items)} items)"


# One lock per file for every FileStorage in this process: two objects on the same file (two Auth
# sessions, or a session re-created in a notebook) must not interleave their read-modify-write.
_FILE_LOCKS: dict[str, threading.Lock] = {}
_FILE_LOCKS_GUARD = threading.Lock()


def _file_lock(path: Path) -> threading.Lock:
    with _FILE_LOCKS_GUARD:
        return _FILE_LOCKS.setdefault(os.path.realpath(path), threading.Lock())


class FileStorage:
    """One JSON file, written atomically (temp file + rename) with mode 0600.

    ``FileStorage(directory, name)`` keeps ``<directory>/<name>.json``; the default directory is
    ``$AMPLIFY_NB_HOME`` or ``~/.amplify_nb``. A corrupt or foreign file raises StorageError and is
    never overwritten, so no one loses a file by pointing a session at the wrong path. Reads are served
    from a cached copy (``sync()`` drops it); every write re-reads the file first under a lock that other
    processes honour too (``<name>.json.lock`` beside it, filelock, mode 0600), so a write keeps what
    another writer added in between, in this process or another (two kernels, a kernel and
    ``amplify-nb credential-process``), and a sign-out is never undone by a writer that read before it.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, name: str = "default"):
        if (not isinstance(name, str) or not name or name.startswith(".") or "\0" in name
                or any(sep and sep in name for sep in (os.sep, os.altsep, "/"))):
            raise StorageError(f"Invalid session name for a storage file: {name!r} (expected a plain file name)")
        if directory is not None and not isinstance(directory, (str, os.PathLike)):
            raise StorageError(f"FileStorage's directory must be a path, not {type(directory).__name__}")
        base = Path(directory or os.environ.get("AMPLIFY_NB_HOME") or Path.home() / ".amplify_nb").expanduser()
        self.path = base / f"{name}.json"
        self._lock = _file_lock(self.path)
        self._items: dict[str, str] | None = None

    @contextlib.contextmanager
    def _writing(self) -> Iterator[dict[str, str]]:
        """Read-modify-write as one step for every process: this process's lock, then the file's."""
        import filelock

        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                lock = filelock.FileLock(f"{self.path}.lock", mode=0o600)
                lock.acquire()
            except OSError as exc:
                raise StorageError(f"Cannot lock token file {self.path}: {exc.__class__.__name__}") from None
            try:
                self._remove_stale_temp_files()
                yield self._reload()
            finally:
                lock.release()

    def _remove_stale_temp_files(self) -> None:
        """Temp files a writer killed mid-write left behind (every writer writes under the lock held now, so
        none is another writer's file in progress)."""
        for temp in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                temp.unlink()

    def _check_file(self) -> None:
        """Refuse a token file another user could have written or swapped: a symlink, a file owned by
        someone else, or one that group or others may write (tokens are read back from it)."""
        try:
            info = self.path.lstat()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StorageError(f"Cannot read token file {self.path}: {exc.__class__.__name__}") from None
        if stat.S_ISLNK(info.st_mode):
            raise StorageError(f"Token file {self.path} is a symbolic link; refusing to follow it (remove the link, "
                               "or point AMPLIFY_NB_HOME at a directory of your own)")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise StorageError(f"Token file {self.path} belongs to another user (uid {info.st_uid}); refusing to "
                               "use it (move it away, or point AMPLIFY_NB_HOME at a directory of your own)")
        if info.st_mode & 0o022:
            raise StorageError(f"Token file {self.path} may be written by group or others (mode "
                               f"{stat.S_IMODE(info.st_mode):o}); refusing to use it: run chmod 600 on it")

    def _load(self) -> dict[str, str]:
        if self._items is not None:
            return self._items
        self._check_file()
        try:
            data = load_json(read_small_file(self.path))
        except FileNotFoundError:
            self._items = {}
            return self._items
        except FileRefused as exc:
            raise StorageError(f"Token file {self.path} refused: {exc}; move it away to start over") from None
        except json.JSONDecodeError:
            raise StorageError(f"Token file {self.path} is corrupt (not JSON); move it away to start over") from None
        if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("items"), dict):
            raise StorageError(f"{self.path} is not an amplify_nb token file; refusing to use or overwrite it")
        self._items = {str(k): str(v) for k, v in data["items"].items()}
        return self._items

    def _reload(self) -> dict[str, str]:
        self._items = None
        return self._load()

    def _save(self) -> None:
        temp = None
        try:
            payload = json.dumps({"format": _FORMAT, "items": self._items}, indent=1)
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                if hasattr(os, "fchmod"):  # mkstemp already makes it 0600 on POSIX; say so explicitly
                    os.fchmod(handle.fileno(), 0o600)
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
            temp = None
        except BaseException as exc:
            self._items = None  # the cache holds what was not written: read the file again next time
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise StorageError(f"Cannot write token file {self.path}: {exc.__class__.__name__}") from exc
            raise

    def set_item(self, key: str, value: str) -> None:
        with self._writing() as items:
            items[key] = value
            self._save()

    def get_item(self, key: str) -> str | None:
        with self._lock:
            return self._load().get(key)

    def remove_item(self, key: str) -> None:
        with self._writing() as items:
            if items.pop(key, None) is not None:
                self._save()

    def clear(self) -> None:
        with self._writing():  # the read refuses (StorageError) a corrupt or foreign file rather than blank it
            self._items = {}
            self._save()

    def sync(self) -> None:
        """Forget the cached copy, so the next read sees what another process wrote."""
        with self._lock:
            self._items = None

    def __repr__(self) -> str:
        return f"FileStorage({str(self.path)!r})"
