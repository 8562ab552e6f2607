"""``%xmode Verbose`` prints every frame's locals when something fails raw (issue 13, item 5): a password or
code read by a magic travels as a Secret, masked in those locals, down to the call that sends it."""

from __future__ import annotations

import pytest

import amplify_nb.core.service
from amplify_nb.sandbox import Sandbox

from .ipython_shell import ok, run

PASSWORD = "Correct-horse-1-verbose"


@pytest.fixture
def sb(shell):
    with Sandbox(moto=False) as sandbox:
        sandbox.create_user("ada@example.com", PASSWORD, {"email": "ada@example.com"})
        shell.user_ns["outputs"] = sandbox.config
        ok(shell, "%auth_configure outputs --name verbose")
        yield sandbox


def test_a_raw_error_under_xmode_verbose_shows_no_password(shell, keys, sb, monkeypatch):
    def explode(self, operation, **params):  # a bug deep in the call, after the password was read and passed on
        raise RuntimeError("boom")

    monkeypatch.setattr(amplify_nb.core.service.ServiceClient, "call", explode)
    ok(shell, "%xmode Verbose")
    try:
        keys.type(PASSWORD)
        cell = run(shell, "%auth_signin ada@example.com --name verbose --flow USER_PASSWORD_AUTH")
    finally:
        ok(shell, "%xmode Context")
    shown = cell.shown()
    assert isinstance(cell.error, RuntimeError)
    assert "password = '<secret>'" in shown  # the frames' locals were printed, the password masked
    assert PASSWORD not in shown  # (12 times before)
