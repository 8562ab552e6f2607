"""A local Amazon Cognito that fails where the real one fails; see service.Sandbox.

Only tests, notebooks and the CLI import this package (an import-linter contract checks it).
"""

from .models import Message, Outbox, PasswordPolicy
from .oauth_browser import HostedUIBrowser
from .service import DEMO_USERNAME, Sandbox

__all__ = ["DEMO_USERNAME", "HostedUIBrowser", "Message", "Outbox", "PasswordPolicy", "Sandbox"]
