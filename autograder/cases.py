"""Cases and tests: what a check feeds a function, what it expects, and the verdict.

A *case* is one call (or one object's sequence of calls) with plain inputs and
the expected flattened outputs. A *test* is what one grade cell runs: a list of
cases, all of which must pass. Judging (:func:`judge`) is pure: it needs the
case and the student's flattened outputs, never the student's objects, so it can
run in a process the student's code cannot reach.
"""
from dataclasses import dataclass, field
import math
from typing import Callable, Optional

from . import probes
from .compare import compare_value, error_hint, matches


@dataclass
class Case:
    """One call of a student's function and the outputs it must produce."""

    label: str  # what a student reads: "batch of one, relu, 3 -> 5 units"
    func: str  # the graded name, as the student defined it
    spec: dict  # probe arguments, see autograder.probes
    arrays: dict  # name -> ndarray, the inputs
    expected: dict  # flattened key -> ndarray or description string
    names: dict = field(default_factory=dict)  # flattened key -> name shown ("dW")
    probe: str = "call"
    rtol: float = 1e-7
    atol: float = 1e-10
    hints: list = field(default_factory=list)  # [(likely cause, flattened outputs of that mistake)]
    # An end-to-end case: the graded function called on what ``upstream`` (another graded
    # function) returned, and ``feeds`` what the reference's upstream returns there.
    upstream: str = ""
    feeds: dict = field(default_factory=dict)
    weight: float = 1.0  # its share of the grade cell's points under partial credit


@dataclass
class Test:
    """The checks behind one grade cell."""

    grade_id: str  # the nbgrader grade_id of the cell, frozen once released
    func: str  # the graded function or class it is about
    points: float
    description: str  # the grade cell's docstring: what is checked, never how
    hidden: Callable[[], list]  # builds the hidden cases (needs the reference solutions)
    visible_note: str = ""  # what the visible check does not cover
    # Other graded functions its checks are meant to call (a training run calls the loss):
    # when one of those fails its own cell, this cell's feedback names it as the cause.
    calls: tuple = ()
    partial: Optional[bool] = None  # share the points among the checks; None: the course's


@dataclass
class Outcome:
    label: str
    passed: bool
    message: str = ""
    cause: str = ""  # the known mistake the outputs matched (its "likely cause"), if any
    counted: bool = True  # False: an end-to-end case scored in its upstream function instead


def run_probe(case, namespace):
    """Run a case's probe next to the student's code (in this process)."""
    return probes.run(namespace, case.probe, case.spec, case.arrays)


def judge(case, actual):
    """Compare flattened outputs with a case's expectations; never raises.

    A failed end-to-end case whose upstream function returned something other than the
    reference's (or raised) is not counted against the case's function: it passes, with
    a note naming the upstream function, whose own checks grade what it returned.
    """
    outcome = _judge(case, actual)
    if outcome.passed or not case.upstream:
        return outcome
    differs = upstream_problem(case, actual)
    if differs is None:
        return outcome
    return Outcome(case.label, True, (
        f"not counted against {case.func}: {differs}, and {case.func} was called on that. "
        f"This is scored in {case.upstream}'s own checks: fix {case.upstream} first"),
        counted=False)


def upstream_problem(case, actual):
    """How what ``case.upstream`` handed the graded function differs from the reference's
    (in words, with field names and no values), or None when it does not."""
    if "feed/raised" in actual:
        return f"{case.upstream} raised an error in this end-to-end case"
    if not any(k.startswith("feed/") for k in actual):
        return None  # nothing came back to tell: the failure counts where it happened
    wrong = []
    for key, exp in case.feeds.items():
        if any(key.startswith(w + "/") for w in wrong):
            continue
        if key not in actual or compare_value(key, exp, actual[key], case.rtol, case.atol):
            wrong.append(key)
    if not wrong:
        return None
    fields = ", ".join(_feed_name(k) for k in wrong[:4]) + (" ..." if len(wrong) > 4 else "")
    return f"the cache your {case.upstream} returned differs from the reference's ({fields})"


def _feed_name(key):
    """``cache.gates`` for ``feed/1/gates``; ``the cache itself`` for ``feed/1``."""
    rest = key.split("/", 2)[2:]
    return f"cache.{rest[0].replace('/', '.')}" if rest else "the cache itself"


