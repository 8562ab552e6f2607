"""Release hygiene: the version written once, the changelog naming it, gmpy2 only where it has wheels, and the
dist check (tests/packaging/check_dist.py, run by `make package`) failing on an incomplete wheel or sdist."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

import amplify_nb
from tests.packaging import check_dist

try:
    import tomllib
except ImportError:  # Python 3.10: the same parser, as the package tomli (build needs it there)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_version_is_written_once_and_read_by_the_build():
    assert "version" not in PYPROJECT["project"] and "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "amplify_nb.__version__"}
    Version(amplify_nb.__version__)  # a PEP 440 version, or InvalidVersion
    written = [path for path in ROOT.glob("amplify_nb/**/*.py") if "__version__ = " in path.read_text()]
    assert written == [ROOT / "amplify_nb" / "__init__.py"]


def test_the_changelog_has_a_section_for_this_version():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    version = Version(amplify_nb.__version__)
    heading = f"## Unreleased ({version})" if version.is_devrelease else f"## {version}"
    assert heading in changelog.splitlines()
    assert "## 0.1.0" in changelog.splitlines()


def test_the_cli_says_its_version():
    done = subprocess.run([sys.executable, "-m", "amplify_nb.cli", "--version"], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == f"amplify-nb {amplify_nb.__version__}"


def _gmpy2() -> Requirement:
    return next(Requirement(text) for text in PYPROJECT["project"]["dependencies"] if text.startswith("gmpy2"))


@pytest.mark.parametrize(("implementation", "machine", "installs"), [
    ("CPython", "x86_64", True), ("CPython", "aarch64", True), ("CPython", "arm64", True),  # Linux, macOS
    ("CPython", "AMD64", True), ("CPython", "ARM64", True),  # Windows
    ("CPython", "x86", False), ("CPython", "i686", False), ("CPython", "ppc64le", False), ("CPython", "s390x", False),
    ("PyPy", "x86_64", False),
])
def test_gmpy2_is_a_dependency_only_where_it_has_wheels(implementation, machine, installs):
    marker = _gmpy2().marker
    assert isinstance(marker, Marker)
    assert marker.evaluate({"platform_python_implementation": implementation, "platform_machine": machine}) is installs


def test_the_jupyter_server_config_is_a_data_file_of_the_wheel():
    data_files = PYPROJECT["tool"]["setuptools"]["data-files"]
    assert data_files == {"etc/jupyter/jupyter_server_config.d": [check_dist.SERVER_CONFIG]}
    assert (ROOT / check_dist.SERVER_CONFIG).is_file()


# ---- the dist check itself fails where it should ----------------------------------------------------------------
def _wheel(path: Path, skip: str = "") -> Path:
    names = ["amplify_nb/__init__.py", "amplify_nb/py.typed", "amplify_nb/widgets/form.js",
             "amplify_nb/widgets/form.css", "amplify_nb/serverext/__init__.py", "amplify_nb/sandbox/__init__.py",
             *(f"amplify_nb/notebooks/{name}" for name in check_dist.shipped_notebooks()),
             "amplify_nb-1.0.data/data/etc/jupyter/jupyter_server_config.d/amplify_nb.json"]
    with zipfile.ZipFile(path, "w") as wheel:
        for name in names:
            if name != skip:
                wheel.writestr(name, "")
    return path


def _sdist(path: Path, skip: str = "", extra: str = "") -> Path:
    names = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "CHANGELOG.md", "constraints.txt",
             "amplify_nb/py.typed", "amplify_nb/widgets/form.js", "tests/conftest.py", "tests/unit/__init__.py",
             "tests/integration/conftest.py", check_dist.SERVER_CONFIG,
             *(f"notebooks/{name}" for name in check_dist.shipped_notebooks()), *([extra] if extra else [])]
    with tarfile.open(path, "w:gz") as sdist:
        for name in names:
            if name != skip:
                sdist.addfile(tarfile.TarInfo(f"amplify_nb-1.0/{name}"), io.BytesIO(b""))
    return path


def test_a_complete_wheel_and_sdist_pass(tmp_path):
    assert check_dist.wheel_problems(_wheel(tmp_path / "a.whl")) == []
    assert check_dist.sdist_problems(_sdist(tmp_path / "a.tar.gz")) == []


@pytest.mark.parametrize("skip", ["amplify_nb/notebooks/01_quickstart.ipynb", "amplify_nb/py.typed",
                                  "amplify_nb/widgets/form.js",
                                  "amplify_nb-1.0.data/data/etc/jupyter/jupyter_server_config.d/amplify_nb.json"])
def test_a_wheel_without_a_file_users_need_fails(tmp_path, skip):
    problems = check_dist.wheel_problems(_wheel(tmp_path / "a.whl", skip=skip))
    assert len(problems) == 1 and re.match(r"wheel lacks ", problems[0]), problems


@pytest.mark.parametrize(("skip", "extra"), [("tests/conftest.py", ""), ("notebooks/01_quickstart.ipynb", ""),
                                             ("CHANGELOG.md", ""), ("", "tests/browser/amplify_app/node_modules/x.js")])
def test_an_sdist_without_its_tests_and_notebooks_or_with_node_modules_fails(tmp_path, skip, extra):
    problems = check_dist.sdist_problems(_sdist(tmp_path / "a.tar.gz", skip=skip, extra=extra))
    assert len(problems) == 1, problems


def test_the_main_check_needs_one_wheel_and_one_sdist(tmp_path, capsys):
    assert check_dist.main(tmp_path) == 1
    _wheel(tmp_path / "amplify_nb-1.0-py3-none-any.whl", skip="amplify_nb/py.typed")
    _sdist(tmp_path / "amplify_nb-1.0.tar.gz")
    assert check_dist.main(tmp_path) == 1
    assert "wheel lacks amplify_nb/py.typed" in capsys.readouterr().err
