"""The package's promises about itself: every module says what it exports (``__all__``, each name defined),
and the package ships its type information (py.typed, read by mypy and editors)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import amplify_nb

MODULES = sorted(info.name for info in pkgutil.walk_packages(amplify_nb.__path__, "amplify_nb."))


@pytest.mark.parametrize("name", MODULES)
def test_every_module_declares_what_it_exports(name):
    module = importlib.import_module(name)
    assert isinstance(getattr(module, "__all__", None), list), f"{name} has no __all__"
    missing = [item for item in module.__all__ if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"


def test_the_package_is_typed():
    assert (Path(amplify_nb.__file__).parent / "py.typed").is_file()
