"""Attacks on the grader from inside a student process, with and without the sandbox.

Each attack is a cell run in a real student process. Without the sandbox
(``Limits(sandbox=False)``: the audit hook alone, as on main before issue 11) it
must succeed against a decoy the test owns -- so the attack stays meaningful --
and inside the sandbox it must fail. Destructive attacks (kill every pid, fork
bomb, disk fill) run only inside the sandbox and check first that they are in
one, so a broken sandbox can never turn them on the machine.
"""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from autograder_instructor import layout
from autograder_instructor.grading import sandbox
from autograder_instructor.grading.limits import Limits
from autograder_instructor.grading.process import Forked, GraderFault, StudentProcess

# Without bwrap, tests/conftest.py skips these (all but the refusal test), saying why.
SOLUTION = layout.PACKAGE.parent / "solutions" / "dense.py"
SECRET = "decoy-secret-7f3a9"
# Without the sandbox; one bwrap sandbox per process; forked by the sandboxed zygote into
# namespaces of its own (the default).
MODES = [False, "bwrap", "zygote"]


def run(cells, sandboxed, tmp_path, **limits):
    """Run ``cells`` in one student process; the last cell's stdout (attacks print JSON)."""
    limits = Limits(sandbox=bool(sandboxed), cgroups=bool(sandboxed), cell_timeout=20,
                    fork=sandboxed == "zygote", **limits)
    proc = StudentProcess(tmp_path / "work", limits)
    # The sandboxed zygote falls back to one bwrap per process when it fails: not here.
    assert isinstance(proc.proc, Forked) is (sandboxed == "zygote")
    try:
        for cell in cells:
            reply = proc.exec_cell(cell, 20)
        assert not reply.get("error"), reply["error"]
        return json.loads(reply["stdout"].strip().splitlines()[-1])
    finally:
        proc.close()


@pytest.fixture
def decoy(tmp_path):
    """A process that is neither the student's nor its parent: a secret in its environment
    and its memory, as the grader holds classmates' notebooks."""
    env = dict(os.environ, RNN_DECOY=SECRET)
    p = subprocess.Popen([sys.executable, "-c", f"s = {SECRET!r} * 3; import time; time.sleep(120)"],
                         env=env)
    time.sleep(0.3)
    yield p
    p.kill()
    p.wait()


READS = {
    "dir_fd": (
        "import os, json\nroot = os.open('/', os.O_RDONLY)\n"
        "fd = os.open({rel!r}, os.O_RDONLY, dir_fd=root)\n"
        "print(json.dumps(b'def sigmoid' in os.read(fd, 1 << 20)))"),
    "ctypes": (
        "import ctypes, json\nlibc = ctypes.CDLL(None)\nfd = libc.open({path!r}.encode(), 0)\n"
        "buf = ctypes.create_string_buffer(1 << 20)\nn = libc.read(fd, buf, 1 << 20)\n"
        "print(json.dumps(fd >= 0 and b'def sigmoid' in buf.raw[:max(n, 0)]))"),
}


@pytest.mark.parametrize("how", sorted(READS))
@pytest.mark.parametrize("sandboxed", MODES)
def test_reading_a_solution_works_only_without_the_sandbox(tmp_path, how, sandboxed):
    """Does each way of reading solutions/dense.py get its text without the sandbox, and
    fail (file absent from the view) inside it?"""
    cell = READS[how].format(rel=str(SOLUTION).lstrip("/"), path=str(SOLUTION))
    cell = "try:\n" + "".join(f"    {line}\n" for line in cell.splitlines()) + \
        "except OSError:\n    print('false')"
    assert run([cell], sandboxed, tmp_path) is (not sandboxed)


PROC = ("import os, json, re\nout = {{}}\n"
        "try:\n    out['environ'] = {secret!r} in open('/proc/{pid}/environ', 'rb').read().decode()\n"
        "except OSError:\n    out['environ'] = False\n"
        "try:\n    found = False\n    for line in open('/proc/{pid}/maps'):\n"
        "        a, b = (int(x, 16) for x in line.split()[0].split('-'))\n"
        "        if 'rw' in line.split()[1] and b - a < 1 << 26:\n"
        "            with open('/proc/{pid}/mem', 'rb', buffering=0) as f:\n"
        "                try:\n                    f.seek(a); found |= {secret!r}.encode() in f.read(b - a)\n"
        "                except OSError:\n                    pass\n    out['mem'] = found\n"
        "except OSError:\n    out['mem'] = False\nprint(json.dumps(out))")


