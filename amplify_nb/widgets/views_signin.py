"""The sign-in views: signIn (with federated buttons), then each challenge Cognito can answer with."""

from __future__ import annotations

import html
import re
from typing import Any

import ipywidgets as widgets

from ..core.flows.mfa import TOTPSetup
from ..steps import STEPS, mfa_method
from .base import View
from .form import FormField
from .form_fields import ATTRIBUTE_AUTOCOMPLETE, ATTRIBUTE_LABELS, attribute_field, login_field, login_label
from .greetings import logout_link
from .hosted_ui import SOCIAL_LABELS, HostedUIPanel
from .i18n import I18n
from .totp import TOTPPanel

__all__ = [
    "ATTRIBUTE_AUTOCOMPLETE",
    "ATTRIBUTE_LABELS",
    "CODE_FIELD",
    "NEW_PASSWORD",
    "PROVIDER_LABELS",
    "ConfirmSignInView",
    "CustomChallengeView",
    "RequireNewPasswordView",
    "SelectMFATypeView",
    "SignInView",
    "TOTPSetupView",
    "attribute_field",
    "login_field",
    "login_label",
    "new_password_fields",
]

# A provider's button, the same whether it signs in with the app's own token (federated) or through the
# hosted UI (social_providers).
PROVIDER_LABELS = SOCIAL_LABELS
_IMAGE_URL = re.compile(r"^(https?://\S+\.(png|jpe?g|gif|svg|webp)(\?\S*)?|data:image/[\w.+-]+;base64,[\w+/=]+)$",
                        re.IGNORECASE)


def new_password_fields(label: str = "Password", placeholder: str = "Enter your Password") -> list[FormField]:
    """A new password, checked against the pool's policy as it is typed, and its confirmation."""
    return [FormField("password", label, "password", "new-password", placeholder, policy=True),
            FormField("confirm_password", "Confirm Password", "password", "new-password",
                      "Please confirm your Password", match="password")]


NEW_PASSWORD = new_password_fields("New password", "Enter your new password")
CODE_FIELD = FormField("code", "Code", "code", "one-time-code", "Enter your code")


class SignInView(View):
    state = "signIn"

    def __init__(self, host: Any):
        super().__init__(host)
        config, options = host.auth.config, self.flow.options
        self.set_heading("Sign in to your account")
        # A CUSTOM_AUTH pool may sign in without a password (the custom challenge stands in for it); choosing
        # the first factor, the password is asked here only when it is the preferred one.
        password = FormField("password", "Password", "password", "current-password", "Enter your Password",
                             required=options.login_flow != "CUSTOM_AUTH")
        fields = [login_field(self.login_mechanisms), *([password] if options.password_first else [])]
        self.form = self.make_form(fields, "Sign In", self.submit, "signIn")
        self.forgot_button = self.button("Forgot your password?", self.flow.to_forgot_password, primary=False)
        self.sign_up_button = self.button("Create Account", self.flow.to_sign_up, primary=False)
        if getattr(host, "hide_sign_up", False):  # Amplify UI's hideSignUp: no way to sign-up from here
            self.sign_up_button.layout.display = "none"
        self.federated_buttons: dict[str, widgets.Button] = {}
        for provider, token_provider in (host.federated or {}).items():
            key = PROVIDER_LABELS.get(provider.lower(), "Sign In with {provider}")
            button = self.button(key, lambda p=provider, t=token_provider: self.federated(p, t), primary=False,
                                 **({} if provider.lower() in PROVIDER_LABELS else {"provider": provider}))
            self.federated_buttons[provider] = self.theme.outlined(button)
        # Amplify UI's social providers, then Cognito's own page, both through the hosted UI (hosted_ui.py).
        social = tuple(getattr(host, "social_providers", ()))
        self.hosted_ui = HostedUIPanel(self, social, hosted_ui=True, mode=getattr(host, "redirect_mode", "auto"),
                                       on_start=self._show_logout) if config.oauth else None
        self.logout = widgets.HTML(layout=widgets.Layout(display="none"))
        federated: list[widgets.Widget] = [*([self.hosted_ui] if self.hosted_ui else []),
                                           *self.federated_buttons.values()]
        if federated:
            self.divider = self.theme.text(self.label(widgets.Label(), "value", "or"))
            federated.append(self.divider)
        self.children = [self.heading, self.logout, *federated, self.notice, self.form, self.error, self.spinner,
                         widgets.HBox([self.forgot_button, self.sign_up_button],
                                      layout=widgets.Layout(justify_content="space-between"))]

    def enter(self) -> None:
        super().enter()
        # The login the flow knows (just signed up, confirmed or reset) replaces whatever was typed before.
        self.form.reset(username=self.flow.username)
        self._show_logout()

    def _show_logout(self) -> None:
        """Just signed out of a hosted-UI session: the link that ends the browser's Cognito session too;
        gone once a new sign-in starts."""
        if self.hosted_ui is not None and self.hosted_ui.waiting:
            self.flow.logout_url = None
        url = self.flow.logout_url
        self.logout.value = logout_link(url, self.theme) if url else ""
        self.logout.layout.display = "block" if url else "none"

    def leave(self) -> None:
        super().leave()
        if self.hosted_ui is not None:  # a flow still waiting ends with the view (one that finished: a no-op)
            self.hosted_ui.cancel()

    def retranslate(self) -> None:
        super().retranslate()
        if self.hosted_ui is not None:
            self.hosted_ui.retranslate()
        self._show_logout()

    def submit(self, values: dict[str, str]) -> bool:
        if not self.check(self.form, values):  # the login's format (login_mechanisms), required fields
            return False
        username, password = values["username"].strip(), values.get("password", "")
        return self.run(self.form, lambda: self.flow.sign_in(username, password))

    def federated(self, provider: str, token_provider: Any) -> None:
        self.run(self.federated_buttons[provider], lambda: self.flow.federated_sign_in(provider, token_provider))


