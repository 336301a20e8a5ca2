"""One budget per student, counted by the kernel across everything the student starts.

Under ``--memory 512 --disk 64`` a student may hold 576 MB of the machine's memory.
Each attack below tries to hold far more by a route no per-process limit sees:
memory in ``memfd`` files never mapped, eight forked children each under ``--memory``,
and a tmpfs of its own. Without the sandbox (no cgroup) it must succeed, so the
attack stays meaningful; in one bubblewrap sandbox per process and forked by the
sandboxed zygote the student's cgroup must never have held more than 576 MB.
"""
import csv
import json
import os
import re

import pytest

from autograder_instructor.grading import budget
from autograder_instructor.grading.limits import Limits
from autograder_instructor.grading.process import ProcessDied, StudentProcess

from .fixtures.grading_course import dense_course, fixture_paths, submitted  # noqa: F401
from .test_grading_sandbox import MODES

MEMORY, DISK = 512, 64
TOTAL = MEMORY + DISK  # MB: what the cgroup lets one student hold

MEMFD = ("import json, os\nheld = 0\nchunk = b'x' * (1 << 20)\nkeep = []\n"
         "for i in range(40):\n    fd = os.memfd_create(f'hoard{i}')\n"
         "    for _ in range(32):\n        os.write(fd, chunk)\n    keep.append(fd); held += 32\n"
         "print(json.dumps(held))\n")
CHILDREN = ("import ctypes, json, os, time\nlibc = ctypes.CDLL(None)\nr, w = os.pipe()\npids = {}\n"
            "for i in range(8):\n    pid = libc.fork()\n    if pid == 0:\n"
            "        hoard = b'x' * (100 << 20)\n        os.write(w, bytes([i]))\n        libc.sleep(60)\n"
            "        libc._exit(0)\n    pids[pid] = i\n"
            "os.set_blocking(r, False)\nfilled, dead = set(), set()\n"
            "deadline = time.monotonic() + 30  # every child has filled its 100 MB, or died\n"
            "while len(filled | dead) < 8 and time.monotonic() < deadline:\n"
            "    time.sleep(0.1)\n"
            "    try:\n        filled |= set(os.read(r, 100))\n    except BlockingIOError:\n        pass\n"
            "    for pid, i in pids.items():\n"
            "        if i not in dead and os.waitpid(pid, os.WNOHANG)[0] == pid:\n            dead.add(i)\n"
            "time.sleep(1)\nfor pid, i in pids.items():\n"
            "    if i not in dead and os.waitpid(pid, os.WNOHANG)[0] == pid:\n        dead.add(i)\n"
            "for pid in pids:\n    libc.kill(pid, 9)\n"
            "print(json.dumps(100 * len(filled - dead)))\n")
# A user + mount namespace of its own (in a single-threaded child), a tmpfs in it, 1 GB written.
TMPFS = ("import ctypes, json, os\nlibc = ctypes.CDLL(None, use_errno=True)\nuid = os.getuid()\n"
         "def put(path, text):\n    fd = libc.open(path, 1)\n    libc.write(fd, text, len(text))\n"
         "os.mkdir('hoard')\nr, w = os.pipe()\npid = libc.fork()\nif pid == 0:\n    held = 0\n"
         "    if libc.unshare(0x10000000 | 0x00020000) == 0:\n"
         "        put(b'/proc/self/setgroups', b'deny')\n"
         "        put(b'/proc/self/uid_map', f'0 {uid} 1'.encode())\n"
         "        put(b'/proc/self/gid_map', f'0 {uid} 1'.encode())\n"
         "        if libc.mount(b'none', b'hoard', b'tmpfs', 0, b'size=2g') == 0:\n"
         "            chunk = b'x' * (1 << 20)\n"
         "            for i in range(20):\n                with open(f'hoard/{i}', 'wb') as f:\n"
         "                    for _ in range(50):\n                        f.write(chunk)\n"
         "                held += 50\n"
         "    os.write(w, str(held).encode())\n    libc.sleep(2)\n    libc._exit(0)\n"
         "held = int(os.read(r, 32) or 0)\nos.waitpid(pid, 0)\nprint(json.dumps(held))\n")
ATTACKS = {"memfd": MEMFD, "children": CHILDREN, "tmpfs": TMPFS}


def hold(cell, sandboxed, tmp_path):
    """Run one attack; (MB it says it held, None if the kernel killed it; the most memory its
    cgroup held, MB, None without one)."""
    limits = Limits(sandbox=bool(sandboxed), cgroups=bool(sandboxed), cell_timeout=60,
                    fork=sandboxed == "zygote", memory_mb=MEMORY, disk_mb=DISK)
    proc = StudentProcess(tmp_path / "work", limits)
    try:
        try:
            reply = proc.exec_cell(cell, 60)
            assert not reply["error"], reply["error"]
            held = json.loads(reply["stdout"].strip().splitlines()[-1])
        except ProcessDied:
            held = None
        peak = proc.budget.peak_bytes() / 2 ** 20 if proc.budget else None
        return held, peak
    finally:
        proc.close()


@pytest.mark.parametrize("attack", sorted(ATTACKS))
@pytest.mark.parametrize("sandboxed", MODES)
def test_no_student_holds_more_than_its_budget(tmp_path, attack, sandboxed):
    """Does each route (memfd hoarding, 8 children near the limit, a tmpfs of its own) hold
    far more than --memory + --disk without the sandbox, and never more inside it?"""
    held, peak = hold(ATTACKS[attack], sandboxed, tmp_path)
    if not sandboxed:
        assert held >= 800 and peak is None
    else:
        assert held is None or held < TOTAL
        assert peak <= TOTAL, f"the student's cgroup held {peak:.0f} MB"


