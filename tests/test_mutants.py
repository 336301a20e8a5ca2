"""Does every realistic wrong implementation lose points, for the right reason?

Each mutant is pasted into a notebook-like namespace (NumPy, the provided caches,
the reference versions of the other graded functions) exactly as a student's code
would be, then the grade cells of its function must fail, and not with a
NameError (a mutant that only fails because it cannot run proves nothing).
"""
import numpy as np
import pytest

from autograder import caches
from autograder.cases import judge, run_probe
from autograder_instructor.mutants import all_mutants
from autograder_instructor.suites import all_tests, modules
from autograder_instructor.suites._base import reference_namespace

MUTANTS = all_mutants()
TESTS = all_tests()


def _module_of(func):
    for module in modules().values():
        if any(t.func == func for t in module.TESTS):
            return module
    raise KeyError(func)


def notebook_namespace(module, mutant):
    ns = {"np": np, **{k: getattr(caches, k) for k in caches.CACHE_TYPES}}
    ns.update(reference_namespace(*module.SOLUTIONS))
    exec(compile(mutant.source(), f"<mutant {mutant.name}>", "exec"), ns)
    return ns


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_loses_points_in_its_grade_cells(mutant):
    """Does this known mistake fail every grade cell of its function?"""
    module = _module_of(mutant.func)
    ns = notebook_namespace(module, mutant)
    grade_ids = mutant.grade_ids or [t.grade_id for t in module.TESTS if t.func == mutant.func]
    assert grade_ids
    for grade_id in grade_ids:
        outcomes = [judge(c, run_probe(c, ns)) for c in TESTS[grade_id].hidden()]
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
    module = _module_of(mutant.func)
    ns = notebook_namespace(module, mutant)
    grade_ids = mutant.grade_ids or [t.grade_id for t in module.TESTS if t.func == mutant.func]
    messages = []
    for grade_id in grade_ids:
        for c in TESTS[grade_id].hidden():
            o = judge(c, run_probe(c, ns))
            messages.append(o.message)
    text = " ".join(messages)
    assert mutant.cause in text or "raised an error" in text, \
        f"{mutant.name}: no message names the likely cause"
