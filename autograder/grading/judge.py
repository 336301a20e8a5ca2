"""Judge a grade cell in the grading process: expected values never enter the student's.

A grade cell passes when every case of its visible check (the ``check(f)`` line
of the trusted cell) and every hidden case pass, as under plain nbgrader, where
either one failing raises in the cell. Points are all or nothing per grade cell.
"""
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from ..cases import Outcome, format_report, judge
from ..suites import find_test
from ..visible import visible_cases
from .redact import hide


@dataclass
class CellGrade:
    grade_id: str
    points: float
    score: float
    func: str = ""
    outcomes: list = field(default_factory=list)  # [{"label", "passed", "message"}]
    reason: str = ""  # why it could not be graded (timeout, crash), if so
    note: str = ""  # anything else the student should know about this cell

    def as_dict(self):
        return asdict(self)


@lru_cache(maxsize=None)
def _split(grade_id, checks=()):
    """(func, visible cases, hidden cases) of a grade cell."""
    test = find_test(grade_id)
    cases = []
    for func in checks:
        try:
            cases += visible_cases(func)[1]
        except KeyError:
            pass
    return test.func, tuple(cases), tuple(test.hidden())


def cases_for(grade_id, checks=()):
    """(func, cases) of a grade cell: its visible checks' cases, then its hidden ones."""
    func, visible, hidden = _split(grade_id, checks)
    return func, visible + hidden


def grade_cell(cell, outputs):
    """A CellGrade from the outputs the student process sent back (one per case)."""
    func, visible, hidden = _split(cell.grade_id, tuple(cell.checks))
    outcomes = []
    for i, case in enumerate(visible + hidden):
        actual = outputs[i] if outputs is not None and i < len(outputs) else {
            "error": "error:no output came back for this case"}
        outcome = judge(case, actual)
        if i >= len(visible):  # reports reach students: no hidden expected values in them
            outcome = hide(case, actual, outcome, i - len(visible) + 1)
        outcomes.append(outcome)
    return finish(cell, func, outcomes)


def finish(cell, func, outcomes, reason=""):
    passed = bool(outcomes) and all(o.passed for o in outcomes) and not reason
    return CellGrade(cell.grade_id, cell.points, cell.points if passed else 0.0, func,
                     [{"label": o.label, "passed": o.passed, "message": o.message}
                      for o in outcomes], reason)


def not_graded(cell, reason):
    """A grade cell that earns nothing because it could not be graded."""
    func = ""
    try:
        func = find_test(cell.grade_id).func
    except KeyError:
        pass
    return CellGrade(cell.grade_id, cell.points, 0.0, func, [], reason)


def report(grade):
    """The text a student reads for one grade cell."""
    if grade.reason:
        return f"{grade.func or grade.grade_id}: not graded: {grade.reason}"
    outcomes = [Outcome(o["label"], o["passed"], o["message"]) for o in grade.outcomes]
    return format_report(grade.func or grade.grade_id, outcomes)
