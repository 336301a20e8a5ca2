"""Broken and hostile submissions, graded in one class by ``rnn-course grade``.

Every scenario of tests/fixtures/submissions/ is one student of the same class
(graded with 2 workers, short time limits and a 1 GB memory limit). Does each get
a row in the gradebook and the CSV, a clear reason in its feedback, no credit for
what it faked, and no effect on the reference student graded beside it?
"""
import csv
import json
from pathlib import Path

import pytest

from autograder.grading.gradebook import totals
from autograder.grading.limits import Limits
from autograder.grading.pipeline import run

from .fixtures.grading_course import dense_course, fixture_paths, submitted  # noqa: F401
from .fixtures.make_submissions import ALL, EXPECTED

ESCAPES = [Path("/tmp/rnn-course-grading-escape.txt")]
LIMITS = Limits(cell_timeout=4, notebook_timeout=12, memory_mb=1024, restarts=3, disk_mb=64)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The whole hostile class, graded once."""
    from autograder.release import copy_course, nbgrader
    base = tmp_path_factory.mktemp("hostile")
    course = copy_course(base / "course")
    nbgrader(course, "generate_assignment", "01_dense", "--force")
    for path in ESCAPES:
        path.unlink(missing_ok=True)
    folder = submitted(base / "submitted", fixture_paths())
    ctx = run(assignment="01_dense", submissions=folder, course=course, jobs=2, limits=LIMITS,
              quiet=True)
    rows = {r["student"]: r for r in csv.DictReader(open(ctx["out"] / "grades.csv"))}
    book = totals(ctx["db_url"], "01_dense", "dense")
    return ctx, rows, book


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
        expected = points if grade_id in keep else 0
        assert score == expected, f"{scenario}: {grade_id} scored {score}, expected {expected}"
        assert float(rows[scenario][grade_id]) == score
    assert float(rows[scenario]["score"]) == sum(v[0] for v in book[scenario].values())
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
        assert "HIDDEN TESTS" not in text and "autograder.hidden" not in text
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
    assert outputs["relu_tests"][0]["output_type"] == "error"
    assert outputs["sigmoid_tests"][0]["output_type"] == "stream"


def test_summary_names_the_isolation_in_force(graded):
    """Does summary.txt say which kernel isolation the class was graded under?"""
    ctx, _, _ = graded
    first = (ctx["out"] / "summary.txt").read_text().splitlines()[0]
    assert first.startswith("isolation: bubblewrap") and "PID" in first
