"""Auth: the session facade the magics and the widget both drive. Thread-safe; one per name.

Names follow Amplify JS's Auth category in snake_case. Each method validates its arguments before any
network call and raises a typed error from errors.py; a challenge is a SignInResult, not an error.
"""

from __future__ import annotations

import threading
from typing import Any

from ..config import AuthConfig, load_config
from ..errors import ValidationError
from .flows import account, mfa, signin, signup
from .flows.results import AuthUser, CodeDelivery, SignInResult, SignUpResult
from .session import SessionState
from .storage import MemoryStorage, check_storage
from .tokens import Clock, Tokens, system_clock
from .trace import Trace

_registry: dict[str, Auth] = {}
_registry_lock = threading.Lock()


def get_session(name: str = "default") -> Auth | None:
    """The Auth most recently created under this name in this process, if any."""
    with _registry_lock:
        return _registry.get(name)


class Auth:
    def __init__(self, config: Any = None, name: str = "default", storage: Any = None, *,
                 clock: Clock = system_clock):
        if not isinstance(name, str) or not name.strip() or len(name) > 64:
            raise ValidationError("name must be a non-empty string of at most 64 characters", field="name")
        self.name = name
        self.config: AuthConfig = load_config(config)
        storage = check_storage(MemoryStorage() if storage is None else storage)
        self._state = SessionState(name, self.config, storage, clock)
        self._op_lock = threading.RLock()
        with _registry_lock:
            _registry[name] = self
        self._state.client.ephemerals.prefill()  # SRP's client ephemeral, made before it is needed
        self._state.emit("configured", {"user_pool_id": self.config.user_pool_id})

    # ---- sign-in --------------------------------------------------------------------------------
    def sign_in(self, username: str, password: str | None = None, *, flow: str | None = None) -> SignInResult:
        with self._op_lock:
            return signin.sign_in(self._state, username, password, flow)

    def confirm_sign_in(self, code: str, mfa_type: str | None = None) -> SignInResult:
        with self._op_lock:
            return signin.confirm_sign_in(self._state, code, mfa_type)

    def send_custom_challenge_answer(self, answer: str) -> SignInResult:
        with self._op_lock:
            return signin.send_custom_challenge_answer(self._state, answer)

    def complete_new_password(self, new_password: str, required_attributes: dict[str, str] | None = None
                              ) -> SignInResult:
        with self._op_lock:
            return signin.complete_new_password(self._state, new_password, required_attributes)

    @property
    def pending_challenge(self) -> str | None:
        pending = self._state.pending
        return pending.name if pending else None

    # ---- sign-up and passwords ------------------------------------------------------------------
    def sign_up(self, username: str, password: str, attributes: dict[str, str] | None = None,
                validation_data: dict[str, str] | None = None) -> SignUpResult:
        with self._op_lock:
            return signup.sign_up(self._state, username, password, attributes, validation_data)

    def confirm_sign_up(self, username: str, code: str, force_alias_creation: bool = True) -> None:
        with self._op_lock:
            signup.confirm_sign_up(self._state, username, code, force_alias_creation)

    def resend_sign_up(self, username: str) -> CodeDelivery | None:
        with self._op_lock:
            return signup.resend_sign_up(self._state, username)

    def forgot_password(self, username: str) -> CodeDelivery | None:
        with self._op_lock:
            return signup.forgot_password(self._state, username)

    def forgot_password_submit(self, username: str, code: str, new_password: str) -> None:
        with self._op_lock:
            signup.forgot_password_submit(self._state, username, code, new_password)

    def change_password(self, old_password: str, new_password: str) -> None:
        with self._op_lock:
            account.change_password(self._state, old_password, new_password)

    # ---- the signed-in user ---------------------------------------------------------------------
    def current_session(self) -> Tokens:
        """Valid tokens, refreshed first when within the refresh margin of expiry (at most one refresh
        in flight however many threads ask)."""
        return self._state.current()

    def current_authenticated_user(self) -> AuthUser:
        return account.current_user(self._state)

    @property
    def is_signed_in(self) -> bool:
        return self._state.tokens() is not None

    def user_attributes(self) -> dict[str, str]:
        return account.user_attributes(self._state)

    def update_user_attributes(self, attributes: dict[str, str]) -> dict[str, CodeDelivery]:
        with self._op_lock:
            return account.update_user_attributes(self._state, attributes)

    def verify_current_user_attribute(self, name: str) -> CodeDelivery | None:
        with self._op_lock:
            return account.verify_attribute(self._state, name)

    def verify_current_user_attribute_submit(self, name: str, code: str) -> None:
        with self._op_lock:
            account.verify_attribute_submit(self._state, name, code)

    def delete_user(self) -> None:
        with self._op_lock:
            account.delete_user(self._state)

    def sign_out(self, global_: bool = False) -> None:
        with self._op_lock:
            account.sign_out(self._state, global_)

    # ---- MFA ------------------------------------------------------------------------------------
    def setup_totp(self, issuer: str | None = None) -> mfa.TOTPSetup:
        with self._op_lock:
            return mfa.setup_totp(self._state, issuer)

    def verify_totp_token(self, code: str, device_name: str | None = None) -> None:
        with self._op_lock:
            mfa.verify_totp_token(self._state, code, device_name)

    def set_preferred_mfa(self, method: str) -> None:
        with self._op_lock:
            mfa.set_preferred_mfa(self._state, method)

    def get_preferred_mfa(self) -> str:
        return mfa.get_mfa_settings(self._state)[0]

    # ---- teaching -------------------------------------------------------------------------------
    @property
    def trace(self) -> Trace:
        """The Cognito calls of the last flow, secrets redacted."""
        return self._state.client.trace

    @property
    def session_state(self) -> SessionState:
        """For the credentials layer and the views: the state this facade drives."""
        return self._state

    def __repr__(self) -> str:
        who = self._state.tokens().username if self._state._loaded and self._state._tokens else None
        return f"Auth(name={self.name!r}, user_pool_id={self.config.user_pool_id!r}, signed_in_as={who!r})"
