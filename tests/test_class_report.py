"""The class report on a class whose mistakes we planted: does it count each known mistake
for the right students, keep cascades apart, compute difficulty and discrimination as a
hand computation does, and list exactly the scores a regrade changed?

One grading run of 12 students (01_dense) is shared by the whole module.
"""
import html
import json
import re
import statistics

import nbformat
import pytest

from autograder_instructor import suites
from autograder_instructor.grading import pipeline
from autograder_instructor.mutants import mutants_for
from autograder_instructor.submissions import fill

from .browser import browser  # noqa: F401  (a pytest fixture)
from .fixtures.grading_course import submitted
from .fixtures.make_submissions import RELEASED, SOURCE

# One grading run serves the module, and the export test reads the manual grades the
# regrade test enters: the module runs on one xdist worker, in order.
pytestmark = [pytest.mark.xdist_group("class_report"), pytest.mark.slow]

POINTS = {"sigmoid_tests": 1, "tanh_tests": 1, "relu_tests": 1, "softmax_tests": 2,
          "dense_forward_tests": 3, "dense_backward_tests": 4}
HONEST = ("ada", "ben", "cai", "dot")
# student -> (function, known mistake) planted, and the grade cells that must lose points
PLANTED = {
    "fay": ("relu", "relu_leaky"), "gil": ("relu", "relu_leaky"),
    "hal": ("softmax", "softmax_wrong_axis"), "ivy": ("softmax", "softmax_wrong_axis"),
    "jon": ("softmax", "softmax_wrong_axis"),
    "kim": ("dense_forward", "dense_forward_no_bias"),
    "lee": ("dense_backward", "dense_backward_db_mean"),
}
STUB = "eli"
# dense_forward calls relu and softmax: a wrong one costs dense_forward its points too
LOST = {"fay": ("relu_tests", "dense_forward_tests"), "gil": ("relu_tests", "dense_forward_tests"),
        "hal": ("softmax_tests", "dense_forward_tests"),
        "ivy": ("softmax_tests", "dense_forward_tests"),
        "jon": ("softmax_tests", "dense_forward_tests"), "kim": ("dense_forward_tests",),
        "lee": ("dense_backward_tests",), STUB: tuple(POINTS)}


DUE, ON_TIME, LATE = "2026-11-20 10:00:00 UTC", "2026-11-20 09:00:00 UTC", "2026-11-21 12:30:00 UTC"
LATE_STUDENT = "dot"  # honest, 26.5 hours late: two started days
# nbgrader's documented way to a penalty of one's own: a LateSubmissionPlugin subclass
PER_DAY = """
import math
from nbgrader.plugins import LateSubmissionPlugin


class TenPercentPerDay(LateSubmissionPlugin):
    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return 0.1 * score * math.ceil(total_seconds_late / 86400)


c.AssignLatePenalties.plugin_class = TenPercentPerDay
"""


def _late_rules(course, submissions=None):
    """The course's due date and late plugin, as an instructor sets them for nbgrader."""
    from nbgrader.api import Gradebook
    with open(course / "nbgrader_config.py", "a") as f:
        f.write(PER_DAY)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment("01_dense", duedate=DUE)
    for student, stamp in ((LATE_STUDENT, LATE), ("ada", ON_TIME)):
        if submissions:
            (submissions / student / "01_dense" / "timestamp.txt").write_text(stamp)


def _mistake(func, name):
    mutant = next(m for m in mutants_for(func) if m.name == name)
    return mutant, {func: mutant.source()}


