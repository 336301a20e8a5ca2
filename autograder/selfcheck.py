"""``rnn-course-student check NOTEBOOK``: run a notebook's visible checks outside Jupyter.

The command runs the notebook's code cells in order in one namespace, quietly (it
skips the cells tagged ``demo`` and, as under grading, the code under
``if not GRADING:``), then runs the visible check of every graded function the
notebook defines and prints one report per function. It exits with status 0 when
every check passes. These are the same checks as ``check(f)`` in the notebook;
the hidden checks that grading adds are not here.
"""
import argparse
import contextlib
import io
import json
import os
import sys
from pathlib import Path

from .visible import CheckFailed, _index, run_check


def _code(cell):
    """A cell's source with IPython magics and shell lines turned into ``pass``."""
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[:len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines)


def run_notebook(path):
    """Execute a notebook's code cells; return (namespace, [(cell number, error), ...])."""
    path = Path(path).resolve()
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace = {"__name__": "__main__", "__file__": str(path)}
    errors = []
    old_cwd = os.getcwd()
    old_env = {k: os.environ.get(k) for k in ("MPLBACKEND", "NBGRADER_EXECUTION")}
    os.environ.setdefault("MPLBACKEND", "Agg")
    # The course's flag for "skip what only demonstrates", as nbgrader sets it.
    os.environ.setdefault("NBGRADER_EXECUTION", "selfcheck")
    os.chdir(path.parent)  # data files next to the notebook are found as in Jupyter
    try:
        for number, cell in enumerate(cells, 1):
            if cell.get("cell_type") != "code" or "demo" in cell.get("metadata", {}).get("tags", []):
                continue
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
                continue  # grade cells only call check(); the checks run below
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                    exec(compile(_code(cell), f"<cell {number}>", "exec"), namespace)
            except CheckFailed:
                continue  # the same check runs again below, with its report
            except Exception as exc:  # a failing cell is reported, the rest still runs
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                errors.append((number, f"{type(exc).__name__}: {first}" if first else
                               type(exc).__name__ + (" (a function it calls is still the stub)"
                                                     if isinstance(exc, NotImplementedError) else "")))
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
    return namespace, errors


def graded_functions(namespace):
    """Names the notebook itself defines that have a visible check, in notebook order."""
    index = _index()
    return [name for name, obj in namespace.items()
            if name in index and getattr(obj, "__module__", None) == "__main__"]


def check_notebook(path, stream=sys.stdout):
    """Run a notebook and its visible checks; return {function: passed}."""
    namespace, errors = run_notebook(path)
    for number, error in errors:
        print(f"note: code cell {number} raised {error}", file=stream)
    results = {}
    for name in graded_functions(namespace):
        passed, report = run_check(namespace[name], namespace)
        results[name] = passed
        print(("PASS " if passed else "FAIL ") + report, file=stream)
    if not results:
        print(f"{Path(path).name}: no function with a visible check is defined in it", file=stream)
    else:
        failed = sum(not ok for ok in results.values())
        print(f"{Path(path).name}: {len(results) - failed} of {len(results)} functions pass "
              f"their visible checks", file=stream)
    return results


def main(argv=None):
    from . import __version__
    p = argparse.ArgumentParser(prog="rnn-course-student", description=__doc__.split("\n\n")[0])
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(title="commands", metavar="COMMAND", required=True)
    c = sub.add_parser("check", help="run the visible checks of the functions a notebook defines")
    c.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    args = p.parse_args(argv)
    ok = True
    for notebook in args.notebooks:
        results = check_notebook(notebook)
        ok = ok and bool(results) and all(results.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
