"""The user-pool half of ``amplify_nb.Auth``, the session facade the magics and the widget both drive.

Thread-safe; one per name ("a session" is a named Auth everywhere in amplify_nb). Names follow Amplify
JS's Auth category in snake_case. Each method validates its arguments before any network call and raises
a typed error from errors.py; a challenge is a SignInResult, not an error. Every public method is an
``operation``: one lock, one trace, one failure event. The public class, with the identity-pool
credentials added, is ``amplify_nb.credentials.auth.Auth``.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from ..config import AuthConfig, load_config
from ..errors import AmplifyNbError, ValidationError
from .flows import account, devices, mfa, signin, signup
from .flows.results import AuthUser, CodeDelivery, SignInResult, SignOutResult, SignUpResult
from .oauth import flow as hosted_ui
from .oauth.machine import ClientCredentials, ClientCredentialsToken
from .oauth.redirect import HostedUIRedirect
from .session import CoreSession, SessionState
from .storage import MemoryStorage, check_storage
from .tokens import Clock, Tokens, system_clock
from .trace import Trace
from .transport import ClientFactory

__all__ = ["Method", "UserPoolAuth", "get_session", "operation"]

_registry: dict[str, UserPoolAuth] = {}
_registry_lock = threading.Lock()


_tracing = threading.local()  # per thread: the sessions whose public method is running (see operation)
P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="UserPoolAuth")
Method = Callable[Concatenate[S, P], R]


def operation(failure: str | None = None, who: Callable[..., str | None] | None = None, *, locked: bool = True
              ) -> Callable[[Method[S, P, R]], Method[S, P, R]]:
    """One public call of the facade, as every one is made: under the session's lock (``locked``; reads
    that must not wait behind a sign-in or a sign-out, such as ``current_session``, take none), recorded
    in a trace of its own from its first Cognito call on (a token refresh it needs included), and, when
    Cognito or the network fails it, announced as the Hub event ``failure`` with ``{"username": who(...)}``.
    A refused argument (ValidationError) is the caller's mistake, made before any call: no event. A call
    that reaches Cognito not at all leaves ``auth.trace`` as it was: the last flow that did."""
    def wrap(method: Method[S, P, R]) -> Method[S, P, R]:
        @functools.wraps(method)
        def run(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
            with self._op_lock if locked else contextlib.nullcontext():
                client = self._state.client
                # A public method called by another (fetch_auth_session's current_credentials) records into
                # the caller's trace: the trace is the outermost call's, all of it.
                outermost = id(self) not in _tracing.__dict__.setdefault("auths", set())
                previous = client.trace
                if outermost:
                    client.new_trace()
                    _tracing.auths.add(id(self))
                login = who(self, *args, **kwargs) if who is not None else None
                try:
                    return method(self, *args, **kwargs)
                except ValidationError:
                    raise
                except AmplifyNbError as exc:
                    if failure is not None:
                        self._state.emit(failure, {"username": login}, str(exc))
                    raise
                finally:
                    if outermost:
                        _tracing.auths.discard(id(self))
                        if not len(client.trace):
                            client.trace = previous
        return cast("Method[S, P, R]", run)
    return wrap


def _username(_auth: UserPoolAuth, username: Any = None, *_args: Any, **_kwargs: Any) -> str | None:
    return username if isinstance(username, str) else None


def _auto_login(auth: UserPoolAuth, *_args: Any, **_kwargs: Any) -> str | None:
    waiting = auth._state.auto_sign_in
    return waiting.login_id if waiting else None


def _pending_login(auth: UserPoolAuth, *_args: Any, **_kwargs: Any) -> str | None:
    pending = auth._state.pending
    return pending.login_id if pending else None


def get_session(name: str = "default") -> UserPoolAuth | None:
    """The Auth most recently created under this name in this process, if any."""
    with _registry_lock:
        return _registry.get(name)


class UserPoolAuth:
    def __init__(self, config: Any = None, name: str = "default", storage: Any = None, *,
                 clock: Clock = system_clock, transport: ClientFactory | None = None):
        if not isinstance(name, str) or not name.strip() or len(name) > 64:
            raise ValidationError("name must be a non-empty string of at most 64 characters", field="name")
        self.name = name
        self.config: AuthConfig = load_config(config)
        if storage is None:  # the configuration's own (v5's Auth.storage), else tokens live as long as the kernel
            storage = MemoryStorage() if self.config.token_storage is None else self.config.token_storage
        storage = check_storage(storage)
        self._state = SessionState(name, self.config, storage, clock, transport)
        self._op_lock = threading.RLock()
        self._client_credentials = ClientCredentials(self._state)
        with _registry_lock:
            _registry[name] = self
        self._state.client.ephemerals.prefill()  # SRP's client ephemeral, made before it is needed
        self._state.emit("configured", {"user_pool_id": self.config.user_pool_id})

    # ---- sign-in --------------------------------------------------------------------------------
    @operation("signIn_failure", _username)
    def sign_in(self, username: str, password: str | None = None, *, flow: str | None = None,
                preferred_challenge: str | None = None) -> SignInResult:
        """``flow``: USER_SRP_AUTH (default), USER_PASSWORD_AUTH, CUSTOM_AUTH or USER_AUTH (choice-based:
        ``preferred_challenge`` PASSWORD_SRP, PASSWORD, EMAIL_OTP or SMS_OTP, else SELECT_CHALLENGE)."""
        return signin.sign_in(self._state, username, password, flow, preferred_challenge)

    @operation("signIn_failure", _pending_login)
    def confirm_sign_in(self, code: str, mfa_type: str | None = None) -> SignInResult:
        return signin.confirm_sign_in(self._state, code, mfa_type)

    @operation("signIn_failure", _pending_login)
    def send_custom_challenge_answer(self, answer: str) -> SignInResult:
        return signin.send_custom_challenge_answer(self._state, answer)

    @operation("completeNewPassword_failure", _pending_login)
    def complete_new_password(self, new_password: str, required_attributes: dict[str, str] | None = None
                              ) -> SignInResult:
        return signin.complete_new_password(self._state, new_password, required_attributes)

    # ---- the hosted UI (Cognito's OAuth 2.0 endpoints) ----------------------------------------
    @operation()
    def sign_in_with_redirect(self, provider: str | None = None, *, custom_state: str | None = None,
                              mode: str = "auto", scopes: list[str] | None = None) -> HostedUIRedirect:
        """Sign in through the hosted UI (``provider`` None: its own page; "Google", "Facebook",
        "LoginWithAmazon", "SignInWithApple" or your identity provider's name goes straight there). Returns
        the redirect to open; ``mode``: how the browser comes back, "loopback" (a listener on this machine),
        "server" (the Jupyter server's route), "paste" (``complete(address)``) or "auto" (the first the
        configuration's redirect URIs allow). Code grant with PKCE; the implicit grant when the configuration
        says response_type 'token' (weaker: no refresh token, tokens in the browser's address)."""
        return hosted_ui.start(self._state, provider, custom_state, mode, scopes, self._finish_redirect)

    @operation()
    def _finish_redirect(self, redirect: HostedUIRedirect, url: str) -> SignInResult:
        """A redirect's completion, as a public call: the session's lock, trace and failure events."""
        return hosted_ui.finish(self._state, redirect, url)

    @operation()
    def client_credentials_token(self, scopes: list[str] | None = None) -> ClientCredentialsToken:
        """An access token for the app client itself (the client_credentials grant of a confidential
        client, for an API guarded by resource-server scopes); cached until it is due."""
        return self._client_credentials.token(scopes)

    @property
    def pending_challenge(self) -> str | None:
        pending = self._state.pending
        return pending.name if pending else None

    # ---- sign-up and passwords ------------------------------------------------------------------
    @operation("signUp_failure", _username)
    def sign_up(self, username: str, password: str | None = None, attributes: dict[str, str] | None = None,
                validation_data: dict[str, str] | None = None, *, auto_sign_in: bool = False) -> SignUpResult:
        """``password=None``: a passwordless user (the pool must allow one-time-code sign-in).
        ``auto_sign_in``: once confirmed, ``auto_sign_in()`` signs in without the password again."""
        return signup.sign_up(self._state, username, password, attributes, validation_data, auto_sign_in)

    @operation("autoSignIn_failure", _auto_login)
    def auto_sign_in(self) -> SignInResult:
        """Sign in the user whose sign-up (``auto_sign_in=True``) was just confirmed, as Amplify v6's autoSignIn."""
        return signup.auto_sign_in(self._state)

    @operation()
    def confirm_sign_up(self, username: str, code: str, force_alias_creation: bool = True) -> None:
        signup.confirm_sign_up(self._state, username, code, force_alias_creation)

    @operation()
    def resend_sign_up(self, username: str) -> CodeDelivery | None:
        return signup.resend_sign_up(self._state, username)

    @operation("forgotPassword_failure", _username)
    def forgot_password(self, username: str) -> CodeDelivery | None:
        return signup.forgot_password(self._state, username)

    @operation("forgotPasswordSubmit_failure", _username)
    def forgot_password_submit(self, username: str, code: str, new_password: str) -> None:
        signup.forgot_password_submit(self._state, username, code, new_password)

    @operation()
    def change_password(self, old_password: str, new_password: str) -> None:
        account.change_password(self._state, old_password, new_password)

    # ---- the signed-in user ---------------------------------------------------------------------
    @operation(locked=False)
    def current_session(self, force_refresh: bool = False) -> Tokens:
        """Valid tokens, refreshed first when within the refresh margin of expiry, or now with
        ``force_refresh`` (at most one refresh in flight however many threads ask). Amplify's name: the
        session's tokens."""
        return self._state.current(bool(force_refresh))

    @operation(locked=False)
    def current_authenticated_user(self) -> AuthUser:
        return account.current_user(self._state)

    @property
    def is_signed_in(self) -> bool:
        return self._state.tokens() is not None

    @operation(locked=False)
    def user_attributes(self) -> dict[str, str]:
        return account.user_attributes(self._state)

    @operation()
    def update_user_attributes(self, attributes: dict[str, str]) -> dict[str, CodeDelivery]:
        return account.update_user_attributes(self._state, attributes)

    @operation()
    def verify_current_user_attribute(self, name: str) -> CodeDelivery | None:
        return account.verify_attribute(self._state, name)

    @operation()
    def verify_current_user_attribute_submit(self, name: str, code: str) -> None:
        account.verify_attribute_submit(self._state, name, code)

    @operation()
    def delete_user(self) -> None:
        account.delete_user(self._state)

    @operation()
    def sign_out(self, global_: bool = False) -> SignOutResult:
        """Revokes the refresh token (``global_``: every session of the user); after a hosted-UI sign-in
        the result's ``logout_url`` ends the browser's Cognito session too."""
        return account.sign_out(self._state, global_)

    # ---- devices --------------------------------------------------------------------------------
    @operation()
    def remember_device(self) -> None:
        """Mark this session's device remembered (pools that remember devices when the user says so)."""
        devices.remember(self._state)

    @operation()
    def forget_device(self, device_key: str | None = None) -> None:
        """Forget a device of the user (default: this session's own, whose secret is dropped here too)."""
        devices.forget(self._state, device_key)

    @property
    def device_key(self) -> str | None:
        """The key of the device this session signed in as, on pools that track devices (None: none)."""
        return devices.this_device(self._state)

    @operation(locked=False)
    def fetch_devices(self) -> devices.DeviceList:
        """The user's devices (ListDevices): a table in Jupyter, ``.to_dataframe()`` for pandas."""
        return devices.fetch(self._state)

    # ---- MFA ------------------------------------------------------------------------------------
    @operation()
    def setup_totp(self, issuer: str | None = None) -> mfa.TOTPSetup:
        return mfa.setup_totp(self._state, issuer)

    @operation()
    def verify_totp_token(self, code: str, device_name: str | None = None) -> None:
        mfa.verify_totp_token(self._state, code, device_name)

    @operation()
    def set_preferred_mfa(self, method: str) -> None:
        mfa.set_preferred_mfa(self._state, method)

    @operation(locked=False)
    def get_preferred_mfa(self) -> str:
        return mfa.get_mfa_settings(self._state)[0]

    # ---- teaching -------------------------------------------------------------------------------
    @property
    def trace(self) -> Trace:
        """The Cognito calls of the last flow, secrets redacted."""
        return self._state.client.trace

    @property
    def session_state(self) -> CoreSession:
        """The part of this session's state the layers above the core use (see CoreSession)."""
        return self._state

    def __repr__(self) -> str:
        tokens = self._state.tokens_in_memory()
        who = tokens.username if tokens else None
        return f"Auth(name={self.name!r}, user_pool_id={self.config.user_pool_id!r}, signed_in_as={who!r})"
