"""Run a plan in a student process and judge each grade cell where it stands in the notebook.

Cells run in the student's order; at a grade cell the parent sends that cell's
inputs and receives plain outputs, so a later cell that redefines a function
cannot change an earlier grade, just as under plain nbgrader. When the process
dies or overruns a limit, the step that caused it earns nothing (a grade cell) or
is skipped (an ordinary cell), a fresh process replays the cells that ran before,
and grading goes on, up to ``Limits.restarts`` times and within the notebook's
time limit.
"""
import time
from collections import deque
from dataclasses import dataclass, field

from .judge import CellGrade, cases_for, finish, grade_cell, not_graded
from .process import ProcessDied, StudentProcess, TimedOut


@dataclass
class Execution:
    grades: dict = field(default_factory=dict)  # grade_id -> CellGrade
    cells: dict = field(default_factory=dict)  # cell index -> what it printed, its error
    events: list = field(default_factory=list)  # crashes, timeouts, restarts: for feedback
    refused: list = field(default_factory=list)  # what the guard refused the notebook
    seconds_cells: float = 0.0  # time spent running the student's cells
    seconds_checks: float = 0.0  # time the student's functions spent on the checks' cases
    seconds_total: float = 0.0


def _fallback(proc, cell, timeout):
    """A grade cell without isolated checks runs its trusted source in the student process."""
    r = proc.exec_cell(cell.source, timeout)
    failed = r.get("error") or r.get("stderr")
    message = (r["error"]["ename"] + ": " + r["error"]["evalue"]) if r.get("error") else (
        "the cell wrote to stderr" if failed else "")
    from ..cases import Outcome
    grade = finish(cell, cell.grade_id, [Outcome("the grade cell's own tests", not failed, message)])
    grade.note = "this grade cell has no isolated checks; it ran inside your notebook's process"
    return grade


def _note_refused(result, reply):
    for message in reply.get("refused") or []:
        if isinstance(message, str) and message[:300] not in result.refused and len(result.refused) < 10:
            result.refused.append(message[:300])


def execute(plan, trusted, limits, workdir, deny=()):
    """Execute ``plan`` (see :mod:`.prepare`); return an :class:`Execution`."""
    started = time.monotonic()
    deadline = started + limits.notebook_timeout
    result = Execution()
    queue = deque(plan.steps)
    history = []  # exec steps that completed once, replayed in a fresh process
    skip = set()  # cells that crashed or hung: never run again
    proc, restarts = None, 0

    def give_up(reason):
        for step in queue:
            if step[0] == "grade" and step[1] not in result.grades:
                result.grades[step[1]] = not_graded(trusted.cell(step[1]), reason)
        queue.clear()

    def failure(exc, what, timeout):
        if isinstance(exc, TimedOut) and timeout < limits.cell_timeout:
            return (f"{what} was stopped: the notebook ran past its time limit of "
                    f"{limits.notebook_timeout:g} s")
        if isinstance(exc, TimedOut):
            return (f"{what} ran past the time limit of {timeout:g} s "
                    "(an infinite loop, or a very slow computation?)")
        why = f"{what}: {exc}"
        if "SIGKILL" in why or "Memory" in why:
            why += f"; the memory limit is {limits.memory_mb} MB"
        return why

    def start():
        """A fresh process with the cells that completed before replayed; None if one failed."""
        new = StudentProcess(workdir, limits, deny, blocks=trusted.blocks)
        try:
            return replay(new)
        except BaseException:  # a grader fault while replaying: reap it before going up
            new.close()
            raise

    def replay(new):
        for step in history:
            if step[1] in skip:
                continue
            timeout = min(limits.cell_timeout, deadline - time.monotonic())
            try:
                t0 = time.monotonic()
                new.exec_cell(step[2], timeout, f"<cell {step[1] + 1}>")
                result.seconds_cells += time.monotonic() - t0
            except (TimedOut, ProcessDied) as exc:
                new.close()
                skip.add(step[1])
                result.events.append(failure(exc, f"cell {step[1] + 1} (run again)", timeout))
                return None
        return new

    try:
        while queue:
            left = deadline - time.monotonic()
            if left <= 0:
                give_up(f"the notebook ran past its time limit of {limits.notebook_timeout:g} s")
                break
            if proc is None:
                if restarts > limits.restarts:
                    give_up(f"the notebook's process failed {restarts} times; grading stopped")
                    break
                try:
                    proc = start()
                except (ProcessDied, TimedOut) as exc:
                    give_up(f"a process for the notebook could not be started ({exc})")
                    break
                if proc is None:
                    restarts += 1
                    continue
            step = queue[0]
            timeout = min(limits.cell_timeout, left)
            try:
                if step[0] == "exec":
                    t0 = time.monotonic()
                    result.cells[step[1]] = proc.exec_cell(step[2], timeout, f"<cell {step[1] + 1}>")
                    _note_refused(result, result.cells[step[1]])
                    result.seconds_cells += time.monotonic() - t0
                    history.append(step)
                else:
                    cell = trusted.cell(step[1])
                    if cell.has_test:
                        _, cases = cases_for(cell.grade_id, tuple(cell.checks))
                        reply, outputs = proc.probe(cases, timeout)
                        _note_refused(result, reply)
                        if isinstance(reply.get("seconds"), (int, float)):
                            result.seconds_checks += max(0.0, float(reply["seconds"]))
                        if outputs is None:
                            grade = not_graded(cell, f"the checks could not run: {reply['failure']}")
                        else:
                            grade = grade_cell(cell, outputs)
                            _name_failing_callees(grade, result.grades, history)
                    else:
                        grade = _fallback(proc, cell, timeout)
                    result.grades[cell.grade_id] = grade
                queue.popleft()
            except (TimedOut, ProcessDied) as exc:
                proc.close()
                proc = None
                restarts += 1
                queue.popleft()
                what = (f"the checks of grade cell {step[1]}" if step[0] == "grade"
                        else f"cell {step[1] + 1}")
                why = failure(exc, what, timeout)
                result.events.append(why + ("; a fresh process went on with the rest" if queue else ""))
                if step[0] == "grade":
                    result.grades[step[1]] = not_graded(trusted.cell(step[1]), why)
                else:
                    skip.add(step[1])
                    result.cells[step[1]] = {"error": {"ename": type(exc).__name__, "evalue": why,
                                                       "traceback": ""}, "stdout": "", "stderr": ""}
    finally:  # every student process is reaped, whatever went wrong
        if proc is not None:
            proc.close()
    result.seconds_total = time.monotonic() - started
    return result


def _name_failing_callees(grade, earlier, history):
    """A failed grade cell whose function calls one that failed its own grade cell says
    which to fix first (rnn_forward calling a wrong rnn_step_forward)."""
    if grade.score or not grade.func:
        return
    from ..visible import callee_note
    from .check import calls_in
    used = calls_in([step[2] for step in history], grade.func)
    failing = [g.func for g in earlier.values() if g.func in used and not g.score and g.points]
    note = callee_note(grade.func, list(dict.fromkeys(failing))).strip()
    if note:
        grade.note = f"{grade.note} {note}".strip()


def total(grades):
    return sum(g.score for g in grades.values())


__all__ = ["Execution", "execute", "CellGrade", "total"]
