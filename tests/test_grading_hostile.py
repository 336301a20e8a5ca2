"""Broken and hostile submissions, graded in one class by ``rnn-course grade``.

Every scenario of tests/fixtures/submissions/ is one student of the same class
(graded with 2 workers, short time limits and a 1 GB memory limit). Does each get
a row in the gradebook and the CSV, a clear reason in its feedback, no credit for
what it faked, and no effect on the reference student graded beside it?
"""
import csv
import json
import os
import time
from pathlib import Path

import pytest

from autograder_instructor.grading.gradebook import totals
from autograder_instructor.grading.limits import Limits
from autograder_instructor.grading.pipeline import run

from .fixtures.grading_course import dense_course, fixture_paths, submitted  # noqa: F401
from .fixtures.make_submissions import ALL, EXPECTED

# Grades a whole class end to end: `make test` runs it, `make test-fast` does not.
pytestmark = pytest.mark.slow

ESCAPES = [Path("/tmp/rnn-course-grading-escape.txt")]
LIMITS = Limits(cell_timeout=4, notebook_timeout=12, memory_mb=1024, restarts=3, disk_mb=64)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, released_copy):
    """The whole hostile class, graded once."""
    base = tmp_path_factory.mktemp("hostile")
    course = released_copy("01_dense", base / "course")
    for path in ESCAPES:
        path.unlink(missing_ok=True)
    folder = submitted(base / "submitted", fixture_paths())
    _honest_layouts(folder)
    ctx = run(assignment="01_dense", submissions=folder, course=course, jobs=2, limits=LIMITS,
              quiet=True)
    rows = {r["student"]: r for r in csv.DictReader(open(ctx["out"] / "grades.csv"))}
    book = totals(ctx["db_url"], "01_dense", "dense")
    return ctx, rows, book


# Partial credit (the course's setting): a cell whose function is wrong on some cases only
# keeps the passed cases' share, as measured by the in-process judge (autograder_instructor.hidden with
# the visible cases) on these fixtures; faked results still earn nothing. relu returning
# zeros is right on the all-negative case; dense_forward calls the wrong relu or gets
# wrong-dtype/wrong-signature results on some activations only.
SHARES = {
    "wrong-shape": {"relu_tests": 0.28, "dense_forward_tests": 2.43},
    "wrong-dtype": {"dense_forward_tests": 1.87},
    "nan-returned": {"tanh_tests": 0.71},
    "wrong-signature": {"dense_forward_tests": 0.37},
    "lying-objects": {"relu_tests": 0.14},
    # its own sabotaged replies lose the outputs they carry; the cases whose outputs arrive
    # intact are judged and earn their share (partial credit), as for any other student
    "malformed-reply": {"dense_backward_tests": 3.66},
    # its sigmoid is refused; dense_forward, which calls it, keeps its linear and relu cases
    "answers-from-blocks": {"dense_forward_tests": 1.87},
}


# Honest students in odd layouts: (student folder, {file in its 01_dense/: scenario}, what wins)
LAYOUTS = {
    "backup-copy": ({"dense.ipynb": "reference", "backup/dense.ipynb": "stub-unimplemented"},
                    "reference"),
    "lms-reupload": ({"dense.ipynb": "stub-unimplemented", "dense (1).ipynb": "reference"},
                     "reference"),
    "ana maria": ({"dense.ipynb": "reference"}, "reference"),
    "ana_maria": ({"dense.ipynb": "wrong-shape"}, "wrong-shape"),
    "Josè": ({"dense.ipynb": "stub-unimplemented"}, "stub-unimplemented"),
    "José": ({"dense.ipynb": "reference"}, "reference"),
}
HONEST = ("reference", "stub-unimplemented", "wrong-shape", "wrong-dtype", "function-renamed",
          "nbformat-v3")


