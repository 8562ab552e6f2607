"""The Jupyter Server extension that receives the hosted UI's redirect for kernels behind a Jupyter server.

A kernel on JupyterHub or a cloud notebook cannot listen where the user's browser can reach it; the Jupyter
server can. Registered as a callback URL of the app client, ``<base_url>amplify-nb/oauth/callback`` takes the
browser's redirect and hands the callback URL to the waiting kernel through the core's hand-off directory
(``amplify_nb.core.oauth.handoff``), which the kernel reads in ``sign_in_with_redirect(mode="server")``.

Enabled for users by the ``jupyter_server_config.d/amplify_nb.json`` file installed with the package, or
with ``--ServerApp.jpserver_extensions='{"amplify_nb.serverext": True}'``. Importing this module imports
neither tornado nor jupyter_server: the handlers come with the server that loads them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SIGNED_OUT_PATH", "callback_url", "signed_out_url"]

# Below the server's base_url, beside the callback route (whose path the core defines: server mode
# recognises its redirect URI by it). A sign-out URL to register, if you want the browser back here.
SIGNED_OUT_PATH = "/amplify-nb/oauth/signed-out"


def callback_url(server_url: str) -> str:
    """The redirect URI to register for a Jupyter server whose public URL (base_url included) is
    ``server_url``, e.g. ``https://hub.example.org/user/ada/`` -> ``.../user/ada/amplify-nb/oauth/callback``."""
    from ..core.oauth.urls import CALLBACK_PATH

    return server_url.rstrip("/") + CALLBACK_PATH


def signed_out_url(server_url: str) -> str:
    """The sign-out redirect URI (``logout_uri``) that lands on this server's "signed out" page."""
    return server_url.rstrip("/") + SIGNED_OUT_PATH


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "amplify_nb.serverext"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from .handlers import register

    register(serverapp)
