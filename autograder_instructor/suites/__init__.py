"""Hidden checks, one module per assignment (instructor side only).

Each module defines ``ASSIGNMENT`` (the nbgrader assignment id), ``NOTEBOOK``
(the notebook's file name), ``SOLUTIONS`` (the reference module names whose
functions the notebook's solution cells hold) and ``TESTS``, the list of
:class:`autograder.cases.Test`, one per grade cell, in notebook order.
"""
import importlib
import pkgutil
from functools import lru_cache

# The course's setting: a grade cell's points are shared among its checks (each case's
# ``weight``; a Test's ``partial`` overrides it), in `rnn-course grade` and in plain
# `nbgrader autograde` alike (there the grade cell outputs its score, which nbgrader reads
# as partial credit). False: a grade cell earns all its points or none.
PARTIAL_CREDIT = True


def partial_credit(test):
    """Whether ``test``'s grade cell (a Test, or the grader's CellChecks of it) shares its
    points among its checks; the course's setting is read at each call, never cached."""
    return PARTIAL_CREDIT if test.partial is None else bool(test.partial)


@lru_cache(maxsize=None)
def modules():
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found[module.ASSIGNMENT] = module
    return dict(sorted(found.items()))


def suite(assignment):
    try:
        return modules()[assignment]
    except KeyError:
        raise KeyError(f"no checks for assignment {assignment!r}; known: {sorted(modules())}")


def all_tests():
    """grade_id -> Test over every assignment (grade ids are unique course-wide)."""
    tests = {}
    for module in modules().values():
        for test in module.TESTS:
            if test.grade_id in tests:
                raise ValueError(f"grade_id {test.grade_id!r} is used twice")
            tests[test.grade_id] = test
    return tests


def find_test(grade_id):
    try:
        return all_tests()[grade_id]
    except KeyError:
        raise KeyError(f"no test with grade_id {grade_id!r}")
