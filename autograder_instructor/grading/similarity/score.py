"""One score per pair in [0, 1], a verdict and a line of evidence a person can check.

**Code.** A pair's code evidence is the sum, over its two most alike functions, of the
rare material shared times the share of the smaller region it makes up
(:attr:`.cohort.FunctionMatch.weight`): two of four functions copied stand out even when
the rest of the notebooks differ, and one small function written the canonical way does
not. It is calibrated on the class itself: ``e = (x - usual) / (high - usual)`` where
``usual`` is the class's median pair and ``high`` its 95th percentile, so ``e = 1`` is as
alike as one pair in twenty of this class. ``code = (e - 1) / 3``, clipped to [0, 1]: a
pair four spreads above the usual pair scores 1, one at the class's 95th percentile 0.

**Behaviour** (:mod:`.behaviour`) and **surface traces** add to it as independent
evidence would (``1 - (1 - code)(1 - behaviour)(1 - traces)``); either alone reaches
``review`` but never ``likely copied``: only code alike shows what was handed in.
"""
from dataclasses import dataclass, field

from .behaviour import class_counts, pair_behaviour, rare_pairs
import numpy as np

LIKELY = 0.7
REVIEW = 0.4
SPREADS = 3.0  # spreads above the class's 95th percentile at which the code score is 1
BEHAVIOUR_WEIGHT = 0.6  # one unexplained wrong output shared: review, not more, by itself
TRACE_WEIGHTS = {"identical comment": 0.2, "identical debug print": 0.2,
                 "unusual identifier": 0.05}
TRACE_CAP = 0.45
VERDICTS = ("likely copied", "review", "independent")


@dataclass
class Pair:
    student_a: str
    student_b: str
    score: float
    verdict: str
    evidence: str
    functions: list = field(default_factory=list)  # FunctionMatch, most alike first
    behaviour: list = field(default_factory=list)  # behaviour.Shared
    traces: list = field(default_factory=list)  # text
    code: float = 0.0


@dataclass
class Calibration:
    """The class's usual pair and its one-in-twenty pair, in code evidence."""
    usual: float
    high: float

    def code(self, x):
        """The code score in [0, 1] of code evidence ``x`` (a number or an array)."""
        spread = max(self.high - self.usual, 1.0)  # a class of clones has no spread: 1 nat
        return np.clip(((x - self.usual) / spread - 1.0) / SPREADS, 0.0, 1.0)


def verdict(score):
    return VERDICTS[0] if score >= LIKELY else VERDICTS[1] if score >= REVIEW else VERDICTS[2]


def code_evidence(weights):
    """n x n: every pair's code evidence, its two most alike functions' weights summed
    (``weights`` is F x n x n, see :meth:`.cohort.Cohort.weights`)."""
    if len(weights) == 0:
        return np.zeros(weights.shape[1:])
    return np.sort(weights, axis=0)[-2:].sum(axis=0)


def calibrate(evidence):
    """The class's usual pair and its 95th percentile, over every pair (zeros included)."""
    values = evidence[np.triu_indices(len(evidence), 1)]
    if not len(values):
        return Calibration(0.0, 0.0)
    return Calibration(*(float(v) for v in np.quantile(values, [0.5, 0.95], method="lower")))


def _traces_score(traces):
    keep = 1.0
    for t in traces:
        keep *= 1 - next((w for k, w in TRACE_WEIGHTS.items() if t.startswith(k)), 0.0)
    return min(TRACE_CAP, 1 - keep)


def _evidence(functions, behaviour, traces):
    parts = []
    alike = [m for m in functions if m.share >= 0.5 and m.weight > 0]
    if alike:
        parts.append("code alike in " + ", ".join(
            f"{m.func} ({m.share:.0%} of the rarer code shared)" for m in alike[:4]))
    for s in behaviour[:2]:
        if s.named == s.cases:
            why = "a known mistake explains it"
        else:
            why = "no known mistake explains it" + (
                f"; {s.classmates} students have it" if s.classmates > 2 else "")
        parts.append(f"same wrong output on {s.cases} of {s.wrong} hidden cases of "
                     f"{s.func} ({why})")
    parts += traces[:3]
    return "; ".join(parts) or "nothing beyond what the class shares"


def score_pairs(cohort, marks=None):
    """([Pair] for every pair with any evidence, best first; the Calibration); ``marks`` =
    {student: behaviour.marks_by_cell} from the grading run, or None for code only."""
    marks = marks or {}
    counts = class_counts(marks)
    evidence = code_evidence(cohort.weights())
    calibration = calibrate(evidence)
    code = calibration.code(evidence)
    index = {s: i for i, s in enumerate(cohort.students)}
    rows, cols = np.nonzero(np.triu(code, 1))
    candidates = {(cohort.students[i], cohort.students[j]) for i, j in zip(rows, cols)}
    candidates |= set(cohort.traces) | rare_pairs(marks, cohort.n)
    out = []
    for a, b in candidates:
        i, j = index[a], index[b]
        behaviour = pair_behaviour(marks.get(a, {}), marks.get(b, {}), counts, cohort.n) \
            if a in marks and b in marks else []
        b_score = BEHAVIOUR_WEIGHT * max((s.strength for s in behaviour), default=0.0)
        traces = sorted(cohort.traces.get((a, b), []))
        total = 1 - (1 - code[i, j]) * (1 - b_score) * (1 - _traces_score(traces))
        if code[i, j] < REVIEW:  # without code alike, at most "review"
            total = min(total, LIKELY - 0.01)
        total = round(min(1.0, float(total)), 4)
        if total <= 0:
            continue
        functions = cohort.matches(i, j)
        out.append(Pair(a, b, total, verdict(total), _evidence(functions, behaviour, traces),
                        functions, behaviour, traces, round(float(code[i, j]), 4)))
    return sorted(out, key=lambda p: (-p.score, p.student_a, p.student_b)), calibration
