"""The magics outside the test process: `%load_ext amplify_nb` in a fresh interpreter imports nothing heavy (nor
does asking every magic for its help, `%auth_signin?`), and a notebook executed by nbclient (no one at the
keyboard) signs in with --password-env and reads S3."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from amplify_nb.sandbox import Sandbox

HEAVY = ("boto3", "botocore", "pycognito", "ipywidgets", "pandas")
KERNEL = "amplify-nb-test-python"

LOAD_EXT = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
assert shell.run_cell("%load_ext amplify_nb").success
loaded = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
magics = sorted(m for m in shell.magics_manager.magics["line"] if m.startswith("auth"))
for magic in magics:
    assert shell.run_cell(f"%{magic}?").success
print(json.dumps({"loaded": loaded, "magics": magics,
                  "loaded_by_help": sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)}))
"""


def test_load_ext_and_every_magics_help_import_none_of_the_heavy_packages(tmp_path):
    env = {**os.environ, "IPYTHONDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{LOAD_EXT}"], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["loaded"] == [] and seen["loaded_by_help"] == []
    assert {"auth_configure", "auth_signin", "auth_credentials", "auth_session", "auth_trace"} <= set(seen["magics"])


@pytest.fixture
def kernel_dir(tmp_path, monkeypatch):
    """A kernelspec that runs this venv's interpreter, found first through JUPYTER_PATH."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "amplify_nb tests", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    return tmp_path


def test_notebook_signs_in_from_the_environment_and_reads_s3(kernel_dir):
    with Sandbox() as sb:
        outputs = sb.write_config(kernel_dir / "amplify_outputs.json")
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(source) for source in (
            "%load_ext amplify_nb\nimport sys\nprint(sys.executable)",
            f"%auth_configure {outputs}",
            f"%auth_signin {sb.demo_username} --password-env AMPLIFY_NB_NOTEBOOK_PASSWORD",
            "%auth_credentials",
            "import io\nimport pandas as pd\n"
            f"body = aws_session.client('s3').get_object(Bucket='{sb.bucket}', Key='public/sample.csv')['Body']\n"
            "frame = pd.read_csv(io.BytesIO(body.read()))\nprint(len(frame), list(frame.columns))",
            "import amplify_nb\n"
            f"via_s3fs = pd.read_csv('s3://{sb.bucket}/public/sample.csv', "
            "storage_options=amplify_nb.get_session().storage_options())\nprint(via_s3fs.equals(frame))",
            "%auth_session",
        )]
        client = NotebookClient(nb, kernel_name=KERNEL, timeout=60, store_widget_state=False,
                                resources={"metadata": {"path": str(kernel_dir)}})
        # The password reaches the kernel only through its environment, never a cell.
        client.execute(env={**os.environ, "AMPLIFY_NB_NOTEBOOK_PASSWORD": sb.demo_password})

    text = ["".join(output.get("text") or json.dumps(output.get("data", {})) for output in cell.outputs)
            for cell in nb.cells]
    assert text[0].strip() == sys.executable
    assert f"Signed in as {sb.demo_username}" in text[2]
    assert "boto3 Session with signed-in credentials" in text[3]
    assert text[4].split("[")[1].startswith("'city', 'country', 'population'") and text[4].split()[0] != "0"
    assert text[5].strip() == "True"
    assert "email" in text[6] and "claim" in text[6]
    saved = nbformat.writes(nb)
    assert sb.demo_password not in saved and "AMPLIFY_NB_NOTEBOOK_PASSWORD" in saved
    assert all(output.get("output_type") != "error" for cell in nb.cells for output in cell.get("outputs", []))
