"""Helpers the suites share: turn Python values into probe specs, and build cases.

Expected outputs always come from running the reference through the same probe
the student's code goes through, so the two are flattened identically.
"""
import importlib
import zlib

import numpy as np

from autograder import probes
from autograder.cases import Case, expected_from
from autograder.compare import MISSING
from ..mutants import mutants_for


def encode(value, arrays, key):
    """Spec for ``value`` (arrays are stored in ``arrays`` under ``key``)."""
    if isinstance(value, np.ndarray):
        arrays[key] = value
        return {"array": key}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {"cache": type(value).__name__,
                "fields": {f: encode(getattr(value, f), arrays, f"{key}.{f}") for f in value._fields}}
    if isinstance(value, dict):
        return {"dict": {k: encode(v, arrays, f"{key}.{k}") for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        kind = "list" if isinstance(value, list) else "tuple"
        return {kind: [encode(v, arrays, f"{key}.{i}") for i, v in enumerate(value)]}
    if isinstance(value, (np.integer, np.floating)):
        return {"value": value.item()}
    return {"value": value}


def reference_namespace(*module_names):
    """The reference functions of the given solution modules, by name."""
    ns = {}
    for name in module_names:
        module = importlib.import_module(name)
        ns.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
    return ns


def call_case(reference, label, func, args=(), kwargs=None, outputs=("y",), keep=None,
              expected=None, rtol=1e-7, atol=1e-10, strict=True, return_args=False,
              hints=True):
    """A case that calls ``func(*args, **kwargs)``.

    ``outputs`` names the returned values (a single name: the return value
    itself; several: the items of a returned tuple). ``keep`` lists the names
    that are compared (default: all); a forward pass keeps its output and not
    its cache. ``expected`` overrides the reference (for Keras golden values):
    a dict name -> array.
    """
    arrays = {}
    spec = {"func": func, "args": [encode(a, arrays, f"arg{i}") for i, a in enumerate(args)],
            "kwargs": {k: encode(v, arrays, f"kw.{k}") for k, v in (kwargs or {}).items()},
            "strict": strict}
    if return_args:
        spec["return_args"] = True
    keys = {"out": outputs[0]} if len(outputs) == 1 else {
        f"out/{i}": n for i, n in enumerate(outputs)}
    if return_args:
        keys.update({f"args/{i}": f"argument {i + 1} after the call" for i in range(len(args))})
    keep = set(keep or keys.values())
    names = {k: n for k, n in keys.items() if n in keep}
    case = Case(label=label, func=func, spec=spec, arrays=arrays, expected={}, names=names,
                rtol=rtol, atol=atol)
    if expected is None:
        case.expected = expected_from(reference, case, keys=list(names))
    else:
        by_name = {n: k for k, n in names.items()}
        case.expected = {by_name[n]: np.asarray(v) for n, v in expected.items()}
    if hints:
        add_hints(case, reference)
    return case


def add_hints(case, reference):
    """Attach the outputs of every known mistake of ``case.func`` on this case."""
    for mutant in mutants_for(case.func):
        ns = dict(reference, **{case.func: mutant.impl})
        out = probes.run(ns, case.probe, case.spec, case.arrays)
        if "error" in out:
            continue
        # A field the mistake does not return at all (a plain tuple for a cache) is
        # recorded as MISSING, so the mistake is still recognised by what it returned.
        wrong = {k: out.get(k, MISSING) for k in case.expected}
        if any(v is not MISSING for v in wrong.values()):
            case.hints.append((mutant.cause, wrong))
    return case


def rng_for(name):
    """A generator seeded from a test's name, so hidden cases are the same every run."""
    return np.random.default_rng(zlib.crc32(name.encode()))
