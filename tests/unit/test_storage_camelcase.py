"""A storage written for Amplify JS (the seed's ``setItem / getItem / removeItem / clear``) used as a session's
storage through its one adapter, against the fake at the network edge: a session kept across Auth instances,
the seed's static-method class and ``Auth.storage`` in a configuration honoured, and what cannot work refused
with the methods expected named (no interface, coroutine methods, a class whose methods need an instance).
Nothing stored shows in a repr, an error message or a log."""

from __future__ import annotations

import logging
import uuid
import warnings

import pytest

import amplify_nb
from amplify_nb.core.storage import check_storage
from amplify_nb.core.storage_adapter import AmplifyStorage
from amplify_nb.errors import ConfigurationError, StorageError, ValidationError

from .conftest import CLIENT_ID, POOL_ID

USER, PASSWORD = "ada@example.com", "Correct-horse-9!"


class CamelStorage:
    """What a user ports from Amplify JS: the four camelCase methods over a dict."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    def setItem(self, key, value):  # Amplify's names
        self.items[key] = value

    def getItem(self, key):
        return self.items.get(key)

    def removeItem(self, key):
        self.items.pop(key, None)

    def clear(self):
        self.items.clear()

    def __repr__(self) -> str:  # what a careless repr shows: everything held
        return f"CamelStorage({self.items})"


class SeedStorage:
    """The seed's MyStorage: static methods, the class itself passed as the storage."""

    items: dict[str, str] = {}

    @staticmethod
    def setItem(key, value):
        SeedStorage.items[key] = value

    @staticmethod
    def getItem(key):
        return SeedStorage.items[key]  # KeyError for an absent key, as a dict port raises

    @staticmethod
    def removeItem(key):
        del SeedStorage.items[key]  # KeyError too

    @staticmethod
    def clear():
        SeedStorage.items.clear()


def config(jwks, **extra):
    return {"version": "1.3", "auth": {"aws_region": "us-east-1", "user_pool_id": POOL_ID,
                                       "user_pool_client_id": CLIENT_ID},
            "custom": {"amplify_nb": {"endpoint_url": jwks.url}}, **extra}


def signed_in_auth(fake, jwks, storage, name):
    fake.idp.script("InitiateAuth", fake.signed_in("0c8f6a52-ada", email=USER))
    auth = amplify_nb.Auth(config(jwks), name=name, storage=storage, transport=fake)
    auth.sign_in(USER, PASSWORD, flow="USER_PASSWORD_AUTH")
    return auth


def test_a_camelcase_storage_keeps_the_session_across_auth_instances(fake, jwks):
    storage = CamelStorage()
    name = f"camel-{uuid.uuid4().hex[:8]}"
    first = signed_in_auth(fake, jwks, storage, name)
    tokens = first.current_session()
    assert any(tokens.refresh_token in value for value in storage.items.values())  # written through setItem

    again = amplify_nb.Auth(config(jwks), name=name, storage=storage, transport=fake)  # a new kernel, say
    assert again.is_signed_in and again.current_authenticated_user().login_id == USER
    assert again.current_session().access_token == tokens.access_token
    fake.idp.script("RevokeToken", {})
    again.sign_out()
    assert not any(tokens.refresh_token in value for value in storage.items.values())  # removed through removeItem
    assert not amplify_nb.Auth(config(jwks), name=name, storage=storage, transport=fake).is_signed_in


def test_the_seeds_static_method_class_is_a_storage_as_it_is(fake, jwks):
    SeedStorage.items.clear()
    name = f"seed-{uuid.uuid4().hex[:8]}"
    signed_in_auth(fake, jwks, SeedStorage, name)
    assert amplify_nb.Auth(config(jwks), name=name, storage=SeedStorage, transport=fake).is_signed_in
    adapted = check_storage(SeedStorage)
    assert adapted.get_item("never-written") is None  # KeyError reads as absent, as localStorage's null
    adapted.remove_item("never-written")  # and removing an absent key is no error


def test_a_v5_configuration_s_own_storage_is_used(fake, jwks):
    """The seed's ``Auth.configure({..., storage: new MyStorage()})``."""
    storage = CamelStorage()
    v5 = {"Auth": {"region": "us-east-1", "userPoolId": POOL_ID, "userPoolWebClientId": CLIENT_ID,
                   "storage": storage},
          "amplify_nb": {"endpoint_url": jwks.url}}
    fake.idp.script("InitiateAuth", fake.signed_in("0c8f6a52-ada", email=USER))
    auth = amplify_nb.Auth(v5, name=f"v5-{uuid.uuid4().hex[:8]}", transport=fake)
    auth.sign_in(USER, PASSWORD, flow="USER_PASSWORD_AUTH")
    assert any(key.endswith(".tokens") for key in storage.items)
    assert "Auth.storage" not in auth.config.extra and "storage" not in auth.config.to_dict()
    assert "CamelStorage" not in repr(auth.config)


