"""Fault injection: the grader's own failures are never a student's, and the run always ends.

Replies are forged byte by byte (size-checked decoding), the zygote is killed in the middle of
a run, processes cannot start, and the worker raises; after each, does every student get one
row, honest students their full marks, and a student the grader failed on a flagged row
instead of a zero?
"""
import csv
import io
import threading
import time
import tracemalloc
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.cases import judge
from autograder_instructor.grading import process, replies, worker
from autograder_instructor.grading.gradebook import totals
from autograder_instructor.grading.limits import Limits
from autograder_instructor.grading.pipeline import run
from autograder_instructor.grading.process import GraderFault
from autograder_instructor.grading.result import Result
from autograder_instructor.grading.task import Task

from .fixtures.grading_course import dense_course, fixture_paths, submitted  # noqa: F401

LIMITS = Limits(cell_timeout=10, notebook_timeout=40, memory_mb=1024)


def _npy_header(descr, shape):
    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(head, {"descr": descr, "fortran_order": False,
                                                "shape": shape})
    return head.getvalue()


def _npz(members, compression=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _good(array):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array)
    return buf.getvalue()


def _unpack_measured(payload):
    """(decoded arrays, peak bytes Python allocated while decoding them) under a 256 MB cap."""
    tracemalloc.start()
    try:
        arrays = replies.unpack(payload, 256 * 2 ** 20)
        return arrays, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------- replies
def test_a_deflated_bomb_is_refused_without_allocating_what_it_declares():
    """Is a reply of about 0.4 MB that inflates to a 400 MB array refused by its declared size,
    with the grader's memory peak far below that?"""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("out.npy", "w", force_zip64=True) as f:
            f.write(_npy_header("<f4", (100_000_000,)))
            chunk = bytes(8 * 2 ** 20)
            for _ in range(400 // 8):
                f.write(chunk)
    payload = buf.getvalue()
    assert len(payload) < 2 * 2 ** 20
    arrays, peak = _unpack_measured(payload)
    assert isinstance(arrays["out"], replies.Refused) and "more than the grader" in arrays["out"]
    assert peak < 16 * 2 ** 20, f"decoding the bomb used {peak / 2 ** 20:.0f} MB"


def test_a_header_that_declares_more_than_the_data_is_refused():
    """Is a member whose .npy header declares 437 M float64 (3.5 GB) but holds 4 kB refused
    before anything of that size exists?"""
    payload = _npz({"out.npy": _npy_header("<f8", (437_000_000,)) + bytes(4096)})
    arrays, peak = _unpack_measured(payload)
    assert isinstance(arrays["out"], replies.Refused) and "437000000" in arrays["out"]
    assert peak < 16 * 2 ** 20


@pytest.mark.parametrize("name,data,reason", [
    ("obj.npy", _npy_header("|O", (2,)) + b"\x80\x04junk", "only numbers"),
    ("rec.npy", _npy_header([("a", "<f8")], (2,)) + bytes(16), "only numbers"),
    ("txt.npy", _npy_header("<U3", (2,)) + bytes(24), "only numbers"),
    ("short.npy", _npy_header("<f8", (4,)) + bytes(8), "holds 8 bytes"),
    ("long.npy", _npy_header("<f8", (1,)) + bytes(64), "holds"),
    ("garbage.npy", b"not an npy file at all", "unreadable"),
    ("notes.txt", b"hello", "not an .npy"),
])
def test_a_malformed_member_refuses_only_itself(name, data, reason):
    """Does one bad member (object, structured or text dtype, wrong length, garbage, not .npy)
    come back refused with its reason, while the good member beside it decodes exactly?"""
    good = np.arange(6, dtype=np.float64).reshape(2, 3)
    arrays = replies.unpack(_npz({"good.npy": _good(good), name: data}), 2 ** 20)
    assert np.array_equal(arrays["good"], good) and arrays["good"].dtype == np.float64
    bad = arrays[name[:-4] if name.endswith(".npy") else name]
    assert isinstance(bad, replies.Refused) and reason in bad, bad


def test_the_reply_cap_counts_every_array_and_fortran_order_survives():
    """Once the reply's budget is spent, is the next array refused; is a Fortran-ordered array
    decoded with its layout?"""
    a = np.ones((256, 512))  # 1 MB
    f = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    arrays = replies.unpack(_npz({"a.npy": _good(a), "b.npy": _good(a), "f.npy": _good(f)}),
                            int(1.5 * 2 ** 20))
    assert np.array_equal(arrays["a"], a) and isinstance(arrays["b"], replies.Refused)
    assert np.array_equal(arrays["f"], f) and arrays["f"].flags.f_contiguous


def test_a_payload_that_is_not_a_zip_is_an_error_for_the_whole_reply():
    with pytest.raises(ValueError, match="not an npz"):
        replies.unpack(b"PK\x03\x04 truncated", 2 ** 20)


def test_a_refused_output_is_judged_wrong_with_the_reason():
    """Does a refused array reach the student as a failed case that says why?"""
    from autograder.visible import visible_cases
    case = visible_cases("sigmoid")[1][0]
    flat = {key: {"a": f"c0/{key}"} for key in case.expected}
    arrays = {f"c0/{key}": replies.Refused("an array of dtype object") for key in case.expected}
    outcome = judge(case, replies.decode(flat, arrays))
    assert not outcome.passed and "the grader refused" in outcome.message


# ---------------------------------------------------------------- processes and workers
def _sleepy_reference(seconds):
    nb = nbformat.read(fixture_paths()["reference"], as_version=4)
    nb.cells.insert(5, nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})\n"))
    return (nbformat.writes(nb) + "\n").encode()


