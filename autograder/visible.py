"""Visible checks: what a student runs from the notebook, ``check(sigmoid)``.

They read their cases (inputs, expected outputs, known mistakes) from the visible
files in ``autograder/data``; they need neither the reference solutions nor
TensorFlow and finish in well under a second. A failed check raises
:class:`CheckFailed` naming the function, the case, expected against actual, and
a likely cause when the mistake is a known one.
"""
import json
import sys
from functools import lru_cache

from .cases import CheckFailed, format_report, judge, run_probe
from .golden import DATA, case_from_json

__all__ = ["check", "CheckFailed"]


@lru_cache(maxsize=None)
def _index():
    """func name -> (note, [case json]) over every visible file."""
    index = {}
    for path in sorted(DATA.glob("visible_*.json")):
        document = json.loads(path.read_text())
        for func, entry in document["functions"].items():
            index[func] = (entry["note"], entry["cases"])
    return index


def visible_cases(func_name):
    if func_name not in _index():
        raise KeyError(f"there is no visible check for {func_name!r}; "
                       f"checks exist for: {', '.join(sorted(_index()))}")
    note, cases = _index()[func_name]
    return note, [case_from_json(c) for c in cases]


def run_check(obj, namespace=None, quiet=False):
    """Run the visible cases of a function or class; return (passed, report)."""
    name = getattr(obj, "__name__", None)
    if not isinstance(name, str):
        raise TypeError("check() takes the function or class itself, for example check(sigmoid)")
    note, cases = visible_cases(name)
    ns = dict(namespace or {})
    ns[name] = obj
    outcomes = [judge(case, run_probe(case, ns)) for case in cases]
    report = format_report(name, outcomes, note)
    return all(o.passed for o in outcomes), report


def check(obj):
    """Check a function or class against its visible cases; raise CheckFailed if one fails.

    Functions that call other graded functions use the caller's versions of them,
    as the notebook defines them.
    """
    namespace = sys._getframe(1).f_globals
    passed, report = run_check(obj, namespace)
    if not passed:
        raise CheckFailed(report)
    print(report)
