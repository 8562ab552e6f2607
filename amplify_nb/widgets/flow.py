"""The Authenticator's transitions, without widgets: what each form submits and which state comes next.

The default views call these methods; an app that renders its own views (``hide_default=True``) calls
the same ones and watches ``auth_state``, as Amplify UI's ``useAuthenticator`` hands out ``submitForm``,
``toSignUp`` and the rest. Each method raises the core's typed error when the call fails and leaves the
state where it was, so the form can show the error and let the user try again.

Nothing secret is kept here: passwords and codes go straight to the core; the only secret held is the
TOTP set-up (the user has to see its QR code), dropped once the set-up finishes or is abandoned.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import AmplifyNbError, ValidationError
from ..steps import STEPS

if TYPE_CHECKING:
    from ..core.flows.mfa import TOTPSetup
    from ..core.flows.results import CodeDelivery, SignInResult
    from ..credentials.auth import Auth

__all__ = ["CONTACT_ATTRIBUTES", "SIGNED_OUT_STATES", "STATES", "Flow"]

STATES = ("signIn", "signUp", "confirmSignIn", "confirmSignUp", "forgotPassword", "requireNewPassword",
          "verifyContact", "TOTPSetup", "selectMFAType", "customChallenge", "signedIn")
SIGNED_OUT_STATES = ("signIn", "signUp", "confirmSignUp", "forgotPassword")
CONTACT_ATTRIBUTES = ("email", "phone_number")


class Flow:
    def __init__(self, auth: Auth, go: Callable[[str], None]):
        self.auth = auth
        self._go = go
        self._acting = 0
        self._lock = threading.Lock()
        self.username = ""  # what the user typed to sign in, up or reset; forms keep it prefilled
        self.reset()

    def reset(self) -> None:
        """Forget the sign-in in progress (not the username: forms keep it prefilled)."""
        self.result: SignInResult | None = None  # the last sign-in step
        self.delivery: CodeDelivery | None = None  # where the last code went
        self.totp_setup: TOTPSetup | None = None
        self.reset_code_sent = False  # forgotPassword: the code is on its way, ask for it
        self.unverified: tuple[str, ...] = ()  # verifyContact: what may be verified, e.g. ("email",)
        self.contact_values: dict[str, str] = {}
        self.verifying: str | None = None  # verifyContact: the attribute a code was sent for
        self.notice: str | None = None  # an English phrase (I18n key) for the next form to show

    @property
    def acting(self) -> bool:
        """True while one of these methods is calling the core: Hub events it causes are its own."""
        return self._acting > 0

    @contextmanager
    def _action(self) -> Iterator[None]:
        with self._lock:
            self._acting += 1
        try:
            yield
        finally:
            with self._lock:
                self._acting -= 1

    def go(self, state: str, notice: str | None = None) -> None:
        if state not in STATES:
            raise ValidationError(f"auth_state must be one of {', '.join(STATES)}", field="auth_state")
        if state in SIGNED_OUT_STATES and state != "forgotPassword":
            self.reset_code_sent = False
        self.notice = notice
        self._go(state)

    # ---- navigation -----------------------------------------------------------------------------
    def to_sign_in(self) -> None:
        self.reset()
        self.go("signIn")

    def to_sign_up(self) -> None:
        self.reset()
        self.go("signUp")

    def to_forgot_password(self) -> None:
        self.reset()
        self.go("forgotPassword")

    # ---- signing in -----------------------------------------------------------------------------
    def sign_in(self, username: str, password: str | None) -> None:
        """With a CUSTOM_AUTH pool an empty password starts a passwordless custom challenge."""
        with self._action():
            self.username = username
            if not password and self.auth.config.authentication_flow_type == "CUSTOM_AUTH":
                password = None
            result = self.auth.sign_in(username, password)
            self._after(result)

    def confirm_sign_in(self, code: str) -> None:
        """The SMS, authenticator-app or e-mail code of confirmSignIn (also TOTPSetup's first code)."""
        with self._action():
            result = self.auth.confirm_sign_in(code)
            self._after(result)

    def select_mfa_type(self, mfa_type: str) -> None:
        with self._action():
            self._after(self.auth.confirm_sign_in(mfa_type, mfa_type=mfa_type))

    def complete_new_password(self, new_password: str, attributes: Mapping[str, str] | None = None) -> None:
        with self._action():
            self._after(self.auth.complete_new_password(new_password, dict(attributes or {}) or None))

    def send_custom_challenge_answer(self, answer: str) -> None:
        with self._action():
            self._after(self.auth.send_custom_challenge_answer(answer))

    def federated_sign_in(self, provider: str, token_provider: Callable[[], Any]) -> None:
        """Ask the app's token provider for a token (a str, a (token, expires_at) tuple or a dict with
        token / expires_at / user) and hand it to the core; the token is not kept here."""
        with self._action():
            answer = token_provider()
            user = expires_at = None
            if isinstance(answer, tuple):
                token, expires_at = answer[0], answer[1] if len(answer) > 1 else None
            elif isinstance(answer, Mapping):
                token, expires_at, user = answer.get("token"), answer.get("expires_at"), answer.get("user")
            else:
                token = answer
            if not token:
                raise ValidationError(f"The {provider} sign-in gave no token", field="federated")
            self.auth.federated_sign_in(provider, token, expires_at, user)
            self.reset()
            self.go("signedIn")

    def _after(self, result: SignInResult) -> None:
        """The state a sign-in step leads to."""
        self.result = result
        if result.is_signed_in:
            self.totp_setup = None
            self._signed_in()
            return
        step = STEPS[result.next_step]
        if step.name == "CONFIRM_SIGN_UP":  # Cognito sends no code on a refused sign-in: ask for a new one
            self.delivery = self.auth.resend_sign_up(self.username)
            self.go("confirmSignUp")
        elif step.name == "RESET_PASSWORD":
            self.delivery = self.auth.forgot_password(self.username)
            self.reset_code_sent = True
            self.go("forgotPassword", "Your password must be reset before you sign in")
        elif step.answer == "totp_setup" and result.totp_setup is None:
            raise ValidationError("This pool asks for an MFA set-up other than an authenticator app, which the "
                                  "Authenticator cannot do; set up MFA with the magics or the core")
        else:
            self.delivery = result.code_delivery
            self.totp_setup = result.totp_setup if step.answer == "totp_setup" else None
            self.go(step.widget_state)

    def _signed_in(self) -> None:
        """As Amplify UI does: a user with an e-mail or phone number but none verified is asked to verify."""
        try:
            attributes = self.auth.user_attributes()
        except AmplifyNbError:  # signed in all the same: verification is an offer, not a gate
            attributes = {}
        verified = any(attributes.get(f"{name}_verified") == "true" for name in CONTACT_ATTRIBUTES)
        unverified = tuple(name for name in CONTACT_ATTRIBUTES if attributes.get(name))
        self.reset()
        if not verified and unverified:
            self.unverified = unverified
            self.contact_values = {name: attributes[name] for name in unverified}
            self.go("verifyContact")
        else:
            self.go("signedIn")

    # ---- signing up -----------------------------------------------------------------------------
    def sign_up(self, username: str, password: str, attributes: Mapping[str, str] | None = None) -> None:
        with self._action():
            self.username = username
            result = self.auth.sign_up(username, password, dict(attributes or {}) or None)
            if result.user_confirmed:
                self.go("signIn", "Account created; sign in")
            else:
                self.delivery = result.code_delivery
                self.go("confirmSignUp")

    def confirm_sign_up(self, code: str) -> None:
        with self._action():
            self.auth.confirm_sign_up(self.username, code)
            self.reset()
            self.go("signIn", "Account confirmed; sign in")

    def resend_sign_up(self) -> None:
        with self._action():
            self.delivery = self.auth.resend_sign_up(self.username)

    # ---- a forgotten password -------------------------------------------------------------------
    def forgot_password(self, username: str) -> None:
        with self._action():
            self.username = username
            self.delivery = self.auth.forgot_password(username)
            self.reset_code_sent = True
            self.go("forgotPassword")

    def forgot_password_submit(self, code: str, new_password: str) -> None:
        with self._action():
            self.auth.forgot_password_submit(self.username, code, new_password)
            self.reset()
            self.go("signIn", "Password changed; sign in")

    # ---- after sign-in --------------------------------------------------------------------------
    def verify_contact(self, attribute: str) -> None:
        with self._action():
            if attribute not in self.unverified:
                raise ValidationError("Choose the e-mail address or phone number to verify", field="attribute")
            self.delivery = self.auth.verify_current_user_attribute(attribute)
            self.verifying = attribute
            self.go("verifyContact")

    def verify_contact_submit(self, code: str) -> None:
        with self._action():
            if self.verifying is None:
                raise ValidationError("Ask for a verification code first", field="attribute")
            self.auth.verify_current_user_attribute_submit(self.verifying, code)
            self.reset()
            self.go("signedIn")

    def skip_verification(self) -> None:
        self.reset()
        self.go("signedIn")

    def sign_out(self, global_: bool = False) -> None:
        with self._action():
            self.auth.sign_out(global_)
            self.reset()
            self.go("signIn")
