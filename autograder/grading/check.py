"""``rnn-course check NOTEBOOK``: a student runs their notebook's visible checks, nothing hidden.

The notebook runs in a fresh process (grade cells and cells tagged ``demo`` are
skipped, so it takes seconds), then every graded function it defines is called
on its visible cases and the results are printed per function, with the same
messages the grade cells give. No reference solution or hidden test is needed.
"""
import ast
import sys
import tempfile
import time
from pathlib import Path

from ..cases import format_report, judge
from ..visible import _index, visible_cases
from .limits import Limits
from .prepare import DEMO_TAG, read
from .process import ProcessDied, StudentProcess, TimedOut


def defined_names(nb):
    names = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        names += [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    return names


def _blocks(funcs):
    """Earlier assignments' blocks for the notebook's assignment; None where suites are absent
    (a student's bundle, whose ``autograder.blocks`` holds only released blocks anyway)."""
    try:
        from ..suites import modules
        from .process import earlier_blocks
        score = {a: len({t.func for t in m.TESTS} & set(funcs)) for a, m in modules().items()}
    except Exception:
        return None
    best = max(score, key=score.get, default=None)
    return earlier_blocks(best) if best and score[best] else None


def run(path, limits=None, out=None):
    """Run the visible checks of the notebook at ``path``; return the number of failed functions."""
    out = out or sys.stdout
    if limits is None:  # the same sandbox as the grader where this machine has one
        from .sandbox import probe
        why = probe()
        if why:
            print(f"note: no kernel sandbox here ({why}); the notebook runs as you", file=out)
        limits = Limits(notebook_timeout=120, sandbox=not why)
    nb, reason = read(Path(path).read_bytes())
    if nb is None:
        print(f"{path}: {reason}", file=out)
        return 1
    funcs = [f for f in dict.fromkeys(defined_names(nb)) if f in _index()]
    if not funcs:
        print(f"{path}: no function with a visible check is defined in this notebook", file=out)
        return 1
    started = time.monotonic()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="rnn-check-") as work:
        try:
            proc = StudentProcess(work, limits, blocks=_blocks(funcs))
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if cell.cell_type != "code" or meta.get("grade") or DEMO_TAG in cell.metadata.get(
                        "tags", []):
                    continue
                r = proc.exec_cell(cell.source, limits.cell_timeout)
                if r.get("error"):
                    e = r["error"]
                    print(f"note: a cell raised {e['ename']}: {e['evalue'][:200]}", file=out)
            for func in funcs:
                note, cases = visible_cases(func)
                reply, outputs = proc.probe(cases, limits.cell_timeout)
                if outputs is None:
                    outputs = [{"error": "error:" + reply.get("failure", "no output")}] * len(cases)
                outcomes = [judge(c, o) for c, o in zip(cases, outputs)]
                failed += not all(o.passed for o in outcomes)
                print(format_report(func, outcomes, note), file=out)
            proc.close()
        except TimedOut:
            print(f"a cell or a check ran past {limits.cell_timeout:g} s: an infinite loop?", file=out)
            return 1
        except ProcessDied as exc:
            print(f"the notebook's process died: {exc}", file=out)
            return 1
    print(f"{len(funcs) - failed} of {len(funcs)} functions pass their visible checks "
          f"({time.monotonic() - started:.1f} s). The grade cells also run hidden cases.", file=out)
    return failed
