"""A small theme: colours, fonts and spacing, applied through ipywidgets' own style and layout traits.

ipywidgets styles cover buttons, text and labels; what they cannot reach (the box's background, the
font of text inputs) goes into one scoped ``<style>`` rule on the Authenticator's own CSS class.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from ..errors import ValidationError

__all__ = ["DEFAULTS", "Theme"]

DEFAULTS: dict[str, str] = {
    "primary_color": "#047d95",  # Amplify UI's teal
    "primary_text_color": "#ffffff",
    "text_color": "#0d1a26",
    "secondary_text_color": "#5c6670",
    "background_color": "#ffffff",
    "border_color": "#c5ccd3",
    "error_color": "#c23d3d",
    "success_color": "#365e3d",
    "font_family": "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif",
    "font_size": "14px",
    "heading_size": "18px",
    "spacing": "8px",
    "width": "380px",
    "border_radius": "6px",
}
# A theme value lands in CSS: nothing that could end the declaration or the <style> element.
_SAFE = re.compile(r"^[\w\s#%.,()'\"+-]*$")


class Theme(Mapping[str, str]):
    def __init__(self, values: Mapping[str, Any] | None = None):
        values = dict(values or {})
        unknown = sorted(set(values) - set(DEFAULTS))
        if unknown:
            raise ValidationError(f"Unknown theme keys {unknown}; known: {', '.join(DEFAULTS)}", field="theme")
        for key, value in values.items():
            if not isinstance(value, str) or not _SAFE.match(value):
                raise ValidationError(f"theme[{key!r}] must be a CSS value such as '#047d95' or '8px'", field="theme")
        self._values = {**DEFAULTS, **values}

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    # ---- applying it ----------------------------------------------------------------------------
    def box(self, box: Any, *, outer: bool = False) -> Any:
        box.layout.width = self["width"] if outer else "100%"
        if outer:
            box.layout.padding = f"calc(2 * {self['spacing']})"
            box.layout.border = f"1px solid {self['border_color']}"
        return box

    def button(self, button: Any, *, primary: bool = True) -> Any:
        style = button.style
        style.button_color = self["primary_color"] if primary else self["background_color"]
        style.text_color = self["primary_text_color"] if primary else self["primary_color"]
        style.font_family = self["font_family"]
        style.font_size = self["font_size"]
        style.font_weight = "bold" if primary else "normal"
        button.layout.width = "100%" if primary else "auto"
        button.layout.margin = f"{self['spacing']} 0 0 0"
        return button

    def outlined(self, button: Any) -> Any:
        """A secondary button that is a choice of its own (a provider, a first factor): full width, framed."""
        button.layout.width = "100%"
        button.layout.border = f"1px solid {self['border_color']}"
        return button

    def field(self, field: Any) -> Any:
        field.style.text_color = self["text_color"]
        field.style.font_size = self["font_size"]
        field.style.description_width = "initial"
        field.layout.width = "100%"
        field.layout.margin = f"0 0 {self['spacing']} 0"
        return field

    def text(self, widget: Any) -> Any:
        widget.style.text_color = self["text_color"]
        widget.style.font_size = self["font_size"]
        if hasattr(widget.style, "font_family"):
            widget.style.font_family = self["font_family"]
        widget.layout.width = "100%"
        return widget

    def css(self, css_class: str) -> str:
        """The rule ipywidgets styles cannot express, scoped to one Authenticator."""
        rule = (f"background: {self['background_color']}; font-family: {self['font_family']}; "
                f"border-radius: {self['border_radius']}; color: {self['text_color']};")
        inputs = f"font-family: {self['font_family']}; font-size: {self['font_size']};"
        scope = f".{css_class}"
        # As Amplify UI: each label above its input (ipywidgets puts them side by side, so labels of different
        # lengths misalign the inputs), and texts that wrap rather than end in an ellipsis.
        stacked = (f"{scope} .amplify-nb-field {{ flex-direction: column; align-items: stretch; height: auto; }} "
                   f"{scope} .amplify-nb-field .widget-label {{ width: auto; text-align: left; "
                   f"margin: 0 0 2px 0; line-height: 1.5; }} "
                   f"{scope} .widget-label-basic, {scope} .widget-label "
                   f"{{ white-space: normal; height: auto; line-height: 1.5; }}")
        return html.escape(f"{scope} {{ {rule} }} {scope} input {{ {inputs} }} {stacked}", quote=False)

    def heading(self, text: str) -> str:
        return (f"<div style=\"font-size: {self['heading_size']}; font-weight: bold; color: {self['text_color']};"
                f" margin: 0 0 {self['spacing']} 0\">{html.escape(text)}</div>")

    def message(self, text: str, kind: str = "info") -> str:
        color = {"error": self["error_color"], "success": self["success_color"]}.get(kind, self["secondary_text_color"])
        role = ' role="alert"' if kind == "error" else ""
        return f"<div{role} style=\"color: {color}; font-size: {self['font_size']}\">{html.escape(text)}</div>"
