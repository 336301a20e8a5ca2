"""Similarity evidence (grading/similarity/): are planted copies found in a synthetic class,
and are honest students, near-canonical ones included, left alone?"""
from functools import lru_cache

import pytest

from autograder_instructor.grading.similarity import analysis, behaviour, regions

from . import similarity_class as sc

REVIEW_ALLOWED = 3  # honest pairs that may be marked "review" in a class of 35 (595 pairs)


@lru_cache(maxsize=None)
def info():
    return regions.load_assignment(sc.COURSE, "01_dense")


@lru_cache(maxsize=None)
def graded_class(seed):
    students, planted = sc.planted_class(seed=seed)
    results = {s: sc.grade_in_process(f) for s, f in students.items()}
    return students, planted, results


def analysed(students, results=None):
    return analysis.analyse(info(), {s: sc.cells(f) for s, f in students.items()}, results)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_copies_are_flagged_and_honest_pairs_are_not_accused(seed):
    """In a class of 24 independent students in varied styles, 6 near-canonical ones and four
    planted copies (verbatim; renamed, reformatted and reordered; disguised with an inlined
    helper and dead code but sharing an unusual bug; two of six functions copied), does
    every planted pair get a verdict other than independent, no honest pair 'likely
    copied', and at most a handful 'review'?"""
    students, planted, results = graded_class(seed)
    similarity = analysed(students, results)
    verdicts = {(p.student_a, p.student_b): p.verdict for p in similarity.pairs}
    for pair in planted:
        assert verdicts.get(pair, "independent") != "independent", pair
    honest = {pair: v for pair, v in verdicts.items() if pair not in planted}
    assert "likely copied" not in honest.values(), [p for p, v in honest.items() if v != "independent"]
    assert sum(v == "review" for v in honest.values()) <= REVIEW_ALLOWED
    assert similarity.n_pairs == len(students) * (len(students) - 1) // 2 == 595


def test_the_partial_copy_is_found_through_its_two_copied_functions():
    """Is a copy of two functions out of six found by those functions' own scores, while
    the functions written independently are no more alike than honest students' are?"""
    students, planted, results = graded_class(0)
    source = next(a for a, b in planted if b == "copy_partial" or a == "copy_partial")
    source = source if source != "copy_partial" else next(
        b for a, b in planted if a == "copy_partial")
    pair = next(p for p in analysed(students).pairs
                if {p.student_a, p.student_b} == {source, "copy_partial"})
    by_func = {m.func: m for m in pair.functions}
    assert by_func["dense_forward"].share > 0.9 and by_func["dense_backward"].share > 0.9
    assert {m.func for m in pair.functions[:2]} == {"dense_forward", "dense_backward"}
    assert pair.verdict != "independent"
    assert "dense_backward" in pair.evidence and "dense_forward" in pair.evidence


def test_near_canonical_honest_students_are_not_flagged():
    """Do students who all wrote the notebook's reference (with the usual small variations)
    stay 'independent' with one another, in a class where others write otherwise?"""
    students = {f"c{i}": sc.near_canonical(i) for i in range(8)}
    students.update({f"s{i}": sc.independent(100 + i) for i in range(12)})
    similarity = analysed(students)
    flagged = [(p.student_a, p.student_b) for p in similarity.flagged()]
    assert not [pair for pair in flagged if pair[0].startswith("c") and pair[1].startswith("c")]
    assert len(flagged) <= 1


def test_code_equal_to_the_reference_counts_for_nothing():
    """Two students who both hand in the reference solution as it is share nothing the class
    was not given: does their pair have no code evidence at all?"""
    reference = sc.split(sc.CANONICAL)
    students = {"ref1": reference, "ref2": dict(reference)}
    students.update({f"s{i}": sc.independent(200 + i) for i in range(6)})
    similarity = analysed(students)
    assert ("ref1", "ref2") not in {(p.student_a, p.student_b) for p in similarity.pairs}


