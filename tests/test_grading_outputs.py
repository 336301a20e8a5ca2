"""What instructors get from ``rnn-course grade``: grades.csv, feedback pages, the histogram.

Manual grading is done here as formgrader does it, through nbgrader's Gradebook
(its API handler sets ``manual_score``, ``needs_manual_grade`` and
``manual_comment`` and commits), then the grader runs again.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder_instructor.grading import pipeline
from autograder_instructor.grading.judge import checks_for
from autograder_instructor.grading.result import CellGrade, Result
from autograder_instructor.grading.trusted import GradeCell
from autograder_instructor.mutants import all_mutants
from autograder_instructor.release import copy_course, nbgrader
from autograder_instructor.submissions import fill

from .fixtures.grading_course import dense_course, fixture_paths, submitted  # noqa: F401
from .test_mutants import mutant_runs, one_worker_per_mutant

WRITTEN = "A per-step output suits tagging; the last state suits classification."


def _rows(ctx):
    return {r["student"]: r for r in csv.DictReader(open(ctx["out"] / "grades.csv"))}


def _answered_rnn(course):
    """03_rnn's reference with its written answers answered (a grader must score them)."""
    nb = fill(course / "release" / "03_rnn" / "rnn.ipynb", course / "source" / "03_rnn" / "rnn.ipynb")
    written = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
            cell.source = WRITTEN
            written.append(meta["grade_id"])
    return nb, written


def _grade_by_hand(db_url, student, grade_id, score, comment):
    """What formgrader's grade and comment API handlers do."""
    with Gradebook(db_url) as gb:
        grade = gb.find_grade(grade_id, "rnn", "03_rnn", student)
        grade.manual_score = score
        grade.needs_manual_grade = False
        gb.find_comment(grade_id, "rnn", "03_rnn", student).manual_comment = comment
        gb.db.commit()


@pytest.mark.slow
def test_manual_grades_and_comments_reach_grades_csv_and_feedback_and_survive_reruns(
        tmp_path, released_copy):
    """After a grader scores a written answer and comments in formgrader, do grades.csv and the
    feedback page show the full total and the comment, as nbgrader export does, after a re-run
    and after a --force re-run? Do students get names, from the roster or their id?"""
    course = released_copy("03_rnn", tmp_path / "course")
    nb, written = _answered_rnn(course)
    assert written, "03_rnn has no written answer any more: pick another assignment"
    target = course / "submitted" / "ada" / "03_rnn" / "rnn.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(nb, target)
    bob = course / "submitted" / "bob" / "03_rnn" / "rnn.ipynb"
    bob.parent.mkdir(parents=True)
    nbformat.write(nb, bob)
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name,email\nbob,Bob,Marley,bob@example.org\n")
    db = f"sqlite:///{course / 'gradebook.db'}"
    args = dict(assignment="03_rnn", submissions=course / "submitted", course=course, jobs=2,
                quiet=True, roster=roster)

    ctx = pipeline.run(**args)
    first = _rows(ctx)["ada"]
    auto = float(first["score"])
    assert first["status"] == "awaiting manual grading"
    assert all(first[g] == "" for g in written)
    assert float(first["max_score"]) > auto

    points = {c.grade_id: c.points for c in ctx["trusted"].grade_cells if c.grade_id in written}
    for g in written:
        _grade_by_hand(db, "ada", g, points[g] - 0.5, f"Good, but say why ({g}).")
    with Gradebook(db) as gb:
        ada = gb.find_student("ada")
        assert (ada.first_name, ada.last_name) == ("", "ada")  # not "None, None" in formgrader
        gb.update_or_create_student("ada", first_name="Ada", last_name="Lovelace")  # by hand
    manual = sum(points.values()) - 0.5 * len(written)

    for force in (False, True):
        ctx = pipeline.run(**args, force=force)
        row = _rows(ctx)["ada"]
        assert float(row["score"]) == pytest.approx(auto + manual), force
        assert float(row["auto_score"]) == pytest.approx(auto)
        assert row["status"] == "graded"
        assert all(float(row[g]) == points[g] - 0.5 for g in written)
        page = (ctx["out"] / "feedback" / "ada.html").read_text()
        assert f"Score: {auto + manual:g} / {float(row['max_score']):g}" in page
        for g in written:
            assert f"Good, but say why ({g})." in page
        export = nbgrader(course, "export", "--to", str(tmp_path / "export.csv"))
        assert export.returncode == 0
        exported = {(r["assignment"], r["student_id"]): r
                    for r in csv.DictReader(open(tmp_path / "export.csv"))}
        assert float(exported["03_rnn", "ada"]["score"]) == pytest.approx(float(row["score"]))
        with Gradebook(db) as gb:  # the grader's work is still there
            assert gb.find_grade(written[0], "rnn", "03_rnn", "ada").manual_score == points[written[0]] - 0.5
            ada, bob = gb.find_student("ada"), gb.find_student("bob")
            assert (ada.first_name, ada.last_name) == ("Ada", "Lovelace")
            assert (bob.first_name, bob.last_name, bob.email) == ("Bob", "Marley", "bob@example.org")
    assert "awaiting manual grading" in _rows(ctx)["bob"]["status"]
    assert "to grade" in ctx["summary"]


