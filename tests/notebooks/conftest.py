"""What a notebook's kernel inherits in these tests."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def fresh_kernel_env(tmp_path, monkeypatch):
    """A made-up demo password, no demo sandbox, the kernel's own IPython and home dirs, no AWS_* variables."""
    password = "Nb-" + os.urandom(4).hex() + "-Pw1"
    monkeypatch.setenv("AMPLIFY_NB_DEMO_PASSWORD", password)
    monkeypatch.delenv("AMPLIFY_NB_CONFIG", raising=False)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("AMPLIFY_NB_HOME", str(tmp_path / "amplify_nb"))
    for variable in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(variable)
    return password