def test_an_unexplained_shared_wrong_output_is_strong_and_a_named_one_weak():
    """Two students wrong the same way on hidden cases with no known mistake explaining it:
    is that strong behavioural evidence, while two who make a common named mistake (tanh's
    derivative as 1 - y, a mutant) share only weak evidence?"""
    odd = {s: sc.grade_in_process(sc.independent(300 + i, bug=sc.UNUSUAL_BUG))
           for i, s in enumerate(("odd1", "odd2"))}
    named = {s: sc.grade_in_process(sc.independent(310 + i, bug="dy * (1 - y)"))
             for i, s in enumerate(("named1", "named2"))}
    marks = {s: behaviour.marks_by_cell(r) for s, r in {**odd, **named}.items()}
    assert all(":" not in m for m in marks["odd1"]["dense_backward_tests"][1].values())
    assert all(":" in m for m in marks["named1"]["dense_backward_tests"][1].values())
    counts = behaviour.class_counts(marks)
    strong = behaviour.pair_behaviour(marks["odd1"], marks["odd2"], counts, 30)
    weak = behaviour.pair_behaviour(marks["named1"], marks["named2"], counts, 30)
    assert strong[0].strength > 0.5 and strong[0].named == 0
    assert weak[0].strength <= behaviour.NAMED_WEIGHT and weak[0].named == weak[0].cases
    assert not behaviour.pair_behaviour(marks["odd1"], marks["named1"], counts, 30)
    assert ("odd1", "odd2") in behaviour.rare_pairs(marks, 30)
    assert ("named1", "named2") not in behaviour.rare_pairs(marks, 30)


def test_wrong_outputs_equal_to_many_digits_share_a_mark_and_others_do_not():
    """Is the mark of a wrong output the same for outputs equal to about nine digits,
    different once they differ in the sixth, and never an exception inside judging?"""
    import numpy as np
    from autograder.cases import Case
    case = Case("c", "f", {}, {}, {"out": np.zeros(3)})
    x = np.array([0.1, 2.0, -3.5])
    assert behaviour.wrong_output(case, {"out": x}) == behaviour.wrong_output(
        case, {"out": x * (1 + 1e-13)})
    assert behaviour.wrong_output(case, {"out": x}) != behaviour.wrong_output(
        case, {"out": x * (1 + 1e-6)})
    assert behaviour.wrong_output(case, {"error": "error:ValueError: x"}) is None
    assert behaviour.wrong_output(case, {"out": np.array([np.nan, np.inf, 1.0])})

    class Undigestible:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("no")

    assert behaviour.wrong_output(case, {"out": Undigestible()}) is None  # never raises
    assert behaviour.wrong_output(case, {"out": "tuple:3"}) != behaviour.wrong_output(
        case, {"out": "list:3"})


def test_surface_traces_identical_comments_unusual_identifiers_debug_prints():
    """Do two students who alone share a comment, an unusual variable name and a debug
    print get those named as traces, and is an identifier the reference uses never one?"""
    students = {f"s{i}": sc.independent(400 + i) for i in range(10)}
    for s in ("s1", "s2"):
        students[s] = dict(students[s])
        students[s]["relu"] = ("def relu(z):\n    # zero out negatives like in the video\n"
                               "    zorglub_mask = z > 0\n    print('relu debug', z.shape)\n"
                               "    e = 1\n    return z * zorglub_mask\n")
    pair = next(p for p in analysed(students).pairs if (p.student_a, p.student_b) == ("s1", "s2"))
    text = " ".join(pair.traces)
    assert "identical comment 'zero out negatives like in the video'" in text
    assert "unusual identifier 'zorglub_mask'" in text
    assert "identical debug print" in text and "relu debug" in text
    assert "'e'" not in text


def test_student_regions_skip_course_cells_and_follow_helpers():
    """Is a student's region of a function their last definition of it, without its
    docstring, with the helpers it calls, and never a grade or read-only cell's code?"""
    nb = sc.notebook({"relu": "def relu(z):\n    return np.maximum(z, 0)\n"})
    nb.cells.append(nb.cells[1].copy())
    nb.cells[-1].source = ('def _clip(v):\n    return np.where(v > 0, v, 0.0)\n\n'
                           'def relu(z):\n    """Docstring."""\n    return _clip(z)\n')
    nb.cells[0].source += "\ndef sigmoid(z):\n    return z\n"  # a read-only cell: the course's
    found = regions.regions(regions.student_sources(nb, info().locked), info().functions)
    assert set(found) == {"relu"}
    assert "_clip(z)" in found["relu"] and "def _clip" in found["relu"]
    assert "Docstring" not in found["relu"] and "np.maximum" not in found["relu"]
