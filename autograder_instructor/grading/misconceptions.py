"""What the class got wrong, by graded function: the known mistakes its answers matched.

Every failed check whose outputs equal those of a known mistake (a mutant of
:mod:`autograder_instructor.mutants`) carries that mistake's cause (``CellGrade.outcomes[i]["cause"]``;
journals written before that field existed are read from the message's "Likely cause:").
A student's answer to a function lost points when one of its grade cells did; it is
then, in this order:

- *a cascade* when every cell it lost names a failing graded function it calls
  (``CellGrade.callees``, the "fix X first" of the feedback): points lost to another
  function, counted apart from the function's own mistakes;
- *a known mistake* (each cause it matched counts the student once);
- *left as the stub*, *not graded* (a time limit, a crash: see the report's limits), or
- *unexplained*: wrong in a way no known mistake describes, a hint for a new mutant.
"""
import re
from dataclasses import dataclass, field

from .lecture_sections import section_of

CAUSE = "Likely cause: "
_CALLEES = re.compile(r"calls (.+?), which fails its own checks")
STUB = "still the stub"


@dataclass
class Answer:
    """One student's wrong answer to one graded function."""
    student: str
    func: str
    lost: float  # points lost in the function's cells
    kind: str  # "cascade", "mistake", "stub", "not graded" or "unexplained"
    causes: list = field(default_factory=list)
    callees: list = field(default_factory=list)


def cause_of(outcome):
    """The known mistake a failed check matched, or ""."""
    if outcome.get("passed"):
        return ""
    if outcome.get("cause"):
        return outcome["cause"]
    message = outcome.get("message") or ""
    return message.partition(CAUSE)[2] if CAUSE in message else ""


def callees_of(grade):
    """The failing graded functions a failed cell calls (from its note for older journals)."""
    if grade.callees:
        return list(grade.callees)
    match = _CALLEES.search(grade.note or "")
    return [n.strip() for n in match.group(1).split(",")] if match else []


def answers(results, score):
    """Every wrong :class:`Answer` of the class; ``score(student, grade)`` is the cell's score
    as the gradebook has it (a grader's override counts)."""
    found = []
    for result in results:
        by_func = {}
        for grade in result.grades:
            if grade.points and score(result.student, grade) < grade.points:
                by_func.setdefault(grade.func or grade.grade_id, []).append(grade)
        for func, lost in by_func.items():
            found.append(_classify(result.student, func, lost, score))
    return found


def _classify(student, func, lost, score):
    points = sum(g.points - score(student, g) for g in lost)
    failed = [o for g in lost for o in g.outcomes if not o.get("passed")]
    causes = list(dict.fromkeys(c for c in map(cause_of, failed) if c))
    callees = [callees_of(g) for g in lost]
    if all(callees):
        names = list(dict.fromkeys(n for c in callees for n in c))
        return Answer(student, func, points, "cascade", causes, names)
    if causes:
        return Answer(student, func, points, "mistake", causes)
    if failed and all(STUB in (o.get("message") or "") for o in failed):
        return Answer(student, func, points, "stub")
    if all(g.reason for g in lost):
        return Answer(student, func, points, "not graded")
    return Answer(student, func, points, "unexplained")


def by_function(found, funcs):
    """Per graded function (in ``funcs``' order): its known mistakes with the students who
    made each, its unexplained answers and the share of its wrong answers they are."""
    from ..mutants import mutants_for
    table = []
    for func in funcs:
        mine = [a for a in found if a.func == func]
        names = {m.cause: m.name for m in mutants_for(func)}
        mistakes = {}
        for a in mine:
            if a.kind == "mistake":
                for cause in a.causes:
                    mistakes.setdefault(cause, []).append(a.student)
        unexplained = sorted(a.student for a in mine if a.kind == "unexplained")
        explained = sum(a.kind == "mistake" for a in mine)
        attempted = explained + len(unexplained)
        table.append({
            "func": func, "section": section_of(func),
            "mistakes": sorted(({"cause": c, "mutant": names.get(c, ""), "count": len(s),
                                 "students": sorted(s)} for c, s in mistakes.items()),
                               key=lambda m: (-m["count"], m["cause"])),
            "unexplained": unexplained, "wrong": attempted,
            "unexplained_share": len(unexplained) / attempted if attempted else None,
            "cascades": sorted(a.student for a in mine if a.kind == "cascade"),
            "stubs": sorted(a.student for a in mine if a.kind == "stub"),
            "not_graded": sorted(a.student for a in mine if a.kind == "not graded")})
    return table


def top(table, n=5):
    """The ``n`` known mistakes most students made, across the assignment."""
    rows = [dict(m, func=f["func"], section=f["section"]) for f in table for m in f["mistakes"]]
    return sorted(rows, key=lambda m: -m["count"])[:n]


def cascades(found):
    """Every answer whose points went to a function it calls, and the points lost that way."""
    rows = [{"student": a.student, "func": a.func, "callees": a.callees, "lost": a.lost}
            for a in found if a.kind == "cascade"]
    return sorted(rows, key=lambda r: (r["student"], r["func"]))
