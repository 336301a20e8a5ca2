"""Graded by plain nbgrader: do solutions earn full marks, stubs none, and mistakes lose points,
and does ``rnn-course grade`` give exactly nbgrader's rows?

For each assignment one ``nbgrader autograde`` run grades a class made from the released
notebook: the reference solution, the untouched stub, and two students who between them
hold the first known mistake of every graded function: one has the mistakes of the
first, third, fifth... function, the other of the rest. Each mistake must lose the points
of its own function's grade cells, and every other grade cell of the same student must
keep all its points: one bug costs once, under nbgrader as in our grader.

That *every* known mistake loses points and names its cause, pasted into its released
notebook and run in that namespace, is proven in process by tests/test_mutants.py, with
the same cases and judge the grade cells use; what a kernel adds (nbgrader's execution,
the grade cells' scores in the gradebook) is the same for every mistake of a function.
The sweep with one student per known mistake (about 220 kernels) is kept for an
occasional run: ``pytest -m exhaustive`` (``make test-exhaustive``).

For 01_dense and 03_rnn the same submitted folder is graded a second time by
``rnn-course grade`` in a copy of the course, and the two gradebooks must hold the same
rows: the same auto scores per grade cell, the same cells waiting for a human, the same
comments. Hostile submissions, where the two differ on purpose, are the subject of
test_grading_hostile.py.
"""
import shutil

import nbformat
import pytest

from autograder_instructor.grading.pipeline import run
from autograder_instructor.mutants import all_mutants
from autograder_instructor.release import nbgrader
from autograder_instructor.submissions import fill, write
from autograder_instructor.suites import modules

from .conftest import assignments

# Graded by both graders, and their gradebooks compared row by row.
COMPARED = ("01_dense", "03_rnn")


def one_per_function(mutants):
    """The first known mistake of each function (in the order the mutant modules list them)."""
    first = {}
    for m in mutants:
        first.setdefault(m.func, m)
    return list(first.values())


def callers(module, wrong):
    """The graded functions that call one in ``wrong``, directly or through another, in the
    reference solution or by their checks' design (``Test.calls``): a mistake in a callee
    may cost their cells too, and their feedback names it."""
    from autograder.visible import called_names
    from autograder_instructor.suites._base import reference_namespace
    namespace = reference_namespace(*module.SOLUTIONS)
    uses = {t.func: (called_names(namespace[t.func]) | set(t.calls)) for t in module.TESTS}
    found, grew = set(wrong), True
    while grew:
        more = {f for f, used in uses.items() if used & found} - found
        found |= more
        grew = bool(more)
    return found - set(wrong)


def rows(course, assignment, notebook):
    """{student: {grade_id: (auto score, max score, needs manual grade), "comments": [...]}}
    from a course's gradebook."""
    from nbgrader.api import Gradebook
    table = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in gb.students:
            nb = gb.find_submission_notebook(notebook, assignment, student.id)
            table[student.id] = {g.name: (g.auto_score, g.max_score, g.needs_manual_grade)
                                 for g in nb.grades}
            table[student.id]["comments"] = sorted(
                (c.name, c.auto_comment) for c in nb.comments)
    return table