def expected_scores():
    """Every student's score per grade cell, written down from the plan."""
    students = HONEST + tuple(PLANTED) + (STUB,)
    return {s: {g: (0 if g in LOST.get(s, ()) else p) for g, p in POINTS.items()}
            for s in students}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, released_copy):
    """(course, the run's context, the report's numbers) for the planted class."""
    base = tmp_path_factory.mktemp("class-report")
    course = released_copy("01_dense", base / "course")
    notebooks = {s: fill(RELEASED, SOURCE) for s in HONEST}
    notebooks[STUB] = nbformat.read(RELEASED, as_version=4)
    for student, (func, name) in PLANTED.items():
        notebooks[student] = fill(RELEASED, SOURCE, _mistake(func, name)[1])
    folder = base / "submitted"
    submitted(folder, {s: nbformat.writes(nb).encode() for s, nb in notebooks.items()})
    _late_rules(course, folder)
    # The planted scores are written down all or nothing: grade this class with the course's
    # partial credit off (the report's counting does not depend on it; rnn-course grade
    # judges in this process, so the setting reaches it).
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(suites, "PARTIAL_CREDIT", False)
        ctx = pipeline.run(assignment="01_dense", submissions=folder, course=course, jobs=2,
                           quiet=True)
    model = json.loads((ctx["out"] / "report.json").read_text())
    return course, folder, ctx, model


def test_the_class_scored_as_planted(graded):
    """Did the run give every student the points the plan says (the premise of the rest)?"""
    _, _, ctx, model = graded
    got = {r.student: {g.grade_id: g.score for g in r.grades} for r in ctx["results"]}
    assert got == expected_scores()
    assert model["students"] == len(got)


def test_each_planted_mistake_is_counted_for_exactly_its_students(graded):
    """Is each known mistake listed under its function with exactly the students who made it,
    the top five ordered by students, each with its lecture section?"""
    _, _, _, model = graded
    planted = {}
    for student, (func, name) in PLANTED.items():
        planted.setdefault((func, _mistake(func, name)[0].cause, name), []).append(student)
    found = {(f["func"], m["cause"], m["mutant"]): m["students"]
             for f in model["misconceptions"] for m in f["mistakes"]}
    assert found == {k: sorted(v) for k, v in planted.items()}
    counts = [m["count"] for m in model["top"]]
    assert counts == [3, 2, 1, 1] and model["top"][0]["mutant"] == "softmax_wrong_axis"
    sections = {m["func"]: m["section"] for m in model["top"]}
    assert sections["softmax"].startswith("§3 ") and "nonlinearities" in sections["softmax"]
    assert sections["dense_backward"].endswith("The dense layer")


def test_cascades_are_counted_apart_from_the_functions_own_mistakes(graded):
    """Are the five dense_forward cells lost to a wrong relu or softmax listed as cascades,
    naming the callee, and never as dense_forward's own mistake, while kim's missing bias is?"""
    _, _, _, model = graded
    cascades = {(c["student"], c["func"]): c["callees"] for c in model["cascades"]}
    assert cascades == {("fay", "dense_forward"): ["relu"], ("gil", "dense_forward"): ["relu"],
                        ("hal", "dense_forward"): ["softmax"],
                        ("ivy", "dense_forward"): ["softmax"],
                        ("jon", "dense_forward"): ["softmax"]}
    assert all(c["lost"] == 3 for c in model["cascades"])
    forward = next(f for f in model["misconceptions"] if f["func"] == "dense_forward")
    assert [m["students"] for m in forward["mistakes"]] == [["kim"]]
    assert forward["cascades"] == ["fay", "gil", "hal", "ivy", "jon"]
    assert forward["unexplained"] == [] and forward["unexplained_share"] == 0.0
    assert all(f["stubs"] == [STUB] for f in model["misconceptions"])


def _hand_point_biserial(cell, scores):
    xs = [s[cell] for s in scores.values()]
    rest = [sum(s.values()) - s[cell] for s in scores.values()]
    return statistics.correlation(xs, rest)


def test_difficulty_and_discrimination_equal_a_hand_computation(graded):
    """Per grade cell, are the mean, the share at full marks and the point-biserial against
    the rest of the total those computed by hand from the planted scores?"""
    _, _, _, model = graded
    scores = expected_scores()
    n = len(scores)
    for cell in model["cells"]:
        g = cell["name"]
        column = [s[g] for s in scores.values()]
        assert cell["n"] == n
        assert cell["mean"] == pytest.approx(sum(column) / n)
        assert cell["full"] == pytest.approx(sum(x == POINTS[g] for x in column) / n)
        assert cell["discrimination"] == pytest.approx(_hand_point_biserial(g, scores))
    sigmoid = next(c for c in model["cells"] if c["name"] == "sigmoid_tests")
    assert sigmoid["mean"] == pytest.approx(11 / 12)  # only the stub loses it
    # each check of sigmoid_tests, hidden ones included, fails for the stub alone
    checks = model["cases"]["sigmoid_tests"]
    assert any(c["name"].startswith("hidden case") for c in checks)
    assert all(c["n"] == n and c["mean"] == pytest.approx(11 / 12) for c in checks)


