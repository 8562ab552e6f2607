"""The light and dark palettes, and how ``color_mode="system"`` follows the front end's own theme.

``system`` (the default) reads JupyterLab's CSS variables where JupyterLab has one for the role
(``--jp-layout-color1`` for the background, ``--jp-ui-font-color1`` for text, ``--jp-border-color1``,
``--jp-input-background``), each with the light value as its fallback, so in JupyterLab, Notebook 7 and
Voila the widget takes the front end's light or dark colours as they change. The colours JupyterLab has no
fitting variable for (the brand colour, its text, secondary text, errors, success) switch on the attribute
the front end puts on ``<body>`` for a dark theme (JupyterLab's ``data-jp-theme-light="false"``, VS Code's
``vscode-dark``), through ``--amplify-nb-sys-*`` variables set in the widget's scoped rule.

The OS's ``prefers-color-scheme`` is deliberately not followed: a front end without JupyterLab's variables
(classic Notebook) keeps a light page whatever the OS says, and a dark card on a light page is worse than
a light one. Such a page gets the light palette; ``color_mode="dark"`` forces the dark one.

Each pair of text and background in both palettes meets WCAG AA (4.5:1), JupyterLab's own light and dark
variables included.
"""

from __future__ import annotations

import colorsys
import re

__all__ = ["COLOR_MODES", "DARK", "DARK_FRONT_ENDS", "JUPYTERLAB", "LIGHT", "WIDGET_VARIABLES", "contrast",
           "readable_on", "rgb", "system_var"]

COLOR_MODES = ("system", "light", "dark")

LIGHT: dict[str, str] = {
    "primary_color": "#047d95",  # Amplify UI's teal (brand.primary.80)
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
    "input_background_color": "#ffffff",
}

# As Amplify UI's dark mode (its palette flipped: brand.primary.80 becomes teal.40, text white on
# neutral.100), with inputs a shade above the card so their edges show.
DARK: dict[str, str] = {
    **LIGHT,
    "primary_color": "#7dd6e8",
    "primary_text_color": "#0d1a26",
    "text_color": "#f5f7f8",
    "secondary_text_color": "#c5ccd3",
    "background_color": "#0d1a26",
    "border_color": "#89949f",
    "error_color": "#f5bcbc",
    "success_color": "#d6f5db",
    "input_background_color": "#15222e",
}

# The roles JupyterLab has a variable for (its light and dark themes both meet AA with the others here).
JUPYTERLAB: dict[str, str] = {
    "background_color": "--jp-layout-color1",
    "text_color": "--jp-ui-font-color1",
    "border_color": "--jp-border-color1",
    "input_background_color": "--jp-input-background",
}

# <body> of a front end showing a dark theme: JupyterLab, Notebook 7 and Voila; VS Code's notebooks.
DARK_FRONT_ENDS = ('body[data-jp-theme-light="false"]', "body.vscode-dark",
                   "body.vscode-high-contrast:not(.vscode-high-contrast-light)")

# In a forced mode, ipywidgets' own controls inside the widget (radio buttons, labels) take its palette
# rather than the front end's: these variables of JupyterLab's are set, never read, on the scope.
WIDGET_VARIABLES: dict[str, str] = {
    "--jp-widgets-color": "text_color",
    "--jp-widgets-label-color": "text_color",
    "--jp-widgets-readout-color": "text_color",
    "--jp-widgets-input-color": "text_color",
    "--jp-widgets-input-background-color": "input_background_color",
    "--jp-widgets-input-border-color": "border_color",
    "--jp-ui-font-color1": "text_color",
    "--jp-content-font-color1": "text_color",
    "--jp-layout-color1": "background_color",
    "--jp-border-color1": "border_color",
    "--jp-input-background": "input_background_color",
}


def system_var(key: str) -> str:
    """The scoped variable through which ``system`` switches one value between its light and dark palette."""
    return f"--amplify-nb-sys-{key.replace('_', '-')}"


_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_FUNCTION = re.compile(r"^(rgb|hsl)a?\(\s*([\d.]+)(?:deg)?%?\s*,?\s*([\d.]+)%?\s*,?\s*([\d.]+)%?\s*"
                       r"(?:[,/]\s*[\d.]+%?\s*)?\)$")


def rgb(color: str) -> tuple[float, float, float] | None:
    """``#rrggbb``, ``#rgb``, ``rgb()`` or ``hsl()`` as red, green, blue in 0..1; None for any other form."""
    text = color.strip().lower()
    match = _HEX.match(text)
    if match:
        digits = match.group(1) if len(match.group(1)) == 6 else "".join(c * 2 for c in match.group(1))
        return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    match = _FUNCTION.match(text)
    if not match:
        return None
    a, b, c = (float(match.group(i)) for i in (2, 3, 4))
    if match.group(1) == "rgb":
        return min(a, 255) / 255, min(b, 255) / 255, min(c, 255) / 255
    return colorsys.hls_to_rgb((a % 360) / 360, min(c, 100) / 100, min(b, 100) / 100)


def _luminance(color: tuple[float, float, float]) -> float:
    linear = [part / 12.92 if part <= 0.04045 else ((part + 0.055) / 1.055) ** 2.4 for part in color]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float | None:
    """WCAG's contrast ratio of two opaque colours (1 to 21); None when either is not a form rgb() reads."""
    first, second = rgb(foreground), rgb(background)
    if first is None or second is None:
        return None
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(background: str) -> str | None:
    """White or the near-black of the light palette, whichever contrasts more with ``background``."""
    white, black = contrast("#ffffff", background), contrast(LIGHT["text_color"], background)
    if white is None or black is None:
        return None
    return "#ffffff" if white >= black else LIGHT["text_color"]
