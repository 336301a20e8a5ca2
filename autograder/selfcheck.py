"""rnn-course-student check NOTEBOOK: run a notebook's visible checks outside Jupyter.

The command runs the notebook's code cells in order in one namespace, quietly (it
skips the cells tagged ``demo`` and, as under grading, the code under
``if not GRADING:``), then runs the visible check of every graded function the
notebook defines and prints one report per function (a function whose cell does not
parse is reported as failed, with the syntax error). A cell or a function's checks
that run past ``--timeout`` seconds are stopped and named; the rest still runs. It
exits with status 0 when every check passes. These are the same checks as ``check(f)`` in the notebook;
the hidden checks that grading adds are not here.

Where a notebook needs Keras and it is missing (06 grades a Keras model), the cell that
says so is reported once, with what to install; the later cells that stop at a name it
would have defined are counted in that one note, and a graded function that needs Keras
is reported as not checked, not as a chain of errors.
"""
import argparse
import ast
import contextlib
import io
import json
import linecache
import os
import signal
import sys
import threading
import time
from pathlib import Path

from .notebook_check import (DEFINES, TIMEOUT, checks_timed_out, code_of, defined_in,
                             syntax_message, timed_out)
from .probes import where
from .visible import (CheckFailed, KerasRequired, called_names, callee_note, graded_index,
                      missing_graded, quiet_tensorflow_import, run_check)


class TimeLimit(KeyboardInterrupt):
    """A cell or a check ran past its time limit (a KeyboardInterrupt, so that neither the
    student's ``except Exception`` nor the probes' error handling swallows it)."""


