"""Visible checks: what a student runs from the notebook, ``check(sigmoid)``.

They read their cases (inputs, expected outputs, known mistakes) from the visible
files in ``autograder/data``; they need neither the reference solutions nor
TensorFlow and finish in well under a second. A failed check raises
:class:`CheckFailed` naming the function, the case, expected against actual, and
a likely cause when the mistake is a known one.
"""
import difflib
import json
import os
import re
import sys
from functools import lru_cache

from .cases import CheckFailed, format_report, judge, run_probe
from .visible_files import DATA, case_from_json

__all__ = ["check", "CheckFailed", "require_keras"]


@lru_cache(maxsize=None)
def graded_index():
    """func name -> (note, [case json]) over every visible file."""
    index = {}
    for path in sorted(DATA.glob("visible_*.json")):
        document = json.loads(path.read_text())
        for func, entry in document["functions"].items():
            index[func] = (entry["note"], entry["cases"])
    return index


@lru_cache(maxsize=None)
def _graded_by_assignment():
    """assignment -> the names its grade cells look up, from its visible file."""
    return {json.loads(p.read_text())["assignment"]: tuple(json.loads(p.read_text())["functions"])
            for p in sorted(DATA.glob("visible_*.json"))}


def missing_graded(defined):
    """{name: one-line reason} for the graded names of the notebook's assignment (the one
    sharing most names with ``defined``) that ``defined`` lacks.

    The grade cells look each function up by its name: one renamed or deleted scores 0,
    so the student's check must fail it too rather than check only what is there.
    """
    defined = set(defined)
    overlap = {a: len(defined & set(names)) for a, names in _graded_by_assignment().items()}
    best = max(overlap, key=overlap.get, default=None)
    if best is None or not overlap[best]:
        return {}
    return {name: not_defined_message(name, defined)
            for name in _graded_by_assignment()[best] if name not in defined}


def not_defined_message(name, defined=()):
    """``f: not defined after Run All ...``: the one line a missing graded name gets."""
    close = difflib.get_close_matches(name, [d for d in defined if d != name], n=1, cutoff=0.75)
    return (f"{name}: not defined after Run All, so its grade cell scores 0"
            + (f" (renamed to {close[0]}? the grader looks for {name})" if close
               else f" (the grader looks for a function named {name})"))


def visible_cases(func_name):
    if func_name not in graded_index():
        raise KeyError(f"there is no visible check for {func_name!r}; "
                       f"checks exist for: {', '.join(sorted(graded_index()))}")
    note, cases = graded_index()[func_name]
    return note, [case_from_json(c) for c in cases]


def run_check(obj, namespace=None, quiet=False, callees=True):
    """Run the visible cases of a function or class; return (passed, report).

    When it fails and calls another graded function that fails its own visible
    checks, the report says to fix that one first.
    """
    name = getattr(obj, "__name__", None)
    if not isinstance(name, str):
        raise TypeError("check() takes the function or class itself, for example check(sigmoid)")
    note, cases = visible_cases(name)
    ns = dict(namespace or {})
    ns[name] = obj
    outcomes = [judge(case, run_probe(case, ns)) for case in cases]
    report = format_report(name, outcomes, note)
    passed = all(o.passed for o in outcomes)
    if not passed and callees:
        report += callee_note(name, failing_callees(obj, ns))
    return passed, report


def called_names(obj):
    """Global names a function (or a class's methods) refers to, nested code included."""
    codes = [getattr(obj, "__code__", None)]
    codes += [getattr(v, "__code__", None) for v in vars(obj).values()] if isinstance(obj, type) else []
    names, stack = set(), [c for c in codes if c is not None]
    while stack:
        code = stack.pop()
        names.update(code.co_names)
        stack += [c for c in code.co_consts if hasattr(c, "co_names")]
    return names


def failing_callees(obj, namespace):
    """The graded functions ``obj`` calls (as the namespace defines them) that fail their
    own visible checks, in notebook order."""
    name = getattr(obj, "__name__", None)
    used = called_names(obj)
    failing = []
    for other in namespace:
        if other == name or other not in used or other not in graded_index():
            continue
        try:
            ok, _ = run_check(namespace[other], namespace, callees=False)
        except Exception:  # not a function of ours after all (a rebound name)
            continue
        if not ok:
            failing.append(other)
    return failing


CALLEE_MARK = "which fails its own checks"  # how a note names a failing callee (the report counts it)


def callee_note(func, failing):
    """The line that says which function to fix first (empty when none fails)."""
    if not failing:
        return ""
    names = ", ".join(failing)
    them = "it" if len(failing) == 1 else "them"
    return (f"\n  {func} calls {names}, {CALLEE_MARK}"
            f"{'' if len(failing) == 1 else ' (each)'}: fix {names} first "
            f"(check({failing[0]})), then check {func} again; its failures may all come from {them}.")


