"""The views of choice-based sign-in (USER_AUTH) and of e-mail MFA set-up: signInSelectAuthFactor (which
first factor), signInPassword (the password of a chosen password factor) and setupEmail (where e-mail MFA
codes go). The one-time code that follows a code factor or the e-mail set-up is confirmSignIn's.

Factors are named by the sign-in vocabulary (amplify_nb.steps): a factor's button is said by what its step
takes (a password) or where its code goes (an e-mail address, a phone), so a new factor needs no new name
here, only its label.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..steps import FIRST_FACTORS, STEPS
from .base import View
from .form import FormField

__all__ = ["FACTOR_LABELS", "SelectAuthFactorView", "SetupEmailView", "SignInPasswordView", "factor_kind"]

# A first factor's button, by what its step takes or where its code goes.
FACTOR_LABELS = {"password": "Sign In with Password", "email": "Sign In with Email",
                 "phone_number": "Sign In with SMS"}
EMAIL_FIELD = FormField("email", "Email", "email", "email", "Enter your Email")
PASSWORD_FIELD = FormField("password", "Password", "password", "current-password", "Enter your Password")


def factor_kind(factor: str) -> str:
    """``password``, or the attribute a code factor's code goes to (``email``, ``phone_number``)."""
    step = STEPS[factor]
    return step.contact or step.answer


class _StepView(View):
    """A view whose heading is the label of the step it answers (the flow's last result)."""

    fallback_heading = ""

    def enter(self) -> None:
        super().enter()
        step = STEPS.get(self.flow.result.next_step) if self.flow.result else None
        self.set_heading(step.label if step and step.label else self.fallback_heading)


class SelectAuthFactorView(_StepView):
    """SELECT_CHALLENGE: one button per first factor Cognito offers this user. The password factors
    (PASSWORD, PASSWORD_SRP) are one button, the first of FIRST_FACTORS, its order of preference: SRP,
    where the password never leaves the kernel."""

    state = "signInSelectAuthFactor"
    fallback_heading = "Sign in to your account"

    def __init__(self, host: Any):
        super().__init__(host)
        self.factors: dict[str, str] = {}  # kind -> the factor its button picks, for the current result
        self.factor_buttons = {kind: self.theme.outlined(self.button(key, lambda kind=kind: self.choose(kind),
                                                                     primary=False))
                               for kind, key in FACTOR_LABELS.items()}
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)

    def enter(self) -> None:
        super().enter()
        offered = self.flow.result.available_challenges if self.flow.result else ()
        self.factors = {}
        for factor in (name for name in FIRST_FACTORS if name in offered):
            self.factors.setdefault(factor_kind(factor), factor)
        shown = [self.factor_buttons[kind] for kind in FACTOR_LABELS if kind in self.factors]
        self.children = [self.heading, self.notice, *shown, self.error, self.spinner, self.back_button]

    def choose(self, kind: str) -> None:
        factor = self.factors.get(kind)
        if factor is not None:
            self.run(self.factor_buttons[kind], lambda: self.flow.choose_factor(factor))


class SignInPasswordView(_StepView):
    """PASSWORD / PASSWORD_SRP chosen: the password (an SRP proof of it, for PASSWORD_SRP)."""

    state = "signInPassword"
    fallback_heading = "Enter your Password"

    def __init__(self, host: Any):
        super().__init__(host)
        self.form = self.make_form([PASSWORD_FIELD], "Sign In", self.submit)
        self.forgot_button = self.button("Forgot your password?", self.flow.to_forgot_password, primary=False)
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.notice, self.form, self.error, self.spinner,
                         widgets.HBox([self.forgot_button, self.back_button],
                                      layout=widgets.Layout(justify_content="space-between"))]

    def enter(self) -> None:
        super().enter()
        self.form.reset()

    def submit(self, values: dict[str, str]) -> bool:
        password = values["password"]
        return self.run(self.form, lambda: self.flow.sign_in_password(password))


class SetupEmailView(_StepView):
    """EMAIL_SETUP: the address e-mail MFA codes go to (prefilled with an e-mail login); its code next."""

    state = "setupEmail"
    fallback_heading = "Setup Email"

    def __init__(self, host: Any):
        super().__init__(host)
        self.form = self.make_form([EMAIL_FIELD], "Confirm", self.submit, "setupEmail")
        self.back_button = self.button("Back to Sign In", self.flow.to_sign_in, primary=False)
        self.children = [self.heading, self.notice, self.form, self.error, self.spinner, self.back_button]

    def enter(self) -> None:
        super().enter()
        login = self.flow.username
        self.form.reset(email=login if "@" in login else "")

    def submit(self, values: dict[str, str]) -> bool:
        address = values["email"].strip()
        return self.run(self.form, lambda: self.flow.setup_email(address))
