"""The public ``amplify_nb.Auth``: the user-pool session of the core, plus identity-pool credentials.

Credentials live in this layer (above the core, per the design's layering), so this subclass adds them
to the core's UserPoolAuth: federated_sign_in, current_credentials, essential_credentials, boto3_session,
storage_options, and for other processes credentials_endpoint and dask_plugin. It uses the core through
CoreSession only. boto3, botocore, aiobotocore and distributed are imported only when one of these is
first used.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.auth import UserPoolAuth, operation
from ..core.flows.results import SignOutResult
from ..core.tokens import Tokens
from ..errors import AmplifyNbError, NotAuthenticatedError, StorageError, ValidationError
from ..extras import needs_extra
from .federation import Federation
from .manager import AwsCredentials, CredentialsManager
from .saved_config import save_config

if TYPE_CHECKING:
    from .endpoint import CredentialsEndpoint

__all__ = ["Auth", "AuthSession"]


@dataclass(frozen=True)
class AuthSession:
    """What fetch_auth_session() returns (Amplify v6's shape); tokens and keys are masked in the repr."""

    tokens: Tokens | None
    credentials: AwsCredentials | None
    identity_id: str | None
    user_sub: str | None


class Auth(UserPoolAuth):
    def __init__(self, config: Any = None, name: str = "default", storage: Any = None, **options: Any):
        super().__init__(config, name, storage, **options)
        self._federation = Federation(self.session_state)
        self.credentials_manager = CredentialsManager(self.session_state, self._federation)
        self._boto3_sessions: dict[str | None, Any] = {}
        self._aio_session: Any = None  # one refreshing aiobotocore session for every bucket
        self._boto3_lock = threading.Lock()
        # Recorded beside the tokens so that `amplify-nb credential-process --name` can resume this session.
        # An unusable storage is reported when the session is used, by the call that needs it.
        with contextlib.suppress(StorageError):
            save_config(self.session_state.storage, name, self.config)

    # ---- who -----------------------------------------------------------------------------------
    @operation()
    def federated_sign_in(self, provider: str, token: str, expires_at: Any = None,
                          user: dict[str, Any] | None = None) -> AwsCredentials:
        """Sign in with a provider's token (google, facebook, amazon, developer, or an OIDC issuer URL)
        and return the identity pool's credentials for it."""
        if self.session_state.tokens() is not None:
            raise ValidationError("A user-pool user is signed in; call sign_out() before federated_sign_in()")
        data = self._federation.sign_in(provider, token, expires_at, user)
        self.credentials_manager.clear()
        try:
            credentials = self.credentials_manager.get()
        except AmplifyNbError:
            self._federation.clear()
            raise
        self.session_state.emit("signIn", {"provider": data["provider"], "identity_id": credentials.identity_id})
        return credentials

    @property
    def federated_user(self) -> dict[str, Any] | None:
        """The provider and the user details given to federated_sign_in, when signed in that way."""
        return self._federation.user

    @property
    def is_signed_in(self) -> bool:
        return super().is_signed_in or self._federation.user is not None

    @operation()
    def sign_out(self, global_: bool = False) -> SignOutResult:
        federated = self._federation.user
        result = super().sign_out(global_)
        self._federation.clear()
        self.credentials_manager.clear()
        if federated is not None:
            self.session_state.emit("signOut", {"provider": federated["provider"]})
        return result

    # ---- credentials ---------------------------------------------------------------------------
    @operation(locked=False)  # single-flight in the manager: a caller never waits behind a sign-in
    def current_credentials(self) -> AwsCredentials:
        """Identity-pool credentials for the signed-in (or federated, or guest) caller; fetched once and
        reused until they are due, then refreshed by one caller however many threads ask."""
        return self.credentials_manager.get()

    @operation(locked=False)
    def fetch_auth_session(self, force_refresh: bool = False) -> AuthSession:
        """Amplify v6's fetchAuthSession: the user's tokens (refreshed when due, or now with
        ``force_refresh``), the identity pool's AWS credentials when one is configured (a guest's when no
        one is signed in and guests are allowed), the identity id and the user's sub."""
        tokens = self.current_session(force_refresh) if self.session_state.tokens() is not None else None
        credentials = None
        if self.config.identity_pool_id:
            if force_refresh:
                self.credentials_manager.clear()
            try:
                credentials = self.current_credentials()
            except NotAuthenticatedError:  # no one signed in and no guests: a session without credentials
                credentials = None
        return AuthSession(tokens, credentials, credentials.identity_id if credentials else None,
                           tokens.sub if tokens else None)

    def essential_credentials(self) -> dict[str, Any]:
        """The fields an AWS SDK needs, as Amplify's Auth.essentialCredentials gives them."""
        credentials = self.current_credentials()
        return {"access_key_id": credentials.access_key_id, "secret_access_key": credentials.secret_access_key,
                "session_token": credentials.session_token, "identity_id": credentials.identity_id,
                "authenticated": credentials.authenticated, "expiration": credentials.expiration}

    def boto3_session(self, region_name: str | None = None) -> Any:
        """A boto3.Session whose credentials refresh themselves (deferred until the first call)."""
        from .botocore_provider import make_boto3_session

        with self._boto3_lock:
            if region_name not in self._boto3_sessions:
                self._boto3_sessions[region_name] = make_boto3_session(self.credentials_manager, region_name)
            return self._boto3_sessions[region_name]

    # ---- credentials beyond the kernel ---------------------------------------------------------
    def credentials_endpoint(self, port: int = 0, *, guest: bool = False) -> CredentialsEndpoint:
        """Serve this session's credentials to any AWS SDK on this machine (the container-credentials
        protocol, on 127.0.0.1 behind a token in a 0600 file): ``os.environ.update(endpoint.env)`` or
        ``subprocess.run(..., env={**os.environ, **endpoint.env})``. It follows sign-in and sign-out
        (signed out: 401, or the guest's credentials with ``guest=True``); ``close()`` stops it."""
        from .endpoint import CredentialsEndpoint, session_source

        return CredentialsEndpoint(session_source(self.credentials_manager, guest), port)

    def dask_plugin(self, client: Any = None, *, name: str = "amplify-nb-credentials", guest: bool = False) -> Any:
        """``client.register_plugin(auth.dask_plugin())``: every worker of ``client`` (default: the current
        Dask client), present and future, reads AWS as this session's user through a loopback endpoint of
        its own, fed from here before each expiry; sign-out revokes it on every worker. Only short-lived
        AWS credentials leave this process. Needs ``distributed`` (the ``dask`` extra)."""
        with needs_extra("dask", "auth.dask_plugin()"):
            from .dask_plugin import start_publishing, worker_env
        from .endpoint import session_source

        return start_publishing(client, session_source(self.credentials_manager, guest), session=self.name,
                                name=name, env=worker_env(self.config), clock=self.session_state.clock)

    def set_default_boto3_session(self, region_name: str | None = None) -> Any:
        """Make boto3's default session this one, for libraries that use it (awswrangler, ...)."""
        import boto3

        session = self.boto3_session(region_name)
        boto3.DEFAULT_SESSION = session
        return session

    def storage_options(self, bucket: str | None = None) -> dict[str, Any]:
        """For pandas / s3fs: ``pd.read_csv("s3://...", storage_options=auth.storage_options())``.
        s3fs gets an aiobotocore session whose credentials refresh, not frozen keys. ``bucket``: one of the
        configuration's buckets by its friendly or S3 name (its region is used); None: the default one."""
        from .botocore_provider import make_aio_session

        config = self.config
        chosen = config.bucket(bucket)
        if bucket is not None and chosen is None:
            names = ", ".join(b.name for b in config.storage_buckets) or "none"
            raise ValidationError(f"No bucket {bucket!r} in the configuration (its buckets: {names})", field="bucket")
        region = (chosen.region if chosen else None) or config.storage_region or config.region
        with self._boto3_lock:
            if self._aio_session is None:
                self._aio_session = make_aio_session(self.credentials_manager)
            client_kwargs: dict[str, str | None] = {"region_name": region}
            if config.endpoint("s3"):
                client_kwargs["endpoint_url"] = config.endpoint("s3")
            return {"session": self._aio_session, "client_kwargs": client_kwargs}
