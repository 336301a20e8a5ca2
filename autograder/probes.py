"""Probes: the only code that runs next to a student's functions while grading.

A probe calls a student's function (or drives a student's class) on plain inputs
and returns plain outputs. Comparing the outputs with the expected values never
happens here: it happens in :mod:`autograder.cases`, which in isolated grading
runs in another process. :func:`run` runs one probe by its name in
:data:`PROBES`; the probes themselves, and the spec and output formats, are in
:mod:`.probes_core`, :mod:`.probes_training` and :mod:`.probes_models`.

These modules import only NumPy, the standard library and each other, so the
isolated grader sends their source text (:data:`PARTS`, then this module) into
the student's process and nothing there needs the instructor's package.
"""
import re
import traceback

from . import probes_core, probes_models, probes_training
from .probes_core import CACHE_FIELDS, ProbeError, build, call, flatten, methods  # noqa: F401

# The modules this one draws on, dependencies first: the grader sends their source too.
PARTS = (probes_core, probes_training, probes_models)

PROBES = {"call": call, "methods": methods, "chain": probes_training.chain,
          "numgrad": probes_training.numgrad, "minibatches": probes_training.minibatches,
          "call_in_place": probes_training.call_in_place,
          "train_two_layer": probes_training.train_two_layer,
          "model": probes_models.model, "keras_model": probes_models.keras_model,
          "sized": probes_models.sized, "last_states": probes_models.last_states}


def run(namespace, probe, spec, arrays):
    """Run one probe; any exception becomes an ``"error:..."`` entry, never escapes (with
    the feeds of an end-to-end case whose graded function raised)."""
    try:
        return PROBES[probe](namespace, spec, arrays)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        feeds = getattr(exc, "__dict__", {}).get(probes_training.FEEDS, {})
        return dict(_error(exc, spec), **{k: v for k, v in feeds.items()
                                          if k.startswith("feed/")})


def _error(exc, spec):
    """The ``{"error": ...}`` entry for an exception the student's code raised."""
    if isinstance(exc, ProbeError):
        return {"error": f"error:{exc}"}
    if isinstance(exc, NotImplementedError):
        stub = _raised_in(exc)
        if stub and stub != _graded_name(spec):  # a function it calls, not the one checked
            return {"error": f"error:NotImplementedError: {stub}, which it calls, is still the "
                             f"stub; write {stub} first"}
        return {"error": "error:NotImplementedError: the function is still the stub; "
                         "replace `raise NotImplementedError()` with your code"}
    return {"error": f"error:{type(exc).__name__}: {str(exc)[:500]}{where(exc)}"}


def _graded_name(spec):
    """The function or class a spec checks (the last call of a chain)."""
    if "calls" in spec and "cls" not in spec and spec["calls"]:
        return spec["calls"][-1].get("func", "")
    return spec.get("func") or spec.get("cls") or ""


def _raised_in(exc):
    """The name of the function that raised ``exc`` (its innermost frame in a notebook cell)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if _CELL_FILE.search(f.filename or "") or f.filename.startswith("<")]
    return frames[-1].name if frames and frames[-1].name != "<module>" else ""


# Files notebook cells are compiled under: ``<cell 7>`` (rnn-course-student check and
# rnn-course check), ``<cell>``, IPython's ``/tmp/ipykernel_<pid>/<hash>.py`` and the
# older ``<ipython-input-...>``.
_CELL_FILE = re.compile(r"^<cell(?: (\d+))?>$|ipykernel_\d+|^<ipython-input-")


def where(exc):
    """Where in the student's own cells ``exc`` was raised, for a message (or "").

    The innermost frame of a notebook cell, not NumPy's or this module's: a student
    reads "in rnn_step_forward, line 3 of code cell 12: `z = x_t @ W + b`".
    """
    cell = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if _CELL_FILE.search(frame.filename or ""):
            cell = frame
    if cell is None:
        return ""
    number = _CELL_FILE.match(cell.filename)
    place = f"code cell {number.group(1)}" if number and number.group(1) else "its cell"
    line = (cell.line or "").strip()
    return (f" (in {cell.name}, line {cell.lineno} of {place}"
            + (f": `{line[:160]}`" if line else "") + ")")
