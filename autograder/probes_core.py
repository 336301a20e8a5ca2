"""The probes' common ground: building a case's inputs, flattening outputs, calling.

A probe calls a student's function (or drives a student's class) on plain inputs
and returns plain outputs; :mod:`autograder.probes` holds the registry of probes
and runs one. This module and the probe modules import only NumPy and the
standard library (and each other), so the isolated grader can send their source
text into the student's process and nothing there needs the instructor's package.

Inputs come as ``spec`` (JSON-able) plus ``arrays`` (name -> ndarray). A value in
``spec`` is one of:

- ``{"array": key}``: ``arrays[key]``, copied so the student may modify it;
- ``{"value": v}``: a JSON literal;
- ``{"cache": "DenseCache", "fields": {name: value, ...}}``: a cache NamedTuple;
- ``{"dict": {k: value}}``, ``{"list": [value, ...]}``, ``{"tuple": [value, ...]}``.

Outputs are flattened by :func:`flatten` into ``{"out": ..., "out/1/dW": ...}``:
arrays stay arrays (0-d for numbers) and anything else becomes a short string
such as ``"none"`` or ``"type:list"``.
"""
import collections
import warnings

import numpy as np

# The fields of autograder.caches' NamedTuples, by name (a spec can only carry data).
CACHE_FIELDS = {
    "DenseCache": ("x", "W", "b", "z", "y", "activation"),
    "RNNStepCache": ("x_t", "h_prev", "W", "b", "h_next"),
    "RNNCache": ("x", "W", "b", "h0", "h", "mask"),
    "EmbeddingCache": ("ids", "vocab_size"),
    # 07_gated
    "LSTMStepCache": ("x_t", "h_prev", "c_prev", "W", "b", "i", "f", "g", "o", "c_next",
                      "h_next"),
    "LSTMCache": ("x", "W", "b", "h0", "c0", "h", "c", "gates", "mask"),
    "GRUStepCache": ("x_t", "h_prev", "Wx", "Wh", "bx", "bh", "z", "r", "hh", "ah", "h_next"),
    "GRUCache": ("x", "Wx", "Wh", "bx", "bh", "h0", "h", "gates", "ah", "mask"),
    # 08_cnn_tagging
    "Conv1DCache": ("x", "K", "b", "left", "right"),
    "MaxPoolCache": ("x", "y"),
    "TemporalDenseCache": ("h", "W", "b"),
}
MAX_ELEMENTS = 5_000_000  # outputs bigger than this are not sent back


class ProbeError(Exception):
    """The student's code could not be called as the assignment asks."""


def build(value, arrays):
    """Turn a spec value into the Python object the student's function receives."""
    if "array" in value:
        return np.array(arrays[value["array"]], copy=True)
    if "value" in value:
        return value["value"]
    if "cache" in value:
        cls = collections.namedtuple(value["cache"], CACHE_FIELDS[value["cache"]])
        return cls(**{k: build(v, arrays) for k, v in value["fields"].items()})
    if "dict" in value:
        return {k: build(v, arrays) for k, v in value["dict"].items()}
    if "list" in value:
        return [build(v, arrays) for v in value["list"]]
    if "tuple" in value:
        return tuple(build(v, arrays) for v in value["tuple"])
    raise ValueError(f"unknown spec value {value!r}")


def flatten(obj, key="out", out=None):
    """Flatten a returned object into {key: ndarray or short description}."""
    out = {} if out is None else out
    if obj is None:
        out[key] = "none"
    elif isinstance(obj, (bool, int, float, complex, np.number, np.bool_)):
        out[key] = np.asarray(obj)
    elif isinstance(obj, np.ndarray):
        if obj.dtype == object:
            out[key] = "type:object array"
        elif obj.size > MAX_ELEMENTS:
            out[key] = f"too large:{obj.shape}"
        else:
            # A plain copy: a subclass with a lying __eq__ does not survive this.
            out[key] = np.array(obj, copy=True).view(np.ndarray)
    elif isinstance(obj, str):
        out[key] = "str:" + obj[:200]
    elif isinstance(obj, tuple) and hasattr(obj, "_fields"):
        out[key] = "namedtuple:" + type(obj).__name__
        for name in obj._fields:
            flatten(getattr(obj, name), f"{key}/{name}", out)
    elif isinstance(obj, dict):
        out[key] = "dict:" + ",".join(sorted(map(str, obj)))[:500]
        for name, item in obj.items():
            flatten(item, f"{key}/{name}", out)
    elif isinstance(obj, (tuple, list)):
        out[key] = f"{type(obj).__name__}:{len(obj)}"
        for i, item in enumerate(obj[:1000]):
            flatten(item, f"{key}/{i}", out)
    else:
        out[key] = "type:" + type(obj).__name__
    return out


