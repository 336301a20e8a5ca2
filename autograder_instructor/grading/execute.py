"""Run a plan in a student process and judge each grade cell where it stands in the notebook.

Cells run in the student's order; at a grade cell the parent sends that cell's
inputs and receives plain outputs, so a later cell that redefines a function
cannot change an earlier grade, just as under plain nbgrader. When the process
dies or overruns a limit, the action that caused it earns nothing (a grade cell) or
is skipped (an ordinary cell), a fresh process replays the cells that ran before,
and grading goes on, up to ``Limits.restarts`` times and within the notebook's
time limit.
"""
import time
from collections import deque
from dataclasses import dataclass, field

from .judge import checks_for, finish, not_graded
from .prepare import RunCell
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


def execute(plan, trusted, limits, workdir, deny=()):
    """Execute ``plan`` (see :mod:`.prepare`); return an :class:`Execution`."""
    return Runner(plan, trusted, limits, workdir, deny).run()


class Runner:
    """One plan's run: the actions still to take, the student process that takes them, and a
    fresh process (the completed cells replayed) after one dies or overruns a limit."""

    def __init__(self, plan, trusted, limits, workdir, deny=()):
        self.trusted, self.limits, self.workdir, self.deny = trusted, limits, workdir, deny
        self.started = time.monotonic()
        self.deadline = self.started + limits.notebook_timeout
        self.result = Execution()
        self.queue = deque(plan.actions)
        self.history = []  # RunCell actions that completed once, replayed in a fresh process
        self.skip = set()  # cells that crashed or hung: never run again
        self.proc, self.restarts = None, 0

    def run(self):
        try:
            while self.queue:
                left = self.ready()
                if left is None:
                    break
                action = self.queue[0]
                timeout = min(self.limits.cell_timeout, left)
                try:
                    self.take(action, timeout)
                    self.queue.popleft()
                except (TimedOut, ProcessDied) as exc:
                    self.lost(action, exc, timeout)
        finally:  # every student process is reaped, whatever went wrong
            if self.proc is not None:
                self.proc.close()
        self.result.seconds_total = time.monotonic() - self.started
        return self.result

    def ready(self):
        """Seconds left once a process is running (started afresh if need be); None when
        grading gave up (time limit, too many restarts, no process could start)."""
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                return self.give_up("the notebook ran past its time limit of "
                                    f"{self.limits.notebook_timeout:g} s")
            if self.proc is not None:
                return left
            if self.restarts > self.limits.restarts:
                return self.give_up(f"the notebook's process failed {self.restarts} times; "
                                    "grading stopped")
            try:
                self.proc = self.start()
            except (ProcessDied, TimedOut) as exc:
                return self.give_up(f"a process for the notebook could not be started ({exc})")
            if self.proc is None:
                self.restarts += 1
            else:  # measured before the replay, whose cells had timeouts of their own
                return left

    def give_up(self, reason):
        """Every grade cell still to come earns nothing, for ``reason``."""
        for action in self.queue:
            if not isinstance(action, RunCell) and action.grade_id not in self.result.grades:
                self.result.grades[action.grade_id] = not_graded(self.trusted.cell(action.grade_id),
                                                               reason)
        self.queue.clear()
        return None

    def failure(self, exc, what, timeout):
        """What a student reads about ``what`` having died or overrun ``timeout``."""
        limits = self.limits
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

    def start(self):
        """A fresh process with the cells that completed before replayed; None if one failed."""
        new = StudentProcess(self.workdir, self.limits, self.deny, blocks=self.trusted.blocks)
        try:
            return self.replay(new)
        except BaseException:  # a grader fault while replaying: reap it before going up
            new.close()
            raise

    def replay(self, new):
        for action in self.history:
            if action.index in self.skip:
                continue
            timeout = min(self.limits.cell_timeout, self.deadline - time.monotonic())
            try:
                t0 = time.monotonic()
                new.exec_cell(action.source, timeout, f"<cell {action.index + 1}>")
                self.result.seconds_cells += time.monotonic() - t0
            except (TimedOut, ProcessDied) as exc:
                new.close()
                self.skip.add(action.index)
                self.result.events.append(
                    self.failure(exc, f"cell {action.index + 1} (run again)", timeout))
                return None
        return new

    def take(self, action, timeout):
        """Run one action in the current process."""
        result = self.result
        if isinstance(action, RunCell):
            t0 = time.monotonic()
            result.cells[action.index] = self.proc.exec_cell(action.source, timeout,
                                                           f"<cell {action.index + 1}>")
            _note_refused(result, result.cells[action.index])
            result.seconds_cells += time.monotonic() - t0
            self.history.append(action)
            return
        cell = self.trusted.cell(action.grade_id)
        if not cell.has_test:
            result.grades[cell.grade_id] = _fallback(self.proc, cell, timeout)
            return
        checks = checks_for(cell)
        reply, outputs = self.proc.probe(checks.cases, timeout)
        _note_refused(result, reply)
        if isinstance(reply.get("seconds"), (int, float)):
            result.seconds_checks += max(0.0, float(reply["seconds"]))
        if outputs is None:
            grade = not_graded(cell, f"the checks could not run: {reply['failure']}")
        else:
            grade = checks.grade(cell, outputs)
            _name_failing_callees(grade, result.grades, self.history)
        result.grades[cell.grade_id] = grade

    def lost(self, action, exc, timeout):
        """The action killed the process or overran: it earns nothing or is skipped."""
        self.proc.close()
        self.proc = None
        self.restarts += 1
        self.queue.popleft()
        graded = not isinstance(action, RunCell)
        what = f"the checks of grade cell {action.grade_id}" if graded else f"cell {action.index + 1}"
        why = self.failure(exc, what, timeout)
        self.result.events.append(why + ("; a fresh process went on with the rest"
                                         if self.queue else ""))
        if graded:
            self.result.grades[action.grade_id] = not_graded(self.trusted.cell(action.grade_id), why)
        else:
            self.skip.add(action.index)
            self.result.cells[action.index] = {
                "error": {"ename": type(exc).__name__, "evalue": why, "traceback": ""},
                "stdout": "", "stderr": ""}


