"""The magics' options: declared beside each magic, parsed by argparse, shown by ``%magic?`` and ``--help``.

IPython's own ``@magic_arguments`` builds one ArgumentParser per magic when the module is imported and
writes its help into the function's docstring; for our magics that was most of %load_ext's cost.
Here ``@argument`` only records an option, and ``@magic_arguments()`` turns the method into a
``MagicCommand``: its parser is built the first time the magic runs or its help is asked for, and its
``__doc__`` *is* that help, computed on demand. IPython's ``?`` (and ``??``, Jupyter's inspector,
``%magic``, ``help()``) reads ``__doc__`` through the bound method, so it shows the full usage while
%load_ext builds nothing. The recorded options are the one table both the parser and the help read;
choices that belong to the core's vocabulary (flow names, MFA methods) enter it as ``Deferred``, read
when the parser is built, so that declaring them imports nothing.
"""

from __future__ import annotations

import argparse
import inspect
import shlex
from collections.abc import Callable, Iterable, Sequence
from types import MethodType
from typing import Any

from IPython.core.error import UsageError

__all__ = ["SHARED", "Deferred", "HelpShown", "MagicCommand", "argument", "magic_arguments", "parse_argstring"]

# Options that mean the same on every magic that takes them, defined once so that their metavar and help
# cannot drift apart between magics. ``@argument("--code-env")`` takes the definition from here; keyword
# arguments given there refine it (a help that says which password). Every magic takes ``--name``.
SHARED: dict[str, dict[str, Any]] = {
    "--name": {"metavar": "SESSION",
               "help": "the session to use, for sessions side by side (default: AuthMagics.default_session, "
                       "'default')"},
    "--password-env": {"metavar": "VAR", "help": "read the password from this environment variable instead of "
                                                 "asking for it (for unattended runs)"},
    "--new-password-env": {"metavar": "VAR", "help": "read the new password from this environment variable "
                                                     "instead of asking for it"},
    "--code-env": {"metavar": "VAR", "help": "read codes (MFA, confirmation, reset) from this environment "
                                             "variable instead of asking for them"},
}


class Deferred(Sequence[str]):
    """A sequence made on first use, for argparse's ``choices``: the magics name the core's vocabulary in
    their option table without importing it at %load_ext (importing it costs about what %load_ext may)."""

    def __init__(self, make: Callable[[], Iterable[str]]):
        self._make = make
        self._items: tuple[str, ...] | None = None

    def _made(self) -> tuple[str, ...]:
        if self._items is None:
            self._items = tuple(self._make())
        return self._items

    def __getitem__(self, index: Any) -> Any:
        return self._made()[index]

    def __len__(self) -> int:
        return len(self._made())


class HelpShown(Exception):
    """--help printed the usage; the magic has nothing else to do."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if status:
            raise UsageError(message or f"{self.prog}: invalid arguments")
        raise HelpShown


class MagicCommand:
    """A magic method with its options; calling it (or the method bound from it) runs the method.

    A plain function's ``__doc__`` is a fixed attribute, so the help could not be both complete and
    lazy; this object answers ``__doc__`` with the parser's help, built on first use. Bound to an
    AuthMagics it becomes a real bound method whose ``__doc__`` IPython reads from here.
    """

    def __init__(self, function: Callable[..., Any], arguments: list[tuple[tuple[Any, ...], dict[str, Any]]]):
        self.function = function
        self.arguments = arguments  # (flags, argparse keywords) in the order written; the one table
        self.__name__ = function.__name__
        self.__qualname__ = function.__qualname__
        self.__module__ = function.__module__
        self.__wrapped__ = function  # inspect.signature and IPython's "File:" follow it to the method
        self._parser: _Parser | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        return self if instance is None else MethodType(self, instance)

    @property
    def parser(self) -> argparse.ArgumentParser:
        if self._parser is None:
            parser = _Parser(prog=f"%{self.__name__}", description=inspect.cleandoc(self.function.__doc__ or ""))
            for flags, options in self.arguments:
                parser.add_argument(*flags, **options)
            self._parser = parser
        return self._parser

    # Overrides the class docstring above on purpose: an instance's __doc__ is its magic's help.
    @property  # type: ignore[override]
    def __doc__(self) -> str:
        return self.parser.format_help()


def magic_arguments() -> Callable[[Callable[..., Any]], MagicCommand]:
    """Make the method a MagicCommand with the options its ``@argument`` lines recorded, plus ``--name``."""
    def make(function: Callable[..., Any]) -> MagicCommand:
        arguments = function.__dict__.pop("_magic_args", [])
        return MagicCommand(function, [*arguments, (("--name",), dict(SHARED["--name"]))])
    return make


def argument(*flags: Any, **options: Any) -> Callable[[Any], Any]:
    """Record one option (argparse's ``add_argument`` arguments); a SHARED flag starts from its definition."""
    options = {**SHARED.get(flags[0], {}), **options} if flags else options

    def add(function: Any) -> Any:
        # Decorators apply bottom-up; inserting at the front keeps the order they are written in.
        function.__dict__.setdefault("_magic_args", []).insert(0, (flags, options))
        return function
    return add


def parse_argstring(magic: Any, line: str) -> argparse.Namespace:
    command: MagicCommand = getattr(magic, "__func__", magic)
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"%{command.__name__}: {exc}") from None
    # A trailing `# comment`, as after any Python line, is not an argument ("a#b" stays one word).
    comment = next((i for i, word in enumerate(words) if word.startswith("#")), len(words))
    return command.parser.parse_args(words[:comment])
