"""Who is asking the identity pool: the Logins map, the identity id cache, and the two Cognito calls.

Logins come from the user-pool session (its ID token, refreshed first when due), from a federated
sign-in (Google, Facebook, Amazon, a developer provider, an OIDC issuer), or are empty for a guest.
The identity id is cached per login in the session's storage, so a known user needs only
GetCredentialsForIdentity (one round trip) after signing in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..core.service import ServiceClient
from ..core.session import CoreSession
from ..core.storage import storage_key
from ..errors import ConfigurationError, NotAuthorizedError, ValidationError

__all__ = ["PROVIDER_DOMAINS", "IdentityPool", "Login", "provider_key"]

# Amplify's provider names -> the Logins keys Cognito Identity expects.
PROVIDER_DOMAINS = {
    "google": "accounts.google.com",
    "facebook": "graph.facebook.com",
    "amazon": "www.amazon.com",
    "developer": "cognito-identity.amazonaws.com",
}


def provider_key(provider: Any) -> str:
    """'google' -> 'accounts.google.com'; an OIDC issuer URL -> its host and path, as Cognito keys it."""
    if not isinstance(provider, str) or not provider.strip():
        raise ValidationError("provider must be google, facebook, amazon, developer or an OIDC issuer URL",
                              field="provider")
    name = provider.strip()
    if name.lower() in PROVIDER_DOMAINS:
        return PROVIDER_DOMAINS[name.lower()]
    for scheme in ("https://", "http://"):
        if name.startswith(scheme):
            name = name[len(scheme):]
    if "/" in name.split("/", 1)[0] or " " in name or not name:
        raise ValidationError("provider is not a known provider nor an OIDC issuer", field="provider")
    return name.rstrip("/")


@dataclass(frozen=True)
class Login:
    """One way of proving who the caller is: `key` names it for the identity-id cache."""

    key: str  # "guest", "cognito-idp...:<sub>", "accounts.google.com:<subject or token hash>"
    logins: dict[str, str] = field(repr=False)
    identity_id: str | None = None  # known up front for developer-authenticated identities

    @property
    def authenticated(self) -> bool:
        return bool(self.logins)


class IdentityPool:
    """GetId and GetCredentialsForIdentity for one identity pool, through the traced ServiceClient."""

    def __init__(self, state: CoreSession):
        config = state.config
        if not config.identity_pool_id:
            raise ConfigurationError("No identity pool is configured, so there are no AWS credentials to get",
                                     source=config.source, key="identity_pool_id")
        self.state = state
        self.pool_id = config.identity_pool_id
        region = config.identity_pool_region or self.pool_id.split(":", 1)[0]
        self.client = ServiceClient(config, "cognito-identity", region, "Cognito Identity",
                                    trace_source=lambda: state.trace, transport=state.transport)

    def _cache_key(self) -> str:
        return storage_key(self.state.name, self.pool_id, "identity_ids")

    def _cached_ids(self) -> dict[str, str]:
        raw = self.state.storage.get_item(self._cache_key())
        try:
            ids = json.loads(raw) if raw else {}
        except ValueError:
            ids = {}
        return ids if isinstance(ids, dict) else {}

    def cached_identity_id(self, login: Login) -> str | None:
        return login.identity_id or self._cached_ids().get(login.key)

    def remember(self, login: Login, identity_id: str) -> None:
        ids = self._cached_ids()
        if ids.get(login.key) != identity_id:
            ids[login.key] = identity_id
            self.state.storage.set_item(self._cache_key(), json.dumps(ids))

    def forget(self, login: Login) -> None:
        ids = self._cached_ids()
        if ids.pop(login.key, None) is not None:
            self.state.storage.set_item(self._cache_key(), json.dumps(ids))

    def identity_id(self, login: Login) -> str:
        cached = self.cached_identity_id(login)
        if cached:
            return cached
        # A guest login exists only where the pool allows guests: CredentialsManager.login() checks that.
        params: dict[str, Any] = {"IdentityPoolId": self.pool_id}
        if login.logins:
            params["Logins"] = login.logins
        identity_id = str(self.client.call("GetId", **params)["IdentityId"])
        self.remember(login, identity_id)
        return identity_id

    def credentials(self, login: Login) -> dict[str, Any]:
        """GetCredentialsForIdentity; a stale cached identity id is dropped and GetId asked once more."""
        identity_id = self.identity_id(login)
        try:
            return self._get_credentials(identity_id, login)
        except NotAuthorizedError:
            if login.identity_id or not self.cached_identity_id(login):
                raise
            self.forget(login)  # e.g. a guest id cached before the user signed in, or a deleted identity
            return self._get_credentials(self.identity_id(login), login)

    def _get_credentials(self, identity_id: str, login: Login) -> dict[str, Any]:
        params: dict[str, Any] = {"IdentityId": identity_id}
        if login.logins:
            params["Logins"] = login.logins
        answer = self.client.call("GetCredentialsForIdentity", **params)
        return {"identity_id": answer.get("IdentityId", identity_id), **answer["Credentials"]}
