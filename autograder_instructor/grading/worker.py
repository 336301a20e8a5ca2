"""Grade one submission: the unit of work an executor runs (thread, process or dask worker).

The input is a :class:`.task.Task` and the output a :class:`.result.Result` (both
pickle), so any ``concurrent.futures`` executor can carry them. The worker runs
one submission's steps (:mod:`.flow`: read, plan, execute, judge ...); it never
touches the gradebook (the parent writes it).

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

from . import flow, trusted
from .limits import Limits
from .result import CellGrade, Result

RETRIES = 2  # extra attempts after a grader-side failure


@lru_cache(maxsize=8)
def _load(course, assignment):
    return trusted.load(course, assignment)


def _trusted(task):
    """The parent's trusted cells, carried by the task (checksums from the gradebook
    included); loaded from the course only for a task made without them."""
    return task.trusted if task.trusted is not None else _load(task.course, task.assignment)


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else ""


def grade_submission(task):
    """Grade ``task`` (a :class:`.task.Task`); return a :class:`.result.Result`.

    Never raises, but :class:`.workers.Refused` on a machine that cannot isolate students
    (a dask worker without bubblewrap or cgroups: the task goes to another worker): a
    grader-side failure is retried (``RETRIES`` times, the last in processes started
    without the zygote), then reported as the grader's, not the student's.
    """
    from .workers import refuse_unisolated
    refuse_unisolated(task.limits)
    faults = []
    for attempt in range(RETRIES + 1):
        limits = dict(task.limits)
        if attempt == RETRIES:
            limits["fork"] = False  # a fresh interpreter per process: no shared zygote to lose
        try:
            result = _grade(task, limits)
        except Exception as exc:  # GraderFault, or a bug in the grader
            faults.append(f"{type(exc).__name__}: {str(exc)[:300]}")
            last = traceback.format_exc()[-4000:]
            continue
        if faults:
            result.events.append(f"graded again after a grader-side failure ({faults[-1]}); "
                                 "your work was not the cause")
        return result
    return failed(task, _trusted(task), faults[-1], last)


def failed(task, tr, why, trace=""):
    """The row of a submission the grader failed on: flagged, and no zero blamed on the student."""
    result = Result.for_task(task)
    result.grades = [CellGrade.zero(c, "the grader failed (not your notebook)")
                     for c in tr.grade_cells if c.kind == "code"]
    result.fatal = (f"the grader failed, not your notebook ({why}); run rnn-course grade "
                    "again: it grades this submission again")
    result.grader_failure, result.traceback = why, trace
    result.max_score = tr.max_score
    return result


def _grade(task, limits):
    tr = _trusted(task)
    work = Path(tempfile.mkdtemp(prefix=f"grade-{task.student}-"))
    try:
        return flow.grade(task, tr, Limits(**limits), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
