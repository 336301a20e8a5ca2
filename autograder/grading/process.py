"""The parent's handle on one student process: start it, send a cell or a probe, time it out.

A student process is a fresh ``python -I`` running :mod:`autograder.grading.kernel`
(no Jupyter kernel: no ZeroMQ, no IPython unless a cell uses a magic). It starts
in about 0.1 s. Every request waits at most the per-cell limit and never past the
notebook's deadline; a process that overruns is killed with its whole process
group, and the caller decides whether to start a fresh one.
"""
import atexit
import hashlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from .. import probes
from . import kernel
from .replies import decode, unpack

KERNEL = Path(kernel.__file__)
PROBE_SOURCE = Path(probes.__file__).read_text()
PROBE_HASH = hashlib.sha256(PROBE_SOURCE.encode()).hexdigest()[:16]
ROOT = Path(__file__).resolve().parents[2]


class ProcessDied(Exception):
    """The student process exited, was killed, or sent garbage."""


class TimedOut(Exception):
    """A request ran past its time limit; the process has been killed."""


class GraderFault(Exception):
    """The grader's side failed (the zygote died, a process could not start): never the
    student's fault; the caller grades the submission again."""


def child_env(threads=1, tmpdir=None):
    """A small environment: one BLAS thread, grading flag set, no inherited Python config."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "USER")}
    threads = str(threads)
    env.update(OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads,
               NUMEXPR_NUM_THREADS=threads, VECLIB_MAXIMUM_THREADS=threads,
               NBGRADER_EXECUTION="autograde", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2",
               TF_ENABLE_ONEDNN_OPTS="0", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    if tmpdir:
        env["TMPDIR"] = str(tmpdir)
    # Read matplotlib's existing font cache instead of rebuilding it in every process.
    mpl = os.environ.get("MPLCONFIGDIR") or os.path.expanduser("~/.cache/matplotlib")
    if os.path.isdir(mpl):
        env["MPLCONFIGDIR"] = mpl
    return env


def deny_list(extra=()):
    """What a student process may not read: the course's instructor side, and ``extra``."""
    auto = ROOT / "autograder"
    return ([str(ROOT / "solutions"), str(ROOT / "course"), str(ROOT / "tests"), str(ROOT / ".git"),
             str(auto / "suites"), str(auto / "mutants"), str(auto / "keras_golden"),
             str(auto / "grading"), str(auto / "hidden.py"), str(auto / "data")]
            + [str(p) for p in extra])


def earlier_blocks(assignment):
    """Solution modules of the assignments before ``assignment`` (its own excluded).

    The student process's ``autograder.blocks`` is limited to these, as a student's
    bundle holds only the blocks released after the earlier deadlines.
    """
    from ..suites import modules
    own = set(modules()[assignment].SOLUTIONS)
    return sorted({name for a, m in modules().items() if a < assignment
                   for name in m.SOLUTIONS} - own)


def allow_list():
    """Exceptions to the deny list: the visible cases students are given anyway, and the
    student process's own runner (a traceback through it reads its lines; it holds no answer)."""
    return [str(p) for p in (ROOT / "autograder" / "data").glob("visible_*.json")] + [str(KERNEL)]


class Spawned:
    """A student process started directly (``python -I kernel.py``)."""

    def __init__(self, config, env, fds, cwd):
        self.popen = subprocess.Popen(
            [sys.executable, "-I", str(KERNEL), json.dumps(config)], cwd=cwd, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=fds, start_new_session=True)
        self.pid = self.popen.pid

    def poll(self):
        return self.popen.poll()

    def wait(self, timeout):
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None


class Forked:
    """A student process forked by the :class:`Zygote`."""

    def __init__(self, zygote, config, fds):
        self.zygote = zygote
        self.pid = zygote.fork(config, fds)

    def poll(self):
        return self.wait(0)

    def wait(self, timeout):
        try:
            return self.zygote.wait(self.pid, timeout)
        except (OSError, ValueError, KeyError) as exc:  # its students die with it
            raise GraderFault(f"the zygote stopped answering ({type(exc).__name__})") from None


