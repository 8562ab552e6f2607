"""Amplify UI design tokens (``{"tokens": {"colors": {"brand": {"primary": {"80": "#ff9900"}}}}}``) read into
the theme's own values, and written out as Amplify UI's ``--amplify-*`` CSS variables.

A token is a value, or ``{"value": ...}`` as Amplify UI writes them, and may refer to another one as
``{colors.red.60}`` (or ``{colors.red.60.value}``): references resolve against the app's tokens, then
Amplify UI's default palette and scales below, so a theme written for Amplify UI resolves here too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import ValidationError
from .theme_css import css_value, kebab

__all__ = ["AUTHENTICATOR_TOKENS", "DEFAULT_TOKENS", "Path", "flatten", "map_tokens", "resolve", "token_var"]

Path = tuple[str, ...]

_STEPS = ("10", "20", "40", "60", "80", "90", "100")
# Amplify UI's default palette: hue, then saturation/lightness per step 10 ... 100.
_PALETTE = {
    "red": (0, "75 95, 75 85, 75 75, 50 50, 95 30, 100 20, 100 15"),
    "orange": (30, "75 95, 75 85, 75 75, 50 50, 95 30, 100 20, 100 15"),
    "yellow": (60, "75 95, 75 85, 75 75, 50 50, 95 30, 100 20, 100 15"),
    "green": (130, "60 95, 60 90, 44 63, 43 46, 33 37, 27 29, 22 23"),
    "teal": (190, "75 95, 75 85, 70 70, 50 50, 95 30, 100 20, 100 15"),
    "blue": (220, "95 95, 85 85, 70 70, 50 50, 95 30, 100 20, 100 15"),
    "purple": (300, "95 95, 85 85, 70 70, 50 50, 95 30, 100 20, 100 15"),
    "pink": (340, "95 95, 90 85, 70 70, 50 50, 95 30, 100 20, 100 15"),
    "neutral": (210, "5 98, 5 94, 5 87, 10 58, 10 40, 25 25, 50 10"),
}
# Amplify UI's semantic colours, as references into the palette (what an app's tokens most often name).
_SEMANTIC = {
    "font": {"primary": "neutral.100", "secondary": "neutral.90", "tertiary": "neutral.80",
             "disabled": "neutral.60", "inverse": "white", "interactive": "brand.primary.80",
             "hover": "brand.primary.90", "focus": "brand.primary.100", "active": "brand.primary.100",
             "info": "blue.90", "warning": "orange.90", "error": "red.90", "success": "green.90"},
    "background": {"primary": "white", "secondary": "neutral.10", "tertiary": "neutral.20",
                   "quaternary": "neutral.60", "disabled": "neutral.20", "info": "blue.10",
                   "warning": "orange.10", "error": "red.10", "success": "green.10"},
    "border": {"primary": "neutral.60", "secondary": "neutral.40", "tertiary": "neutral.20",
               "disabled": "neutral.20", "pressed": "brand.primary.100", "focus": "brand.primary.100",
               "error": "red.80", "info": "blue.80", "success": "green.80", "warning": "orange.80"},
}
_SCALES = {
    "fontSizes": "xxxs 0.375rem, xxs 0.5rem, xs 0.75rem, small 0.875rem, medium 1rem, large 1.25rem, "
                 "xl 1.5rem, xxl 2rem, xxxl 2.5rem, xxxxl 3rem",
    "space": "zero 0, xxxs 0.25rem, xxs 0.375rem, xs 0.5rem, small 0.75rem, medium 1rem, large 1.5rem, "
             "xl 2rem, xxl 3rem, xxxl 4.5rem",
    "radii": "xs 0.125rem, small 0.25rem, medium 0.5rem, large 1rem, xl 2rem, xxl 4rem, xxxl 8rem",
    "borderWidths": "small 1px, medium 2px, large 3px",
    "fontWeights": "hairline 100, thin 200, light 300, normal 400, medium 500, semibold 600, bold 700, "
                   "extrabold 800, black 900",
}


def _defaults() -> dict[Path, str]:
    tokens: dict[Path, str] = {("colors", "white"): "hsl(0, 0%, 100%)", ("colors", "black"): "hsl(0, 0%, 0%)",
                               ("colors", "transparent"): "transparent"}
    for name, (hue, steps) in _PALETTE.items():
        for step, pair in zip(_STEPS, steps.split(", "), strict=True):
            saturation, lightness = pair.split()
            tokens[("colors", name, step)] = f"hsl({hue}, {saturation}%, {lightness}%)"
    for step in _STEPS:
        tokens[("colors", "brand", "primary", step)] = tokens[("colors", "teal", step)]
        tokens[("colors", "brand", "secondary", step)] = tokens[("colors", "purple", step)]
        tokens[("colors", "primary", step)] = tokens[("colors", "teal", step)]  # Amplify UI v6's alias
    for group, targets in _SEMANTIC.items():
        for name, target in targets.items():
            source: Path = ("colors", *target.split("."))
            tokens[("colors", group, name)] = tokens[source]
    for scale, entries in _SCALES.items():
        for entry in entries.split(", "):
            step_name, value = entry.split()
            tokens[(scale, step_name)] = value
    stack = "-apple-system, BlinkMacSystemFont, 'Helvetica Neue', 'Segoe UI', Oxygen, Ubuntu, Cantarell, " \
            "'Open Sans', sans-serif"
    tokens[("fonts", "default", "variable")] = f"'InterVariable', 'Inter var', 'Inter', {stack}"
    tokens[("fonts", "default", "static")] = f"'Inter', {stack}"
    return tokens


DEFAULT_TOKENS: dict[Path, str] = _defaults()

# Which tokens the Authenticator uses, and for what: later entries win over earlier ones (a component's
# own token over the semantic one).
AUTHENTICATOR_TOKENS: tuple[tuple[str, str], ...] = (
    ("colors.brand.primary.80", "primary_color"),
    ("colors.primary.80", "primary_color"),
    ("components.button.primary.backgroundColor", "primary_color"),
    ("colors.font.inverse", "primary_text_color"),
    ("components.button.primary.color", "primary_text_color"),
    ("colors.font.primary", "text_color"),
    ("colors.font.secondary", "secondary_text_color"),
    ("colors.background.primary", "background_color"),
    ("colors.background.primary", "input_background_color"),
    ("components.authenticator.router.backgroundColor", "background_color"),
    ("colors.border.primary", "border_color"),
    ("components.authenticator.router.borderColor", "border_color"),
    ("colors.font.error", "error_color"),
    ("colors.font.success", "success_color"),
    ("fonts.default.static", "font_family"),
    ("fonts.default.variable", "font_family"),
    ("fontSizes.medium", "font_size"),
    ("fontSizes.large", "heading_size"),
    ("space.small", "spacing"),
    ("radii.small", "border_radius"),
    ("components.authenticator.container.widthMax", "width"),
)
_SEGMENT = re.compile(r"^_?[A-Za-z0-9]+$")
_REFERENCE = re.compile(r"\{([A-Za-z0-9_.]+)\}")
_MAX_DEPTH = 8


def token_var(path: Path) -> str:
    """Amplify UI's CSS variable of a token: ``colors.brand.primary.80`` -> ``--amplify-colors-brand-primary-80``."""
    return "--amplify-" + "-".join(kebab(segment.lstrip("_")) for segment in path)


