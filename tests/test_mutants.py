"""Does every realistic wrong implementation lose points, for the right reason?

Each mutant is pasted into its released notebook in place of the reference, exactly as
a student's code would be (``autograder.submissions.fill``); the notebook's locked setup
cells and its solution cells then run in order, as in the kernel that runs the grade
cells. The grade cells of its function must fail there, and not with a NameError (a
mutant that only fails because it cannot run in the notebook proves nothing). This is
the in-process half of tests/test_nbgrader_grading.py, which sends one mistake per
function through plain nbgrader.
"""
from functools import lru_cache

import numpy as np
import pytest

from autograder.build import COURSE
from autograder.cases import judge, run_probe
from autograder.mutants import all_mutants
from autograder.release import ASSIGNMENTS
from autograder.submissions import fill
from autograder.suites import all_tests, modules

MUTANTS = all_mutants()
TESTS = all_tests()


def _module_of(func):
    for module in modules().values():
        if any(t.func == func for t in module.TESTS):
            return module
    raise KeyError(func)


def _runs_before_grading(cell):
    """A solution cell or a locked setup cell: what every grade cell's kernel has run."""
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and (
        meta.get("solution") or (meta.get("locked") and not meta.get("grade")))


def notebook_namespace(module, mutant):
    """The namespace of the released notebook answered with the reference, except for
    ``mutant`` pasted in place of its function's definition."""
    released = ASSIGNMENTS / module.ASSIGNMENT / module.NOTEBOOK
    nb = fill(released, COURSE / "source" / module.ASSIGNMENT / module.NOTEBOOK,
              {mutant.func: mutant.source()})
    ns = {"__name__": "__main__"}
    with np.printoptions():  # a setup cell sets print options: not for the other tests
        for number, cell in enumerate(nb.cells):
            if _runs_before_grading(cell):
                exec(compile(cell.source, f"<cell {number}>", "exec"), ns)
    assert mutant.func in ns, f"{mutant.name}: the notebook does not define {mutant.func}"
    return ns


@lru_cache(maxsize=None)
def hidden_cases(grade_id):
    """A grade cell's hidden cases, built once per test process (they are deterministic, and
    building them runs every known mistake on every case for the hints). Their inputs and
    expected outputs become read-only copies: probes copy what they pass a mutant, and one
    that did not would fail loudly here rather than change the cases the next mutant sees."""
    cases = TESTS[grade_id].hidden()
    for case in cases:
        case.arrays = {k: _read_only(v) for k, v in case.arrays.items()}
        case.expected = {k: _read_only(v) for k, v in case.expected.items()}
    return tuple(cases)


def _read_only(value):
    if not isinstance(value, np.ndarray):
        return value
    value = value.copy()
    value.flags.writeable = False
    return value


@lru_cache(maxsize=None)
def outcomes_of(mutant):
    """{grade_id: [Outcome per hidden case]} for the grade cells ``mutant`` must fail."""
    module = _module_of(mutant.func)
    ns = notebook_namespace(module, mutant)
    grade_ids = mutant.grade_ids or [t.grade_id for t in module.TESTS if t.func == mutant.func]
    return {g: [judge(c, run_probe(c, ns)) for c in hidden_cases(g)] for g in grade_ids}


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_loses_points_in_its_grade_cells(mutant):
    """Does this known mistake, pasted into its notebook, fail every grade cell of its
    function?"""
    by_cell = outcomes_of(mutant)
    assert by_cell
    for grade_id, outcomes in by_cell.items():
        failed = [o for o in outcomes if not o.passed]
        assert failed, f"{mutant.name} passes {grade_id}"
        messages = " ".join(o.message for o in failed)
        assert "NameError" not in messages, f"{mutant.name} cannot run in a notebook: {messages}"


def test_every_graded_function_has_three_mutants():
    """Does every graded function have at least three realistic wrong implementations?"""
    counts = {}
    for m in MUTANTS:
        counts[m.func] = counts.get(m.func, 0) + 1
    funcs = {t.func for t in TESTS.values()}
    short = {f: counts.get(f, 0) for f in funcs if counts.get(f, 0) < 3}
    assert not short, f"fewer than three mutants: {short}"


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_is_named_in_a_hint(mutant):
    """When a student makes exactly this mistake, does some failed case name its cause?"""
    text = " ".join(o.message for outcomes in outcomes_of(mutant).values() for o in outcomes)
    assert mutant.cause in text or "raised an error" in text, \
        f"{mutant.name}: no message names the likely cause"
