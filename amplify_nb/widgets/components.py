"""Amplify UI's ``components``: the app's own widget in place of one view, a header and a footer around every
view, and ``variation="modal"``.

    def header(flow):
        return widgets.HTML("<h2>My app</h2>")

    class MySignIn(SignInView):        # the seed's ``class MySignIn extends SignIn``
        ...

    Authenticator(components={"header": header, "signIn": MySignIn})
    Authenticator(components=[MySignIn])          # the seed's list for withAuthenticator: each view its state

Keys are the Authenticator's states (signIn, signUp, confirmSignUp, ...), Amplify UI's component names
(SignIn, SignUp, ForceNewPassword, SetupTotp, VerifyUser, ...), ``header`` and ``footer``. A component is a
function or a class, called with the Authenticator's ``flow`` (and, by name, any of ``authenticator``, ``auth``
and ``theme`` it asks for; a subclass of one of the default views is given the Authenticator, as they are)
and returning an ipywidgets widget. A replaced view drives the same transitions as the default one through
``flow`` (``flow.sign_in(...)``, ``flow.to_sign_up()``, ...); if its widget has ``enter()``, ``leave()`` or
``retranslate()``, they are called when it is shown, replaced or the language changes. As in Amplify UI, a
state may instead take ``{"header": ..., "footer": ...}`` around its default view. With ``hide_default=True`` the
header and footer still frame every state but signedIn, around the app's own view or on their own.

Components are built once, when the Authenticator is, so a wrong one fails there, naming its key.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from ..errors import ValidationError
from .base import View
from .flow import STATES
from .names import COMPONENT_NAMES

__all__ = ["SLOTS", "VARIATIONS", "Components", "Frame"]

SLOTS = ("header", "footer")
VARIATIONS = ("default", "modal")
_EXTRAS = ("authenticator", "auth", "theme")
# The modal look: a dimmed backdrop filling the output, the card centred on it with a shadow.
_MODAL_CSS = (".{outer}.amplify-nb-modal {{ background: rgba(0, 0, 0, 0.5); }} "
              ".{outer} .amplify-nb-card {{ box-shadow: 0 4px 24px rgba(0, 0, 0, 0.35); }}")


def _slot(key: Any) -> str | None:
    return key.lower() if isinstance(key, str) and key.lower() in SLOTS else None


def _state(key: Any) -> str | None:
    state = COMPONENT_NAMES.get(key, key) if isinstance(key, str) else None
    return state if state in STATES else None


def _accepted() -> str:
    return f"header, footer, the states ({', '.join(STATES)}) or Amplify UI's names ({', '.join(COMPONENT_NAMES)})"


class Components:
    """``components`` checked: the factories of the header, the footer, each replaced view, and each
    view's own header and footer."""

    def __init__(self, given: Any = None):
        self.factories: dict[str, Callable[..., Any]] = {}  # "header", "footer" or a state
        self.slots: dict[str, dict[str, Callable[..., Any]]] = {}  # state -> "header"/"footer" -> factory
        if given is None:
            return
        if isinstance(given, Sequence) and not isinstance(given, str):
            given = self._from_views(given)
        if not isinstance(given, Mapping):
            raise ValidationError(f"components must be a dict whose keys are {_accepted()}, or a list of views",
                                  field="components")
        for key, component in given.items():
            slot, state = _slot(key), _state(key)
            name = slot or state
            if name is None:
                raise ValidationError(f"components: unknown key {key!r}; keys: {_accepted()}", field="components")
            if name in self.factories or name in self.slots:
                raise ValidationError(f"components[{key!r}]: {name} is given twice", field="components")
            if state is not None and isinstance(component, Mapping):
                self.slots[state] = self._slots(key, component)
            elif callable(component):
                if state is not None and isinstance(component, type) and issubclass(component, View) and \
                        component.state != state:
                    raise ValidationError(f"components[{key!r}] is the view of {component.state!r}, not of "
                                          f"{state!r}", field="components")
                self.factories[name] = component
            else:
                raise ValidationError(f"components[{key!r}] must be a function or a class that returns an "
                                      f"ipywidgets widget", field="components")

    @staticmethod
    def _from_views(views: Sequence[Any]) -> dict[str, Any]:
        """The seed's list of views (``withAuthenticator(App, false, [<MySignIn/>, ...])``): each replaces
        the view of its own state."""
        found: dict[str, Any] = {}
        for view in views:
            if not (isinstance(view, type) and issubclass(view, View) and view.state in STATES):
                raise ValidationError("components as a list takes view classes (subclasses of SignInView, "
                                      "SignUpView, ...), each replacing the view of its state; use a dict for "
                                      "functions", field="components")
            found[view.state] = view
        return found

    @staticmethod
    def _slots(key: Any, given: Mapping[Any, Any]) -> dict[str, Callable[..., Any]]:
        slots: dict[str, Callable[..., Any]] = {}
        for slot_key, component in given.items():
            slot = _slot(slot_key)
            if slot is None or not callable(component):
                raise ValidationError(f"components[{key!r}] takes header and footer, each a function that "
                                      f"returns an ipywidgets widget", field="components")
            slots[slot] = component
        return slots

    def build(self, authenticator: Any) -> Built:
        return Built(self, authenticator)


