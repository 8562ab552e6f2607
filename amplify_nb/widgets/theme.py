"""The Authenticator's theme: colours, fonts and spacing, the seed's AmplifyTheme sections, Amplify UI's design
tokens, and a light, dark or system colour mode.

``Theme(values, color_mode="system")`` takes one dict that may mix

- the flat keys of ``DEFAULTS`` (``{"primary_color": "#8a3ffc"}``);
- the seed's AmplifyTheme sections, each a dict of CSS properties in camelCase as React styles
  (``{"sectionHeader": {"background": "orange"}}``), merged over the default (see theme_sections.py);
- Amplify UI's ``tokens``, ``overrides`` (``[{"colorMode": "dark", "tokens": {...}}]``) and ``name``
  (see theme_tokens.py).

Values the app sets (flat keys over tokens) win over the colour mode's palette (theme_modes.py).

The theme reaches the widgets two ways: ipywidgets' style and layout traits, set by the methods the views
build every element with (``box``, ``button``, ``outlined``, ``field``, ``text``, ``heading``, ``message``),
which also put the CSS classes on them that the sections aim at; and one ``<style>`` rule scoped to the
Authenticator's own CSS class (``css``) for what traits cannot express.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import ValidationError
from .theme_css import css_value, declarations
from .theme_modes import (
    COLOR_MODES,
    DARK,
    DARK_FRONT_ENDS,
    JUPYTERLAB,
    LIGHT,
    WIDGET_VARIABLES,
    readable_on,
    system_var,
)
from .theme_sections import SECTIONS, AmplifyTheme, section_rules, sections_of
from .theme_tokens import AUTHENTICATOR_TOKENS, Path, flatten, map_tokens, resolve, token_var

__all__ = ["COLOR_MODES", "DEFAULTS", "AmplifyTheme", "Theme"]

DEFAULTS: dict[str, str] = dict(LIGHT)
_AMPLIFY_UI_KEYS = ("tokens", "overrides", "name")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# The values that land in ipywidgets' Color traits (button_color, a label's text_color), which accept
# fewer forms than CSS: checked here so a bad one fails when the theme is made, not at the first button.
_COLOR_TRAITS = ("primary_color", "background_color", "text_color")
# Each Authenticator token's CSS variable and the value it shows (a token read into two values shows the first).
_TOKEN_VARIABLES: dict[str, str] = {}
for _dotted, _key in AUTHENTICATOR_TOKENS:
    _TOKEN_VARIABLES.setdefault(token_var(tuple(_dotted.split("."))), _key)


class Theme(Mapping[str, str]):
    """A mapping of the flat keys (``DEFAULTS``) to the values in force for ``color_mode``: literal colours in
    ``light`` and ``dark``, ``var(--jp-..., light)`` / ``var(--amplify-nb-sys-..., light)`` in ``system``."""

    def __init__(self, values: Mapping[str, Any] | Theme | None = None, *, color_mode: str = "system"):
        if isinstance(values, Theme):
            values = values.spec
        if values is not None and not isinstance(values, Mapping):
            raise ValidationError("theme must be a dict (flat keys, AmplifyTheme sections or Amplify UI tokens) "
                                  "or a Theme", field="theme")
        if color_mode not in COLOR_MODES:
            raise ValidationError(f"color_mode must be one of {', '.join(COLOR_MODES)}; got {color_mode!r}",
                                  field="color_mode")
        values = dict(values or {})
        unknown = sorted(str(key) for key in values
                         if key not in DEFAULTS and key not in SECTIONS and key not in _AMPLIFY_UI_KEYS)
        if unknown:
            raise ValidationError(f"Unknown theme keys {unknown}; known: {', '.join(DEFAULTS)}; AmplifyTheme "
                                  f"sections: {', '.join(SECTIONS)}; and Amplify UI's "
                                  f"{', '.join(_AMPLIFY_UI_KEYS)}", field="theme")
        self.spec: dict[str, Any] = values
        self.color_mode = color_mode
        self.name = _theme_name(values.get("name"))
        self.sections = sections_of(values)
        flat = {key: css_value(values[key], f"theme[{key!r}]") for key in DEFAULTS if key in values}
        raw = flatten(values["tokens"]) if "tokens" in values else {}
        self.tokens: dict[str, dict[Path, str]] = {"base": resolve(raw), **_overrides(values.get("overrides"), raw)}
        light_tokens = {**self.tokens["base"], **self.tokens["light"]}
        dark_tokens = {**self.tokens["base"], **self.tokens["dark"]}
        set_light, set_dark = {**map_tokens(light_tokens), **flat}, {**map_tokens(dark_tokens), **flat}
        for own in (set_light, set_dark):
            # The app's brand colour without its text colour: whichever of white and near-black reads on it.
            if "primary_color" in own and "primary_text_color" not in own:
                readable = readable_on(own["primary_color"])
                if readable:
                    own["primary_text_color"] = readable
        self._palettes = {"light": {**LIGHT, **set_light}, "dark": {**DARK, **set_dark}}
        self._system: dict[str, tuple[str, str]] = {}  # key -> (light, dark) where system switches between them
        if color_mode == "system":
            self._values = {key: self._system_value(key, set_light, set_dark) for key in DEFAULTS}
        else:
            self._values = dict(self._palettes[color_mode])
        self._check_color_traits()

    def _system_value(self, key: str, set_light: Mapping[str, str], set_dark: Mapping[str, str]) -> str:
        light, dark = self._palettes["light"][key], self._palettes["dark"][key]
        follow = f"var({JUPYTERLAB[key]}, {LIGHT[key]})" if key in JUPYTERLAB else None
        on_light = light if key in set_light or follow is None else follow
        on_dark = dark if key in set_dark or follow is None else follow
        if on_light == on_dark:
            return on_light
        self._system[key] = (on_light, on_dark)
        return f"var({system_var(key)}, {light})"

    def _check_color_traits(self) -> None:
        try:
            import traitlets
            from ipywidgets.widgets.trait_types import Color  # type: ignore[import-untyped]
        except ImportError:  # no widgets installed: nothing will take these values
            return
        trait = Color()
        for key in _COLOR_TRAITS:
            try:
                trait.validate(None, self._values[key])
            except traitlets.TraitError:
                raise ValidationError(f"theme {key} {self._values[key]!r}: ipywidgets takes a colour as '#rrggbb', "
                                      f"a name, rgb(), rgba(), hsl() or hsla() (with commas)", field="theme") from None

    # ---- the mapping ------------------------------------------------------------------------------
    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return (f"Theme(color_mode={self.color_mode!r}, name={self.name!r}, sections={sorted(self.sections)}, "
                f"tokens={len(self.tokens['base'])})")

    def palette(self, mode: str) -> dict[str, str]:
        """The literal values of the ``light`` or ``dark`` palette, the app's own values applied."""
        if mode not in self._palettes:
            raise ValidationError("palette mode must be light or dark", field="mode")
        return dict(self._palettes[mode])

    # ---- applying it ----------------------------------------------------------------------------
    def box(self, box: Any, *, outer: bool = False) -> Any:
        box.layout.width = self["width"] if outer else "100%"
        if outer:
            box.layout.padding = f"calc(2 * {self['spacing']})"
            box.layout.border = f"1px solid {self['border_color']}"
            for css_class in ("amplify-nb-container", "amplify-nb-form-container", "amplify-nb-form-section",
                              f"amplify-nb-color-mode-{self.color_mode}"):
                box.add_class(css_class)
            if self.name:
                box.add_class(f"amplify-nb-theme-{self.name}")
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
        button.add_class("amplify-nb-button")
        button.add_class("amplify-nb-primary" if primary else "amplify-nb-link")
        return button

    def outlined(self, button: Any) -> Any:
        """A secondary button that is a choice of its own (a provider, a first factor): full width, framed."""
        button.layout.width = "100%"
        button.layout.border = f"1px solid {self['border_color']}"
        button.add_class("amplify-nb-outlined")
        return button

    def field(self, field: Any) -> Any:
        field.style.text_color = self["text_color"]
        field.style.font_size = self["font_size"]
        field.style.description_width = "initial"
        field.layout.width = "100%"
        field.layout.margin = f"0 0 {self['spacing']} 0"
        field.add_class("amplify-nb-field")
        return field

    def text(self, widget: Any) -> Any:
        widget.style.text_color = self["text_color"]
        widget.style.font_size = self["font_size"]
        if hasattr(widget.style, "font_family"):
            widget.style.font_family = self["font_family"]
        widget.layout.width = "100%"
        widget.add_class("amplify-nb-text")
        return widget

    def css(self, css_class: str) -> str:
        """The rules ipywidgets styles cannot express, and the sections, scoped to one Authenticator."""
        scope = f".{css_class}"
        root = {"background": self["background_color"], "font-family": self["font_family"],
                "border-radius": self["border_radius"], "color": self["text_color"]}
        dark: dict[str, str] = {}
        for key, (on_light, on_dark) in self._system.items():
            root[system_var(key)], dark[system_var(key)] = on_light, on_dark
        if self.color_mode != "system":
            root.update({name: self[key] for name, key in WIDGET_VARIABLES.items()})
        # Amplify UI's variables, for an app's own CSS: those the Authenticator uses, then the app's tokens.
        root.update({name: self[key] for name, key in _TOKEN_VARIABLES.items()})
        own = {**self.tokens["base"], **self.tokens.get(self.color_mode, self.tokens["light"])}
        root.update({token_var(path): value for path, value in own.items()})
        if self.color_mode == "system":
            dark.update({token_var(path): value for path, value in self.tokens["dark"].items()})
        rules = [f"{scope} {{ {declarations(root)} }}"]
        if dark:
            rules.append(f"{', '.join(f'{body} {scope}' for body in DARK_FRONT_ENDS)} {{ {declarations(dark)} }}")
        rules.append(f"{scope} input {{ font-family: {self['font_family']}; font-size: {self['font_size']}; }}")
        # As Amplify UI: each label above its input (ipywidgets puts them side by side, so labels of different
        # lengths misalign the inputs), and texts that wrap rather than end in an ellipsis.
        rules.append(f"{scope} .amplify-nb-field {{ flex-direction: column; align-items: stretch; height: auto; }} "
                     f"{scope} .amplify-nb-field .widget-label {{ width: auto; text-align: left; "
                     f"margin: 0 0 2px 0; line-height: 1.5; }} "
                     f"{scope} .widget-label-basic, {scope} .widget-label "
                     f"{{ white-space: normal; height: auto; line-height: 1.5; }}")
        sections = section_rules(css_class, self.sections)
        if sections:
            rules.append(sections)
        text = " ".join(rules)
        # Every value was checked (theme_css); a second guard that nothing can end the <style> element
        # (the selectors' ">" must stay as it is: a <style> element's text is not HTML-decoded).
        if "<" in text or "&" in text:
            raise ValidationError("theme CSS may not contain '<' or '&'", field="theme")
        return text

    def heading(self, text: str) -> str:
        style = (f"font-size: {self['heading_size']}; font-weight: bold; color: {self['text_color']}; "
                 f"margin: 0 0 {self['spacing']} 0")
        return (f'<div class="amplify-nb-section-header" role="heading" aria-level="2" '
                f'style="{html.escape(style)}">{html.escape(text)}</div>')

    def message(self, text: str, kind: str = "info") -> str:
        kind = kind if kind in ("error", "success", "info") else "info"
        color = {"error": self["error_color"], "success": self["success_color"]}.get(kind, self["secondary_text_color"])
        css_class = "amplify-nb-toast" if kind == "error" else "amplify-nb-hint"
        # Screen readers announce both: an error at once (alert), a notice ("We emailed you a code") politely.
        role = ' role="alert"' if kind == "error" else ' role="status"'
        style = f"color: {color}; font-size: {self['font_size']}"
        return (f'<div class="{css_class} amplify-nb-message-{kind}"{role} style="{html.escape(style)}">'
                f'{html.escape(text)}</div>')


