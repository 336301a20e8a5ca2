"""A class's similarity from its notebooks: regions -> fragments -> cohort -> scored pairs."""
from dataclasses import dataclass, field

from . import behaviour, cohort, fingerprint, regions, score


@dataclass
class Similarity:
    assignment: str
    functions: list
    students: list  # every student whose notebook was read
    fragments: dict  # student -> {func: Fragment}
    pairs: list  # score.Pair with any evidence, best first
    calibration: object  # score.Calibration: the class's usual and high pair
    behaviour: bool  # whether grading results gave the behaviour signal
    skipped: dict = field(default_factory=dict)  # student -> why their notebook was not read
    cohort: object = None  # cohort.Cohort: every pair's per-function matches

    @property
    def n_pairs(self):
        n = len(self.students)
        return n * (n - 1) // 2

    def flagged(self):
        return [p for p in self.pairs if p.verdict != "independent"]


def fragments_of(info, sources):
    """{func: Fragment} of one student's code cells ``sources``."""
    kept, common = info.names
    return {f: fingerprint.fragment(text, kept, common)
            for f, text in regions.regions(sources, info.functions).items()}


def prepared(info):
    """``info`` with the names the class was given and its baseline's fragments."""
    if not hasattr(info, "names"):
        info.names = fingerprint.given_names([s for b in info.baseline.values() for s in b])
        kept, common = info.names
        info.baseline_fragments = {f: [fingerprint.fragment(s, kept, common) for s in b]
                                   for f, b in info.baseline.items()}
    return info


def read_all(info, notebooks):
    """({student: {func: Fragment}}, {student: why not read}) of ``notebooks`` = {student:
    path or notebook node or list of code-cell sources}."""
    info = prepared(info)
    fragments, skipped = {}, {}
    for student, nb in sorted(notebooks.items()):
        if isinstance(nb, list):
            sources = nb
        else:
            if not hasattr(nb, "get"):
                nb, why = regions.read_notebook(nb)
                if nb is None:
                    skipped[student] = why
                    continue
            sources = regions.student_sources(nb, info.locked)
        try:
            fragments[student] = fragments_of(info, sources)
        except (RecursionError, MemoryError, ValueError) as exc:  # absurdly nested code
            skipped[student] = f"its code could not be compared ({type(exc).__name__})"
    return fragments, skipped


def compare(info, fragments, results=None, skipped=None):
    """The :class:`Similarity` of the class's ``fragments``; ``results`` = {student: Result
    or its JSON} from grading, if any."""
    info = prepared(info)
    marks = {s: behaviour.marks_by_cell(r) for s, r in (results or {}).items() if s in fragments}
    found = cohort.build(fragments, info.baseline_fragments, info.functions)
    pairs, calibration = score.score_pairs(found, marks)
    return Similarity(info.assignment, info.functions, sorted(fragments), fragments, pairs,
                      calibration, bool(marks), skipped or {}, found)


def analyse(info, notebooks, results=None):
    """:func:`read_all` then :func:`compare`."""
    fragments, skipped = read_all(info, notebooks)
    return compare(info, fragments, results, skipped)
