"""What the sandbox's managed-login tests share: the app's redirect URI, and the ``hosted`` fixture (import
hosted_fixture): a sandbox with the managed login on the test's clock, and a browser on it."""

from __future__ import annotations

import pytest

from amplify_nb.sandbox.oauth_browser import HostedUIBrowser

__all__ = ["CALLBACK", "hosted_fixture"]

CALLBACK = "http://localhost:3000/callback"


@pytest.fixture(name="hosted")
def hosted_fixture(make_sandbox, clock):
    """(sandbox, its boto3 cognito-idp client, a HostedUIBrowser on it, closed after the test)."""
    sb, cognito = make_sandbox(clock=clock, oauth=True, callback_urls=[CALLBACK])
    with HostedUIBrowser(sb.endpoint_url) as browser:
        yield sb, cognito, browser