def _fallback(proc, cell, timeout):
    """A grade cell without isolated checks runs its trusted source in the student process."""
    r = proc.exec_cell(cell.source, timeout)
    failed = r.get("error") or r.get("stderr")
    message = (r["error"]["ename"] + ": " + r["error"]["evalue"]) if r.get("error") else (
        "the cell wrote to stderr" if failed else "")
    from autograder.cases import Outcome
    grade = finish(cell, cell.grade_id, [Outcome("the grade cell's own tests", not failed, message)])
    grade.note = "this grade cell has no isolated checks; it ran inside your notebook's process"
    return grade


def _note_refused(result, reply):
    for message in reply.get("refused") or []:
        if isinstance(message, str) and message[:300] not in result.refused and len(result.refused) < 10:
            result.refused.append(message[:300])


def _name_failing_callees(grade, earlier, history):
    """A failed grade cell whose function calls one that failed its own grade cell says
    which to fix first (rnn_forward calling a wrong rnn_step_forward)."""
    if grade.score >= grade.points or not grade.func:
        return
    from autograder.visible import callee_note
    from autograder.notebook_check import calls_in
    used = calls_in([action.source for action in history], grade.func) | _meant_to_call(grade)
    failing = [g.func for g in earlier.values() if g.func in used and g.score < g.points]
    grade.callees = list(dict.fromkeys(failing))  # the class report counts these apart
    note = callee_note(grade.func, grade.callees).strip()
    if note:
        grade.note = f"{grade.note} {note}".strip()


def _meant_to_call(grade):
    """The graded functions a grade cell's checks are meant to call besides its own."""
    from ..suites import find_test
    try:
        return set(find_test(grade.grade_id).calls)
    except KeyError:
        return set()


__all__ = ["Execution", "Runner", "execute"]
