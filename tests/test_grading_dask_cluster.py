"""`rnn-course grade --scheduler` on a real dask cluster: a `dask scheduler` and `dask worker`
processes started as commands, as an instructor would, not an in-process cluster."""
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from .fixtures.grading_course import dense_course, fixture_paths, submitted  # noqa: F401
from .test_grading_budget import MEMFD

# Grades a whole class end to end: `make test` runs it, `make test-fast` does not.
pytestmark = pytest.mark.slow

ROOT = str(Path(__file__).resolve().parents[1])
DASK = Path(sys.executable).with_name("dask")


def _env(**extra):
    path = os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
    return dict(os.environ, PYTHONPATH=path, **extra)


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two workers; ``add_worker(env)`` starts one more. Yields
    (address, add_worker); every process is stopped afterwards."""
    pytest.importorskip("distributed")
    if not DASK.exists():
        pytest.skip("no dask command beside this Python")
    info, procs, logs = tmp_path / "scheduler.json", [], []

    def start(*args, env=None):
        log = open(tmp_path / f"dask-{len(procs)}.log", "w")
        logs.append(log)
        procs.append(subprocess.Popen([str(DASK), *args], env=env or _env(), stdout=log,
                                      stderr=subprocess.STDOUT, cwd=tmp_path))

    def add_worker(env=None):
        start("worker", "--scheduler-file", str(info), "--nthreads", "1", "--no-nanny",
              "--no-dashboard", env=env)

    try:
        start("scheduler", "--scheduler-file", str(info), "--port", "0", "--no-dashboard",
              "--host", "127.0.0.1")
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        for _ in range(2):
            add_worker()
        _wait_for_workers(address, 2)
        yield address, add_worker
    finally:  # workers first: a worker whose scheduler is gone retries before it exits
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:  # the test's own processes: no need to wait
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()


def _wait_for_workers(address, n, timeout=90):
    from distributed import Client
    with Client(address, timeout=30) as client:
        client.wait_for_workers(n, timeout=timeout)


def _grade(course, folder, out, *options):
    return subprocess.run([sys.executable, "-m", "autograder_instructor.cli", "grade", "01_dense", str(folder),
                           "--course", str(course), "--out", str(out), "--quiet",
                           "--memory", "512", "--disk", "64", "--timeout", "30", *options],
                          capture_output=True, text=True, env=_env(), timeout=900)


def _rows(out):
    """grades.csv's rows by student, without the notes (where a retry may be told)."""
    with open(out / "grades.csv", newline="") as f:
        return {r["student"]: {k: v for k, v in r.items() if k != "notes"} for r in csv.DictReader(f)}


def _class(folder):
    """A small class with hostile members: an honest student, a memfd hoarder and a notebook
    that reads the reference solution."""
    paths = fixture_paths()
    hoarder = nbformat.read(paths["reference"], as_version=4)
    hoarder.cells.insert(0, nbformat.v4.new_code_cell(MEMFD))
    return submitted(folder, {"honest": paths["reference"],
                              "hoarder": nbformat.writes(hoarder).encode(),
                              "reader": paths["sbx-reads-solutions"]})


def test_a_dask_cluster_grades_a_hostile_class_as_a_local_run_does(dense_course, tmp_path, cluster):
    """Graded on a scheduler and two worker processes, does a class with hostile members get
    the same rows as the same class graded on this machine, and does adding a worker without
    bubblewrap make the next run refuse before grading anyone, naming that worker?"""
    address, add_worker = cluster
    local_course = tmp_path / "local-course"
    import shutil
    shutil.copytree(dense_course, local_course)
    local = _grade(local_course, _class(tmp_path / "local"), tmp_path / "local-out", "--jobs", "2")
    assert local.returncode == 0, local.stderr[-2000:]
    remote = _grade(dense_course, _class(tmp_path / "remote"), tmp_path / "remote-out",
                    "--jobs", "2", "--scheduler", address)
    assert remote.returncode == 0, remote.stderr[-2000:]
    assert _rows(tmp_path / "remote-out") == _rows(tmp_path / "local-out")
    assert set(_rows(tmp_path / "local-out")) == {"honest", "hoarder", "reader"}

    add_worker(env=_env(PATH="/nonexistent"))  # no bwrap on this worker's PATH
    _wait_for_workers(address, 3)
    again = _grade(dense_course, _class(tmp_path / "again"), tmp_path / "again-out", "--force",
                   "--scheduler", address)
    assert again.returncode != 0
    assert "bubblewrap is not installed" in again.stderr and "dask worker tcp://" in again.stderr
    assert again.stderr.count("cannot isolate students") == 1  # that worker, not the other two
    assert not (tmp_path / "again-out" / "grades.csv").exists()
