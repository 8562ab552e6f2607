"""The Authenticator: Amplify UI's component as an ipywidgets VBox over one ``amplify_nb.Auth`` session.

Its ``auth_state`` trait names the state (signIn, signUp, confirmSignIn, confirmSignUp, forgotPassword,
requireNewPassword, verifyContact, TOTPSetup, selectMFAType, customChallenge, signInSelectAuthFactor,
signInPassword, setupEmail, signedIn); one view per state renders it. The app may replace any view with its
own (``components``, see components.py), or all of them (``hide_default=True``), and drive the same
transitions through ``authenticator.flow`` (see flow.py). Amplify UI's other props shape the default views:
``form_fields``, ``login_mechanisms`` and ``sign_up_attributes`` (form_fields.py), ``services``
(services.py), ``hide_sign_up``, ``variation`` and ``social_providers``. It follows sign-ins and sign-outs
made elsewhere (the magics, another widget, the core) through the Hub events of its session.

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
from .base import View, current_user, resolve_auth
from .components import VARIATIONS, Components, Frame
from .flow import SIGNED_OUT_STATES, STATES, Flow, SignInOptions
from .form_fields import FormFields, resolve_login_mechanisms, resolve_sign_up_attributes
from .greetings import Greeting, Greetings, check_greeting
from .hosted_ui import MODES, resolve_social_providers
from .i18n import I18n
from .services import Services
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
                 social_providers: Sequence[str] | None = None, redirect_mode: str = "auto", *,
                 components: Mapping[str, Any] | Sequence[type[View]] | None = None,
                 form_fields: Mapping[str, Mapping[str, Any]] | None = None, hide_sign_up: bool = False,
                 login_mechanisms: Sequence[str] | None = None, sign_up_attributes: Sequence[str] | None = None,
                 services: Mapping[str, Callable[..., Any]] | None = None, variation: str = "default",
                 color_mode: str | None = None, auth_state: str | None = None, in_greeting: Greeting = None,
                 out_greeting: Greeting = None, **kwargs: Any):
        """``login_flow`` (default: the configuration's) USER_AUTH signs in with a first factor the user
        chooses, or ``preferred_challenge`` (PASSWORD_SRP, PASSWORD, EMAIL_OTP, SMS_OTP; default: the
        configuration's passwordless preference). ``passwordless_sign_up`` (default: a one-time-code factor
        is preferred) asks no password at sign-up; ``auto_sign_in`` (default: with USER_AUTH) signs the new
        user in as soon as the sign-up is confirmed. See flow.SignInOptions.

        ``social_providers`` (Amplify UI's: amazon, apple, facebook, google; default: those among the
        configuration's identity providers) are "Sign In with ..." buttons that go through the hosted UI, as
        does the "Sign In with the Hosted UI" button that a configuration with an oauth section adds;
        ``redirect_mode`` (auto, loopback, server, paste) is how the browser's redirect comes back (see
        ``Auth.sign_in_with_redirect`` and hosted_ui.py).

        Amplify UI's props: ``components`` (views replaced, a header and a footer: components.py),
        ``form_fields``, ``login_mechanisms`` (default: the configuration's username attributes) and
        ``sign_up_attributes`` (added to those the configuration requires; form_fields.py), ``services``
        (services.py), ``hide_sign_up``, ``variation`` ("default" or "modal") and ``color_mode``
        ("system", the default: JupyterLab's own light or dark theme; "light"; "dark"; a Theme given keeps its
        own unless one is named). ``auth_state`` is the seed's name of ``initial_state``.

        ``in_greeting`` and ``out_greeting`` are the seed's Greetings' (see greetings.Greetings): the signed-in
        greeting uses them, and an ``out_greeting`` is shown above the signed-out views. With
        ``hide_default=True`` either one asks for the seed's ``<Greetings>`` child: that greeting (and its Sign
        Out button) in every state, around the app's own views if any."""
        if auth_state is not None:
            if initial_state not in ("signIn", auth_state):
                raise ValidationError("give initial_state or auth_state (its seed name), not both",
                                      field="auth_state")
            initial_state = auth_state
        if initial_state not in INITIAL_STATES:
            raise ValidationError(f"initial_state must be one of {', '.join(INITIAL_STATES)}", field="initial_state")
        if not isinstance(hide_sign_up, bool):
            raise ValidationError("hide_sign_up must be True or False", field="hide_sign_up")
        _check_shown(initial_state, hide_sign_up, "initial_state")
        self.in_greeting = check_greeting("in_greeting", in_greeting)
        self.out_greeting = check_greeting("out_greeting", out_greeting)
        if variation not in VARIATIONS:
            raise ValidationError(f"variation must be one of {', '.join(VARIATIONS)}", field="variation")
        parsed_components = Components(components)
        parsed_services = Services(services)
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
        config = self.auth.config
        self.login_mechanisms = resolve_login_mechanisms(login_mechanisms, config)
        self.sign_up_attributes = resolve_sign_up_attributes(sign_up_attributes, config)
        self.form_fields = FormFields(form_fields, self.login_mechanisms)
        self.social_providers = resolve_social_providers(social_providers, config, federated)
        self.redirect_mode = redirect_mode
        if isinstance(theme, Theme) and color_mode in (None, theme.color_mode):
            self.theme = theme
        else:
            self.theme = Theme(theme, color_mode=color_mode or "system")
        self.hide_default = bool(hide_default)
        self.hide_sign_up = hide_sign_up
        self.include_greetings = bool(include_greetings)
        self.federated = dict(federated or {})
        self.error_message = error_message
        self.flow = Flow(self.auth, self._go, SignInOptions.resolve(
            config, login_flow, preferred_challenge, passwordless_sign_up, auto_sign_in),
            services=parsed_services)
        self.views: dict[str, Any] = {}  # state -> the widget that renders it (a View, or the app's own)
        self._user: Any = None  # who is signed in, looked up once per move to signedIn
        self._callbacks: list[StateCallback] = []
        self._css_class = f"amplify-nb-auth-{uuid.uuid4().hex[:8]}"
        super().__init__(**kwargs)
        self._frame = Frame(self, variation, self._css_class)
        self._style = widgets.HTML(f"<style>{self.theme.css(self._css_class)}{self._frame.css(self._css_class)}"
                                   f"</style>")
        self.add_class("amplify-nb-authenticator")
        # The seed's <Greetings> beside the views: with hide_default, asked for by either greeting and shown in
        # every state; else by an out_greeting, shown above the signed-out views (the signed-in view has its own).
        beside = (self.in_greeting is not None or self.out_greeting is not None) if self.hide_default \
            else self.out_greeting is not None
        self.greetings: Greetings | None = Greetings(host=self, in_greeting=self.in_greeting,
                                                     out_greeting=self.out_greeting) if beside else None
        if not self.hide_default or parsed_components.factories or parsed_components.slots or self.greetings:
            self.theme.box(self._frame.box, outer=True)
        self._components = parsed_components.build(self)
        start = "signedIn" if self.auth.is_signed_in else initial_state
        self.set_trait("auth_state", start)
        self.observe(self._state_changed, "auth_state")
        self._show(start, None)
        self._stops = [Hub.listen("auth", self._on_hub), I18n.listen(self._on_language)]

    @traitlets.validate("auth_state")
    def _valid_state(self, proposal: Any) -> str:
        # Every way to a state comes here (the flow's go, the app setting auth_state): hide_sign_up holds.
        _check_shown(proposal["value"], getattr(self, "hide_sign_up", False), "auth_state")
        return str(proposal["value"])

    # ---- state ----------------------------------------------------------------------------------
    @property
    def view(self) -> Any:
        """The view on screen: a View, the app's component, or None (hide_default without one)."""
        return self.views.get(self.auth_state)

    def on_state_change(self, callback: StateCallback, remove: bool = False) -> Callable[[], None]:
        """``callback(state, data)`` after every change of auth_state; data holds ``previous``, the
        ``username`` being signed in and, once signed in, the ``user`` (the seed's authData: an AuthUser,
        or the details a federated sign-in gave); never a secret. Returns a function that removes it."""
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
        data: dict[str, Any] = {"previous": change["old"], "username": self.flow.username}
        if change["new"] == "signedIn":
            data["user"] = self._user
        for callback in list(self._callbacks):
            try:
                callback(change["new"], dict(data))
            except Exception:  # the app's callback: its failure must not undo nor hide the transition
                log.exception("on_state_change callback %r failed", callback)

    @property
    def user(self) -> Any:
        """Who is signed in: the AuthUser (no token in it), the federated user's details, or None; in the
        signedIn state, the one looked up as it was reached (a lookup is a call to Cognito)."""
        if self.auth_state == "signedIn" and self._user is not None:
            return self._user
        return current_user(self.auth)

    def _show(self, state: str, previous: str | None) -> None:
        if previous is not None and previous != state and previous in self.views:
            _hook(self.views[previous], "leave")
        # Once per move to signedIn: the callbacks' data, the greetings and `user` all read this one.
        self._user = current_user(self.auth) if state == "signedIn" else None
        view = self.views.get(state)
        if view is None:
            view = self._components.view(state)
        if view is None and not self.hide_default:
            view = VIEWS[state](self)
        if view is not None:
            self.views[state] = view
            _hook(view, "enter")
        parts = self._components.around(state, view)
        if self.greetings is not None and (self.hide_default or state != "signedIn"):
            self.greetings.refresh()
            parts = [self.greetings, *parts]
        self._frame.show(self._style, parts, signed_in=state == "signedIn")
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
        for view in [*self.views.values(), *([self.greetings] if self.greetings is not None else [])]:
            _hook(view, "retranslate")

    def close(self) -> None:
        for stop in getattr(self, "_stops", ()):  # also from __del__ of one whose __init__ refused its options
            stop()
        greetings = getattr(self, "greetings", None)
        if greetings is not None:
            greetings.close()
        for view in getattr(self, "views", {}).values():
            _hook(view, "leave")
            view.close()
        if hasattr(self, "_components"):
            self._components.close()
        super().close()


def _check_shown(state: str, hide_sign_up: bool, field: str) -> None:
    """Amplify UI's hideSignUp: the signUp state is never shown, however it is asked for."""
    if state == "signUp" and hide_sign_up:
        raise ValidationError(f"Sign-up is hidden (hide_sign_up=True): {field}='signUp' cannot be shown",
                              field=field)


def _hook(widget: Any, name: str) -> None:
    """A view's enter / leave / retranslate, which the app's own components may not have."""
    method = getattr(widget, name, None)
    if callable(method):
        method()


class WithAuthenticator(widgets.VBox):
    """The Authenticator, and the app's content only once someone is signed in: until then the content is
    not in the widget tree at all, so nothing of it reaches the frontend."""

    def __init__(self, content: Any, **options: Any):
        authenticator = Authenticator(**options)  # first: options it refuses leave no half-made widget behind
        super().__init__()
        self.authenticator = authenticator
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
        if hasattr(self, "authenticator"):  # also from __del__ of one whose options were refused
            self.authenticator.close()
        super().close()


def with_authenticator(content: Any, include_greetings: bool | None = None, components: Any = None,
                       **options: Any) -> WithAuthenticator:
    """Show ``content`` (a widget, or a function that builds one) only while a user is signed in;
    ``options`` are the Authenticator's. ``include_greetings`` and ``components`` may be given by position,
    as the seed's ``withAuthenticator(App, false, [<MySignIn/>, ...])`` does."""
    if not isinstance(content, widgets.Widget) and not callable(content):
        raise ValidationError("content must be an ipywidgets widget or a function that returns one",
                              field="content")
    if include_greetings is not None:
        options["include_greetings"] = include_greetings
    if components is not None:
        options["components"] = components
    return WithAuthenticator(content, **options)
