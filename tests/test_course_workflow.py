"""An instructor's term in a copy of the course, with real nbgrader commands and the CLI.

Release to the course's own exchange, a student fetches and submits, collect,
``rnn-course grade`` from the course folder, ``nbgrader release_feedback``, and the
student's ``nbgrader fetch_feedback`` gets our feedback page; afterwards git sees
nothing new in the course (every file the run wrote is ignored).
"""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder_instructor.build import COURSE, ROOT
from autograder_instructor.release import copy_course, course_root, nbgrader, nbgrader_env
from autograder_instructor.submissions import fill


def rnn_course(cwd, *args):
    proc = subprocess.run([sys.executable, "-m", "autograder_instructor.cli", *args], cwd=cwd,
                          env=nbgrader_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def git(repo, *args):
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=repo, check=True, capture_output=True, text=True).stdout


def test_course_root_is_the_current_folder_only_when_it_is_a_course(tmp_path):
    """Is ./ the course when it holds nbgrader_config.py and source/, and the repository's
    course otherwise (a folder with only a config is not a course)?"""
    course = copy_course(tmp_path / "mine")
    assert course_root(here=course) == course.resolve()
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "nbgrader_config.py").write_text("")
    assert course_root(here=tmp_path / "half") == COURSE
    with pytest.raises(SystemExit):
        course_root(tmp_path / "half")


def _cli(cwd, monkeypatch, capsys, *args):
    """Run ``rnn-course ARGS`` in this process from ``cwd``: (exit code, stdout lines, stderr)."""
    from autograder_instructor.cli import main
    monkeypatch.chdir(cwd)
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def test_lectures_slides_and_bundle_say_which_course_and_use_the_one_you_stand_in(
        tmp_path, monkeypatch, capsys):
    """Run from a copied course, do `rnn-course lectures`, `slides` and `bundle` print that
    course first and work on its lectures and released notebooks, not the repository's?"""
    course = copy_course(tmp_path / "course")
    source = next((course / "lectures").glob("*.py"))
    source.write_text(source.read_text() + "\n# %% [markdown]\n# MARKER: an extra slide\n")
    code, out, _ = _cli(course, monkeypatch, capsys, "lectures", "--check")
    assert out[0] == f"course: {course.resolve()}"
    assert code == 1 and out[1] == f"out of date: course/lectures/{source.stem}.ipynb"

    code, out, _ = _cli(course, monkeypatch, capsys, "slides", "no_such_lecture", "--no-execute")
    assert out[0] == f"course: {course.resolve()}"
    assert "no lecture named ['no_such_lecture']" in str(code) and source.stem in str(code)

    code, out, err = _cli(course, monkeypatch, capsys, "bundle", "--out", str(tmp_path / "handout"))
    assert out[0] == f"course: {course.resolve()}"
    # nothing was released beside the copy (the repository's assignments/ are not used)
    assert code == 1 and "no released assignment" in err and not (tmp_path / "handout").exists()


@pytest.mark.slow
def test_release_from_a_copied_course_uses_that_course_and_says_so(tmp_path):
    """Run from a copied course whose source notebook was changed, does `rnn-course release`
    print that course, release its notebook (not the repository's) beside it, and leave the
    repository's assignments/ alone?"""
    course = copy_course(tmp_path / "course")
    source = course / "source" / "01_dense" / "dense.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("MARKER: this term's extra note"))
    nbformat.write(nb, source)
    out = rnn_course(course, "release", "01_dense")
    assert out.splitlines()[0] == f"course: {course.resolve()}"
    released = tmp_path / "assignments" / "01_dense" / "dense.ipynb"
    assert "MARKER" in released.read_text()
    assert "MARKER" not in (ROOT / "assignments" / "01_dense" / "dense.ipynb").read_text()


@pytest.mark.slow
def test_exchange_feedback_round_trip_and_git_ignores_what_grading_wrote(tmp_path):
    """release_assignment, fetch, submit, collect, `rnn-course grade` run from the course,
    release_feedback, fetch_feedback: does the student receive our feedback page? And is every
    file the run wrote inside the course ignored by the repository's .gitignore?"""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    course = copy_course(repo / "course")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "course")

    nbgrader(course, "generate_assignment", "01_dense", "--force")
    nbgrader(course, "release_assignment", "01_dense", "--force")
    assert (course / "exchange" / "rnn-text" / "outbound" / "01_dense" / "dense.ipynb").exists()

    student = tmp_path / "student"
    student.mkdir()
    as_student = ["--CourseDirectory.course_id=rnn-text", f"--Exchange.root={course / 'exchange'}",
                  f"--Exchange.cache={tmp_path / 'cache'}"]
    nbgrader(student, "fetch_assignment", "01_dense", *as_student)
    mine = student / "01_dense" / "dense.ipynb"
    nbformat.write(fill(mine, course / "source" / "01_dense" / "dense.ipynb"), mine)
    nbgrader(student, "submit", "01_dense", *as_student)

    nbgrader(course, "collect", "01_dense")
    who = [p.name for p in (course / "submitted").iterdir()]
    assert len(who) == 1
    out = rnn_course(course, "grade", "01_dense", "submitted", "--jobs", "1", "--quiet")
    assert out.splitlines()[0] == f"course: {course.resolve()}"
    assert (course / "feedback" / who[0] / "01_dense" / "dense.html").exists()

    nbgrader(course, "release_feedback", "01_dense")
    nbgrader(student, "fetch_feedback", "01_dense", *as_student)
    pages = list((student / "01_dense" / "feedback").glob("*/dense.html"))
    assert len(pages) == 1
    page = pages[0].read_text()
    assert f"feedback for {who[0]}" in page and "Score: 12 / 12" in page

    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    ignored = git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all")
    for made in ("course/grading/", "course/exchange/", "course/feedback/", "course/autograded/",
                 "course/gradebook.db"):
        assert made in ignored, (made, ignored)