def test_a_v5_storage_that_is_data_is_refused():
    with pytest.raises(ConfigurationError, match=r"Expected a storage object.*setItem") as info:
        amplify_nb.Auth({"Auth": {"region": "us-east-1", "userPoolId": POOL_ID, "userPoolWebClientId": CLIENT_ID,
                                  "storage": "localStorage"}})
    assert info.value.key == "Auth.storage"


class HalfCamel:
    def setItem(self, key, value):
        pass

    def getItem(self, key):
        return None


class AsyncCamel(CamelStorage):
    """v6's KeyValueStorageInterface ported with its promises as coroutines."""

    async def setItem(self, key, value):
        self.items[key] = value

    async def getItem(self, key):
        return self.items.get(key)


@pytest.mark.parametrize(("candidate", "named"), [
    (object(), "set_item, get_item, remove_item, clear"),
    ({}, "set_item, get_item, remove_item"),
    (HalfCamel(), "removeItem, clear"),
])
def test_an_object_with_neither_interface_is_refused_naming_the_methods(candidate, named):
    with pytest.raises(ValidationError) as info:
        amplify_nb.Auth(config_without_network(), name="refused", storage=candidate)
    message = str(info.value)
    assert f"lacks {named}" in message
    assert "set_item, get_item, remove_item, clear" in message and "setItem, getItem, removeItem, clear" in message
    assert info.value.field == "storage"


def config_without_network():
    return {"version": "1.3", "auth": {"aws_region": "us-east-1", "user_pool_id": POOL_ID,
                                       "user_pool_client_id": CLIENT_ID}}


def test_coroutine_methods_are_refused_saying_why():
    with pytest.raises(ValidationError, match=r"setItem, getItem are coroutine functions.*synchronous"):
        amplify_nb.Auth(config_without_network(), name="async", storage=AsyncCamel())


def test_a_class_whose_methods_need_an_instance_is_refused():
    with pytest.raises(ValidationError, match=r"pass CamelStorage\(\)"):
        check_storage(CamelStorage)
    with pytest.raises(ValidationError, match=r"pass MemoryStorage\(\)"):
        check_storage(amplify_nb.MemoryStorage)


def test_a_plain_method_handing_back_a_coroutine_fails_clearly_and_leaves_no_warning():
    class Sneaky(CamelStorage):
        def getItem(self, key):
            async def later():
                return None
            return later()

    storage = check_storage(Sneaky())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine ... was never awaited" would be a RuntimeWarning
        with pytest.raises(StorageError, match="getItem returned an awaitable"):
            storage.get_item("k")


def test_bytes_read_back_are_text_and_other_values_refused():
    storage = CamelStorage()
    adapted = check_storage(storage)
    storage.items["k"] = "héllo".encode()
    assert adapted.get_item("k") == "héllo"
    storage.items["k"] = 42
    with pytest.raises(StorageError, match="returned a int; expected a string or None"):
        adapted.get_item("k")


def test_the_stores_own_failure_is_named_without_the_value(fake, jwks, caplog):
    class Full(CamelStorage):
        def setItem(self, key, value):
            raise ValueError(f"no room for {value}")  # a message that quotes the tokens

    with pytest.raises(StorageError) as info:
        signed_in_auth(fake, jwks, Full(), f"full-{uuid.uuid4().hex[:8]}")
    assert str(info.value) == "Full.setItem failed (ValueError)"
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_nothing_stored_shows_in_a_repr_or_a_log(fake, jwks, caplog):
    storage = CamelStorage()
    with caplog.at_level(logging.DEBUG):
        auth = signed_in_auth(fake, jwks, storage, f"quiet-{uuid.uuid4().hex[:8]}")
        auth.current_authenticated_user()
    tokens = auth.current_session()
    adapted = auth.session_state.storage
    assert isinstance(adapted, AmplifyStorage) and adapted.target is storage
    shown = repr(adapted) + repr(auth) + repr(auth.session_state.storage) + caplog.text
    assert repr(adapted) == "AmplifyStorage(CamelStorage)"
    for token in (tokens.id_token, tokens.access_token, tokens.refresh_token):
        assert token not in shown
