"""A missing extra is one line naming it (``pip install 'amplify-nb[sandbox]'``): a MissingExtraError from the
Python API, a clean message and exit 1 from the CLI, never a raw ModuleNotFoundError. Missing modules are
simulated in a fresh interpreter (``sys.modules[name] = None``, or a meta-path finder that refuses the name), so
this process's imports are untouched. And the extras' module lists agree with pyproject.toml."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import amplify_nb
from amplify_nb.errors import AmplifyNbError, MissingExtraError
from amplify_nb.extras import EXTRAS, missing, needs_extra, require

try:
    import tomllib
except ImportError:  # Python 3.10: the same parser, as the package tomli (build needs it there)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

# A meta-path finder placed first: the named top-level modules (and their submodules) cannot be found.
BLOCKER = """
import sys
from importlib.abc import MetaPathFinder

class Block(MetaPathFinder):
    def __init__(self, names):
        self.names = set(names)
    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None

sys.meta_path.insert(0, Block(BLOCKED))
"""


def _run(code: str, blocked: tuple[str, ...] = (), none: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    prelude = f"BLOCKED = {list(blocked)!r}\n{BLOCKER}\n" + "".join(f"sys.modules[{n!r}] = None\n" for n in none)
    return subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=False)


def _one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "ModuleNotFoundError" not in done.stderr
    return lines[0]


# ---- the Python API -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["none", "finder"])
def test_importing_the_sandbox_without_its_extra_is_a_missing_extra_error(how):
    code = ("from amplify_nb.errors import MissingExtraError\n"
            "try:\n    import amplify_nb.sandbox\n"
            "except MissingExtraError as exc:\n"
            "    print(exc.extra, exc.name, isinstance(exc, ImportError))\n    print(exc)\n")
    done = _run(code, **({"none": ("cheroot",)} if how == "none" else {"blocked": ("cheroot",)}))
    assert done.returncode == 0, done.stderr
    first, message = done.stdout.splitlines()
    assert first == "sandbox cheroot True"
    assert message == ("The local sandbox (amplify_nb.sandbox) needs the 'sandbox' extra (cheroot is not installed): "
                       "pip install 'amplify-nb[sandbox]'")


def test_the_sandbox_imports_when_its_extra_is_there():
    done = _run("import amplify_nb.sandbox; print('ok')")
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_dask_plugin_without_distributed_names_the_dask_extra():
    code = ("import amplify_nb\nfrom amplify_nb.core.storage import MemoryStorage\n"
            "auth = amplify_nb.Auth({'auth': {'aws_region': 'us-east-1', 'user_pool_id': 'us-east-1_Abc1',"
            " 'user_pool_client_id': 'c'}}, name='x', storage=MemoryStorage())\n"
            "auth.dask_plugin()\n")
    done = _run(code, blocked=("distributed",))
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last == ("amplify_nb.errors.MissingExtraError: auth.dask_plugin() needs the 'dask' extra (distributed is "
                    "not installed): pip install 'amplify-nb[dask]'"), done.stderr
    assert "During handling" not in done.stderr  # the ModuleNotFoundError is not chained into the traceback


def test_running_a_notebook_without_the_demo_extra_names_it():
    done = _run("from amplify_nb.demo import execute_notebook\nexecute_notebook(None, None)\n", none=("nbclient",))
    assert "MissingExtraError: Running a notebook (amplify_nb.demo) needs the 'demo' extra (nbclient is not " \
           "installed): pip install 'amplify-nb[demo]'" in done.stderr, done.stderr


def test_require_and_missing_name_the_first_absent_module(monkeypatch):
    assert missing("demo") is None
    require("demo", "the demo")  # everything is installed here: no error
    monkeypatch.setitem(sys.modules, "pyotp", None)
    assert missing("demo") == "pyotp"
    with pytest.raises(MissingExtraError) as raised:
        require("demo", "The demo")
    assert isinstance(raised.value, AmplifyNbError) and isinstance(raised.value, ImportError)
    assert (raised.value.extra, raised.value.name, raised.value.feature) == ("demo", "pyotp", "The demo")


def test_needs_extra_turns_only_the_extras_own_modules_into_missing_extra_errors(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'amplify-nb\[dask\]'"), needs_extra("dask", "x"):
        import distributed.diagnostics  # noqa: F401
    # Something else missing (a broken install of another package) is not blamed on the extra.
    with pytest.raises(ModuleNotFoundError) as raised, needs_extra("dask", "x"):
        import amplify_nb_no_such_module  # noqa: F401
    assert type(raised.value) is ModuleNotFoundError


# ---- the CLI ----------------------------------------------------------------------------------------------------
CLI = "import sys\nfrom amplify_nb.cli import main\nsys.exit(main({argv!r}))\n"


SANDBOX, DEMO = "The local sandbox (amplify_nb.sandbox)", "amplify-nb demo"


@pytest.mark.parametrize(("argv", "module", "extra", "feature"), [
    (["sandbox"], "moto", "sandbox", SANDBOX),
    (["sandbox", "--sign-in-policy", "PASSWORD,EMAIL_OTP"], "moto", "sandbox", SANDBOX),  # its check reads it
    (["demo", "--headless"], "nbclient", "demo", DEMO),
    (["demo"], "jupyterlab", "demo", DEMO),
    (["demo", "--headless"], "moto", "demo", DEMO),  # the demo extra brings the sandbox: that is what to install
])
def test_cli_without_an_extra_prints_one_line_naming_it_and_exits_1(argv, module, extra, feature):
    done = _run(CLI.format(argv=argv), blocked=(module,))
    assert done.returncode == 1
    assert _one_error_line(done) == (f"amplify-nb {argv[0]}: error: {feature} needs the '{extra}' extra ({module} "
                                     f"is not installed): pip install 'amplify-nb[{extra}]'")
    assert done.stdout == ""


def test_cli_commands_of_the_plain_install_run_without_any_extra(tmp_path):
    blocked = tuple(sorted({m for modules in EXTRAS.values() for m in modules}))
    done = _run(CLI.format(argv=["notebooks", str(tmp_path / "nb")]), blocked=blocked)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "nb" / "01_quickstart.ipynb").is_file()
    version = _run(CLI.format(argv=["--version"]), blocked=blocked)
    assert version.returncode == 0 and version.stdout.strip() == f"amplify-nb {amplify_nb.__version__}"


# ---- the extras agree with pyproject.toml -----------------------------------------------------------------------
def _top_level_modules(distribution: str) -> set[str]:
    dist = importlib.metadata.distribution(distribution)
    top = dist.read_text("top_level.txt")
    if top:
        return set(top.split())
    return {Path(str(f)).parts[0].removesuffix(".py") for f in dist.files or ()
            if not Path(str(f)).parts[0].endswith((".dist-info", ".data")) and Path(str(f)).parts[0] != ".."}


def _requirements(extra: str) -> list[Requirement]:
    """The extra's requirements, through the extras it names of amplify-nb itself."""
    found: list[Requirement] = []
    for text in PROJECT["optional-dependencies"][extra]:
        requirement = Requirement(text)
        if requirement.name == "amplify-nb":
            for inner in sorted(requirement.extras):
                found += _requirements(inner)
        else:
            found.append(requirement)
    return found


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_each_extras_modules_are_what_its_requirements_install(extra):
    provided = {r.name: _top_level_modules(r.name) for r in _requirements(extra)}
    for name, modules in provided.items():
        assert modules & set(EXTRAS[extra]), f"{extra}: {name} provides {modules}, none checked by extras.EXTRAS"
    every = set().union(*provided.values())
    assert set(EXTRAS[extra]) <= every, f"{extra}: {set(EXTRAS[extra]) - every} come from no requirement of it"


def test_the_extras_are_the_designed_ones_and_the_base_install_has_the_rest():
    assert set(PROJECT["optional-dependencies"]) == {"sandbox", "demo", "wrangler", "dask", "test"}
    base = {Requirement(text).name.lower() for text in PROJECT["dependencies"]}
    assert {"ipywidgets", "anywidget", "boto3", "pycognito", "qrcode", "traitlets", "pandas", "s3fs", "ipython",
            "gmpy2"} <= base
    assert "aiobotocore" in base  # named beside s3fs, or pip's resolver ends in a dead end (see pyproject.toml)
    for extra in EXTRAS:
        assert not {r.name.lower() for r in _requirements(extra)} & base, extra
