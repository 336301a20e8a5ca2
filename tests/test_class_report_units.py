"""The class report's parts without a grading run: statistics, old journals, what changed,
the lecture map."""
import pytest

from autograder_instructor.grading import changes, item_stats, misconceptions
from autograder_instructor.grading.lecture_sections import SECTIONS, headings, section_of
from autograder_instructor.grading.result import CellGrade, Result


def test_an_item_nobody_or_everybody_gets_has_no_discrimination_and_is_flagged():
    """Is the point-biserial undefined (None, not 0 or an error) for a cell every student got,
    and are too easy, too hard and anti-discriminating cells flagged as their thresholds say?"""
    easy = item_stats.item("easy", 2, [2, 2, 2, 2], [10, 8, 4, 2])
    assert easy.discrimination is None and easy.flags == ["too easy"] and easy.full == 1.0
    hard = item_stats.item("hard", 4, [0, 0, 0, 1], [9, 8, 7, 1])
    assert hard.flags == ["too hard", "anti-discriminating"]
    # by hand: rest = [9, 8, 7, 0]; Sxy = -6, Sxx = 0.75, Syy = 50
    assert hard.discrimination == pytest.approx(-6 / (0.75 * 50) ** 0.5)
    good = item_stats.item("good", 1, [1, 1, 0, 0], [9, 7, 3, 1])
    # rest = [8, 6, 3, 1]; Sxy = 5, Sxx = 1, Syy = 29
    assert good.discrimination == pytest.approx(5 / 29 ** 0.5) and good.flags == []


def test_a_journal_written_before_causes_were_recorded_still_counts_its_mistakes():
    """Does a cell from an older journal, with the cause only in its message and the callee only
    in its note, count as that known mistake and that cascade?"""
    old = Result("ann", grades=[
        CellGrade("relu_tests", 1, 0.0, "relu", [
            {"label": "case 1", "passed": False,
             "message": "y is off in 3 of 6 entries. Likely cause: ReLU has no upper bound: "
                        "do not clip at 1"}]),
        CellGrade("dense_forward_tests", 3, 0.0, "dense_forward", [
            {"label": "case 1", "passed": False, "message": "y is off"}], "",
            "dense_forward calls relu, which fails its own checks: fix relu first")])
    found = misconceptions.answers([old], lambda student, grade: grade.score)
    kinds = {a.func: (a.kind, a.causes, a.callees) for a in found}
    assert kinds == {"relu": ("mistake", ["ReLU has no upper bound: do not clip at 1"], []),
                     "dense_forward": ("cascade", [], ["relu"])}
    table = misconceptions.by_function(found, ["relu", "dense_forward"])
    assert table[0]["mistakes"][0]["mutant"] == "relu_clipped"


def test_what_changed_says_why():
    """Is a score change put down to a manual grade, a resubmission, a late penalty or a
    regrade, and a student new to this run left out?"""
    before = {"ann": {"cells": {"a": 1.0, "b": 0.0}, "manual": [], "sha": "1"},
              "bob": {"cells": {"a": 0.0}, "manual": [], "sha": "2"},
              "cy": {"cells": {"a": 1.0}, "manual": [], "sha": "3"}}
    after = {"ann": {"cells": {"a": 1.0, "b": 3.0}, "manual": ["b"], "sha": "1"},
             "bob": {"cells": {"a": 1.0}, "manual": [], "sha": "9"},
             "cy": {"cells": {"a": 1.0, changes.LATE: -0.5}, "manual": [], "sha": "3"},
             "dee": {"cells": {"a": 1.0}, "manual": [], "sha": "4"}}
    rows = changes.diff(before, after)
    assert [(r["student"], r["cell"], r["delta"], r["why"].split(" (")[0]) for r in rows] == [
        ("ann", "b", 3.0, "manual grade"), ("bob", "a", 1.0, "resubmitted"),
        ("cy", changes.LATE, -0.5, "late penalty")]
    assert changes.diff(after, after) == [] and "no score changed" in changes.text([])


def test_every_graded_function_has_a_lecture_section_that_exists():
    """Does the one function -> section map cover every graded function of every assignment,
    each heading being one the lecture has?"""
    from autograder_instructor.suites import modules
    funcs = {t.func for m in modules().values() for t in m.TESTS}
    assert funcs <= set(SECTIONS), sorted(funcs - set(SECTIONS))
    assert set(SECTIONS.values()) <= set(headings())
    assert section_of("dense_forward") == ("§3 Layers: from word ids to a probability › "
                                           "The dense layer")
    assert section_of("not_graded_anywhere") == ""
