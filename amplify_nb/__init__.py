"""amplify_nb: the AWS Amplify "Auth" category (Cognito user pools + identity pools) for Jupyter.

Importing this package is cheap on purpose: boto3, pycognito, ipywidgets and pandas are imported only
when a feature that needs them is first used (names below resolve lazily).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import AmplifyNbError

__version__ = "0.2.0.dev0"  # the one place the version is written (pyproject reads it); see CHANGELOG.md
__all__ = ["AmplifyNbError", "Auth", "AuthConfig", "FileStorage", "Hub", "I18n", "MemoryStorage", "configure",
           "get_session"]

_LAZY = {
    "Auth": ("amplify_nb.credentials.auth", "Auth"),
    "get_session": ("amplify_nb.core.auth", "get_session"),
    "AuthConfig": ("amplify_nb.config", "AuthConfig"),
    "Hub": ("amplify_nb.core.hub", "Hub"),
    "MemoryStorage": ("amplify_nb.core.storage", "MemoryStorage"),
    "FileStorage": ("amplify_nb.core.storage", "FileStorage"),
    "I18n": ("amplify_nb.widgets.i18n", "I18n"),  # the widgets' translations; imports no ipywidgets
}

if TYPE_CHECKING:
    from .config import AuthConfig
    from .core.auth import get_session
    from .core.hub import Hub
    from .core.storage import FileStorage, MemoryStorage
    from .credentials.auth import Auth
    from .widgets.i18n import I18n


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'amplify_nb' has no attribute {name!r}")


def configure(source: Any = None, *, name: str = "default", storage: Any = None) -> Auth:
    """Configure and return the default Auth (or the one called `name`).

    source: a path to amplify_outputs.json | aws-exports.js | amplifyconfiguration.json, an
    Amplify.configure-style dict, parsed data, or an AuthConfig; None reads $AMPLIFY_NB_CONFIG, then
    ./amplify_outputs.json.
    """
    from .credentials.auth import Auth

    return Auth(source, name=name, storage=storage)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext amplify_nb``: registers the magics; imports nothing heavy (see magics/)."""
    from .magics.magics import AuthMagics

    ipython.register_magics(AuthMagics)


def unload_ipython_extension(ipython: Any) -> None:
    """Magics stay registered until the kernel restarts (IPython has no unregister)."""
