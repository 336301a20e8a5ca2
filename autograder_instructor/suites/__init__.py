"""Hidden checks, one module per assignment (instructor side only).

Each module defines ``ASSIGNMENT`` (the nbgrader assignment id), ``NOTEBOOK``
(the notebook's file name), ``SOLUTIONS`` (the reference module names whose
functions the notebook's solution cells hold) and ``TESTS``, the list of
:class:`autograder.cases.Test`, one per grade cell, in notebook order.
"""
import importlib
import pkgutil
from functools import lru_cache


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
