"""Re-running ``rnn-course grade``: idempotent, and an interrupted run resumes."""
import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from autograder_instructor.grading.gradebook import totals
from autograder_instructor.grading.limits import Limits
from autograder_instructor.grading.pipeline import run

from .fixtures.grading_course import dense_course, fixture_paths, submitted  # noqa: F401


def test_second_run_regrades_nobody_and_changes_nothing(dense_course, tmp_path):
    """Does a second run keep every grade without regrading, and --force regrade the same?"""
    paths = fixture_paths()
    folder = submitted(tmp_path / "sub", {"ada": paths["reference"], "cai": paths["stub-unimplemented"]})
    first = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2, quiet=True)
    before = totals(first["db_url"], "01_dense", "dense")
    again = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2, quiet=True)
    assert again["todo"] == [] and len(again["finished"]) == 2
    assert totals(again["db_url"], "01_dense", "dense") == before
    assert sum(v[0] for v in before["ada"].values()) == 12
    forced = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2,
                 quiet=True, force=True)
    assert len(forced["todo"]) == 2 and totals(forced["db_url"], "01_dense", "dense") == before
    from nbgrader.api import Gradebook
    with Gradebook(first["db_url"]) as gb:
        assert len(gb.find_assignment("01_dense").submissions) == 2


def test_student_option_regrades_only_the_students_named(dense_course, tmp_path):
    """Does --student regrade only the students named (even with an unchanged file and
    changed limits, which would regrade the whole class), keep everyone else's row in
    grades.csv, leave a never-graded student alone, and refuse an id with no submission?"""
    import pytest
    paths = fixture_paths()
    folder = submitted(tmp_path / "sub", {"ada": paths["reference"], "cai": paths["stub-unimplemented"]})
    first = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2, quiet=True)
    before = totals(first["db_url"], "01_dense", "dense")
    submitted(folder, {"dee": paths["reference"]})  # arrived late, not named below
    again = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=1, quiet=True,
                students=("cai",), limits=Limits(cell_timeout=77))
    assert [sub.student for sub, _, _ in again["todo"]] == ["cai"]
    assert [r.student for r in again["finished"]] == ["ada"]
    with open(again["csv"], newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"ada", "cai"}
    after = totals(again["db_url"], "01_dense", "dense")
    assert after["ada"] == before["ada"] and after["cai"] == before["cai"] and "dee" not in after
    with pytest.raises(SystemExit, match="no submission from zed"):
        run(assignment="01_dense", submissions=folder, course=dense_course, jobs=1, quiet=True,
            students=("cai", "zed"))


def test_changed_notebook_is_regraded(dense_course, tmp_path):
    """Is a student who resubmits a different notebook graded again?"""
    paths = fixture_paths()
    folder = submitted(tmp_path / "sub", {"ada": paths["stub-unimplemented"]})
    run(assignment="01_dense", submissions=folder, course=dense_course, jobs=1, quiet=True)
    submitted(folder, {"ada": paths["reference"]})
    ctx = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=1, quiet=True)
    assert len(ctx["todo"]) == 1
    assert sum(v[0] for v in totals(ctx["db_url"], "01_dense", "dense")["ada"].values()) == 12


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_killed_run_resumes_without_regrading_finished_students(dense_course, tmp_path):
    """After the grader is killed mid-run, does the next run keep the finished student's grade
    and grade only the rest?"""
    paths = fixture_paths()
    folder = submitted(tmp_path / "sub", {"a-ref": paths["reference"],
                                          "b-slow": paths["infinite-loop-top-level"]})
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograder_instructor.cli", "grade", "01_dense", str(folder), "--course",
         str(dense_course), "--out", str(out), "--jobs", "1", "--timeout", "3", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / "state.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and not (journal.exists() and "a-ref" in journal.read_text()):
        time.sleep(0.2)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)  # the grader we started, by its id
    proc.wait()
    ctx = run(assignment="01_dense", submissions=folder, course=dense_course, out=out, jobs=1,
              quiet=True, limits=Limits(cell_timeout=3))
    assert [e.student for e in ctx["finished"]] == ["a-ref"]
    assert [sub.student for sub, _, _ in ctx["todo"]] == ["b-slow"]
    book = totals(ctx["db_url"], "01_dense", "dense")
    assert sum(v[0] for v in book["a-ref"].values()) == 12


def _mark_started(out, student, times):
    """As if ``times`` runs had stopped while grading ``student``'s current notebook."""
    key = [json.loads(line) for line in open(out / "state.jsonl")
           if json.loads(line)["student"] == student][-1]["key"]
    with open(out / "started.jsonl", "a") as f:
        for _ in range(times):
            f.write(json.dumps({"student": student, "key": key, "started": True}) + "\n")


def test_a_notebook_a_run_stopped_on_is_graded_last_and_alone(dense_course, tmp_path):
    """If the grader stopped once while grading ada (a notebook that kills the grader?), is
    she graded after everyone else, on her own, and normally if she is harmless after all?"""
    paths = fixture_paths()
    folder = submitted(tmp_path / "sub", {"ada": paths["reference"], "ben": paths["reference"],
                                          "cai": paths["wrong-shape"]})
    first = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2, quiet=True)
    _mark_started(first["out"], "ada", 1)
    again = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2,
                quiet=True, force=True)
    assert [r.student for r in again["results"]][-1] == "ada"
    assert next(r for r in again["results"] if r.student == "ada").score == 12


def test_a_notebook_two_runs_stopped_on_is_set_aside_and_the_class_finishes(dense_course,
                                                                           tmp_path):
    """If two runs stopped while grading ada, is she set aside (a flagged row, no zero, not
    run again) while everyone else is graded, and kept aside by the next run?"""
    paths = fixture_paths()
    folder = submitted(tmp_path / "sub", {"ada": paths["reference"], "ben": paths["reference"]})
    first = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2, quiet=True)
    _mark_started(first["out"], "ada", 2)
    again = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2,
                quiet=True, force=True)
    ada = next(r for r in again["results"] if r.student == "ada")
    assert ada.set_aside and not ada.seconds_total
    rows = {r["student"]: r for r in csv.DictReader(open(again["out"] / "grades.csv"))}
    assert rows["ada"]["status"].startswith("not graded: set aside") and rows["ada"]["score"] == ""
    assert rows["ben"]["score"] == "12"
    third = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2, quiet=True)
    assert third["todo"] == [] and len(third["finished"]) == 2
