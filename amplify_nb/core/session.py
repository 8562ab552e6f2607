"""The state one named session owns: its tokens, a pending challenge, and refreshing them.

Tokens are persisted in the session's storage and resumed from it by a new Auth over the same storage.
Refresh is single-flight: however many threads find the tokens due at once, one REFRESH_TOKEN_AUTH
call is made and the others wait for its result.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..config import AuthConfig
from ..errors import AmplifyNbError, InvalidParameterError, NetworkError, NotAuthenticatedError, NotAuthorizedError
from .devices import DeviceStore
from .hub import AUTH_EVENTS, Hub
from .storage import Storage, storage_key
from .tokens import Clock, Tokens, TokenVerifier
from .trace import Trace
from .transport import ClientFactory
from .userpool import UserPoolClient

__all__ = ["REFRESH_RETRY_SECONDS", "AutoSignIn", "CoreSession", "PendingChallenge", "SessionState"]

# While Cognito is unreachable and the tokens still work, wait this long between refresh attempts
# instead of paying a connection timeout on every call.
REFRESH_RETRY_SECONDS = 10.0


@dataclass(frozen=True)
class AutoSignIn:
    """A sign-up that asked to sign in once confirmed: ConfirmSignUp's Session does it, no password kept."""

    login_id: str
    cognito_session: str | None = field(default=None, repr=False)


@dataclass
class PendingChallenge:
    """A sign-in waiting for the user's answer. Holds Cognito's Session, never a password or code."""

    name: str
    cognito_session: str | None  # Cognito's opaque Session string, which each answer hands back
    username: str  # Cognito's internal username (USER_ID_FOR_SRP), used in every answer
    login_id: str  # what the user typed
    parameters: dict[str, str] = field(default_factory=dict)
    # The Cognito challenge an answer goes to, when the step is one amplify_nb adds on the client (PASSWORD
    # chosen at SELECT_CHALLENGE answers SELECT_CHALLENGE; EMAIL_SETUP answers MFA_SETUP). None: ``name``.
    answering: str | None = None
    available: tuple[str, ...] = ()  # SELECT_CHALLENGE's AvailableChallenges, MFA_SETUP's methods to set up
    totp_associated: bool = False  # MFA_SETUP: AssociateSoftwareToken made the secret being set up

    def __repr__(self) -> str:
        return f"PendingChallenge(name={self.name!r}, username={self.username!r})"


class CoreSession(Protocol):
    """What the layers above the core (credentials) may use of a session: who it is, its configuration,
    clock, storage and transport, its Hub events, its tokens and the trace of its current flow. The rest
    of SessionState (pending challenges, the refresh machinery, the user-pool client) is the core's."""

    @property
    def name(self) -> str: ...

    @property
    def config(self) -> AuthConfig: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def storage(self) -> Storage: ...

    @property
    def transport(self) -> ClientFactory | None: ...

    @property
    def trace(self) -> Trace: ...

    def emit(self, event: str, data: Any = None, message: str | None = None) -> None: ...

    def tokens(self) -> Tokens | None: ...

    def current(self, force_refresh: bool = False) -> Tokens: ...


