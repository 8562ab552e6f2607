"""`import amplify_nb` (and creating an Auth) costs no heavy imports: they come with first use."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["boto3", "botocore", "pycognito", "ipywidgets", "pandas", "IPython", "jwt", "qrcode"]


def _modules_after(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_import_amplify_nb_imports_nothing_heavy():
    loaded = _modules_after("import amplify_nb")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_naming_auth_and_hub_imports_nothing_heavy():
    loaded = _modules_after("import amplify_nb\namplify_nb.Auth, amplify_nb.Hub, amplify_nb.FileStorage")
    assert not loaded & {"boto3", "botocore", "pycognito", "ipywidgets", "pandas", "IPython"}