def make(component: Callable[..., Any], authenticator: Any, where: str) -> widgets.DOMWidget:
    """Call one component as the module docstring says, and check that it gave a widget."""
    factory: Any = component
    signature: inspect.Signature | None
    try:
        signature = inspect.signature(component)
    except (TypeError, ValueError):  # a builtin or C callable: called as it is, its own error if it cannot
        signature = None
    if isinstance(component, type) and issubclass(component, View):
        # A View, built as the default ones are: given the Authenticator.
        args: tuple[Any, ...] = (authenticator,)
        wanted: dict[str, Any] = {}
        takes = "the Authenticator (as the default views do)"
    else:
        extras = {"authenticator": authenticator, "auth": authenticator.auth, "theme": authenticator.theme}
        parameters = signature.parameters if signature is not None else {}
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            wanted = dict(extras)
        else:
            wanted = {name: extras[name] for name in _EXTRAS if name in parameters}
        args = (authenticator.flow,)
        takes = f"the flow (and by name any of {', '.join(_EXTRAS)}), nothing else"
    if signature is not None:
        try:
            signature.bind(*args, **wanted)
        except TypeError:
            raise ValidationError(f"components[{where!r}] must take {takes}; it takes {signature}",
                                  field="components") from None
    built = factory(*args, **wanted)
    if not isinstance(built, widgets.DOMWidget):
        raise ValidationError(f"components[{where!r}] must return an ipywidgets widget, not "
                              f"{type(built).__name__}", field="components")
    return built


class Built:
    """The components' widgets of one Authenticator."""

    def __init__(self, components: Components, authenticator: Any):
        self.widgets: dict[str, widgets.DOMWidget] = {
            name: make(factory, authenticator, name) for name, factory in components.factories.items()}
        self.slots: dict[str, dict[str, widgets.DOMWidget]] = {
            state: {slot: make(factory, authenticator, f"{state}.{slot}") for slot, factory in slots.items()}
            for state, slots in components.slots.items()}

    def view(self, state: str) -> widgets.DOMWidget | None:
        return self.widgets.get(state)

    def around(self, state: str, body: widgets.DOMWidget | None) -> list[widgets.DOMWidget]:
        """The header and footer of every view and of this one, around it (``body`` None: no view, as with
        hide_default, and the header and footer all the same); none once signed in (Amplify UI shows the app
        there, not the card)."""
        if state == "signedIn":
            return [body] if body is not None else []
        own = self.slots.get(state, {})
        parts = [self.widgets.get("header"), own.get("header"), body, own.get("footer"), self.widgets.get("footer")]
        return [part for part in parts if part is not None]

    def close(self) -> None:
        for widget in [*self.widgets.values(), *(w for slots in self.slots.values() for w in slots.values())]:
            widget.close()


class Frame:
    """Where the views go: the Authenticator itself (``variation="default"``: it is the card), or a card
    centred on a dimmed backdrop (``"modal"``)."""

    def __init__(self, outer: widgets.Box, variation: str, css_class: str):
        """``variation``: one of VARIATIONS, as the Authenticator checked it."""
        self.outer = outer
        self.modal = variation == "modal"
        self.card: widgets.VBox | None = None
        if self.modal:
            self.card = widgets.VBox()
            self.card.add_class("amplify-nb-card")
            self.card.add_class(css_class)  # the theme's scoped rule styles the card, not the backdrop
            outer.add_class("amplify-nb-modal")
            outer.add_class(f"{css_class}-modal")
            outer.layout.width = "100%"
            outer.layout.align_items = "center"
            outer.layout.justify_content = "center"
            outer.layout.padding = "48px 16px"
        else:
            outer.add_class(css_class)

    @property
    def box(self) -> widgets.Box:
        """The box the theme frames (width, padding, border)."""
        return self.card if self.card is not None else self.outer

    def css(self, css_class: str) -> str:
        return _MODAL_CSS.format(outer=f"{css_class}-modal") if self.modal else ""

    def show(self, style: widgets.DOMWidget, parts: list[widgets.DOMWidget], *, signed_in: bool = False) -> None:
        """``signed_in``: the modal's backdrop goes (as Amplify UI's modal closes on sign-in); the card stays
        for the greetings."""
        if self.card is None:
            self.outer.children = [style, *parts]
            return
        self.card.children = parts
        self.outer.children = [style, self.card] if parts else [style]
        if signed_in:
            self.outer.remove_class("amplify-nb-modal")
            self.outer.layout.padding = "0"
        else:
            self.outer.add_class("amplify-nb-modal")
            self.outer.layout.padding = "48px 16px"