class SessionState:
    """The state of one named session (an Auth): its tokens, a pending challenge, and refreshing them."""

    def __init__(self, name: str, config: AuthConfig, storage: Storage, clock: Clock,
                 transport: ClientFactory | None = None):
        self.name = name
        self.config = config
        self.storage = storage
        self.clock = clock
        self.transport = transport  # None: the process's shared botocore session (core/transport.py)
        self.client = UserPoolClient(config, transport)
        self.verifier = TokenVerifier(config, clock)
        self.lock = threading.RLock()
        self.refresh_lock = threading.Lock()
        self.pending: PendingChallenge | None = None
        self.auto_sign_in: AutoSignIn | None = None
        # Whether the app client rotates refresh tokens (None: not known yet, learnt at the first refresh).
        self.rotating: bool | None = config.refresh_token_rotation
        self._tokens: Tokens | None = None
        self._loaded = False
        self._retry_refresh_at = 0.0
        self._refresh_failure: tuple[float, NetworkError] | None = None  # (until, the error) for expired tokens

    @property
    def storage_key(self) -> str:
        return storage_key(self.name, self.config.storage_scope, "tokens")

    @property
    def hosted_ui_key(self) -> str:
        return storage_key(self.name, self.config.storage_scope, "hosted_ui")

    @property
    def trace(self) -> Trace:
        """The Cognito calls of the session's current flow (see core.auth.operation)."""
        return self.client.trace

    def emit(self, event: str, data: Any = None, message: str | None = None) -> None:
        if event not in AUTH_EVENTS:  # one vocabulary of events: a name not in it is a bug here, not news
            raise ValueError(f"{event!r} is not an auth event")
        payload = {"event": event, "data": data, "session": self.name}
        if message:
            payload["message"] = message
        Hub.dispatch("auth", payload)

    # ---- tokens ---------------------------------------------------------------------------------
    def tokens(self) -> Tokens | None:
        """The current tokens, resumed from storage the first time (re-verified, expiry allowed)."""
        with self.lock:
            if not self._loaded:
                sync = getattr(self.storage, "sync", None)
                if callable(sync):
                    sync()
                stored = self.storage.get_item(self.storage_key)
                self._tokens = self.verifier.restore(stored) if stored else None
                self._loaded = True
            return self._tokens

    def tokens_in_memory(self) -> Tokens | None:
        """The tokens if already loaded, without reading storage (for a repr, which must not do I/O)."""
        with self.lock:
            return self._tokens if self._loaded else None

    def store(self, tokens: Tokens) -> None:
        with self.lock:
            self.storage.set_item(self.storage_key, tokens.to_json())
            self._tokens, self._loaded = tokens, True
            self._refresh_failure = None

    def store_hosted_ui(self, tokens: Tokens, provider: str | None) -> None:
        """Tokens of a sign-in through the hosted UI, remembered as such beside them (for this user: its
        ``sub``), so that sign-out also gives the /logout address that ends the browser's Cognito session."""
        with self.lock:
            self.storage.set_item(self.hosted_ui_key, json.dumps({"sub": tokens.sub, "provider": provider}))
            try:
                self.store(tokens)
            except BaseException:
                with contextlib.suppress(Exception):
                    self.storage.remove_item(self.hosted_ui_key)
                raise

    def hosted_ui_sign_in(self) -> dict[str, Any] | None:
        """``{"sub", "provider"}`` when the current tokens came from the hosted UI, else None."""
        tokens = self.tokens()
        if tokens is None:
            return None
        try:
            marker = json.loads(self.storage.get_item(self.hosted_ui_key) or "null")
        except ValueError:
            return None
        return marker if isinstance(marker, dict) and marker.get("sub") == tokens.sub else None

    def forget(self) -> None:
        """Drop tokens and any pending challenge, here and in storage."""
        with self.lock:
            self.storage.remove_item(self.storage_key)
            self.storage.remove_item(self.hosted_ui_key)
            self._tokens, self._loaded, self.pending = None, True, None

    def require_tokens(self) -> Tokens:
        tokens = self.tokens()
        if tokens is None:
            raise NotAuthenticatedError("No user is signed in to this session; call sign_in() first")
        return tokens

    # ---- refresh --------------------------------------------------------------------------------
    def current(self, force_refresh: bool = False) -> Tokens:
        """Valid tokens, refreshed first when they are due (within the refresh margin of expiry), or now
        when ``force_refresh``."""
        tokens = self.require_tokens()
        now = self.clock()
        if not force_refresh and (not tokens.refresh_due(now)
                                  or (now < self._retry_refresh_at and now < tokens.expires_at)):
            return tokens  # fresh enough, or Cognito was unreachable a moment ago and these still work
        self._unreachable_a_moment_ago(now)
        with self.refresh_lock:
            current = self.require_tokens()  # another thread may have refreshed while this one waited
            if current is not tokens and not current.refresh_due(self.clock()):
                return current
            if not force_refresh and not current.refresh_due(self.clock()):
                return current
            self._unreachable_a_moment_ago(self.clock())  # the thread before this one just found it so
            return self._refresh(current)

    def _unreachable_a_moment_ago(self, now: float) -> None:
        """Expired tokens and Cognito unreachable a moment ago: say so at once instead of every waiting
        thread paying its own connection timeout (they would each retry, one after another)."""
        failure = self._refresh_failure
        if failure is not None and now < failure[0]:
            raise failure[1]

    def _refresh(self, tokens: Tokens) -> Tokens:
        if not tokens.refresh_token:
            self.forget()
            self.emit("tokenRefresh_failure", message="no refresh token")
            raise NotAuthenticatedError("The session has expired and has no refresh token; sign in again")
        try:
            result = self._refresh_call(tokens)
            # Rotation: a new refresh token comes with the others and is stored with them in one write, so
            # storage never holds the new access token beside a refresh token already rotated away.
            fresh = self.verifier.tokens(result["AuthenticationResult"], previous=tokens)
        except NotAuthorizedError as exc:
            with self.lock:
                replaced = self._tokens is not tokens  # signed out (or in again) while this was in flight
                if not replaced:
                    self.forget()
            self.emit("tokenRefresh_failure", message=str(exc))
            if not replaced:
                self.emit("signOut", {"username": tokens.username, "reason": "refresh token refused"})
            raise NotAuthenticatedError(
                "The session has ended: Cognito refused the refresh token (revoked, expired or signed out "
                "elsewhere); sign in again", code=exc.code, request_id=exc.request_id) from None
        except NetworkError as exc:
            self.emit("tokenRefresh_failure", message=str(exc))
            self._retry_refresh_at = self.clock() + REFRESH_RETRY_SECONDS
            if self.clock() < tokens.expires_at:
                return tokens  # still valid: keep working, try again after a pause
            self._refresh_failure = (self._retry_refresh_at, exc)
            raise
        except AmplifyNbError as exc:
            self.emit("tokenRefresh_failure", message=str(exc))
            raise
        with self.lock:
            current = self._tokens
            if current is tokens:
                self.store(fresh)
        if current is not tokens:  # a sign-out (or a new sign-in) won while this refresh was in flight
            if current is None:
                raise NotAuthenticatedError("The session was signed out while its tokens were being refreshed")
            return current
        self.emit("tokenRefresh", {"username": fresh.username, "expires_at": fresh.expires_at})
        return fresh

    def _refresh_call(self, tokens: Tokens) -> dict[str, Any]:
        """REFRESH_TOKEN_AUTH, or GetTokensFromRefreshToken for an app client that rotates refresh tokens
        (which refuses REFRESH_TOKEN_AUTH): known from the configuration, else learnt from that refusal."""
        refresh_token = tokens.refresh_token or ""
        # A refresh token issued to a remembered device refreshes for that device only.
        device = DeviceStore(self.storage, self.name, self.config.storage_scope).find(tokens.username)
        if self.rotating:
            params: dict[str, Any] = {"RefreshToken": refresh_token, "ClientId": self.config.user_pool_client_id,
                                      **self.client_metadata()}
            if self.config.client_secret:
                params["ClientSecret"] = self.config.client_secret
            if device:
                params["DeviceKey"] = device.key
            return self.client.call("GetTokensFromRefreshToken", **params)
        # Cognito hashes the refresh's SECRET_HASH with the internal username, not the alias the user
        # typed (the pycognito#18 failure): the access token's `username` claim is exactly that.
        auth_params = self.client.with_secret_hash({"REFRESH_TOKEN": refresh_token, **(
            {"DEVICE_KEY": device.key} if device else {})}, tokens.username)
        try:
            return self.client.call("InitiateAuth", AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=auth_params,
                                    ClientId=self.config.user_pool_client_id, **self.client_metadata())
        except (NotAuthorizedError, InvalidParameterError) as exc:
            # A rotating client has no REFRESH_TOKEN_AUTH: Cognito says so (the flow is not enabled for it).
            said = str(exc).lower()
            if "rotation" not in said and "refresh_token_auth flow not enabled" not in said:
                raise
            self.rotating = True  # this client rotates: from now on, its own operation
            return self._refresh_call(tokens)

    def client_metadata(self) -> dict[str, Any]:
        return {"ClientMetadata": dict(self.config.client_metadata)} if self.config.client_metadata else {}