@contextlib.contextmanager
def time_limit(seconds):
    """Raise TimeLimit in this thread after ``seconds`` (no limit: 0, None, or where POSIX
    timers are missing, as on Windows, or off the main thread)."""
    usable = (seconds and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise TimeLimit()

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_notebook(path, timeout=TIMEOUT):
    """Execute a notebook's code cells.

    Returns (namespace, errors, order, broken): errors is [(cell number, message)] for
    the cells that raised, ran past ``timeout`` seconds or do not parse; ``order`` the
    names the cells define, in notebook order; ``broken`` {name: message} for names
    whose defining cell has a syntax error (so the function is reported, not dropped).
    """
    path = Path(path).resolve()
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace = {"__name__": "__main__", "__file__": str(path)}
    errors, order, broken = [], [], {}
    old_cwd = os.getcwd()
    old_env = {k: os.environ.get(k) for k in ("MPLBACKEND", "NBGRADER_EXECUTION")}
    os.environ.setdefault("MPLBACKEND", "Agg")
    # The course's flag for "skip what only demonstrates", as nbgrader sets it.
    os.environ.setdefault("NBGRADER_EXECUTION", "selfcheck")
    os.chdir(path.parent)  # data files next to the notebook are found as in Jupyter
    keras = None  # (cell number, message) once a cell said the notebook needs Keras
    after_keras = []  # later cells that stopped at a name that cell would have defined
    try:
        for number, cell in enumerate(cells, 1):
            if cell.get("cell_type") != "code" or "demo" in cell.get("metadata", {}).get("tags", []):
                continue
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
                continue  # grade cells only call check(); the checks run below
            raw = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            source, name = code_of(raw), f"<cell {number}>"
            try:
                code = compile(source, name, "exec")
            except SyntaxError as exc:
                errors.append((number, syntax_message(exc)))
                for func in DEFINES.findall(source):
                    broken.setdefault(func, f"its cell (code cell {number}) has a "
                                            f"{syntax_message(exc)}, so it was never defined")
                    order.append(func)
                continue
            defines = defined_in(ast.parse(source))
            order += defines
            # So tracebacks and messages can quote the student's own line.
            linecache.cache[name] = (len(source), None, source.splitlines(True), name)
            out = io.StringIO()
            try:
                with time_limit(timeout), contextlib.redirect_stdout(out), \
                        contextlib.redirect_stderr(out):
                    exec(code, namespace)
            except TimeLimit:
                errors.append((number, timed_out(number, timeout, source)))
            except CheckFailed:
                continue  # the same check runs again below, with its report
            except KerasRequired as exc:  # said once; what follows from it is counted there
                keras = keras or (number, str(exc).strip())
            except NameError as exc:
                if keras is None:
                    errors.append((number, f"NameError: {exc}" + where(exc)))
                else:
                    after_keras.append(number)
            except Exception as exc:  # a failing cell is reported, the rest still runs
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                message = (f"{type(exc).__name__}: {first}" if first else
                           type(exc).__name__ + (" (a function it calls is still the stub)"
                                                 if isinstance(exc, NotImplementedError) else ""))
                errors.append((number, message + where(exc)))
            for func in defines:
                if func in namespace:
                    broken.pop(func, None)  # defined again, correctly, in a later cell
        if keras:
            later = (f"\n    (code cells {', '.join(map(str, after_keras))} then stopped at names "
                     "it would have defined)" if after_keras else "")
            errors.append((keras[0], f"{keras[1]}{later}"))
            errors.sort(key=lambda e: e[0])
        try:
            import matplotlib.pyplot as plt
            plt.close("all")
        except ImportError:
            pass
    finally:
        os.chdir(old_cwd)
        for key, value in old_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return namespace, errors, list(dict.fromkeys(order)), broken


def graded_functions(namespace, order=None, broken=()):
    """Names the notebook itself defines (or tried to) that have a visible check, in
    notebook order."""
    index = graded_index()
    mine = [name for name, obj in namespace.items()
            if name in index and getattr(obj, "__module__", None) == "__main__"]
    order = list(order or mine)
    return [n for n in dict.fromkeys(order + mine) if n in index and (n in broken or n in mine)]


def check_notebook(path, stream=None, timeout=TIMEOUT):
    """Run a notebook and its visible checks; return {function: passed}."""
    stream = stream or sys.stdout
    started = time.monotonic()
    namespace, errors, order, broken = run_notebook(path, timeout)
    for number, error in errors:
        verb = (" " if error.startswith("ran past") else
                ": " if error.startswith("this notebook needs Keras") else " raised ")
        print(f"note: code cell {number}{verb}{error}", file=stream)
    results = {}
    graded = graded_functions(namespace, order, broken)
    defined = set(graded) | {n for n, obj in namespace.items()
                             if getattr(obj, "__module__", None) == "__main__"}
    for name, message in missing_graded(defined).items():
        results[name] = False
        print("FAIL " + message, file=stream)
    for name in graded:
        if name in broken:
            passed, report = False, f"{name}: not checked: {broken[name]}."
        else:
            try:
                with time_limit(timeout):
                    passed, report = run_check(namespace[name], namespace)
                if not passed and _needs_missing_keras(namespace[name]):
                    report = (f"{name}: not checked: Keras is not installed here (the note "
                              "above says what to install).")
                elif not passed:  # it may call a function whose cell does not parse
                    report += callee_note(name, [n for n in broken
                                                 if n in called_names(namespace[name])])
            except TimeLimit:
                passed, report = False, checks_timed_out(name, timeout)
        results[name] = passed
        print(("PASS " if passed else "FAIL ") + report, file=stream)
    if not results:
        print(f"{Path(path).name}: no function with a visible check is defined in it", file=stream)
    else:
        failed = sum(not ok for ok in results.values())
        print(f"{Path(path).name}: {len(results) - failed} of {len(results)} functions pass "
              f"their visible checks ({time.monotonic() - started:.1f} s)", file=stream)
    return results


def _needs_missing_keras(func):
    """Whether ``func`` uses Keras and Keras cannot be imported here."""
    code = getattr(func, "__code__", None)
    if code is None or "keras" not in code.co_names:
        return False
    try:
        quiet_tensorflow_import()  # as the notebooks import it: no start-up noise in red
    except ImportError:
        return True
    return False


def main(argv=None):
    from . import __version__
    p = argparse.ArgumentParser(prog="rnn-course-student", description=__doc__.split("\n\n")[0])
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(title="commands", metavar="COMMAND", required=True)
    c = sub.add_parser("check", help="run the visible checks of the functions a notebook defines")
    c.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    c.add_argument("--timeout", type=float, default=TIMEOUT, metavar="SECONDS",
                   help=f"stop a cell, or one function's checks, after SECONDS (default "
                        f"{TIMEOUT:g}; 0: no limit). The other cells and checks still run.")
    args = p.parse_args(argv)
    ok = True
    for notebook in args.notebooks:
        results = check_notebook(notebook, timeout=args.timeout)
        ok = ok and bool(results) and all(results.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