class Zygote:
    """A clean process with NumPy and matplotlib loaded that forks student processes.

    Forking it costs a few milliseconds instead of starting Python and importing
    NumPy and matplotlib for every notebook. It is started from nothing (never
    forked from the grader, so it holds no expected value), runs no student code,
    and each forked child applies its own limits and guard before running any.
    """

    _instance, _guard = None, threading.Lock()

    def __init__(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.popen = subprocess.Popen(
            [sys.executable, "-I", str(KERNEL), json.dumps({"zygote": True, "sock": theirs.fileno()})],
            env=child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), start_new_session=True)
        theirs.close()
        self.sock, self.lock = ours, threading.Lock()
        self.sock.settimeout(60)
        if not json.loads(self.sock.recv(1 << 16)).get("ready"):
            raise ProcessDied("the zygote did not start")

    @classmethod
    def get(cls):
        """The process-wide zygote (started on first use, restarted if it died)."""
        with cls._guard:
            if cls._instance is None or cls._instance.popen.poll() is not None:
                cls._instance = Zygote()
            return cls._instance

    @classmethod
    def retire(cls, zygote):
        """Stop handing out ``zygote`` (its children cannot start): the next get() starts a new
        one. It exits when the processes still using it are done and its socket is collected."""
        with cls._guard:
            if cls._instance is zygote:
                cls._instance = None

    @classmethod
    def shutdown(cls):
        """Stop the zygote: it exits when its socket closes (registered with atexit)."""
        with cls._guard:
            zygote, cls._instance = cls._instance, None
        if zygote is not None:
            zygote.sock.close()
            try:
                zygote.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                zygote.popen.kill()
                zygote.popen.wait()

    def _ask(self, request, fds=()):
        with self.lock:
            socket.send_fds(self.sock, [json.dumps(request).encode()], list(fds))
            return json.loads(self.sock.recv(1 << 16))

    def fork(self, config, fds):
        return self._ask({"op": "fork", "config": config}, fds)["pid"]

    def wait(self, pid, timeout):
        return self._ask({"op": "wait", "pid": pid, "timeout": max(0.0, timeout)})["code"]


atexit.register(Zygote.shutdown)