def _theme_name(name: Any) -> str | None:
    if name is None:
        return None
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValidationError("theme name must be letters, digits, '-' or '_' (at most 64)", field="theme")
    return name


def _overrides(overrides: Any, base: Mapping[Path, Any]) -> dict[str, dict[Path, str]]:
    """Amplify UI's colour-mode overrides: the tokens of ``{"colorMode": "dark" | "light", "tokens": {...}}``,
    resolved with the base tokens in reach of their references."""
    found: dict[str, dict[Path, str]] = {"light": {}, "dark": {}}
    if overrides is None:
        return found
    if not isinstance(overrides, (list, tuple)):
        raise ValidationError("theme overrides must be a list such as [{'colorMode': 'dark', 'tokens': {...}}]",
                              field="theme")
    for index, override in enumerate(overrides):
        where = f"overrides[{index}]"
        if not isinstance(override, Mapping) or override.get("colorMode") not in ("light", "dark") or \
                set(override) - {"colorMode", "tokens"}:
            raise ValidationError(f"theme {where}: only colour-mode overrides are supported here, as "
                                  f"{{'colorMode': 'dark', 'tokens': {{...}}}}", field="theme")
        raw = flatten(override.get("tokens", {}), f"{where}.tokens")
        resolved = resolve({**base, **raw}, f"{where}.tokens")
        found[override["colorMode"]].update({path: resolved[path] for path in raw})
    return found