def _cases_and_outputs(grade_id, func, mistake):
    """The visible and hidden cases of a grade cell and a known mistake's outputs on them."""
    from autograder import probes
    from autograder_instructor.mutants import mutants_for

    from .test_mutants import _module_of, notebook_namespace
    wrong = next(m for m in mutants_for(func) if m.name == mistake)
    ns = notebook_namespace(_module_of(func), wrong)
    cases = checks_for(GradeCell(grade_id, 3, "code", "", checks=[func])).cases
    return cases, [probes.run(ns, c.probe, c.spec, c.arrays) for c in cases]


def test_feedback_shows_hidden_cases_without_their_expected_values():
    """Does a hidden case's message give its number, the size of the error and the likely
    cause, but no expected value, while a visible case's message shows expected against got?
    And do long messages wrap on the page?"""
    from autograder.compare import _fmt
    from autograder_instructor.grading import feedback
    cell = GradeCell("dense_forward_tests", 3, "code", "", checks=["dense_forward"])
    cases, outputs = _cases_and_outputs("dense_forward_tests", "dense_forward", "dense_forward_no_bias")
    grade = checks_for(cell).grade(cell, outputs)
    hidden = [o for o in grade.outcomes if o["label"].startswith("hidden case")]
    visible = [o for o in grade.outcomes if not o["label"].startswith("hidden case")]
    assert hidden and visible and not any(o["passed"] for o in hidden)
    assert all(re.search(r"expected -?[\d.]", o["message"]) for o in visible if not o["passed"])
    for o in hidden:
        assert "expected" not in o["message"].replace("expected (", "") and "got" not in o["message"]
        assert "by up to" in o["message"] and "Likely cause:" in o["message"]
    result = Result("ben", score=0.0, max_score=3.0, grades=[grade])
    page = feedback.render(result, "01_dense")
    assert "white-space:pre-wrap" in page and "overflow-wrap:anywhere" in page
    for case, actual in zip(cases[len(visible):], outputs[len(visible):]):
        for key, exp in case.expected.items():  # not one hidden expected entry is on the page
            if isinstance(exp, str):  # a cache's type or a field's kind: no hidden number
                continue
            for value in exp.ravel()[:50]:
                if abs(value) > 1e-3:
                    assert _fmt(value) not in page, (case.label, key, value)


def test_a_hidden_cases_error_message_masks_numbers():
    """Code under test could raise with the hidden inputs in its message: are they masked?"""
    from autograder.cases import Outcome
    from autograder_instructor.grading.redact import hide
    cases = checks_for(GradeCell("sigmoid_tests", 1, "code", "")).hidden
    actual = {"error": "error:ValueError: inputs were 0.731058 -1.5e-3 2e5 in shape (3, 4)"}
    out = hide(cases[0], actual, Outcome(cases[0].label, False, "x"), 2)
    assert out.label.startswith("hidden case 2: ")
    assert "0.731058" not in out.message and "1.5e-3" not in out.message and "2e5" not in out.message
    assert "ValueError" in out.message and "(3, 4)" in out.message


