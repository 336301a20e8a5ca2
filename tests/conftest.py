"""Shared fixtures: a released copy of the course in a temporary folder, per assignment."""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# nbgrader shells out to alembic: make sure the interpreter's bin/ is on PATH.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")


def assignments():
    from autograder.suites import modules
    return list(modules())


@pytest.fixture(scope="session")
def released_course(tmp_path_factory):
    """A copy of the course in which every assignment has been released by nbgrader."""
    from autograder.release import copy_course, nbgrader
    course = copy_course(tmp_path_factory.mktemp("released") / "course")
    for assignment in assignments():
        nbgrader(course, "generate_assignment", assignment, "--force")
    return course
