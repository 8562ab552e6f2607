"""Fixtures of the unit tests that drive amplify_nb.Auth through the fake at the network edge."""

from __future__ import annotations

import uuid

import pytest

import amplify_nb

from .fake_cognito import FakeCognito, JwksServer, SigningKey

POOL_ID = "us-east-1_FakePool7"
CLIENT_ID = "5fakeclient6id7for8unit9tests"


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey("kid-fake-pool")


@pytest.fixture(scope="module")
def jwks(key):
    server = JwksServer(POOL_ID)
    server.keys = [key.jwk]
    yield server
    server.stop()


@pytest.fixture
def fake(key) -> FakeCognito:
    return FakeCognito(POOL_ID, CLIENT_ID, key=key)


@pytest.fixture
def make_auth(fake, jwks):
    def make(**custom: str) -> amplify_nb.Auth:
        config = {"version": "1.3",
                  "auth": {"aws_region": "us-east-1", "user_pool_id": POOL_ID, "user_pool_client_id": CLIENT_ID},
                  "custom": {"amplify_nb": {"endpoint_url": jwks.url, **custom}}}
        return amplify_nb.Auth(config, name=f"fake-{uuid.uuid4().hex[:8]}", transport=fake)
    return make


# ---- the Authenticator's tests (test_authenticator_*.py) ----------------------------------------------------
@pytest.fixture
def fresh_widgets():
    """Widgets closed and I18n back to English after the test (its modules use it for every test)."""
    yield
    import ipywidgets

    from amplify_nb.widgets import I18n

    ipywidgets.Widget.close_all()
    I18n.reset()


@pytest.fixture
def sb(make_sandbox):
    return make_sandbox()[0]


@pytest.fixture
def auth(sb):
    import uuid

    import amplify_nb

    return amplify_nb.Auth(sb.config, name=f"widget-{uuid.uuid4().hex[:8]}")
