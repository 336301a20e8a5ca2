"""Fair grades (issue 24): does the student's own check agree with the grader, and does one
bug cost points once, where it is?"""
import inspect
import io

import pytest

from autograder import selfcheck
from autograder.build import COURSE, ROOT
from autograder.grading import check as grading_check
from autograder.grading.limits import Limits
from autograder.submissions import fill, write
from autograder.visible import CheckFailed, check


def _renamed_submission(tmp_path, assignment, notebook, func, new_name):
    """The reference submission of ``assignment`` with ``func`` renamed to ``new_name``."""
    import solutions.cnn_tagging  # noqa: F401 (the modules below are looked up by name)
    from autograder.suites import suite
    from autograder.build import _find
    source = inspect.getsource(_find(func, suite(assignment).SOLUTIONS))
    source = source.replace(f"def {func}(", f"def {new_name}(", 1)
    nb = fill(ROOT / "assignments" / assignment / notebook,
              COURSE / "source" / assignment / notebook, {func: source})
    return write(nb, tmp_path / notebook)


def test_a_renamed_function_fails_the_students_check_with_exit_1(tmp_path):
    """The issue's case: temporal_dense_backward renamed to temporal_dense_backwards. The grade
    cell scores 0, so `rnn-course-student check` must fail it in one line and exit 1."""
    path = _renamed_submission(tmp_path, "08_cnn_tagging", "cnn_tagging.ipynb",
                               "temporal_dense_backward", "temporal_dense_backwards")
    out = io.StringIO()
    results = selfcheck.check_notebook(path, stream=out)
    text = out.getvalue()
    assert results["temporal_dense_backward"] is False
    line = [l for l in text.splitlines() if l.startswith("FAIL temporal_dense_backward:")]
    assert len(line) == 1 and "not defined after Run All" in line[0] \
        and "temporal_dense_backwards" in line[0], text
    assert "6 of 7 functions pass" in text
    assert selfcheck.main(["check", str(path)]) == 1


def test_a_renamed_function_fails_rnn_course_check(tmp_path):
    """Does the instructor-side `rnn-course check` (sandboxed) fail the renamed function too?"""
    import json
    from .fixtures.grading_course import fixture_paths
    nb = json.loads(fixture_paths()["reference"].read_text())
    for cell in nb["cells"]:
        cell["source"] = "".join(cell["source"]).replace("def dense_backward(",
                                                         "def dense_backwards(")
    path = tmp_path / "renamed.ipynb"
    path.write_text(json.dumps(nb))
    out = io.StringIO()
    # The report is made in the parent; the sandbox (tested elsewhere) changes nothing here.
    failed = grading_check.run(path, out=out, limits=Limits(cell_timeout=60, sandbox=False))
    text = out.getvalue()
    assert failed == 1, text
    assert "dense_backward: not defined after Run All" in text and "dense_backwards" in text
    assert "5 of 6 functions pass" in text


def test_check_of_a_renamed_function_says_the_graded_name():
    """check(temporal_dense_backwards) names the graded name in one line instead of a KeyError."""
    def temporal_dense_backwards(dy, cache):
        return None
    with pytest.raises(CheckFailed, match=r"^temporal_dense_backwards is not a graded name: the "
                                          r"grade cell looks for temporal_dense_backward; "):
        check(temporal_dense_backwards)


@pytest.mark.parametrize("func, grade_id", [
    ("lstm_step_forward", "lstm_step_forward_tests"), ("lstm_forward", "lstm_forward_tests"),
    ("gru_step_forward", "gru_step_forward_tests"), ("gru_forward", "gru_forward_tests")])
def test_07_grades_the_cache_type_and_fields(func, grade_id):
    """As in 03: a plain tuple in place of the provided cache fails the forward's grade cell
    (the backward reads the cache by field)."""
    from autograder.hidden import run_test
    from autograder.suites._base import reference_namespace
    ns = reference_namespace("solutions.lstm", "solutions.gru")
    assert all(o.passed for o in run_test(grade_id, dict(ns))[0])
    reference = ns[func]

    def plain(*args, **kwargs):
        *outs, cache = reference(*args, **kwargs)
        return (*outs, tuple(cache))
    plain.__name__ = func
    outcomes, report = run_test(grade_id, dict(ns, **{func: plain}))
    cache = [o for o in outcomes if o.label.startswith("the cache:")]
    assert len(cache) == 1 and not cache[0].passed, report
    assert "should be the provided NamedTuple" in cache[0].message \
        and "plain tuple" in cache[0].message, cache[0].message
