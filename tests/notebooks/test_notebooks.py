"""The teaching notebooks: committed clean, and each runs top to bottom with nbclient (no one at the
keyboard, widget state not stored) against a fresh sandbox, showing no password; and `amplify-nb demo
--headless` runs the quickstart against the demo's own sandbox and prints what a new user should see."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from amplify_nb.demo import execute_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_the_teaching_notebooks_are_numbered_from_01_without_gaps_or_repeats():
    numbers = [int(path.name[:2]) for path in ALL]
    assert numbers == list(range(1, len(ALL) + 1)), [path.name for path in ALL]


@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_committed_clean(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert "widgets" not in notebook.metadata
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: a cell has outputs"
        assert "AMPLIFY_NB_DEMO_PASSWORD\"] =" not in cell.source  # passwords come from the environment


@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_runs_top_to_bottom_against_a_fresh_sandbox(path, tmp_path, fresh_kernel_env):
    executed = execute_notebook(path, tmp_path)  # raises CellExecutionError on any cell error
    everything = json.dumps(executed)
    assert fresh_kernel_env not in everything
    assert "widgets" not in executed.metadata
    assert nbformat.read(path, as_version=4).cells[0].get("outputs", []) == []  # the file was not written


@pytest.mark.timeout(300)
def test_demo_headless_prints_who_signed_in_the_identity_the_expiry_and_the_csv(tmp_path, fresh_kernel_env):
    command = [str(Path(sys.executable).parent / "amplify-nb"), "demo", "--headless"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=280, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "Using the sandbox of `amplify-nb demo`" in out  # the demo's sandbox, not one in the kernel
    assert "signed in as: demo@example.com" in out
    assert "identity id:  us-east-1:" in out and "credentials expire at: " in out
    assert "Tokyo   Japan    37194000" in out and "Mexico City" in out
    assert fresh_kernel_env not in out + done.stderr


@pytest.mark.timeout(300)
def test_the_hosted_ui_notebook_shows_no_code_no_verifier_and_no_token(tmp_path, fresh_kernel_env):
    """10_hosted_ui prints callback addresses and traces: every code, state, verifier and token in them is
    redacted (the sample verifier of the PKCE section is made up in front of the reader)."""
    executed = execute_notebook(NOTEBOOKS / "10_hosted_ui.ipynb", tmp_path)
    shown = "\n".join(json.dumps(cell.get("outputs", [])) for cell in executed.cells)
    assert "code=\\u2026&state=\\u2026" in shown  # the addresses are printed, with the secrets replaced
    assert not re.search(r"[?&](code|state)=(?!\\u2026)", shown)
    assert not re.search(r"eyJ[\w-]{10,}\.eyJ", shown)  # no JWT
    assert re.search(r"code_verifier = <redacted>", shown) and "access_token = <redacted>" in shown