@pytest.mark.parametrize("sandboxed", MODES)
def test_another_process_memory_and_environment(tmp_path, decoy, sandboxed):
    """Are /proc/<pid>/environ and /proc/<pid>/mem of another process readable without the
    sandbox, and not inside it (its /proc shows its own PID namespace only)?"""
    got = run([PROC.format(pid=decoy.pid, secret=SECRET)], sandboxed, tmp_path)
    assert got == {"environ": not sandboxed, "mem": not sandboxed}


SIGNALS = ("import os, signal, resource, json, time\nout = {{}}\n"
           "try:\n    resource.prlimit({pid}, resource.RLIMIT_NOFILE, (3, 3)); out['prlimit'] = True\n"
           "except OSError:\n    out['prlimit'] = False\n"
           "try:\n    fd = os.pidfd_open({pid}); signal.pidfd_send_signal(fd, signal.SIGTERM)\n"
           "    out['pidfd'] = True\nexcept OSError:\n    out['pidfd'] = False\nprint(json.dumps(out))")


@pytest.mark.parametrize("sandboxed", MODES)
def test_signalling_and_prlimiting_another_process(tmp_path, decoy, sandboxed):
    """Can a student prlimit and pidfd-signal another process (no audit event for either)?
    Without the sandbox yes, and the decoy dies; inside it the pid does not exist."""
    got = run([SIGNALS.format(pid=decoy.pid)], sandboxed, tmp_path)
    assert got == {"prlimit": not sandboxed, "pidfd": not sandboxed}
    time.sleep(0.3)
    assert (decoy.poll() is None) is bool(sandboxed)


WRITES = ("import os, json, socket, sqlite3\nout = {{}}\n"
          "try:\n    db = sqlite3.connect({db!r}); db.execute(\"update grade set score = 99\"); db.commit()\n"
          "    out['sqlite'] = True\nexcept Exception:\n    out['sqlite'] = False\n"
          "try:\n    os.mkfifo({fifo!r}); out['fifo'] = True\nexcept OSError:\n    out['fifo'] = False\n"
          "try:\n    s = socket.socket(socket.AF_UNIX); s.bind({sock!r}); out['socket'] = True\n"
          "except OSError:\n    out['socket'] = False\n"
          "try:\n    d = os.open({dir!r}, os.O_RDONLY)\n"
          "    os.close(os.open('forged.csv', os.O_WRONLY | os.O_CREAT, dir_fd=d)); out['dir_fd'] = True\n"
          "except OSError:\n    out['dir_fd'] = False\nprint(json.dumps(out))")


@pytest.mark.parametrize("sandboxed", MODES)
def test_writing_outside_the_folder(tmp_path, sandboxed):
    """Do sqlite3 (the gradebook), mkfifo, a unix socket bind and a dir_fd write reach a
    folder of the grader's without the sandbox, and nothing inside it?"""
    outside = tmp_path / "grader"
    outside.mkdir()
    db = outside / "gradebook.db"
    with sqlite3.connect(db) as c:
        c.execute("create table grade (score real)")
        c.execute("insert into grade values (1)")
    cell = WRITES.format(db=str(db), fifo=str(outside / "fifo"), sock=str(outside / "sock"),
                         dir=str(outside))
    got = run([cell], sandboxed, tmp_path)
    assert got == dict.fromkeys(("sqlite", "fifo", "socket", "dir_fd"), not sandboxed)
    assert (sqlite3.connect(db).execute("select score from grade").fetchone()[0] == 99) is (not sandboxed)
    assert (outside / "forged.csv").exists() is (not sandboxed)


DETACHED = {
    "_posixsubprocess": (
        "import _posixsubprocess, os\nr, w = os.pipe()\n"
        "_posixsubprocess.fork_exec([b'/bin/sh'], [b'/bin/sh'], True, (), None, None, -1, -1, -1, -1,"
        " -1, -1, r, w, True, True, -1, None, None, None, -1, None, False)\n"
        "import time\ntime.sleep(0.5)\n"),
    "ctypes": ("import ctypes, os\nlibc = ctypes.CDLL(None)\n"
               "if libc.fork() == 0:\n    libc.setsid()\n    libc.execv(b'/bin/sh', None)\n"
               "import time\ntime.sleep(0.5)\n"),
}


