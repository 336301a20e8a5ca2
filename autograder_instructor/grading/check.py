"""``rnn-course check NOTEBOOK``: a student runs their notebook's visible checks, nothing hidden.

The notebook runs in a fresh process (grade cells and cells tagged ``demo`` are
skipped, so it takes seconds), then every graded function it defines is called
on its visible cases and the results are printed per function, with the same
messages the grade cells give. No reference solution or hidden test is needed.

A cell, or one function's checks, that runs past ``--timeout`` seconds is stopped
and named (its number and first line); a fresh process replays the cells that
completed and the rest of the notebook and every other function's checks still
run. A function whose cell does not parse is reported as failed with its syntax
error, never dropped from the report.
"""
import re
import sys
import tempfile
import time
from pathlib import Path

from autograder.cases import format_report, judge
from autograder.notebook_check import (TIMEOUT, calls_in, checks_timed_out, defined_names,
                                       first_line, syntax_errors, timed_out)
from autograder.visible import callee_note, graded_index, missing_graded, visible_cases

from .limits import Limits
from .prepare import DEMO_TAG, read
from .process import GraderFault, ProcessDied, StudentProcess, TimedOut

RESTARTS = 3  # fresh processes after a timeout, per check run
# The innermost frame of a named cell in a kernel traceback: file, line, function, source.
_FRAME = re.compile(r'File "<cell (\d+)>", line (\d+), in (\S+)\n(?:[ \t]+(\S.*)\n)?')


def _sources(nb):
    return [c.source for c in nb.cells if c.cell_type == "code"]


def calls(nb, func):
    """Names the notebook's definition of ``func`` refers to (the functions it calls)."""
    return calls_in(_sources(nb), func)


def _blocks(funcs):
    """Earlier assignments' blocks for the notebook's assignment; None where suites are absent
    (a student's bundle, whose ``autograder.blocks`` holds only released blocks anyway)."""
    try:
        from ..suites import modules
        from ..student_blocks import earlier_blocks
        score = {a: len({t.func for t in m.TESTS} & set(funcs)) for a, m in modules().items()}
    except Exception:
        return None
    best = max(score, key=score.get, default=None)
    return earlier_blocks(best) if best and score[best] else None


def _cell_error(number, source, error):
    """``cell 7 raised ValueError: ... (in f, line 3: `z = x @ W`)``."""
    text = f"cell {number} raised {error['ename']}: {error['evalue'][:200]}"
    frames = _FRAME.findall(error.get("traceback") or "")
    if frames:
        cell, line, func, code = frames[-1]
        where = f"in {func}, " if func != "<module>" else ""
        text += f" ({where}line {line} of cell {cell}" + (f": `{code.strip()}`)" if code else ")")
    else:
        text += f" (the cell starting `{first_line(source)}`)"
    return text


class _Run:
    """The student process of one check run, restarted (cells replayed) after a timeout."""

    def __init__(self, work, limits, blocks):
        self.work, self.limits, self.blocks = work, limits, blocks
        self.done = []  # (name, source) of the cells that completed, to replay
        self.restarts = 0
        self.proc = StudentProcess(work, limits, blocks=blocks)

    def restart(self):
        self.proc.kill()
        if self.restarts >= RESTARTS:
            raise ProcessDied(f"stopped after {RESTARTS} time-outs")
        self.restarts += 1
        self.proc = StudentProcess(self.work, self.limits, blocks=self.blocks)
        for name, source in self.done:
            self.proc.exec_cell(source, self.limits.cell_timeout, name)

    def close(self):
        self.proc.close()


def run(path, limits=None, out=None, timeout=None):
    """Run the visible checks of the notebook at ``path``; return the number of failed functions.

    ``timeout`` (seconds per cell and per function's checks) overrides ``limits``.
    """
    out = out or sys.stdout
    if timeout is not None or limits is None:
        from .sandbox import probe  # the same sandbox as the grader where this machine has one
        why = probe()
        if why:
            print(f"note: no kernel sandbox here ({why}); the notebook runs as you", file=out)
        from .budget import probe as cgroups  # a student's own machine rarely lets one write them
        timeout = TIMEOUT if timeout is None else timeout
        limits = Limits(cell_timeout=timeout, sandbox=not why, cgroups=not cgroups(),
                        notebook_timeout=max(120.0, (RESTARTS + 1) * 2 * timeout))
    nb, reason = read(Path(path).read_bytes())
    if nb is None:
        print(f"{path}: {reason}", file=out)
        return 1
    funcs = [f for f in dict.fromkeys(defined_names(_sources(nb))) if f in graded_index()]
    if not funcs:
        print(f"{path}: no function with a visible check is defined in this notebook", file=out)
        return 1
    broken = syntax_errors([(n, c.source) for n, c in enumerate(nb.cells, 1)
                            if c.cell_type == "code"])
    started = time.monotonic()
    results = {}
    for func, message in missing_graded(defined_names(_sources(nb))).items():
        results[func] = False
        print(message, file=out)
    with tempfile.TemporaryDirectory(prefix="rnn-check-") as work:
        try:
            run_ = _Run(work, limits, _blocks(funcs))
            for number, cell in enumerate(nb.cells, 1):
                meta = cell.metadata.get("nbgrader", {})
                if cell.cell_type != "code" or meta.get("grade") or DEMO_TAG in cell.metadata.get(
                        "tags", []):
                    continue
                name = f"<cell {number}>"
                try:
                    r = run_.proc.exec_cell(cell.source, limits.cell_timeout, name)
                except TimedOut:
                    print(f"note: cell {number} "
                          f"{timed_out(number, limits.cell_timeout, cell.source)}", file=out)
                    run_.restart()
                    continue
                run_.done.append((name, cell.source))
                if r.get("error"):
                    print("note: " + _cell_error(number, cell.source, r["error"]), file=out)
            for func in funcs:
                if func in broken:
                    results[func] = False
                    print(f"{func}: not checked: {broken[func]}.", file=out)
                    continue
                note, cases = visible_cases(func)
                try:
                    reply, outputs = run_.proc.probe(cases, limits.cell_timeout)
                except TimedOut:
                    results[func] = False
                    print(checks_timed_out(func, limits.cell_timeout), file=out)
                    run_.restart()
                    continue
                if outputs is None:
                    outputs = [{"error": "error:" + reply.get("failure", "no output")}] * len(cases)
                outcomes = [judge(c, o) for c, o in zip(cases, outputs)]
                results[func] = all(o.passed for o in outcomes)
                failing = [f for f in results if not results[f] and f in calls(nb, func)]
                print(format_report(func, outcomes, note)
                      + (callee_note(func, failing) if not results[func] else ""), file=out)
            run_.close()
        except ProcessDied as exc:
            print(f"the notebook's process died: {exc}", file=out)
            return 1
        except GraderFault as exc:  # the checker's own process failed: not the student's doing
            print(f"the checker could not run your notebook ({exc}); try again", file=out)
            return 2
    failed = sum(not ok for ok in results.values())
    print(f"{len(results) - failed} of {len(results)} functions pass their visible checks "
          f"({time.monotonic() - started:.1f} s). The grade cells also run hidden cases.", file=out)
    return failed