def check(obj):
    """Check a function or class against its visible cases; raise CheckFailed if one fails.

    Functions that call other graded functions use the caller's versions of them,
    as the notebook defines them.
    """
    namespace = sys._getframe(1).f_globals
    name = getattr(obj, "__name__", None)
    if isinstance(name, str) and name not in graded_index():
        close = difflib.get_close_matches(name, list(graded_index()), n=1, cutoff=0.75)
        if close:  # a renamed graded function: the grade cell will not find it
            raise CheckFailed(f"{name} is not a graded name: the grade cell looks for "
                              f"{close[0]}; rename {name} back to {close[0]}") from None
    passed, report = run_check(obj, namespace)
    if not passed:
        if os.environ.get("NBGRADER_EXECUTION") == "autograde":
            # In a grade cell under `nbgrader autograde`, grade() below judges these same
            # cases with the hidden ones and scores the cell (partial credit): say it once.
            return
        raise CheckFailed(report) from None
    print(report)


_KERAS_MISSING = []  # the ImportError, once it has been explained


class KerasRequired(ImportError):
    """Keras is missing where the notebook cannot go on without it (a graded Keras model)."""


def require_keras(needed_for=None):
    """Whether Keras and TensorFlow can be imported, for a cell that compares with Keras.

    A notebook's comparison cells start ``if not GRADING and require_keras():``.
    Without Keras the first such cell says once what to install, and every later one
    prints a single line and is skipped, instead of a ModuleNotFoundError followed by
    NameErrors. The checks and the grading never need Keras.

    A notebook that cannot go on without Keras (06 grades a Keras model) calls
    ``require_keras(needed_for="...")`` in its setup cell: without Keras that raises
    :class:`KerasRequired`, whose message says what it is needed for and what to install,
    so "Run All" stops there once instead of at a NameError further down.
    """
    if _KERAS_MISSING and needed_for is None:
        print("(skipped: this cell compares with Keras, which is not installed; see above)")
        return False
    try:
        quiet_tensorflow_import()
    except ImportError as exc:
        if needed_for is not None:
            raise KerasRequired(keras_required_message(exc, needed_for)) from None
        _KERAS_MISSING.append(exc)
        print(keras_missing_message(exc))
        return False
    return True


# TensorFlow's start-up lines that say nothing to a student (and show in red in Jupyter):
# written to the process's stderr before its logging is set up, so no log level hides them.
TF_NOISE = re.compile(r"All log messages before absl::InitializeLog|cudart_stub|cuInit|cuda_|"
                      r"oneDNN custom operations|cpu_feature_guard|To enable the following "
                      r"instructions|TensorRT|Unable to register cu(DNN|FFT|BLAS) factory|"
                      r"computation_placer|CUDA drivers")


def quiet_tensorflow_import():
    """Import Keras and TensorFlow without their start-up noise; any other line still shows.

    Sets, before the import (they are read then): ``TF_CPP_MIN_LOG_LEVEL=3`` (no cuInit
    "errors" on a machine without a GPU) and ``TF_ENABLE_ONEDNN_OPTS=0`` (the course's
    numbers; no oneDNN notice), unless already set. What TensorFlow's C++ side writes to the
    process's stderr while loading (which Jupyter shows in red) goes to a file, and its lines
    that are not :data:`TF_NOISE` are written back. Raises ImportError when either is missing.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    if sys.modules.get("tensorflow") is not None and sys.modules.get("keras") is not None:
        return  # imported already (a None entry is an import that failed: try it, and fail)
    import tempfile
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as caught:
        os.dup2(caught.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
            import keras  # noqa: F401
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            kept = [line for line in caught.read().decode(errors="replace").splitlines(True)
                    if line.strip() and not TF_NOISE.search(line)]
            sys.stderr.write("".join(kept))


def keras_required_message(exc, needed_for):
    """What a student reads when the notebook needs Keras and it is missing."""
    missing = getattr(exc, "name", None) or "keras"
    return (f"this notebook needs Keras for {needed_for}, and {missing} is not installed in "
            f"this Python ({sys.executable}). Install it, restart the kernel and run the "
            f"notebook again:\n    {_install_command()}")


def keras_missing_message(exc):
    """What a student reads once when a Keras comparison cell cannot run."""
    missing = getattr(exc, "name", None) or "keras"
    return (f"This cell and the other Keras comparisons are skipped: {missing} is not installed "
            f"in this Python ({sys.executable}).\nThey are optional (check() and grading do not "
            f"need Keras). To run them, install it, restart the kernel and run the notebook "
            f"again:\n    {_install_command()}")


def _install_command():
    """The student package's [keras] extra from the handout's wheel, else plain Keras."""
    python = f'"{sys.executable}"' if " " in sys.executable else sys.executable
    try:
        from importlib.metadata import distribution, packages_distributions
        dist = distribution(packages_distributions()["autograder"][0])
        if "keras" in (dist.metadata.get_all("Provides-Extra") or []):
            wheel = f"{dist.metadata['Name'].replace('-', '_')}-{dist.version}-py3-none-any.whl"
            return (f'{python} -m pip install "packages/{wheel}[notebook,keras]"   '
                    f"(from your handout folder)")
    except Exception:  # an unusual install: the plain command below works anyway
        pass
    return f"{python} -m pip install tensorflow keras"
