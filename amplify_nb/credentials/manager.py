"""Temporary AWS credentials for a session: fetched once, reused until due, refreshed single-flight.

However many threads find the credentials due at once, one refresh runs and the rest wait for its
result. When the refresh fails, the failure is remembered for a back-off window (1 s, doubling to
30 s): every caller in that window gets the same typed error without another call, so a dead endpoint
sees one call per window, not one per waiting thread (botocore's own refresh retries per thread).
Meanwhile, credentials not yet in their mandatory window are kept when Cognito is unreachable, as
botocore keeps them after a failed advisory refresh: a network blip is not an error while they work.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..core.log_redaction import register_secret
from ..core.session import CoreSession
from ..core.storage import storage_key
from ..errors import AmplifyNbError, LimitExceededError, NetworkError, NotAuthenticatedError
from .federation import Federation
from .identity import IdentityPool, Login

__all__ = ["MAX_ADVISORY_WINDOW", "AwsCredentials", "CredentialsManager", "refresh_windows"]

MAX_ADVISORY_WINDOW = 15 * 60.0  # botocore's advisory refresh window for long-lived credentials
BACKOFF_START, BACKOFF_MAX = 1.0, 30.0


def refresh_windows(lifetime: float) -> tuple[float, float]:
    """(advisory, mandatory) seconds before expiry: botocore's 15/10 minutes for hour-long credentials,
    scaled down for short ones so that they are not refreshed on every call."""
    advisory = min(MAX_ADVISORY_WINDOW, lifetime / 4)
    return advisory, min(10 * 60.0, advisory * 2 / 3)


# Failures that say "not now" rather than "no": credentials still usable are kept through them.
_PASSING = (NetworkError, LimitExceededError)


@dataclass(frozen=True)
class AwsCredentials:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    # Every expiry in amplify_nb is POSIX seconds on the session's clock (Tokens.expires_at, this, provider
    # tokens): ISO 8601 appears only where a foreign format demands it (botocore's refresh metadata,
    # credential_process JSON), made at that boundary by expiration_iso.
    expiration: float
    identity_id: str
    authenticated: bool
    issued_at: float = 0.0
    login_key: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        # Whatever logs these from now on (botocore signing a user's S3 call at DEBUG) logs them redacted.
        register_secret(self.secret_access_key)
        register_secret(self.session_token)

    @property
    def lifetime(self) -> float:
        return max(0.0, self.expiration - self.issued_at)

    def due(self, now: float) -> bool:
        return now >= self.expiration - refresh_windows(self.lifetime)[0]

    def usable(self, now: float) -> bool:
        """Outside the mandatory window: good enough to keep when a due refresh cannot reach Cognito."""
        return now < self.expiration - refresh_windows(self.lifetime)[1]

    def metadata(self) -> dict[str, str]:
        """The dict botocore's RefreshableCredentials refreshes from."""
        return {"access_key": self.access_key_id, "secret_key": self.secret_access_key,
                "token": self.session_token, "expiry_time": self.expiration_iso}

    @property
    def expiration_iso(self) -> str:
        return datetime.fromtimestamp(self.expiration, tz=timezone.utc).isoformat()

    def __repr__(self) -> str:
        return (f"AwsCredentials(access_key_id='{self.access_key_id[:4]}…', identity_id={self.identity_id!r}, "
                f"authenticated={self.authenticated}, expiration={self.expiration_iso!r})")


