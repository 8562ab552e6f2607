"""Every teaching notebook has the course's shape, and its exercises can be checked by the reader.

The shape: a "What you will learn" section near the top, "Takeaways", then "Exercises": two or three, each an
exercise cell (tag ``exercise``) the reader changes, a check cell (tag ``check``) that prints a line starting
``not yet:`` on the unchanged cell and one starting ``PASS:`` once it is solved, and the solution in a collapsed
markdown cell (tag ``solution``, ``"jupyter": {"source_hidden": true}``) holding one Python block. The check never
raises, so the unattended run of the whole notebook (test_notebooks.py) goes through with the exercises unsolved.

The exercises are proved with a small notebook made of the cells tagged ``setup`` (what the exercises need),
the Exercises section as it is (each check must say "not yet"), then each solution followed by its check again
(each must say "PASS"), then the cells tagged ``cleanup``: one kernel, a fraction of the whole notebook's time.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from amplify_nb.demo import execute_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
SECTIONS = ("What you will learn", "Takeaways", "Exercises")
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def tagged(cell, tag):
    return tag in cell.metadata.get("tags", [])


def headings(notebook):
    """The level-2 headings of the markdown cells, in order."""
    return [line[3:].strip() for cell in notebook.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("## ")]


def exercise_parts(notebook):
    exercises = [c for c in notebook.cells if tagged(c, "exercise")]
    checks = [c for c in notebook.cells if tagged(c, "check")]
    solutions = [c for c in notebook.cells if tagged(c, "solution")]
    return exercises, checks, solutions


def solution_code(cell):
    blocks = PYTHON_BLOCK.findall(cell.source)
    assert len(blocks) == 1, f"a solution cell holds one ```python block: {cell.source[:80]!r}"
    return blocks[0]


def printed(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def says(text, verdict):
    """Whether a check's output has a line starting with the verdict ("PASS:" or "not yet:")."""
    return re.search(rf"^{verdict}:", text, re.M) is not None


@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_every_notebook_has_objectives_takeaways_and_exercises_in_that_order(path):
    notebook = nbformat.read(path, as_version=4)
    found = headings(notebook)
    positions = [found.index(name) if name in found else None for name in SECTIONS]
    missing = [name for name, position in zip(SECTIONS, positions, strict=True) if position is None]
    assert not missing, f"{path.name}: missing {missing}"
    assert positions == sorted(positions), f"{path.name}: sections out of order: {found}"
    first_cells = "\n".join(cell.source for cell in notebook.cells[:2])
    assert "## What you will learn" in first_cells, f"{path.name}: the objectives are not at the top"


@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_two_or_three_exercises_each_with_a_check_and_a_collapsed_solution(path):
    notebook = nbformat.read(path, as_version=4)
    exercises, checks, solutions = exercise_parts(notebook)
    assert 2 <= len(exercises) <= 3, f"{path.name}: {len(exercises)} exercises"
    assert len(checks) == len(solutions) == len(exercises), path.name
    start = next(i for i, c in enumerate(notebook.cells) if "## Exercises" in c.source)
    for cell in (*exercises, *checks, *solutions):
        assert notebook.cells.index(cell) > start, f"{path.name}: an exercise cell before the Exercises heading"
    for exercise, check, solution in zip(exercises, checks, solutions, strict=True):
        assert exercise.cell_type == check.cell_type == "code" and solution.cell_type == "markdown"
        order = [notebook.cells.index(c) for c in (exercise, check, solution)]
        assert order == sorted(order), f"{path.name}: exercise, check, solution out of order"
        assert solution.metadata.get("jupyter", {}).get("source_hidden") is True, f"{path.name}: solution shown"
        assert "PASS:" in check.source and "not yet:" in check.source, f"{path.name}: a check says neither"
        solution_code(solution)
    assert any(tagged(c, "setup") for c in notebook.cells) and tagged(notebook.cells[-1], "cleanup"), path.name


def exercise_notebook(notebook):
    """setup cells + the Exercises section (unsolved) + each solution and its check again + cleanup."""
    start = next(i for i, c in enumerate(notebook.cells) if "## Exercises" in c.source)
    cells = [c for c in notebook.cells[:start] if tagged(c, "setup")]
    section = [c for c in notebook.cells[start:] if c.cell_type == "code" and not tagged(c, "cleanup")]
    _, checks, solutions = exercise_parts(notebook)
    solved = []
    for check, solution in zip(checks, solutions, strict=True):
        solved += [nbformat.v4.new_code_cell(solution_code(solution)), nbformat.v4.new_code_cell(check.source)]
    cleanup = [c for c in notebook.cells if tagged(c, "cleanup")]
    reduced = nbformat.v4.new_notebook(metadata=notebook.metadata)
    reduced.cells = [nbformat.v4.new_code_cell(c.source, metadata=c.metadata) for c in cells + section] + solved \
        + [nbformat.v4.new_code_cell(c.source) for c in cleanup]
    unsolved_checks = [i for i, c in enumerate(cells + section) if tagged(c, "check")]
    solved_checks = [len(cells + section) + 2 * n + 1 for n in range(len(solutions))]
    return reduced, unsolved_checks, solved_checks


@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_each_check_says_not_yet_on_the_unchanged_exercise_and_pass_on_its_solution(path, tmp_path, fresh_kernel_env):
    reduced, unsolved, solved = exercise_notebook(nbformat.read(path, as_version=4))
    assert unsolved and len(unsolved) == len(solved)
    file = tmp_path / f"exercises_{path.name}"
    nbformat.write(reduced, file)
    executed = execute_notebook(file, tmp_path)
    for number, (before, after) in enumerate(zip(unsolved, solved, strict=True), 1):
        said_before, said_after = printed(executed.cells[before]), printed(executed.cells[after])
        assert says(said_before, "not yet") and not says(said_before, "PASS"), f"exercise {number}: {said_before!r}"
        assert says(said_after, "PASS") and not says(said_after, "not yet"), f"exercise {number} solved: {said_after!r}"
    assert fresh_kernel_env not in str(executed)