class ConfirmSignInView(View):
    """The code of a step whose answer is a code (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP)."""

    state = "confirmSignIn"

    def __init__(self, host: Any):
        super().__init__(host)
        self.form = self.make_form([CODE_FIELD], "Confirm", self.submit, "confirmSignIn")
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.notice, self.form, self.error, self.spinner, self.back_button]

    def enter(self) -> None:
        super().enter()
        step = STEPS.get(self.flow.result.next_step) if self.flow.result else None
        self.set_heading(step.label if step and step.answer == "code" else "Confirm Sign In")
        if step and step.contact is None:  # the code comes from the user's own app
            self.show_notice("Enter the code from your authenticator app")
        else:
            self.delivery_notice()

    def submit(self, values: dict[str, str]) -> bool:
        code = values["code"]
        return self.run(self.form, lambda: self.flow.confirm_sign_in(code))


class SelectMFATypeView(View):
    """SELECT_MFA_TYPE: which of the user's MFA methods to use for this sign-in; or, at an MFA_SETUP that
    offers several, which one to set up (Amplify UI's selectMfaType serves both)."""

    state = "selectMFAType"

    def __init__(self, host: Any):
        super().__init__(host)
        self.set_heading("Select MFA Type")
        self.choice = self.control(widgets.RadioButtons(options=[]))
        self.submit_button = self.button("Continue", self.submit)
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.choice, self.error, self.spinner, self.submit_button, self.back_button]

    @property
    def setting_up(self) -> bool:
        result = self.flow.result
        return result is not None and STEPS[result.next_step].answer == "totp_setup"

    def enter(self) -> None:
        super().enter()
        self.set_heading("Multi-Factor Authentication Setup" if self.setting_up else "Select MFA Type")
        self._options()

    def retranslate(self) -> None:
        super().retranslate()
        self._options()

    def _options(self) -> None:
        choices = self.flow.result.mfa_types if self.flow.result else ()
        current = self.choice.value
        self.choice.options = [(I18n.get(mfa_method(name).label), name) for name in choices]
        if current in choices:
            self.choice.value = current

    def submit(self) -> None:
        choice = self.choice.value
        self.run(self.submit_button, lambda: self.flow.select_mfa_type(choice or ""))


