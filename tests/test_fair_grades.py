"""Fair grades (issue 24): does the student's own check agree with the grader, and does one
bug cost points once, where it is?"""
import inspect
import io

import pytest

from autograder import selfcheck
from autograder_instructor.build import COURSE, ROOT
from autograder_instructor.grading import check as grading_check
from autograder_instructor.grading.limits import Limits
from autograder_instructor.submissions import fill, write
from autograder.visible import CheckFailed, check


def _renamed_submission(tmp_path, assignment, notebook, func, new_name):
    """The reference submission of ``assignment`` with ``func`` renamed to ``new_name``."""
    import solutions.cnn_tagging  # noqa: F401 (the modules below are looked up by name)
    from autograder_instructor.suites import suite
    from autograder_instructor.build import _find
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
    from autograder_instructor.hidden import run_test
    from autograder_instructor.suites._base import reference_namespace
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


# ---- one bug costs once -----------------------------------------------------------------

from functools import lru_cache  # noqa: E402

from autograder.cases import judge, run_probe  # noqa: E402
from autograder_instructor.mutants import all_mutants  # noqa: E402
from autograder_instructor.suites import all_tests  # noqa: E402
from autograder_instructor.suites._base import reference_namespace  # noqa: E402
from autograder.visible import called_names  # noqa: E402

from .test_mutants import _module_of, notebook_namespace  # noqa: E402

MUTANTS = all_mutants()


@lru_cache(maxsize=None)
def _hidden(grade_id):
    return tuple(all_tests()[grade_id].hidden())


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_one_wrong_function_loses_points_only_in_its_own_cells(mutant):
    """A submission with exactly this one mistake: does every grade cell of another function
    keep full marks, except cells of functions meant to call it (in the reference), whose
    feedback then names it as the cause?"""
    from autograder_instructor.hidden import run_test
    module = _module_of(mutant.func)
    ns = notebook_namespace(module, mutant)
    reference = reference_namespace(*module.SOLUTIONS)
    for test in module.TESTS:
        if test.func == mutant.func:
            continue
        failed = [o for o in (judge(c, run_probe(c, ns)) for c in _hidden(test.grade_id))
                  if not o.passed]
        if not failed:
            continue
        assert mutant.func in called_names(reference[test.func]) | set(test.calls), (
            f"{mutant.name} costs {test.grade_id} ({test.func} does not call {mutant.func}): "
            + "; ".join(o.message for o in failed[:2]))
        _, report = run_test(test.grade_id, ns)
        named = report.split(f"{test.func} calls ", 1)[-1].split(", which", 1)[0]
        assert f"{test.func} calls " in report and mutant.func in named.split(", "), report


def test_a_wrong_forward_cache_costs_the_forward_and_is_named_in_the_backward():
    """The issue's case: lstm_forward storing its gates in the wrong order used to keep full
    marks and cost the correct lstm_backward its 5 points. Now the forward loses points and
    the backward's end-to-end case is not counted, with a note naming the forward."""
    from autograder_instructor.hidden import run_test
    mutant = next(m for m in MUTANTS if m.name == "lstm_forward_gates_misordered_in_cache")
    ns = notebook_namespace(_module_of(mutant.func), mutant)
    assert not all(o.passed for o in run_test("lstm_forward_tests", ns)[0])
    outcomes, report = run_test("lstm_backward_tests", ns)
    assert all(o.passed for o in outcomes), report
    assert "not counted against lstm_backward: the cache your lstm_forward returned differs " \
           "from the reference's (cache.gates)" in report, report
    assert "fix lstm_forward first" in report


def test_a_callee_stub_is_named_not_the_caller():
    """01: with softmax still the stub, dense_forward's message must not say that dense_forward
    is the stub; it names softmax."""
    from autograder_instructor.hidden import run_test
    import solutions.dense
    ns = reference_namespace("solutions.dense")  # as pasted in a notebook: one namespace
    exec(inspect.getsource(solutions.dense.dense_forward)
         + "\n\ndef softmax(z):\n    raise NotImplementedError()\n", ns)
    outcomes, report = run_test("dense_forward_tests", ns)
    failed = [o for o in outcomes if not o.passed]
    assert failed and all("softmax, which it calls, is still the stub" in o.message
                          for o in failed), report
    assert "the function is still the stub" not in report
    assert "dense_forward calls softmax" in report