def lookup(namespace, name):
    """The notebook's ``name``, or a :class:`ProbeError` a student can act on."""
    if name not in namespace:
        raise ProbeError(f"`{name}` is not defined: did you run its cell, or rename it?")
    return namespace[name]


def strict(fn):
    """Run fn with NumPy floating-point problems and all warnings raised as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            return fn()


def call(namespace, spec, arrays):
    """Call one function: ``spec = {"func", "args", "kwargs", "strict"}``."""
    fn = lookup(namespace, spec["func"])
    args = [build(v, arrays) for v in spec.get("args", [])]
    kwargs = {k: build(v, arrays) for k, v in spec.get("kwargs", {}).items()}
    if spec.get("strict", True):
        result = strict(lambda: fn(*args, **kwargs))
    else:
        result = fn(*args, **kwargs)
    out = flatten(result)
    if spec.get("return_args"):
        # Functions that work in place are judged on what they did to their arguments.
        flatten(args, "args", out)
    return out


def methods(namespace, spec, arrays):
    """Make an object and call its methods in turn.

    ``spec = {"cls", "init": {kwargs}, "calls": [{"method", "args", "kwargs",
    "record": [arg index, ...]}]}``. The same argument objects are passed to
    every call that names them through ``{"ref": name}`` (made once, from
    ``spec["refs"]``), so in-place updates accumulate as they would in training.
    The return value of call i is ``out/i``; recorded arguments are
    ``out/i/arg<j>`` (copied after the call). A call may also list ``"updates":
    [arg index, ...]``: what the call changed in those arguments (after minus
    before, for arrays or dicts of arrays) is ``out/i/upd<j>``. Optimizers are
    judged on these: next to a weight of size 1, an update of 1e-3 hides its bugs.
    """
    cls = lookup(namespace, spec["cls"])
    refs = {k: build(v, arrays) for k, v in spec.get("refs", {}).items()}

    def arg(v):
        return refs[v["ref"]] if "ref" in v else build(v, arrays)

    init = {k: arg(v) for k, v in spec.get("init", {}).items()}
    obj = strict(lambda: cls(**init))
    out = {}
    for i, c in enumerate(spec["calls"]):
        args = [arg(v) for v in c.get("args", [])]
        kwargs = {k: arg(v) for k, v in c.get("kwargs", {}).items()}
        before = {j: snapshot(args[j]) for j in c.get("updates", [])}
        result = strict(lambda: getattr(obj, c["method"])(*args, **kwargs))
        flatten(result, f"out/{i}", out)
        for j in c.get("record", []):
            flatten(snapshot(args[j]), f"out/{i}/arg{j}", out)
        for j, old in before.items():
            flatten(difference(args[j], old), f"out/{i}/upd{j}", out)
    return out


def snapshot(obj):
    """A copy of an array or a dict of arrays, as it is now (other values as they are)."""
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if isinstance(obj, dict):
        return {k: snapshot(v) for k, v in obj.items()}
    return obj


def difference(new, old):
    """``new - old`` for arrays and dicts of arrays (as float64); ``new`` if not numbers."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: difference(new[k], old[k]) if k in old else new[k] for k in new}
    try:
        return np.asarray(new, dtype=np.float64) - np.asarray(old, dtype=np.float64)
    except (TypeError, ValueError):
        return new
