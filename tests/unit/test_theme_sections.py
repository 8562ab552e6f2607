"""The seed's AmplifyTheme sections: merged over the default, emitted as rules in the Authenticator's scoped
<style> aimed at the classes the theme's own methods put on the widgets, and every property and value checked."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from amplify_nb.errors import ValidationError
from amplify_nb.widgets import Authenticator
from amplify_nb.widgets.theme import AmplifyTheme, Theme
from amplify_nb.widgets.theme_css import kebab
from amplify_nb.widgets.theme_sections import SECTIONS

SCOPE = "amplify-nb-auth-test"


@pytest.fixture(autouse=True)
def _close_widgets():
    yield
    widgets.Widget.close_all()


def descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def test_the_seeds_section_header_example_styles_the_header_and_nothing_else():
    # const MySectionHeader = Object.assign({}, AmplifyTheme.sectionHeader, { background: 'orange' });
    # const MyTheme = Object.assign({}, AmplifyTheme, { sectionHeader: MySectionHeader });
    theme = Theme({**AmplifyTheme, "sectionHeader": {**AmplifyTheme["sectionHeader"], "background": "orange"}})
    default = Theme()
    css = theme.css(SCOPE)
    assert f".{SCOPE} .amplify-nb-section-header {{ background: orange !important; }}" in css
    assert 'class="amplify-nb-section-header"' in theme.heading("Sign in to your account")
    # Everything else keeps the default: the same values, the same rules before the section's.
    assert dict(theme) == dict(default)
    assert css.startswith(default.css(SCOPE)) and css.count("!important") == 1


def test_the_section_rule_reaches_the_authenticators_header_element(make_auth):
    authenticator = Authenticator(make_auth(), theme={"sectionHeader": {"background": "orange"}})
    style = authenticator.children[0].value
    scope = next(box for box in descendants(authenticator) if authenticator._css_class in getattr(
        box, "_dom_classes", ()))
    headings = [widget for widget in descendants(scope) if isinstance(widget, widgets.HTML)
                and 'class="amplify-nb-section-header"' in widget.value]
    assert headings and "Sign in to your account" in headings[0].value
    assert f".{authenticator._css_class} .amplify-nb-section-header {{ background: orange !important; }}" in style


def test_sections_reach_the_classes_the_theme_puts_on_buttons_texts_and_messages(make_auth):
    theme = Theme({"button": {"backgroundColor": "#ff9900"}, "a": {"color": "#0000ee"},
                   "toast": {"fontWeight": "bold"}, "hint": {"fontSize": 12}, "formSection": {"minWidth": 460}})
    css = theme.css(SCOPE)
    assert f".{SCOPE} .amplify-nb-primary, .{SCOPE} .amplify-nb-form .amplify-nb-submit " \
           f"{{ background-color: #ff9900 !important; }}" in css
    assert f".{SCOPE} {{ min-width: 460px !important; }}" in css
    assert "font-size: 12px !important;" in css and "font-weight: bold !important;" in css
    assert 'class="amplify-nb-toast' in theme.message("Incorrect", "error")
    assert 'class="amplify-nb-hint' in theme.message("Sent", "success")
    view = Authenticator(make_auth(), theme=theme).view
    assert {"amplify-nb-button", "amplify-nb-link"} <= set(view.forgot_button._dom_classes)
    label = theme.text(widgets.Label())
    assert "amplify-nb-text" in label._dom_classes
    primary = theme.button(widgets.Button())
    assert {"amplify-nb-button", "amplify-nb-primary"} <= set(primary._dom_classes)
    assert "amplify-nb-outlined" in theme.outlined(widgets.Button())._dom_classes
    assert "amplify-nb-field" in theme.field(widgets.Text())._dom_classes


def test_the_outer_box_carries_the_container_sections_classes():
    box = Theme({"name": "my-theme"}).box(widgets.VBox(), outer=True)
    assert {"amplify-nb-container", "amplify-nb-form-container", "amplify-nb-form-section",
            "amplify-nb-theme-my-theme", "amplify-nb-color-mode-system"} <= set(box._dom_classes)


def test_later_sections_win_on_the_same_element_as_the_seeds_nesting_did():
    css = Theme({"button": {"color": "red"}, "sectionFooterPrimaryContent": {"color": "blue"}}).css(SCOPE)
    assert css.index("color: blue !important") < css.index("color: red !important")


def test_react_style_names_and_numbers_become_css():
    assert kebab("backgroundColor") == "background-color"
    assert kebab("WebkitTransition") == "-webkit-transition" and kebab("msTransform") == "-ms-transform"
    css = Theme({"input": {"borderRadius": 4, "lineHeight": 1.5, "zIndex": 2, "margin-top": "0",
                           "padding": 0}}).css(SCOPE)
    assert "border-radius: 4px !important;" in css and "line-height: 1.5 !important;" in css
    assert "z-index: 2 !important;" in css and "margin-top: 0 !important;" in css and "padding: 0 !important;" in css


def test_every_known_section_is_accepted_and_unknown_ones_are_named():
    Theme({name: {"color": "#123456"} for name in SECTIONS})  # a whole AmplifyTheme, unmapped sections too
    assert "photoPickerButton" in SECTIONS and "photoPickerButton" not in Theme(
        {"photoPickerButton": {"color": "red"}}).css(SCOPE)
    with pytest.raises(ValidationError) as caught:
        Theme({"sectionHeadr": {"background": "orange"}})
    assert "sectionHeadr" in str(caught.value) and "sectionHeader" in str(caught.value)
    assert "formSection" in str(caught.value) and "navBar" in str(caught.value)


@pytest.mark.parametrize("section", [
    "orange",  # not a dict of properties
    {"colour": "red"},  # not a CSS property
    {"background color": "red"},
    {"background;color": "red"},
    {"": "red"},
    {"color": None},
    {"color": True},
    {"color": ["red"]},
])
def test_bad_section_shapes_and_property_names_are_refused(section):
    with pytest.raises(ValidationError):
        Theme({"sectionHeader": section})


@pytest.mark.parametrize("value", [
    "orange; } body { display: none",
    "orange !important; color: red",
    "orange</style><script>alert(1)</script>",
    "red } .x { color: blue",
    "url(https://example.org/x.png",  # an open bracket swallows the rules after it
    "'Segoe UI",  # so does an open string
    "red /* the rest is a comment",
    "\\3c /style\\3e",
    "red\n; color: blue",
    "a" * 401,
])
def test_values_that_could_break_out_of_their_declaration_are_refused(value):
    with pytest.raises(ValidationError):
        Theme({"sectionHeader": {"background": value}})
    with pytest.raises(ValidationError):
        Theme({"primary_color": value})


def test_values_css_allows_pass():
    css = Theme({"formSection": {"boxShadow": "1px 1px 4px 0 rgba(0,0,0,0.15)",
                                 "fontFamily": "'Amazon Ember', \"Helvetica Neue\", sans-serif",
                                 "width": "calc(100% - 2 * 8px)", "background": "var(--amazonOrange, #ff9900)",
                                 "backgroundImage": "url('https://example.org/logo.png?size=2')"}}).css(SCOPE)
    assert "box-shadow: 1px 1px 4px 0 rgba(0,0,0,0.15) !important;" in css
    assert "background-image: url('https://example.org/logo.png?size=2') !important;" in css


@pytest.mark.parametrize("number", [float("nan"), float("inf"), -float("inf")])
def test_a_number_that_is_not_finite_is_refused_not_written_as_css(number):
    with pytest.raises(ValidationError, match=r"theme\['input'\]\['padding'\] must be a finite number"):
        Theme({"input": {"padding": number}})
    with pytest.raises(ValidationError, match=r"theme\['input'\]\['lineHeight'\] must be a finite number"):
        Theme({"input": {"lineHeight": number}})