def _judge(case, actual):
    if "error" in actual:
        message = f"{case.func} raised an error: {actual['error'][6:]}"
        cause = error_hint(actual["error"])
        return Outcome(case.label, False, message + (f". Likely cause: {cause}" if cause else ""),
                       cause or "")
    problems, wrong = [], []
    for key, exp in case.expected.items():
        if any(key.startswith(w + "/") for w in wrong):
            continue  # the container is already wrong: its fields say nothing more
        name = case.names.get(key) or _field_name(case.names, key)
        if key not in actual:
            wrong.append(key)
            parent = key.rsplit("/", 1)[0]
            got = actual.get(parent, actual.get("out", "none"))
            problems.append(f"{name} is missing from what {case.func} returned "
                            f"(it returned {_short(got)})")
            continue
        reason = compare_value(name, exp, actual[key], case.rtol, case.atol)
        if reason:
            problems.append(reason)
            wrong.append(key)
    if not problems:
        return Outcome(case.label, True)
    message = "; ".join(problems[:3])
    for cause, wrong in case.hints:
        if matches(wrong, actual, case.rtol, case.atol):
            return Outcome(case.label, False, message + f". Likely cause: {cause}", cause)
    return Outcome(case.label, False, message)


def _field_name(names, key):
    """``cache.h_next`` for ``out/1/h_next`` when ``out/1`` is shown as ``cache``."""
    parent, _, field_ = key.rpartition("/")
    if parent in names:
        return f"{names[parent]}.{field_}"
    return _field_name(names, parent) + f".{field_}" if "/" in parent else key


def _short(value):
    if isinstance(value, str):
        kind, _, rest = value.partition(":")
        return {"none": "None", "tuple": f"a tuple of {rest}", "list": f"a list of {rest}"}.get(
            kind, rest or kind)
    return f"an array of shape {value.shape}"


def expected_from(namespace, case_or_spec, probe="call", arrays=None, keys=None):
    """Flattened outputs of the reference (or of a known mistake) on a case's inputs."""
    if isinstance(case_or_spec, Case):
        out = probes.run(namespace, case_or_spec.probe, case_or_spec.spec, case_or_spec.arrays)
    else:
        out = probes.run(namespace, probe, case_or_spec, arrays)
    if "error" in out:
        raise RuntimeError(f"the reference failed on a case: {out['error']}")
    if keys is not None:
        out = {k: v for k, v in out.items() if any(k == p or k.startswith(p + "/") for p in keys)}
    return out


def format_report(func, outcomes, note=""):
    """A short report of a function's cases, for stdout and feedback."""
    failed = [o for o in outcomes if not o.passed]
    if not failed:
        text = (f"{func}: the check passed." if len(outcomes) == 1
                else f"{func}: all {len(outcomes)} checks passed.")
        return "\n".join([text + (f" Not covered here: {note}" if note else "")]
                         + notes(outcomes))
    lines = [f"{func}: {len(failed)} of {len(outcomes)} checks failed."]
    causes = []  # each likely cause once, after the cases, not under every one of them
    for o in failed:
        message, _, cause = o.message.partition(LIKELY)
        if cause and cause not in causes:
            causes.append(cause)
        if len(lines) <= 5:
            lines.append(f"  - case '{o.label}': {message}")
    if len(failed) > 5:
        lines.append(f"  ... and {len(failed) - 5} more")
    lines += [f"  Likely cause: {cause}" for cause in causes]
    return "\n".join(lines + notes(outcomes))


LIKELY = ". Likely cause: "  # how a message gives a known mistake's cause


def notes(outcomes):
    """Lines for the cases that passed with a note (an end-to-end case not counted)."""
    return [f"  - note on case '{o.label}': {o.message}" for o in outcomes
            if o.passed and o.message]


def share(points, cases, outcomes, partial):
    """A grade cell's score: every point when every check passes; else, under partial
    credit, the passed checks' weighted share, rounded down to a hundredth (so a failure
    never rounds up to full marks), else 0. The one formula both graders use."""
    if not outcomes:
        return 0.0
    if all(o.passed for o in outcomes):
        return float(points)
    if not partial:
        return 0.0
    # A case not counted against this function (its upstream function is wrong) is left
    # out of both sides: it neither earns nor costs a share (a stub earns nothing from it).
    kept = [(c, o) for c, o in zip(cases, outcomes) if o.counted]
    total = sum(c.weight for c, _ in kept)
    got = sum(c.weight for c, o in kept if o.passed)
    return math.floor(100 * points * got / total) / 100 if total else 0.0


class CheckFailed(AssertionError):
    """A check found a wrong result; the message says which case and why.

    In a notebook it shows as its message alone: no frame of the course's own modules
    above it (IPython asks an exception for ``_render_traceback_``)."""

    def _render_traceback_(self):
        return [f"CheckFailed: {self}"]

