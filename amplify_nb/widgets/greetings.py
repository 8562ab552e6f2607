"""Widgets for a signed-in user: ``Greetings`` (hello and sign out) and ``SelectMFAType`` (choose the MFA
method, setting up an authenticator app on the way). Both work inside an Authenticator or on their own."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import ipywidgets as widgets

from ..core.hub import Hub
from ..errors import ValidationError
from ..steps import MFA_METHODS, NO_MFA, mfa_method
from .base import StandaloneHost, View
from .i18n import I18n
from .totp import TOTPPanel

__all__ = ["MFA_CHOICES", "Greeting", "Greetings", "SelectMFAType", "SignedInUser", "check_greeting",
           "display_name", "logout_link"]

log = logging.getLogger("amplify_nb.widgets")
# The choices, in Amplify's short names, and the label of each.
MFA_CHOICES = {**{method.short: method.label for method in MFA_METHODS}, NO_MFA: "No MFA"}
# A greeting: a text (a vocabulary key, so it translates), or a function that returns one.
Greeting = str | Callable[..., Any] | None


def display_name(user: Any) -> str:
    """The name a user knows themselves by: e-mail, phone, the name they signed in with; for a federated
    sign-in's details, its e-mail, name or provider. '' for no one."""
    if user is None:
        return ""
    if isinstance(user, Mapping):
        return str(user.get("email") or user.get("name") or user.get("provider") or "")
    return str(user.attributes.get("email") or user.attributes.get("phone_number") or user.login_id or
               user.username)


@dataclass(frozen=True)
class SignedInUser:
    """What an ``in_greeting`` function is given: ``name``, the name shown (also its text, so the seed's
    ``inGreeting={(username) => 'Hello ' + username}`` reads it as it did), and ``user``, who is signed in
    (the AuthUser, or the details a federated sign-in gave)."""

    name: str
    user: Any

    def __str__(self) -> str:
        return self.name

    def __format__(self, spec: str) -> str:
        return format(self.name, spec)

    def __add__(self, other: str) -> str:
        return self.name + other

    def __radd__(self, other: str) -> str:
        return other + self.name


def check_greeting(name: str, value: Any) -> Greeting:
    """An ``in_greeting`` / ``out_greeting`` as given: None, a text or a function."""
    if value is not None and not isinstance(value, str) and not callable(value):
        raise ValidationError(f"{name} must be a text or a function that returns one", field=name)
    return cast(Greeting, value)


def logout_link(url: str, theme: Any) -> str:
    """The hosted UI's /logout as a link opening a new tab: it ends the browser's Cognito session."""
    return (f'<a class="amplify-nb-hosted-logout" href="{html.escape(url)}" target="_blank" '
            f'rel="noopener noreferrer" style="color: {theme["primary_color"]}">'
            f'{html.escape(I18n.get("Sign out of the hosted UI too"))}</a>')


class Greetings(View):
    """"Hello, <email>" and a Sign Out button."""

    state = "signedIn"

    def __init__(self, auth: Any = None, *, theme: Any = None, error_message: Any = None, host: Any = None,
                 on_sign_out: Callable[[str | None], Any] | None = None, in_greeting: Greeting = None,
                 out_greeting: Greeting = None):
        """``on_sign_out(logout_url)`` after a sign-out from its button; the URL (the hosted UI's /logout, which
        ends the browser's Cognito session) is None unless the session signed in through the hosted UI.
        Without it a standalone Greetings shows that link itself; inside an Authenticator the sign-in view
        does.

        ``in_greeting`` (signed in) is a text, or a function of who is signed in (a SignedInUser: the name
        shown, as text, and the ``user``) that returns one; ``out_greeting`` (signed out) a text or a function
        of nothing. Texts are vocabulary keys (I18n translates them); what a function returns is shown as is.
        A function that fails (or returns no text) is logged, and the default greeting shown instead.

        Inside an Authenticator (``host``) it is signed in when the Authenticator's state is signedIn."""
        self.in_greeting = check_greeting("in_greeting", in_greeting)
        self.out_greeting = check_greeting("out_greeting", out_greeting)
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

    def enter(self) -> None:
        """Shown by an Authenticator (as its signed-in component): who is signed in now."""
        super().enter()
        self.refresh()

    @property
    def signed_in(self) -> bool:
        state = getattr(self.host, "auth_state", None)
        return state == "signedIn" if state is not None else self.auth.is_signed_in

    def refresh(self) -> None:
        signed_in = self.signed_in
        if signed_in:
            self.logout.value, self.logout.layout.display = "", "none"
        user = self.host.user if signed_in else None  # one lookup (an Authenticator's: once per sign-in)
        name = display_name(user)
        custom = self.in_greeting if signed_in else self.out_greeting
        if isinstance(custom, str):
            self.label(self.hello, "value", custom)
        elif custom is not None and (text := self._call(custom, signed_in, SignedInUser(name, user))) is not None:
            self.verbatim(self.hello, "value", text)
        elif name:
            self.label(self.hello, "value", "Hello, {name}", name=name)
        else:
            self.label(self.hello, "value", "Not signed in" if not signed_in else "Hello")
        self.sign_out_button.layout.display = None if signed_in else "none"

    def _call(self, function: Callable[..., Any], signed_in: bool, who: SignedInUser) -> str | None:
        """The app's greeting function's text; None (logged) when it fails, as on_state_change callbacks are:
        the greeting must still say whether someone is signed in."""
        which = "in_greeting" if signed_in else "out_greeting"
        try:
            text = function(who) if signed_in else function()
            if not isinstance(text, str):
                raise ValidationError(f"{which} must return a text, not {type(text).__name__}", field=which)
        except Exception:
            log.exception("%s %r failed; the default greeting is shown", which, function)
            return None
        return text

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
