"""Compare a student's outputs with expected ones and say, in words, what differs."""
import re

import numpy as np


def _fmt(v):
    return np.format_float_positional(float(v), precision=6, unique=True, trim="-") \
        if np.isfinite(v) else str(v)


def describe(value):
    """How a returned value looks, for a message: its type, shape and dtype."""
    if isinstance(value, str):
        kind, _, rest = value.partition(":")
        if kind == "namedtuple":
            return f"the provided NamedTuple {rest}"
        if kind in ("tuple", "list"):
            return f"a plain {kind} of {rest} items"
        return {"none": "None", "str": f"the string {rest!r}"}.get(kind, rest or kind)
    return f"an array of shape {value.shape} and dtype {value.dtype}"


def compare_value(name, expected, actual, rtol, atol):
    """Return None when ``actual`` matches ``expected``, else a one-line reason.

    ``expected`` is an ndarray (or a description string for non-arrays);
    ``actual`` is what :func:`autograder.probes.flatten` made of the student's value.
    """
    if isinstance(expected, str):
        if not isinstance(actual, str) or actual.split(":")[0] != expected.split(":")[0]:
            return f"{name} should be {describe(expected)}, got {describe(actual)}"
        if expected.startswith("namedtuple:") and actual != expected:
            # A cache is read by name and field by the next assignment: its type matters.
            return f"{name} should be {describe(expected)}, got a NamedTuple {actual.partition(':')[2]}"
        return None
    if isinstance(actual, str):
        return f"{name} should be an array of shape {expected.shape}, got {describe(actual)}"
    if actual.shape != expected.shape:
        hint = ""
        if actual.shape == expected.shape[::-1] and actual.ndim == 2:
            hint = " (the transpose: check which side W or the input is multiplied on)"
        elif actual.size == expected.size:
            hint = " (same number of entries: a reshape, a transpose or a missing keepdims?)"
        elif actual.ndim + 1 == expected.ndim:
            hint = _missing_axis(expected.shape, actual.shape)
        elif actual.ndim == expected.ndim + 1:
            hint = " (one axis too many: a sum or a mean over one axis missing?)"
        return f"{name} has shape {actual.shape}, expected {expected.shape}{hint}"
    if expected.dtype.kind in "iub":
        if actual.dtype.kind not in "iub" and not np.all(np.isfinite(actual)):
            return f"{name} should hold integers, got non-finite values"
        if not np.array_equal(actual, expected):
            bad = np.argwhere(actual != expected)
            first = tuple(int(i) for i in bad[0]) if actual.ndim else ()
            return (f"{name} differs in {len(bad)} of {expected.size} entries; first at "
                    f"{list(first)}: expected {expected[first]!r}, got {actual[first]!r}")
        if expected.dtype.kind == "i" and actual.dtype.kind not in "iu":
            return f"{name} should have an integer dtype, got {actual.dtype}"
        return None
    if actual.dtype.kind not in "fiub":
        return f"{name} should be a float array, got dtype {actual.dtype}"
    actual = actual.astype(np.float64)
    finite = np.isfinite(actual)
    if not finite.all() and np.isfinite(expected).all():
        bad = np.argwhere(~finite)
        where = list(map(int, bad[0])) if actual.ndim else []
        what = "NaN" if np.isnan(actual).any() else "inf"
        return (f"{name} contains {what} in {len(bad)} of {actual.size} entries (first at "
                f"{where}): an overflow, a division by zero or log(0)?")
    close = np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    tolerance = f"(tolerance rtol={rtol:g}, atol={atol:g})"
    if not expected.ndim:  # a number: no entries to count, no place to point at
        return f"{name} is off: expected {_fmt(expected)}, got {_fmt(actual)} {tolerance}"
    err = np.where(close, 0.0, np.abs(actual - expected))
    worst = np.unravel_index(np.argmax(err), err.shape)
    where = list(map(int, worst))
    return (f"{name} is off in {int((~close).sum())} of {close.size} entries; worst at {where}: "
            f"expected {_fmt(expected[worst])}, got {_fmt(actual[worst])} {tolerance}")


def _missing_axis(expected, actual):
    """Which axis of ``expected`` a one-axis-short shape lacks, in words."""
    for axis in range(len(expected)):
        if expected[:axis] + expected[axis + 1:] == tuple(actual):
            return (f" (axis {axis}, of size {expected[axis]}, is missing: did you keep only "
                    f"one slice of it, such as the last state, or sum over it?)")
    return " (one axis too few)"


MISSING = "missing:"  # in a known mistake's outputs: this key is absent from what it returns


def matches(expected, actual, rtol, atol):
    """Whether every expected entry is matched (used to recognise known mistakes)."""
    for key, exp in expected.items():
        if isinstance(exp, str) and exp == MISSING:
            if key in actual:
                return False
        elif key not in actual or compare_value(key, exp, actual[key], rtol, atol) is not None:
            return False
    return True


# NumPy's words for a matrix product of mismatched shapes (``@``/np.matmul, then np.dot).
_MATMUL = re.compile(r"matmul: Input operand \d has a mismatch in its core dimension|"
                     r"shapes \(\d+(?:, ?\d+)*\) and \(\d+(?:, ?\d+)*\) not aligned")
MATMUL_HINT = ("did you use W where W.T is needed? W has shape (out, in) (an RNN's W: "
               "(H, H + D)), so a batch of rows x of shape (N, in) is multiplied as x @ W.T. "
               "Print the shapes of both sides of the product that raised")


def error_hint(error):
    """A likely cause for an error message that is a common mistake's, or None."""
    if _MATMUL.search(error):
        return MATMUL_HINT
    return None
