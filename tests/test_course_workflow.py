"""Which course a command works on, and the helpers the term's test uses.

The term itself, from a copied course through the real exchange to the feedback a
student fetches (and git ignoring what it wrote), is tests/test_term_workflow.py.
"""
import subprocess
import sys

import pytest

from autograder_instructor.build import COURSE
from autograder_instructor.release import copy_course, course_root, nbgrader_env


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
