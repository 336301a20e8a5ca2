"""The class as the yardstick: what is common in it counts little, what two students alone
share counts much.

For each graded function, an inverted index maps every fingerprint (not in the baseline)
to the students who have it. Fingerprints held by exactly the same students come from one
choice, so they form one *group*; a group weighs by its rarity in the class
(:func:`rarity`: a fragment half the class writes weighs nothing and is not indexed) and,
a little, by its length. The index is a student-by-group matrix ``X`` and the evidence
every pair shares is one product, ``X diag(w) X^T``: no pair is compared one by one.

For each function a pair gets the rare material it shares (its *evidence*, in nats) and
the *share* of the smaller region's rare material that is (so padding a copy with dead
code does not hide it); :mod:`.score` calibrates these against the class's pairs.
"""
import math
from dataclasses import dataclass, field

import numpy as np

COMMON = 0.5  # a fragment half the class writes says nothing about a pair: not indexed
TRACE_HOLDERS = 2  # a comment, identifier or print two students alone share is a trace
KINDS = ("tokens", "shapes")


def rarity(holders, n):
    """Evidence (in nats) that two students share a fingerprint ``holders`` of ``n`` students
    have: how surprising it is that a given other student has it too (``log((n-1)/(holders-1))``;
    0 once ``COMMON`` of the class has it). Many moderately common fragments shared add up:
    the combination is what is rare. One only one student has weighs as if shared by two."""
    if holders - 1 > COMMON * (n - 1):
        return 0.0
    return math.log(max(n - 1, 2) / max(holders - 1, 1))


@dataclass
class FunctionMatch:
    """How alike one pair is on one function."""
    func: str
    share: float = 0.0  # of the smaller region's rare material, how much the other has
    evidence: float = 0.0  # the rare material shared, in nats (see :func:`rarity`)
    tokens: float = 0.0  # share of token fingerprints
    shapes: float = 0.0  # share of AST shapes
    shared: set = field(default_factory=set)  # the rare fingerprints shared (highlighting)

    @property
    def weight(self):
        """What this function adds to the pair's code evidence: the shared rare material,
        counted as far as it is the bulk of the smaller region (``share * evidence``)."""
        return self.share * self.evidence


@dataclass
class Cohort:
    """The class's students, and per function the matrices of what each pair shares."""
    students: list
    functions: list
    evidence: dict  # func -> n x n array: rare material shared (nats), tokens and shapes averaged
    shares: dict  # func -> {kind: n x n array of shares}
    common: dict  # func -> set of fingerprints too common (or given) to count
    fragments: dict  # student -> {func: Fragment}
    traces: dict  # (a, b) -> [text of a shared surface trace]

    @property
    def n(self):
        return len(self.students)

    def weights(self):
        """F x n x n: each function's ``share * evidence`` for every pair."""
        return np.stack([(self.shares[f]["tokens"] + self.shares[f]["shapes"]) / 2
                         * self.evidence[f] for f in self.functions]) if self.functions else \
            np.zeros((0, self.n, self.n))

    def matches(self, a, b):
        """[FunctionMatch] of students ``a`` and ``b`` (indices), most alike first."""
        out = []
        for f in self.functions:
            if not self.evidence[f][a, b]:
                continue
            m = FunctionMatch(f, evidence=float(self.evidence[f][a, b]),
                              tokens=float(self.shares[f]["tokens"][a, b]),
                              shapes=float(self.shares[f]["shapes"][a, b]))
            m.share = (m.tokens + m.shapes) / 2
            fa = self.fragments[self.students[a]][f]
            fb = self.fragments[self.students[b]][f]
            for kind in KINDS:
                m.shared |= (getattr(fa, kind).keys() & getattr(fb, kind).keys()) - self.common[f]
            out.append(m)
        return sorted(out, key=lambda m: -m.weight)


def _index(sets, n_total):
    """(evidence, shares, common) of one kind of fingerprint for one function: ``sets`` =
    {row: set of hashes} for the students who wrote it; n_total x n_total arrays."""
    n = len(sets)
    holders = {}
    for row, hashes in sets.items():
        for h in hashes:
            holders.setdefault(h, []).append(row)
    groups = {}
    for h, who in holders.items():
        groups.setdefault(tuple(who), []).append(h)
    own = np.zeros(n_total)
    indexed, weights, common = [], [], set()
    for who, hashes in groups.items():
        w = rarity(len(who), n) * math.log2(1 + len(hashes))
        own[list(who)] += w
        if w <= 0:
            common.update(hashes)
        elif len(who) > 1:
            indexed.append(who)
            weights.append(w)
    x = np.zeros((n_total, len(indexed)))
    for g, who in enumerate(indexed):
        x[list(who), g] = 1.0
    evidence = (x * np.asarray(weights)) @ x.T
    np.fill_diagonal(evidence, 0.0)
    smaller = np.minimum.outer(own, own)
    share = np.minimum(1.0, np.divide(evidence, smaller, out=np.zeros_like(evidence),
                                      where=smaller > 0))
    return evidence, share, common


def build(fragments, baseline, functions):
    """The :class:`Cohort` of ``fragments`` = {student: {func: Fragment}}; ``baseline`` =
    {func: [Fragment]} of what the class was given or may share."""
    students = sorted(fragments)
    n = len(students)
    evidence, shares, common = {}, {}, {}
    for func in functions:
        evidence[func] = np.zeros((n, n))
        shares[func], common[func] = {}, set()
        for kind in KINDS:
            given = set().union(*(getattr(f, kind) for f in baseline.get(func, [])))
            sets = {i: set(getattr(fragments[s][func], kind)) - given
                    for i, s in enumerate(students) if func in fragments[s]}
            e, share, too_common = _index(sets, n)
            evidence[func] += e / 2
            shares[func][kind] = share
            common[func] |= too_common | given
    return Cohort(students, list(functions), evidence, shares, common, fragments,
                  _traces(fragments, baseline))


def _traces(fragments, baseline):
    """(a, b) -> what two students alone share of comments, identifiers and prints."""
    given = {"comments": set(), "identifiers": set(), "prints": set()}
    for frags in baseline.values():
        for f in frags:
            for kind in given:
                given[kind] |= getattr(f, kind)
    holders = {}
    for student, funcs in fragments.items():
        for kind in given:
            for item in set().union(*(getattr(f, kind) for f in funcs.values())) - given[kind]:
                holders.setdefault((kind, item), []).append(student)
    found = {}
    for (kind, item), who in holders.items():
        if len(who) != TRACE_HOLDERS:
            continue
        label = {"comments": "identical comment", "identifiers": "unusual identifier",
                 "prints": "identical debug print"}[kind]
        found.setdefault(tuple(sorted(who)), []).append(f"{label} {item[:80]!r}")
    return found
