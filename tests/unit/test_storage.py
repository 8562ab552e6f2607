"""Token storage: MemoryStorage, FileStorage (0600, atomic, never overwrites what it did not write), check_storage."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from amplify_nb.core.storage import FileStorage, MemoryStorage, check_storage
from amplify_nb.errors import StorageError, ValidationError

TOKENS = json.dumps({"id_token": "eyJ.a.b", "access_token": "eyJ.c.d", "refresh_token": "r-1"})


def files_in(directory) -> list[str]:
    """The files a storage left, less the lock file each token file has beside it (see the lock tests)."""
    return sorted(name for name in os.listdir(directory) if not name.endswith(".json.lock"))


def valid_file(path, items: dict[str, str]) -> None:
    """A token file as another FileStorage (another kernel) wrote it."""
    writer = FileStorage(path.parent, path.stem)
    for key, value in items.items():
        writer.set_item(key, value)


# ---- MemoryStorage --------------------------------------------------------------------------------

def test_memory_storage_round_trip():
    storage = MemoryStorage()
    assert storage.get_item("k") is None
    storage.set_item("k", TOKENS)
    storage.set_item("other", "x")
    assert storage.get_item("k") == TOKENS
    storage.set_item("k", "newer")
    assert storage.get_item("k") == "newer"
    storage.remove_item("k")
    storage.remove_item("never-set")  # no error, as in Amplify JS
    assert storage.get_item("k") is None and storage.get_item("other") == "x"
    storage.clear()
    assert storage.get_item("other") is None


def test_memory_storages_are_separate():
    first, second = MemoryStorage(), MemoryStorage()
    first.set_item("k", "v")
    assert second.get_item("k") is None


# ---- FileStorage: persistence and layout -------------------------------------------------------------

def test_file_storage_persists_for_a_new_process(tmp_path):
    FileStorage(tmp_path, "alice").set_item("tokens", TOKENS)
    assert FileStorage(tmp_path, "alice").get_item("tokens") == TOKENS  # a fresh object: nothing cached


def test_one_file_per_session_name(tmp_path):
    alice, bob = FileStorage(tmp_path, "alice"), FileStorage(tmp_path, "bob")
    alice.set_item("tokens", "a")
    bob.set_item("tokens", "b")
    assert files_in(tmp_path) == ["alice.json", "bob.json"]
    assert alice.path == tmp_path / "alice.json"
    bob.clear()
    assert FileStorage(tmp_path, "alice").get_item("tokens") == "a"
    assert FileStorage(tmp_path, "bob").get_item("tokens") is None


def test_remove_and_clear_persist(tmp_path):
    storage = FileStorage(tmp_path, "s")
    storage.set_item("a", "1")
    storage.set_item("b", "2")
    storage.remove_item("a")
    assert FileStorage(tmp_path, "s").get_item("a") is None
    assert FileStorage(tmp_path, "s").get_item("b") == "2"
    storage.clear()
    assert FileStorage(tmp_path, "s").get_item("b") is None


def test_missing_file_reads_as_empty_and_creates_directories(tmp_path):
    directory = tmp_path / "nested" / "tokens"
    storage = FileStorage(directory, "default")
    assert storage.get_item("anything") is None
    assert not directory.exists()  # reading creates nothing
    storage.set_item("k", "v")
    assert (directory / "default.json").is_file()


def test_default_directory_is_amplify_nb_home(tmp_path, monkeypatch):
    monkeypatch.setenv("AMPLIFY_NB_HOME", str(tmp_path / "home"))
    storage = FileStorage(name="work")
    storage.set_item("k", "v")
    assert (tmp_path / "home" / "work.json").is_file()


def test_default_directory_without_the_variable_is_under_home(tmp_path, monkeypatch):
    monkeypatch.delenv("AMPLIFY_NB_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert FileStorage().path == tmp_path / ".amplify_nb" / "default.json"
    assert FileStorage("~/tokens", "x").path == tmp_path / "tokens" / "x.json"


# ---- FileStorage: permissions and atomic writes ------------------------------------------------------

def test_token_file_is_private(tmp_path):
    storage = FileStorage(tmp_path, "alice")
    storage.set_item("tokens", TOKENS)
    assert stat.S_IMODE(os.stat(storage.path).st_mode) == 0o600


def test_a_world_readable_token_file_becomes_private_on_write(tmp_path):
    valid_file(tmp_path / "alice.json", {"tokens": "old"})
    os.chmod(tmp_path / "alice.json", 0o644)
    FileStorage(tmp_path, "alice").set_item("tokens", "new")
    assert stat.S_IMODE(os.stat(tmp_path / "alice.json").st_mode) == 0o600


def test_writes_leave_no_temporary_files(tmp_path):
    storage = FileStorage(tmp_path, "alice")
    for n in range(20):
        storage.set_item(f"k{n}", str(n))
    storage.remove_item("k3")
    storage.clear()
    assert files_in(tmp_path) == ["alice.json"]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch, failing):
    storage = FileStorage(tmp_path, "alice")
    storage.set_item("tokens", "old")
    before = storage.path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, broken)
    with pytest.raises(StorageError, match="Cannot write"):
        storage.set_item("tokens", "new")
    monkeypatch.undo()
    assert storage.path.read_bytes() == before
    assert files_in(tmp_path) == ["alice.json"]
    assert storage.get_item("tokens") == "old"  # the object does not pretend the write happened
    assert FileStorage(tmp_path, "alice").get_item("tokens") == "old"


def test_unwritable_location_is_a_storage_error(tmp_path):
    (tmp_path / "not-a-dir").write_text("I am a file")
    storage = FileStorage(tmp_path / "not-a-dir", "alice")
    with pytest.raises(StorageError):
        storage.set_item("k", "v")
    assert (tmp_path / "not-a-dir").read_text() == "I am a file"


# ---- FileStorage: files it must not use --------------------------------------------------------------

@pytest.mark.parametrize(("content", "message"), [
    (b"{not json", "corrupt"),
    (b"", "corrupt"),
    (b'{"theme": "dark", "fontSize": 14}\n', "not an amplify_nb token file"),
    (b'["a", "b"]', "not an amplify_nb token file"),
    (b'{"format": "amplify_nb.storage/1", "items": ["x"]}', "not an amplify_nb token file"),
    (b'{"format": "something-else/1", "items": {}}', "not an amplify_nb token file"),
])
def test_corrupt_or_foreign_file_is_refused_and_never_overwritten(tmp_path, content, message):
    path = tmp_path / "alice.json"
    path.write_bytes(content)
    storage = FileStorage(tmp_path, "alice")
    with pytest.raises(StorageError, match=message) as info:
        storage.get_item("tokens")
    assert str(path) in str(info.value)
    for attempt in (lambda: storage.set_item("tokens", TOKENS), lambda: storage.remove_item("tokens"),
                    storage.clear):
        with pytest.raises(StorageError, match=message):
            attempt()
        assert path.read_bytes() == content
    assert files_in(tmp_path) == ["alice.json"]


def test_foreign_file_appearing_after_first_read_is_not_overwritten(tmp_path):
    storage = FileStorage(tmp_path, "alice")
    assert storage.get_item("tokens") is None  # nothing there yet
    path = tmp_path / "alice.json"
    path.write_text('{"notebook": "settings"}')
    with pytest.raises(StorageError):
        storage.set_item("tokens", TOKENS)
    assert path.read_text() == '{"notebook": "settings"}'


def test_unreadable_path_is_a_storage_error(tmp_path):
    (tmp_path / "alice.json").mkdir()  # stands in for an unreadable file (chmod 000 does not stop root)
    storage = FileStorage(tmp_path, "alice")
    with pytest.raises(StorageError, match="not a regular file"):
        storage.get_item("tokens")
    with pytest.raises(StorageError):
        storage.set_item("tokens", TOKENS)
    assert (tmp_path / "alice.json").is_dir() and not any((tmp_path / "alice.json").iterdir())
    assert files_in(tmp_path) == ["alice.json"]


@pytest.mark.parametrize("name", ["", ".hidden", "..", "../escape", "a/b", "a\0b", None, 5])
def test_invalid_session_names(tmp_path, name):
    with pytest.raises(StorageError, match="Invalid session name"):
        FileStorage(tmp_path, name)
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("name", ["default", "alice@example.com", "work-2", "Projekt Ü"])
def test_plain_names_are_accepted(tmp_path, name):
    FileStorage(tmp_path, name).set_item("k", "v")
    assert files_in(tmp_path) == [f"{name}.json"]


def run_writers(count: int, storage_for, items: int) -> list[BaseException]:
    """`count` threads each writing `items` keys through storage_for(thread number); their errors."""
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        storage = storage_for(n)
        try:
            for i in range(items):
                storage.set_item(f"t{n}-{i}", f"{n}:{i}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


# ---- FileStorage: several writers --------------------------------------------------------------------

def test_threads_writing_through_one_storage_lose_nothing(tmp_path):
    storage = FileStorage(tmp_path, "shared")
    assert run_writers(8, lambda n: storage, 25) == []
    fresh = FileStorage(tmp_path, "shared")
    assert all(fresh.get_item(f"t{n}-{i}") == f"{n}:{i}" for n in range(8) for i in range(25))
    assert files_in(tmp_path) == ["shared.json"]


def test_threads_each_with_their_own_storage_on_one_file_lose_nothing(tmp_path):
    """Two Auth sessions (or a session re-created in a notebook) on the same token file."""
    assert run_writers(6, lambda n: FileStorage(tmp_path, "shared"), 15) == []
    fresh = FileStorage(tmp_path, "shared")
    assert all(fresh.get_item(f"t{n}-{i}") == f"{n}:{i}" for n in range(6) for i in range(15))


def test_sync_sees_what_another_writer_wrote(tmp_path):
    first, second = FileStorage(tmp_path, "s"), FileStorage(tmp_path, "s")
    assert first.get_item("tokens") is None
    second.set_item("tokens", TOKENS)
    first.sync()
    assert first.get_item("tokens") == TOKENS
    second.remove_item("tokens")
    first.sync()
    assert first.get_item("tokens") is None


def test_a_write_keeps_what_another_writer_added(tmp_path):
    first, second = FileStorage(tmp_path, "s"), FileStorage(tmp_path, "s")
    first.set_item("a", "1")
    second.set_item("b", "2")  # second has never read the file before
    first.set_item("c", "3")  # first's cached copy predates "b"
    fresh = FileStorage(tmp_path, "s")
    assert (fresh.get_item("a"), fresh.get_item("b"), fresh.get_item("c")) == ("1", "2", "3")


# ---- check_storage ----------------------------------------------------------------------------------

class DictStorage:
    """What a user might plug in: anything with the four methods."""

    def __init__(self):
        self.data: dict[str, str] = {}

    def set_item(self, key, value):
        self.data[key] = value

    def get_item(self, key):
        return self.data.get(key)

    def remove_item(self, key):
        self.data.pop(key, None)

    def clear(self):
        self.data.clear()


@pytest.mark.parametrize("make", [MemoryStorage, DictStorage, lambda: FileStorage("/nonexistent-dir", "x")])
def test_check_storage_accepts_anything_with_the_four_methods(make):
    storage = make()
    assert check_storage(storage) is storage


class HalfStorage:
    def get_item(self, key):
        return None

    def set_item(self, key, value):
        pass

    remove_item = "not callable"


@pytest.mark.parametrize(("candidate", "missing"), [
    ({}, "set_item, get_item, remove_item"),
    (None, "set_item, get_item, remove_item, clear"),
    (HalfStorage(), "remove_item, clear"),
])
def test_check_storage_refuses_other_objects(candidate, missing):
    with pytest.raises(ValidationError) as info:  # a bad argument (was StorageError, kept for unreadable stores)
        check_storage(candidate)
    assert missing in str(info.value)
    assert type(candidate).__name__ in str(info.value)


_WRITER = """
import sys
from amplify_nb.core.storage import FileStorage
storage = FileStorage(sys.argv[1], "shared")
for i in range(int(sys.argv[3])):
    storage.set_item(f"{sys.argv[2]}-{i}", "v")
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    """Issue 13: with only an in-process lock, two processes writing 150 keys each lost 137 of 300."""
    import subprocess
    import sys

    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), name, "150"]) for name in "ab"]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    assert len(json.loads((tmp_path / "shared.json").read_text())["items"]) == 300
    assert oct((tmp_path / "shared.json.lock").stat().st_mode & 0o777) == "0o600"

