"""The zygote: a clean, pre-warmed parent that forks one student process per notebook.

It is started from nothing (``kernel.py`` with ``"zygote": true``, never forked
from the grader, so it holds no expected value), imports NumPy and matplotlib
once, and then only forks; it never runs student code. Each child it forks runs
the kernel's ``serve``, which applies its own limits and guard before any student
code. In the sandboxed zygote each child first enters namespaces of its own
(``nested.py``). This file is loaded by path (see ``kernel.py``).
"""
import json
import os
import sys


def zygote(config, serve, nested=None):
    """Answer the grader's requests until it goes away; ``serve(config)`` runs a student
    process, ``nested`` is ``nested.py`` (its namespaces for a zygote in the sandbox, and
    its cgroups for every child: fds after the two pipes). Requests come on
    a SEQPACKET socket:
    ``fork`` (with the new process's two pipe ends attached) answers its pid;
    ``wait`` answers a child's exit code (None while it runs).
    """
    import socket
    import time
    sock = socket.socket(fileno=config["sock"])
    sys.dont_write_bytecode = True
    try:  # non-dumpable: a student forked from here cannot read the zygote's memory
        import ctypes
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass
    try:
        import numpy  # noqa: F401
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401
    except Exception:
        pass
    sock.send(json.dumps({"ready": True}).encode())
    finished, pid1 = {}, {}  # exit codes; a nested child -> the PID 1 of its namespace
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, 1 << 20, 256)
        except OSError:
            break
        if not data:
            break  # the grader went away
        request = json.loads(data)
        if request["op"] == "fork" and config.get("nested"):
            pid, inner = _fork_nested(sock, request["config"], fds, serve, nested)
            pid1[pid] = inner
            sock.send(json.dumps({"pid": pid} if isinstance(inner, int) else
                                 {"pid": pid, "error": inner}).encode())
        elif request["op"] == "kill":
            for target in (pid1.get(request["pid"]), request["pid"]):
                try:
                    if isinstance(target, int):
                        os.kill(target, 9)
                except OSError:
                    pass
            sock.send(b"{}")
        elif request["op"] == "fork":
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    sock.close()
                    nested.join_cgroups(fds[2:])  # the student's cgroups, before anything else
                    os.setsid()
                    os.environ["TMPDIR"] = request["config"]["workdir"]
                    import tempfile
                    tempfile.tempdir = None
                    serve(dict(request["config"], fds=fds[:2]))
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"pid": pid}).encode())
        elif request["op"] == "wait":
            deadline = time.monotonic() + request.get("timeout", 0)
            pid, code = request["pid"], None
            while True:
                try:
                    while True:
                        done, status = os.waitpid(-1, os.WNOHANG)
                        if not done:
                            break
                        finished[done] = os.waitstatus_to_exitcode(status)
                except ChildProcessError:
                    pass
                code = finished.get(pid)
                if code is not None or time.monotonic() >= deadline:
                    break
                time.sleep(0.01)
            sock.send(json.dumps({"code": code}).encode())


def _fork_nested(sock, config, fds, serve, nested):
    """Fork a student into namespaces of its own (``nested``); (child pid, PID-1 pid or error).

    zygote -> child (enters the namespaces, then waits) -> PID 1 of the new PID
    namespace (waits too: the kernel ignores a signal the student sends it) -> the
    student process. Killing PID 1 from the zygote ends everything in there.
    """
    import select
    report_r, report_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 71
        try:
            sock.close()
            os.close(report_r)
            os.setsid()
            cgroups = fds[2:2 + config.get("cgroups", 0)]
            files = dict(zip(config["files"], fds[2 + len(cgroups):]))
            nested.enter(config["tmp_bytes"], config["workdir"], files, cgroups)
            inner = os.fork()
            if inner == 0:  # PID 1 of the student's namespace
                os.close(report_w)
                try:
                    nested.private_proc()  # its /proc shows this namespace alone
                except OSError:
                    pass  # the zygote's /proc: classmates listed, their memory still closed
                nested.lock_down()
                student = os.fork()
                if student == 0:
                    nested.lock_down()
                    os.environ["TMPDIR"] = os.path.dirname(config["workdir"].rstrip("/"))
                    import tempfile
                    tempfile.tempdir = None
                    try:
                        serve(dict(config, fds=fds[:2]))
                    finally:
                        os._exit(0)
                for fd in fds[:2]:  # the files' fds were closed by enter()
                    os.close(fd)
                _, status = os.waitpid(student, 0)
                os._exit(_status_code(status))
            for fd in fds[:2]:
                os.close(fd)
            os.write(report_w, str(inner).encode())
            os.close(report_w)
            _, status = os.waitpid(inner, 0)
            code = _status_code(status)
        except BaseException as exc:
            try:
                os.write(report_w, f"{type(exc).__name__}: {exc}"[:500].encode())
            except OSError:
                pass
        finally:
            os._exit(code)
    os.close(report_w)
    for fd in fds:
        os.close(fd)
    ready, _, _ = select.select([report_r], [], [], 30)
    text = os.read(report_r, 600).decode(errors="replace") if ready else "no answer in 30 s"
    os.close(report_r)
    return pid, int(text) if text.isdigit() else (text or "the child exited")


def _status_code(status):
    """A wait status as one exit code: 128 + N for a death by signal N (as bwrap reports)."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code