def flatten(tree: Any, where: str = "tokens") -> dict[Path, Any]:
    """``{"colors": {"brand": {"primary": {"80": {"value": "#f90"}}}}}`` ->
    ``{("colors", "brand", "primary", "80"): "#f90"}``."""
    if not isinstance(tree, Mapping):
        raise ValidationError(f"theme {where} must be a dict of token groups, such as "
                              f"{{'colors': {{'brand': {{'primary': {{'80': '#ff9900'}}}}}}}}", field="theme")
    found: dict[Path, Any] = {}

    def walk(node: Mapping[Any, Any], path: Path) -> None:
        if len(path) >= _MAX_DEPTH:
            raise ValidationError(f"theme {where}.{'.'.join(path)} is nested too deeply", field="theme")
        for key, value in node.items():
            segment = str(key) if isinstance(key, (str, int)) and not isinstance(key, bool) else ""
            if not _SEGMENT.fullmatch(segment):
                raise ValidationError(f"theme {where}: {key!r} is not a token name (letters and digits)",
                                      field="theme")
            here = (*path, segment)
            if isinstance(value, Mapping) and "value" in value:
                found[here] = value["value"]
            elif isinstance(value, Mapping):
                walk(value, here)
            else:
                found[here] = value

    walk(tree, ())
    return found


def resolve(tokens: Mapping[Path, Any], where: str = "tokens") -> dict[Path, str]:
    """Each token's value with its ``{references}`` replaced, checked as a CSS value."""
    known = {**DEFAULT_TOKENS, **tokens}

    def value_of(path: Path, seen: tuple[Path, ...]) -> str:
        if path in seen:
            raise ValidationError(f"theme {where}: the references of {'.'.join(path)} go round in a circle",
                                  field="theme")
        raw = known[path]
        if isinstance(raw, str) and "{" in raw:
            def substitute(match: re.Match[str]) -> str:
                target = tuple(match.group(1).split("."))
                target = target[:-1] if target and target[-1] == "value" else target
                if target not in known:
                    raise ValidationError(f"theme {where}.{'.'.join(path)}: unknown token {{{match.group(1)}}}",
                                          field="theme")
                return value_of(target, (*seen, path))
            raw = _REFERENCE.sub(substitute, raw)
        name = f"theme {where}.{'.'.join(path)}"
        return css_value(raw, name, prop="--token") if not isinstance(raw, str) else css_value(raw, name)

    return {path: value_of(path, ()) for path in tokens}


def map_tokens(tokens: Mapping[Path, str]) -> dict[str, str]:
    """The theme values the Authenticator's tokens set (see AUTHENTICATOR_TOKENS)."""
    values: dict[str, str] = {}
    for dotted, key in AUTHENTICATOR_TOKENS:
        path = tuple(dotted.split("."))
        if path in tokens:
            values[key] = tokens[path]
    return values
