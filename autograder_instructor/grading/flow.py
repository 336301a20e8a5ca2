"""One submission's grading as an ordered list of small steps, as nbgrader's autograde reads.

read -> prepare the plan -> copy the assignment's files -> execute -> trim outputs -> fill
missing grade rows -> total. Each step is a :class:`.context.Step`, held by the same
:class:`.context.Context` as the class's steps (:mod:`.pipeline`) to the values it
``needs`` and ``makes``.

A step marked ``always`` runs whatever happened before; the others are skipped once
the result is ``fatal`` (no file, or a file that is not a notebook): what cannot be
run is not run, and every grade cell still gets a row.
"""
import shutil
from pathlib import Path

from . import prepare
from .context import Context, Step
from .execute import execute
from .result import CellGrade, Result

# What one submission's steps start from: its Task, the course's Trusted cells, its Limits,
# the folder its process runs in, and its (so far empty) Result.
INPUTS = ("task", "trusted", "limits", "work", "result")


class Read(Step):
    """The submitted file's bytes; no file at all is fatal."""
    needs = ("task",)
    makes = ("data", "result")

    def __call__(self, sub):
        sub["data"] = None
        if not sub["task"].path:
            sub["result"].fatal = "no notebook was submitted"
        else:
            sub["data"] = Path(sub["task"].path).read_bytes()


class Prepare(Step):
    """Which cells run and where each grade cell is (see :mod:`.prepare`); what the student
    reads about their file, and the checksums of their answers."""
    needs = ("data", "trusted")
    makes = ("plan", "result")

    def __call__(self, sub):
        sub["plan"] = prepare.plan(sub["data"], sub["trusted"])
        sub["result"].problems = sub["plan"].problems
        sub["result"].fatal = sub["plan"].fatal
        sub["result"].answers = sub["plan"].answers


class CopyFiles(Step):
    """The assignment's own files (data, images) come from the course, as nbgrader does."""
    needs = ("task", "work")
    makes = ("work",)
    max_bytes = 50e6  # a file this large is not a data file a notebook needs
    skip_suffix = ".ipynb"  # the notebooks stay the course's

    def __call__(self, sub):
        folder = sub["task"].copy_from
        if folder and Path(folder).is_dir():
            for item in Path(folder).iterdir():
                if item.is_file() and item.suffix != self.skip_suffix and \
                        item.stat().st_size < self.max_bytes:
                    shutil.copy(item, sub["work"] / item.name)


class Execute(Step):
    """Run the plan in the student's process and judge each grade cell (see
    :mod:`.execute`); the crashes, refusals and memory errors it met go in the result."""
    needs = ("plan", "trusted", "limits", "work", "task")
    makes = ("execution", "result")

    def __call__(self, sub):
        ex = execute(sub["plan"], sub["trusted"], sub["limits"], sub["work"], sub["task"].deny)
        sub["execution"] = ex
        sub["result"].grades = list(ex.grades.values())
        sub["result"].events = ex.events + _memory_events(sub["result"].grades, sub["limits"])
        sub["result"].problems += [f"refused by the grader: {m}" for m in ex.refused]
        sub["result"].seconds_cells = ex.seconds_cells
        sub["result"].seconds_total = ex.seconds_total
        sub["result"].seconds_checks = ex.seconds_checks


def _memory_events(grades, limits):
    """A check that ran out of memory is caught like any error; the instructor should see it."""
    return [f"{g.grade_id}: the student's code ran out of memory (limit {limits.memory_mb} MB)"
            for g in grades if any("MemoryError" in o.get("message", "") for o in g.outcomes)]


class TrimOutputs(Step):
    """What each executed cell printed or raised, trimmed, for the journal and the autograded
    notebook; the cells dropped because the notebook's budget ran out are said."""
    needs = ("execution", "result")
    makes = ("result",)
    cell_limit = 4000  # characters kept of each output field of a cell
    notebook_limit = 200_000  # characters kept of all cells' outputs of one notebook

    def __call__(self, sub):
        sub["result"].cells, dropped = self.log(sub["execution"].cells)
        if dropped:
            sub["result"].problems.append(
                f"the output of {dropped} cells was not kept: the notebook printed more "
                f"than {self.notebook_limit:,} characters in all (grading does not depend on it)")

    def log(self, cells):
        """(log, how many cells' outputs were dropped) of ``{cell index: reply}``."""
        out, dropped, budget, limit = {}, 0, self.notebook_limit, self.cell_limit
        for index, r in sorted(cells.items()):
            error = r.get("error") if isinstance(r.get("error"), dict) else None
            entry = {"stdout": _text(r.get("stdout"), limit),
                     "stderr": _text(r.get("stderr"), limit),
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


def _text(value, limit):
    return value[:limit] if isinstance(value, str) else ""


class FillMissing(Step):
    """Every autograded cell gets a row, in notebook order: one never reached earns nothing,
    and says why (the file's fatal problem, else "not graded")."""
    needs = ("trusted", "result")
    makes = ("result",)
    always = True

    def __call__(self, sub):
        result = sub["result"]
        graded = {g.grade_id for g in result.grades}
        result.grades += [CellGrade.zero(cell, result.fatal or "not graded")
                          for cell in sub["trusted"].grade_cells
                          if cell.kind == "code" and cell.grade_id not in graded]
        order = {c.grade_id: i for i, c in enumerate(sub["trusted"].grade_cells)}
        result.grades.sort(key=lambda g: order.get(g.grade_id, 1e9))


class Total(Step):
    """The automatic score and the notebook's maximum (written answers count at 0 here)."""
    needs = ("trusted", "result")
    makes = ("result",)
    always = True

    def __call__(self, sub):
        sub["result"].score = sum(g.score for g in sub["result"].grades)
        sub["result"].max_score = sub["trusted"].max_score


STEPS = [Read(), Prepare(), CopyFiles(), Execute(), TrimOutputs(), FillMissing(), Total()]


def grade(task, trusted, limits, work):
    """Run every step for ``task`` in the folder ``work``; return its :class:`Result`."""
    sub = Context({"task": task, "trusted": trusted, "limits": limits, "work": Path(work),
                   "result": Result.for_task(task)})
    for step in STEPS:
        if step.always or not sub["result"].fatal:
            sub.run(step)
    return sub["result"]
