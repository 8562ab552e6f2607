"""A local Amazon Cognito that fails where the real one fails; see service.Sandbox.

Only tests, notebooks and the CLI import this package (an import-linter contract checks it).
"""

from ..extras import require

# moto and cheroot are imported on first use (the sandbox starts fast): without the extra, say so now, at import.
require("sandbox", "The local sandbox (amplify_nb.sandbox)")

from .models import Message, Outbox, PasswordPolicy  # noqa: E402
from .oauth_browser import HostedUIBrowser  # noqa: E402
from .service import DEMO_USERNAME, Sandbox  # noqa: E402

__all__ = ["DEMO_USERNAME", "HostedUIBrowser", "Message", "Outbox", "PasswordPolicy", "Sandbox"]
