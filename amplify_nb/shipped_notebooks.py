"""The teaching notebooks that come with amplify_nb, and ``amplify-nb notebooks [DIR]``: a copy to work in.

An installed wheel carries them as package data (amplify_nb/notebooks/, put there by the build from the
checkout's notebooks/: see setup.py); a checkout (an editable install) reads its notebooks/ directly, so an
edit there shows at once.

Copying never replaces a notebook the user has changed (run, edited, saved with outputs): a file is
replaced only when it is byte-for-byte what an earlier copy wrote (its SHA-256 is kept in a small manifest
beside the copies), so upgrading amplify-nb and copying again updates the untouched ones and says which
were kept; ``force=True`` replaces those too.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MANIFEST", "QUICKSTART", "CopyReport", "copy_notebooks", "notebooks_dir", "shipped_files"]

QUICKSTART = "01_quickstart.ipynb"
MANIFEST = ".amplify-nb-notebooks.json"  # what was copied, by SHA-256 (a dot-file: Jupyter does not list it)
_SHIPPED_SUFFIXES = (".ipynb", ".md")


def notebooks_dir() -> Path:
    """The folder of the teaching notebooks: the checkout's notebooks/, else the installed package's copy."""
    checkout = Path(__file__).resolve().parents[1] / "notebooks"
    packaged = Path(str(importlib.resources.files("amplify_nb") / "notebooks"))
    for candidate in (checkout, packaged):
        if (candidate / QUICKSTART).is_file():
            return candidate
    raise FileNotFoundError(f"The teaching notebooks are not in this installation of amplify_nb (looked in "
                            f"{checkout} and {packaged}): reinstall it, e.g. pip install --force-reinstall amplify-nb")


def shipped_files() -> list[Path]:
    """The notebooks and their README, in order."""
    return sorted(path for path in notebooks_dir().iterdir()
                  if path.is_file() and path.suffix in _SHIPPED_SUFFIXES and not path.name.startswith("."))


@dataclass
class CopyReport:
    """File names by what happened to them; ``kept`` are the user's changed copies left as they were."""

    target: Path
    copied: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # the user's changed copies, overwritten with force=True
    kept: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the command line prints: one line per kind of outcome, one per kept file."""
        out = []
        for verb, names in (("copied", self.copied), ("updated", self.updated), ("already up to date", self.unchanged),
                            ("replaced your changed copy (--force)", self.replaced)):
            if names:
                out.append(f"{verb}: {len(names)} file{'s' if len(names) != 1 else ''} ({', '.join(names)})")
        out += [f"skipped {name}: your copy differs from the shipped one (kept as it is; --force replaces it)"
                for name in self.kept]
        return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):  # none yet, or unreadable: then no copy counts as ours
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a notebook open in Jupyter never sees half a file."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def copy_notebooks(target: Path, *, force: bool = False) -> CopyReport:
    """Copy the teaching notebooks into ``target`` (made if missing); see the module's docstring."""
    target.mkdir(parents=True, exist_ok=True)
    manifest_path = target / MANIFEST
    manifest = _read_manifest(manifest_path)
    report = CopyReport(target)
    for source in shipped_files():
        name, data = source.name, source.read_bytes()
        dest, shipped = target / name, _sha256(data)
        if not dest.exists():
            _write(dest, data)
            report.copied.append(name)
        else:
            current = _sha256(dest.read_bytes())
            if current == shipped:
                report.unchanged.append(name)
            elif manifest.get(name) == current:  # ours, untouched since: an older shipped version
                _write(dest, data)
                report.updated.append(name)
            elif force:
                _write(dest, data)
                report.replaced.append(name)
            else:
                report.kept.append(name)
                continue
        manifest[name] = shipped
    _write(manifest_path, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
    return report
