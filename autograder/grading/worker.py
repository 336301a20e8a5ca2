"""Grade one submission: the unit of work an executor runs (thread, process or dask worker).

Input and output are plain dicts of JSON values, so any ``concurrent.futures``
executor can carry them. The worker reads the file, plans, runs the student's
process and judges; it never touches the gradebook (the parent writes it).
"""
import hashlib
import shutil
import tempfile
import traceback
from functools import lru_cache
from pathlib import Path

from . import prepare, trusted
from .execute import execute
from .limits import Limits


@lru_cache(maxsize=8)
def _trusted(course, assignment):
    return trusted.load(course, assignment)


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else ""


def _cell_log(execution, limit=4000):
    """What each executed cell printed or raised, trimmed, for the autograded notebook."""
    out = {}
    for index, r in execution.cells.items():
        out[str(index)] = {"stdout": (r.get("stdout") or "")[:limit],
                           "stderr": (r.get("stderr") or "")[:limit],
                           "value": r.get("value"), "error": r.get("error")}
    return out


def _memory_events(grades, limits):
    """A check that ran out of memory is caught like any error; the instructor should see it."""
    return [f"{g['grade_id']}: the student's code ran out of memory (limit {limits.memory_mb} MB)"
            for g in grades
            if any("MemoryError" in o.get("message", "") for o in g.get("outcomes", []))]


def grade_submission(task):
    """Grade ``task`` = {course, assignment, student, path, limits, deny, notes}; return a result."""
    student = task["student"]
    result = {"student": student, "path": task.get("path"), "sha": task.get("sha", ""),
              "notes": list(task.get("notes", [])), "problems": [], "events": [],
              "fatal": "", "grades": [], "answers": {}, "cells": {}, "order": [],
              "timestamp": task.get("timestamp"), "seconds_cells": 0.0, "seconds_total": 0.0}
    tr = _trusted(task["course"], task["assignment"])
    work = Path(tempfile.mkdtemp(prefix=f"grade-{student}-"))
    try:
        if not task.get("path"):
            result["fatal"] = "no notebook was submitted"
        else:
            data = Path(task["path"]).read_bytes()
            plan = prepare.plan(data, tr)
            result["problems"] = plan.problems
            result["fatal"] = plan.fatal
            result["answers"] = plan.answers
            result["order"] = [[s[0], s[1]] for s in plan.steps]
            if not plan.fatal:
                # The assignment's own files (data, images) come from the course, as nbgrader does.
                if task.get("copy_from") and Path(task["copy_from"]).is_dir():
                    for item in Path(task["copy_from"]).iterdir():
                        if item.is_file() and item.suffix != ".ipynb" and item.stat().st_size < 50e6:
                            shutil.copy(item, work / item.name)
                limits = Limits(**task.get("limits", {}))
                ex = execute(plan, tr, limits, work, task.get("deny", ()))
                result["grades"] = [g.as_dict() for g in ex.grades.values()]
                result["events"] = ex.events + _memory_events(result["grades"], limits)
                result["problems"] += [f"refused by the grader: {m}" for m in ex.refused]
                result["cells"] = _cell_log(ex)
                result["seconds_cells"] = ex.seconds_cells
                result["seconds_total"] = ex.seconds_total
                result["seconds_checks"] = ex.seconds_checks
    except Exception as exc:  # a grader bug must not take the batch down; it is reported
        result["fatal"] = f"the grader failed on this submission: {type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()[-4000:]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    graded = {g["grade_id"] for g in result["grades"]}
    for cell in tr.grade_cells:
        if cell.kind == "code" and cell.grade_id not in graded:
            result["grades"].append({"grade_id": cell.grade_id, "points": cell.points, "score": 0.0,
                                     "func": "", "outcomes": [], "note": "",
                                     "reason": result["fatal"] or "not graded"})
    order = {c.grade_id: i for i, c in enumerate(tr.grade_cells)}
    result["grades"].sort(key=lambda g: order.get(g["grade_id"], 1e9))
    result["score"] = sum(g["score"] for g in result["grades"])
    result["max_score"] = tr.max_score
    return result
