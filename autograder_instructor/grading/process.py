"""The parent's handle on one student process: start it, send a cell or a probe, time it out.

A student process is a fresh ``python -I`` running :mod:`autograder_instructor.grading.kernel`
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

from autograder import probes

from .. import layout
from . import budget, sandbox, wire
from .replies import decode, unpack

KERNEL = Path(__file__).with_name("kernel.py")
# Every probe module, dependencies first (the kernel makes them into a package of its own).
PROBE_SOURCES = [[m.__name__.rsplit(".", 1)[-1], Path(m.__file__).read_text()]
                 for m in (*probes.PARTS, probes)]
PROBE_HASH = hashlib.sha256(json.dumps(PROBE_SOURCES).encode()).hexdigest()[:16]


class ProcessDied(Exception):
    """The student process exited, was killed, or sent garbage."""


class TimedOut(Exception):
    """A request ran past its time limit; the process has been killed."""


class GraderFault(Exception):
    """The launcher failed, not the student: the sandbox or the zygote could not start a
    process. The caller re-runs the student elsewhere or later; never the student's fault."""


def child_env(threads=1, tmpdir=None):
    """A small environment: one BLAS thread, grading flag set, no inherited Python config."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "USER")}
    threads = str(threads)
    env.update(OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads,
               NUMEXPR_NUM_THREADS=threads, VECLIB_MAXIMUM_THREADS=threads,
               NBGRADER_EXECUTION="autograde", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2",
               TF_ENABLE_ONEDNN_OPTS="0", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1",
               # glibc reserves 64 MB of address space per thread arena: under RLIMIT_AS a
               # few threads would exhaust --memory without using it.
               MALLOC_ARENA_MAX="2")
    if tmpdir:
        env["TMPDIR"] = str(tmpdir)
    # Read matplotlib's existing font cache instead of rebuilding it in every process.
    mpl = os.environ.get("MPLCONFIGDIR") or os.path.expanduser("~/.cache/matplotlib")
    if os.path.isdir(mpl):
        env["MPLCONFIGDIR"] = mpl
    return env


def deny_list(extra=()):
    """What a student process may not read (the audit hook's list): the whole checkout
    but the virtualenv in it, and ``extra``; :func:`allow_list` names the exceptions."""
    prefixes = [Path(p).resolve() for p in (sys.prefix, sys.base_prefix)]
    top = [p for p in layout.CHECKOUT.iterdir()
           if not any(q == p or p in q.parents for q in prefixes)]
    return [str(p) for p in top] + [str(p) for p in extra]


def allow_list(blocks=None):
    """Exceptions to the deny list: the files :func:`layout.student_files` names (public
    modules, visible cases, earlier blocks) and the student process's own runner, here
    and where the sandbox mounts it (its frames' lines are read for tracebacks)."""
    files = layout.student_files(layout.CHECKOUT, blocks or ())
    cached = [p.parent / "__pycache__" / f"{p.stem}.{sys.implementation.cache_tag}.pyc"
              for p in files if p.suffix == ".py"]  # what the import system tries first
    runner = [str(KERNEL.with_name(name)) for name in sandbox.RUNNER]
    runner += [f"{sandbox.RUNNER_DIR}/{name}" for name in sandbox.RUNNER]
    return [str(p) for p in files + cached] + runner


class Spawned:
    """A student process started directly (``python -I kernel.py``), in a sandbox if asked."""

    def __init__(self, config, env, fds, cwd, isolated=None):
        import tempfile
        self.errors = tempfile.TemporaryFile()  # bwrap's own complaints, if it fails to start
        if isolated is not None:
            limits, blocks = isolated
            argv = [sys.executable, "-I", sandbox.KERNEL, json.dumps(config)]
            self.popen = sandbox.popen(argv, cwd, limits, blocks, env, fds, self.errors)
        else:
            self.popen = subprocess.Popen(
                [sys.executable, "-I", str(KERNEL), json.dumps(config)], cwd=cwd, env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.errors,
                pass_fds=fds, start_new_session=True)
        self.pid = self.popen.pid

    def startup_errors(self):
        self.errors.seek(0)
        return self.errors.read(2000).decode(errors="replace").strip()

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

    def kill(self):
        self.zygote.kill(self.pid)


class Zygote:
    """A clean process with NumPy and matplotlib loaded that forks student processes.

    Forking it costs a few milliseconds instead of starting Python and importing
    NumPy and matplotlib for every notebook. It is started from nothing (never
    forked from the grader, so it holds no expected value), runs no student code,
    and each forked child applies its own limits and guard before running any.

    Under the sandbox there is one zygote per set of earlier blocks (their files are
    its view), itself in a bubblewrap sandbox, and each child it forks enters new
    namespaces of its own before any student code (:mod:`.nested`).
    """

    _instances, _guard = {}, threading.Lock()

    def __init__(self, blocks=None, limits=None):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.nested = bool(limits and limits.sandbox)
        config = {"zygote": True, "sock": theirs.fileno(), "nested": self.nested}
        if self.nested:
            import tempfile
            self._empty = tempfile.TemporaryDirectory(prefix="rnn-zygote-")
            argv = [sys.executable, "-I", sandbox.KERNEL, json.dumps(config)]
            small = type(limits)(**dict(limits.as_dict(), disk_mb=16))  # the zygote's own /tmp
            self.popen = sandbox.popen(argv, self._empty.name, small, blocks, child_env(),
                                       (theirs.fileno(),), subprocess.DEVNULL, zygote=True)
        else:
            self.popen = subprocess.Popen(
                [sys.executable, "-I", str(KERNEL), json.dumps(config)],
                env=child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), start_new_session=True)
        theirs.close()
        self.sock, self.lock = ours, threading.Lock()
        self.sock.settimeout(60)
        try:
            ready = json.loads(self.sock.recv(1 << 16) or b"{}").get("ready")
        except (OSError, ValueError):
            ready = False
        if self.nested:  # only its start read this empty folder; removed now, not at exit
            self._empty.cleanup()  # (where it printed a ResourceWarning after the run)
        if not ready:
            self.popen.kill()
            raise GraderFault("the zygote did not start") if self.nested else ProcessDied(
                "the zygote did not start")

    @classmethod
    def get(cls, blocks=None, limits=None):
        """The zygote for ``blocks`` (started on first use, restarted if it died)."""
        key = (bool(limits and limits.sandbox), tuple(blocks or ()))
        with cls._guard:
            zygote = cls._instances.get(key)
            if zygote is None or zygote.popen.poll() is not None:
                zygote = cls._instances[key] = Zygote(blocks, limits)
            return zygote

    @classmethod
    def retire(cls, zygote):
        """Stop handing out ``zygote`` (its children cannot start): the next get() starts a new
        one. It exits when the processes still using it are done and its socket is collected."""
        with cls._guard:
            for key, running in list(cls._instances.items()):
                if running is zygote:
                    del cls._instances[key]

    @classmethod
    def shutdown(cls):
        """Stop the zygotes: each exits when its socket closes (registered with atexit)."""
        with cls._guard:
            zygotes, cls._instances = list(cls._instances.values()), {}
        for zygote in zygotes:
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
        reply = self._ask({"op": "fork", "config": config}, fds)
        if reply.get("error"):
            raise GraderFault(f"the sandboxed zygote could not isolate a student: {reply['error']}")
        return reply["pid"]

    def wait(self, pid, timeout):
        return self._ask({"op": "wait", "pid": pid, "timeout": max(0.0, timeout)})["code"]

    def kill(self, pid):
        self._ask({"op": "kill", "pid": pid})


atexit.register(Zygote.shutdown)


class StudentProcess:
    """One running student process."""

    def __init__(self, workdir, limits, deny=(), env=None, blocks=None):
        self.workdir, self.limits, self.seq = Path(workdir), limits, 0
        self.workdir.mkdir(parents=True, exist_ok=True)
        isolated = limits.sandbox
        if isolated and sandbox.probe():
            raise GraderFault(f"no sandbox on this machine: {sandbox.probe()}")
        # Its cgroups, made before it starts and joined by its first process (budget.py).
        self.budget = None
        if limits.cgroups:
            try:
                self.budget = budget.Budget(limits.memory_mb + limits.disk_mb, limits.processes)
            except (OSError, budget.Unavailable) as exc:
                raise GraderFault(f"the student's cgroups could not be made: {exc}") from None
        cgroups = tuple(self.budget.fds) if self.budget else ()
        cmd_r, self._cmd_w = os.pipe()
        self._res_r, res_w = os.pipe()
        config = {"workdir": sandbox.INSIDE if isolated else str(self.workdir),
                  "fds": [cmd_r, res_w], "memory_mb": limits.memory_mb, "file_mb": limits.file_mb,
                  "cpu_seconds": limits.notebook_timeout, "output_cap": limits.output_cap,
                  "processes": limits.processes if isolated else None,
                  "deny_read": deny_list(deny), "allow_read": allow_list(blocks),
                  "deny_import": list(layout.instructor_modules()), "blocks": blocks,
                  "preload": isolated}
        self.started = time.monotonic()
        self.proc = None
        if limits.fork and env is None and isolated:
            files = [p for p in sorted(self.workdir.rglob("*")) if p.is_file() and not p.is_symlink()]
            config.update(files=[str(p.relative_to(self.workdir)) for p in files],
                          tmp_bytes=limits.disk_mb * 2 ** 20, preload=False, cgroups=len(cgroups))
            opened = [os.open(p, os.O_RDONLY) for p in files]
            try:
                self.proc = Forked(Zygote.get(blocks, limits), config,
                                   (cmd_r, res_w, *cgroups, *opened))
            except (OSError, ValueError, ProcessDied, GraderFault):
                self.proc = None  # no sandboxed zygote: one bwrap sandbox for this process
            finally:
                for fd in opened:
                    os.close(fd)
        elif limits.fork and env is None:
            try:
                self.proc = Forked(Zygote.get(), config, (cmd_r, res_w, *cgroups))
            except (OSError, ValueError, ProcessDied):
                self.proc = None  # no zygote here: start a fresh interpreter instead
        try:
            if self.proc is None:
                base = env or child_env(tmpdir=self.workdir)
                # As root, bwrap makes no user namespace (see sandbox._user_args): the process
                # makes its own and bans any below it (nested.py), as a forked student does.
                config.update(cgroup_fds=list(cgroups), confine=isolated and sandbox.PRIVILEGED)
                self.proc = Spawned(config, base, (cmd_r, res_w, *cgroups), self.workdir,
                                    (limits, blocks) if isolated else None)
        except OSError as exc:
            self._close_budget()
            raise GraderFault(f"the student process could not be started: {exc}")
        finally:
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
            errors = self.proc.startup_errors() if isinstance(self.proc, Spawned) else ""
            self.close()
            if errors.startswith("bwrap:"):  # the sandbox failed, not the student's code
                raise GraderFault(f"the sandbox did not start: {errors[:500]}") from None
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
            wire.write_all(self._cmd_w, wire.pack(header, arrays))
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
        reply, out = self.request({"op": "probe", "probe_sources": PROBE_SOURCES,
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
        cap = self.limits.max_reply_mb * 2 ** 20
        try:
            return wire.receive(lambda n: self._read(n, deadline), cap, lambda data: unpack(data, cap))
        except wire.TooLarge as exc:
            self.kill()
            raise ProcessDied(f"the student process sent {exc.size} bytes of outputs")
        except wire.Malformed:
            self.kill()
            raise ProcessDied("the student process sent a malformed message")
        except (ValueError, TypeError, OSError) as exc:  # bad JSON, pickled or broken npz
            self.kill()
            raise ProcessDied(f"the student process sent a malformed message ({exc})")

    def _death(self):
        code = self.proc.wait(2)
        if code is None:
            self.kill()
            return "the student process stopped answering"
        if self.limits.sandbox and 128 < code < 128 + 65:
            code = 128 - code  # bwrap reports a child killed by signal N as exit 128 + N
        if code < 0:
            name = signal.Signals(-code).name
            if name == "SIGKILL" and self.budget and self.budget.oom_kills():
                return ("the student process was killed: its processes held more memory than "
                        f"its budget ({self.limits.memory_mb + self.limits.disk_mb} MB: --memory "
                        "+ --disk, memfd, /dev/shm and files included)")
            why = {"SIGKILL": " (killed: out of memory, or by a limit)",
                   "SIGSEGV": " (a segmentation fault)", "SIGABRT": " (aborted)"}.get(name, "")
            return f"the student process died with signal {name}{why}"
        return f"the student process exited with code {code} (os._exit or exit() in the notebook?)"

    def kill(self):
        try:
            if isinstance(self.proc, Forked) and self.proc.zygote.nested:
                self.proc.kill()  # its pid is the sandboxed zygote's, not ours
            else:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group of a process we started
        except (ProcessLookupError, PermissionError, OSError):
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
        if isinstance(self.proc, Spawned):
            self.proc.errors.close()
        self._close_budget()

    def _close_budget(self):
        """Kill whatever of the student is left in its cgroups, and remove them."""
        if self.budget:
            self.budget.close()

