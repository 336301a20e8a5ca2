"""The class report's numbers, as plain JSON values: what :mod:`.report_html` shows and
``report.json`` keeps.

A student's scores are the gradebook's (manual grades and a grader's overrides count,
as in ``nbgrader export``); what each check found (which known mistake, which hidden
case, how long the notebook took) comes from the grading run's :class:`.result.Result`,
when there is one. A student the grader failed on (not the student's fault) is left out
of every statistic and listed.
"""
from . import item_stats, misconceptions
from .summary import total


def rows(trusted, results, books):
    """One row per student: their total, each grade cell's score (None while a written
    answer awaits a grader), the cells a grader scored, the file's sha and the Result."""
    by_student = {r.student: r for r in results}
    out = []
    for student in sorted(set(by_student) | set(books or {})):
        result, book = by_student.get(student), (books or {}).get(student)
        if result is not None and result.grader_failure:
            continue
        auto = {g.grade_id: g.score for g in (result.grades if result else [])}
        kept = (book or {}).get("grades") or {}
        cells = {}
        for cell in trusted.grade_cells:
            grade = kept.get(cell.grade_id)
            cells[cell.grade_id] = (None if grade and grade["pending"] else
                                    grade["score"] if grade else auto.get(cell.grade_id, 0.0))
        # the statistics are about the questions: a late penalty is not taken off here
        score = (book or {}).get("raw_score", total(result, books)[0] if result else 0.0)
        out.append({"student": student, "total": score, "cells": cells,
                    "manual": {g for g, v in kept.items() if v.get("manual")},
                    "sha": result.sha if result else "", "result": result,
                    "late": {k: (book or {}).get(k, 0.0) for k in ("seconds_late", "penalty")}})
    return out


def difficulty(trusted, table):
    """An :class:`.item_stats.Item` per grade cell, over the students it has a score for."""
    items = []
    for cell in trusted.grade_cells:
        scored = [r for r in table if r["cells"].get(cell.grade_id) is not None]
        items.append(item_stats.item(cell.grade_id, cell.points,
                                     [r["cells"][cell.grade_id] for r in scored],
                                     [r["total"] for r in scored]))
    return items


def cases(trusted, table):
    """{grade_id: [Item per check]}: each check of a code cell scored 1 when it passed, over
    the students whose run has the cell's checks; discrimination is against the rest of the
    total (the cell's own points taken out)."""
    found = {}
    for cell in trusted.grade_cells:
        runs = []
        for row in table:
            grade = _grade(row, cell.grade_id)
            if grade and grade.outcomes and not grade.reason:
                runs.append((row, {o["label"]: bool(o["passed"]) for o in grade.outcomes}))
        labels = list(dict.fromkeys(label for _, seen in runs for label in seen))
        items = []
        for label in labels:
            having = [(row, seen[label]) for row, seen in runs if label in seen]
            rest = [row["total"] - (row["cells"].get(cell.grade_id) or 0.0) for row, _ in having]
            passed = [1.0 if ok else 0.0 for _, ok in having]
            items.append(item_stats.item(label, 1.0, passed, [p + r for p, r in zip(passed, rest)]))
        if items:
            found[cell.grade_id] = items
    return found


def _grade(row, grade_id):
    result = row["result"]
    return next((g for g in result.grades if g.grade_id == grade_id), None) if result else None


def timing(table):
    """Per student with a run: its seconds and every limit it hit (time, memory, crashes)."""
    out = []
    for row in table:
        r = row["result"]
        if r is None:
            continue
        out.append({"student": row["student"], "seconds": r.seconds_total,
                    "cells": r.seconds_cells, "checks": r.seconds_checks,
                    "limits": ([r.fatal] if r.fatal else []) + list(r.events)})
    return out


def lateness(table):
    """The late submissions: how late, and the penalty nbgrader's plugin gave (see :mod:`.late`)."""
    return [{"student": r["student"], "seconds": r["late"]["seconds_late"],
             "penalty": r["late"]["penalty"], "raw": r["total"],
             "score": max(0.0, r["total"] - r["late"]["penalty"])}
            for r in table if r["late"]["seconds_late"]]


def build(trusted, results, books, changes=None):
    """Every number of the report, as JSON values."""
    table = rows(trusted, results, books)
    funcs = list(dict.fromkeys(g.func for r in table if r["result"] for g in r["result"].grades
                               if g.func))

    cells = {r["student"]: r["cells"] for r in table}

    def score(student, grade):
        return cells[student].get(grade.grade_id) or 0.0

    found = misconceptions.answers([r["result"] for r in table if r["result"]], score)
    by_func = misconceptions.by_function(found, funcs)
    return {
        "assignment": trusted.assignment, "max_score": trusted.max_score,
        "students": len(table), "totals": {r["student"]: r["total"] for r in table},
        "not_graded": sorted(r.student for r in results if r.grader_failure),
        "cells": [i.as_dict() for i in difficulty(trusted, table)],
        "cases": {g: [i.as_dict() for i in items] for g, items in cases(trusted, table).items()},
        "misconceptions": by_func, "top": misconceptions.top(by_func),
        "cascades": misconceptions.cascades(found),
        "timing": timing(table), "late": lateness(table), "changes": changes,
    }, table
