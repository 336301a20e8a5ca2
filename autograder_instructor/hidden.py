"""Hidden checks, run by a grade cell under plain nbgrader: ``grade("sigmoid")``.

They build their cases from the reference solutions and the Keras golden files,
call the student's functions found in the notebook's namespace, and raise
:class:`~autograder.cases.CheckFailed` when any case fails. Under plain nbgrader
this runs inside the student's kernel; ``rnn-course grade`` instead runs the same
cases with the comparison in a separate process (see :mod:`autograder_instructor.grading`).
"""
import sys

from autograder.cases import CheckFailed, format_report, judge, run_probe
from .suites import find_test
from autograder.visible import callee_note, failing_callees


def run_test(grade_id, namespace):
    """Run the hidden cases of one grade cell; return (outcomes, report)."""
    test = find_test(grade_id)
    outcomes = [judge(case, run_probe(case, namespace)) for case in test.hidden()]
    report = format_report(test.func, outcomes)
    if not all(o.passed for o in outcomes) and test.func in namespace:
        # a wrong rnn_step_forward makes rnn_forward fail too: say which to fix first
        report += callee_note(test.func, failing_callees(namespace[test.func], namespace))
    return outcomes, report


def grade(grade_id):
    """Run one grade cell's hidden checks on the caller's namespace."""
    outcomes, report = run_test(grade_id, sys._getframe(1).f_globals)
    if not all(o.passed for o in outcomes):
        raise CheckFailed(report)
    print(report)