def test_the_page_is_self_contained_with_its_plots_and_numbers(graded):
    """Is report.html one offline page (no external URL, no script) with its plots inline,
    stating the counts of the planted mistakes and the cascades?"""
    _, _, ctx, _ = graded
    page = ctx["report"].read_text()
    assert ctx["report"].name == "report.html"
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page
    assert page.count('src="data:image/png;base64,') >= 4
    text = html.unescape(page)
    for func, name in set(PLANTED.values()):
        assert _mistake(func, name)[0].cause in text
    assert "5 answers lost 15 points" in text
    assert "3: hal, ivy, jon" in text


def test_the_report_opens_offline_in_a_browser_with_its_plots(graded, browser, tmp_path):  # noqa: F811
    """Opened from disk in a real browser with the network off, does the report show every
    section and every plot (each image decoded, with a size), ask for nothing outside the
    machine and log no error?"""
    _, _, ctx, _ = graded
    page = browser.open(ctx["report"].as_uri())
    page.wait_for("document.readyState === 'complete'", what="the report to load")
    images = page.script("return Array.from(document.images).map("
                         "i => [i.complete, i.naturalWidth, i.naturalHeight, i.alt])")
    assert len(images) >= 4
    assert all(done and width > 100 and height > 100 for done, width, height, _ in images), images
    assert any("difficulty" in alt for *_, alt in images)
    for section in ("changes", "misconceptions", "top", "cascades", "difficulty", "late", "time"):
        assert page.find("css selector", f"#{section}"), section
    assert not page.foreign_requests() and not page.console_errors()
    page.screenshot(tmp_path / "report.png")


def test_student_text_is_escaped():
    """Does a student id or a message carrying HTML reach the page as text, never as markup?"""
    from autograder_instructor.grading.report_html import render
    evil = "<img src=x onerror=alert(1)>"
    model = {"assignment": "01_dense", "max_score": 12, "students": 1, "totals": {evil: 3},
             "not_graded": [evil], "cells": [], "cases": {},
             "misconceptions": [{"func": "relu", "section": "", "mistakes": [
                 {"cause": evil, "mutant": "m", "count": 1, "students": [evil]}],
                 "unexplained": [evil], "wrong": 2, "unexplained_share": 0.5,
                 "cascades": [evil], "stubs": [], "not_graded": []}],
             "top": [{"cause": evil, "mutant": "m", "count": 1, "students": [evil],
                      "func": "relu", "section": ""}],
             "cascades": [{"student": evil, "func": "f", "callees": [evil], "lost": 1.0}],
             "timing": [{"student": evil, "seconds": 1.0, "cells": 0.5, "checks": 0.5,
                         "limits": [evil]}],
             "changes": [{"student": evil, "cell": evil, "before": 0.0, "after": 1.0,
                          "delta": 1.0, "why": "manual grade"}]}
    page = render(model)
    assert "<img src=x" not in page and html.escape(evil) in page


def test_a_regrade_lists_exactly_the_manual_grade_that_changed(graded):
    """After a grader changes one student's cell in the gradebook, does the next grading run
    (which regrades nothing) list exactly that student and cell, and `rnn-course report`
    then list only what changed after that run?"""
    from nbgrader.api import Gradebook

    from autograder_instructor.cli import main
    course, folder, ctx, model = graded
    assert model["changes"] is None  # the first run has nothing to compare with
    db = ctx["db_url"]

    def manual(student, cell, score):
        with Gradebook(db) as gb:
            gb.find_grade(cell, "dense", "01_dense", student).manual_score = score
            gb.db.commit()

    manual("kim", "dense_forward_tests", 2.0)
    again = pipeline.run(assignment="01_dense", submissions=folder, course=course, jobs=2,
                         quiet=True)
    assert len(again["finished"]) == 12 and not again["todo"]
    assert again["changes"] == [{"student": "kim", "cell": "dense_forward_tests", "before": 0.0,
                                 "after": 2.0, "delta": 2.0, "why": "manual grade"}]
    assert "kim" in again["report"].read_text()

    manual("lee", "dense_backward_tests", 4.0)
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["report", "01_dense", "--course", str(course)]) == 0
    printed = out.getvalue()
    assert "lee: dense_backward_tests 0 -> 4 (+4, manual grade)" in printed
    assert "kim" not in printed  # kept by the last run: not a change since then


