"""Reading a small JSON or JavaScript file that someone else may have written: a configuration file, a token file.

Such a file can be anything a path names: a FIFO (reading it blocks until a writer comes, for ever in a
notebook), a device, a huge file, or JSON nested deeply enough to overflow the parser's recursion. Each of
those is refused here at once with a typed error that says the limit, before anything is parsed.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "FileRefused", "check_depth", "load_json", "read_small_file"]

MAX_FILE_BYTES = 1024 * 1024  # an amplify_outputs.json with every category is a few KB; a token file smaller
MAX_DEPTH = 64  # the deepest real configuration nests 6 levels


class FileRefused(ValueError):
    """Why a file was not read; each caller raises its own typed error (ConfigurationError, StorageError)
    with this message."""


def read_small_file(path: Path, *, limit: int = MAX_FILE_BYTES, encoding: str = "utf-8") -> str:
    """The text of a regular file of at most ``limit`` bytes. FileNotFoundError passes through (callers say
    it their own way); anything else that is not a readable small regular file is a FileRefused."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise FileRefused(f"unreadable ({exc.__class__.__name__})") from None
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused("not a regular file (a directory, FIFO or device cannot be read as one)")
    if info.st_size > limit:
        raise FileRefused(f"{info.st_size} bytes, more than the limit of {limit} bytes")
    try:
        # O_NONBLOCK: should the path have been swapped for a FIFO since the check, the open does not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise FileRefused(f"unreadable ({exc.__class__.__name__})") from None
    if len(raw) > limit:
        raise FileRefused(f"more than the limit of {limit} bytes")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise FileRefused(f"not {encoding} text") from None


def load_json(text: str, *, depth: int = MAX_DEPTH) -> Any:
    """JSON nested at most ``depth`` levels. json.JSONDecodeError passes through (callers point at the line);
    deeper nesting is a FileRefused whether or not it overflows the parser."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise FileRefused(f"nested more than {depth} levels deep") from None
    check_depth(value, depth)
    return value


def check_depth(value: Any, depth: int = MAX_DEPTH) -> None:
    """FileRefused when a parsed value nests more than ``depth`` levels (counted without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    if deepest > depth:
        raise FileRefused(f"nested more than {depth} levels deep")
