"""Shared fixtures: a released copy of the course in a temporary folder, per assignment, and
each grade cell's hidden cases, built once per test process."""
import os
import shutil
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
# nbgrader shells out to alembic: make sure the interpreter's bin/ is on PATH.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")


def digests_in_fresh_interpreters(expression, seeds=("1", "2")):
    """The set of SHA-256 digests of ``repr(eval(expression))`` computed in a fresh Python per
    hash seed: one digest means the value depends on neither the seed nor the process."""
    import subprocess
    code = ("import hashlib, autograder, numpy\n"
            "numpy.set_printoptions(threshold=2 ** 62)  # repr shows every element\n"
            f"print(hashlib.sha256(repr({expression}).encode()).hexdigest())")
    return {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"PYTHONHASHSEED": seed, "PATH": ""}, check=True).stdout
            for seed in seeds}


@pytest.fixture(scope="module")
def tf_keras():
    """(tensorflow, keras), quiet, on the CPU, in float64, with a clean Keras state."""
    from autograder_instructor.keras_values import prepare_tensorflow
    return prepare_tensorflow()


def assignments():
    from autograder_instructor.suites import modules
    return list(modules())


@lru_cache(maxsize=None)
def hidden_cases(grade_id):
    """A grade cell's hidden cases, built once per test process (they are deterministic, and
    building them runs every known mistake on every case for the hints). Their inputs and
    expected outputs become read-only copies: probes copy what they pass a student's code,
    and one that did not would fail loudly rather than change the cases the next test sees."""
    from autograder_instructor.suites import find_test
    return read_only_cases(find_test(grade_id).hidden())


def read_only_cases(cases):
    """``cases`` with read-only copies of their inputs and expected outputs, to share between
    tests."""
    for case in cases:
        case.arrays = {k: _read_only(v) for k, v in case.arrays.items()}
        case.expected = {k: _read_only(v) for k, v in case.expected.items()}
    return tuple(cases)


def _read_only(value):
    if not isinstance(value, np.ndarray):
        return value
    value = value.copy()
    value.flags.writeable = False
    return value


@pytest.fixture(scope="session")
def released_copy(tmp_path_factory):
    """``released_copy(assignment, dest)``: a fresh copy of the course, at ``dest``, in which
    nbgrader has released every assignment (gradebook included). ``nbgrader
    generate_assignment`` runs once per test session (one run releases them all), shared by
    the xdist workers; each test gets its own copy to grade in."""
    import fcntl
    from autograder_instructor.release import assignment_ids, copy_course, generate
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the session's folder, above each worker's own
    base = shared / "released" / "course"
    with open(shared / "released.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base.parent / "done").exists():
            shutil.rmtree(base.parent, ignore_errors=True)
            generate(copy_course(base), assignment_ids())
            (base.parent / "done").touch()

    def copy(assignment, dest):
        assert (base / "release" / assignment).is_dir(), f"{assignment} was not released"
        shutil.copytree(base, dest)
        return Path(dest)
    return copy


_GRADES = ("grading.pipeline", "grading.process", "grading.worker", "grading.execute",
           "grading import pipeline", '"autograder_instructor.cli", "grade"')
_uses_student_processes = {}


@pytest.fixture(autouse=True)
def _needs_the_sandbox(request):
    """Tests that start student processes skip, saying why, where there is no kernel sandbox
    (no bwrap, or no user namespaces) or no cgroup to write: `rnn-course grade` refuses to
    run there."""
    path = getattr(request.module, "__file__", "")
    if path not in _uses_student_processes:
        text = Path(path).read_text() if path else ""
        _uses_student_processes[path] = any(s in text for s in _GRADES)
    if _uses_student_processes[path]:
        from autograder_instructor.grading.sandbox import probe
        if probe() and "refuses" not in request.node.name:
            pytest.skip(f"no kernel sandbox on this machine: {probe()}")
        from autograder_instructor.grading import budget
        if budget.probe() and "refuses" not in request.node.name:
            pytest.skip(f"no per-student cgroups on this machine: {budget.probe()}")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the test ids
def pytest_collection_modifyitems(config, items):
    """A module whose tests share a module-scoped fixture (a graded class, a browser, a
    database server, a trained model) runs on one xdist worker, so the fixture is built
    once, not once per worker; a test that names its own xdist_group keeps it."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker("xdist_group"):
            continue
        if any(d.scope == "module" for defs in info.name2fixturedefs.values() for d in defs):
            item.add_marker(pytest.mark.xdist_group(f"module-{item.module.__name__}"))