# ---- messages -------------------------------------------------------------------------

def test_a_missing_time_axis_is_named_not_blamed_on_a_sum():
    """lstm_forward returning only the last state, (N, H) for (N, T, H): the message names the
    missing axis and the last state, not "did you sum or average over the right axis?"."""
    import numpy as np
    from autograder.compare import compare_value
    message = compare_value("h", np.zeros((2, 5, 3)), np.zeros((2, 3)), 1e-7, 1e-10)
    assert "sum or average over the right axis" not in message
    assert "axis 1, of size 5, is missing" in message and "the last state" in message


def test_a_wrong_number_says_expected_and_got_without_a_place():
    """A scalar loss that is off: no "worst at []"."""
    import numpy as np
    from autograder.compare import compare_value
    from autograder_instructor.grading.redact import _problem
    message = compare_value("loss", np.asarray(0.5), np.asarray(0.75), 1e-7, 1e-10)
    assert message == "loss is off: expected 0.5, got 0.75 (tolerance rtol=1e-07, atol=1e-10)"
    hidden = _problem("loss", "f", np.asarray(0.5), np.asarray(0.75), 1e-7, 1e-10)
    assert "[]" not in hidden and "0.5" not in hidden


def test_one_hint_per_function_not_per_case():
    """The same likely cause under three failing cases is said once, after them."""
    from autograder.cases import Outcome, format_report
    outcomes = [Outcome(f"case {i}", False, f"y is off in 4 of 4 entries. Likely cause: did you "
                                            f"forget the bias b?") for i in range(3)]
    report = format_report("dense_forward", outcomes)
    assert report.count("did you forget the bias b?") == 1, report
    assert report.splitlines()[-1] == "  Likely cause: did you forget the bias b?"


def test_a_failed_check_shows_no_library_frame_in_a_notebook(capsys):
    """IPython shows a CheckFailed as its message alone: no frame of autograder/visible.py."""
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    shell.run_cell("from autograder.visible import check\n"
                   "def tanh(z):\n    return z\n")
    capsys.readouterr()
    shell.run_cell("check(tanh)")
    out = capsys.readouterr()
    text = out.out + out.err
    assert "CheckFailed: tanh:" in text and "failed" in text, text
    assert "visible.py" not in text and "Traceback" not in text, text


# ---- partial credit -------------------------------------------------------------------

def test_share_is_zero_for_none_full_for_all_and_never_rounds_up():
    """A cell's score: 0 when nothing passes, every point when everything does, and a
    failure never rounds up to full marks."""
    from autograder.cases import Case, Outcome, share
    cases = [Case("", "f", {}, {}, {}) for _ in range(200)]
    ok, bad = Outcome("", True), Outcome("", False)
    assert share(4, cases, [bad] * 200, True) == 0.0
    assert share(4, cases, [ok] * 200, True) == 4.0
    assert share(4, cases, [ok] * 199 + [bad], True) == 3.98
    assert share(4, cases, [ok] * 199 + [bad], False) == 0.0
    cases[0].weight = 3.0  # a case the suite weighs three times
    assert share(2, cases[:2], [bad, ok], True) == 0.5


def test_a_partial_grade_cell_outputs_its_score_as_nbgrader_reads_it():
    """The formgrader's autograded copy of a partly passed cell ends with the score as the
    cell's value, which nbgrader.utils.determine_grade takes as its partial grade."""
    import nbformat
    from nbgrader.utils import determine_grade
    from autograder_instructor.grading.autograded import _grade_outputs
    from autograder_instructor.grading.result import CellGrade
    grade = CellGrade("relu_tests", 1.0, 0.28, "relu", [
        {"label": "a", "passed": True, "message": ""},
        {"label": "b", "passed": False, "message": "y has shape (6,), expected (2, 3)"}], "")
    cell = nbformat.v4.new_code_cell("grade('relu_tests')", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "relu_tests",
        "points": 1.0, "schema_version": 3}})
    cell.outputs = _grade_outputs(grade)
    assert determine_grade(cell) == (0.28, 1.0)


