"""JupyterLab's dark theme: the Authenticator follows it by default (it reads JupyterLab's CSS variables),
live when the user switches theme, with readable contrast (WCAG AA, 4.5:1 for text) and no serious or
critical axe-core finding; ``color_mode="light"`` / ``"dark"`` hold whatever JupyterLab's theme is.
Screenshots of each, for a person to look at."""

from __future__ import annotations

from tests.browser.conftest import authenticator_cell, write_notebook
from tests.browser.page import contrast, luminance

DARK, LIGHT = "JupyterLab Dark", "JupyterLab Light"
IMPACTS = ("serious", "critical")


def readable(colors: dict[str, str]) -> dict[str, float]:
    """The contrast ratios a reader depends on that fall under WCAG AA's 4.5:1 (none when all are met)."""
    pairs = {"heading": ("heading", "background"), "label": ("label", "background"),
             "input": ("input_text", "input_background"), "button": ("button_text", "button_background")}
    ratios = {name: round(contrast(colors[text], colors[back]), 2) for name, (text, back) in pairs.items()
              if colors[text] and colors[back]}
    return {name: ratio for name, ratio in ratios.items() if ratio < 4.5}


def is_dark(colors: dict[str, str]) -> bool:
    return luminance(colors["background"]) < 0.2 and luminance(colors["input_background"]) < 0.2


def is_light(colors: dict[str, str]) -> bool:
    return luminance(colors["background"]) > 0.8 and luminance(colors["input_background"]) > 0.8


def test_the_authenticator_follows_jupyterlab_dark_by_default_and_live(served_sandbox, lab, widget_page):
    _sb, root = served_sandbox()
    write_notebook(root / "dark.ipynb", authenticator_cell("system"))
    server, token = lab(root, theme=DARK)  # the user's theme before the widget ever renders
    ui = widget_page.within(".system")
    ui.open_lab(server.url, token, "dark.ipynb")
    assert ui.theme() == {"name": DARK, "light": False}
    ui.run_all_cells()
    ui.view("signIn")
    ui.screenshot("dark-page", whole_page=True)
    ui.screenshot("dark-signIn")
    dark = ui.colors()
    found = {"signIn": ui.accessibility_violations(IMPACTS)}
    ui.fill("signIn", "Email", "nobody@example.com")
    ui.fill("signIn", "Password", "Wrong-horse-1")
    ui.field("signIn", "Password").press("Enter")
    assert ui.error_text("signIn") == "Incorrect username or password."
    ui.screenshot("dark-signIn-error")
    found["signIn-error"] = ui.accessibility_violations(IMPACTS)
    ui.click("signIn", "Create Account")
    ui.fill("signUp", "Password", "short")
    ui.field("signUp", "Email").focus()
    ui.view("signUp").locator(".amplify-nb-rules li").first.wait_for()
    ui.screenshot("dark-signUp-rules")
    found["signUp-rules"] = ui.accessibility_violations(IMPACTS)

    ui.set_theme(LIGHT)  # switched while the widget is on screen: it follows without a re-run
    ui.screenshot("light-signUp-rules")
    light = ui.colors()
    found["signUp-rules (light)"] = ui.accessibility_violations(IMPACTS)

    assert is_dark(dark), dark
    assert readable(dark) == {}, dark
    assert is_light(light), light
    assert readable(light) == {}, light
    assert found == {view: [] for view in found}


def test_color_mode_light_and_dark_hold_whatever_jupyterlab_shows(served_sandbox, lab, widget_page):
    _sb, root = served_sandbox()
    write_notebook(root / "modes.ipynb", authenticator_cell("light", ', color_mode="light"'),
                   authenticator_cell("dark", ', color_mode="dark"'))
    server, token = lab(root, theme=DARK)
    light, dark = widget_page.within(".light"), widget_page.within(".dark")
    widget_page.open_lab(server.url, token, "modes.ipynb")
    widget_page.run_all_cells()
    light.view("signIn")
    dark.view("signIn")
    seen = {}
    for theme in (DARK, LIGHT):
        widget_page.set_theme(theme)
        for mode, ui in (("light", light), ("dark", dark)):
            ui.screenshot(f"{mode}-mode-in-{theme.split()[-1].lower()}-lab")
            seen[f"{mode} mode in {theme}"] = (ui.colors(), ui.accessibility_violations(IMPACTS))
    for name, (colors, violations) in seen.items():
        assert (is_light if name.startswith("light") else is_dark)(colors), (name, colors)
        assert readable(colors) == {}, (name, colors)
        assert violations == [], name
