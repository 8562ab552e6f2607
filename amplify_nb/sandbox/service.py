"""``Sandbox``: a local Cognito (plus moto's S3/IAM/STS) with a ready pool, client and demo user.

    with Sandbox() as sb:
        auth = amplify_nb.configure(sb.config)
        sb.outbox.last_code("someone@example.com")

Every instance has its own state, signing key and free port, and stops cleanly.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import mfa as _mfa_operations  # noqa: F401  (importing registers the operations)
from . import ops_account, ops_admin, ops_signin  # noqa: F401
from .backend import CallRecord, CognitoBackend
from .mfa import new_totp_secret
from .models import AppClient, PasswordPolicy, User, UserPool, new_client_id, new_pool_id
from .ops_account import new_user
from .server import Endpoint, SandboxApp, moto_application

DEMO_USERNAME = "demo@example.com"
_MFA_OUTPUT_NAMES = {"SOFTWARE_TOKEN_MFA": "TOTP", "SMS_MFA": "SMS", "EMAIL_OTP": "EMAIL"}


class Sandbox:
    """A running local Cognito. Options shape the default pool and client, as a Gen 2 backend would."""

    def __init__(
        self,
        port: int = 0,
        region: str = "us-east-1",
        *,
        clock: Callable[[], float] | None = None,
        mfa_configuration: str = "OPTIONAL",
        mfa_methods: Iterable[str] = ("SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP"),
        username_attributes: Iterable[str] = ("email",),
        alias_attributes: Iterable[str] = (),
        password_policy: PasswordPolicy | None = None,
        client_secret: bool = False,
        explicit_auth_flows: Iterable[str] | None = None,
        prevent_user_existence_errors: bool = True,
        access_token_ttl: float = 3600.0,
        id_token_ttl: float = 3600.0,
        refresh_token_ttl: float = 30 * 86400.0,
        code_ttl: float = 24 * 3600.0,
        mfa_code_ttl: float = 180.0,
        max_code_attempts: int = 5,
        demo_user: bool = True,
        demo_password: str | None = None,
        moto: bool = True,
    ):
        self.backend = CognitoBackend(region, clock or time.time, code_ttl=code_ttl, mfa_code_ttl=mfa_code_ttl,
                                      max_code_attempts=max_code_attempts)
        self.region = region
        self.pool = UserPool(
            pool_id=new_pool_id(region), name="amplify-nb-sandbox", region=region,
            password_policy=password_policy or PasswordPolicy(), mfa_configuration=mfa_configuration,
            mfa_methods=tuple(mfa_methods), username_attributes=tuple(username_attributes),
            alias_attributes=tuple(alias_attributes),
        )
        self.backend.pools[self.pool.pool_id] = self.pool
        self.client = self.add_client(
            secret=client_secret, explicit_auth_flows=explicit_auth_flows,
            prevent_user_existence_errors=prevent_user_existence_errors, access_token_ttl=access_token_ttl,
            id_token_ttl=id_token_ttl, refresh_token_ttl=refresh_token_ttl,
        )
        self.demo_username: str | None = None
        self.demo_password: str | None = None
        if demo_user:
            self.demo_password = demo_password or os.environ.get("AMPLIFY_NB_DEMO_PASSWORD") or _demo_password()
            demo_name = DEMO_USERNAME if self.pool.username_attributes else "demo"
            self.create_user(demo_name, self.demo_password, {"email": DEMO_USERNAME, "email_verified": "true",
                                                             "name": "Demo User"})
            self.demo_username = demo_name
        self.account_id = f"{secrets.randbelow(10**12):012d}"
        self._app = SandboxApp(self.backend, moto_application if moto else None, self.account_id)
        self._endpoint = Endpoint(self._app, port)
        self._running = False

    # ---- lifecycle ------------------------------------------------------------------------------
    def start(self) -> Sandbox:
        if not self._running:
            self._endpoint.start()
            self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._endpoint.stop()
            self._running = False

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ---- what tests and teachers use ------------------------------------------------------------
    @property
    def endpoint_url(self) -> str:
        return self._endpoint.url

    @property
    def port(self) -> int:
        return self._endpoint.port

    @property
    def outbox(self):
        return self.backend.outbox

    @property
    def triggers(self):
        return self.backend.triggers

    @property
    def calls(self) -> list[CallRecord]:
        """Every Cognito operation answered so far (operation, outcome, challenge)."""
        return self.backend.calls

    def on_call(self, listener: Callable[[CallRecord], None]) -> Callable[[], None]:
        """Observe each answered operation; returns a function that stops observing."""
        self.backend.call_listeners.append(listener)
        return lambda: self.backend.call_listeners.remove(listener)

    @property
    def config(self) -> dict[str, Any]:
        """The amplify_outputs.json content for this sandbox (Gen 2 shape plus custom.amplify_nb)."""
        pool = self.pool
        return {
            "version": "1.3",
            "auth": {
                "aws_region": self.region,
                "user_pool_id": pool.pool_id,
                "user_pool_client_id": self.client.client_id,
                "standard_required_attributes": ["email"],
                "username_attributes": list(pool.username_attributes),
                "user_verification_types": list(pool.auto_verified_attributes),
                "mfa_configuration": {"ON": "REQUIRED", "OFF": "NONE"}.get(pool.mfa_configuration, "OPTIONAL"),
                "mfa_methods": [_MFA_OUTPUT_NAMES[m] for m in pool.mfa_methods],
                "password_policy": pool.password_policy.as_outputs(),
                "unauthenticated_identities_enabled": True,
            },
            "custom": {"amplify_nb": {
                "endpoint_url": self.endpoint_url,
                "sandbox": True,
                **({"user_pool_client_secret": self.client.secret} if self.client.secret else {}),
            }},
        }

    def write_config(self, path: str | os.PathLike[str]) -> Path:
        target = Path(path)
        target.write_text(json.dumps(self.config, indent=2) + "\n")
        return target

    def add_client(
        self, *, secret: bool = False, explicit_auth_flows: Iterable[str] | None = None,
        prevent_user_existence_errors: bool = True, access_token_ttl: float = 3600.0,
        id_token_ttl: float = 3600.0, refresh_token_ttl: float = 30 * 86400.0, name: str = "amplify-nb",
    ) -> AppClient:
        """Another app client on the default pool (with a secret, or other allowed flows)."""
        client = AppClient(
            client_id=new_client_id(), name=name, secret=secrets.token_urlsafe(38) if secret else None,
            prevent_user_existence_errors=prevent_user_existence_errors, access_token_ttl=access_token_ttl,
            id_token_ttl=id_token_ttl, refresh_token_ttl=refresh_token_ttl,
        )
        if explicit_auth_flows is not None:
            client.explicit_auth_flows = tuple(explicit_auth_flows)
        with self.backend.lock:
            self.pool.clients[client.client_id] = client
        return client

    def create_user(
        self, username: str, password: str, attributes: dict[str, str] | None = None, *, confirmed: bool = True,
        temporary: bool = False, mfa: Iterable[str] = (), preferred_mfa: str | None = None,
    ) -> User:
        """A user in the default pool, as AdminCreateUser + AdminSetUserPassword would leave them."""
        with self.backend.lock:
            user = new_user(self.backend, self.pool, username, dict(attributes or {}))
            self.backend.set_password(self.pool, user, password, temporary=temporary)
            user.status = "FORCE_CHANGE_PASSWORD" if temporary else ("CONFIRMED" if confirmed else "UNCONFIRMED")
            for method in mfa:
                if method == "SOFTWARE_TOKEN_MFA" and not user.totp_secret:
                    user.totp_secret = new_totp_secret()
                user.mfa_enabled.add(method)
            user.mfa_preferred = preferred_mfa
            self.pool.users[user.username] = user
            return user

    def user(self, name: str) -> User | None:
        with self.backend.lock:
            return self.pool.find_user(name)

    def new_pool_and_client(self, **pool_options: Any) -> tuple[UserPool, AppClient]:
        """A second, independent pool (for tests that need other pool settings side by side)."""
        pool = UserPool(pool_id=new_pool_id(self.region), name="extra", region=self.region, **pool_options)
        client = AppClient(client_id=new_client_id(), name="extra")
        pool.clients[client.client_id] = client
        with self.backend.lock:
            self.backend.pools[pool.pool_id] = pool
        return pool, client


def _demo_password() -> str:
    """Satisfies the default policy (upper, lower, digit, symbol, >= 8) and is easy to type."""
    return "Demo-" + secrets.token_hex(3) + "-Pw1"
