"""Namespace games and things shared between classmates, with and without the sandbox.

As in tests/test_grading_sandbox.py, each attack runs three ways: without the sandbox
(it must succeed, so the attack stays meaningful), in one bubblewrap sandbox per process,
and forked by the sandboxed zygote into namespaces of its own (it must fail both ways).
"""
import json
import uuid
from pathlib import Path

import pytest

from autograder_instructor.grading.limits import Limits
from autograder_instructor.grading.process import StudentProcess

from .test_grading_sandbox import MODES, run

# Every namespace an unprivileged process could ask for, then a user + mount namespace of
# its own with a tmpfs in it (memory outside --disk and --memory), then the new mount API.
NAMESPACES = (
    "import ctypes, json, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
    "flags = {'net': 0x40000000, 'ipc': 0x08000000, 'uts': 0x04000000, 'pid': 0x20000000,\n"
    "         'cgroup': 0x02000000, 'mount': 0x00020000}\n"
    "out = {}\n"
    "for name, flag in flags.items():\n"
    "    pid = libc.fork()\n"
    "    if pid == 0:\n"
    "        libc._exit(0 if libc.unshare(flag) == 0 else 1)\n"
    "    out[name] = os.waitpid(pid, 0)[1] == 0\n"
    "fd = libc.syscall(430, b'tmpfs', 0)  # fsopen: the same number on every architecture\n"
    "out['fsopen'] = fd >= 0\n"
    "def put(path, text):\n"
    "    fd = libc.open(path, 1)\n"
    "    return fd >= 0 and libc.write(fd, text, len(text)) == len(text)\n"
    "uid, gid = os.getuid(), os.getgid()\nos.mkdir('hoard')\n"
    "pid = libc.fork()  # a single-threaded process: unshare(CLONE_NEWUSER) wants one\n"
    "if pid == 0:\n"
    "    if libc.unshare(0x10000000 | 0x00020000) != 0:\n"
    "        libc._exit(0)\n"
    "    put(b'/proc/self/setgroups', b'deny')\n"
    "    put(b'/proc/self/uid_map', f'0 {uid} 1'.encode())\n"
    "    put(b'/proc/self/gid_map', f'0 {gid} 1'.encode())\n"
    "    libc._exit(1 + (libc.mount(b'none', b'hoard', b'tmpfs', 0, b'size=64m') == 0))\n"
    "code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])\n"
    "out['user'], out['tmpfs'] = code >= 1, code == 2\n"
    "print(json.dumps(out))\n")


@pytest.mark.parametrize("sandboxed", MODES)
def test_no_namespace_and_no_mount_inside_the_sandbox(tmp_path, sandboxed):
    """Can a student make a user namespace and mount a tmpfs in it (memory no limit counts),
    or make a network, IPC, UTS, PID, cgroup or mount namespace, or open a filesystem
    with fsopen? Without the sandbox (the grader's root) every one works; inside it none."""
    got = run([NAMESPACES], sandboxed, tmp_path)
    assert got == dict.fromkeys(("net", "ipc", "uts", "pid", "cgroup", "mount", "fsopen",
                                 "user", "tmpfs"), not sandboxed)


# One student (the victim) makes a pty, a FIFO, a listening unix socket and a POSIX
# shared-memory object holding a secret, through libc (the audit hook is not the fence
# here); another, graded at the same time, tries to open each.
VICTIM = (
    "import ctypes, os, socket\nlibc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.ptsname.restype = ctypes.c_char_p\n"
    "master = libc.posix_openpt(2 | 0o400)\nlibc.grantpt(master); libc.unlockpt(master)\n"
    "pty = libc.ptsname(master).decode()\n"
    "libc.mkfifo(b'/dev/shm/{tag}-fifo', 0o666)\n"
    "listener = socket.socket(socket.AF_UNIX)\nlistener.bind('/dev/shm/{tag}-sock')\nlistener.listen()\n"
    "shm = libc.shm_open(b'/{tag}-shm', 0o102, 0o666)\n"
    "libc.write(shm, b'{secret}', {size})\n"
    "print(pty)\n")
ATTACKER = (
    "import ctypes, json, socket\nlibc = ctypes.CDLL(None, use_errno=True)\nout = {{}}\n"
    "out['pty'] = libc.open({pty!r}.encode(), 2 | 0o400) >= 0\n"
    "out['fifo'] = libc.open(b'/dev/shm/{tag}-fifo', 0o4000) >= 0\n"
    "try:\n    socket.socket(socket.AF_UNIX).connect('/dev/shm/{tag}-sock'); out['socket'] = True\n"
    "except OSError:\n    out['socket'] = False\n"
    "fd = libc.shm_open(b'/{tag}-shm', 0, 0)\nbuf = ctypes.create_string_buffer(64)\n"
    "out['shm'] = fd >= 0 and libc.read(fd, buf, 64) > 0 and buf.value == b'{secret}'\n"
    "print(json.dumps(out))\n")


@pytest.mark.parametrize("sandboxed", MODES)
def test_nothing_made_by_one_student_opens_for_another(tmp_path, sandboxed):
    """A pty, a FIFO, a unix socket and a shared-memory object made by one student: can a
    classmate graded at the same time open them? Without the sandbox (one /dev, one uid)
    all four; inside it none (each student has its own devpts and /dev/shm)."""
    tag, secret = f"rnn-{uuid.uuid4().hex[:8]}", "classmate-secret"
    limits = Limits(sandbox=bool(sandboxed), cgroups=bool(sandboxed), cell_timeout=20,
                    fork=sandboxed == "zygote")
    victim = StudentProcess(tmp_path / "victim", limits)
    attacker = StudentProcess(tmp_path / "attacker", limits)
    try:
        reply = victim.exec_cell(VICTIM.format(tag=tag, secret=secret, size=len(secret)), 20)
        assert not reply["error"], reply["error"]
        pty = reply["stdout"].split()[-1]
        assert pty.startswith("/dev/pts/")
        reply = attacker.exec_cell(ATTACKER.format(tag=tag, secret=secret, pty=pty), 20)
        assert not reply["error"], reply["error"]
        got = json.loads(reply["stdout"].strip().splitlines()[-1])
        assert got == dict.fromkeys(("pty", "fifo", "socket", "shm"), not sandboxed)
    finally:
        victim.close()
        attacker.close()
        for name in ("fifo", "sock", "shm"):  # made in the machine's /dev/shm without the sandbox
            Path(f"/dev/shm/{tag}-{name}").unlink(missing_ok=True)


LISTS = ("import json, os\nprint(json.dumps(sorted(int(p) for p in os.listdir('/proc') "
         "if p.isdigit())))\n")


@pytest.mark.parametrize("sandboxed", MODES)
def test_a_classmate_is_not_in_proc(tmp_path, sandboxed):
    """Does /proc list a classmate graded at the same time? Without the sandbox it lists
    the classmate's process; inside it only the student's own PID namespace (PID 1 and
    itself: a forked student mounts a /proc of its own namespace)."""
    limits = Limits(sandbox=bool(sandboxed), cgroups=bool(sandboxed), cell_timeout=20,
                    fork=sandboxed == "zygote")
    classmate = StudentProcess(tmp_path / "classmate", limits)
    student = StudentProcess(tmp_path / "student", limits)
    try:
        reply = student.exec_cell(LISTS, 20)
        assert not reply["error"], reply["error"]
        pids = json.loads(reply["stdout"].strip().splitlines()[-1])
        if sandboxed:
            assert pids == [1, 2], pids
        else:
            assert classmate.proc.pid in pids
    finally:
        classmate.close()
        student.close()
