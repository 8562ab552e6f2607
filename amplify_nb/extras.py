"""What each optional part of amplify_nb needs, and the one-line error when it is not installed.

``pip install amplify-nb`` gives the core, the magics, the widget and pandas/s3fs. The local sandbox, the demo,
and Dask come with extras; a feature whose extra is missing says which one to install
(``pip install 'amplify-nb[sandbox]'``, a MissingExtraError) rather than a ModuleNotFoundError from deep
inside a lazy import. Checking costs a look-up on sys.path per module (``find_spec``): nothing is imported,
so a guard can stand where the heavy imports are deferred (the sandbox imports moto on first use).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import MissingExtraError

__all__ = ["EXTRAS", "missing", "needs_extra", "require"]

_SANDBOX = ("moto", "werkzeug", "cheroot")
_DASK = ("distributed", "dask")

# The top-level modules each extra of pyproject.toml brings (a unit test holds the two together). The demo
# extra includes the sandbox and Dask (notebooks/11_dask), so it is checked as a whole.
EXTRAS: dict[str, tuple[str, ...]] = {
    "sandbox": _SANDBOX,
    "dask": _DASK,
    "wrangler": ("awswrangler",),
    "demo": ("jupyterlab", "nbclient", "nbformat", "ipykernel", "pyotp", *_SANDBOX, *_DASK),
}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a finder that refuses the name, or a module half set up
        return False


def missing(extra: str) -> str | None:
    """The first module of ``extra`` that is not installed, or None."""
    return next((module for module in EXTRAS[extra] if not _installed(module)), None)


def require(extra: str, feature: str) -> None:
    """Raise MissingExtraError naming ``extra`` when one of its modules is not installed."""
    module = missing(extra)
    if module is not None:
        raise MissingExtraError(feature, extra, module)


@contextmanager
def needs_extra(extra: str, feature: str) -> Iterator[None]:
    """Around a lazy import: a ModuleNotFoundError for one of the extra's modules becomes the extra's
    MissingExtraError; any other (a broken install of something else) passes unchanged."""
    try:
        yield
    except ModuleNotFoundError as exc:
        top = (exc.name or "").partition(".")[0]
        if top not in EXTRAS[extra]:
            raise
        raise MissingExtraError(feature, extra, top) from None
