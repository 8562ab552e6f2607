"""Server mode's hand-off: the Jupyter server receives the browser's callback, the kernel that started
the sign-in picks it up.

The Jupyter Server extension's route (``<base_url>amplify-nb/oauth/callback``) calls ``write_handoff`` with
the callback's full address; it lands in ``handoff_dir()`` as one file named ``handoff_name(state)``,
written atomically with mode 0600 in a 0700 directory of the user's. The file's name is a hash of the
state, never the state itself: a directory listing gives nothing a forged callback could use. The kernel
waiting for that state reads the file and deletes it (``take_handoff``), then checks the state itself as
for any callback. The Jupyter server and the kernel must share a file system (they do unless the kernel
runs on another machine, e.g. through a kernel gateway).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ...errors import ConfigurationError

__all__ = ["ENV_VAR", "MAX_AGE_SECONDS", "handoff_dir", "handoff_name", "purge_stale", "take_handoff",
           "write_handoff"]

ENV_VAR = "AMPLIFY_NB_HANDOFF_DIR"  # set it (for the server and the kernel alike) to move the directory
MAX_AGE_SECONDS = 600.0  # a code lives 5 minutes at Cognito; a file older than twice that is litter


def handoff_dir() -> Path:
    """``$AMPLIFY_NB_HANDOFF_DIR``, else ``amplify-nb-oauth`` in Jupyter's runtime directory (which the Jupyter
    server and its kernels agree on); made 0700 if missing, refused if another user owns it or others may
    read it."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        directory = Path(configured).expanduser()
    else:
        try:
            from jupyter_core.paths import jupyter_runtime_dir
            runtime = Path(jupyter_runtime_dir())
        except ImportError:  # no Jupyter here: jupyter_core's default on Linux, so both sides still agree
            runtime = Path.home() / ".local" / "share" / "jupyter" / "runtime"
        directory = runtime / "amplify-nb-oauth"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        info = directory.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise ConfigurationError(f"The hand-off directory {directory} must belong to you with mode 0700 "
                                     "(others could read a sign-in's code there); fix it or set "
                                     f"${ENV_VAR}", key=ENV_VAR)
    return directory


def handoff_name(state: str) -> str:
    """The file a callback with this ``state`` is handed over in: a SHA-256 of the state, never the state."""
    return "callback-" + hashlib.sha256(state.encode("utf-8")).hexdigest()


def write_handoff(callback_url: str) -> bool:
    """Hand a callback's full address (query as received) to the kernel waiting for its state. False when
    the address carries no state (nothing could claim it); True once written."""
    try:
        state = dict(parse_qsl(urlsplit(callback_url).query)).get("state")
    except ValueError:
        return False
    if not state:
        return False
    directory = handoff_dir()
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".incoming-")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(callback_url)
        os.replace(temporary, directory / handoff_name(state))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return True


def take_handoff(state: str) -> str | None:
    """The callback handed over for ``state``, removed as it is read (one kernel, once); None if none yet."""
    path = handoff_dir() / handoff_name(state)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    return text


def purge_stale(now: float | None = None) -> None:
    """Remove hand-offs nobody claimed (a sign-in that timed out, a kernel that died)."""
    limit = (time.time() if now is None else now) - MAX_AGE_SECONDS
    for path in handoff_dir().iterdir():
        with contextlib.suppress(OSError):
            if path.name.startswith(("callback-", ".incoming-")) and path.stat().st_mtime < limit:
                path.unlink()
