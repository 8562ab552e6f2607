"""The Authenticator: Amplify UI's component as an ipywidgets VBox over one ``amplify_nb.Auth`` session.

Its ``auth_state`` trait names the state (signIn, signUp, confirmSignIn, confirmSignUp, forgotPassword,
requireNewPassword, verifyContact, TOTPSetup, selectMFAType, customChallenge, signInSelectAuthFactor,
signInPassword, setupEmail, signedIn); one view per state renders it, unless ``hide_default=True``, in
which case the app renders its own views and drives the same transitions through ``authenticator.flow``
(see flow.py). It follows sign-ins and sign-outs made elsewhere (the magics, another widget, the core)
through the Hub events of its session.

No token, password or code is ever a trait of any of its widgets: the session core keeps the tokens,
and secret fields are emptied as they are submitted.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import traitlets

from ..core.hub import Hub
from ..errors import ValidationError
from .base import View, resolve_auth
from .flow import SIGNED_OUT_STATES, STATES, Flow, SignInOptions
from .hosted_ui import MODES, resolve_social_providers
from .i18n import I18n
from .theme import Theme
from .views_account import ConfirmSignUpView, ForgotPasswordView, SignedInView, SignUpView, VerifyContactView
from .views_factors import SelectAuthFactorView, SetupEmailView, SignInPasswordView
from .views_signin import (
    ConfirmSignInView,
    CustomChallengeView,
    RequireNewPasswordView,
    SelectMFATypeView,
    SignInView,
    TOTPSetupView,
)

__all__ = ["INITIAL_STATES", "VIEWS", "Authenticator", "StateCallback", "WithAuthenticator", "with_authenticator"]

VIEWS: dict[str, type[View]] = {view.state: view for view in (
    SignInView, SignUpView, ConfirmSignInView, ConfirmSignUpView, ForgotPasswordView, RequireNewPasswordView,
    VerifyContactView, TOTPSetupView, SelectMFATypeView, CustomChallengeView, SelectAuthFactorView,
    SignInPasswordView, SetupEmailView, SignedInView)}
INITIAL_STATES = ("signIn", "signUp", "forgotPassword")
log = logging.getLogger("amplify_nb.widgets")
StateCallback = Callable[[str, dict[str, Any]], Any]


class Authenticator(widgets.VBox):
    auth_state = traitlets.Enum(STATES, default_value="signIn", help="The current auth state (not synced)")

    def __init__(self, auth: Any = None, initial_state: str = "signIn", hide_default: bool = False,
                 include_greetings: bool = True, federated: Mapping[str, Callable[[], Any]] | None = None,
                 theme: Mapping[str, str] | Theme | None = None,
                 error_message: Mapping[str, str] | Callable[[BaseException], str | None] | None = None,
                 login_flow: str | None = None, preferred_challenge: str | None = None,
                 passwordless_sign_up: bool | None = None, auto_sign_in: bool | None = None,
                 social_providers: Sequence[str] | None = None, redirect_mode: str = "auto", **kwargs: Any):
        """``login_flow`` (default: the configuration's) USER_AUTH signs in with a first factor the user
        chooses, or ``preferred_challenge`` (PASSWORD_SRP, PASSWORD, EMAIL_OTP, SMS_OTP; default: the
        configuration's passwordless preference). ``passwordless_sign_up`` (default: a one-time-code factor
        is preferred) asks no password at sign-up; ``auto_sign_in`` (default: with USER_AUTH) signs the new
        user in as soon as the sign-up is confirmed. See flow.SignInOptions.

        ``social_providers`` (Amplify UI's: amazon, apple, facebook, google; default: those among the
        configuration's identity providers) are "Sign In with ..." buttons that go through the hosted UI, as
        does the "Sign In with the Hosted UI" button that a configuration with an oauth section adds;
        ``redirect_mode`` (auto, loopback, server, paste) is how the browser's redirect comes back (see
        ``Auth.sign_in_with_redirect`` and hosted_ui.py)."""
        if initial_state not in INITIAL_STATES:
            raise ValidationError(f"initial_state must be one of {', '.join(INITIAL_STATES)}", field="initial_state")
        if federated is not None and (not isinstance(federated, Mapping) or not all(
                isinstance(name, str) and callable(provider) for name, provider in federated.items())):
            raise ValidationError("federated must map a provider name (google, facebook, amazon) to a function "
                                  "that returns that provider's token", field="federated")
        if error_message is not None and not (callable(error_message) or isinstance(error_message, Mapping)):
            raise ValidationError("error_message must be a dict (error code or message -> text) or a function",
                                  field="error_message")
        if redirect_mode not in MODES:
            raise ValidationError(f"redirect_mode must be one of {', '.join(MODES)}", field="redirect_mode")
        self.auth = resolve_auth(auth)
        self.social_providers = resolve_social_providers(social_providers, self.auth.config, federated)
        self.redirect_mode = redirect_mode
        self.theme = theme if isinstance(theme, Theme) else Theme(theme)
        self.hide_default = bool(hide_default)
        self.include_greetings = bool(include_greetings)
        self.federated = dict(federated or {})
        self.error_message = error_message
        self.flow = Flow(self.auth, self._go, SignInOptions.resolve(
            self.auth.config, login_flow, preferred_challenge, passwordless_sign_up, auto_sign_in))
        self.views: dict[str, View] = {}
        self._callbacks: list[StateCallback] = []
        self._css_class = f"amplify-nb-auth-{uuid.uuid4().hex[:8]}"
        self._style = widgets.HTML(f"<style>{self.theme.css(self._css_class)}</style>")
        super().__init__(**kwargs)
        self.add_class("amplify-nb-authenticator")
        self.add_class(self._css_class)
        if not self.hide_default:
            self.theme.box(self, outer=True)
        start = "signedIn" if self.auth.is_signed_in else initial_state
        self.set_trait("auth_state", start)
        self.observe(self._state_changed, "auth_state")
        self._show(start, None)
        self._stops = [Hub.listen("auth", self._on_hub), I18n.listen(self._on_language)]

    # ---- state ----------------------------------------------------------------------------------
    @property
    def view(self) -> View | None:
        """The view on screen (None with hide_default)."""
        return None if self.hide_default else self.views.get(self.auth_state)

    def on_state_change(self, callback: StateCallback, remove: bool = False) -> Callable[[], None]:
        """``callback(state, data)`` after every change of auth_state; data holds ``previous`` and the
        ``username`` being signed in (never a secret). Returns a function that removes the callback."""
        if not callable(callback):
            raise ValidationError("on_state_change needs a callable", field="callback")
        if remove:
            if callback in self._callbacks:
                self._callbacks.remove(callback)
        else:
            self._callbacks.append(callback)
        return lambda: self.on_state_change(callback, remove=True)

    def _go(self, state: str) -> None:
        """The flow's way to change state: the same state again refreshes its view (a form's next step)."""
        if state == self.auth_state:
            self._show(state, state)
        else:
            self.auth_state = state

    def _state_changed(self, change: dict[str, Any]) -> None:
        self._show(change["new"], change["old"])
        data = {"previous": change["old"], "username": self.flow.username}
        for callback in list(self._callbacks):
            try:
                callback(change["new"], dict(data))
            except Exception:  # the app's callback: its failure must not undo nor hide the transition
                log.exception("on_state_change callback %r failed", callback)

    def _show(self, state: str, previous: str | None) -> None:
        if previous is not None and previous != state and previous in self.views:
            self.views[previous].leave()
        if self.hide_default:
            self.children = [self._style]
            return
        view = self.views.get(state)
        if view is None:
            view = self.views[state] = VIEWS[state](self)
        view.enter()
        self.children = [self._style, view]
        # Signed in without greetings there is nothing to show: not even the empty frame.
        self.layout.display = "none" if state == "signedIn" and not self.include_greetings else None

    # ---- following the session ------------------------------------------------------------------
    def _on_hub(self, payload: dict[str, Any]) -> None:
        """A sign-in or sign-out of this session made elsewhere (this widget's own calls are the flow's)."""
        if payload.get("session") != self.auth.name or self.flow.acting:
            return
        event = payload.get("event")
        # The hosted UI's sign-in says signIn, then signInWithRedirect: the first moves the view.
        if (event == "signIn" or (event == "signInWithRedirect" and self.auth_state != "signedIn")) and \
                self.auth.is_signed_in:
            self.flow.reset()
            self.flow.go("signedIn")
        elif event == "signOut" and self.auth_state not in SIGNED_OUT_STATES:
            self.flow.reset()
            self.flow.go("signIn")

    def _on_language(self, _language: str) -> None:
        for view in self.views.values():
            view.retranslate()

    def close(self) -> None:
        for stop in getattr(self, "_stops", ()):  # also from __del__ of one whose __init__ refused its options
            stop()
        for view in getattr(self, "views", {}).values():
            view.leave()
            view.close()
        super().close()


class WithAuthenticator(widgets.VBox):
    """The Authenticator, and the app's content only once someone is signed in: until then the content is
    not in the widget tree at all, so nothing of it reaches the frontend."""

    def __init__(self, content: Any, **options: Any):
        super().__init__()
        self.authenticator = Authenticator(**options)
        self._content = content
        self.content: widgets.Widget | None = content if isinstance(content, widgets.Widget) else None
        self.authenticator.observe(lambda change: self._update(change["new"]), "auth_state")
        self._update(self.authenticator.auth_state)

    def _update(self, state: str) -> None:
        if state != "signedIn":
            self.children = [self.authenticator]
            return
        if self.content is None:  # a factory: build the content on the first sign-in
            built = self._content()
            if not isinstance(built, widgets.Widget):
                raise ValidationError("with_authenticator's content function must return an ipywidgets widget",
                                      field="content")
            self.content = built
        self.children = [self.authenticator, self.content]

    def close(self) -> None:
        self.authenticator.close()
        super().close()


def with_authenticator(content: Any, **options: Any) -> WithAuthenticator:
    """Show ``content`` (a widget, or a function that builds one) only while a user is signed in;
    ``options`` are the Authenticator's."""
    if not isinstance(content, widgets.Widget) and not callable(content):
        raise ValidationError("content must be an ipywidgets widget or a function that returns one",
                              field="content")
    return WithAuthenticator(content, **options)
