"""The views around signing in: signUp, confirmSignUp, forgotPassword, verifyContact and signedIn."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from .base import View
from .form import FormField, is_secret_name
from .form_fields import ATTRIBUTE_LABELS, attribute_field, login_field
from .greetings import Greetings
from .i18n import I18n
from .views_signin import CODE_FIELD, NEW_PASSWORD, new_password_fields

__all__ = ["CONFIRMATION_CODE", "ConfirmSignUpView", "ForgotPasswordView", "SignUpView", "SignedInView",
           "VerifyContactView"]

_NOT_ATTRIBUTES = ("username", "password", "confirm_password")
CONFIRMATION_CODE = FormField("code", "Confirmation Code", "code", "one-time-code", "Enter your code")


class SignUpView(View):
    """The login (e-mail, phone or username), the password twice, and the pool's sign-up attributes."""

    state = "signUp"

    def __init__(self, host: Any):
        super().__init__(host)
        config = host.auth.config
        self.set_heading("Create a new account")
        self.login_attributes = self.login_mechanisms
        # The login attribute is asked once, as the username; those the pool requires must be given, those
        # the app asks for besides (sign_up_attributes) may be left empty.
        asked = getattr(host, "sign_up_attributes", None)
        names = config.signup_attributes if asked is None else asked
        extra = [attribute_field(name, required=name in config.signup_attributes)
                 for name in names if name not in self.login_attributes]
        # A passwordless user signs in with a one-time code: no password to choose.
        passwords = [] if self.flow.options.passwordless_sign_up else new_password_fields()
        self.form = self.make_form([login_field(self.login_attributes), *passwords, *extra], "Create Account",
                                   self.submit, "signUp")
        self.sign_in_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.notice, self.form, self.error, self.spinner, self.sign_in_button]

    def enter(self) -> None:
        super().enter()
        self.form.reset()

    def submit(self, values: dict[str, str]) -> bool:
        if not self.check(self.form, values):
            return False
        # validate_custom_sign_up sees every field as Amplify UI passes them: empty ones as "", the
        # password's confirmation too, and the login as its attribute.
        form_data = {name: value if is_secret_name(name) else value.strip() for name, value in values.items()}
        username, password = form_data["username"], form_data.get("password")
        attributes = {name: value for name, value in form_data.items() if value and name not in _NOT_ATTRIBUTES}
        if "email" in self.login_attributes and "@" in username:
            attributes.setdefault("email", username)
        elif "phone_number" in self.login_attributes and username.startswith("+"):
            attributes.setdefault("phone_number", username)
        form_data.update(attributes)
        try:
            return self.run(self.form, lambda: self.flow.sign_up(username, password, attributes, form_data))
        finally:
            form_data.clear()  # it holds the password: kept no longer than the call


class ConfirmSignUpView(View):
    state = "confirmSignUp"

    def __init__(self, host: Any):
        super().__init__(host)
        self.set_heading("Confirm Sign Up")
        self.form = self.make_form([CONFIRMATION_CODE], "Confirm", self.submit, "confirmSignUp")
        self.resend_button = self.button("Resend Code", self.resend, primary=False)
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.notice, self.form, self.error, self.spinner,
                         widgets.HBox([self.resend_button, self.back_button],
                                      layout=widgets.Layout(justify_content="space-between"))]

    def enter(self) -> None:
        super().enter()
        self.delivery_notice()

    def submit(self, values: dict[str, str]) -> bool:
        code = values["code"]
        return self.run(self.form, lambda: self.flow.confirm_sign_up(code))

    def resend(self) -> None:
        if self.run(self.resend_button, self.flow.resend_sign_up):
            self.delivery_notice()
            self.form.focus()


class ForgotPasswordView(View):
    """Two steps: the username (a code is sent), then the code and the new password."""

    state = "forgotPassword"

    def __init__(self, host: Any):
        super().__init__(host)
        self.set_heading("Reset Password")
        self.request_form = self.make_form([login_field(self.login_mechanisms)], "Send code", self.send,
                                           "forgotPassword")
        self.form = self.make_form([CODE_FIELD, *NEW_PASSWORD], "Submit", self.submit, "confirmResetPassword")
        self.resend_button = self.button("Resend Code", self.send_again, primary=False)
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)

    @property
    def step(self) -> str:
        return "submit" if self.flow.reset_code_sent else "request"

    def enter(self) -> None:
        super().enter()
        if self.step == "submit":
            if self.flow.notice is None:
                self.delivery_notice()
            self.form.reset()
            body = [self.form, self.error, self.spinner,
                    widgets.HBox([self.resend_button, self.back_button],
                                 layout=widgets.Layout(justify_content="space-between"))]
        else:
            self.request_form.reset(username=self.flow.username)
            body = [self.request_form, self.error, self.spinner, self.back_button]
        self.children = [self.heading, self.notice, *body]

    def send(self, values: dict[str, str]) -> bool:
        if not self.check(self.request_form, values):
            return False
        username = values["username"].strip()
        return self.run(self.request_form, lambda: self.flow.forgot_password(username))

    def send_again(self) -> None:
        username = self.flow.username
        if self.run(self.resend_button, lambda: self.flow.forgot_password(username)):
            self.form.focus()

    def submit(self, values: dict[str, str]) -> bool:
        if not self.check(self.form, values):
            return False
        code, password = values["code"], values["password"]
        return self.run(self.form, lambda: self.flow.forgot_password_submit(code, password))


class VerifyContactView(View):
    """After sign-in, when no e-mail or phone number is verified: verify one (two steps) or skip."""

    state = "verifyContact"

    def __init__(self, host: Any):
        super().__init__(host)
        self.set_heading("Account recovery requires verified contact information")
        self.choice = self.control(widgets.RadioButtons(options=[]))
        self.verify_button = self.button("Verify", self.verify)
        self.form = self.make_form([CODE_FIELD], "Submit", self.submit, "confirmVerifyUser")
        self.skip_button = self.button("Skip", self.flow.skip_verification, primary=False)

    def enter(self) -> None:
        super().enter()
        self._options()
        if self.flow.verifying:
            self.delivery_notice()
            self.form.reset()
            body = [self.form, self.error, self.spinner]
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

    def submit(self, values: dict[str, str]) -> bool:
        code = values["code"]
        return self.run(self.form, lambda: self.flow.verify_contact_submit(code))


class SignedInView(View):
    """Greetings (hello and sign out) when include_greetings, else nothing: the app shows itself."""

    state = "signedIn"

    def __init__(self, host: Any):
        super().__init__(host)
        self.greetings = Greetings(host=host, in_greeting=getattr(host, "in_greeting", None),
                                   out_greeting=getattr(host, "out_greeting", None)) if host.include_greetings else None
        self.children = [self.greetings] if self.greetings else []

    def enter(self) -> None:
        super().enter()
        if self.greetings is not None:
            self.greetings.refresh()
