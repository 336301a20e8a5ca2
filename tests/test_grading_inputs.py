"""The grading run's inputs: has every default one home, which the command line reads?"""
import argparse
import os
import sys

import pytest

from autograder_instructor.grading import command
from autograder_instructor.grading.collect import PATTERN
from autograder_instructor.grading.inputs import Inputs
from autograder_instructor.grading.limits import Limits


def _options(*argv):
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers())
    return parser.parse_args(["grade", "01_dense", "sub", *argv])


def test_the_command_line_defaults_are_the_runs():
    """Does `rnn-course grade A S` with no options give the run what run(assignment=A,
    submissions=S) would take by default: the same limits, jobs, pattern and flags?"""
    given = Inputs.given(**command._inputs(_options()))
    assert given == Inputs(assignment="01_dense", submissions="sub")
    assert given.limits == Limits()


def test_the_command_line_options_reach_the_run():
    """Do options that differ from the defaults arrive in the run's inputs?"""
    given = Inputs.given(**command._inputs(_options(
        "--timeout", "5", "--memory", "512", "-j", "3", "--force", "--pattern", "x",
        "--db", "sqlite:///b.db", "--quiet", "--roster", "r.csv")))
    assert (given.limits.cell_timeout, given.limits.memory_mb, given.jobs) == (5, 512, 3)
    assert (given.force, given.pattern, given.db_url, given.quiet, given.roster) == (
        True, "x", "sqlite:///b.db", True, "r.csv")


def test_student_option_reaches_the_run():
    """Does `rnn-course grade A S --student ada ben` give the run exactly those students?"""
    given = Inputs.given(**command._inputs(_options("--student", "ada", "ben")))
    assert given.students == ("ada", "ben") and not given.force


def test_the_help_names_the_limits_defaults():
    """Does `rnn-course grade --help` show the defaults as Limits holds them?"""
    parser = argparse.ArgumentParser(prog="rnn-course")
    sub = parser.add_subparsers()
    command.add_parser(sub)
    text = " ".join(sub.choices["grade"].format_help().split())
    assert f"seconds per cell (default {Limits.cell_timeout:g})" in text
    assert f"restarts included (default {Limits.notebook_timeout:g})" in text
    assert f"in RAM; default {Limits.disk_mb:g})" in text
    assert f"per student process (default {Limits.processes:g})" in text


def test_none_stands_for_the_default_and_is_worked_out(tmp_path):
    """Does a None input take the default, and are the course-relative ones derived?"""
    inputs = Inputs.given(assignment="01_dense", submissions="sub", course=tmp_path,
                          pattern=None, jobs=0).resolved()
    assert inputs.pattern == PATTERN
    assert inputs.jobs == (os.cpu_count() or 1)
    assert inputs.db_url == f"sqlite:///{tmp_path.resolve() / 'gradebook.db'}"
    assert inputs.out == tmp_path.resolve() / "grading" / "01_dense"
    assert inputs.stream is sys.stderr


def test_a_run_without_its_assignment_or_submissions_is_refused_naming_them():
    """Does a run without its assignment or its submissions refuse, naming what is missing?"""
    with pytest.raises(TypeError, match=r"\['submissions'\]"):
        Inputs.given(assignment="01_dense")
    with pytest.raises(TypeError, match=r"\['assignment'\]"):
        Inputs.given(submissions="submitted")