@pytest.mark.parametrize("how", sorted(DETACHED))
@pytest.mark.parametrize("sandboxed", MODES)
def test_a_detached_process_waits_then_forges(tmp_path, how, sandboxed):
    """Does a program started without an audit event, which waits for the student process
    to end and then writes a file of the grader's, survive without the sandbox, and die
    with the sandbox (and see nothing of the grader's) inside it?"""
    target = tmp_path / "grades.csv"
    script = f"sleep 2; echo forged > {target}"
    cell = DETACHED[how].replace("[b'/bin/sh']", f"[b'/bin/sh', b'-c', {script.encode()!r}]", 1) \
        .replace("['/bin/sh']", f"['/bin/sh', '-c', {script!r}]") \
        .replace("libc.execv(b'/bin/sh', None)",
                 "args = (ctypes.c_char_p * 4)(b'/bin/sh', b'-c', %r, None)\n"
                 "    libc.execv(b'/bin/sh', args)" % script.encode())
    if how == "_posixsubprocess" and sys.version_info[:2] != (3, 11):
        pytest.skip("the call is written for Python 3.11's _posixsubprocess.fork_exec")
    cell += "import json\nprint(json.dumps(True))"
    assert run([cell], sandboxed, tmp_path) is True
    # the forger sleeps 2 s from inside the cell: by 2.5 s after the student process ended it
    # has written, or never will
    deadline = time.monotonic() + 2.5
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert target.exists() is (not sandboxed)


SAFE = ("import os\nassert os.getpid() < 10 and os.getuid() != 0, 'not in a sandbox: refusing'\n")


@pytest.mark.parametrize("fork", [False, True])
def test_killing_everyone_costs_only_itself(tmp_path, decoy, fork):
    """Does kill(-1, SIGKILL) and a SIGKILL to every pid in /proc leave the decoy and the
    grader alive (the student process itself dies)?"""
    limits = Limits(sandbox=True, cell_timeout=10, fork=fork)
    proc = StudentProcess(tmp_path / "work", limits)
    cell = SAFE + ("import signal\nfor p in os.listdir('/proc'):\n    if p.isdigit() and int(p) != os.getpid():\n"
                   "        try:\n            os.kill(int(p), signal.SIGKILL)\n        except OSError:\n"
                   "            pass\nos.kill(-1, signal.SIGKILL)\n")
    try:
        proc.exec_cell(cell, 10)  # kill(-1) spares the caller; either way it may not matter
    except Exception:
        pass
    proc.close()
    assert decoy.poll() is None
    again = StudentProcess(tmp_path / "next", limits)  # and the next student starts as usual
    assert again.exec_cell("print(1 + 1)", 10)["stdout"] == "2\n"
    again.close()


@pytest.mark.parametrize("fork", [False, True])
def test_fork_and_thread_bombs_stop_at_the_process_limit(tmp_path, fork):
    """Do a fork bomb (ctypes fork, no audit event) and a thread bomb stop at
    ``Limits.processes``, while a second student process beside them still starts?"""
    limits = Limits(sandbox=True, cell_timeout=20, fork=fork, processes=24)
    proc = StudentProcess(tmp_path / "bomb", limits)
    cell = SAFE + ("import ctypes, json, threading, time\nlibc = ctypes.CDLL(None)\nforks = 0\n"
                   "for _ in range(200):\n    pid = libc.fork()\n    if pid == 0:\n        libc.sleep(60)\n"
                   "        libc._exit(0)\n    if pid < 0:\n        break\n    forks += 1\n"
                   "print(json.dumps(forks))")
    try:
        reply = proc.exec_cell(cell, 20)
        assert not reply.get("error"), reply["error"]
        forks = json.loads(reply["stdout"].split()[-1])
        assert 0 < forks < 24
        other = StudentProcess(tmp_path / "other", limits)
        threads = ("import threading, json, time\nn = 0\ntry:\n    for _ in range(200):\n"
                   "        threading.Thread(target=time.sleep, args=(30,), daemon=True).start(); n += 1\n"
                   "except RuntimeError:\n    pass\nprint(json.dumps(n))")
        reply = other.exec_cell(threads, 20)
        assert 10 < json.loads(reply["stdout"].split()[-1]) < 24
        other.close()
    finally:
        proc.close()


