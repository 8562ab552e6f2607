"""A real IPython InteractiveShell for the magics' tests.

History goes to a temporary sqlite file with outputs logged too (what a user's ~/.ipython would hold);
getpass and input are answered by a Keyboard; each cell's stdout, stderr and display messages (including
update_display) are captured. The magics' test modules import the ``shell`` (one per module) and ``keys``
fixtures from here.
"""

from __future__ import annotations

import builtins
import contextlib
import getpass
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import ExecutionResult, InteractiveShell
from IPython.utils.capture import RichOutput, capture_output
from traitlets.config import Config

# Every value typed at a hidden prompt in this process, for the history checks.
TYPED: list[str] = []


@contextlib.contextmanager
def ipython_shell(directory: Path) -> Iterator[InteractiveShell]:
    """The InteractiveShell singleton (display() publishes through it), with `%load_ext amplify_nb` run."""
    config = Config()
    config.HistoryManager.hist_file = str(directory / "history.sqlite")
    config.HistoryManager.db_log_output = True
    config.InteractiveShell.colors = "nocolor"
    saved = os.environ.get("IPYTHONDIR")
    os.environ["IPYTHONDIR"] = str(directory / "ipython")  # no profile written to the real home
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance(config=config)
    try:
        assert shell.run_cell("%load_ext amplify_nb", store_history=True).success
        yield shell
    finally:
        shell._atexit_once()  # ends the history session and closes the database, once (atexit would again)
        InteractiveShell.clear_instance()
        if saved is None:
            os.environ.pop("IPYTHONDIR", None)
        else:
            os.environ["IPYTHONDIR"] = saved


@dataclass
class Cell:
    result: ExecutionResult
    stdout: str
    stderr: str
    outputs: list[RichOutput]

    @property
    def error(self) -> BaseException | None:
        return self.result.error_in_exec

    @property
    def value(self) -> Any:
        return self.result.result

    def shown(self) -> str:
        """Everything the cell printed or displayed, as text (binary images by their size)."""
        parts = [self.stdout, self.stderr]
        for output in self.outputs:
            parts += [value if isinstance(value, str) else f"<{len(value)} bytes>" for value in output.data.values()]
        return "\n".join(parts)


def run(shell: InteractiveShell, source: str) -> Cell:
    """Run one cell as a notebook would (stored in history), capturing what the user would see."""
    with capture_output() as captured:
        result = shell.run_cell(source, store_history=True)
    return Cell(result, captured.stdout, captured.stderr, list(captured.outputs))


def ok(shell: InteractiveShell, source: str) -> Cell:
    cell = run(shell, source)
    assert cell.result.success, (cell.error, cell.shown())
    return cell


def history_text(shell: InteractiveShell) -> str:
    """Everything IPython keeps of the session: the sqlite file (inputs, outputs), the in-memory caches and
    the In/Out variables."""
    shell.history_manager.writeout_cache()
    with contextlib.closing(sqlite3.connect(shell.history_manager.hist_file)) as db:
        rows = [*db.execute("SELECT source, source_raw FROM history"), *db.execute("SELECT output FROM output_history")]
    manager = shell.history_manager
    return "\n".join([*(str(v) for row in rows for v in row), *manager.input_hist_raw, *manager.input_hist_parsed,
                      *manager.output_hist_reprs.values(), *(repr(v) for v in manager.output_hist.values())])


class Keyboard:
    """What the user types, in order, at getpass (secret) and input (visible) prompts. An answer may be a
    callable, called when the prompt appears (a code that was sent a moment before)."""

    def __init__(self) -> None:
        self.answers: list[str | Callable[[], str]] = []
        self.prompts: list[str] = []

    def type(self, *answers: str | Callable[[], str]) -> None:
        self.answers.extend(answers)

    def _next(self, prompt: str) -> str:
        self.prompts.append(prompt)
        assert self.answers, f"nothing left to type at {prompt!r}"
        answer = self.answers.pop(0)
        return answer() if callable(answer) else answer

    def getpass(self, prompt: str = "Password: ", stream: Any = None) -> str:
        value = self._next(prompt)
        TYPED.append(value)
        return value

    def input(self, prompt: str = "") -> str:
        return self._next(prompt)

    @classmethod
    def install(cls, monkeypatch: Any) -> Keyboard:
        keys = cls()
        monkeypatch.setattr(getpass, "getpass", keys.getpass)
        monkeypatch.setattr(builtins, "input", keys.input)
        return keys


@pytest.fixture(scope="module")
def shell(tmp_path_factory: Any) -> Iterator[InteractiveShell]:
    with ipython_shell(tmp_path_factory.mktemp("ipython")) as sh:
        yield sh


@pytest.fixture
def keys(monkeypatch: Any) -> Iterator[Keyboard]:
    """The keyboard; whatever a test typed must have been asked for."""
    keys = Keyboard.install(monkeypatch)
    yield keys
    assert not keys.answers, f"left untyped: {keys.answers}"
