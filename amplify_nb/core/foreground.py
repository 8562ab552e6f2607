"""A foreground command's way to stop: Ctrl+C or SIGTERM sets an event, and the handlers are put back after.

`amplify-nb sandbox`, `amplify-nb demo` and `amplify-nb credentials-endpoint` run until stopped. Putting the
previous handlers back matters when such a command runs inside another program's process (a test, a notebook
calling the CLI's main()): that program's own Ctrl+C (IPython's KeyboardInterrupt) must work again afterwards.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["stop_on_signals"]


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM while the block runs (call it from the main thread)."""
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
