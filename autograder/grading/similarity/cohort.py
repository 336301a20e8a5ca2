"""The class as the yardstick: what is common in it counts little, what two students alone
share counts much.

For each graded function, an inverted index maps every fingerprint (not in the baseline)
to the students who have it; only fingerprints held by few students are indexed, so the
candidate pairs come from short posting lists instead of comparing every pair. A shared
fingerprint weighs by its rarity in the class (:func:`rarity`): a fragment every third
student writes (the notebook's hint written out) weighs almost nothing.

For each function a pair gets the rare material it shares (its *evidence*, in nats) and
the *share* of the smaller region's rare material that is (so padding a copy with dead
code does not hide it); :mod:`.score` calibrates these against the class's pairs.
"""
import math
from dataclasses import dataclass, field

COMMON = 0.5  # a fragment half the class writes says nothing about a pair: not indexed
TRACE_HOLDERS = 2  # a comment, identifier or print two students alone share is a trace


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
    token_groups: list = field(default_factory=list)  # lists of shared hashes (highlighting)
    shape_groups: list = field(default_factory=list)

    @property
    def shared(self):
        """Every fingerprint (token or shape) the pair shares in this function."""
        return set().union(*self.token_groups, *self.shape_groups)

    @property
    def weight(self):
        """What this function adds to the pair's code evidence: the shared rare material,
        counted as far as it is the bulk of the smaller region (``share * evidence``)."""
        return self.share * self.evidence


@dataclass
class Cohort:
    """Per function: who has which fingerprints; per pair: what they share."""
    n: int
    matches: dict  # (a, b) -> {func: FunctionMatch}, only pairs sharing something rare
    traces: dict  # (a, b) -> [text of a shared surface trace]


def _index(sets, n):
    """{pair: [shared evidence, [shared groups' hashes]]} and {student: own evidence} for one
    kind.

    Fingerprints held by exactly the same students come from one choice (one way of writing
    a statement gives a dozen k-grams), so they are counted once, as a *group*: its rarity
    times ``log2(1 + its size)`` (a long passage only two students share weighs more than a
    short one, but not twenty times more)."""
    holders = {}
    for student, hashes in sets.items():
        for h in hashes:
            holders.setdefault(h, []).append(student)
    groups = {}
    for h, who in holders.items():
        groups.setdefault(tuple(sorted(who)), []).append(h)
    own = dict.fromkeys(sets, 0.0)
    shared = {}
    for who, hashes in groups.items():
        w = rarity(len(who), n) * math.log2(1 + len(hashes))
        for s in who:
            own[s] += w
        if len(who) < 2 or w <= 0:  # common: not indexed, so posting lists stay short
            continue
        for i, a in enumerate(who):
            for b in who[i + 1:]:
                entry = shared.setdefault((a, b), [0.0, []])
                entry[0] += w
                entry[1].append(hashes)  # the group's own list, not a copy: pairs are many
    return shared, own


def quantile(values, total, q):
    """The q-quantile of ``values`` padded with zeros to ``total`` values."""
    if total <= 0:
        return 0.0
    rank = int(q * (total - 1))
    zeros = total - len(values)
    if rank < zeros:
        return 0.0
    return sorted(values)[rank - zeros]


def build(fragments, baseline, functions):
    """The :class:`Cohort` of ``fragments`` = {student: {func: Fragment}}; ``baseline`` =
    {func: [Fragment]} of what the class was given or may share."""
    students = sorted(fragments)
    matches = {}
    for func in functions:
        given_tokens = set().union(*(f.tokens for f in baseline.get(func, [])))
        given_shapes = set().union(*(f.shapes for f in baseline.get(func, [])))
        have = [s for s in students if func in fragments[s]]
        kinds = [_index({s: set(fragments[s][func].tokens) - given_tokens for s in have}, len(have)),
                 _index({s: set(fragments[s][func].shapes) - given_shapes for s in have}, len(have))]
        for pair in kinds[0][0].keys() | kinds[1][0].keys():
            m = FunctionMatch(func)
            shares = []
            for shared, own in kinds:
                weight, _ = shared.get(pair, (0.0, None))
                shares.append(min(1.0, weight / (min(own[pair[0]], own[pair[1]]) or 1.0)))
                m.evidence += weight / 2
            m.tokens, m.shapes = shares
            m.share = sum(shares) / 2
            m.token_groups = kinds[0][0].get(pair, (0, []))[1]
            m.shape_groups = kinds[1][0].get(pair, (0, []))[1]
            matches.setdefault(pair, {})[func] = m
    return Cohort(len(students), matches, _traces(fragments, baseline))


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
