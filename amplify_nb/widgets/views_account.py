"""The views around signing in: signUp, confirmSignUp, forgotPassword, verifyContact and signedIn."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..errors import ValidationError
from .base import View
from .greetings import Greetings
from .i18n import I18n
from .views_signin import ATTRIBUTE_LABELS, login_label


class SignUpView(View):
    """The login (e-mail, phone or username), the password twice, and the pool's sign-up attributes."""

    state = "signUp"

    def __init__(self, host: Any):
        super().__init__(host)
        config = host.auth.config
        self.set_heading("Create Account")
        self.login_attributes = tuple(config.username_attributes)
        self.username = self.field(login_label(config), on_enter=self.submit)
        self.password = self.field("Password", password=True, placeholder="Enter your Password", on_enter=self.submit)
        self.confirm_password = self.field("Confirm Password", password=True,
                                           placeholder="Please confirm your Password", on_enter=self.submit)
        # The login attribute is asked once, as the username.
        extra = [name for name in config.signup_attributes if name not in self.login_attributes]
        self.attributes = {name: self.field(ATTRIBUTE_LABELS.get(name, name.replace("_", " ").title()),
                                            on_enter=self.submit) for name in extra}
        self.submit_button = self.button("Create Account", self.submit)
        self.sign_in_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.notice, self.username, self.password, self.confirm_password,
                         *self.attributes.values(), self.error, self.spinner, self.submit_button, self.sign_in_button]

    def submit(self) -> None:
        username = self.username.value.strip()
        password, confirm = self.take(self.password), self.take(self.confirm_password)
        attributes = {name: field.value.strip() for name, field in self.attributes.items() if field.value.strip()}
        if password != confirm:
            self.show_error(ValidationError("Your passwords must match"))
            return
        if "email" in self.login_attributes and "@" in username:
            attributes.setdefault("email", username)
        elif "phone_number" in self.login_attributes and username.startswith("+"):
            attributes.setdefault("phone_number", username)
        self.run(self.submit_button, lambda: self.flow.sign_up(username, password, attributes))


class ConfirmSignUpView(View):
    state = "confirmSignUp"

    def __init__(self, host: Any):
        super().__init__(host)
        self.set_heading("Confirm Sign Up")
        self.code = self.field("Confirmation Code", secret=True, placeholder="Enter your code", on_enter=self.submit)
        self.submit_button = self.button("Confirm", self.submit)
        self.resend_button = self.button("Resend Code", self.resend, primary=False)
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.notice, self.code, self.error, self.spinner, self.submit_button,
                         widgets.HBox([self.resend_button, self.back_button],
                                      layout=widgets.Layout(justify_content="space-between"))]

    def enter(self) -> None:
        super().enter()
        self.delivery_notice()

    def submit(self) -> None:
        code = self.take(self.code)
        self.run(self.submit_button, lambda: self.flow.confirm_sign_up(code))

    def resend(self) -> None:
        if self.run(self.resend_button, self.flow.resend_sign_up):
            self.delivery_notice()


class ForgotPasswordView(View):
    """Two steps: the username (a code is sent), then the code and the new password."""

    state = "forgotPassword"

    def __init__(self, host: Any):
        super().__init__(host)
        self.set_heading("Reset Password")
        self.username = self.field(login_label(host.auth.config), on_enter=self.send)
        self.send_button = self.button("Send code", self.send)
        self.code = self.field("Code", secret=True, placeholder="Enter your code", on_enter=self.submit)
        self.password = self.field("New password", password=True, placeholder="Enter your new password",
                                   on_enter=self.submit)
        self.confirm_password = self.field("Confirm Password", password=True,
                                           placeholder="Please confirm your Password", on_enter=self.submit)
        self.submit_button = self.button("Submit", self.submit)
        self.resend_button = self.button("Resend Code", self.send_again, primary=False)
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)

    @property
    def step(self) -> str:
        return "submit" if self.flow.reset_code_sent else "request"

    def enter(self) -> None:
        super().enter()
        if self.flow.username and not self.username.value:
            self.username.value = self.flow.username
        if self.step == "submit":
            if self.flow.notice is None:
                self.delivery_notice()
            body = [self.code, self.password, self.confirm_password, self.error, self.spinner, self.submit_button,
                    widgets.HBox([self.resend_button, self.back_button],
                                 layout=widgets.Layout(justify_content="space-between"))]
        else:
            body = [self.username, self.error, self.spinner, self.send_button, self.back_button]
        self.children = [self.heading, self.notice, *body]

    def send(self) -> None:
        username = self.username.value.strip()
        self.run(self.send_button, lambda: self.flow.forgot_password(username))

    def send_again(self) -> None:
        username = self.flow.username
        self.run(self.resend_button, lambda: self.flow.forgot_password(username))

    def submit(self) -> None:
        code = self.take(self.code)
        password, confirm = self.take(self.password), self.take(self.confirm_password)
        if password != confirm:
            self.show_error(ValidationError("Your passwords must match"))
            return
        self.run(self.submit_button, lambda: self.flow.forgot_password_submit(code, password))


class VerifyContactView(View):
    """After sign-in, when no e-mail or phone number is verified: verify one (two steps) or skip."""

    state = "verifyContact"

    def __init__(self, host: Any):
        super().__init__(host)
        self.set_heading("Account recovery requires verified contact information")
        self.choice = self.control(widgets.RadioButtons(options=[]))
        self.verify_button = self.button("Verify", self.verify)
        self.code = self.field("Code", secret=True, placeholder="Enter your code", on_enter=self.submit)
        self.submit_button = self.button("Submit", self.submit)
        self.skip_button = self.button("Skip", self.flow.skip_verification, primary=False)

    def enter(self) -> None:
        super().enter()
        self._options()
        if self.flow.verifying:
            self.delivery_notice()
            body = [self.code, self.error, self.spinner, self.submit_button]
        else:
            body = [self.choice, self.error, self.spinner, self.verify_button]
        self.children = [self.heading, self.notice, *body, self.skip_button]

    def retranslate(self) -> None:
        super().retranslate()
        self._options()

    def _options(self) -> None:
        values = self.flow.contact_values
        self.choice.options = [(f"{I18n.get(ATTRIBUTE_LABELS[name])}: {values.get(name, '')}", name)
                               for name in self.flow.unverified]

    def verify(self) -> None:
        attribute = self.choice.value
        self.run(self.verify_button, lambda: self.flow.verify_contact(attribute or ""))

    def submit(self) -> None:
        code = self.take(self.code)
        self.run(self.submit_button, lambda: self.flow.verify_contact_submit(code))


class SignedInView(View):
    """Greetings (hello and sign out) when include_greetings, else nothing: the app shows itself."""

    state = "signedIn"

    def __init__(self, host: Any):
        super().__init__(host)
        self.greetings = Greetings(host=host) if host.include_greetings else None
        self.children = [self.greetings] if self.greetings else []

    def enter(self) -> None:
        super().enter()
        if self.greetings is not None:
            self.greetings.refresh()
