"""What `%magic?` shows through a real IPython shell: the full usage, as `%magic --help` prints it, with every
option and its help, and every option the README lists for the magic. (That %load_ext builds none of it and
`?` imports nothing heavy is checked in a fresh interpreter by test_magics_notebook.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from amplify_nb.magics.magics import AuthMagics

from .ipython_shell import ipython_shell, ok

MAGICS = ("auth_configure", "auth_signin", "auth_signup", "auth_signout", "auth_devices", "auth_credentials",
          "auth_session", "auth_mfa", "auth_password", "auth_trace", "authenticator")
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    with ipython_shell(tmp_path_factory.mktemp("ipython")) as sh:
        yield sh


def squeezed(text: str) -> str:
    """The text without whitespace: argparse re-wraps help to the terminal's width."""
    return "".join(text.split())


def shown_as(flag: str, settings: dict) -> str:
    """How argparse names an option in the help: a positional with choices by its choices."""
    if flag.startswith("-") or "choices" not in settings:
        return flag
    return "{" + ",".join(settings["choices"]) + "}"


def readme_options() -> dict[str, set[str]]:
    """The options each magic's row of the README's table names."""
    rows = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `%")]
    cells = [re.split(r"(?<!\\)\|", row) for row in rows]  # a `\|` inside a cell is not a column
    return {re.match(r" `%(\w+)", cell[1]).group(1): set(re.findall(r"--[a-z][a-z-]*", cell[1])) for cell in cells}


def test_the_extension_registers_the_eleven_magics(shell):
    ours = {name for name, method in shell.magics_manager.magics["line"].items()
            if isinstance(getattr(method, "__self__", None), AuthMagics)}
    assert ours == set(MAGICS)


@pytest.mark.parametrize("name", MAGICS)
def test_question_mark_shows_the_usage_and_every_option_with_its_help(shell, name):
    shown = ok(shell, f"%{name}?").stdout
    assert f"usage: %{name} [-h]" in shown
    assert squeezed(ok(shell, f"%{name} --help").stdout) in squeezed(shown)  # one text for both
    options = shell.find_magic(name).__func__.arguments  # what the magic declares it takes
    assert "--name" in {flag for flags, _ in options for flag in flags}  # every magic takes --name
    for flags, settings in options:
        assert settings.get("help"), f"%{name} {flags} has no help"
        assert all(shown_as(flag, settings) in shown for flag in flags)
        assert squeezed(settings["help"]) in squeezed(shown)


def test_every_option_the_readme_lists_is_in_the_magics_help(shell):
    documented = readme_options()
    assert documented["auth_signin"] >= {"--flow", "--no-password", "--password-env", "--code-env", "--answer-env",
                                         "--new-password-env", "--widget"}
    for name, flags in documented.items():
        shown = ok(shell, f"%{name}?").stdout
        assert not {flag for flag in flags if flag not in shown}, name
