"""What every view shares: translated labels, forms, the busy state, inline errors.

A view's inputs are a ``Form`` (form.py): what the user typed stays in the page until they submit, and
the submit message carries it, so no password or code is ever widget state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

import ipywidgets as widgets

from ..errors import AmplifyNbError, ValidationError
from .form import Form, FormField
from .i18n import I18n

if TYPE_CHECKING:
    from ..credentials.auth import Auth
    from .flow import Flow
    from .theme import Theme

# An app's own error texts: by Cognito code, error class name or message, or a function of the error.
ErrorMessages: TypeAlias = "Mapping[str, str] | Callable[[BaseException], str | None] | None"

__all__ = ["SPINNER", "StandaloneHost", "View", "current_user", "error_text", "resolve_auth"]

log = logging.getLogger("amplify_nb.widgets")
SPINNER = ('<span style="display:inline-block;width:14px;height:14px;border:2px solid #c5ccd3;'
           'border-top-color:#047d95;border-radius:50%;animation:amplify-nb-spin 0.8s linear infinite"></span>'
           '<style>@keyframes amplify-nb-spin{to{transform:rotate(360deg)}}</style>')


def error_text(exc: BaseException, error_message: ErrorMessages = None) -> str:
    """What the user reads for an error: the app's own text when its error_message map (keyed by the
    Cognito code, the error class name or the message) or function has one, else the translated message."""
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    if callable(error_message):
        custom = error_message(exc)
        if custom:
            return str(custom)
    elif error_message:
        for key in (getattr(exc, "code", None), type(exc).__name__, message):
            if key and key in error_message:
                return str(error_message[key])
    if not isinstance(exc, AmplifyNbError):
        return I18n.get("Something went wrong; please try again")
    return I18n.get(message)


class Host(Protocol):
    """What a view needs from the widget that shows it (an Authenticator, or a StandaloneHost)."""

    @property
    def auth(self) -> Auth: ...

    @property
    def flow(self) -> Flow: ...

    @property
    def theme(self) -> Theme: ...

    @property
    def error_message(self) -> ErrorMessages: ...

    @property
    def federated(self) -> Mapping[str, Callable[[], Any]] | None: ...

    @property
    def user(self) -> Any: ...


class View(widgets.VBox):
    """One auth state's form. ``enter()`` refreshes it from the flow when it is shown; ``leave()`` empties
    its secret fields when another state replaces it."""

    state = ""

    def __init__(self, host: Host):
        super().__init__()
        self.host = host
        self.flow = host.flow
        self.theme = host.theme
        self._labels: list[tuple[Any, str, str, dict[str, Any]]] = []
        self._headings: list[tuple[Any, str]] = []
        self._forms: list[Form] = []
        self._controls: list[widgets.DOMWidget] = []
        self.heading = widgets.HTML()
        self.notice = widgets.HTML(layout=widgets.Layout(display="none"))
        self.error = widgets.HTML(layout=widgets.Layout(display="none"))
        self.spinner = widgets.HTML(SPINNER, layout=widgets.Layout(display="none"))
        self.notice.add_class("amplify-nb-notice")
        self.error.add_class("amplify-nb-error")
        self.theme.box(self)
        self.add_class("amplify-nb-view")
        # Per-state class, as Amplify UI's data-amplify-authenticator-* attributes: for an app's CSS and for tests.
        self.add_class(f"amplify-nb-view-{self.state}")

    # ---- building -------------------------------------------------------------------------------
    def label(self, widget: Any, attribute: str, key: str, **values: Any) -> Any:
        """Set a translated text on a widget and re-translate it when the language changes."""
        self._labels = [item for item in self._labels if not (item[0] is widget and item[1] == attribute)]
        self._labels.append((widget, attribute, key, values))
        setattr(widget, attribute, I18n.format(key, **values) if values else I18n.get(key))
        return widget

    def verbatim(self, widget: Any, attribute: str, value: str) -> Any:
        """Set a text shown as it is (the app's own words, not a vocabulary key): no language changes it."""
        self._labels = [item for item in self._labels if not (item[0] is widget and item[1] == attribute)]
        setattr(widget, attribute, value)
        return widget

    def set_heading(self, key: str) -> None:
        self._headings = [(self.heading, key)]
        self.heading.value = self.theme.heading(I18n.get(key))

    @property
    def login_mechanisms(self) -> tuple[str, ...]:
        """What the login field asks for: the Authenticator's login_mechanisms, else the pool's."""
        from .form_fields import resolve_login_mechanisms

        return tuple(getattr(self.host, "login_mechanisms", None) or
                     resolve_login_mechanisms(None, self.host.auth.config))

    def make_form(self, fields: Sequence[FormField], submit: str, on_submit: Callable[[dict[str, str]], Any],
                  screen: str | None = None) -> Form:
        """The view's inputs and its primary button, as one Form: its submit message carries the values
        (see form.py); ``on_submit(values)`` runs the call, and the form hears whether it succeeded.
        ``screen``: Amplify UI's name of the form, whose ``form_fields`` options apply."""
        form_fields = getattr(self.host, "form_fields", None)
        customize = form_fields.customize(screen) if form_fields is not None and screen else None
        form = Form(fields, submit, lambda values: bool(on_submit(values)), theme=dict(self.theme),
                    policy=self.host.auth.config.password_policy, customize=customize)
        self._forms.append(form)
        self._controls.append(form)
        return form

    def button(self, key: str, on_click: Callable[[], Any], *, primary: bool = True, **values: Any) -> widgets.Button:
        button = widgets.Button()
        self.label(button, "description", key, **values)
        self.theme.button(button, primary=primary)
        button.add_class("amplify-nb-primary" if primary else "amplify-nb-link")
        button.on_click(lambda _button: on_click())
        self._controls.append(button)
        return button

    def control(self, widget: Any) -> Any:
        """Another input to disable while a call runs."""
        self._controls.append(widget)
        return widget

    # ---- running a call -------------------------------------------------------------------------
    @contextmanager
    def busy(self, button: Form | widgets.Button | None = None) -> Iterator[None]:
        """Disable the view's controls and show the spinner while the call runs (each change reaches the
        frontend as it is made, so the user sees it although the call itself is synchronous)."""
        before = [(control, control.busy if isinstance(control, Form) else control.disabled)
                  for control in self._controls]
        icon = button.icon if isinstance(button, widgets.Button) else ""
        for control in self._controls:
            if isinstance(control, Form):
                control.busy = True
            else:
                control.disabled = True
        if isinstance(button, widgets.Button):
            button.icon = "spinner spin"
        self.spinner.layout.display = "block"
        try:
            yield
        finally:
            self.spinner.layout.display = "none"
            if isinstance(button, widgets.Button):
                button.icon = icon
            for control, disabled in before:
                if isinstance(control, Form):
                    control.busy = disabled
                else:
                    control.disabled = disabled

    def run(self, button: Form | widgets.Button | None, action: Callable[[], Any]) -> bool:
        """Call the flow with the view busy (``button``: the Form or Button that asked); an error shows
        inline. True when the call succeeded.

        A submit that reaches the kernel after its view was replaced (queued behind the call that moved
        on) is dropped rather than run against the wrong state."""
        if getattr(self.host, "auth_state", self.state) != self.state:
            return False
        self.clear_error()
        with self.busy(button):
            try:
                action()
            except AmplifyNbError as exc:
                self.show_error(exc)
                return False
            except Exception as exc:  # an app callback (a token provider) or a bug: say so, do not vanish
                log.exception("Authenticator action failed")
                self.show_error(exc)
                return False
        return True

    def check(self, form: Form, values: dict[str, str]) -> bool:
        """The form's own rules (password policy, confirmation) hold; else they show as the error."""
        problems = form.problems(values)
        if problems:
            self.show_error(ValidationError(" ".join(dict.fromkeys(problems))))
        return not problems

    def show_error(self, exc: BaseException) -> None:
        self.error.value = self.theme.message(error_text(exc, self.host.error_message), "error")
        self.error.layout.display = "block"

    def clear_error(self) -> None:
        self.error.value = ""
        self.error.layout.display = "none"

    def show_notice(self, key: str | None, kind: str = "info", **values: Any) -> None:
        if not key:
            self.notice.value, self.notice.layout.display = "", "none"
            self._labels = [item for item in self._labels if item[0] is not self]
            return
        self._labels = [item for item in self._labels if item[0] is not self]
        self._labels.append((self, "_notice", key, {"kind": kind, **values}))
        self._render_notice(key, kind, values)

    def _render_notice(self, key: str, kind: str, values: dict[str, Any]) -> None:
        text = I18n.format(key, **values) if values else I18n.get(key)
        self.notice.value = self.theme.message(text, kind)
        self.notice.layout.display = "block"

    # ---- lifecycle ------------------------------------------------------------------------------
    def enter(self) -> None:
        """Shown (again): refresh from the flow. Subclasses call this first."""
        self.clear_error()
        self.show_notice(self.flow.notice, "success")

    def leave(self) -> None:
        for form in self._forms:
            form.reset()
        self.clear_error()

    def retranslate(self) -> None:
        for widget, attribute, key, values in list(self._labels):
            if widget is self and attribute == "_notice":
                values = dict(values)
                self._render_notice(key, values.pop("kind"), values)
            else:
                setattr(widget, attribute, I18n.format(key, **values) if values else I18n.get(key))
        for form in self._forms:
            form.retranslate()
        for heading, key in self._headings:
            heading.value = self.theme.heading(I18n.get(key))

    def delivery_notice(self) -> None:
        """'We sent a code to …' for the flow's last code delivery, or a plain prompt."""
        delivery = self.flow.delivery
        if delivery is not None and delivery.destination:
            key = "We emailed you a code at {destination}" if delivery.medium == "EMAIL" else \
                "We texted you a code at {destination}"
            self.show_notice(key, destination=delivery.destination)
        elif self.flow.notice is None:
            self.show_notice(None)


def current_user(auth: Auth) -> Any:
    """Who is signed in: the AuthUser (no token in it), else the details a federated sign-in gave, else None."""
    if not auth.is_signed_in:
        return None
    try:
        return auth.current_authenticated_user()
    except AmplifyNbError:  # signed in through an identity provider: no user-pool user
        return getattr(auth, "federated_user", None)


def resolve_auth(auth: Auth | None) -> Auth:
    """The Auth to drive: the one given, else the default session, else ``amplify_nb.configure()``
    (which reads $AMPLIFY_NB_CONFIG or ./amplify_outputs.json, or says what is missing)."""
    if auth is not None:
        return auth
    from ..core.auth import get_session
    from ..credentials.auth import Auth

    found = get_session("default")  # sessions are made as amplify_nb.Auth: the core's registry holds them
    return found if isinstance(found, Auth) else Auth(None, name="default")


class StandaloneHost:
    """What a view needs from an Authenticator (flow, theme, error texts), for widgets used on their own."""

    federated: Mapping[str, Callable[[], Any]] | None = None

    def __init__(self, auth: Auth | None, theme: Theme | Mapping[str, str] | None = None,
                 error_message: ErrorMessages = None):
        from .flow import Flow
        from .theme import Theme

        self.auth = resolve_auth(auth)
        self.theme = theme if isinstance(theme, Theme) else Theme(theme)
        self.error_message = error_message
        self.flow = Flow(self.auth, lambda _state: None)

    @property
    def user(self) -> Any:
        return current_user(self.auth)
