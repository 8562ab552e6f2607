"""Signing in through Cognito's hosted UI from the widgets: Amplify UI's ``socialProviders`` buttons, a
"Sign In with the Hosted UI" action, and the seed's ``withOAuth`` as ``with_oauth`` / ``OAuthButton``.

A button starts ``auth.sign_in_with_redirect``; the view shows the authorize URL as a link that opens a new
tab, and a background thread waits for the browser's redirect (loopback or server mode) while the kernel
stays free. A sign-in that succeeds is followed through the Hub (``signInWithRedirect`` / ``signIn``), as
one made anywhere else is; a failure is shown from the wait's typed error, so that the app's
``error_message`` map applies to it. In paste mode the view asks for the address the browser ended on, in
a form whose value travels in the submit message only (never widget state).

The link (whose URL holds the flow's state and nonce, never the PKCE verifier) leaves the widget state when
the flow ends, whichever way; no authorization code or token is ever a trait.
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from ..config.model import identity_provider
from ..core.hub import Hub
from ..errors import AmplifyNbError, ValidationError
from .base import StandaloneHost, View
from .form import FormField
from .greetings import Greetings, logout_link
from .i18n import I18n

__all__ = ["HOSTED_UI", "MODES", "SOCIAL_LABELS", "SOCIAL_PROVIDERS", "HostedUIPanel", "OAuthButton", "WithOAuth",
           "resolve_social_providers", "with_oauth"]

log = logging.getLogger("amplify_nb.widgets")

# Amplify UI's SocialProvider names, each with its label; "" stands for the hosted UI's own page.
SOCIAL_PROVIDERS = ("amazon", "apple", "facebook", "google")
SOCIAL_LABELS = {"amazon": "Sign In with Amazon", "apple": "Sign In with Apple", "facebook": "Sign In with Facebook",
                 "google": "Sign In with Google"}
HOSTED_UI = ""
MODES = ("auto", "loopback", "server", "paste")
WAIT_SECONDS = 300
PASTE_FIELD = FormField("address", "Address your browser ended on", "password", "off",
                        "Paste the whole address from the address bar")
_EVENTS_SIGNED_IN = ("signIn", "signInWithRedirect")


def resolve_social_providers(value: Sequence[str] | None, config: Any,
                             federated: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """Amplify UI's ``socialProviders``: the names given, in their order; None: the configuration's identity
    providers among Amplify UI's four (as Amplify UI reads them from the config)."""
    oauth = getattr(config, "oauth", None)
    if value is None:
        configured = {identity_provider(name): name for name in SOCIAL_PROVIDERS}
        return tuple(configured[name] for name in (oauth.identity_providers if oauth else ())
                     if name in configured)
    if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"social_providers must be a list of names: {', '.join(SOCIAL_PROVIDERS)}",
                              field="social_providers")
    names = tuple(name.strip().lower() for name in value)
    unknown = [name for name in names if name not in SOCIAL_PROVIDERS]
    if unknown:
        raise ValidationError(f"social_providers: unknown {', '.join(map(repr, unknown))}; Amplify UI's are "
                              f"{', '.join(SOCIAL_PROVIDERS)} (a custom OIDC or SAML provider is offered on the hosted "
                              "UI's own page)", field="social_providers")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError(f"social_providers lists {', '.join(repeated)} more than once", field="social_providers")
    if names and oauth is None:
        raise ValidationError("social_providers sign in through the hosted UI, and the configuration has no oauth "
                              "section: add one (domain, scopes, redirect URIs) to amplify_outputs.json",
                              field="social_providers")
    # A configuration that lists the pool's providers (Gen 2 does) is checked; one that lists none is not.
    listed = oauth.identity_providers if oauth else ()
    missing = [name for name in names if listed and identity_provider(name) not in listed]
    if missing:
        raise ValidationError(f"social_providers: {', '.join(missing)} is not among the configuration's identity "
                              f"providers ({', '.join(listed)}): add it to the app client's identity providers",
                              field="social_providers")
    both = sorted(name for name in names if name in {str(key).lower() for key in (federated or {})})
    if both:
        raise ValidationError(f"{', '.join(both)} is both in federated (a token of your own) and in "
                              "social_providers (the hosted UI): choose one", field="social_providers")
    return names


