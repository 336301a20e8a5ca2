"""Are the committed notebooks exactly what the build and the release make, with no outputs?"""
import json

import nbformat
import pytest

from autograder_instructor.build import COURSE, ROOT, build_all, specs
from autograder_instructor.release import release


def test_source_notebooks_match_solutions_and_specs():
    """Would `rnn-course build` change any instructor notebook (solution drift)?"""
    assert build_all(write=False) == [], "run `rnn-course build` and commit the result"


def test_every_spec_has_a_source_notebook():
    for assignment, spec in specs():
        assert (COURSE / "source" / assignment / (spec.stem + ".ipynb")).exists()


@pytest.mark.slow
def test_released_notebooks_match_a_fresh_release(tmp_path):
    """Does a fresh `rnn-course release` reproduce assignments/ byte for byte?"""
    written = release(out=tmp_path)
    assert written
    for path in written:
        committed = ROOT / "assignments" / path.relative_to(tmp_path)
        assert committed.exists(), f"{committed} is not committed"
        assert committed.read_text() == path.read_text(), f"{committed} differs from a fresh release"
    fresh = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    committed = {p.relative_to(ROOT / "assignments") for p in (ROOT / "assignments").rglob("*")
                 if p.is_file()}
    assert committed == fresh, "assignments/ holds files a release does not make (or misses some)"


# Grading fixtures that are broken on purpose: they are not notebooks at all.
NOT_NOTEBOOKS = {"malformed-json.ipynb", "not-a-notebook.ipynb"}


def _all_notebooks():
    return sorted(p for p in ROOT.rglob("*.ipynb")
                  if ".venv" not in p.parts and ".ipynb_checkpoints" not in p.parts
                  and p.name not in NOT_NOTEBOOKS
                  and not any(part in {"release", "submitted", "autograded", "feedback"}
                              for part in p.relative_to(ROOT).parts[:2]))


@pytest.mark.parametrize("path", _all_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_are_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    # nbformat 3 (a grading fixture) keeps its cells in worksheets and counts in prompt_number.
    cells = nb["cells"] if "cells" in nb else [c for ws in nb["worksheets"] for c in ws["cells"]]
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell.get("execution_count",
                                                      cell.get("prompt_number")) is None, \
                f"{path.name}: a cell has outputs"


def test_released_notebooks_carry_no_answers():
    """Do released notebooks hold no solution text and no hidden test?"""
    for path in (ROOT / "assignments").rglob("*.ipynb"):
        text = path.read_text()
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "autograder_instructor.hidden", "solutions."):
            assert marker not in text, f"{path}: contains {marker!r}"
        nb = nbformat.read(path, as_version=4)
        solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
                     and c.cell_type == "code"]
        assert solutions and all("raise NotImplementedError()" in c.source for c in solutions)


def _is_answer_cell(cell):
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution")


@pytest.mark.parametrize("path", sorted((ROOT / "assignments").rglob("*.ipynb")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_written_answer_is_preceded_by_its_question(path):
    """Does a student see the question right above every cell where they write an answer
    (nbgrader replaces the answer cell's own text with "YOUR ANSWER HERE")?"""
    cells = nbformat.read(path, as_version=4).cells
    for i, cell in enumerate(cells):
        if not _is_answer_cell(cell):
            continue
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        before = cells[i - 1] if i else None
        assert before is not None and before.cell_type == "markdown" \
            and not _is_answer_cell(before) and "Question" in before.source, \
            f"{path.name}: the answer cell {grade_id} has no question in the cell before it"
        points = cell.metadata["nbgrader"]["points"]
        assert f"{points:g} point" in before.source, \
            f"{path.name}: the question before {grade_id} does not say it is worth {points:g} points"


def test_every_conventions_cell_names_the_caches_its_notebook_fills():
    """Does the conventions cell of each notebook name every provided cache its solution
    cells use (07 and 08 used to list only the four caches of 01-05)?"""
    from autograder.caches import CACHE_TYPES
    for path in sorted((ROOT / "assignments").rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        conventions = [c.source for c in nb.cells if c.source.startswith("### Conventions")]
        if not conventions:
            continue
        source = COURSE / "source" / path.parent.name / path.name
        used = {name for c in nbformat.read(source, as_version=4).cells
                if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
                for name in CACHE_TYPES if f"{name}(" in c.source}
        missing = sorted(n for n in used if f"`{n}`" not in conventions[0])
        assert not missing, f"{path.name}: the conventions cell does not name {missing}"
