"""The visible-case files ``data/visible_<assignment>.json``: where they are, and how a
:class:`~autograder.cases.Case` is written to JSON and read back from it.

The visible checks (:mod:`autograder.visible`) read their cases, inputs, expected
outputs and known mistakes included, from these files, so they need neither the
reference solutions nor TensorFlow and can ship to students: this module is in the
student package and imports nothing of the instructor's. The files are
written from the suites' visible cases by ``rnn-course golden --visible``, on the
instructor's side (:mod:`autograder_instructor.golden`).
"""
import json
from pathlib import Path

import numpy as np

from .cases import Case

# The student package's data folder: the visible-case files only (the Keras golden values
# live in the instructor's package, autograder_instructor/data).
DATA = Path(__file__).parent / "data"


def visible_path(assignment):
    return DATA / f"visible_{assignment}.json"


def _enc(value):
    if isinstance(value, np.ndarray):
        return {"dtype": value.dtype.str, "shape": list(value.shape),
                "data": value.ravel().tolist()}
    return value


def _dec(value):
    if isinstance(value, dict) and "dtype" in value and "data" in value:
        return np.array(value["data"], dtype=np.dtype(value["dtype"])).reshape(value["shape"])
    return value


def case_to_json(case):
    data = {"label": case.label, "func": case.func, "probe": case.probe, "spec": case.spec,
            "arrays": {k: _enc(v) for k, v in case.arrays.items()},
            "expected": {k: _enc(v) for k, v in case.expected.items()},
            "names": case.names, "rtol": case.rtol, "atol": case.atol,
            "hints": [[cause, {k: _enc(v) for k, v in wrong.items()}] for cause, wrong in case.hints]}
    if case.weight != 1.0:  # its share under partial credit, when the suite sets one
        data["weight"] = case.weight
    return data


def case_from_json(data):
    return Case(label=data["label"], func=data["func"], probe=data["probe"], spec=data["spec"],
                arrays={k: _dec(v) for k, v in data["arrays"].items()},
                expected={k: _dec(v) for k, v in data["expected"].items()},
                names=data["names"], rtol=data["rtol"], atol=data["atol"],
                hints=[(c, {k: _dec(v) for k, v in w.items()}) for c, w in data["hints"]],
                weight=float(data.get("weight", 1.0)))


def dumps(document):
    """A visible file's text: stable (sorted keys, one trailing newline), so that
    ``rnn-course golden --check`` can compare it with the stored file as text."""
    return json.dumps(document, indent=1, sort_keys=True) + "\n"