class HostedUIPanel(widgets.VBox):
    """The hosted-UI buttons of a view (one per provider, ``HOSTED_UI`` for Cognito's own page) and, once
    one is pressed, the link to open, a Cancel button, and in paste mode the address form."""

    def __init__(self, view: View, providers: Sequence[str], *, hosted_ui: bool = False, mode: str = "auto",
                 labels: Mapping[str, str] | None = None, on_start: Callable[[], Any] | None = None):
        """``providers``: Amplify UI's names, or a custom provider's Cognito name ("Sign In with <name>");
        ``labels``: a vocabulary key per provider instead of its own; ``on_start()`` when a sign-in starts
        (the view hides the last sign-out's link)."""
        super().__init__()
        if mode not in MODES:
            raise ValidationError(f"redirect_mode must be one of {', '.join(MODES)}", field="redirect_mode")
        self.view, self.mode, self.on_start = view, mode, on_start
        self.redirect: Any = None  # the flow in progress (its verifier stays in the core)
        self._cancelled = False
        self._lock = threading.Lock()
        self.buttons: dict[str, widgets.Button] = {}
        for name in [*providers, *([HOSTED_UI] if hosted_ui else [])]:
            key = (labels or {}).get(name) or SOCIAL_LABELS.get(name) or (
                "Sign In with {provider}" if name else "Sign In with the Hosted UI")
            values = {"provider": name} if "{provider}" in key else {}
            button = view.button(key, lambda n=name: self.start(n), primary=False, **values)
            self.buttons[name] = view.theme.outlined(button)
            button.add_class(f"amplify-nb-social-{name.lower() or 'hosted-ui'}")
        self.link = widgets.HTML(layout=widgets.Layout(display="none"))
        self.link.add_class("amplify-nb-hosted-link")
        self.hint = view.theme.text(widgets.HTML())
        self.paste_form = view.make_form([PASTE_FIELD], "Sign In", self.submit_paste)
        self.cancel_button = view.theme.outlined(view.button("Cancel", self.cancel, primary=False))
        self.pending = widgets.VBox([self.link, self.hint, self.cancel_button],
                                    layout=widgets.Layout(display="none", width="100%"))
        self.children = [*self.buttons.values(), self.pending]

    @property
    def waiting(self) -> bool:
        return self.redirect is not None

    # ---- the flow ------------------------------------------------------------------------------
    def start(self, name: str) -> None:
        """Begin a sign-in with redirect (``name``: an Amplify UI provider, or HOSTED_UI)."""
        self.cancel()
        auth = self.view.host.auth
        provider = identity_provider(name) if name else None
        started: list[Any] = []
        if not self.view.run(self.buttons[name], lambda: started.append(
                auth.sign_in_with_redirect(provider, mode=self.mode))):
            return
        with self._lock:
            self.redirect, self._cancelled = started[0], False
        if self.on_start is not None:
            self.on_start()
        self._show_pending()
        if self.redirect.mode != "paste":
            threading.Thread(target=self._wait, args=(self.redirect,), name="amplify-nb-hosted-ui",
                             daemon=True).start()

    def _wait(self, redirect: Any) -> None:
        """In the background: the core's wait; the Hub takes a success to the signed-in view."""
        try:
            redirect.wait(timeout=WAIT_SECONDS)
        except Exception as exc:  # a typed error (timeout, refused, error= on the callback), or a bug
            with self._lock:
                ours = redirect is self.redirect and not self._cancelled
            if ours:
                if not isinstance(exc, AmplifyNbError):
                    log.exception("hosted-UI sign-in failed")
                self.reset()
                self.view.show_error(exc)
            return
        self.reset()

    def submit_paste(self, values: dict[str, str]) -> bool:
        address, redirect = values["address"].strip(), self.redirect
        if redirect is None:
            return False
        if self.view.run(self.paste_form, lambda: redirect.complete(address)):
            self.reset()
            return True
        if getattr(redirect, "status", "waiting") != "waiting":  # refused after its code was spent: start over
            self.reset()
        return False

    def cancel(self) -> None:
        """End the flow in progress, if any (its listener or hand-off wait closes); the buttons come back."""
        with self._lock:
            redirect, self._cancelled = self.redirect, True
        if redirect is not None:
            try:
                redirect.cancel()
            except AmplifyNbError as exc:  # already over: nothing to cancel
                log.info("hosted-UI cancel: %s", exc)
        self.reset()

    def reset(self) -> None:
        """Back to the buttons; the link (and its URL) leaves the widget state."""
        with self._lock:
            self.redirect = None
        self.link.value = self.hint.value = ""
        self.link.layout.display = "none"
        self.pending.layout.display = "none"
        self.paste_form.reset()
        for button in self.buttons.values():
            button.layout.display = None

    # ---- what the user sees ------------------------------------------------------------------------
    def _show_pending(self) -> None:
        redirect = self.redirect
        if redirect is None:
            return
        theme = self.view.theme
        self.link.value = (f'<a href="{html.escape(redirect.url)}" target="_blank" rel="noopener noreferrer" '
                           f'style="display: block; text-align: center; padding: 8px; border-radius: '
                           f'{theme["border_radius"]}; background: {theme["primary_color"]}; color: '
                           f'{theme["primary_text_color"]}; font-weight: bold; text-decoration: none">'
                           f'{html.escape(I18n.get("Open the sign-in page"))}</a>')
        self.link.layout.display = "block"
        paste = redirect.mode == "paste"
        key = ("After signing in, copy the address your browser ended on and paste it here" if paste else
               "Sign in on the page that opens; this notebook continues by itself")
        self.hint.value = theme.message(I18n.get(key))
        self.pending.children = [self.link, self.hint, *([self.paste_form] if paste else []), self.cancel_button]
        self.pending.layout.display = "flex"
        for button in self.buttons.values():
            button.layout.display = "none"

    def retranslate(self) -> None:
        self._show_pending()

    def close(self) -> None:
        self.cancel()
        super().close()


