"""What the magics' and the widget's hosted-UI tests share: the ``fake`` hosted UI at the network edge
(tests/unit/fake_hosted_ui.py) and its ``callbacks`` (fixtures: import callbacks_fixture and fake_fixture), a
configuration whose hosted UI is that fake, and the user's browser, played over HTTP."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from amplify_nb.demo import free_port

from .conftest import CLIENT_ID, POOL_ID
from .fake_cognito import SigningKey
from .fake_hosted_ui import FakeHostedUI

__all__ = ["SIGNED_OUT", "Browser", "callbacks_fixture", "fake_fixture", "hosted_config", "loopback_uri"]

SIGNED_OUT = "http://localhost:9/signed-out"


def loopback_uri() -> str:
    """A registered http://localhost:PORT/ redirect URI on a port free now."""
    return f"http://localhost:{free_port()}/callback"


@pytest.fixture(name="callbacks")
def callbacks_fixture() -> list[str]:
    """The app client's redirect URIs: a loopback one, and an https one."""
    return [loopback_uri(), "https://app.example.org/callback"]


@pytest.fixture(name="fake")
def fake_fixture(key: SigningKey, callbacks: list[str]) -> Iterator[FakeHostedUI]:
    """The fake hosted UI (in place of the unit tests' FakeCognito), stopped after the test."""
    hosted = FakeHostedUI(key, POOL_ID, CLIENT_ID, callbacks)
    yield hosted
    hosted.stop()


def hosted_config(fake: Any, jwks_url: str, callbacks: list[str], *, sign_out: tuple[str, ...] = (),
                  providers: tuple[str, ...] = ("GOOGLE",)) -> dict[str, Any]:
    """amplify_outputs.json (Gen 2) with an oauth section on the fake's domain."""
    return {"version": "1.3",
            "auth": {"aws_region": "us-east-1", "user_pool_id": POOL_ID, "user_pool_client_id": CLIENT_ID,
                     "oauth": {"domain": fake.domain, "scopes": ["openid", "email", "profile"],
                               "redirect_sign_in_uri": callbacks, "redirect_sign_out_uri": list(sign_out),
                               "response_type": "code", "identity_providers": list(providers)}},
            "custom": {"amplify_nb": {"endpoint_url": jwks_url}}}


class Browser:
    """The user's browser: opens the authorize URL at the fake hosted UI, signs in there, follows the
    redirect back to the kernel's listener (loopback) or hands the address over (paste)."""

    def __init__(self, fake: Any):
        self.fake = fake

    def authorize_url(self, nth: int = -1, within: float = 10.0) -> str:
        """The authorize URL the client opened last: its own check of it reached the fake first."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            checks = [params for method, path, params in self.fake.requests
                      if method == "GET" and path == "/oauth2/authorize"]
            if checks and (nth < 0 or len(checks) > nth):
                return f"{self.fake.url}/oauth2/authorize?{urlencode(checks[nth])}"
            time.sleep(0.02)
        raise AssertionError("the client never checked an authorize URL with the hosted UI")

    def come_back(self, callback: str, within: float = 10.0) -> tuple[int, str]:
        """GET the callback as the browser would (the listener may still be starting)."""
        deadline = time.monotonic() + within
        while True:
            try:
                with urllib.request.urlopen(callback, timeout=5) as answer:
                    return answer.status, answer.read().decode()
            except urllib.error.HTTPError as refused:
                return refused.code, refused.read().decode()
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def listening(self, port: int) -> bool:
        """Whether the kernel listens on 127.0.0.1:port (asked at a path the listener does not serve)."""
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/amplify-nb-probe", timeout=2)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True