@pytest.mark.parametrize("sandboxed", ["bwrap", "zygote"])
def test_disk_fill_stops_at_the_disk_limit(tmp_path, sandboxed):
    """Does writing many files (each under the per-file limit) stop at ``Limits.disk_mb``,
    with ENOSPC, and leave the grader's disk untouched?"""
    cell = ("import json\nwritten = 0\ntry:\n    for i in range(100):\n"
            "        with open(f'fill{i}', 'wb') as f:\n            f.write(b'x' * (4 << 20))\n"
            "        written += 4\nexcept OSError as exc:\n    print(json.dumps([written, exc.errno]))\n")
    written, errno = run([cell], sandboxed, tmp_path, disk_mb=16, file_mb=8)
    assert written <= 16 and errno == 28  # ENOSPC
    assert not any((tmp_path / "work").glob("fill*"))


def test_classmates_forked_from_one_zygote_cannot_reach_each_other(tmp_path):
    """Two students forked from the same sandboxed zygote share its /proc and uid: can one
    read the other's memory or environment, signal it, or reach its abstract socket?"""
    limits = Limits(sandbox=True, cell_timeout=20, fork=True)
    victim = StudentProcess(tmp_path / "victim", limits)
    attacker = StudentProcess(tmp_path / "attacker", limits)
    assert isinstance(victim.proc, Forked) and victim.proc.zygote is attacker.proc.zygote
    try:
        victim.exec_cell(f"import os, socket\nsecret = {SECRET!r} * 3\nos.environ['S'] = secret\n"
                         "s = socket.socket(socket.AF_UNIX)\ns.bind('\\0rnn-victim')\ns.listen()", 20)
        cell = ("import os, json, signal, socket\nout = {'mem': False, 'signal': False, 'socket': False}\n"
                "for p in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
                "    try:\n        for line in open(f'/proc/{p}/maps'):\n"
                "            a, b = (int(x, 16) for x in line.split()[0].split('-'))\n"
                "            if 'rw' in line.split()[1] and b - a < 1 << 26:\n"
                "                with open(f'/proc/{p}/mem', 'rb', buffering=0) as f:\n"
                "                    f.seek(a)\n"
                f"                    out['mem'] |= {SECRET!r}.encode() in f.read(b - a) and int(p) != os.getpid()\n"
                "    except OSError:\n        pass\n"
                "    try:\n        signal.pidfd_send_signal(os.pidfd_open(int(p)), 0); out['signal'] |= int(p) > 2\n"
                "    except OSError:\n        pass\n"
                "try:\n    socket.socket(socket.AF_UNIX).connect('\\0rnn-victim'); out['socket'] = True\n"
                "except OSError:\n    pass\nprint(json.dumps(out))")
        reply = attacker.exec_cell(cell, 20)
        assert not reply.get("error"), reply["error"]
        assert json.loads(reply["stdout"].split("\n")[-2]) == {"mem": False, "signal": False,
                                                                "socket": False}
        assert victim.exec_cell("print(len(secret))", 20)["stdout"] == f"{3 * len(SECRET)}\n"
    finally:
        victim.close()
        attacker.close()


def test_no_bound_path_lies_below_the_scratch_tmpfs(tmp_path):
    """Is every read-only path the sandbox binds (interpreter, venv, public modules) outside
    the scratch tmpfs? A course checked out below /tmp once had its venv hidden by a tmpfs
    on /tmp, and no student process could start."""
    from autograder_instructor.grading import sandbox
    args, fds = sandbox.command(["true"], tmp_path, Limits(sandbox=True), ())
    for fd in fds:
        os.close(fd)
    binds = [args[i + 2] for i, a in enumerate(args) if a == "--ro-bind"]
    assert binds and sandbox.SCRATCH != "/tmp"
    assert not [b for b in binds if (b + "/").startswith(sandbox.SCRATCH + "/")], binds


def test_no_network(tmp_path):
    """Is there no network inside the sandbox (not even loopback to the grader's ports)?"""
    cell = ("import socket, json\ns = socket.socket()\ns.settimeout(2)\n"
            "print(json.dumps(s.connect_ex(('127.0.0.1', 22)) != 0 and s.connect_ex(('1.1.1.1', 80)) != 0))")
    assert run([cell], True, tmp_path) is True