class OAuthButton(View):
    """One button that signs in through the hosted UI (``provider``: an Amplify UI name such as "google",
    a Cognito identity-provider name, or None for Cognito's own page), usable on its own. Hidden while
    someone is signed in; after a sign-out of a hosted-UI session it offers the hosted UI's sign-out link."""

    state = "signIn"

    def __init__(self, auth: Any = None, provider: str | None = None, *, label: str | None = None,
                 redirect_mode: str = "auto", theme: Any = None, error_message: Any = None):
        super().__init__(StandaloneHost(auth, theme, error_message))
        self.auth = self.host.auth
        if self.auth.config.oauth is None:
            raise ValidationError("OAuthButton signs in through the hosted UI, and the configuration has no oauth "
                                  "section: add one (domain, scopes, redirect URIs) to amplify_outputs.json",
                                  field="provider")
        # Amplify UI's name ("google") or Cognito's ("Google", "LoginWithAmazon") of a social provider, else
        # a custom provider's own name.
        social = {**{name: name for name in SOCIAL_PROVIDERS},
                  **{identity_provider(name).lower(): name for name in SOCIAL_PROVIDERS}}
        name = social.get(provider.strip().lower(), provider.strip()) if provider else HOSTED_UI
        self.panel = HostedUIPanel(self, [name] if name else [], hosted_ui=not name, mode=redirect_mode,
                                   labels={name: label} if label else None, on_start=lambda: self.show_logout(None))
        self.logout = widgets.HTML(layout=widgets.Layout(display="none"))
        self.children = [self.panel, self.logout, self.error, self.spinner]
        self._stops = [Hub.listen("auth", self._on_hub), I18n.listen(lambda _lang: self.retranslate())]
        self.refresh()

    def refresh(self) -> None:
        self.layout.display = "none" if self.auth.is_signed_in else None

    def show_logout(self, url: str | None) -> None:
        self.logout.value = logout_link(url, self.theme) if url else ""
        self.logout.layout.display = "block" if url else "none"

    def _on_hub(self, payload: dict[str, Any]) -> None:
        if payload.get("session") != self.auth.name:
            return
        if payload.get("event") in _EVENTS_SIGNED_IN:
            self.panel.reset()
            self.show_logout(None)
        self.refresh()

    def retranslate(self) -> None:
        super().retranslate()
        self.panel.retranslate()

    def close(self) -> None:
        for stop in getattr(self, "_stops", ()):
            stop()
        if hasattr(self, "panel"):
            self.panel.close()
        super().close()


class WithOAuth(widgets.VBox):
    """The seed's withOAuth: an OAuthButton until someone is signed in, then the app's content (and, with
    ``include_greetings``, who is signed in and a Sign Out button)."""

    def __init__(self, content: Any, *, include_greetings: bool = True, **options: Any):

        super().__init__()
        self.button = OAuthButton(**options)
        self.auth = self.button.auth
        self._content = content
        self.content: widgets.Widget | None = content if isinstance(content, widgets.Widget) else None
        # Its sign-out hands the hosted UI's /logout link to the button, which is on screen by then.
        self.greetings = Greetings(self.auth, theme=options.get("theme"), on_sign_out=self.button.show_logout
                                   ) if include_greetings else None
        self._stop = Hub.listen("auth", self._on_hub)
        self._update()

    def _on_hub(self, payload: dict[str, Any]) -> None:
        if payload.get("session") == self.auth.name and payload.get("event") in (*_EVENTS_SIGNED_IN, "signOut"):
            self._update()

    def _update(self) -> None:
        if not self.auth.is_signed_in:
            self.children = [self.button]
            return
        if self.content is None:
            built = self._content()
            if not isinstance(built, widgets.Widget):
                raise ValidationError("with_oauth's content function must return an ipywidgets widget",
                                      field="content")
            self.content = built
        self.children = [*([self.greetings] if self.greetings else []), self.content]

    def close(self) -> None:
        self._stop()
        self.button.close()
        if self.greetings is not None:
            self.greetings.close()
        super().close()


def with_oauth(content: Any, provider: str | None = None, **options: Any) -> WithOAuth:
    """Show ``content`` (a widget, or a function that builds one) once someone has signed in through the
    hosted UI; until then, the button (``provider``, ``label``, ``redirect_mode``, ``auth``, ``theme``,
    ``error_message``: OAuthButton's options)."""
    if not isinstance(content, widgets.Widget) and not callable(content):
        raise ValidationError("content must be an ipywidgets widget or a function that returns one",
                              field="content")
    return WithOAuth(content, provider=provider, **options)

