"""color_mode: "system" follows JupyterLab's own CSS variables and its dark-theme attribute, "light" and "dark"
force a palette whatever the front end; the app's values win over the palette; every text meets WCAG AA."""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from amplify_nb.errors import ValidationError
from amplify_nb.widgets import Authenticator
from amplify_nb.widgets.theme import DEFAULTS, Theme
from amplify_nb.widgets.theme_modes import DARK, DARK_FRONT_ENDS, LIGHT, contrast, rgb

SCOPE = "amplify-nb-auth-test"
# (text, background) pairs the widget shows: body text, notices, links and link buttons, errors, successes,
# the primary button's label, typed text and placeholders in inputs.
PAIRS = [("text_color", "background_color"), ("secondary_text_color", "background_color"),
         ("primary_color", "background_color"), ("error_color", "background_color"),
         ("success_color", "background_color"), ("primary_text_color", "primary_color"),
         ("text_color", "input_background_color"), ("secondary_text_color", "input_background_color")]


@pytest.fixture(autouse=True)
def _close_widgets():
    yield
    widgets.Widget.close_all()


def test_color_mode_is_checked():
    with pytest.raises(ValidationError) as caught:
        Theme(color_mode="sepia")
    assert caught.value.field == "color_mode" and "system, light, dark" in str(caught.value)


def test_system_reads_jupyterlabs_variables_and_switches_the_rest_on_its_dark_attribute():
    theme = Theme()
    assert theme["background_color"] == "var(--jp-layout-color1, #ffffff)"
    assert theme["text_color"] == "var(--jp-ui-font-color1, #0d1a26)"
    assert theme["border_color"] == "var(--jp-border-color1, #c5ccd3)"
    assert theme["input_background_color"] == "var(--jp-input-background, #ffffff)"
    assert theme["primary_color"] == "var(--amplify-nb-sys-primary-color, #047d95)"
    css = theme.css(SCOPE)
    assert f"--amplify-nb-sys-primary-color: {LIGHT['primary_color']};" in css.split("}")[0]
    dark_rule = css.split(f'{DARK_FRONT_ENDS[0]} .{SCOPE}', 1)[1].split("}")[0]
    for key in ("primary_color", "primary_text_color", "secondary_text_color", "error_color", "success_color"):
        assert f"--amplify-nb-sys-{key.replace('_', '-')}: {DARK[key]};" in dark_rule
    # Sizes and fonts do not change with the mode.
    assert theme["spacing"] == DEFAULTS["spacing"] and theme["font_family"] == DEFAULTS["font_family"]


@pytest.mark.parametrize("mode, palette", [("light", LIGHT), ("dark", DARK)])
def test_a_forced_mode_ignores_jupyterlabs_variables(mode, palette):
    theme = Theme(color_mode=mode)
    assert dict(theme) == palette and theme.palette(mode) == palette
    css = theme.css(SCOPE)
    assert "var(--jp-" not in css and "--amplify-nb-sys-" not in css and "data-jp-theme-light" not in css
    # ipywidgets' own controls inside (radio buttons, labels) take the palette, not the front end's.
    assert f"--jp-widgets-label-color: {palette['text_color']};" in css
    assert f"--jp-widgets-input-background-color: {palette['input_background_color']};" in css


def test_the_light_and_dark_palettes_differ_in_every_colour():
    colours = [key for key in LIGHT if key.endswith("_color")]
    assert colours and all(LIGHT[key] != DARK[key] for key in colours)


def test_the_apps_values_win_over_every_modes_palette():
    for mode in ("system", "light", "dark"):
        theme = Theme({"background_color": "#fafafa", "text_color": "#222222"}, color_mode=mode)
        assert theme["background_color"] == "#fafafa" and theme["text_color"] == "#222222"
        assert "--amplify-nb-sys-background-color" not in theme.css(SCOPE)


def test_the_mode_reaches_the_authenticators_widgets(make_auth):
    dark = Authenticator(make_auth(), color_mode="dark").view
    assert dark.forgot_button.style.text_color == DARK["primary_color"]
    assert dark.form.theme["background_color"] == DARK["background_color"]
    system = Authenticator(make_auth()).view
    assert system.forgot_button.style.button_color == "var(--jp-layout-color1, #ffffff)"
    assert system.form.theme["primary_color"] == "var(--amplify-nb-sys-primary-color, #047d95)"


def test_a_theme_can_be_remade_in_another_mode():
    theme = Theme({"primary_color": "#aa0000"})
    dark = Theme(theme, color_mode="dark")
    assert dark["primary_color"] == "#aa0000" and dark["background_color"] == DARK["background_color"]


# ---- contrast ---------------------------------------------------------------------------------------
def jupyterlab_variables(name: str) -> dict[str, str]:
    jupyterlab = pytest.importorskip("jupyterlab")
    css = (Path(jupyterlab.__file__).parent / "themes" / "@jupyterlab" / f"theme-{name}-extension" /
           "index.css").read_text()
    return {match[0]: match[1].strip() for match in re.findall(r"(--[\w-]+)\s*:\s*([^;}]+)", css)}


def resolve(value: str, variables: dict[str, str], depth: int = 0) -> str:
    """A CSS value with its var(--x, fallback) replaced, as the browser computes it."""
    match = re.fullmatch(r"var\((--[\w-]+)\s*(?:,\s*(.*))?\)", value.strip())
    if not match or depth > 10:
        return {"white": "#ffffff", "black": "#000000"}.get(value.strip(), value.strip())
    name, fallback = match.groups()
    return resolve(variables[name] if name in variables else fallback, variables, depth + 1)


def opaque(colour: str, background: str) -> str:
    """rgba() text over its background, blended as the browser paints it."""
    match = re.fullmatch(r"rgba\(([\d.]+),\s*([\d.]+),\s*([\d.]+),\s*([\d.]+)\)", colour.replace(" ", ""))
    if not match:
        return colour
    *parts, alpha = (float(part) for part in match.groups())
    under = rgb(background)
    assert under is not None
    blended = [round(part * alpha + under[index] * 255 * (1 - alpha)) for index, part in enumerate(parts)]
    return "#" + "".join(f"{part:02x}" for part in blended)


def front_end(theme: Theme, lab: str) -> dict[str, str]:
    """The colours a Theme("system") shows in JupyterLab's light or dark theme."""
    variables = jupyterlab_variables(lab)
    for key, (on_light, on_dark) in theme._system.items():
        variables[f"--amplify-nb-sys-{key.replace('_', '-')}"] = on_dark if lab == "dark" else on_light
    return {key: resolve(value, variables) for key, value in theme.items()}


@pytest.mark.parametrize("where", ["light", "dark", "jupyterlab-light", "jupyterlab-dark"])
def test_every_text_meets_wcag_aa_in_both_palettes_and_in_jupyterlabs_themes(where):
    if where.startswith("jupyterlab-"):
        colours = front_end(Theme(), where.split("-")[1])
    else:
        colours = Theme(color_mode=where).palette(where)
    for text, background in PAIRS:
        ratio = contrast(opaque(colours[text], colours[background]), colours[background])
        assert ratio is not None and ratio >= 4.5, (where, text, background, colours[text], colours[background], ratio)


def test_in_jupyterlab_dark_the_widget_is_dark():
    colours = front_end(Theme(), "dark")
    assert contrast(colours["background_color"], "#000000") < 2  # a dark card, not a white one
    assert colours["primary_color"] == DARK["primary_color"]
