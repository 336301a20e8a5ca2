"""Judge a grade cell in the grading process: expected values never enter the student's.

A grade cell's cases are those of its visible check (the ``check(f)`` line of the
trusted cell) and its hidden ones. Under partial credit (the course's setting,
:data:`autograder_instructor.suites.PARTIAL_CREDIT`) its points are shared among them by
:func:`autograder.cases.share`, the formula plain nbgrader's grade cell outputs too;
otherwise every case must pass for any point.

A cell's cases are derived once, as a :class:`CellChecks`: the same object's cases
are sent to the student's process and then judged against the outputs that come back.
"""
from dataclasses import dataclass
from functools import lru_cache

from autograder.cases import Outcome, format_report, judge, share
from autograder.visible import visible_cases

from ..suites import find_test, partial_credit
from .redact import hide
from .result import CellGrade
from .similarity.behaviour import wrong_output


@dataclass(frozen=True)
class CellChecks:
    """What one grade cell checks: its function, its visible cases, then its hidden ones."""
    func: str
    visible: tuple
    hidden: tuple
    partial: bool | None = None  # the suite's own choice; None: the course's (read when judged)

    @property
    def cases(self):
        """Every case, in the order the probe runs them and its outputs come back."""
        return self.visible + self.hidden

    def grade(self, cell, outputs):
        """A CellGrade from the outputs the student process sent back (one per case)."""
        outcomes, wrong = [], {}
        for i, case in enumerate(self.cases):
            actual = outputs[i] if outputs is not None and i < len(outputs) else {
                "error": "error:no output came back for this case"}
            outcome = judge(case, actual)
            if i >= len(self.visible):  # reports reach students: no hidden expected values
                number = i - len(self.visible) + 1
                if not outcome.passed:  # what it returned, for the similarity report
                    mark = wrong_output(case, actual)
                    if mark:
                        wrong[str(number)] = mark
                outcome = hide(case, actual, outcome, number)
            outcomes.append(outcome)
        grade = finish(cell, self.func, outcomes, cases=self.cases,
                       partial=partial_credit(self))  # the course's setting, read now
        grade.wrong = wrong
        return grade


def checks_for(cell):
    """The :class:`CellChecks` of a trusted grade cell (see :mod:`.trusted`)."""
    return _checks(cell.grade_id, tuple(cell.checks))


@lru_cache(maxsize=None)  # a worker grades many notebooks: draw each cell's cases once
def _checks(grade_id, checks):
    test = find_test(grade_id)
    visible = []
    for func in checks:
        try:
            visible += visible_cases(func)[1]
        except KeyError:
            pass
    return CellChecks(test.func, tuple(visible), tuple(test.hidden()), test.partial)


def finish(cell, func, outcomes, reason="", cases=None, partial=False):
    """The CellGrade of ``outcomes``; ``cases`` (their weights) for partial credit."""
    if reason:
        score = 0.0
    elif cases is None:  # a cell without isolated checks: its own tests, all or nothing
        score = float(cell.points) if outcomes and all(o.passed for o in outcomes) else 0.0
    else:
        score = share(cell.points, cases, outcomes, partial)
    return CellGrade(cell.grade_id, cell.points, score, func,
                     [{"label": o.label, "passed": o.passed, "message": o.message,
                       **({"cause": o.cause} if o.cause else {})}
                      for o in outcomes], reason)


def not_graded(cell, reason):
    """A grade cell that earns nothing because it could not be graded; the report names its
    function when the suite knows it."""
    func = ""
    try:
        func = find_test(cell.grade_id).func
    except KeyError:
        pass
    return CellGrade.zero(cell, reason, func)


def report(grade):
    """The text a student reads for one grade cell."""
    if grade.reason:
        return f"{grade.func or grade.grade_id}: not graded: {grade.reason}"
    outcomes = [Outcome(o["label"], o["passed"], o["message"]) for o in grade.outcomes]
    return format_report(grade.func or grade.grade_id, outcomes)
