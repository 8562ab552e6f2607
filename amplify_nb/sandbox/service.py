"""``Sandbox``: a local Cognito (plus moto's S3/IAM/STS) with a ready pool, client and demo user,
an identity pool with its two roles, and a bucket whose access the roles' policies decide.

    with Sandbox() as sb:
        auth = amplify_nb.configure(sb.config)
        sb.outbox.last_code("someone@example.com")

Every instance has its own state, signing keys, AWS account (in moto) and free port, and stops cleanly.
With ``oauth=True`` the endpoint also serves the managed login (hosted UI, OAuth 2.0, mock social providers) as
``sb.hosted_ui``, the config gets ``auth.oauth``, and ``sb.machine_config`` is a client_credentials client; see .oauth.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..steps import mfa_method
from . import mfa as _mfa_operations  # noqa: F401  (importing registers the operations)
from . import ops_account, ops_admin, ops_admin_auth, ops_devices, ops_identity, ops_signin, refresh  # noqa: F401
from .aws_account import AwsAccount
from .backend import CallRecord, CognitoBackend
from .federation import FederationIssuer
from .identity import Call, IdentityPool, IdentityService, Login, amr_for
from .keys import KeyRing
from .mfa import new_totp_secret
from .models import AppClient, PasswordPolicy, User, UserPool, new_client_id, new_pool_id
from .oauth import install_hosted_ui
from .ops_account import new_user
from .options import DEVICE_TRACKING, checked_device_tracking, checked_policy, checked_ttl, new_demo_password
from .s3_gate import S3Gate
from .server import Endpoint, SandboxApp, moto_application
from .service_groups import GroupsAndRoles

__all__ = ["DEMO_USERNAME", "DEVELOPER_PROVIDER_NAME", "DEVICE_TRACKING", "Sandbox"]

DEMO_USERNAME = "demo@example.com"
DEVELOPER_PROVIDER_NAME = "login.amplify_nb.sandbox"


class Sandbox(GroupsAndRoles):
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
        identity_pool: bool = True,
        allow_guest: bool = True,
        credentials_ttl: float = 3600.0,
        openid_token_ttl: float = 600.0,
        sign_in_policy: Iterable[str] = ("PASSWORD",),  # a new pool's AllowedFirstAuthFactors in Cognito
        refresh_token_rotation: bool = False,
        refresh_token_grace_seconds: int = 0,
        device_tracking: str | None = None,
        oauth: bool = False,  # the managed login (hosted UI) on this endpoint: see .oauth
        callback_urls: Iterable[str] | None = None,
        logout_urls: Iterable[str] | None = None,
        identity_providers: Iterable[str] | None = None,
    ):
        self.backend = CognitoBackend(region, clock or time.time, code_ttl=code_ttl, mfa_code_ttl=mfa_code_ttl,
                                      max_code_attempts=max_code_attempts)
        self.region = region
        self.pool = UserPool(
            pool_id=new_pool_id(region), name="amplify-nb-sandbox", region=region,
            password_policy=password_policy or PasswordPolicy(), mfa_configuration=mfa_configuration,
            mfa_methods=tuple(mfa_methods), username_attributes=tuple(username_attributes),
            alias_attributes=tuple(alias_attributes), allowed_first_auth_factors=checked_policy(sign_in_policy),
            device_tracking=checked_device_tracking(device_tracking),
        )
        self.backend.pools[self.pool.pool_id] = self.pool
        self.client = self.add_client(
            secret=client_secret, explicit_auth_flows=explicit_auth_flows,
            prevent_user_existence_errors=prevent_user_existence_errors, access_token_ttl=access_token_ttl,
            id_token_ttl=id_token_ttl, refresh_token_ttl=refresh_token_ttl,
            refresh_token_rotation=refresh_token_rotation, refresh_token_grace_seconds=refresh_token_grace_seconds,
        )
        self.demo_username: str | None = None
        self.demo_password: str | None = None
        if demo_user:
            self.demo_password = demo_password or os.environ.get("AMPLIFY_NB_DEMO_PASSWORD") or new_demo_password()
            demo_name = DEMO_USERNAME if self.pool.username_attributes else "demo"
            self.create_user(demo_name, self.demo_password, {"email": DEMO_USERNAME, "email_verified": "true",
                                                             "name": "Demo User"})
            self.demo_username = demo_name
        self.account_id = f"{secrets.randbelow(10**12):012d}"
        # Ids are chosen now, for sb.config; the roles and the bucket are made in moto on first need.
        self.account = AwsAccount(self.account_id, region, moto=moto, bucket=f"amplify-nb-sandbox-{self.account_id}",
                                  identity_pool_id=f"{region}:{uuid.uuid4()}")
        self.keys = KeyRing(self.backend.clock)
        self.federation = FederationIssuer(self.backend.clock)
        self.account.federation = self.federation  # STS reads the basic flow's tokens with its key
        self.identity = IdentityService(self.backend, self.federation, self.account, self.keys,
                                        credentials_ttl=checked_ttl(credentials_ttl),
                                        openid_token_ttl=openid_token_ttl)
        self._moto = moto
        self._app = SandboxApp(self.backend, moto_application if moto else None, self.account_id,
                               identity=self.identity, federation=self.federation,
                               gate=S3Gate(self.keys, self.account) if moto else None, provision=self.account.provision)
        self.backend.authorize = self._authorize_admin
        self._endpoint = Endpoint(self._app, port)
        self.federation.oidc_issuer = f"{self._endpoint.url}/oidc"
        try:
            self.hosted_ui = install_hosted_ui(self, oauth, callback_urls, logout_urls, identity_providers)
        except Exception:
            self._endpoint.stop()  # already listening, with its worker threads: free them before refusing
            raise
        self._app.hosted_ui = self.hosted_ui
        self.identity_pool: IdentityPool | None = self._default_identity_pool(allow_guest) if identity_pool else None
        self._running = False

    def _default_identity_pool(self, allow_guest: bool) -> IdentityPool:
        """What an Amplify backend with auth + storage has: the user pool's client, social and developer
        providers, the OIDC issuer, and the authenticated/unauthenticated roles."""
        pool = IdentityPool(
            self.account.identity_pool_id, "amplify_nb_sandbox", allow_guest,
            supported_login_providers=dict(self.federation.app_ids),
            developer_provider_name=DEVELOPER_PROVIDER_NAME,
            openid_connect_provider_arns=[f"arn:aws:iam::{self.account_id}:oidc-provider/{self.federation.oidc_key}"],
            cognito_identity_providers=[{"ProviderName": f"cognito-idp.{self.region}.amazonaws.com/{self.pool.pool_id}",
                                         "ClientId": self.client.client_id, "ServerSideTokenCheck": False}],
            roles={"authenticated": self.account.auth_role_arn, "unauthenticated": self.account.unauth_role_arn},
        )
        self.identity.pools[pool.identity_pool_id] = pool
        return pool

    def _authorize_admin(self, operation: str, params: dict[str, Any], call: Call) -> None:
        """User-pool Admin* operations: SigV4 by the admin keys, or a role whose policy allows the action."""
        pool_id = params.get("UserPoolId") if isinstance(params.get("UserPoolId"), str) else "*"
        resource = f"arn:aws:cognito-idp:{self.region}:{self.account_id}:userpool/{pool_id}"
        self.identity.require_signed(call, f"cognito-idp:{operation}", resource, service="cognito-idp")

    # ---- lifecycle ------------------------------------------------------------------------------
    def start(self) -> Sandbox:
        """Serve; a stopped sandbox starts again on the same port with all its state (users, identities,
        bucket), as a restarted local service would."""
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
        """Every Cognito operation answered so far, user pool and identity pool (operation, outcome, challenge)."""
        return self.backend.calls

    # ---- identity pool, credentials and storage -------------------------------------------------
    @property
    def identity_pool_id(self) -> str | None:
        return self.identity_pool.identity_pool_id if self.identity_pool else None

    @property
    def bucket(self) -> str | None:
        """The storage bucket (public/sample.csv inside), or None without moto."""
        return self.account.bucket if self._moto else None

    @property
    def admin_credentials(self) -> dict[str, str]:
        """The account's full-access key pair, for boto3.client(..., **sb.admin_credentials)."""
        return {"aws_access_key_id": self.keys.admin_access_key_id,
                "aws_secret_access_key": self.keys.admin_secret_key}

    @property
    def credentials_ttl(self) -> float:
        """Lifetime of the credentials GetCredentialsForIdentity mints from now on (sandbox clock)."""
        return self.identity.credentials_ttl

    @credentials_ttl.setter
    def credentials_ttl(self, seconds: float) -> None:
        self.identity.credentials_ttl = checked_ttl(seconds)

    @property
    def allow_guest(self) -> bool:
        return bool(self.identity_pool and self.identity_pool.allow_unauthenticated)

    @allow_guest.setter
    def allow_guest(self, allowed: bool) -> None:
        if self.identity_pool is None:
            raise ValueError("this sandbox has no identity pool")
        with self.backend.lock:
            self.identity_pool.allow_unauthenticated = bool(allowed)

    @property
    def developer_provider_name(self) -> str:
        return DEVELOPER_PROVIDER_NAME

    @property
    def oidc_issuer(self) -> str:
        """The test OIDC issuer's URL; its Logins key is this without the scheme."""
        return self.federation.oidc_issuer

    @property
    def federation_app_ids(self) -> dict[str, str]:
        """Provider (Logins key) -> the app/client id the identity pool trusts and tokens are issued for."""
        return self.federation.all_app_ids()

    def federated_token(self, provider: str, subject: str, expires_in: float = 3600.0) -> str:
        """The token Google, Facebook, Amazon or the sandbox's OIDC issuer would give `subject`.

        `provider` is a Logins key (accounts.google.com, graph.facebook.com, www.amazon.com), one of
        google/facebook/amazon, or the OIDC issuer's URL; expiry runs on the sandbox clock.
        """
        return self.federation.token(provider, subject, expires_in)

    def developer_identity(self, user_identifier: str, token_duration: float = 900.0) -> dict[str, str]:
        """What an app's backend gets from GetOpenIdTokenForDeveloperIdentity (IdentityId and Token),
        without a round trip: for tests of the client side of developer-authenticated identities."""
        if self.identity_pool is None:
            raise ValueError("this sandbox has no identity pool")
        with self.backend.lock:
            login = Login(DEVELOPER_PROVIDER_NAME, user_identifier)
            identity = self.identity.identity_for(self.identity_pool, [login])
            token = self.federation.openid_token(self.identity_pool.identity_pool_id, identity.identity_id,
                                                 amr_for([login], True), token_duration)
        return {"IdentityId": identity.identity_id, "Token": token}

    def provision(self) -> None:
        """Create the roles and the bucket now rather than on the first request that needs them."""
        self.account.provision()

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
                "mfa_methods": [mfa_method(m).short for m in pool.mfa_methods],  # Gen 2 writes TOTP, SMS, EMAIL
                "password_policy": pool.password_policy.as_outputs(),
                **self._passwordless_outputs(),
                **({"identity_pool_id": self.identity_pool_id} if self.identity_pool else {}),
                **({"oauth": self.hosted_ui.outputs(self.client)} if self.hosted_ui else {}),
                "unauthenticated_identities_enabled": self.allow_guest,
            },
            **({"storage": {
                "aws_region": self.region, "bucket_name": self.account.bucket,
                "buckets": [{"name": "amplifyNbSandbox", "bucket_name": self.account.bucket,
                             "aws_region": self.region}],
            }} if self._moto else {}),
            "custom": {"amplify_nb": {
                "endpoint_url": self.endpoint_url,
                "sandbox": True,
                **({"user_pool_client_secret": self.client.secret} if self.client.secret else {}),
                # What Gen 2 outputs have no field for, for clients that adapt to the backend.
                "sign_in_policy": list(pool.allowed_first_auth_factors),
                "refresh_token_rotation": self.client.refresh_token_rotation,
                "refresh_token_grace_seconds": self.client.refresh_token_grace_seconds,
                "device_tracking": pool.device_tracking,
            }},
        }

    @property
    def machine_config(self) -> dict[str, Any]:
        """sb.config for the confidential machine client: client_credentials on the resource server's scopes
        (``auth.oauth.scopes``: sandbox-api/read, sandbox-api/write), its secret in custom.amplify_nb."""
        if self.hosted_ui is None:
            raise ValueError("sb.machine_config is the managed login's machine client: Sandbox(oauth=True)")
        return self.hosted_ui.machine_config(self.config)

    def _passwordless_outputs(self) -> dict[str, Any]:
        """amplify_outputs.json's auth.passwordless, as Amplify JS reads it, when the pool has OTP first factors."""
        policy = self.pool.allowed_first_auth_factors
        if not {"EMAIL_OTP", "SMS_OTP"} & set(policy):
            return {}
        return {"passwordless": {"email_otp_enabled": "EMAIL_OTP" in policy,
                                 "sms_otp_enabled": "SMS_OTP" in policy}}

    def write_config(self, path: str | os.PathLike[str]) -> Path:
        target = Path(path)
        target.write_text(json.dumps(self.config, indent=2) + "\n")
        return target

    def add_client(
        self, *, secret: bool = False, explicit_auth_flows: Iterable[str] | None = None,
        prevent_user_existence_errors: bool = True, access_token_ttl: float = 3600.0,
        id_token_ttl: float = 3600.0, refresh_token_ttl: float = 30 * 86400.0, name: str = "amplify-nb",
        refresh_token_rotation: bool = False, refresh_token_grace_seconds: int = 0,
    ) -> AppClient:
        """Another app client on the default pool (with a secret, other allowed flows, refresh-token rotation).

        A rotating client has no ALLOW_REFRESH_TOKEN_AUTH: Cognito requires it off with rotation on."""
        if not isinstance(refresh_token_grace_seconds, int) or not 0 <= refresh_token_grace_seconds <= 60:
            raise ValueError(f"refresh_token_grace_seconds must be 0-60, not {refresh_token_grace_seconds!r}")
        client = AppClient(
            client_id=new_client_id(), name=name, secret=secrets.token_urlsafe(38) if secret else None,
            prevent_user_existence_errors=prevent_user_existence_errors, access_token_ttl=access_token_ttl,
            id_token_ttl=id_token_ttl, refresh_token_ttl=refresh_token_ttl,
            refresh_token_rotation=bool(refresh_token_rotation),
            refresh_token_grace_seconds=refresh_token_grace_seconds,
        )
        if explicit_auth_flows is not None:
            client.explicit_auth_flows = tuple(explicit_auth_flows)
        if client.refresh_token_rotation:
            if explicit_auth_flows is not None and "ALLOW_REFRESH_TOKEN_AUTH" in client.explicit_auth_flows:
                raise ValueError("ALLOW_REFRESH_TOKEN_AUTH can't be used with refresh token rotation enabled")
            client.explicit_auth_flows = tuple(f for f in client.explicit_auth_flows if f != "ALLOW_REFRESH_TOKEN_AUTH")
        with self.backend.lock:
            self.pool.clients[client.client_id] = client
        return client

    def create_user(
        self, username: str, password: str | None, attributes: dict[str, str] | None = None, *,
        confirmed: bool = True, temporary: bool = False, mfa: Iterable[str] = (), preferred_mfa: str | None = None,
    ) -> User:
        """A user in the default pool, as AdminCreateUser + AdminSetUserPassword would leave them
        (`password=None`: a passwordless user, who signs in with one-time codes only)."""
        with self.backend.lock:
            user = new_user(self.backend, self.pool, username, dict(attributes or {}))
            if password is not None:
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
