"""CSS values and property names a theme may carry, checked before they reach a ``<style>`` rule or an
inline style.

Theme values come from the app, but they land in CSS text the page parses: a value must not be able to
end its declaration (``;``), its rule (``}``), open a comment that swallows the rules after it, escape a
character (``\\``), or end the ``<style>`` element (``<``). Anything else CSS allows in a value (colours,
lengths, ``calc()``, ``var()``, quoted font names, ``url()``) passes.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..errors import ValidationError

__all__ = ["UNITLESS", "css_property", "css_value", "declarations", "kebab"]

_MAX_VALUE = 400
# Letters of any script, digits and the punctuation CSS values use; no ; { } < > \ & @ ! ` nor controls.
_VALUE_CHARS = re.compile(r"^[\w \t#%.,()'\"+\-*/:?=]*$")
# camelCase as React styles (backgroundColor, WebkitTransition, msTransform), or CSS's own kebab-case.
_CAMEL = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_KEBAB = re.compile(r"^-?[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_CUSTOM = re.compile(r"^--[A-Za-z0-9_-]+$")
_VENDOR = ("webkit", "moz", "ms", "o")
# The first word of every standard CSS property: a misspelt family ("colour", "bakground") is refused here
# rather than silently ignored by the browser.
_FAMILIES = frozenset("""
accent align all animation appearance aspect backdrop backface background block border bottom box break
caption caret clear clip color column columns contain container content counter cursor direction display
empty fill filter flex float font gap grid height hyphens image inline inset isolation justify left letter
line list margin marker mask max min mix object offset opacity order orphans outline overflow overscroll
padding page perspective place pointer position quotes resize right rotate row scale scroll shape
stroke tab table text top touch transform transition translate unicode user vertical visibility white
widows width will word writing z zoom
""".split())
# As React: a number is a length in px, except for the properties whose numbers have no unit.
UNITLESS = frozenset({"font-weight", "line-height", "opacity", "z-index", "flex", "flex-grow", "flex-shrink",
                      "order", "zoom", "orphans", "widows", "column-count", "tab-size", "fill-opacity",
                      "stroke-opacity", "aspect-ratio", "scale"})


def kebab(name: str) -> str:
    """``backgroundColor`` -> ``background-color``; ``WebkitTransition`` / ``msTransform`` -> ``-webkit-...``."""
    out = re.sub(r"(?<!^)([A-Z])", lambda match: "-" + match.group(1).lower(), name)
    first = out.split("-", 1)[0]
    if first.lower() in _VENDOR and "-" in out and (name[0].isupper() or first == "ms"):
        out = "-" + out[0].lower() + out[1:]
    return out.lower() if not out.startswith("--") else out


def css_property(name: Any, where: str) -> str:
    """The CSS name of a style property given camelCase (as React) or kebab-case; ``where`` names it in errors."""
    if not isinstance(name, str) or not name:
        raise ValidationError(f"{where}: a style property name must be a non-empty string", field="theme")
    if _CUSTOM.fullmatch(name):
        return name
    if not (_CAMEL.fullmatch(name) or _KEBAB.fullmatch(name)):
        raise ValidationError(f"{where}: {name!r} is not a CSS property name (camelCase such as "
                              f"'backgroundColor', or 'background-color')", field="theme")
    css = kebab(name) if _CAMEL.fullmatch(name) else name
    bare = re.sub(r"^-(webkit|moz|ms|o)-", "", css)
    if bare.split("-", 1)[0] not in _FAMILIES:
        raise ValidationError(f"{where}: {name!r} is not a CSS property", field="theme")
    return css


def css_value(value: Any, where: str, *, prop: str | None = None) -> str:
    """A CSS value that cannot break out of its declaration. Numbers are allowed where ``prop`` is given
    (a React style: px unless the property is unitless); anything else must be a string."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or \
            (not isinstance(value, str) and prop is None):
        raise ValidationError(f"{where} must be a CSS value such as '#047d95' or '8px'", field="theme")
    if not isinstance(value, str):
        if not math.isfinite(value):  # nan or inf would be written as "nanpx": not CSS at all
            raise ValidationError(f"{where} must be a finite number, not {value}", field="theme")
        return str(value) if value == 0 or prop in UNITLESS or (prop or "").startswith("--") else f"{value}px"
    text = value.strip()
    if len(text) > _MAX_VALUE or not _VALUE_CHARS.fullmatch(text) or "/*" in text or "*/" in text \
            or not _balanced(text):
        raise ValidationError(f"{where} must be a CSS value such as '#047d95' or '8px' (no ; {{ }} < > \\ "
                              f"comments or unbalanced quotes and brackets)", field="theme")
    return text


def _balanced(text: str) -> bool:
    """Quotes closed and brackets nested: an open string or ``(`` would swallow the declarations after it."""
    depth, quote = 0, ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not quote


def declarations(props: dict[str, str], *, important: bool = False) -> str:
    """``{"background": "orange"}`` -> ``background: orange;`` (each already checked)."""
    suffix = " !important" if important else ""
    return " ".join(f"{name}: {value}{suffix};" for name, value in props.items())
