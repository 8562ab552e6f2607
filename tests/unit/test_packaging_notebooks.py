"""``amplify-nb notebooks [DIR]``: the teaching notebooks copied to work in, never over a copy the user changed
(unless --force), untouched copies of an older release updated, and every skip said."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from amplify_nb import shipped_notebooks
from amplify_nb.shipped_notebooks import MANIFEST, QUICKSTART, copy_notebooks, notebooks_dir, shipped_files

ROOT = Path(__file__).resolve().parents[2]


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_a_checkout_reads_its_own_notebooks_folder():
    assert notebooks_dir() == ROOT / "notebooks"
    names = [p.name for p in shipped_files()]
    assert QUICKSTART in names and "README.md" in names
    assert names == sorted(p.name for p in (ROOT / "notebooks").glob("*") if p.suffix in (".ipynb", ".md"))


def test_the_build_ships_the_same_files_the_copy_lists():
    """setup.py's build step and shipped_notebooks pick the notebooks' files by the same suffixes."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    suffixes = next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                    and getattr(node.targets[0], "id", "") == "SHIPPED_SUFFIXES")
    assert suffixes == shipped_notebooks._SHIPPED_SUFFIXES


def test_first_copy_copies_every_file_as_shipped(tmp_path):
    report = copy_notebooks(tmp_path / "nb")
    assert report.copied == [p.name for p in shipped_files()] and not report.kept
    for source in shipped_files():
        assert (tmp_path / "nb" / source.name).read_bytes() == source.read_bytes()
    assert report.lines()[0].startswith(f"copied: {len(report.copied)} files (01_quickstart.ipynb, ")


def test_copying_again_changes_nothing(tmp_path):
    copy_notebooks(tmp_path)
    again = copy_notebooks(tmp_path)
    assert again.unchanged == [p.name for p in shipped_files()]
    assert not (again.copied or again.updated or again.kept or again.replaced)


def test_a_changed_copy_is_kept_and_said_unless_forced(tmp_path):
    copy_notebooks(tmp_path)
    mine = tmp_path / QUICKSTART
    notebook = json.loads(mine.read_text())
    notebook["cells"][0]["source"] = ["# My own notes"]
    mine.write_text(json.dumps(notebook))
    report = copy_notebooks(tmp_path)
    assert report.kept == [QUICKSTART] and "My own notes" in mine.read_text()
    assert (f"skipped {QUICKSTART}: your copy differs from the shipped one (kept as it is; --force replaces it)"
            in report.lines())
    forced = copy_notebooks(tmp_path, force=True)
    assert forced.replaced == [QUICKSTART]
    assert mine.read_bytes() == (notebooks_dir() / QUICKSTART).read_bytes()


def test_an_untouched_copy_of_an_older_release_is_updated(tmp_path):
    copy_notebooks(tmp_path)
    older = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'  # as an earlier release wrote it
    (tmp_path / QUICKSTART).write_bytes(older)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    manifest[QUICKSTART] = hashlib.sha256(older).hexdigest()
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    report = copy_notebooks(tmp_path)
    assert report.updated == [QUICKSTART] and not report.kept
    assert (tmp_path / QUICKSTART).read_bytes() == (notebooks_dir() / QUICKSTART).read_bytes()


@pytest.mark.parametrize("manifest", ["not json", "[1, 2]", '{"01_quickstart.ipynb": 5}'])
def test_an_unreadable_manifest_counts_no_copy_as_ours(tmp_path, manifest):
    copy_notebooks(tmp_path)
    (tmp_path / QUICKSTART).write_text("{}")  # changed
    (tmp_path / MANIFEST).write_text(manifest)
    report = copy_notebooks(tmp_path)
    assert report.kept == [QUICKSTART] and (tmp_path / QUICKSTART).read_text() == "{}"


def test_files_of_the_users_own_are_left_alone(tmp_path):
    (tmp_path / "analysis.ipynb").write_text("mine")
    copy_notebooks(tmp_path)
    assert (tmp_path / "analysis.ipynb").read_text() == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_the_command_line_copies_and_says_what_it_skipped(tmp_path):
    target = tmp_path / "course"
    command = [sys.executable, "-m", "amplify_nb.cli", "notebooks", str(target)]
    first = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout
    assert f"the teaching notebooks in {target}" in first and "copied: " in first
    assert _names(target) == [p.name for p in shipped_files()]
    (target / QUICKSTART).write_text("{}")
    second = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout
    assert f"skipped {QUICKSTART}: your copy differs" in second and "already up to date: " in second
    assert (target / QUICKSTART).read_text() == "{}"
    forced = subprocess.run([*command, "--force"], capture_output=True, text=True, check=True, timeout=60).stdout
    assert f"replaced your changed copy (--force): 1 file ({QUICKSTART})" in forced


def test_the_command_line_default_folder(tmp_path):
    subprocess.run([sys.executable, "-m", "amplify_nb.cli", "notebooks"], cwd=tmp_path, capture_output=True,
                   check=True, timeout=60)
    assert (tmp_path / "amplify-nb-notebooks" / QUICKSTART).is_file()