def _submission(db, student):
    from nbgrader.api import Gradebook
    with Gradebook(db) as gb:
        sub = gb.find_submission("01_dense", student)
        return sub.score, sub.late_submission_penalty, sub.total_seconds_late


def test_the_late_penalty_is_the_one_plain_nbgrader_gives(graded, tmp_path_factory, released_copy):
    """Does rnn-course grade give the late student the penalty `nbgrader autograde` gives the
    same notebook, timestamp, due date and plugin (none to the student on time), and do the
    report, the feedback page and grades.csv show it?"""
    import csv
    import shutil

    from autograder_instructor.release import nbgrader
    course, folder, ctx, model = graded
    plain = released_copy("01_dense", tmp_path_factory.mktemp("plain") / "course")
    _late_rules(plain)
    target = plain / "submitted" / LATE_STUDENT / "01_dense"
    shutil.copytree(folder / LATE_STUDENT / "01_dense", target)
    nbgrader(plain, "autograde", "01_dense", "--student", LATE_STUDENT)
    theirs = _submission(f"sqlite:///{plain / 'gradebook.db'}", LATE_STUDENT)
    assert theirs == (12.0, pytest.approx(2.4), 26.5 * 3600)  # 10% of 12 for each of 2 days
    assert _submission(ctx["db_url"], LATE_STUDENT) == theirs
    assert _submission(ctx["db_url"], "ada")[1:] in ((None, 0), (0.0, 0))

    assert model["late"] == [{"student": LATE_STUDENT, "seconds": 26.5 * 3600,
                              "penalty": pytest.approx(2.4), "raw": 12.0,
                              "score": pytest.approx(9.6)}]
    page = (ctx["out"] / "feedback" / f"{LATE_STUDENT}.html").read_text()
    assert "Submitted 1 d 2 h 30 min after the due date" in page
    assert "a late penalty of 2.4 points was taken off 12" in page
    assert "after the due date" not in (ctx["out"] / "feedback" / "ada.html").read_text()
    with open(ctx["out"] / "grades.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert float(rows[LATE_STUDENT]["score"]) == pytest.approx(9.6)  # as nbgrader export says


def test_penalty_method_zero_takes_the_whole_score(graded):
    """With nbgrader's own LateSubmissionPlugin and penalty_method "zero", is the late
    student's penalty their whole score, and the on-time student's none?"""
    from nbgrader.plugins import LateSubmissionPlugin

    from autograder_instructor.grading import late
    course, _, ctx, _ = graded
    config = late.course_config(course)
    config.AssignLatePenalties.plugin_class = LateSubmissionPlugin
    config.LateSubmissionPlugin.penalty_method = "zero"
    try:
        for student in (LATE_STUDENT, "ada"):
            late.assign(ctx["db_url"], config, "01_dense", "dense", student)
        assert _submission(ctx["db_url"], LATE_STUDENT)[1] == 12.0
        assert not _submission(ctx["db_url"], "ada")[1]
    finally:  # the course's own rules again, for the tests after this one
        late.assign(ctx["db_url"], late.course_config(course), "01_dense", "dense", LATE_STUDENT)
    assert _submission(ctx["db_url"], LATE_STUDENT)[1] == pytest.approx(2.4)


def _run(*argv):
    """(exit code, stdout) of `rnn-course ARGV`."""
    import contextlib
    import io

    from autograder_instructor.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([str(a) for a in argv])
    return code, out.getvalue()


def _rows(path):
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_lms_exports_carry_nbgraders_scores_and_name_whom_they_could_not_match(graded, tmp_path):
    """Do the Canvas and Moodle files have the columns their import documents, one row per
    matched student with the score `nbgrader export` gives (manual grades and the late penalty
    included), every student they cannot match reported and left out, no cell a formula?"""
    from nbgrader.api import Gradebook

    from autograder_instructor.release import nbgrader
    course, _, ctx, _ = graded
    people = sorted(expected_scores())
    with Gradebook(ctx["db_url"]) as gb:
        for i, s in enumerate(people):
            gb.update_or_create_student(
                s, first_name=s.title(), last_name="=cmd|' /C calc'!A0" if s == "ada" else "Doe",
                email=None if s == "kim" else f"{s}@uni.example",
                lms_user_id=None if s == "lee" else str(1000 + i))
        gb.update_or_create_student("zed", first_name="Zed", last_name="Doe",
                                    email="zed@uni.example", lms_user_id="999")  # no submission
    nbgrader(course, "export", "--to", "nbgrader-export.csv")
    with open(course / "nbgrader-export.csv", newline="") as f:
        import csv
        theirs = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert theirs["kim"] == 9 + 2 and theirs["lee"] == 8 + 4  # the manual grades of a test above
    assert theirs[LATE_STUDENT] == pytest.approx(9.6)

    code, printed = _run("export", "01_dense", "--to", "canvas", "--course", course,
                         "--out", tmp_path / "canvas.csv")
    rows = _rows(tmp_path / "canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_dense"]
    assert rows[1][0] == "Points Possible" and float(rows[1][5]) == 12
    by_id = {r[1]: r for r in rows[2:]}
    ids = {s: str(1000 + i) for i, s in enumerate(people) if s != "lee"}
    assert set(by_id) == set(ids.values()) | {"999"}
    for student, lms in ids.items():
        assert by_id[lms][3] == student and float(by_id[lms][5]) == pytest.approx(theirs[student])
    assert by_id["999"][5] == ""  # no submission: Canvas keeps what it has
    assert by_id[ids["ada"]][0].startswith("'=cmd")  # text, never a formula
    assert code == 1 and "lee: no LMS user id" in printed and "zed 01_dense: no submission" in printed

    code, printed = _run("export", "01_dense", "--to", "moodle", "--course", course,
                         "--out", tmp_path / "moodle.csv")
    rows = _rows(tmp_path / "moodle.csv")
    assert rows[0][0] == "Email address" and rows[0][-1] == "01_dense"
    by_email = {r[0]: r[-1] for r in rows[1:]}
    assert set(by_email) == {f"{s}@uni.example" for s in people + ["zed"] if s != "kim"}
    assert next(r for r in rows if r[0] == "ada@uni.example")[2].startswith("'=cmd")
    for student in people:
        if student != "kim":
            assert float(by_email[f"{student}@uni.example"]) == pytest.approx(theirs[student])
    assert code == 1 and "kim: no email address" in printed

    code, printed = _run("export", "01_dense", "--to", "csv", "--course", course,
                         "--out", tmp_path / "all.csv")
    rows = _rows(tmp_path / "all.csv")
    assert code == 0 and len(rows) == 1 + len(people) + 1
    assert {r[0]: r[-1] for r in rows[1:]}["lee"] == "12"


def test_export_refuses_an_assignment_the_gradebook_does_not_know(graded, tmp_path):
    """Does exporting an unknown assignment stop with a message naming the ones there are?"""
    course = graded[0]
    with pytest.raises(SystemExit, match="no assignment 99_nothing.*01_dense"):
        _run("export", "99_nothing", "--to", "canvas", "--course", course,
             "--out", tmp_path / "x.csv")


def test_report_of_an_assignment_nobody_submitted_writes_nothing(graded):
    """Does `rnn-course report` for an assignment without submissions say so and write no
    page of empty plots, instead of failing?"""
    course, _, ctx, _ = graded
    code, printed = _run("report", "02_learning", "--course", course)
    assert code == 0 and "02_learning: the gradebook has no submission of it" in printed
    assert not (course / "grading" / "02_learning" / "report.html").exists()
