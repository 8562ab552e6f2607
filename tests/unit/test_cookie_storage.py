"""``cookieStorage`` in a configuration: a kernel has no cookies, so it is said once, with where the tokens go
instead, and the rest of the configuration loads as before (v5's Auth.cookieStorage, a bare Auth.configure
object, a key pasted elsewhere); a configuration without it says nothing."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import amplify_nb
from amplify_nb.config import ConfigurationWarning, CookieStorage, from_mapping, load_config

FIXTURES = Path(__file__).parent.parent / "fixtures" / "config"
BARE = json.loads((FIXTURES / "auth-configure.bare.json").read_text())
WITHOUT = {key: value for key, value in BARE.items() if key != "cookieStorage"}


def caught(action):
    """What ``action`` returns, and every ConfigurationWarning it gave (each one, not once per place)."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = action()
    return result, [w for w in seen if issubclass(w.category, ConfigurationWarning)]


def test_cookie_storage_warns_once_and_the_configuration_still_loads():
    config, seen = caught(lambda: from_mapping({"Auth": BARE}))
    assert len(seen) == 1
    message = str(seen[0].message)
    assert "cookieStorage is not used" in message and "no cookies" in message
    assert "MemoryStorage" in message and "FileStorage" in message  # which storage is used instead
    assert config.cookie_storage == CookieStorage(".example.org", "/", 365, True, "strict")
    assert config.with_changes(cookie_storage=None) == from_mapping({"Auth": WITHOUT})  # the rest: as before


def test_a_session_configured_with_it_warns_once_and_works(tmp_path):
    path = tmp_path / "amplifyconfiguration.json"
    path.write_text(json.dumps({"Auth": BARE}))
    auth, seen = caught(lambda: amplify_nb.configure(str(path), name="cookies"))
    assert len(seen) == 1 and str(path) in str(seen[0].message)
    assert auth.config.user_pool_id == "us-east-1_BareConf1" and auth.config.identity_pool_id
    _, again = caught(lambda: amplify_nb.Auth(auth.config, name="cookies-again"))  # the AuthConfig read
    assert again == []


def test_the_configurations_own_storage_is_named_instead():
    class MyStorage:
        @staticmethod
        def setItem(key, value): ...

        @staticmethod
        def getItem(key): ...

        @staticmethod
        def removeItem(key): ...

        @staticmethod
        def clear(): ...

    _, seen = caught(lambda: load_config({"Auth": {**BARE, "storage": MyStorage}}))
    assert len(seen) == 1 and "the configuration's own storage (MyStorage)" in str(seen[0].message)


@pytest.mark.parametrize("source", [
    {"Auth": {"Cognito": {"userPoolId": "us-east-1_BareConf1", "userPoolClientId": "6bare7configure8client9id0a",
                          "cookieStorage": {"domain": ".example.org"}}}},  # v6 has no such key: pasted there
    {"aws_project_region": "us-east-1", "aws_user_pools_id": "us-east-1_BareConf1",
     "aws_user_pools_web_client_id": "6bare7configure8client9id0a", "cookieStorage": {"domain": ".example.org"}},
])
def test_a_cookie_storage_pasted_elsewhere_warns_too(source):
    config, seen = caught(lambda: from_mapping(source))
    assert len(seen) == 1 and "cookieStorage is not used" in str(seen[0].message)
    assert config.user_pool_id == "us-east-1_BareConf1"


@pytest.mark.parametrize("source", [
    {"Auth": WITHOUT},
    {"version": "1.3", "auth": {"aws_region": "us-east-1", "user_pool_id": "us-east-1_BareConf1",
                                "user_pool_client_id": "6bare7configure8client9id0a"}},
])
def test_no_cookie_storage_no_warning(source):
    _, seen = caught(lambda: from_mapping(source))
    assert seen == []
