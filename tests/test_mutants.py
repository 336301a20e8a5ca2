"""Does every realistic wrong implementation lose points, for the right reason?

Each mutant is pasted into its released notebook in place of the reference, exactly as
a student's code would be (``autograder_instructor.submissions.fill``); the notebook's locked setup
cells and its solution cells then run in order, as in the kernel that runs the grade
cells. The grade cells of its function must fail there, and not with a NameError (a
mutant that only fails because it cannot run in the notebook proves nothing). This is
the in-process half of tests/test_nbgrader_grading.py, which sends one mistake per
function through plain nbgrader.
"""
from functools import lru_cache

import numpy as np
import pytest

from autograder_instructor.build import COURSE
from autograder.cases import judge, run_probe
from autograder_instructor.mutants import all_mutants
from autograder_instructor.release import ASSIGNMENTS
from autograder_instructor.submissions import fill
from autograder_instructor.suites import all_tests, modules

from .conftest import hidden_cases

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
def mutant_runs(mutant):
    """{grade_id: [(case, outputs, Outcome) per hidden case]}: ``mutant`` run in its notebook
    on the hidden cases of the grade cells it must fail. Three tests read it (two here, and
    the hidden feedback's in test_grading_outputs.py): it runs once per test process, and
    :func:`one_worker_per_mutant` keeps the three in one process."""
    module = _module_of(mutant.func)
    ns = notebook_namespace(module, mutant)
    runs = {}
    for grade_id in mutant.fails(module.TESTS):
        runs[grade_id] = []
        for case in hidden_cases(grade_id):
            actual = run_probe(case, ns)
            runs[grade_id].append((case, actual, judge(case, actual)))
    return runs


def outcomes_of(mutant):
    """{grade_id: [Outcome per hidden case]} for the grade cells ``mutant`` must fail."""
    return {g: [o for _, _, o in runs] for g, runs in mutant_runs(mutant).items()}


def one_worker_per_mutant(mutants):
    """The mutants as parameters whose tests ``--dist loadgroup`` sends to one worker."""
    return [pytest.param(m, id=m.name, marks=pytest.mark.xdist_group(f"mutant-{m.name}"))
            for m in mutants]


@pytest.mark.parametrize("mutant", one_worker_per_mutant(MUTANTS))
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


@pytest.mark.parametrize("mutant", one_worker_per_mutant(MUTANTS))
def test_mutant_is_named_in_a_hint(mutant):
    """When a student makes exactly this mistake, does some failed case name its cause?"""
    text = " ".join(o.message for outcomes in outcomes_of(mutant).values() for o in outcomes)
    assert mutant.cause in text or "raised an error" in text, \
        f"{mutant.name}: no message names the likely cause"
