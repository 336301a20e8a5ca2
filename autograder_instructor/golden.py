"""Golden values, the instructor's side: the stored files that checks read, made and checked.

Two kinds of files:

- ``autograder_instructor/data/keras_<assignment>.npz``: inputs and Keras/TensorFlow
  outputs for fixed cases,
  made by the generators in :mod:`autograder_instructor.keras_golden` (float64, CPU), so that
  grading never imports TensorFlow. Hidden checks read them
  (:func:`.keras_values.load`).
  ``rnn-course golden --check`` recomputes them with live Keras and fails on any
  difference; a project test runs that.
- ``autograder/data/visible_<assignment>.json``: the visible checks' cases, written here from the
  suites' visible cases. Reading them, and their JSON codec, is
  :mod:`autograder.visible_files`, which ships to students; this module does not.
"""
import importlib
import json
import math
import pkgutil
from pathlib import Path

import numpy as np

from autograder.visible_files import case_to_json, dumps, visible_path

from . import keras_golden
from .keras_values import keras_path, load
from .suites import modules, suite


def generators():
    """assignment -> generator function from :mod:`autograder_instructor.keras_golden`."""
    found = {}
    for info in pkgutil.iter_modules(keras_golden.__path__):
        if info.name.startswith("_"):  # a helper of the generators (_tape), not one
            continue
        module = importlib.import_module(f"{keras_golden.__name__}.{info.name}")
        found[module.ASSIGNMENT] = module.generate
    return dict(sorted(found.items()))


def write_keras(assignments=None):
    written = []
    for assignment, generate in generators().items():
        if assignments and assignment not in assignments:
            continue
        values = generate()
        np.savez_compressed(keras_path(assignment), **values)
        written.append(keras_path(assignment))
    return written


def check_keras(assignments=None, rtol=1e-10, atol=1e-12):
    """Recompute with live Keras; return a list of differences (empty when all agree)."""
    problems = []
    for assignment, generate in generators().items():
        if assignments and assignment not in assignments:
            continue
        live = generate()
        if not keras_path(assignment).exists():
            problems.append(f"{keras_path(assignment).name} is missing: run `rnn-course golden`")
            continue
        stored = load(assignment)
        for key in sorted(set(live) | set(stored)):
            if key not in stored or key not in live:
                problems.append(f"{assignment}: {key} only in {'live' if key in live else 'stored'}")
            elif live[key].shape != stored[key].shape or not np.allclose(
                    live[key], stored[key], rtol=rtol, atol=atol):
                problems.append(f"{assignment}: {key} differs from live Keras")
    return problems


# ---- visible cases ---------------------------------------------------------------
# The suites import this module (for load), so they are imported here when needed.

def visible_document(assignment):
    """The visible file's content, built from the suite's visible cases."""
    module = suite(assignment)
    functions = {}
    for func, (make_cases, note) in module.VISIBLE.items():
        functions[func] = {"note": note, "cases": [case_to_json(c) for c in make_cases()]}
    return {"assignment": assignment, "functions": functions}


def write_visible(assignments=None):
    written = []
    for assignment in modules():
        if assignments and assignment not in assignments:
            continue
        visible_path(assignment).write_text(dumps(visible_document(assignment)))
        written.append(visible_path(assignment))
    return written


def check_visible(assignments=None):
    problems = []
    for assignment in modules():
        if assignments and assignment not in assignments:
            continue
        path = visible_path(assignment)
        if not path.exists() or not _same_document(
                json.loads(path.read_text()), json.loads(dumps(visible_document(assignment)))):
            problems.append(f"{path.name} is out of date: run `rnn-course golden --visible`")
    return problems


def _same_document(stored, fresh, rel=1e-12, abs_=1e-15):
    """Whether two visible-case documents agree: equal structure and text, and floats equal
    to a few units in the last place (NumPy and its BLAS may round the last digit
    differently from one release or machine to the next; a changed case changes far more)."""
    if isinstance(stored, float) or isinstance(fresh, float):
        return isinstance(stored, (int, float)) and isinstance(fresh, (int, float)) and \
            math.isclose(stored, fresh, rel_tol=rel, abs_tol=abs_)
    if isinstance(stored, dict) and isinstance(fresh, dict):
        return stored.keys() == fresh.keys() and all(
            _same_document(stored[k], fresh[k], rel, abs_) for k in stored)
    if isinstance(stored, list) and isinstance(fresh, list):
        return len(stored) == len(fresh) and all(
            _same_document(a, b, rel, abs_) for a, b in zip(stored, fresh))
    return stored == fresh and type(stored) is type(fresh)
