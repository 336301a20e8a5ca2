"""The behaviour signal: two students wrong the same way on the same hidden cases.

While grading, :func:`wrong_output` marks every hidden case a student got wrong with a
short digest of what their function returned (floats rounded to about nine significant
digits, so "equal to many digits" is equal) and, when a known mistake (a mutant, through
the case's hints) gives the same outputs, which one. The marks live in
:attr:`..result.CellGrade.wrong` and travel with the result into the resume journal.

Two students whose wrong outputs are equal on a case share something; how much depends
on why: a named, common mistake explains it (weak evidence), an output no mutant gives
and few classmates share does not (strong evidence). :func:`pair_behaviour` weighs it.
"""
import hashlib
import math
from dataclasses import dataclass

import numpy as np

from autograder.compare import matches

MANTISSA_BITS = 30  # about nine significant digits: equal to many digits counts as equal
NAMED_WEIGHT = 0.15  # sharing a known, named mistake: many honest students make it


def _quantised(value):
    """Bytes that are equal for two outputs equal to ~9 significant digits."""
    if isinstance(value, str):
        return b"s" + value.encode("utf-8", "replace")
    a = np.asarray(value)
    head = f"{a.dtype.kind}{a.shape}".encode()
    if a.dtype.kind not in "fc":
        return head + np.ascontiguousarray(a).tobytes()
    a = np.asarray(a, dtype=np.complex128 if a.dtype.kind == "c" else np.float64)
    parts = [a.real, a.imag] if a.dtype.kind == "c" else [a]
    out = [head]
    for part in parts:
        special = np.where(np.isnan(part), 1, np.where(np.isposinf(part), 2,
                                                        np.where(np.isneginf(part), 3, 0)))
        finite = np.where(special == 0, part, 0.0)
        mantissa, exponent = np.frexp(finite)
        out += [special.astype(np.int8).tobytes(),
                np.round(mantissa * 2 ** MANTISSA_BITS).astype(np.int64).tobytes(),
                exponent.astype(np.int32).tobytes()]
    return b"|".join(out)


def wrong_output(case, actual):
    """The mark of a hidden case a student got wrong: ``digest`` or ``digest:k`` when the
    case's k-th known mistake gives the same outputs; None for an error (a raised exception
    is not an output two students can share by chance only). Never raises: it runs inside
    the judging of a grade cell."""
    if not isinstance(actual, dict) or "error" in actual:
        return None
    h = hashlib.blake2b(digest_size=6)
    try:
        for key in sorted(case.expected):
            h.update(key.encode() + b"=" + _quantised(actual.get(key, "missing")) + b";")
    except Exception:  # an output nobody can digest: no mark, and the grade is untouched
        return None
    mark = h.hexdigest()
    for k, (_, wrong) in enumerate(case.hints):
        try:
            if matches(wrong, actual, case.rtol, case.atol):
                return f"{mark}:{k}"
        except Exception:  # a malformed output is simply not a known mistake
            continue
    return mark


@dataclass
class Shared:
    """What two students share on one grade cell: wrong the same way on some hidden cases."""
    grade_id: str
    func: str
    cases: int  # hidden cases wrong the same way
    wrong: int  # hidden cases either of them got wrong
    named: int  # of ``cases``, how many a known mistake explains
    classmates: int  # the most students holding one of the shared unexplained outputs
    strength: float  # in [0, 1]


def marks_by_cell(result):
    """{grade_id: (func, {case: mark})} of a :class:`..result.Result` (or its JSON)."""
    grades = result.grades if hasattr(result, "grades") else result.get("grades", [])
    out = {}
    for g in grades:
        wrong = g.wrong if hasattr(g, "wrong") else g.get("wrong", {})
        func = g.func if hasattr(g, "func") else g.get("func", "")
        grade_id = g.grade_id if hasattr(g, "grade_id") else g.get("grade_id")
        if wrong:
            out[grade_id] = (func or grade_id, dict(wrong))
    return out


def class_counts(marks):
    """{(grade_id, case, mark): how many students} over ``{student: marks_by_cell}``."""
    counts = {}
    for cells in marks.values():
        for grade_id, (_, wrong) in cells.items():
            for case, mark in wrong.items():
                key = (grade_id, case, mark)
                counts[key] = counts.get(key, 0) + 1
    return counts


def rare_pairs(marks, n_students):
    """Pairs that share an unexplained wrong output few classmates have (from an index of
    marks, not by comparing every pair)."""
    holders = {}
    for student, cells in marks.items():
        for grade_id, (_, wrong) in cells.items():
            for case, mark in wrong.items():
                if ":" not in mark:
                    holders.setdefault((grade_id, case, mark), []).append(student)
    pairs = set()
    for who in holders.values():
        if 2 <= len(who) <= max(3, 0.1 * n_students):
            who = sorted(who)
            pairs.update((a, b) for i, a in enumerate(who) for b in who[i + 1:])
    return pairs


def pair_behaviour(a, b, counts, n_students):
    """[Shared] of students with marks ``a`` and ``b`` (see :func:`marks_by_cell`)."""
    found = []
    for grade_id in a.keys() & b.keys():
        func, wa = a[grade_id]
        wb = b[grade_id][1]
        same = [c for c in wa.keys() & wb.keys() if wa[c] == wb[c]]
        if not same:
            continue
        named = [c for c in same if ":" in wa[c]]
        unexplained = [c for c in same if ":" not in wa[c]]
        holders = max((counts.get((grade_id, c, wa[c]), 2) for c in unexplained), default=0)
        coverage = len(same) / len(wa.keys() | wb.keys())
        strength = NAMED_WEIGHT * coverage * len(named) / len(same)
        if unexplained:
            # an output two students alone hold is rare; one a tenth of the class holds is a
            # common mistake the mutants do not name yet, and says little about copying
            rarity = max(0.0, 1.0 - math.log(holders - 1) / math.log(max(2.0, 0.1 * n_students)))\
                if holders > 2 else 1.0
            strength = max(strength, coverage * rarity * len(unexplained) / len(same))
        found.append(Shared(grade_id, func, len(same), len(wa.keys() | wb.keys()), len(named),
                            holders, round(min(1.0, strength), 4)))
    return sorted(found, key=lambda s: -s.strength)