class TOTPSetupView(View):
    """MFA_SETUP inside sign-in: the QR code and the secret for manual entry, then the first code."""

    state = "TOTPSetup"

    def __init__(self, host: Any):
        super().__init__(host)
        self.set_heading("Setup TOTP")
        self.panel = TOTPPanel(self, "Confirm", self.submit, screen="setupTotp")
        self.form = self.panel.form
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.panel, self.error, self.spinner, self.back_button]

    @property
    def qr(self) -> widgets.HTML:
        return self.panel.qr

    def enter(self) -> None:
        super().enter()
        setup = self.flow.totp_setup
        qr = getattr(getattr(self.host, "form_fields", None), "qr", None)
        if setup is not None and qr is not None and (qr.issuer or qr.username):
            # form_fields' setupTotp QR: the name the authenticator app lists the key under.
            setup = TOTPSetup(setup.secret, qr.username or setup.account, qr.issuer or setup.issuer)
        self.panel.show(setup)

    def leave(self) -> None:
        super().leave()
        self.panel.clear()  # the QR and the key leave the widget state with the view

    def retranslate(self) -> None:
        super().retranslate()
        self.panel.retranslate()

    def submit(self, values: dict[str, str]) -> bool:
        code = values["code"]
        return self.run(self.form, lambda: self.flow.confirm_sign_in(code))


class RequireNewPasswordView(View):
    """NEW_PASSWORD_REQUIRED: a new password, and the attributes the pool requires but the user lacks."""

    state = "requireNewPassword"

    def __init__(self, host: Any):
        super().__init__(host)
        self.set_heading("Change Password")
        self.form = self.make_form(NEW_PASSWORD, "Change Password", self.submit, "forceNewPassword")
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.notice, self.form, self.error, self.spinner, self.back_button]

    def enter(self) -> None:
        super().enter()
        required = self.flow.result.required_attributes if self.flow.result else ()
        self.form.set_fields([*NEW_PASSWORD, *(attribute_field(name) for name in required)])
        self.form.reset()

    def submit(self, values: dict[str, str]) -> bool:
        if not self.check(self.form, values):
            return False
        password = values.pop("password")
        values.pop("confirm_password")
        attributes = {name: value.strip() for name, value in values.items() if value.strip()}
        return self.run(self.form, lambda: self.flow.complete_new_password(password, attributes))


class CustomChallengeView(View):
    """CUSTOM_CHALLENGE: the public challenge parameters, shown (Amplify UI hides them), and an answer."""

    state = "customChallenge"
    HIDDEN = ("USERNAME",)

    def __init__(self, host: Any):
        super().__init__(host)
        self.set_heading("Custom Challenge")
        self.parameters = widgets.VBox()
        self.form = self.make_form([FormField("answer", "Answer", "answer", placeholder="Enter your answer")],
                              "Confirm", self.submit)
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.parameters, self.form, self.error, self.spinner, self.back_button]

    def enter(self) -> None:
        super().enter()
        params = self.flow.result.challenge_parameters if self.flow.result else {}
        self.parameters.children = [self.render_parameter(name, value) for name, value in params.items()
                                    if name not in self.HIDDEN]

    def render_parameter(self, name: str, value: str) -> widgets.HTML:
        """An image URL as an image, anything else as text; always escaped."""
        value = str(value)
        if _IMAGE_URL.match(value.strip()):
            markup = (f'<img src="{html.escape(value.strip())}" alt="{html.escape(name)}" '
                      f'style="max-width: 100%; margin: 4px 0">')
        else:
            markup = (f'<div style="color: {self.theme["text_color"]}"><b>{html.escape(name)}</b>: '
                      f"{html.escape(value)}</div>")
        return widgets.HTML(markup, layout=widgets.Layout(width="100%"))

    def submit(self, values: dict[str, str]) -> bool:
        answer = values["answer"]
        return self.run(self.form, lambda: self.flow.send_custom_challenge_answer(answer))