def _children(pid):
    """Every descendant of ``pid`` (a sandboxed zygote sits below bwrap and setpriv)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return kids + [d for kid in kids for d in _children(int(kid))]


def _zygotes():
    return list(process.Zygote._instances.values())


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_killing_the_zygote_mid_run_regrades_the_students_it_took_down(dense_course, tmp_path):
    """With the zygote killed while students' processes run, are those students graded again
    (full marks, an event that says the grader was the cause) and nobody blamed?"""
    folder = submitted(tmp_path / "sub", {s: _sleepy_reference(1.5) for s in ("ada", "ben", "cai")})
    killed = []

    def killer():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            for zygote in _zygotes():
                if zygote.popen.poll() is None and len(_children(zygote.popen.pid)) > 2:
                    time.sleep(0.5)  # the students are inside their sleeping cell
                    killed.append(len(_children(zygote.popen.pid)))
                    zygote.popen.kill()
                    break
            time.sleep(0.05)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        ctx = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2,
                  limits=LIMITS, quiet=True)
    finally:
        thread.join()
    assert killed and killed[0] >= 1, "the zygote was never killed while students ran"
    book = totals(ctx["db_url"], "01_dense", "dense")
    assert {s: sum(v[0] for v in g.values()) for s, g in book.items()} == {
        "ada": 12, "ben": 12, "cai": 12}
    results = {r.student: r for r in ctx["results"]}
    assert not any(r.fatal for r in results.values())
    again = [s for s, r in results.items() if any("grader-side failure" in e for e in r.events)]
    assert again, "no student was graded again after the zygote died"
    rows = list(csv.DictReader(open(ctx["out"] / "grades.csv")))
    assert sorted(r["student"] for r in rows) == ["ada", "ben", "cai"]


def test_a_damaged_zygote_is_replaced_and_nobody_is_blamed(dense_course, tmp_path):
    """With the zygote's address space limited from outside (prlimit, as a hostile classmate
    did), so that every child it forks dies before running a cell, is it replaced, and does
    every student still get full marks instead of 'exited with code 1 (os._exit?)'?"""
    import resource
    folder = submitted(tmp_path / "sub", {s: fixture_paths()["reference"] for s in ("ada", "ben")})
    # Unsandboxed: inside the sandbox no classmate can reach the zygote at all (see
    # test_grading_sandbox.py); this checks that a damaged one is replaced whatever damaged it.
    limits = Limits(cell_timeout=10, notebook_timeout=40, memory_mb=1024, sandbox=False)
    damaged = process.Zygote.get(blocks=(), limits=limits)  # the one this run forks from
    limited = 0
    for pid in [damaged.popen.pid] + [int(p) for p in _children(damaged.popen.pid)]:
        try:  # bwrap's own processes may refuse; the zygote's Python is what must be hit
            resource.prlimit(pid, resource.RLIMIT_AS, (2 ** 28, 2 ** 28))
            limited += 1
        except PermissionError:
            pass
    assert limited, "no process of the zygote could be damaged"
    ctx = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=1,
              limits=limits, quiet=True)
    assert damaged not in _zygotes()
    results = {r.student: r for r in ctx["results"]}
    assert {s: r.score for s, r in results.items()} == {"ada": 12, "ben": 12}
    assert not any(r.fatal for r in results.values())
    assert any("grader-side failure" in e for r in results.values() for e in r.events)
    assert not any("os._exit" in e for r in results.values() for e in r.events)


def test_a_process_that_cannot_start_is_the_graders_failure_not_the_students(dense_course,
                                                                            tmp_path):
    """When no student process can start (a memory limit too small for Python itself), is the
    row flagged as the grader's failure: no auto score in the gradebook, blank in grades.csv,
    listed in summary.txt, and graded again by the next run without --force?"""
    folder = submitted(tmp_path / "sub", {"ada": fixture_paths()["reference"]})
    starved = Limits(memory_mb=12, start_timeout=10, notebook_timeout=30)
    ctx = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=1,
              limits=starved, quiet=True)
    result = ctx["results"][0]
    assert result.grader_failure and "could not start" in result.grader_failure
    assert "not your notebook" in result.fatal
    row = next(csv.DictReader(open(ctx["out"] / "grades.csv")))
    assert row["status"].startswith("not graded: grader failure") and row["score"] == ""
    assert row["sigmoid_tests"] == ""
    assert "ada" in (ctx["out"] / "summary.txt").read_text().split("grader failed")[1]
    from nbgrader.api import Gradebook
    with Gradebook(ctx["db_url"]) as gb:
        grades = gb.find_submission_notebook("dense", "01_dense", "ada").grades
        code = [g for g in grades if g.name.endswith("_tests")]
        assert code and all(g.auto_score is None and g.needs_manual_grade for g in code)
    again = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=1,
                limits=starved, quiet=True)
    assert len(again["todo"]) == 1, "a grader failure was taken as done"


def test_a_grader_fault_is_retried_and_the_last_try_does_without_the_zygote(monkeypatch):
    """Does the worker grade again after a GraderFault, the last attempt with spawned
    processes (fork=False), and report that the student was not the cause?"""
    calls = []

    def flaky(task, limits):
        calls.append(limits.get("fork", True))
        if len(calls) <= worker.RETRIES:
            raise GraderFault("the zygote stopped answering (BrokenPipeError)")
        return Result(task.student)

    monkeypatch.setattr(worker, "_grade", flaky)
    result = worker.grade_submission(Task("ada"))
    assert calls == [True] * worker.RETRIES + [False]
    assert "grader-side failure" in result.events[0] and "not the cause" in result.events[0]


class Flaky(ThreadPoolExecutor):
    """An executor whose worker dies for some students (a dask worker lost, say)."""

    def __init__(self, fail):
        super().__init__(max_workers=2)
        self.fail, self.seen = fail, {}

    def submit(self, fn, task):
        n = self.seen[task.student] = self.seen.get(task.student, 0) + 1
        if n <= self.fail.get(task.student, 0):
            return super().submit(_raise, n)
        return super().submit(fn, task)


def _raise(n):
    raise ConnectionError(f"worker lost (attempt {n})")


def test_a_worker_that_raises_is_resubmitted_then_flagged(dense_course, tmp_path):
    """If the executor's worker raises for one student once, is it resubmitted and graded; if
    it always raises for another, does that one get a flagged grader-failure row while every
    student still gets exactly one row?"""
    paths = fixture_paths()
    folder = submitted(tmp_path / "sub", {"ada": paths["reference"], "ben": paths["reference"],
                                          "cai": paths["wrong-shape"]})
    executor = Flaky({"ben": 1, "cai": 99})
    try:
        ctx = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2,
                  limits=LIMITS, quiet=True, executor=executor)
    finally:
        executor.shutdown()
    rows = {r["student"]: r for r in csv.DictReader(open(ctx["out"] / "grades.csv"))}
    assert sorted(rows) == ["ada", "ben", "cai"]
    assert rows["ada"]["score"] == rows["ben"]["score"] == "12"
    assert rows["cai"]["score"] == "" and "ConnectionError" in rows["cai"]["notes"]
    assert executor.seen["cai"] == 1 + worker.RETRIES
