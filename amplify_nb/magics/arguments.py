"""IPython-style ``@magic_arguments`` / ``@argument`` whose argparse parsers are built on first use.

IPython's own decorators build one ArgumentParser per magic when the module is imported; for our ten
magics that was most of %load_ext's cost. These record the arguments and build the parser the first
time a magic runs, so %load_ext stays cheap.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError


class HelpShown(Exception):
    """--help printed the usage; the magic has nothing else to do."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if status:
            raise UsageError(message or f"{self.prog}: invalid arguments")
        raise HelpShown


def magic_arguments() -> Callable[[Any], Any]:
    def mark(function: Any) -> Any:
        function.__dict__.setdefault("_magic_args", [])
        return function
    return mark


def argument(*args: Any, **kwargs: Any) -> Callable[[Any], Any]:
    def add(function: Any) -> Any:
        # Decorators apply bottom-up; inserting at the front keeps the order they are written in.
        function.__dict__.setdefault("_magic_args", []).insert(0, (args, kwargs))
        return function
    return add


def parse_argstring(magic: Any, line: str) -> argparse.Namespace:
    function = getattr(magic, "__func__", magic)
    parser = function.__dict__.get("_magic_parser")
    if parser is None:
        parser = _Parser(prog=f"%{function.__name__}", description=(function.__doc__ or "").strip())
        for args, kwargs in function.__dict__.get("_magic_args", []):
            parser.add_argument(*args, **kwargs)
        function._magic_parser = parser
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"%{function.__name__}: {exc}") from None
    # A trailing `# comment`, as after any Python line, is not an argument ("a#b" stays one word).
    comment = next((i for i, word in enumerate(words) if word.startswith("#")), len(words))
    return parser.parse_args(words[:comment])