def test_a_correct_backward_that_raises_on_a_short_cache_is_not_blamed():
    """lstm_step_forward returning a cache one field short: the correct lstm_step_backward
    raises on it in the end-to-end case, which must not count against the backward."""
    import solutions.lstm
    from autograder_instructor.hidden import run_test
    ns = reference_namespace("solutions.lstm", "solutions.gru")
    exec(inspect.getsource(solutions.lstm.lstm_step_backward), ns)  # as in a notebook
    forward = ns["lstm_step_forward"]
    ns["lstm_step_forward"] = lambda *a: (*forward(*a)[:2], tuple(forward(*a)[2])[:-1])
    outcomes, report = run_test("lstm_step_backward_tests", ns)
    assert all(o.passed for o in outcomes), report
    assert "not counted against lstm_step_backward: the cache your lstm_step_forward " \
           "returned differs from the reference's (the cache itself)" in report, report


def test_a_backward_that_raises_on_the_reference_cache_is_still_blamed():
    """A backward that raises on every cache loses the end-to-end case too (nothing to
    excuse it: the forward is the reference)."""
    from autograder.cases import judge, run_probe
    from autograder_instructor.suites._base import reference_namespace
    ns = reference_namespace("solutions.lstm", "solutions.gru")
    exec("def lstm_step_backward(dh_next, dc_next, cache):\n    raise ValueError('no')\n", ns)
    chain = [c for c in _hidden("lstm_step_backward_tests") if c.upstream]
    assert chain and all(not judge(c, run_probe(c, ns)).passed for c in chain)


def test_the_class_summary_counts_losses_from_a_failing_callee_apart():
    """summary.txt: of the students who lost points in rnn_forward's cell, how many did so
    with a failing rnn_step_forward named as the cause?"""
    from autograder_instructor.grading.result import CellGrade, Result
    from autograder_instructor.grading.summary import table
    from autograder_instructor.grading.trusted import GradeCell, Trusted
    from autograder.visible import callee_note
    trusted = Trusted("03_rnn", "rnn.ipynb", [GradeCell("rnn_forward_tests", 4.0, "code", "")],
                      {}, [], {})
    named = CellGrade("rnn_forward_tests", 4.0, 1.5, "rnn_forward",
                      note=callee_note("rnn_forward", ["rnn_step_forward"]).strip())
    own = CellGrade("rnn_forward_tests", 4.0, 2.0, "rnn_forward")
    full = CellGrade("rnn_forward_tests", 4.0, 4.0, "rnn_forward")
    results = [Result(s, grades=[g]) for s, g in (("a", named), ("b", own), ("c", full))]
    line = table(results, trusted).splitlines()[-2]
    assert "2 of 3" in line and "(1 with a failing callee named)" in line, line


def test_a_case_not_counted_against_a_function_earns_it_nothing():
    """Under partial credit, does an end-to-end case that is not counted against a stub
    backward (its forward is the stub too) leave the stub at 0, while a correct backward
    beside a wrong forward keeps every point?"""
    from types import SimpleNamespace

    from autograder.cases import Outcome, share
    cases = [SimpleNamespace(weight=1.0)] * 3
    stub = [Outcome("own 1", False), Outcome("own 2", False),
            Outcome("end to end", True, "not counted against f", counted=False)]
    right = [Outcome("own 1", True), Outcome("own 2", True),
             Outcome("end to end", True, "not counted against f", counted=False)]
    half = [Outcome("own 1", True), Outcome("own 2", False),
            Outcome("end to end", True, "not counted against f", counted=False)]
    assert share(3, cases, stub, partial=True) == 0.0
    assert share(3, cases, right, partial=True) == 3.0
    assert share(3, cases, half, partial=True) == 1.5


def test_the_course_setting_is_read_when_a_cell_is_judged(monkeypatch):
    """Do the grader's cached checks of a cell follow the course's partial-credit setting as
    it is when the cell is judged, not as it was when the checks were first built?"""
    from autograder_instructor import suites
    from autograder_instructor.grading.judge import _checks
    test = suites.find_test("relu_tests")
    checks = _checks(test.grade_id, (test.func,))
    monkeypatch.setattr(suites, "PARTIAL_CREDIT", True)
    assert suites.partial_credit(checks) is True
    monkeypatch.setattr(suites, "PARTIAL_CREDIT", False)
    assert suites.partial_credit(checks) is False
