"""Graded by plain nbgrader: do solutions earn full marks, stubs none, and mistakes lose points?

For each assignment one ``nbgrader autograde`` run grades a whole class made from
the released notebook: the reference solution, the untouched stub, and, for every
graded function, a student holding its first known mistake. That *every* known
mistake loses points and names its cause, pasted into its released notebook and run in
that namespace, is proven in process by tests/test_mutants.py, with the same cases and
judge the grade cells use; what a kernel adds (nbgrader's execution, the grade cells'
scores in the gradebook) is the same for every mistake of a function. The sweep with one
student per known mistake (about 220 kernels) is kept for an occasional run:
``pytest -m exhaustive`` (``make test-exhaustive``).
"""
import nbformat
import pytest

from autograder_instructor.demo import scores
from autograder_instructor.mutants import all_mutants
from autograder_instructor.release import nbgrader
from autograder_instructor.submissions import fill, write
from autograder_instructor.suites import modules

from .conftest import assignments


def one_per_function(mutants):
    """The first known mistake of each function (in the order the mutant modules list them)."""
    first = {}
    for m in mutants:
        first.setdefault(m.func, m)
    return list(first.values())


def _grade_class(course, assignment, mutants):
    module = modules()[assignment]
    released = course / "release" / assignment / module.NOTEBOOK
    source = course / "source" / assignment / module.NOTEBOOK
    students = {"reference": fill(released, source), "stub": nbformat.read(released, as_version=4)}
    for m in mutants:
        students[f"m-{m.name}"] = fill(released, source, {m.func: m.source()})
    if assignment == "01_dense":
        # A student who imports TensorFlow in a cell of their own: its log lines on
        # stderr must not cost a grade cell anything.
        noisy = fill(released, source)
        noisy.cells.insert(3, nbformat.v4.new_code_cell(
            "import os, sys\nos.environ.pop('TF_CPP_MIN_LOG_LEVEL', None)\n"
            "import tensorflow as tf\nprint('noise', file=sys.stderr)"))
        students["reference-tf-noise"] = noisy
    for student, nb in students.items():
        write(nb, course / "submitted" / student / assignment / module.NOTEBOOK)
    nbgrader(course, "autograde", assignment, "--force")
    return scores(course, assignment, module.NOTEBOOK.removesuffix(".ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("sweep", [
    "one mistake per function",
    pytest.param("every known mistake", marks=pytest.mark.exhaustive)])
@pytest.mark.parametrize("assignment", assignments())
def test_nbgrader_grades_solution_stub_and_mistakes(released_copy, tmp_path, assignment, sweep):
    """Full marks for the solution, zero on every grade cell for the stub, and each
    mistake loses the points of its own function's grade cells."""
    module = modules()[assignment]
    funcs = {t.func for t in module.TESTS}
    mutants = [m for m in all_mutants() if m.func in funcs]
    if sweep == "one mistake per function":
        mutants = one_per_function(mutants)
    assert {m.func for m in mutants} == funcs, "a graded function has no known mistake"
    table = _grade_class(released_copy(assignment, tmp_path / "course"), assignment, mutants)
    graded = {t.grade_id for t in module.TESTS}

    ref = table["reference"]
    assert {g for g in ref if g in graded} == graded
    assert all(ref[g][0] == ref[g][1] > 0 for g in graded), f"solution lost points: {ref}"

    for student in ("reference-tf-noise",):
        if student in table:
            assert table[student] == ref, f"{student} lost points: {table[student]}"

    stub = table["stub"]
    assert all(stub[g][0] == 0 for g in graded), f"stub earned points: {stub}"

    for m in mutants:
        row = table[f"m-{m.name}"]
        cells = m.grade_ids or [t.grade_id for t in module.TESTS if t.func == m.func]
        for g in cells:
            assert row[g][0] < row[g][1], f"{m.name} kept the points of {g}"