class CredentialsManager:
    def __init__(self, state: CoreSession, federation: Federation):
        self.state = state
        self.federation = federation
        self._pool: IdentityPool | None = None
        self._lock = threading.Lock()
        self._current: AwsCredentials | None = None
        self._current_key: str | None = None
        self._failure: tuple[str, float, AmplifyNbError] | None = None  # (login key, retry at, error)
        self._backoff = BACKOFF_START
        self._stored_loaded = False
        self.calls = 0  # refreshes that reached Cognito Identity (for tests and benchmarks)

    @property
    def pool(self) -> IdentityPool:
        if self._pool is None:
            self._pool = IdentityPool(self.state)
        return self._pool

    def login(self) -> Login:
        """The current caller: the federated login, the signed-in user's ID token, or a guest."""
        federated = self.federation.login(self.state.clock())
        if federated is not None:
            return federated
        if self.state.tokens() is not None:
            tokens = self.state.current()  # refreshed first when due: Cognito Identity checks exp
            return Login(f"{self._provider}:{tokens.sub}", {self._provider: tokens.id_token})
        if not self.state.config.allow_guest_access:
            raise NotAuthenticatedError("No one is signed in and this app does not allow guest access "
                                        "(mandatory sign-in); sign in first")
        return Login("guest", {})

    @property
    def _provider(self) -> str:
        return f"cognito-idp.{self.state.config.region}.amazonaws.com/{self.state.config.user_pool_id}"

    def login_key(self) -> str:
        """Who the caller is right now, without a network call: lets long-lived botocore credentials
        notice a sign-in, sign-out or federated sign-in and fetch the new caller's credentials."""
        federated = self.federation.current_key()
        if federated is not None:
            return federated
        tokens = self.state.tokens()
        return "guest" if tokens is None else f"{self._provider}:{tokens.sub}"

    def get(self) -> AwsCredentials:
        # Who asks, without a network call: the back-off below is checked before anything may reach
        # Cognito (login() can refresh the user's tokens), so waiting threads do not each try again.
        key = self.login_key()
        if not self._stored_loaded:
            self._load_stored()
        now = self.state.clock()
        current = self._current
        if current is not None and self._current_key == key and not current.due(now):
            return current
        with self._lock:
            now = self.state.clock()
            current = self._current
            if current is not None and self._current_key == key and not current.due(now):
                return current  # another thread refreshed while this one waited
            # As botocore does in its advisory window: an unreachable or throttling Cognito keeps
            # still-usable credentials.
            keep = current if current is not None and self._current_key == key and current.usable(now) else None
            failure = self._failure
            if failure is not None and failure[0] == key and now < failure[1]:
                if keep is not None and isinstance(failure[2], _PASSING):
                    return keep
                raise failure[2]
            try:
                return self._refresh(self.login(), now)
            except _PASSING:
                if keep is None:
                    raise
                return keep

    def _refresh(self, login: Login, now: float) -> AwsCredentials:
        self.calls += 1
        try:
            raw = self.pool.credentials(login)
        except AmplifyNbError as exc:
            # The pause runs from the failure, not from the start of the attempt: an attempt that timed out
            # can take longer than the pause, and the callers that waited for it must not each try again.
            self._failure = (login.key, self.state.clock() + self._backoff, exc)
            self._backoff = min(BACKOFF_MAX, self._backoff * 2)
            self.state.emit("credentialsRefresh_failure", {"identity_pool_id": self.pool.pool_id}, str(exc))
            raise
        expiration = raw["Expiration"]
        expires = expiration.timestamp() if isinstance(expiration, datetime) else float(expiration)
        credentials = AwsCredentials(raw["AccessKeyId"], raw["SecretKey"], raw["SessionToken"], expires,
                                     raw["identity_id"], login.authenticated, issued_at=now, login_key=login.key)
        self._current, self._current_key = credentials, login.key
        self._store(credentials)
        self._failure, self._backoff = None, BACKOFF_START
        self.state.emit("credentialsRefresh", {"identity_id": credentials.identity_id,
                                               "authenticated": credentials.authenticated,
                                               "expiration": credentials.expiration})
        return credentials

    def held(self) -> AwsCredentials | None:
        """The current caller's credentials if the session holds them already (its storage included), with
        no call to Cognito: what a display such as %auth_session may show without fetching any."""
        if not self._stored_loaded:
            self._load_stored()
        current = self._current
        return current if current is not None and self._current_key == self.login_key() else None

    def clear(self) -> None:
        with self._lock:
            self._current = self._current_key = self._failure = None
            self._backoff = BACKOFF_START
            self.state.storage.remove_item(self._storage_key)  # no AWS keys left at rest after a sign-out

    # ---- kept in the session's storage --------------------------------------------------------------
    # Beside the tokens (which can mint them anyway), so that a new process on the same FileStorage (each
    # AWS CLI call through credential_process, a restarted kernel) reuses them until due instead of asking
    # Cognito Identity again. They are used only for the same caller (login key), never past their window.
    @property
    def _storage_key(self) -> str:
        return storage_key(self.state.name, self.state.config.storage_scope, "aws_credentials")

    def _store(self, credentials: AwsCredentials) -> None:
        self.state.storage.set_item(self._storage_key, json.dumps(dataclasses.asdict(credentials)))

    def _load_stored(self) -> None:
        with self._lock:
            if self._stored_loaded:
                return
            self._stored_loaded = True
            raw = self.state.storage.get_item(self._storage_key)
            if not raw or self._current is not None:
                return
            try:
                credentials = AwsCredentials(**json.loads(raw))
            except (ValueError, TypeError):  # written by another version, or damaged: fetch anew
                self.state.storage.remove_item(self._storage_key)
                return
            if not credentials.due(self.state.clock()):
                self._current, self._current_key = credentials, credentials.login_key