def written_answer(nb):
    """``nb`` with its written (manually graded) answers given."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
            cell.source = "A per-step output suits tagging; the last state suits classification."
    return nb


def tf_noise(nb):
    """``nb`` with a cell of the student's own that imports TensorFlow, noisily: its log
    lines on stderr must not cost a grade cell anything."""
    nb.cells.insert(3, nbformat.v4.new_code_cell(
        "import os, sys\nos.environ.pop('TF_CPP_MIN_LOG_LEVEL', None)\n"
        "import tensorflow as tf\nprint('noise', file=sys.stderr)"))
    return nb


def make_class(course, assignment, groups):
    """Write the class into ``course/submitted``: {student: notebook}. ``groups`` maps a
    student to the mistakes their notebook holds."""
    module = modules()[assignment]
    released = course / "release" / assignment / module.NOTEBOOK
    source = course / "source" / assignment / module.NOTEBOOK
    students = {"reference": fill(released, source), "stub": nbformat.read(released, as_version=4)}
    for student, group in groups.items():
        students[student] = fill(released, source, {m.func: m.source() for m in group})
    if assignment == "01_dense":
        students["reference-tf-noise"] = tf_noise(fill(released, source))
    if assignment in COMPARED and any(
            c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")
            for c in students["reference"].cells):
        students["reference-written"] = written_answer(fill(released, source))
    for student, nb in students.items():
        write(nb, course / "submitted" / student / assignment / module.NOTEBOOK)
    return students


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignments())
def test_nbgrader_grades_solution_stub_and_mistakes(released_copy, tmp_path, assignment):
    """Full marks for the solution, zero on every grade cell for the stub, each mistake
    loses the points of its own function's grade cells and costs no other cell anything
    (and, where compared, our grader gives the same rows)."""
    module = modules()[assignment]
    funcs = list(dict.fromkeys(t.func for t in module.TESTS))
    mutants = one_per_function(m for m in all_mutants() if m.func in funcs)
    assert {m.func for m in mutants} == set(funcs), "a graded function has no known mistake"
    order = {f: i for i, f in enumerate(funcs)}
    groups = {f"mistakes-{half}": [m for m in mutants if order[m.func] % 2 == parity]
              for parity, half in enumerate("ab")}

    course = released_copy(assignment, tmp_path / "plain")
    if assignment in COMPARED:
        ours = shutil.copytree(course, tmp_path / "ours")
    students = make_class(course, assignment, groups)
    nbgrader(course, "autograde", assignment, "--force")
    name = module.NOTEBOOK.removesuffix(".ipynb")
    table = rows(course, assignment, name)
    assert set(table) == set(students)
    graded = {t.grade_id for t in module.TESTS}
    func_of = {t.grade_id: t.func for t in module.TESTS}

    ref = table["reference"]
    assert {g for g in ref if g in graded} == graded
    assert all(ref[g][0] == ref[g][1] > 0 for g in graded), f"solution lost points: {ref}"
    for student in ("reference-tf-noise",):
        if student in table:
            assert table[student] == ref, f"{student} lost points: {table[student]}"
    stub = table["stub"]
    assert all(stub[g][0] == 0 for g in graded), f"stub earned points: {stub}"

    for student, group in groups.items():
        row = table[student]
        for m in group:
            for g in m.fails(module.TESTS):
                assert row[g][0] < row[g][1], f"{m.name} kept the points of {g}"
        wrong = {m.func for m in group}
        may_lose = wrong | callers(module, wrong)
        for g in graded:
            if func_of[g] not in may_lose:
                assert row[g][0] == row[g][1], \
                    f"{student} ({sorted(wrong)}) cost {g} ({func_of[g]}) points"

    if assignment in COMPARED:
        run(assignment=assignment, submissions=course / "submitted", course=ours, jobs=2,
            quiet=True)
        assert rows(ours, assignment, name) == table
        # Partial credit (the course's setting) is what both gave: some mistake kept a
        # share strictly between nothing and every point.
        mistakes = [v for s, row in table.items() if s.startswith("mistakes-")
                    for k, v in row.items() if k in graded]
        assert any(0 < score < top for score, top, _ in mistakes), table
        if "reference-written" in table:
            # An answered written question waits for a human (no auto score); the same
            # question left as released (the reference student's) gets 0 and waits for
            # nobody, as in nbgrader.
            manual = [k for k, v in table["reference-written"].items()
                      if k != "comments" and v[2]]
            assert manual, "no grade cell waits for manual grading in plain nbgrader"
            assert all(table["reference"][k][0] == 0 and not table["reference"][k][2]
                       for k in manual), table["reference"]


@pytest.mark.slow
@pytest.mark.exhaustive
@pytest.mark.parametrize("assignment", assignments())
def test_nbgrader_grades_every_known_mistake(released_copy, tmp_path, assignment):
    """The occasional sweep: a student per known mistake, each losing the points of its own
    function's grade cells under plain nbgrader."""
    module = modules()[assignment]
    funcs = {t.func for t in module.TESTS}
    mutants = [m for m in all_mutants() if m.func in funcs]
    course = released_copy(assignment, tmp_path / "course")
    released = course / "release" / assignment / module.NOTEBOOK
    source = course / "source" / assignment / module.NOTEBOOK
    for m in mutants:
        write(fill(released, source, {m.func: m.source()}),
              course / "submitted" / f"m-{m.name}" / assignment / module.NOTEBOOK)
    nbgrader(course, "autograde", assignment, "--force")
    table = rows(course, assignment, module.NOTEBOOK.removesuffix(".ipynb"))
    for m in mutants:
        row = table[f"m-{m.name}"]
        for g in m.fails(module.TESTS):
            assert row[g][0] < row[g][1], f"{m.name} kept the points of {g}"
