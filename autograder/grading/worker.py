"""Grade one submission: the unit of work an executor runs (thread, process or dask worker).

Input and output are plain dicts of JSON values, so any ``concurrent.futures``
executor can carry them. The worker reads the file, plans, runs the student's
process and judges; it never touches the gradebook (the parent writes it).

Whatever goes wrong on the grader's side (the zygote dies, a process cannot
start, a bug in the grader) is never the student's fault: the submission is
graded again, the last time in processes of its own (no zygote), and if it still
fails the result says so (``grader_failure``) instead of blaming the student with
a zero; the next run grades it again.
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

RETRIES = 2  # extra attempts after a grader-side failure
CELL_LOG = 4000  # characters kept of each output field of a cell
NOTEBOOK_LOG = 200_000  # characters kept of all cells' outputs of one notebook


@lru_cache(maxsize=8)
def _trusted(course, assignment):
    return trusted.load(course, assignment)


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else ""


def _text(value, limit):
    return value[:limit] if isinstance(value, str) else ""


def _cell_log(execution, limit=CELL_LOG, budget=NOTEBOOK_LOG):
    """What each executed cell printed or raised, trimmed, for the journal and the autograded
    notebook: (log, how many cells' outputs were dropped because the notebook's budget ran out)."""
    out, dropped = {}, 0
    for index, r in sorted(execution.cells.items()):
        error = r.get("error") if isinstance(r.get("error"), dict) else None
        entry = {"stdout": _text(r.get("stdout"), limit), "stderr": _text(r.get("stderr"), limit),
                 "value": _text(r.get("value"), limit) or None,
                 "error": error and {k: _text(error.get(k), limit)
                                     for k in ("ename", "evalue", "traceback")}}
        size = sum(len(v) for v in (entry["stdout"], entry["stderr"], entry["value"] or "")) + (
            sum(len(v) for v in entry["error"].values()) if entry["error"] else 0)
        if not size:
            continue  # nothing to show: keeps a notebook of 10,000 silent cells small
        if size > budget:
            dropped += 1
            continue
        budget -= size
        out[str(index)] = entry
    return out, dropped


def _memory_events(grades, limits):
    """A check that ran out of memory is caught like any error; the instructor should see it."""
    return [f"{g['grade_id']}: the student's code ran out of memory (limit {limits.memory_mb} MB)"
            for g in grades
            if any("MemoryError" in o.get("message", "") for o in g.get("outcomes", []))]


def grade_submission(task):
    """Grade ``task`` = {course, assignment, student, path, limits, deny, notes}; return a result.

    Never raises: a grader-side failure is retried (``RETRIES`` times, the last in processes
    started without the zygote), then reported as the grader's, not the student's.
    """
    faults = []
    for attempt in range(RETRIES + 1):
        limits = dict(task.get("limits", {}))
        if attempt == RETRIES:
            limits["fork"] = False  # a fresh interpreter per process: no shared zygote to lose
        try:
            result = _grade(task, limits)
        except Exception as exc:  # GraderFault, or a bug in the grader
            faults.append(f"{type(exc).__name__}: {str(exc)[:300]}")
            last = traceback.format_exc()[-4000:]
            continue
        if faults:
            result["events"].append(f"graded again after a grader-side failure ({faults[-1]}); "
                                    "your work was not the cause")
        return result
    return failed(task, _trusted(task["course"], task["assignment"]), faults[-1], last)


def failed(task, tr, why, trace=""):
    """The row of a submission the grader failed on: flagged, and no zero blamed on the student."""
    grades = [{"grade_id": c.grade_id, "points": c.points, "score": 0.0, "func": "",
               "outcomes": [], "reason": "the grader failed (not your notebook)", "note": ""}
              for c in tr.grade_cells if c.kind == "code"]
    return {"student": task["student"], "path": task.get("path"), "sha": task.get("sha", ""),
            "notes": list(task.get("notes", [])), "problems": [], "events": [],
            "grades": grades, "answers": {}, "cells": {}, "order": [],
            "fatal": (f"the grader failed, not your notebook ({why}); run rnn-course grade "
                      "again: it grades this submission again"),
            "grader_failure": why, "traceback": trace, "timestamp": task.get("timestamp"),
            "score": 0.0, "max_score": tr.max_score, "seconds_cells": 0.0, "seconds_total": 0.0}


def _grade(task, limits):
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
                limits = Limits(**limits)
                ex = execute(plan, tr, limits, work, task.get("deny", ()))
                result["grades"] = [g.as_dict() for g in ex.grades.values()]
                result["events"] = ex.events + _memory_events(result["grades"], limits)
                result["problems"] += [f"refused by the grader: {m}" for m in ex.refused]
                result["cells"], dropped = _cell_log(ex)
                if dropped:
                    result["problems"].append(
                        f"the output of {dropped} cells was not kept: the notebook printed more "
                        f"than {NOTEBOOK_LOG:,} characters in all (grading does not depend on it)")
                result["seconds_cells"] = ex.seconds_cells
                result["seconds_total"] = ex.seconds_total
                result["seconds_checks"] = ex.seconds_checks
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