def _honest_layouts(folder):
    paths = fixture_paths()
    for student, (files, _) in LAYOUTS.items():
        for i, (name, scenario) in enumerate(files.items()):
            target = folder / student / "01_dense" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(paths[scenario].read_bytes())
            os.utime(target, (time.time() + 60 * i, time.time() + 60 * i))  # later files newer


@pytest.fixture(scope="module")
def honest_alone(tmp_path_factory, released_copy):
    """The honest students only (odd layouts included), graded in a class of their own."""
    base = tmp_path_factory.mktemp("honest")
    course = released_copy("01_dense", base / "course")
    folder = submitted(base / "submitted", {k: v for k, v in fixture_paths().items() if k in HONEST})
    _honest_layouts(folder)
    ctx = run(assignment="01_dense", submissions=folder, course=course, jobs=2, limits=LIMITS,
              quiet=True)
    return totals(ctx["db_url"], "01_dense", "dense")


def test_every_scenario_has_a_fixture():
    """Is there a committed fixture notebook for every scenario the test expects?"""
    assert set(fixture_paths()) == set(EXPECTED)


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_scenario_gets_a_row_a_reason_and_no_faked_credit(graded, scenario):
    """Does the scenario have a gradebook row and a CSV row that agree, keep exactly the
    points of the grade cells it really earned, and explain itself in its feedback?"""
    ctx, rows, book = graded
    keep, phrase = EXPECTED[scenario]
    assert scenario in book, f"{scenario} has no gradebook row"
    assert scenario in rows, f"{scenario} has no CSV row"
    for grade_id in ALL:
        score, points = book[scenario][grade_id]
        expected = points if grade_id in keep else SHARES.get(scenario, {}).get(grade_id, 0)
        assert score == expected, f"{scenario}: {grade_id} scored {score}, expected {expected}"
        assert float(rows[scenario][grade_id]) == score
    assert float(rows[scenario]["score"]) == pytest.approx(sum(v[0] for v in book[scenario].values()))
    page = (ctx["out"] / "feedback" / f"{scenario}.html").read_text()
    assert phrase in page, f"{scenario}: feedback does not say {phrase!r}"


def test_reference_beside_hostile_students_keeps_full_marks(graded):
    """Did the reference student, graded in the same batch as every hostile one, lose nothing?"""
    ctx, rows, book = graded
    assert all(score == points > 0 for score, points in book["reference"].values())
    entry = [json.loads(line) for line in open(ctx["out"] / "state.jsonl")
             if json.loads(line)["student"] == "reference"][-1]
    assert not entry["events"] and not entry["fatal"]
    assert not entry["problems"], "an honest notebook was refused something or told it erred"


def test_feedback_never_shows_hidden_test_code(graded):
    """Does any feedback page contain the hidden tests' code or the grade cells' source?"""
    ctx, _, _ = graded
    for page in (ctx["out"] / "feedback").glob("*.html"):
        text = page.read_text()
        assert "HIDDEN TESTS" not in text and "autograder_instructor.hidden" not in text
        assert 'grade("' not in text and "grade(&quot;" not in text


def test_nothing_was_written_outside_the_students_folders(graded):
    """Did the notebook that tries to write outside its folder leave no file behind?"""
    assert not any(path.exists() for path in ESCAPES)


def test_crashes_and_timeouts_are_counted_as_failures_in_the_csv(graded):
    """Do the crash, timeout and memory scenarios say so in the CSV's status and notes?"""
    _, rows, _ = graded
    for scenario in ("infinite-loop", "kernel-crash", "os-exit", "memory-bomb"):
        assert rows[scenario]["status"] in ("incomplete", "graded")
        assert rows[scenario]["notes"], scenario
    assert rows["malformed-json"]["status"].startswith("not graded")


