"""The Authenticator as a user sees it in the browser: fields found by their label, buttons by their text,
each auth state by its view's class (amplify-nb-view-<state>)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "amplify_app" / "node_modules" / "axe-core" / "axe.min.js"


class WidgetPage:
    def __init__(self, page: Any, shots: Path):
        self.page = page
        self.shots = shots
        self._shot_count = 0

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

    def lab_command(self, command: str) -> None:
        self.page.evaluate("command => window.jupyterapp.commands.execute(command)", command)

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
        locator = self.page.locator(f".amplify-nb-view-{state}").first
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

    def accessibility_violations(self) -> list[str]:
        """axe-core's findings (WCAG rules) inside the Authenticator, as 'rule (impact): target' lines.
        axe-core comes from npm with the browser app's dependencies (make amplify-app)."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.add_script_tag(path=str(AXE))
        found = self.page.evaluate("""async () => {
            const result = await window.axe.run('.amplify-nb-authenticator', {resultTypes: ['violations']});
            return result.violations.flatMap(v => v.nodes.map(n => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
        }""")
        return list(found)

    def screenshot(self, name: str) -> Path:
        """A picture of the whole Authenticator, numbered in the order taken."""
        self._shot_count += 1
        path = self.shots / f"{self._shot_count:02d}-{name}.png"
        self.page.locator(".amplify-nb-authenticator").first.screenshot(path=str(path))
        return path
