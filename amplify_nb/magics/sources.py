"""Where %auth_configure --sandbox finds a running sandbox, without importing it (layering: only tests,
notebooks and the CLI import amplify_nb.sandbox)."""

from __future__ import annotations

import json
from typing import Any

from IPython.core.error import UsageError

__all__ = ["running_sandbox_config"]


def running_sandbox_config(user_ns: dict[str, Any]) -> dict[str, Any]:
    """A running sandbox: a Sandbox bound to `sandbox` in the notebook, else the amplify_outputs.json
    that `amplify-nb sandbox` wrote here. (The magics never import the sandbox: layering.)"""
    running = user_ns.get("sandbox")
    if running is not None and isinstance(getattr(running, "config", None), dict):
        return running.config
    from ..config import default_source

    path = default_source() or "amplify_outputs.json"
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except (OSError, ValueError):
        config = None
    if isinstance(config, dict) and (config.get("custom") or {}).get("amplify_nb", {}).get("sandbox"):
        return config
    raise UsageError("No running sandbox found: run `amplify-nb sandbox` in this directory, or in a cell "
                     "`from amplify_nb.sandbox import Sandbox; sandbox = Sandbox().start()`")