def test_class_summary_histogram_and_formgrader_copies(graded):
    """Are the per-cell summary, the histogram PNG and the autograded notebooks (which the
    formgrader shows) written, with each grade cell's report as its output?"""
    import nbformat
    ctx, _, _ = graded
    summary = (ctx["out"] / "summary.txt").read_text()
    assert all(grade_id in summary for grade_id in ALL) and "lost points" in summary
    assert (ctx["out"] / "histogram.png").read_bytes()[:4] == b"\x89PNG"
    path = ctx["course"] / "autograded" / "wrong-shape" / "01_dense" / "dense.ipynb"
    nb = nbformat.read(path, as_version=4)
    outputs = {c.metadata["nbgrader"]["grade_id"]: c.outputs for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade")}
    # A partial score is the cell's value after its report, as nbgrader reads a grade cell.
    assert [o["output_type"] for o in outputs["relu_tests"]] == ["stream", "execute_result"]
    assert outputs["relu_tests"][1]["data"]["text/plain"] == "0.28"
    assert outputs["sigmoid_tests"][0]["output_type"] == "stream"


def test_honest_class_scores_the_same_with_and_without_hostile_classmates(graded, honest_alone):
    """Does every honest student (odd layouts included) get exactly the scores, cell by cell,
    that the same student gets in a class without a single hostile notebook?"""
    _, _, book = graded
    assert set(honest_alone) == set(HONEST) | set(LAYOUTS)
    for student, scores in honest_alone.items():
        assert book[student] == scores, f"{student} scored differently beside hostile classmates"


def test_every_student_has_exactly_one_row_in_the_gradebook_and_the_csv(graded):
    """Is every student folder one gradebook student with one submission and one CSV row,
    ids kept as the folders spell them ('ana maria', 'ana_maria', 'Josè', 'José')?"""
    from nbgrader.api import Gradebook
    ctx, _, _ = graded
    folders = set(EXPECTED) | set(LAYOUTS)
    students = [r["student"] for r in csv.DictReader(open(ctx["out"] / "grades.csv"))]
    assert sorted(students) == sorted(folders)
    with Gradebook(ctx["db_url"]) as gb:
        assert sorted(s.id for s in gb.students) == sorted(folders)
        assert len(gb.find_assignment("01_dense").submissions) == len(folders)


def test_honest_layouts_grade_the_notebook_the_student_meant(graded):
    """Is the top-of-folder notebook graded over a backup copy, and an LMS re-upload over the
    original, each with the other reported?"""
    ctx, rows, book = graded
    for student, (_, winner) in LAYOUTS.items():
        assert book[student] == book[winner], student
    assert "duplicate" in rows["backup-copy"]["notes"]
    assert "re-upload" in rows["lms-reupload"]["notes"]


def test_floods_and_forged_replies_stay_small_in_the_grader(graded):
    """Are the flood's journal line and autograded copy bounded (the issue saw 39 and 42 MB),
    and does a forged reply cost its grade cells without killing the student's process?"""
    ctx, _, _ = graded
    lines = {json.loads(line)["student"]: len(line) for line in open(ctx["out"] / "state.jsonl")}
    assert lines["output-flood"] < 500_000
    copy = ctx["course"] / "autograded" / "output-flood" / "01_dense" / "dense.ipynb"
    assert copy.stat().st_size < 1_000_000
    for student in ("reply-bomb", "malformed-reply"):
        entry = [json.loads(line) for line in open(ctx["out"] / "state.jsonl")
                 if json.loads(line)["student"] == student][-1]
        assert not entry["events"], f"{student}: {entry['events']}"
    copy = ctx["course"] / "autograded" / "deletes-own-file" / "01_dense" / "dense.ipynb"
    assert copy.exists(), "the notebook that deleted its own file has no autograded copy"
def test_summary_names_the_isolation_in_force(graded):
    """Does summary.txt say which kernel isolation the class was graded under?"""
    ctx, _, _ = graded
    first = (ctx["out"] / "summary.txt").read_text().splitlines()[0]
    assert first.startswith("isolation: bubblewrap") and "PID" in first
