"""Amplify UI design tokens: read into the theme's values the Authenticator uses, written out as --amplify-*
variables, with {"value": ...} objects, {references}, a name, and colour-mode overrides."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from amplify_nb.errors import ValidationError
from amplify_nb.widgets import Authenticator
from amplify_nb.widgets.theme import Theme
from amplify_nb.widgets.theme_modes import DARK, LIGHT, contrast
from amplify_nb.widgets.theme_tokens import DEFAULT_TOKENS, token_var

SCOPE = "amplify-nb-auth-test"
ORANGE = {"tokens": {"colors": {"brand": {"primary": {"80": "#ff9900"}}}}}


@pytest.fixture(autouse=True)
def _close_widgets():
    yield
    widgets.Widget.close_all()


@pytest.mark.parametrize("mode", ["light", "dark", "system"])
def test_brand_primary_80_is_the_primary_colour_in_every_mode(mode):
    theme = Theme(ORANGE, color_mode=mode)
    assert theme["primary_color"] == "#ff9900"
    assert f"{token_var(('colors', 'brand', 'primary', '80'))}: #ff9900;" in theme.css(SCOPE)
    # The app named no text colour for it: the one that reads on orange (near-black), not white at 2:1.
    assert contrast(theme["primary_text_color"], "#ff9900") >= 4.5


def test_the_authenticators_buttons_and_form_take_the_tokens(make_auth):
    theme = {"tokens": {"colors": {"brand": {"primary": {"80": {"value": "#8a3ffc"}}},
                                   "font": {"primary": {"value": "#111111"}, "error": "#b00020"},
                                   "background": {"primary": "#fafafa"}, "border": {"primary": "#999999"}},
                        "fonts": {"default": {"variable": {"value": "Georgia, serif"}}},
                        "fontSizes": {"medium": "15px"}, "radii": {"small": "2px"}, "space": {"small": "10px"}},
             "name": "my-theme"}
    authenticator = Authenticator(make_auth(), theme=theme, color_mode="light")
    view = authenticator.view
    assert view.form.theme["primary_color"] == "#8a3ffc" and view.form.theme["font_family"] == "Georgia, serif"
    assert view.form.theme["text_color"] == "#111111" and view.form.theme["error_color"] == "#b00020"
    assert view.form.theme["font_size"] == "15px" and view.form.theme["spacing"] == "10px"
    assert view.form.theme["border_radius"] == "2px" and view.form.theme["border_color"] == "#999999"
    assert view.form.theme["background_color"] == "#fafafa"
    assert view.forgot_button.style.text_color == "#8a3ffc"
    assert view.forgot_button.style.button_color == "#fafafa"
    style = authenticator.children[0].value
    assert "--amplify-colors-font-primary: #111111;" in style and "--amplify-radii-small: 2px;" in style
    assert "--amplify-fonts-default-variable: Georgia, serif;" in style
    assert "amplify-nb-theme-my-theme" in authenticator._dom_classes


def test_references_resolve_against_the_apps_tokens_then_amplify_uis_palette():
    theme = Theme({"tokens": {"colors": {"brand": {"primary": {"80": "{colors.red.80}", "90": "{colors.mine.value}"}},
                                         "mine": "#123456", "font": {"primary": "{colors.neutral.100.value}"}},
                              "components": {"button": {"primary": {"color": {"value": "{colors.white}"}}}}}},
                  color_mode="light")
    assert theme["primary_color"] == DEFAULT_TOKENS[("colors", "red", "80")] == "hsl(0, 95%, 30%)"
    assert theme["text_color"] == "hsl(210, 50%, 10%)" and theme["primary_text_color"] == "hsl(0, 0%, 100%)"
    assert "--amplify-colors-brand-primary-90: #123456;" in theme.css(SCOPE)
    assert "--amplify-components-button-primary-color: hsl(0, 0%, 100%);" in theme.css(SCOPE)


def test_a_component_token_wins_over_the_semantic_one():
    theme = Theme({"tokens": {"colors": {"brand": {"primary": {"80": "#ff9900"}}},
                              "components": {"button": {"primary": {"backgroundColor": "#003366"}}}}})
    assert theme["primary_color"] == "#003366"


def test_flat_keys_win_over_tokens():
    assert Theme({**ORANGE, "primary_color": "#aa0000"})["primary_color"] == "#aa0000"


def test_a_dark_override_applies_in_dark_mode_only():
    spec = {**ORANGE, "overrides": [{"colorMode": "dark", "tokens": {"colors": {"brand": {"primary": {
        "80": {"value": "{colors.teal.40}"}}}}}}]}
    assert Theme(spec, color_mode="light")["primary_color"] == "#ff9900"
    assert Theme(spec, color_mode="dark")["primary_color"] == "hsl(190, 70%, 70%)"
    system = Theme(spec)
    assert system["primary_color"] == "var(--amplify-nb-sys-primary-color, #ff9900)"
    css = system.css(SCOPE)
    light_rule, dark_rule = css.split(f'body[data-jp-theme-light="false"] .{SCOPE}', 1)
    assert "--amplify-nb-sys-primary-color: #ff9900;" in light_rule
    assert "--amplify-nb-sys-primary-color: hsl(190, 70%, 70%);" in dark_rule.split("}")[0]
    assert "--amplify-colors-brand-primary-80: hsl(190, 70%, 70%);" in dark_rule.split("}")[0]


def test_a_light_override_applies_in_light_mode_only():
    spec = {"overrides": [{"colorMode": "light", "tokens": {"colors": {"font": {"primary": "#222222"}}}}]}
    assert Theme(spec, color_mode="light")["text_color"] == "#222222"
    assert Theme(spec, color_mode="dark")["text_color"] == DARK["text_color"]


@pytest.mark.parametrize("spec, message", [
    ({"tokens": "colors"}, "dict of token groups"),
    ({"tokens": {"colors": {"brand primary": "#fff"}}}, "not a token name"),
    ({"tokens": {"colors": {"font": {"primary": "{colors.nowhere.10}"}}}}, "unknown token"),
    ({"tokens": {"colors": {"a": "{colors.b}", "b": "{colors.a}"}}}, "circle"),
    ({"tokens": {"colors": {"font": {"primary": "red; } body { display: none"}}}}, "CSS value"),
    ({"tokens": {"colors": {"font": {"primary": {"value": ["red"]}}}}}, "CSS value"),
    ({"overrides": {"colorMode": "dark"}}, "must be a list"),
    ({"overrides": [{"colorMode": "sepia", "tokens": {}}]}, "colour-mode overrides"),
    ({"overrides": [{"selector": ".x", "tokens": {}}]}, "colour-mode overrides"),
    ({"name": "my theme"}, "theme name"),
    ({"tokens": {"colors": {"brand": {"primary": {"80": "oklch(70% 0.1 200)"}}}}}, "ipywidgets takes a colour"),
])
def test_bad_tokens_are_refused_saying_what_is_wrong(spec, message):
    with pytest.raises(ValidationError, match=message):
        Theme(spec)


def test_without_tokens_the_variables_show_the_palette():
    css = Theme(color_mode="light").css(SCOPE)
    assert f"--amplify-colors-brand-primary-80: {LIGHT['primary_color']};" in css
    assert f"--amplify-colors-background-primary: {LIGHT['background_color']};" in css


@pytest.mark.parametrize("number", [float("nan"), float("inf")])
def test_a_token_given_as_a_number_that_is_not_finite_names_the_token(number):
    with pytest.raises(ValidationError, match=r"theme tokens\.space\.small must be a finite number"):
        Theme({"tokens": {"space": {"small": number}}})
    with pytest.raises(ValidationError, match=r"theme tokens\.radii\.small must be a finite number"):
        Theme({"tokens": {"radii": {"small": {"value": number}}}})


def test_a_token_given_as_a_number_is_written_as_it_is():
    assert "--amplify-space-small: 4;" in Theme({"tokens": {"space": {"small": 4}}}).css(SCOPE)
