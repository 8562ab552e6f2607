"""Run inside a clean virtualenv holding only the built wheel (``pip install amplify-nb``, no extra), by
.ci/package_check.sh: what a plain install must give, and what it must say about the extras it lacks.

python smoke_base.py WORKDIR  ->  exit 0, or an AssertionError naming what failed.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

WORK = Path(sys.argv[1])
BIN = Path(sys.executable).parent
CONFIG = {"auth": {"aws_region": "us-east-1", "user_pool_id": "us-east-1_Smoke1", "user_pool_client_id": "smoke"}}


def installed_not_checkout() -> None:
    import amplify_nb

    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert Path(amplify_nb.__file__).resolve().is_relative_to(site), f"amplify_nb from {amplify_nb.__file__}"
    assert amplify_nb.__version__ == importlib.metadata.version("amplify-nb"), amplify_nb.__version__
    print(f"amplify_nb {amplify_nb.__version__} from {site}")


def light_import_then_load_ext() -> None:
    probe = ("import sys, amplify_nb\n"
             "from IPython.core.interactiveshell import InteractiveShell\n"
             "shell = InteractiveShell.instance()\n"
             "shell.run_line_magic('load_ext', 'amplify_nb')\n"
             "assert 'auth_signin' in shell.magics_manager.magics['line']\n"
             "print(sorted({'boto3', 'pycognito', 'ipywidgets', 'pandas'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=WORK, check=False,
                          env={**os.environ, "IPYTHONDIR": str(WORK / "ipython")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", f"%load_ext imported {done.stdout}"
    print("%load_ext amplify_nb: magics registered, none of boto3/pycognito/ipywidgets/pandas imported")


def base_features() -> None:
    import pandas  # noqa: F401  (the base install reads S3 with pandas/s3fs)
    import s3fs  # noqa: F401

    import amplify_nb
    from amplify_nb.core.storage import MemoryStorage
    from amplify_nb.widgets import Authenticator

    auth = amplify_nb.Auth(CONFIG, name="smoke", storage=MemoryStorage())
    widget = Authenticator(auth=auth)
    assert widget.auth_state == "signIn", widget.auth_state
    print("base install: the Authenticator builds, pandas and s3fs import")


def missing_extras() -> None:
    import amplify_nb
    from amplify_nb.core.storage import MemoryStorage
    from amplify_nb.errors import AmplifyNbError, MissingExtraError

    try:
        import amplify_nb.sandbox
    except MissingExtraError as exc:
        assert exc.extra == "sandbox" and isinstance(exc, ImportError) and isinstance(exc, AmplifyNbError)
        assert "pip install 'amplify-nb[sandbox]'" in str(exc), exc
    else:
        raise AssertionError("amplify_nb.sandbox imported without the sandbox extra")
    auth = amplify_nb.Auth(CONFIG, name="smoke", storage=MemoryStorage())
    try:
        auth.dask_plugin()
    except MissingExtraError as exc:
        assert exc.extra == "dask" and "pip install 'amplify-nb[dask]'" in str(exc), exc
    else:
        raise AssertionError("auth.dask_plugin() ran without the dask extra")
    for command, extra in ((["sandbox"], "sandbox"), (["demo", "--headless"], "demo")):
        done = subprocess.run([str(BIN / "amplify-nb"), *command], capture_output=True, text=True, cwd=WORK,
                              timeout=60, check=False)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 1 and len(lines) == 1, (done.returncode, done.stderr)
        assert lines[0].startswith(f"amplify-nb {command[0]}: error: ") and \
            f"pip install 'amplify-nb[{extra}]'" in lines[0], lines[0]
        print(f"amplify-nb {' '.join(command)} without its extra: {lines[0]}")


def notebooks_command() -> None:
    target = WORK / "my-notebooks"
    cli = [str(BIN / "amplify-nb"), "notebooks", str(target)]
    first = subprocess.run(cli, capture_output=True, text=True, cwd=WORK, timeout=60, check=True).stdout
    copied = sorted(p.name for p in target.iterdir() if not p.name.startswith("."))
    assert "01_quickstart.ipynb" in copied and "README.md" in copied, copied
    json.loads((target / "01_quickstart.ipynb").read_text())
    changed = target / "01_quickstart.ipynb"
    notebook = json.loads(changed.read_text())
    notebook["cells"][0]["source"] = ["# My own notes"]
    changed.write_text(json.dumps(notebook))
    again = subprocess.run(cli, capture_output=True, text=True, cwd=WORK, timeout=60, check=True).stdout
    assert "skipped 01_quickstart.ipynb" in again and "My own notes" in changed.read_text(), again
    subprocess.run([*cli, "--force"], capture_output=True, text=True, cwd=WORK, timeout=60, check=True)
    assert "My own notes" not in changed.read_text()
    print(f"amplify-nb notebooks: {len(copied)} files copied; a changed copy kept, then replaced with --force\n"
          + first.rstrip())


def server_extension_config() -> None:
    config = Path(sys.prefix) / "etc/jupyter/jupyter_server_config.d/amplify_nb.json"
    assert json.loads(config.read_text())["ServerApp"]["jpserver_extensions"] == {"amplify_nb.serverext": True}
    print(f"the Jupyter server extension's config is installed: {config}")


if __name__ == "__main__":
    installed_not_checkout()
    light_import_then_load_ext()
    base_features()
    missing_extras()
    notebooks_command()
    server_extension_config()
    print("smoke (base install): passed")
