"""Do the reference solutions pass every check, visible and hidden, without TensorFlow?"""
import subprocess
import sys

import pytest

from autograder.cases import judge, run_probe
from autograder_instructor.suites import all_tests, modules
from autograder_instructor.suites._base import reference_namespace
from autograder.visible import run_check, visible_cases

from .conftest import hidden_cases

TESTS = all_tests()


def _reference(grade_id):
    for module in modules().values():
        if any(t.grade_id == grade_id for t in module.TESTS):
            return module, reference_namespace(*module.SOLUTIONS)
    raise KeyError(grade_id)


@pytest.mark.parametrize("grade_id", sorted(TESTS))
def test_reference_passes_hidden_checks(grade_id):
    """Does the reference solution pass every hidden case of this grade cell?"""
    module, ref = _reference(grade_id)
    cases = hidden_cases(grade_id)
    assert len(cases) >= 3, "a grade cell needs several hidden cases"
    failures = [o for o in (judge(c, run_probe(c, ref)) for c in cases) if not o.passed]
    assert not failures, failures


@pytest.mark.parametrize("grade_id", sorted(TESTS))
def test_hidden_cases_of_every_grade_cell_have_distinct_labels(grade_id):
    """Is every hidden case of a grade cell labelled apart, so that feedback naming a case
    points to one case?"""
    cases = hidden_cases(grade_id)
    labels = [c.label for c in cases]
    assert len(set(labels)) == len(labels), f"duplicate case labels: {labels}"


def _visible_funcs():
    return [(a, f) for a, m in modules().items() for f in m.VISIBLE]


@pytest.mark.parametrize("assignment,func", _visible_funcs())
def test_reference_passes_visible_check(assignment, func):
    """Does the reference pass the visible check a student runs?"""
    ref = reference_namespace(*modules()[assignment].SOLUTIONS)
    passed, report = run_check(ref[func], ref)
    assert passed, report


def test_every_graded_function_has_a_visible_check():
    """Does every function with a grade cell also have a visible check?"""
    for module in modules().values():
        missing = {t.func for t in module.TESTS} - set(module.VISIBLE)
        assert not missing, f"{module.ASSIGNMENT}: no visible check for {sorted(missing)}"


def test_visible_check_of_a_stub_fails_with_a_message():
    """Does check() on an unimplemented stub fail and say what to do?"""
    from autograder.cases import CheckFailed
    from autograder.visible import check

    def sigmoid(z):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="NotImplementedError"):
        check(sigmoid)


def test_visible_checks_import_no_tensorflow():
    """Do the visible checks of every function run without importing TensorFlow?"""
    funcs = [f for _, f in _visible_funcs()]
    code = (
        "import sys\n"
        "from autograder.visible import visible_cases\n"
        "from autograder.cases import judge, run_probe\n"
        f"for f in {funcs!r}:\n"
        "    visible_cases(f)\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported'\n"
        "assert 'solutions' not in sys.modules, 'visible checks imported the reference solutions'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_hidden_checks_import_no_tensorflow():
    """Do the hidden checks (what grade cells run) work without importing TensorFlow?"""
    code = (
        "import sys\n"
        "from autograder_instructor.suites import all_tests\n"
        "for t in all_tests().values():\n"
        "    t.hidden()\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_visible_check_is_small_and_says_what_it_does_not_cover():
    """Is every visible case small (the hidden checks are where coverage lives)?"""
    for assignment, func in _visible_funcs():
        note, cases = visible_cases(func)
        assert note, f"{func}: say what the visible check does not cover"
        assert 1 <= len(cases) <= 6