class StudentProcess:
    """One running student process."""

    def __init__(self, workdir, limits, deny=(), env=None, blocks=None):
        self.workdir, self.limits, self.seq = Path(workdir), limits, 0
        self.workdir.mkdir(parents=True, exist_ok=True)
        cmd_r, self._cmd_w = os.pipe()
        self._res_r, res_w = os.pipe()
        config = {"workdir": str(self.workdir), "fds": [cmd_r, res_w],
                  "memory_mb": limits.memory_mb, "file_mb": limits.file_mb,
                  "cpu_seconds": limits.notebook_timeout,
                  "output_cap": limits.output_cap, "deny_read": deny_list(deny),
                  "allow_read": allow_list(), "blocks": blocks}
        self.started = time.monotonic()
        self.proc = None
        if limits.fork and env is None:
            try:
                self.proc = Forked(Zygote.get(), config, (cmd_r, res_w))
            except (OSError, ValueError, ProcessDied):
                self.proc = None  # no zygote here: start a fresh interpreter instead
        if self.proc is None:
            self.proc = Spawned(config, env or child_env(tmpdir=self.workdir), (cmd_r, res_w),
                                self.workdir)
        os.close(cmd_r)
        os.close(res_w)
        self._buffer = b""
        self._wait_ready(limits.start_timeout)

    # -- requests
    def _wait_ready(self, timeout):
        # No student code has run yet: failing here is the grader's fault, not the student's.
        try:
            header, _ = self._receive(time.monotonic() + timeout)
        except (ProcessDied, TimedOut) as exc:
            self.close()
            if isinstance(self.proc, Forked):
                Zygote.retire(self.proc.zygote)  # damaged (e.g. prlimit-ed): never fork from it again
            why = str(exc).split(" (")[0] or "timed out"  # its hints are for a student's code
            raise GraderFault(f"a student process could not start ({why})") from None
        if not header.get("ready"):
            self.close()
            raise GraderFault("a student process did not start")

    def request(self, header, arrays=None, timeout=None):
        """Send one request and wait for its reply (at most ``timeout`` seconds)."""
        self.seq += 1
        header = dict(header, seq=self.seq)
        try:
            kernel._write_all(self._cmd_w, kernel.pack(header, arrays))
        except (BrokenPipeError, OSError):
            raise ProcessDied(self._death())
        reply, out = self._receive(time.monotonic() + timeout)
        if reply.get("seq") != self.seq:
            raise ProcessDied("the student process answered out of turn")
        return reply, out

    def exec_cell(self, source, timeout, name=None):
        """Run one cell; ``name`` (``<cell 7>``) is its file name in tracebacks."""
        header = {"op": "exec", "source": source}
        if name:
            header["name"] = name
        return self.request(header, timeout=timeout)[0]

    def probe(self, cases, timeout):
        """Run cases (``autograder.cases.Case``) next to the student's code; plain outputs back."""
        arrays, specs = {}, []
        for i, case in enumerate(cases):
            specs.append({"probe": case.probe, "spec": case.spec})
            arrays.update({f"c{i}/{k}": v for k, v in case.arrays.items()})
        reply, out = self.request({"op": "probe", "probe_source": PROBE_SOURCE,
                                   "probe_hash": PROBE_HASH, "cases": specs}, arrays, timeout)
        if "failure" in reply:
            return reply, None
        outputs = []
        for flat in reply.get("outputs", [])[:len(cases)]:
            outputs.append(decode(flat, out))
        return reply, outputs

    # -- reading with a deadline
    def _read(self, n, deadline):
        while len(self._buffer) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise TimedOut()
            ready, _, _ = select.select([self._res_r], [], [], min(left, 1.0))
            if not ready:
                if self.proc.poll() is not None:
                    raise ProcessDied(self._death())
                continue
            chunk = os.read(self._res_r, 1 << 20)
            if not chunk:
                raise ProcessDied(self._death())
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def _receive(self, deadline):
        import struct
        (n,) = struct.unpack(">I", self._read(4, deadline))
        if n > kernel.MAX_MESSAGE:
            self.kill()
            raise ProcessDied("the student process sent a malformed message")
        try:
            header = json.loads(self._read(n, deadline))
            arrays = {}
            if header.get("npz"):
                size = int(header["npz"])
                if not 0 < size <= self.limits.max_reply_mb * 2 ** 20:
                    self.kill()
                    raise ProcessDied(f"the student process sent {size} bytes of outputs")
                arrays = unpack(self._read(size, deadline), self.limits.max_reply_mb * 2 ** 20)
        except (ValueError, TypeError, OSError) as exc:  # bad JSON, pickled or broken npz
            self.kill()
            raise ProcessDied(f"the student process sent a malformed message ({exc})")
        if not isinstance(header, dict):
            self.kill()
            raise ProcessDied("the student process sent a malformed message")
        return header, arrays

    def _death(self):
        code = self.proc.wait(2)
        if code is None:
            self.kill()
            return "the student process stopped answering"
        if code < 0:
            name = signal.Signals(-code).name
            why = {"SIGKILL": " (killed: out of memory, or by a limit)",
                   "SIGSEGV": " (a segmentation fault)", "SIGABRT": " (aborted)"}.get(name, "")
            return f"the student process died with signal {name}{why}"
        return f"the student process exited with code {code} (os._exit or exit() in the notebook?)"

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group of a process we started
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(5)
        except GraderFault:
            pass  # the zygote is gone; whoever inherits the killed child reaps it

    def close(self):
        self.kill()  # nothing of a student process is worth a graceful exit
        for fd in (self._cmd_w, self._res_r):
            try:
                os.close(fd)
            except OSError:
                pass

