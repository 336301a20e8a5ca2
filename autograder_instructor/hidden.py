"""Hidden checks, run by a grade cell under plain nbgrader: ``grade("sigmoid")``.

They build their cases from the reference solutions and the Keras golden files,
call the student's functions found in the notebook's namespace, and score the cell
(see :func:`grade`). Under plain nbgrader this runs inside the student's kernel;
``rnn-course grade`` instead runs the same cases with the comparison in a separate
process (see :mod:`autograder_instructor.grading`).
"""
import sys

from autograder.cases import CheckFailed, format_report, judge, run_probe, share
from autograder.visible import callee_note, called_names, failing_callees, visible_cases

from .suites import find_test, modules, partial_credit


def cell_cases(test, visible=False):
    """A grade cell's cases: its function's visible ones first (what the cell's
    ``check(f)`` line runs, as ``rnn-course grade`` judges them), then the hidden ones."""
    cases = []
    if visible:
        try:
            cases = list(visible_cases(test.func)[1])
        except KeyError:
            pass
    return cases + list(test.hidden())


def run_test(grade_id, namespace, callees=True, visible=False):
    """Run the hidden (and with ``visible``, first the visible) cases of one grade cell;
    return (outcomes, report), or with ``visible`` (cases, outcomes, report)."""
    test = find_test(grade_id)
    cases = cell_cases(test, visible)
    outcomes = [judge(case, run_probe(case, namespace)) for case in cases]
    report = format_report(test.func, outcomes)
    if callees and not all(o.passed for o in outcomes) and test.func in namespace:
        # a wrong rnn_step_forward makes rnn_forward fail too: say which to fix first
        failing = failing_callees(namespace[test.func], namespace)
        failing += [f for f in hidden_failing_callees(test, namespace) if f not in failing]
        report += callee_note(test.func, failing)
    return (cases, outcomes, report) if visible else (outcomes, report)


def hidden_failing_callees(test, namespace):
    """The graded functions of the same assignment that ``test.func`` calls (or that its
    checks are meant to call, ``test.calls``) and that fail their own grade cells, as
    ``rnn-course grade`` names the callees whose cells failed."""
    used = called_names(namespace[test.func]) | set(test.calls)
    suite = next(m for m in modules().values() if test in m.TESTS)
    failing = []
    for other in suite.TESTS:
        if other.func == test.func or other.func not in used or other.func in failing:
            continue
        cases, outcomes, _ = run_test(other.grade_id, namespace, callees=False, visible=True)
        if not all(o.passed for o in outcomes):
            failing.append(other.func)
    return failing


def grade(grade_id):
    """Score one grade cell on the caller's namespace: its visible cases, then its hidden ones.

    Under partial credit (the course's setting) the score is the cell's value, which
    nbgrader takes as the cell's partial score (``nbgrader.utils.determine_grade`` reads
    a grade cell's numeric output); the formula is the one ``rnn-course grade`` uses,
    :func:`autograder.cases.share`. Otherwise a failure raises :class:`CheckFailed` and
    the cell earns nothing.
    """
    test = find_test(grade_id)
    cases, outcomes, report = run_test(grade_id, sys._getframe(1).f_globals, visible=True)
    partial = partial_credit(test)
    if not all(o.passed for o in outcomes) and not partial:
        raise CheckFailed(report) from None
    print(report)
    return share(test.points, cases, outcomes, True) if partial else None
