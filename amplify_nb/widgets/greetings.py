"""Widgets for a signed-in user: ``Greetings`` (hello and sign out) and ``SelectMFAType`` (choose the MFA
method, setting up an authenticator app on the way). Both work inside an Authenticator or on their own."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..core.hub import Hub
from ..errors import AmplifyNbError, ValidationError
from ..steps import MFA_METHODS, NO_MFA, mfa_method
from .base import StandaloneHost, View
from .i18n import I18n
from .totp import TOTPPanel

__all__ = ["MFA_CHOICES", "Greetings", "SelectMFAType", "display_name", "logout_link"]

# The choices, in Amplify's short names, and the label of each.
MFA_CHOICES = {**{method.short: method.label for method in MFA_METHODS}, NO_MFA: "No MFA"}


def display_name(auth: Any) -> str:
    """Who is signed in, as the user knows themselves: e-mail, phone, name, or the federated user."""
    federated = getattr(auth, "federated_user", None)
    if federated:
        return str(federated.get("email") or federated.get("name") or federated.get("provider") or "")
    try:
        user = auth.current_authenticated_user()
    except AmplifyNbError:
        return ""
    return str(user.attributes.get("email") or user.attributes.get("phone_number") or user.login_id or user.username)


def logout_link(url: str, theme: Any) -> str:
    """The hosted UI's /logout as a link opening a new tab: it ends the browser's Cognito session."""
    return (f'<a class="amplify-nb-hosted-logout" href="{html.escape(url)}" target="_blank" '
            f'rel="noopener noreferrer" style="color: {theme["primary_color"]}">'
            f'{html.escape(I18n.get("Sign out of the hosted UI too"))}</a>')


class Greetings(View):
    """"Hello, <email>" and a Sign Out button."""

    state = "signedIn"

    def __init__(self, auth: Any = None, *, theme: Any = None, error_message: Any = None, host: Any = None,
                 on_sign_out: Callable[[str | None], Any] | None = None):
        """``on_sign_out(logout_url)`` after a sign-out from its button; the URL (the hosted UI's /logout, which
        ends the browser's Cognito session) is None unless the session signed in through the hosted UI.
        Without it a standalone Greetings shows that link itself; inside an Authenticator the sign-in view
        does."""
        standalone = host is None
        super().__init__(host or StandaloneHost(auth, theme, error_message))
        self.auth = self.host.auth
        self.on_sign_out = on_sign_out
        self.hello = self.theme.text(widgets.Label())
        self.hello.layout.width = "auto"
        self.sign_out_button = self.button("Sign Out", self.sign_out, primary=False)
        self.sign_out_button.layout.margin = "0"
        self.logout = widgets.HTML(layout=widgets.Layout(display="none"))
        self.children = [widgets.HBox([self.hello, self.sign_out_button],
                                      layout=widgets.Layout(justify_content="space-between", align_items="center",
                                                            width="100%")),
                         self.logout, self.error, self.spinner]
        # Inside an Authenticator, it follows the Hub and the language for its views; alone, itself.
        self._stops = [Hub.listen("auth", self._on_hub), I18n.listen(lambda _lang: self.retranslate())] \
            if standalone else []
        self.refresh()

    def refresh(self) -> None:
        if self.auth.is_signed_in:
            self.logout.value, self.logout.layout.display = "", "none"
        name = display_name(self.auth) if self.auth.is_signed_in else ""
        if name:
            self.label(self.hello, "value", "Hello, {name}", name=name)
        else:
            self.label(self.hello, "value", "Not signed in" if not self.auth.is_signed_in else "Hello")
        self.sign_out_button.layout.display = None if self.auth.is_signed_in else "none"

    def _on_hub(self, payload: dict[str, Any]) -> None:
        if payload.get("session") == self.auth.name and payload.get("event") in ("signIn", "signOut",
                                                                                 "signInWithRedirect"):
            self.refresh()

    def sign_out(self) -> None:
        if not self.run(self.sign_out_button, self.flow.sign_out):
            return
        self.refresh()
        url = self.flow.logout_url
        if self.on_sign_out is not None:
            self.on_sign_out(url)
        elif isinstance(self.host, StandaloneHost):  # inside an Authenticator the sign-in view shows it
            self.logout.value = logout_link(url, self.theme) if url else ""
            self.logout.layout.display = "block" if url else "none"

    def close(self) -> None:
        for stop in getattr(self, "_stops", ()):
            stop()
        super().close()


class SelectMFAType(View):
    """Choose the signed-in user's preferred MFA method; choosing the authenticator app sets it up first
    (QR code, key, a first code), as Amplify UI's SelectMFAType does."""

    state = "selectMFAType"

    def __init__(self, auth: Any = None, mfa_types: Any = None, *, theme: Any = None, error_message: Any = None):
        super().__init__(StandaloneHost(auth, theme, error_message))
        self.auth = self.host.auth
        self.mfa_types = self._types(mfa_types)
        self.set_heading("Select MFA Type")
        self.choice = self.control(widgets.RadioButtons(options=[]))
        self._options()
        self.submit_button = self.button("Verify", self.submit)
        self.panel = TOTPPanel(self, "Verify Security Token", self.verify)
        self.setup = widgets.VBox([self.panel], layout=widgets.Layout(display="none"))
        self.children = [self.heading, self.choice, self.notice, self.error, self.spinner, self.submit_button,
                         self.setup]
        self._stop_i18n = I18n.listen(lambda _lang: self.retranslate())

    def _types(self, mfa_types: Any) -> tuple[str, ...]:
        if mfa_types is None:
            configured = {mfa_method(m).short for m in self.auth.config.mfa_methods} or {MFA_METHODS[0].short}
            optional = self.auth.config.mfa_configuration != "ON"
            return tuple(m.short for m in MFA_METHODS if m.short in configured) + ((NO_MFA,) if optional else ())
        chosen = tuple(str(m).upper() for m in mfa_types)
        if not chosen or any(m not in MFA_CHOICES for m in chosen):
            raise ValidationError(f"mfa_types must be some of {', '.join(MFA_CHOICES)}", field="mfa_types")
        return chosen

    def _options(self) -> None:
        current = self.choice.value
        self.choice.options = [(I18n.get(MFA_CHOICES[m]), m) for m in self.mfa_types]
        if current in self.mfa_types:
            self.choice.value = current

    def retranslate(self) -> None:
        super().retranslate()
        self.panel.retranslate()
        self._options()

    def submit(self) -> None:
        choice = self.choice.value
        self.show_notice(None)
        if choice == "TOTP":
            if self.run(self.submit_button, self._start_totp):
                self.setup.layout.display = "flex"
            return
        if self.run(self.submit_button, lambda: self.auth.set_preferred_mfa(choice or "")):
            self.show_notice("Success! Your MFA Type is now: {mfa_type}", "success",
                             mfa_type=I18n.get(MFA_CHOICES.get(choice or "", "")))

    def _start_totp(self) -> None:
        self.panel.show(self.auth.setup_totp())

    def verify(self, values: dict[str, str]) -> bool:
        code = values["code"]

        def action() -> None:
            self.auth.verify_totp_token(code)
            self.auth.set_preferred_mfa("TOTP")

        if not self.run(self.panel.form, action):
            return False
        self.panel.clear()
        self.setup.layout.display = "none"
        self.show_notice("TOTP has been set up successfully", "success")
        return True

    def close(self) -> None:
        if hasattr(self, "_stop_i18n"):
            self._stop_i18n()
            self.panel.clear()
        super().close()
