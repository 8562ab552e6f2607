"""The build's one step beyond pyproject.toml (where everything else is declared).

The teaching notebooks live at the top of the checkout, in notebooks/, where readers and the tests find them.
The wheel carries them inside the package, as amplify_nb/notebooks/ (package data: importlib.resources reads
them, `amplify-nb notebooks` copies them, `amplify-nb demo` serves them). An editable install skips this: it
reads the checkout's notebooks/ directly (amplify_nb.shipped_notebooks.notebooks_dir).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
SHIPPED_SUFFIXES = (".ipynb", ".md")  # as amplify_nb.shipped_notebooks lists them


class BuildPyWithNotebooks(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "amplify_nb" / "notebooks"
        self.mkpath(str(target))
        for path in sorted(NOTEBOOKS.iterdir()):
            if path.is_file() and path.suffix in SHIPPED_SUFFIXES and not path.name.startswith("."):
                self.copy_file(str(path), str(target / path.name))


setup(cmdclass={"build_py": BuildPyWithNotebooks})