def test_histogram_counts_students_in_whole_numbers(tmp_path):
    """With three students, are the y ticks whole numbers (not 0.25, 0.5 ...)?"""
    from autograder_instructor.grading.summary import figure
    from autograder_instructor.grading.trusted import Trusted
    trusted = Trusted("01_dense", "dense.ipynb", [GradeCell("a", 12, "code", "")], {}, [], {})
    results = [Result(s, score=v, max_score=12) for s, v in (("a", 12), ("b", 7), ("c", 7))]
    fig = figure(results, trusted)
    ticks = fig.axes[0].get_yticks()
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks


# Imports and reads first (the interpreter lives in root's home), then, as root, drop to
# nobody: root writes read-only files regardless, so only a normal user meets the error.
_REPLACE = """
import json, os, sys
from pathlib import Path
import nbformat
from autograder_instructor.grading import autograded
from autograder_instructor.grading.result import Result
from autograder_instructor.grading.trusted import load
course, result = Path(sys.argv[1]), Result.from_json(json.loads(sys.argv[2]))
trusted = load(course, "01_dense")
nbformat.writes(autograded.build(result, trusted))  # any lazy import happens now
if os.geteuid() == 0:
    os.setgid(65534)
    os.setuid(65534)
print(autograded.write(result, trusted, course))
"""


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_read_only_autograded_notebooks_are_replaced_or_skipped_never_crash(tmp_path):
    """formgrader's Autograde leaves autograded notebooks 0444: does the grader, as a normal
    user, replace such a file it owns, and only warn (no PermissionError) about one it cannot?"""
    from autograder_instructor.release import nbgrader_env
    base = Path(tempfile.mkdtemp(prefix="rnn-444-"))  # tmp_path is root's 0700 folder
    try:
        course = copy_course(base / "course")
        notebook = fixture_paths()["reference"]
        shutil.copy(notebook, base / "dense.ipynb")
        mine = course / "autograded" / "ada" / "01_dense" / "dense.ipynb"
        theirs = course / "autograded" / "bob" / "01_dense" / "dense.ipynb"
        for path in (mine, theirs):
            path.parent.mkdir(parents=True)
            path.write_text("{}")
            path.chmod(0o444)
        if os.geteuid() == 0:  # the grading user owns the course, not bob's folder
            for p in [base, *base.rglob("*")]:
                if "bob" not in p.parts:
                    os.chown(p, 65534, 65534)
        grade = CellGrade("sigmoid_tests", 1, 1, "sigmoid")

        def run(student):
            result = Result(student, str(base / "dense.ipynb"), grades=[grade])
            return subprocess.run([sys.executable, "-c", _REPLACE, str(course),
                                   json.dumps(result.to_json())],
                                  cwd=base, env=nbgrader_env(), capture_output=True, text=True)

        ok = run("ada")
        assert ok.returncode == 0 and ok.stdout.strip() == str(mine), ok.stderr
        assert nbformat.read(mine, as_version=4).cells, "the read-only file was not replaced"
        if os.geteuid() == 0:
            skipped = run("bob")
            assert skipped.returncode == 0, skipped.stderr
            assert skipped.stdout.strip() == "None" and "could not write" in skipped.stderr
            assert theirs.read_text() == "{}"
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("mutant", one_worker_per_mutant(all_mutants()))
def test_every_known_mistake_keeps_its_verdict_and_cause_in_hidden_feedback(mutant):
    """For each known mistake, does a hidden case's student message pass or fail exactly as the
    full one, name the same likely cause, and hold no 'expected <number>'?"""
    from autograder_instructor.grading.redact import hide

    for grade_id, runs in mutant_runs(mutant).items():
        for n, (case, actual, full) in enumerate(runs, 1):
            shown = hide(case, actual, full, n)
            assert shown.passed == full.passed, case.label
            cause = full.message.partition(". Likely cause: ")[2]
            assert cause in shown.message, (case.label, shown.message)
            assert not re.search(r"expected -?\d", shown.message), (case.label, shown.message)
