"""What every view shares: translated labels, fields that submit on Enter, the busy state, inline errors.

Secret fields (passwords, codes, answers) are emptied the moment their form is submitted, before the
call: an ipywidgets value is widget state, and a notebook saved with widget state keeps it in plain text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets

from ..errors import AmplifyNbError
from .i18n import I18n

log = logging.getLogger("amplify_nb.widgets")
SPINNER = ('<span style="display:inline-block;width:14px;height:14px;border:2px solid #c5ccd3;'
           'border-top-color:#047d95;border-radius:50%;animation:amplify-nb-spin 0.8s linear infinite"></span>'
           '<style>@keyframes amplify-nb-spin{to{transform:rotate(360deg)}}</style>')


def error_text(exc: BaseException, error_message: Any = None) -> str:
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


class View(widgets.VBox):
    """One auth state's form. ``enter()`` refreshes it from the flow when it is shown; ``leave()`` empties
    its secret fields when another state replaces it."""

    state = ""

    def __init__(self, host: Any):
        super().__init__()
        self.host = host
        self.flow = host.flow
        self.theme = host.theme
        self._labels: list[tuple[Any, str, str, dict[str, Any]]] = []
        self._headings: list[tuple[Any, str]] = []
        self._secrets: list[widgets.Text] = []
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

    def set_heading(self, key: str) -> None:
        self._headings = [(self.heading, key)]
        self.heading.value = self.theme.heading(I18n.get(key))

    def field(self, key: str, *, secret: bool = False, password: bool = False, placeholder: str | None = None,
              on_enter: Callable[[], Any] | None = None, value: str = "") -> widgets.Text:
        """A labelled text input; Enter submits the form (the frontend's "submit" message, which ipywidgets
        8 still sends on Enter; ``Text.on_submit`` itself is deprecated)."""
        field = (widgets.Password if password else widgets.Text)(value=value)
        field.add_class("amplify-nb-field")
        self.label(field, "description", key)
        self.label(field, "placeholder", placeholder or key)
        self.theme.field(field)
        if secret or password:
            self._secrets.append(field)
        if on_enter is not None:
            field.on_msg(lambda _widget, content, _buffers: on_enter() if content.get("event") == "submit" else None)
        self._controls.append(field)
        return field

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
    @staticmethod
    def take(field: widgets.Text) -> str:
        """Read a secret field and empty it at once, before anything else can fail."""
        value = field.value
        field.value = ""
        return value

    @contextmanager
    def busy(self, button: widgets.Button | None = None) -> Iterator[None]:
        """Disable the form and show the spinner while the call runs (each change reaches the frontend as
        it is made, so the user sees it although the call itself is synchronous)."""
        before = [(control, control.disabled) for control in self._controls]
        icon = button.icon if button is not None else ""
        for control in self._controls:
            control.disabled = True
        if button is not None:
            button.icon = "spinner spin"
        self.spinner.layout.display = "block"
        try:
            yield
        finally:
            self.spinner.layout.display = "none"
            if button is not None:
                button.icon = icon
            for control, disabled in before:
                control.disabled = disabled

    def run(self, button: widgets.Button | None, action: Callable[[], Any]) -> bool:
        """Call the flow with the form busy; an error shows inline. True when the call succeeded.

        A click that reaches the kernel after its view was replaced (a double click queued behind the
        call that moved on) is dropped, rather than submitting the now empty form."""
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
        for field in self._secrets:
            field.value = ""
        self.clear_error()

    def retranslate(self) -> None:
        for widget, attribute, key, values in list(self._labels):
            if widget is self and attribute == "_notice":
                values = dict(values)
                self._render_notice(key, values.pop("kind"), values)
            else:
                setattr(widget, attribute, I18n.format(key, **values) if values else I18n.get(key))
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


def resolve_auth(auth: Any) -> Any:
    """The Auth to drive: the one given, else the default session, else ``amplify_nb.configure()``
    (which reads $AMPLIFY_NB_CONFIG or ./amplify_outputs.json, or says what is missing)."""
    if auth is not None:
        return auth
    from ..core.auth import get_session
    from ..credentials.auth import Auth

    return get_session("default") or Auth(None, name="default")


class StandaloneHost:
    """What a view needs from an Authenticator (flow, theme, error texts), for widgets used on their own."""

    federated = None

    def __init__(self, auth: Any, theme: Any = None, error_message: Any = None):
        from .flow import Flow
        from .theme import Theme

        self.auth = resolve_auth(auth)
        self.theme = theme if isinstance(theme, Theme) else Theme(theme)
        self.error_message = error_message
        self.flow = Flow(self.auth, lambda _state: None)
