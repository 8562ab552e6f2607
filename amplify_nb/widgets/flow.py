"""The Authenticator's transitions, without widgets: what each form submits and which state comes next.

The default views call these methods; an app that renders its own views (``hide_default=True``) calls
the same ones and watches ``auth_state``, as Amplify UI's ``useAuthenticator`` hands out ``submitForm``,
``toSignUp`` and the rest. Each method raises the core's typed error when the call fails and leaves the
state where it was, so the form can show the error and let the user try again.

Nothing secret is kept here: passwords and codes go straight to the core; the only secret held is the
TOTP set-up (the user has to see its QR code), dropped once the set-up finishes or is abandoned.

How a user signs in is the flow's ``SignInOptions``: the configuration's flow, or choice-based sign-in
(USER_AUTH: a password or a one-time code by e-mail or SMS, one preferred or chosen on its own screen),
passwordless sign-up, and auto sign-in once a sign-up is confirmed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import AmplifyNbError, NotAuthorizedError, ValidationError
from ..steps import CHOICE_FLOW, FIRST_FACTORS, FLOWS, STEPS
from .services import Services

if TYPE_CHECKING:
    from ..core.flows.mfa import TOTPSetup
    from ..core.flows.results import CodeDelivery, SignInResult
    from ..credentials.auth import Auth

__all__ = ["CONTACT_ATTRIBUTES", "SIGNED_OUT_STATES", "STATES", "Flow", "SignInOptions"]

STATES = ("signIn", "signUp", "confirmSignIn", "confirmSignUp", "forgotPassword", "requireNewPassword",
          "verifyContact", "TOTPSetup", "selectMFAType", "customChallenge", "signInSelectAuthFactor",
          "signInPassword", "setupEmail", "signedIn")
SIGNED_OUT_STATES = ("signIn", "signUp", "confirmSignUp", "forgotPassword")
CONTACT_ATTRIBUTES = ("email", "phone_number")
# The flow of FLOWS whose first factor is chosen (Cognito's USER_AUTH); the magics read it here too.
log = logging.getLogger("amplify_nb.widgets")


@dataclass(frozen=True)
class SignInOptions:
    """How the Authenticator signs users in and up.

    ``login_flow``: the sign-in flow (FLOWS); ``preferred_challenge``: USER_AUTH's first factor to try at
    once (a password factor puts the password on the sign-in form; a code factor sends the code), None to
    let the user choose; ``passwordless_sign_up``: sign-up asks no password; ``auto_sign_in``: a confirmed
    sign-up signs the new user in at once, as Amplify UI does.
    """

    login_flow: str
    preferred_challenge: str | None = None
    passwordless_sign_up: bool = False
    auto_sign_in: bool = False

    @classmethod
    def resolve(cls, config: Any, login_flow: str | None = None, preferred_challenge: str | None = None,
                passwordless_sign_up: bool | None = None, auto_sign_in: bool | None = None) -> SignInOptions:
        """The options given, the rest from the configuration: its authentication flow, and the preferred
        first factor of its passwordless settings (which makes sign-in choice-based). One-time codes merely
        enabled there change nothing: the user may still choose them at the choice screen of USER_AUTH."""
        # The configuration's preference (amplify_outputs.json's auth.passwordless); a passkey (WEB_AUTHN) is
        # bound to the page's origin, the Jupyter server's, not the app's: it is left to the hosted UI.
        configured = getattr(getattr(config, "passwordless", None), "preferred_challenge", None)
        if configured not in FIRST_FACTORS or login_flow not in (None, CHOICE_FLOW):
            configured = None
        preferred = preferred_challenge or configured
        flow = login_flow or (CHOICE_FLOW if preferred else config.authentication_flow_type)
        if flow not in FLOWS:
            raise ValidationError(f"login_flow must be one of {', '.join(FLOWS)}", field="login_flow")
        if preferred is not None:
            preferred = str(preferred).strip().upper()
            if preferred not in FIRST_FACTORS:
                raise ValidationError(f"preferred_challenge must be one of {', '.join(FIRST_FACTORS)}",
                                      field="preferred_challenge")
            if flow != CHOICE_FLOW:
                raise ValidationError(f"preferred_challenge belongs to login_flow={CHOICE_FLOW!r}",
                                      field="preferred_challenge")
        passwordless_up = (preferred is not None and STEPS[preferred].answer == "code"
                           if passwordless_sign_up is None else bool(passwordless_sign_up))
        auto = flow == CHOICE_FLOW or passwordless_up if auto_sign_in is None else bool(auto_sign_in)
        return cls(flow, preferred, passwordless_up, auto)

    @property
    def chooses(self) -> bool:
        """Sign-in is choice-based (USER_AUTH)."""
        return self.login_flow == CHOICE_FLOW

    @property
    def password_first(self) -> bool:
        """The sign-in form asks for the password: the flow needs it, or it is the preferred factor."""
        if not self.chooses:
            return True
        return self.preferred_challenge is not None and STEPS[self.preferred_challenge].answer == "password"


class Flow:
    def __init__(self, auth: Auth, go: Callable[[str], None], options: SignInOptions | None = None,
                 services: Services | None = None):
        """``go(state)`` shows the state (the Authenticator's, which also refuses a state it hides);
        ``services``: the app's own functions in place of some calls to the core (services.py)."""
        self.auth = auth
        self.options = options or SignInOptions.resolve(auth.config)
        self.services = services or Services()
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
        self.password_refused = False  # signInPassword: Cognito ended the session on a wrong password
        self.logout_url: str | None = None  # after signing out of a hosted-UI session: its /logout, for the browser

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
        """With a CUSTOM_AUTH pool an empty password starts a passwordless custom challenge; choosing the
        first factor (USER_AUTH), the form has no password unless it is the preferred factor."""
        options = self.options
        with self._action():
            self.username = username
            if not password and (not options.password_first or options.login_flow == "CUSTOM_AUTH"):
                password = None
            result = self.services.call(self.auth, "handle_sign_in", username=username, password=password,
                                        flow=options.login_flow, preferred_challenge=options.preferred_challenge)
            self._after(result)

    def confirm_sign_in(self, code: str) -> None:
        """The SMS, authenticator-app or e-mail code of confirmSignIn (also TOTPSetup's first code)."""
        with self._action():
            result = self.services.call(self.auth, "handle_confirm_sign_in", code=code)
            self._after(result)

    def choose_factor(self, factor: str) -> None:
        """signInSelectAuthFactor: the first factor the user picked (Cognito sends a code now, or the
        password is asked next)."""
        with self._action():
            self._after(self.auth.confirm_sign_in(factor))

    def sign_in_password(self, password: str) -> None:
        """signInPassword: the password of the chosen factor. Cognito takes one password per session, so
        after a refused one the next try starts a sign-in again with that factor preferred."""
        with self._action():
            factor = self.result.next_step if self.result else ""
            if self.password_refused or self.auth.pending_challenge != factor:
                result = self.auth.sign_in(self.username, password, flow=CHOICE_FLOW, preferred_challenge=factor)
            else:
                try:
                    result = self.auth.confirm_sign_in(password)
                except NotAuthorizedError:
                    self.password_refused = True
                    raise
            self._after(result)

    def setup_email(self, address: str) -> None:
        """setupEmail: the address e-mail MFA codes go to; its first code is asked next."""
        with self._action():
            self._after(self.auth.confirm_sign_in(address))

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
            self.delivery = self.totp_setup = None
            self.go("selectMFAType")  # the method to set up, as Amplify UI's selectMfaType does
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
    def sign_up(self, username: str, password: str | None, attributes: Mapping[str, str] | None = None,
                form_data: Mapping[str, str] | None = None) -> None:
        """``password=None``: a passwordless user (they sign in with a one-time code). The app's
        validate_custom_sign_up service sees the form first (``form_data``: every field as the user left it,
        as Amplify UI passes it; by default the username, password and attributes); what it refuses is a
        ValidationError whose ``errors`` maps each refused field to its message."""
        with self._action():
            self.username = username
            if form_data is None:
                form_data = {"username": username, **({"password": password} if password else {}),
                             **(attributes or {})}
            errors = self.services.validate_sign_up(form_data)
            if errors:
                raise ValidationError(" ".join(dict.fromkeys(errors.values())), field=next(iter(errors)),
                                      errors=errors)
            result = self.services.call(self.auth, "handle_sign_up", username=username, password=password,
                                        attributes=dict(attributes or {}) or None,
                                        auto_sign_in=self.options.auto_sign_in)
            if not result.user_confirmed:
                self.delivery = result.code_delivery
                self.go("confirmSignUp")
            elif not self._auto_sign_in():
                self.go("signIn", "Account created; sign in")

    def confirm_sign_up(self, code: str) -> None:
        with self._action():
            self.services.call(self.auth, "handle_confirm_sign_up", username=self.username, code=code)
            self.reset()
            if not self._auto_sign_in():
                self.go("signIn", "Account confirmed; sign in")

    def _auto_sign_in(self) -> bool:
        """Sign the confirmed user in at once, as Amplify UI does; False when the options say not to, or
        Cognito refuses (an app client without USER_AUTH): the user then signs in on the sign-in form."""
        if not self.options.auto_sign_in:
            return False
        try:
            result = self.auth.auto_sign_in()
        except AmplifyNbError as exc:  # announced as autoSignIn_failure by the core
            log.info("auto sign-in refused: %s", exc)
            return False
        self._after(result)
        return True

    def resend_sign_up(self) -> None:
        with self._action():
            self.delivery = self.auth.resend_sign_up(self.username)

    # ---- a forgotten password -------------------------------------------------------------------
    def forgot_password(self, username: str) -> None:
        with self._action():
            self.username = username
            self.delivery = self.services.call(self.auth, "handle_forgot_password", username=username)
            self.reset_code_sent = True
            self.go("forgotPassword")

    def forgot_password_submit(self, code: str, new_password: str) -> None:
        with self._action():
            self.services.call(self.auth, "handle_forgot_password_submit", username=self.username, code=code,
                               new_password=new_password)
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
        """After a hosted-UI sign-in the result names the hosted UI's /logout (``logout_url``): the sign-in
        view offers it, since only the browser can end its own Cognito session."""
        with self._action():
            result = self.auth.sign_out(global_)
            self.reset()
            self.logout_url = getattr(result, "logout_url", None)
            self.go("signIn")