def test_the_budget_is_made_before_and_removed_after(tmp_path):
    """Is a student process in cgroups of its own, limited to --memory + --disk and
    --processes, and are they gone (with anything left in them) once it is closed?"""
    limits = Limits(cell_timeout=20, memory_mb=300, disk_mb=20, processes=30)
    proc = StudentProcess(tmp_path / "work", limits)
    folders = list(proc.budget.folders)
    try:
        reply = proc.exec_cell("print(open('/proc/self/cgroup').read())", 20)
        mine = {line.split(":")[1]: line.split(":")[2] for line in reply["stdout"].split()}
        names = {f.rsplit("/", 1)[-1] for f in folders}
        assert {mine["memory"].rsplit("/", 1)[-1], mine["pids"].rsplit("/", 1)[-1]} == names
        limit = int(open(f"{[f for f in folders if '/memory/' in f][0]}/memory.limit_in_bytes").read())
        assert limit == 320 * 2 ** 20
        assert int(open(f"{[f for f in folders if '/pids/' in f][0]}/pids.max").read()) \
            == 30 + budget.RUNNER_PIDS
    finally:
        proc.close()
    assert not [f for f in folders if os.path.exists(f)]


def test_cgroups_a_killed_grader_left_are_swept(tmp_path):
    """A grader killed mid-run leaves its students' cgroups (named after its pid): does the
    next run's probe remove them, and leave a live grader's alone?"""
    import subprocess
    import sys
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    left = [os.path.join(parent, f"{dead}-1") for parent in budget.parents().values()]
    for folder in left:
        os.makedirs(folder)
    mine = budget.Budget(memory_mb=64, processes=4)
    try:
        budget.sweep()
        assert not [f for f in left if os.path.exists(f)]
        assert all(os.path.exists(f) for f in mine.folders)
    finally:
        mine.close()


def test_refuses_without_cgroups_unless_told(monkeypatch):
    """Where no cgroup can be written, does the run refuse, naming --no-cgroups, and does
    --no-cgroups say loudly that the kernel counts no budget, in the output and every row?"""
    import io
    from autograder_instructor.grading import pipeline
    monkeypatch.setattr(budget, "probe", lambda: "no cgroup can be written here (EACCES)")
    with pytest.raises(budget.Unavailable, match="--no-cgroups"):
        budget.require(True)
    # (sandbox=False: this runs where bwrap is missing too; the sandbox has its own test)
    with pytest.raises(SystemExit, match="--no-cgroups"):
        pipeline.Isolation()({"limits": Limits(sandbox=False), "stream": io.StringIO()})
    ctx = {"limits": Limits(sandbox=False, cgroups=False), "stream": io.StringIO()}
    pipeline.Isolation()(ctx)
    assert "NONE (--no-cgroups)" in ctx["stream"].getvalue()
    assert ctx["isolation_notes"] == ["graded WITHOUT kernel isolation (--no-sandbox)",
                                      "graded WITHOUT a per-student cgroup (--no-cgroups)"]


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_the_class_finishes_with_every_row(dense_course, tmp_path):
    """Graded as one class under --memory 512 --disk 64, do the three hoarders each get a row
    (the hoarding cell stopped, the rest graded as the honest student's same code is), and
    does the honest student graded beside them lose nothing?"""
    import nbformat
    from autograder_instructor.grading.pipeline import run
    reference = fixture_paths()["reference"]
    notebooks = {"honest": reference}
    for name, cell in ATTACKS.items():
        nb = nbformat.read(reference, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_code_cell(cell))
        notebooks[f"hoard-{name}"] = nbformat.writes(nb).encode()
    folder = submitted(tmp_path / "sub", notebooks)
    limits = Limits(cell_timeout=30, notebook_timeout=120, memory_mb=MEMORY, disk_mb=DISK)
    ctx = run(assignment="01_dense", submissions=folder, course=dense_course, jobs=2,
              limits=limits, quiet=True)
    rows = {r["student"]: r for r in csv.DictReader(open(ctx["out"] / "grades.csv"))}
    assert set(rows) == set(notebooks)
    assert all(re.fullmatch(r"[\d.]+", row["score"]) for row in rows.values()), rows
    # Each hoarder's other cells are the honest student's: only the hoarding cell is lost.
    assert {row["score"] for row in rows.values()} == {rows["honest"]["score"]}
    assert rows["honest"]["status"] == "graded" and float(rows["honest"]["max_score"]) == 12
    assert "held more memory than its budget (576 MB" in rows["hoard-memfd"]["notes"]


def test_the_cli_passes_no_cgroups(monkeypatch):
    """Does `rnn-course grade --no-cgroups` grade with Limits(cgroups=False), and without the
    flag with cgroups on?"""
    import argparse
    from autograder_instructor.grading import command, pipeline
    seen = []
    monkeypatch.setattr(pipeline, "run", lambda **kwargs: seen.append(kwargs["limits"]) or 0)
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers())
    for extra in (["--no-cgroups"], []):
        args = parser.parse_args(["grade", "01_dense", "sub", *extra])
        try:
            args.handler(args)
        except Exception:
            pass  # the report after the run needs a real context; the limits were seen
    assert [limits.cgroups for limits in seen] == [False, True]
