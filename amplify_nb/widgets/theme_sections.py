"""The seed's AmplifyTheme sections (``sectionHeader``, ``formSection``, ``button``, ...) as CSS rules.

In aws-amplify-react each section was a React inline style on one kind of element. Here each section is a
rule in the Authenticator's scoped ``<style>``, aimed at the CSS classes the theme's own methods put on the
widgets (``Theme.box/button/outlined/field/text/heading/message``) and the form's own elements (form.js),
with ``!important`` so that, as the seed's inline styles did, a section wins over the theme's defaults
(ipywidgets' style traits are inline styles too).

Sections are applied in the order below, outer elements first, so that where two sections reach one element
(``sectionFooterPrimaryContent`` and ``button``) the inner one wins, as it did in the seed's markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..errors import ValidationError
from .theme_css import css_property, css_value, declarations

__all__ = ["SECTIONS", "AmplifyTheme", "section_rules", "sections_of"]

_VIEW = ".amplify-nb-view:not(.amplify-nb-view-signedIn)"  # a form's view, not the signed-in greetings
_GREETINGS = ".amplify-nb-view-signedIn"
_PRIMARY = (".amplify-nb-primary", ".amplify-nb-form .amplify-nb-submit")
_LINKS = (f"{_VIEW} .amplify-nb-link:not(.amplify-nb-outlined)",)

# Section -> the elements it styles, as selectors inside the Authenticator's scope ("" is the Authenticator
# itself). A section with no selectors is a known name with no element here (the seed's photo picker, the
# sign-in button's icon span): accepted, so a whole AmplifyTheme can be passed, and styles nothing.
SECTIONS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "container": ("",),
    "formContainer": ("",),
    "formSection": ("",),
    "sectionBody": (".amplify-nb-form-widget",),
    "sectionFooter": (f"{_VIEW} > .widget-hbox",),
    "sectionFooterPrimaryContent": _PRIMARY,
    "sectionFooterSecondaryContent": _LINKS,
    "sectionHeader": (".amplify-nb-section-header",),
    "formRow": (".amplify-nb-input-row",),
    "formField": (".amplify-nb-field",),
    "label": (".widget-label", ".widget-radio-box label"),
    "inputLabel": (".amplify-nb-form label", ".amplify-nb-field .widget-label"),
    "input": (".amplify-nb-form .amplify-nb-input", ".amplify-nb-field input"),
    "radio": (".widget-radio-box input[type='radio']",),
    "hint": (".amplify-nb-hint", ".amplify-nb-text", ".amplify-nb-form .amplify-nb-rules"),
    "toast": (".amplify-nb-toast",),
    "actionRow": (),
    "strike": (".amplify-nb-view-signIn > .amplify-nb-text",),
    "strikeContent": (".amplify-nb-view-signIn > .amplify-nb-text",),
    "navBar": (f"{_GREETINGS} > .widget-hbox",),
    "nav": (f"{_GREETINGS} > .widget-hbox",),
    "navRight": (f"{_GREETINGS} > .widget-hbox",),
    "navItem": (f"{_GREETINGS} .amplify-nb-text",),
    "navButton": (f"{_GREETINGS} .amplify-nb-link",),
    "signInButton": (".amplify-nb-outlined",),
    "signInButtonIcon": (),
    "signInButtonContent": (),
    "amazonSignInButton": (".amplify-nb-social-amazon",),
    "facebookSignInButton": (".amplify-nb-social-facebook",),
    "googleSignInButton": (".amplify-nb-social-google",),
    "oAuthSignInButton": (".amplify-nb-social-hosted-ui",),
    "button": _PRIMARY,
    "a": (*_LINKS, "a.amplify-nb-hosted-logout"),
    "photoPickerButton": (),
    "photoPlaceholder": (),
})

# The seed's ``AmplifyTheme``, to merge over as the seed does (``{**AmplifyTheme, "sectionHeader":
# {**AmplifyTheme["sectionHeader"], "background": "orange"}}``): every section, each empty because the
# default look is the theme's palette, not per-section styles.
AmplifyTheme: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {name: MappingProxyType({}) for name in SECTIONS})


def sections_of(values: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The sections among a theme's keys, each checked: ``{"sectionHeader": {"background": "orange"}}`` ->
    ``{"sectionHeader": {"background": "orange"}}`` with CSS names (``backgroundColor`` -> ``background-color``)."""
    found: dict[str, dict[str, str]] = {}
    for name, style in values.items():
        if name not in SECTIONS:
            continue
        if not isinstance(style, Mapping):
            raise ValidationError(f"theme section {name!r} must be a dict of CSS properties, such as "
                                  f"{{'background': 'orange'}}", field="theme")
        props: dict[str, str] = {}
        for prop, value in style.items():
            css = css_property(prop, f"theme[{name!r}]")
            props[css] = css_value(value, f"theme[{name!r}][{prop!r}]", prop=css)
        found[name] = props
    return found


def section_rules(scope: str, sections: Mapping[str, Mapping[str, str]]) -> str:
    """The rules of the given sections inside ``.{scope}``, in SECTIONS' order."""
    rules = []
    for name, selectors in SECTIONS.items():
        props = sections.get(name)
        if not props or not selectors:
            continue
        targets = ", ".join(f".{scope} {selector}".rstrip() if selector else f".{scope}" for selector in selectors)
        rules.append(f"{targets} {{ {declarations(dict(props), important=True)} }}")
    return " ".join(rules)
