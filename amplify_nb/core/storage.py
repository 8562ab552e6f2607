"""Where a session keeps its tokens between calls, kernels and processes.

The protocol is Amplify JS's: ``set_item / get_item / remove_item / clear`` (``sync()`` honoured when
present). MemoryStorage is the default; FileStorage writes one JSON file per session name, atomically
and with mode 0600, and refuses to read or overwrite a file it did not write.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..errors import StorageError

_FORMAT = "amplify_nb.storage/1"


@runtime_checkable
class Storage(Protocol):
    def set_item(self, key: str, value: str) -> None: ...
    def get_item(self, key: str) -> str | None: ...
    def remove_item(self, key: str) -> None: ...
    def clear(self) -> None: ...


def check_storage(storage: Any) -> Storage:
    missing = [m for m in ("set_item", "get_item", "remove_item", "clear") if not callable(getattr(storage, m, None))]
    if missing:
        raise StorageError(f"{type(storage).__name__} is not a storage: it lacks {', '.join(missing)}")
    return storage


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


class FileStorage:
    """One JSON file, written atomically (temp file + rename) with mode 0600.

    ``FileStorage(directory, name)`` keeps ``<directory>/<name>.json``; the default directory is
    ``$AMPLIFY_NB_HOME`` or ``~/.amplify_nb``. A corrupt or foreign file raises StorageError and is
    never overwritten, so no one loses a file by pointing a session at the wrong path.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, name: str = "default"):
        if not name or "/" in name or name.startswith("."):
            raise StorageError(f"Invalid session name for a storage file: {name!r}")
        base = Path(directory or os.environ.get("AMPLIFY_NB_HOME") or Path.home() / ".amplify_nb")
        self.path = base / f"{name}.json"
        self._lock = threading.Lock()
        self._items: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._items is not None:
            return self._items
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self._items = {}
            return self._items
        except (OSError, UnicodeDecodeError) as exc:
            raise StorageError(f"Cannot read token file {self.path}: {exc.__class__.__name__}") from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            raise StorageError(f"Token file {self.path} is corrupt (not JSON); move it away to start over") from None
        if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("items"), dict):
            raise StorageError(f"{self.path} is not an amplify_nb token file; refusing to use or overwrite it")
        self._items = {str(k): str(v) for k, v in data["items"].items()}
        return self._items

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = json.dumps({"format": _FORMAT, "items": self._items}, indent=1)
        fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def set_item(self, key: str, value: str) -> None:
        with self._lock:
            self._load()[key] = value
            self._save()

    def get_item(self, key: str) -> str | None:
        with self._lock:
            return self._load().get(key)

    def remove_item(self, key: str) -> None:
        with self._lock:
            if self._load().pop(key, None) is not None:
                self._save()

    def clear(self) -> None:
        with self._lock:
            self._load()
            self._items = {}
            self._save()

    def sync(self) -> None:
        """Forget the cached copy, so the next read sees what another process wrote."""
        with self._lock:
            self._items = None

    def __repr__(self) -> str:
        return f"FileStorage({str(self.path)!r})"
