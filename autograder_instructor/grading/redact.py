"""What a student may read about a hidden case: where and how much, never the expected values.

A hidden case's full message ("expected 0.7311, got 0.5") would, over a few
graded attempts, hand students the hidden expected values. For hidden cases the
grader builds its message here instead, from the case and the student's
flattened outputs: the case's number and label, which output is wrong, its
shape, in how many entries and by how much it is off, and the likely cause of a
known mistake. Visible cases keep their full message (students have them anyway).
"""
import re

import numpy as np

from autograder.cases import Outcome
from autograder.compare import compare_value, describe, error_hint, matches

# Numbers with a decimal point or an exponent in a student's own error message:
# code under test could raise with the hidden inputs in the message.
_FLOAT = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?")


def _size(value):
    return np.format_float_positional(float(value), precision=2, unique=False, fractional=False,
                                      trim="-") if abs(value) >= 0.01 else f"{value:.1e}"


def _problem(name, func, expected, actual, rtol, atol):
    """One output's problem in words, or None when it matches."""
    if actual is None:
        return f"{name} is missing from what {func} returned"
    if compare_value(name, expected, actual, rtol, atol) is None:
        return None
    if isinstance(expected, str) or isinstance(actual, str):
        return f"{name} has the wrong type: got {describe(actual)}"
    if actual.shape != expected.shape:
        return f"{name} has shape {actual.shape}, expected {expected.shape}"
    if actual.dtype.kind not in "fiub":
        return f"{name} should be a numeric array, got dtype {actual.dtype}"
    got = actual.astype(np.float64)
    if not np.isfinite(got).all():
        return (f"{name} contains NaN or inf in {int((~np.isfinite(got)).sum())} of {got.size} "
                "entries: an overflow, a division by zero or log(0)?")
    if expected.dtype.kind in "iub":
        return f"{name} differs in {int((got != expected).sum())} of {got.size} entries"
    close = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    err = np.where(close, 0.0, np.abs(got - expected))
    if not err.ndim:
        return f"{name} is off by {_size(err.max())}"
    worst = [int(i) for i in np.unravel_index(np.argmax(err), err.shape)]
    return (f"{name} is off in {int((~close).sum())} of {close.size} entries, by up to "
            f"{_size(err.max())} (at {worst})")


def hide(case, actual, outcome, number):
    """The Outcome a student may read for hidden case ``number`` (1-based)."""
    label = f"hidden case {number}: {case.label}"
    if outcome.passed:  # its note names fields and functions, never values
        return Outcome(label, True, outcome.message, counted=outcome.counted)
    if "error" in actual:
        first = str(actual["error"])[6:].strip().splitlines()[:1]
        text = _FLOAT.sub("…", first[0])[:200] if first else "an error"
        cause = error_hint(str(actual["error"]))  # e.g. a matmul's shapes: W where W.T is needed
        return Outcome(label, False, f"{case.func} raised an error: {text}"
                       + (f". Likely cause: {cause}" if cause else ""), cause or "")
    problems = [p for p in (_problem(case.names.get(k, k), case.func, exp, actual.get(k),
                                     case.rtol, case.atol)
                            for k, exp in case.expected.items()) if p]
    message = "; ".join(problems[:3]) or "the outputs differ from the expected ones"
    for cause, wrong in case.hints:
        if matches(wrong, actual, case.rtol, case.atol):
            return Outcome(label, False, message + f". Likely cause: {cause}", cause)
    return Outcome(label, False, message)
