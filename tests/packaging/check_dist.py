"""The built sdist and wheel hold what users and packagers need (run by .ci/package_check.sh on dist/).

python tests/packaging/check_dist.py DIST_DIR  ->  exit 0, or 1 naming each missing or stray file.
The wheel: the package with py.typed, the widget's form.js/form.css, every teaching notebook of the checkout (as
amplify_nb/notebooks/) and the Jupyter server extension's config (a data file for <prefix>/etc/jupyter); no
tests. The sdist: the package, the tests, the notebooks, the Jupyter config, the build files and the changelog.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER_CONFIG = "jupyter-config/jupyter_server_config.d/amplify_nb.json"


def shipped_notebooks() -> list[str]:
    return sorted(p.name for p in (ROOT / "notebooks").iterdir()
                  if p.is_file() and p.suffix in (".ipynb", ".md") and not p.name.startswith("."))


def wheel_problems(wheel: Path) -> list[str]:
    names = set(zipfile.ZipFile(wheel).namelist())
    data = next((n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(".data")), None)
    wanted = ["amplify_nb/__init__.py", "amplify_nb/py.typed", "amplify_nb/widgets/form.js",
              "amplify_nb/widgets/form.css", "amplify_nb/serverext/__init__.py", "amplify_nb/sandbox/__init__.py",
              *(f"amplify_nb/notebooks/{name}" for name in shipped_notebooks())]
    problems = [f"wheel lacks {name}" for name in wanted if name not in names]
    if data is None or f"{data}/data/etc/jupyter/jupyter_server_config.d/amplify_nb.json" not in names:
        problems.append("wheel lacks the Jupyter server config (<name>.data/data/etc/jupyter/...amplify_nb.json)")
    problems += [f"wheel holds {name}" for name in names if name.startswith(("tests/", "bench/", "notebooks/"))]
    return problems


def sdist_problems(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    wanted = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "CHANGELOG.md", "constraints.txt",
              "amplify_nb/py.typed", "amplify_nb/widgets/form.js", "tests/conftest.py", "tests/unit/__init__.py",
              "tests/integration/conftest.py", SERVER_CONFIG, *(f"notebooks/{name}" for name in shipped_notebooks())]
    problems = [f"sdist lacks {name}" for name in wanted if name not in names]
    problems += [f"sdist holds {name}" for name in names
                 if "node_modules/" in name or "__pycache__" in name or name.endswith(".pyc")]
    return problems


def main(dist: Path) -> int:
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"check_dist: expected one wheel and one sdist in {dist}, found {wheels + sdists}", file=sys.stderr)
        return 1
    problems = wheel_problems(wheels[0]) + sdist_problems(sdists[0])
    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_dist: {wheels[0].name} and {sdists[0].name} hold the package data, notebooks, "
              f"Jupyter config and tests")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
