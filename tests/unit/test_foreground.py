"""Foreground commands (sandbox, demo, credentials-endpoint) stop on Ctrl+C/SIGTERM, then give the process its own
handlers back: run in-process (a test, a notebook calling the CLI), Ctrl+C must raise KeyboardInterrupt again."""

from __future__ import annotations

import os
import signal
import time

import pytest

from amplify_nb.core.foreground import stop_on_signals


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_sets_the_event_and_the_handlers_come_back(signum, python_sigint):
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    with stop_on_signals() as stop:
        os.kill(os.getpid(), signum)
        assert stop.wait(5)
    assert {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)} == before
    with pytest.raises(KeyboardInterrupt):  # the process's own Ctrl+C again
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # Python runs the handler at its next check for signals: at once


def test_the_handlers_come_back_when_the_block_fails():
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(RuntimeError), stop_on_signals():
        raise RuntimeError("the command failed")
    assert signal.getsignal(signal.SIGINT) is before
