"""Benchmark: similarity evidence for a class of 200 students (19,900 pairs) on 01_dense.

The class is synthetic (tests/similarity_class.py: independent students in varied styles,
near-canonical ones, and planted copies), graded in this process on the hidden cases so
the behaviour signal is real; only the similarity itself is timed. Beside it, a naive
baseline compares every one of the 19,900 pairs in full (every function, every
fingerprint set intersected) instead of walking the index's posting lists; both must
give the same code evidence for every pair.

    python scripts/bench_similarity.py [--students 200] [--out DIR]
"""
import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder_instructor.grading.similarity import analysis, cohort, regions, report  # noqa: E402
from tests import similarity_class as sc  # noqa: E402


def make_class(n):
    """{student: {func: source}} of ``n`` students with about one in twenty a copy."""
    rounds, students, planted = 0, {}, set()
    while len(students) < n:
        group, group_planted = sc.planted_class(n_independent=16, n_canonical=3, seed=rounds)
        for name, funcs in group.items():
            if rounds and name in ("orig_bug", "copy_disguised"):
                continue  # one disguised pair: more would all share its padding and its bug
            students[f"r{rounds}-{name}"] = funcs
        planted |= {(f"r{rounds}-{a}", f"r{rounds}-{b}") for a, b in group_planted}
        rounds += 1
    kept = dict(list(students.items())[:n])
    return kept, {p for p in planted if p[0] in kept and p[1] in kept}


def naive_evidence(fragments, info):
    """{(a, b, func): evidence} by comparing every pair in full: the baseline."""
    out = {}
    students = sorted(fragments)
    for func in info.functions:
        for kind in ("tokens", "shapes"):
            given = set().union(*(getattr(f, kind) for f in info.baseline_fragments[func]))
            have = [s for s in students if func in fragments[s]]
            sets = {s: set(getattr(fragments[s][func], kind)) - given for s in have}
            holders = {}
            for s, hs in sets.items():
                for h in hs:
                    holders.setdefault(h, []).append(s)
            sizes = {}
            for who in holders.values():
                sizes[tuple(who)] = sizes.get(tuple(who), 0) + 1
            per_hash = {h: cohort.rarity(len(who), len(have)) * math.log2(1 + sizes[tuple(who)])
                        / sizes[tuple(who)] for h, who in holders.items()}
            for i, a in enumerate(have):  # every pair, in full
                for b in have[i + 1:]:
                    shared = sets[a] & sets[b]
                    if shared:
                        e = sum(per_hash[h] for h in shared) / 2
                        if e:
                            out[(a, b, func)] = out.get((a, b, func), 0.0) + e
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--out", help="write pairs.csv and report.html here (default: a temp folder)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    students, planted = make_class(args.students)
    results = {s: sc.grade_in_process(f) for s, f in students.items()}
    n = len(students)
    print(f"class: {n} students, {n * (n - 1) // 2} pairs, {len(planted)} planted copies "
          f"(made and graded in {time.perf_counter() - started:.1f} s, not timed below)")

    info = analysis.prepared(regions.load_assignment(sc.COURSE, "01_dense"))
    t0 = time.perf_counter()
    fragments, _ = analysis.read_all(info, {s: sc.cells(f) for s, f in students.items()})
    tf = time.perf_counter()
    similarity = analysis.compare(info, fragments, results)
    t1 = time.perf_counter()
    out = Path(args.out or tempfile.mkdtemp(prefix="bench-similarity-"))
    report.write(similarity, out)
    t2 = time.perf_counter()
    naive = naive_evidence(fragments, info)
    t3 = time.perf_counter()
    cohort.build(fragments, info.baseline_fragments, info.functions)
    t4 = time.perf_counter()

    c = similarity.cohort
    indexed = {(c.students[i], c.students[j], f): float(c.evidence[f][i, j])
               for f in c.functions for i, j in zip(*c.evidence[f].nonzero()) if i < j}
    differ = [k for k in naive.keys() | indexed.keys()
              if abs(naive.get(k, 0.0) - indexed.get(k, 0.0)) > 1e-9]
    verdicts = {(p.student_a, p.student_b): p.verdict for p in similarity.pairs}
    found = sum(verdicts.get(p, "independent") != "independent" for p in planted)
    honest = [v for k, v in verdicts.items() if k not in planted]
    print(f"fingerprints (regions, tokens, AST shapes, traces)   {tf - t0:6.2f} s")
    print(f"index + behaviour + scores + verdicts (this tool)   {t1 - tf:6.2f} s")
    print(f"pairs.csv + report.html                             {t2 - t1:6.2f} s")
    print(f"total                                               {t2 - t0:6.2f} s  (target < 60 s)")
    print(f"code evidence of every pair, index (cohort.build)    {t4 - t3:6.2f} s")
    print(f"code evidence of every pair, naive all-pairs         {t3 - t2:6.2f} s  "
          f"({n * (n - 1) // 2} pairs compared one by one, same fingerprints)")
    print(f"pairs with code evidence: indexed {len({k[:2] for k in indexed})}, "
          f"naive {len({k[:2] for k in naive})}; pair-function values that differ: {len(differ)}")
    print(f"planted copies flagged: {found} of {len(planted)}; honest pairs flagged: "
          f"{sum(v == 'review' for v in honest)} review, "
          f"{sum(v == 'likely copied' for v in honest)} likely copied")
    print(f"written: {out / 'pairs.csv'}, {out / 'report.html'}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