def test_a_broken_sandbox_is_a_grader_fault_not_the_students(tmp_path, monkeypatch):
    """When bwrap itself fails, is it GraderFault (re-run by the caller), not ProcessDied?"""
    real = sandbox.command

    def broken(*args, **kwargs):
        cmd, fds = real(*args, **kwargs)
        return cmd[:1] + ["--ro-bind", "/no/such/path", "/x"] + cmd[1:], fds

    monkeypatch.setattr(sandbox, "command", broken)
    with pytest.raises(GraderFault, match="sandbox did not start"):
        StudentProcess(tmp_path / "work", Limits(sandbox=True, fork=False))


def test_refuses_without_isolation_unless_told(monkeypatch):
    """Without bwrap, does require() refuse with the way out named, and does --no-sandbox
    say loudly that none is in force?"""
    monkeypatch.setattr(sandbox, "probe", lambda: "bubblewrap is not installed")
    with pytest.raises(sandbox.Unavailable, match="--no-sandbox"):
        sandbox.require(True)
    assert "NONE (--no-sandbox)" in sandbox.require(False)


def test_no_sandbox_is_printed_and_noted_for_every_row():
    """With --no-sandbox, is the run's start line loud about it, and does every row get a note?"""
    import io
    from autograder_instructor.grading import pipeline
    ctx = {"limits": Limits(sandbox=False), "stream": io.StringIO()}
    pipeline.Isolation()(ctx)
    assert "NONE (--no-sandbox)" in ctx["stream"].getvalue()
    assert ctx["isolation_notes"] == ["graded WITHOUT kernel isolation (--no-sandbox)"]
    ctx = {"limits": Limits(sandbox=True), "stream": io.StringIO()}
    pipeline.Isolation()(ctx)
    assert ctx["stream"].getvalue().startswith("isolation: bubblewrap") and not ctx["isolation_notes"]


def test_the_cli_passes_the_flag_and_the_limits(monkeypatch):
    """Does `rnn-course grade --no-sandbox --disk 32 --processes 40` grade with those Limits?"""
    import argparse
    from autograder_instructor.grading import command, pipeline
    seen = {}

    def fake_run(**kwargs):
        seen.update(kwargs)
        raise SystemExit(0)

    monkeypatch.setattr(pipeline, "run", fake_run)
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["grade", "01_dense", "sub", "--no-sandbox", "--disk", "32",
                              "--processes", "40"])
    with pytest.raises(SystemExit):
        args.handler(args)
    limits = seen["limits"]
    assert (limits.sandbox, limits.disk_mb, limits.processes) == (False, 32, 40)


@pytest.mark.parametrize("fork", [False, True])
def test_everything_in_a_sandbox_dies_with_a_killed_grader(tmp_path, fork):
    """If the grader is SIGKILLed mid-cell, do the student process and what it started
    (a detached sleeper) end within seconds, leaving no process of the sandbox's uid?"""
    if not sandbox.PRIVILEGED:
        pytest.skip("only as root does the sandbox have a uid of its own to look for")
    grader = (
        "import sys, threading\n"
        "from autograder_instructor.grading.process import StudentProcess\n"
        "from autograder_instructor.grading.limits import Limits\n"
        f"p = StudentProcess({str(tmp_path / 'work')!r}, Limits(sandbox=True, fork={fork}))\n"
        "r = p.exec_cell('import os, ctypes\\nlibc = ctypes.CDLL(None)\\n"
        "if libc.fork() == 0:\\n    libc.setsid()\\n    libc.sleep(300)\\nprint(os.getuid())', 20)\n"
        "print(r['stdout'].strip(), flush=True)\n"
        "threading.Event().wait(300)\n")
    proc = subprocess.Popen([sys.executable, "-c", grader], stdout=subprocess.PIPE, text=True)
    uid = int(proc.stdout.readline())
    assert uid != os.getuid()

    def alive():
        return [p for p in os.listdir("/proc") if p.isdigit() and _uid(p) == uid]

    assert alive(), "the sandbox's processes should be running"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 15
    while alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(), "processes of the sandbox outlived the grader"


def _uid(pid):
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None
