"""The Authenticator as a user sees it in the browser: fields found by their label, buttons by their text,
each auth state by its view's class (amplify-nb-view-<state>)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "amplify_app" / "node_modules" / "axe-core" / "axe.min.js"

_FOCUSED = """scope => {
    const active = document.activeElement;
    const root = document.querySelector(scope);
    if (!active || !root || !root.contains(active)) return 'outside';
    if (active.tagName === 'INPUT' && active.type === 'radio') {
        return `radio ${(active.closest('label') || active).textContent.trim()}`;
    }
    if (active.tagName === 'INPUT') return `input ${active.name}`;
    return `${active.tagName.toLowerCase()} ${(active.innerText || '').trim()}`;
}"""


def luminance(color: str) -> float:
    """WCAG's relative luminance of a computed CSS colour ('rgb(r, g, b)' or 'rgba(...)'): 0 black, 1 white."""
    channels = [float(part) / 255 for part in color[color.index("(") + 1:color.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two computed CSS colours (1 to 21; body text needs 4.5)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class WidgetPage:
    def __init__(self, page: Any, shots: Path, scope: str = ""):
        self.page = page
        self.shots = shots
        self.scope = scope  # a CSS selector of one Authenticator, when a notebook shows several
        self._shot_count = 0

    def within(self, scope: str) -> WidgetPage:
        """The same page, looking only inside the Authenticator that ``scope`` (a CSS selector) selects."""
        return WidgetPage(self.page, self.shots, scope)

    @property
    def authenticator(self) -> str:
        return self.scope or ".amplify-nb-authenticator"

    # ---- JupyterLab ---------------------------------------------------------------------------
    def open_lab(self, url: str, token: str, notebook: str) -> None:
        self.page.goto(f"{url}/lab/tree/{notebook}?token={token}")
        self.page.wait_for_selector(".jp-Notebook", state="visible", timeout=60_000)
        self.page.wait_for_function("window.jupyterapp && window.jupyterapp.commands", timeout=60_000)

    def open_notebook7(self, url: str, token: str, notebook: str) -> None:
        self.page.goto(f"{url}/notebooks/{notebook}?token={token}")
        self.page.wait_for_selector(".jp-Notebook", state="visible", timeout=60_000)
        self.page.wait_for_function("window.jupyterapp && window.jupyterapp.commands", timeout=60_000)

    def save_notebook(self) -> None:
        """Save with JupyterLab's own command (Notebook 7 has the same) and wait until it is written."""
        self.lab_command("docmanager:save")
        self.page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)

    def focused_field(self) -> str:
        """The name of the Authenticator field that has the keyboard focus ('' when none has)."""
        return self.page.evaluate("""() => {
            const active = document.activeElement;
            return active && active.closest('.amplify-nb-form') ? active.name : '';
        }""")

    def wait_focus(self, name: str) -> None:
        self.page.wait_for_function("""name => {
            const active = document.activeElement;
            return active && active.closest('.amplify-nb-form') && active.name === name;
        }""", arg=name, timeout=30_000)

    def lab_command(self, command: str, args: dict[str, Any] | None = None) -> None:
        self.page.evaluate("([command, args]) => window.jupyterapp.commands.execute(command, args)",
                           [command, args or {}])

    def set_theme(self, theme: str) -> None:
        """Switch JupyterLab's (or Notebook 7's) theme as the Settings > Theme menu does, and wait until its
        CSS is in force (the body's data-jp-theme-name changes once the theme's stylesheet has loaded) and the
        splash screen JupyterLab lays over the page meanwhile has faded out."""
        self.lab_command("apputils:change-theme", {"theme": theme})
        self.page.wait_for_function("""theme => document.body.dataset.jpThemeName === theme
                                               && !document.querySelector('#jupyterlab-splash')""",
                                    arg=theme, timeout=30_000)

    def theme(self) -> dict[str, Any]:
        """The front end's theme: its name and whether it is light."""
        return self.page.evaluate("""() => ({name: document.body.dataset.jpThemeName,
                                            light: document.body.dataset.jpThemeLight === 'true'})""")

    def focused(self) -> str:
        """What has the keyboard focus, as a screen reader would name it: 'input username', 'button Show',
        'radio SMS' (a radio by its label), ...; 'outside' when the focus is not in the Authenticator."""
        return self.page.evaluate(_FOCUSED, self.authenticator)

    def wait_focused(self, expected: str) -> None:
        """Wait until ``focused()`` says ``expected``."""
        self.page.wait_for_function(f"([scope, expected]) => ({_FOCUSED})(scope) === expected",
                                    arg=[self.authenticator, expected], timeout=30_000)

    def run_all_cells(self) -> None:
        # Run only once the notebook is the current widget and its kernel is idle: a run asked for earlier
        # is dropped by JupyterLab, not queued.
        self.page.wait_for_function("""() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const kernel = panel && panel.sessionContext && panel.sessionContext.session
                && panel.sessionContext.session.kernel;
            return kernel && kernel.status === 'idle';
        }""", timeout=60_000)
        self.lab_command("notebook:run-all-cells")

    # ---- the widget ---------------------------------------------------------------------------
    def view(self, state: str) -> Any:
        """Wait until the view of ``state`` is on screen and return it."""
        locator = self.page.locator(f"{self.scope} .amplify-nb-view-{state}".strip()).first
        locator.wait_for(state="visible", timeout=60_000)
        return locator

    def field(self, state: str, label: str) -> Any:
        return self.view(state).locator(".amplify-nb-field").filter(
            has=self.page.locator(f'label:text-is("{label}")')).locator("input")

    def fill(self, state: str, label: str, value: str) -> None:
        field = self.field(state, label)
        field.fill(value)

    def click(self, state: str, text: str) -> None:
        self.view(state).locator("button", has_text=text).first.click()

    def wait_enabled(self, state: str, text: str) -> None:
        """The form is no longer busy (its buttons are disabled while a call runs)."""
        self.view(state).locator("button:not([disabled])", has_text=text).first.wait_for(state="visible")

    def error_text(self, state: str) -> str:
        error = self.view(state).locator(".amplify-nb-error")
        error.first.wait_for(state="visible")
        return error.first.inner_text()

    def text(self, state: str) -> str:
        return self.view(state).inner_text()

    def accessibility_violations(self, impacts: tuple[str, ...] | None = None,
                                 needs_review: bool = False) -> list[str]:
        """axe-core's findings (WCAG rules) inside the Authenticator, as 'rule (impact): target' lines; only
        those of the given ``impacts`` (minor, moderate, serious, critical) when given. ``needs_review``
        adds what axe could not decide, as 'rule (impact, needs review: why): target': text whose colour
        equals its background's (1:1, invisible) is such a case, not a violation, for axe. axe-core comes
        from npm with the browser app's dependencies (make amplify-app)."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.add_script_tag(path=str(AXE))
            # JupyterLab's <body> has no height (its shell is positioned absolutely) and hides its overflow:
            # axe then takes every element in the page for clipped, and skips colour contrast altogether.
            # A height changes nothing on screen and lets axe see what the user sees.
            self.page.add_style_tag(content="html, body { height: 100%; }")
        found = self.page.evaluate("""async ([scope, impacts, review]) => {
            const root = scope ? document.querySelector(scope) : null;
            const result = await window.axe.run(root || '.amplify-nb-authenticator',
                                                {resultTypes: review ? ['violations', 'incomplete'] : ['violations']});
            const wanted = rule => !impacts || impacts.includes(rule.impact);
            const why = node => [...node.any, ...node.all, ...node.none]
                .map(check => (check.data && check.data.messageKey) || check.id).join(', ');
            return [
                ...result.violations.filter(wanted)
                    .flatMap(v => v.nodes.map(n => `${v.id} (${v.impact}): ${n.target.join(' ')}`)),
                ...(review ? result.incomplete : []).filter(wanted)
                    .flatMap(v => v.nodes.map(n => `${v.id} (${v.impact}, needs review: ${why(n)}): `
                                                   + n.target.join(' '))),
            ];
        }""", [self.scope, list(impacts) if impacts else None, needs_review])
        return list(found)

    def unlabelled(self) -> list[str]:
        """The Authenticator's inputs a screen reader could not name from a label of their own (a <label for>
        naming exactly this input, or aria-labelledby naming a text on the page), and any id the page holds
        twice (a label would name the other element); radio buttons are named by the <label> around them."""
        return self.page.evaluate("""scope => {
            const problems = [];
            const ids = [...document.querySelectorAll('[id]')].map(node => node.id).filter(id => id);
            for (const id of new Set(ids.filter((id, index) => ids.indexOf(id) !== index))) {
                problems.push(`duplicate id ${id}`);
            }
            for (const root of document.querySelectorAll(scope)) {
                for (const input of root.querySelectorAll('input, select, textarea, [role=textbox]')) {
                    if (input.type === 'hidden' || !input.getClientRects().length) continue;
                    const byFor = input.id && [...document.querySelectorAll('label[for]')]
                        .filter(label => label.htmlFor === input.id && label.textContent.trim());
                    const around = input.closest('label') && input.closest('label').textContent.trim();
                    const named = (input.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
                        .map(id => document.getElementById(id)).filter(node => node && node.textContent.trim());
                    const bound = (byFor && byFor.length === 1) || (input.type === 'radio' && around)
                        || named.length > 0;
                    if (!bound) problems.push(`no label: ${input.outerHTML.slice(0, 120)}`);
                }
            }
            return problems;
        }""", self.authenticator)

    def colors(self) -> dict[str, str]:
        """The colours the Authenticator is drawn in, as the browser computes them ('rgb(r, g, b)'): its
        background (the first opaque one from the widget up), its heading's text, a field's label, an
        input's text and background, the primary button's text and background."""
        return self.page.evaluate("""scope => {
            const root = document.querySelector(scope);
            const opaque = node => {
                for (; node; node = node.parentElement) {
                    const color = getComputedStyle(node).backgroundColor;
                    if (color && color !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(color)) return color;
                }
                return 'rgb(255, 255, 255)';
            };
            const pick = selector => root.querySelector(selector);
            const text = node => node ? getComputedStyle(node).color : '';
            const input = pick('.amplify-nb-input');
            const submit = pick('.amplify-nb-submit');
            return {
                background: opaque(root), heading: text(pick('.amplify-nb-view .widget-html-content div')),
                label: text(pick('.amplify-nb-field label')), input_text: text(input),
                input_background: input ? opaque(input) : '', button_text: text(submit),
                button_background: submit ? opaque(submit) : '',
            };
        }""", self.authenticator)

    def screenshot(self, name: str, whole_page: bool = False) -> Path:
        """A picture of the whole Authenticator (or of the whole page), numbered in the order taken."""
        # One numbering for every scope of the page (within() makes another WidgetPage on the same shots).
        self._shot_count = max(self._shot_count, sum(1 for _ in self.shots.glob("*.png"))) + 1
        path = self.shots / f"{self._shot_count:02d}-{name}.png"
        if whole_page:
            self.page.screenshot(path=str(path))
        else:
            self.page.locator(self.authenticator).first.screenshot(path=str(path))
        return path
