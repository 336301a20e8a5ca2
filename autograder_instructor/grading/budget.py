"""One budget per student, enforced by the kernel: a memory and a pids cgroup.

``RLIMIT_AS`` and ``RLIMIT_NPROC`` count one process (or one uid) at a time, and
neither sees memory that is not mapped (``memfd_create``, ``/dev/shm``, tmpfs
pages). A cgroup counts all of it: every page a student's processes fault in,
anonymous or shared, file or tmpfs, is charged to the memory cgroup of the process
that touched it, and the pids cgroup counts every process and thread. So each
student process gets, before any student code runs:

- a memory cgroup limited to ``--memory`` + ``--disk`` MB (``--disk`` is held in RAM,
  in its tmpfs, so it is part of what the student may hold): past it the kernel
  reclaims, then kills a process of that student only;
- a pids cgroup limited to ``--processes`` (plus the few processes of the grader's
  own runner in it).

The grader (root) makes the cgroups and opens their ``cgroup.procs`` for writing; the
student's first process writes ``0`` into them itself (``nested.join_cgroups``), which
the kernel allows because it checks the rights of whoever opened the file. That is
what lets a process forked by the zygote, inside bubblewrap, in a PID namespace the
grader cannot name, join a cgroup without the cgroup filesystem in its view. When the
process ends, :meth:`Budget.close` kills whatever is left in the cgroup and removes it.

Why no tool or library: ``systemd-run --scope`` needs systemd as PID 1 (not in a
container, nor on this project's CI) and, like ``cgexec`` (cgroup-tools), starts a
*new* command in the cgroup, while a student process is forked by the zygote; the
Python bindings (``cgroupspy``, libcgroup's) wrap the same three file writes done
here (mkdir, a limit, rmdir) and are not maintained for cgroup v2. The v1 memory and
pids controllers are used where they are mounted and writable (root, as on CI and
the development machines); else a cgroup2 mount whose root offers ``memory`` and
``pids`` and can be written (root on a cgroup2-only host).
"""
import functools
import itertools
import os
import signal
import time

V1 = "/sys/fs/cgroup"
GROUP = "rnn-course"  # the parent of every student's cgroup, one per controller
RUNNER_PIDS = 8  # the grader's own processes and threads in the cgroup (PID 1, the watcher)


class Unavailable(RuntimeError):
    """No cgroup can be written here."""



def _read(path):
    """A small kernel file's text (closed at once: no ResourceWarning in an instructor's run)."""
    with open(path) as f:
        return f.read()

def _v2_root():
    """A cgroup2 mount whose root offers the memory and pids controllers, or None."""
    try:
        mounts = _read("/proc/self/mounts").splitlines()
    except OSError:
        return None
    for line in mounts:
        parts = line.split()
        if len(parts) > 2 and parts[2] == "cgroup2":
            try:
                controllers = _read(os.path.join(parts[1], "cgroup.controllers")).split()
            except OSError:
                continue
            if {"memory", "pids"} <= set(controllers):
                return parts[1]
    return None


@functools.lru_cache(maxsize=1)
def parents():
    """{controller: parent folder} of the cgroups to make, or raise :class:`Unavailable`."""
    v1 = {c: os.path.join(V1, c) for c in ("memory", "pids")}
    if all(os.path.exists(os.path.join(p, "cgroup.procs")) for p in v1.values()):
        return {c: os.path.join(p, GROUP) for c, p in v1.items()}
    root = _v2_root()
    if root:
        return {"unified": os.path.join(root, GROUP)}
    raise Unavailable("no cgroup v1 memory and pids controllers, and no cgroup2 mount "
                      "offering them")


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _prepare(controller, parent):
    """The parent cgroup (made once); on cgroup2, its children get memory and pids."""
    os.makedirs(parent, exist_ok=True)
    if controller == "unified":  # cgroup2: hand the controllers down
        _write(os.path.join(os.path.dirname(parent), "cgroup.subtree_control"), "+memory +pids")
        _write(os.path.join(parent, "cgroup.subtree_control"), "+memory +pids")


@functools.lru_cache(maxsize=1)
def probe():
    """'' when a budget cgroup can be made here, else why not (cached for the process).
    Also removes the cgroups a grader that was killed left behind."""
    try:
        budget = Budget(memory_mb=64, processes=4)
    except (Unavailable, OSError) as exc:
        return f"no cgroup can be written here ({exc})"
    budget.close()
    sweep()
    return ""


def sweep():
    """Empty and remove the cgroups of graders that are gone (named ``<grader pid>-<n>``)."""
    for parent in parents().values():
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        for name in names:
            pid = name.split("-")[0]
            if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                Budget.adopt([os.path.join(parent, name)]).close(wait=1.0)


def describe(enabled=True):
    """One line for the run's start and summary.txt: what the kernel counts per student."""
    if not enabled:
        return ("budget: NONE (--no-cgroups): memory and processes limited per process only "
                "(RLIMIT_AS, RLIMIT_NPROC); memfd, /dev/shm and tmpfs pages are not counted")
    kind = "cgroup v1 memory+pids" if "memory" in parents() else "cgroup2 memory+pids"
    return (f"budget: {kind}, one per student process: --memory + --disk MB of memory "
            "(every page it or its children hold), --processes processes and threads")


def require(enabled=True):
    """The description, or :class:`Unavailable` naming the reason and the way out."""
    if not enabled:
        return describe(False)
    why = probe()
    if why:
        raise Unavailable(f"refusing to grade: no per-student memory and process budget ({why}). "
                          "Run as root where the cgroup v1 memory and pids controllers or a "
                          "cgroup2 mount with them are writable (docs/grading.md), or pass "
                          "--no-cgroups to grade without it.")
    return describe(True)


_ids = itertools.count(1)


class Budget:
    """The cgroups of one student process: made with their limits, joined by the process
    itself through :attr:`fds`, emptied and removed by :meth:`close`."""

    def __init__(self, memory_mb, processes):
        parents_ = parents()
        self.folders, self.fds = [], []
        name = f"{os.getpid()}-{next(_ids)}"
        try:
            for controller, parent in parents_.items():
                _prepare(controller, parent)
                folder = os.path.join(parent, name)
                os.mkdir(folder)
                self.folders.append(folder)
                limits = _limits(controller, memory_mb, processes)
                for file, value in limits:
                    if os.path.exists(os.path.join(folder, file)):
                        _write(os.path.join(folder, file), value)
                self.fds.append(os.open(os.path.join(folder, "cgroup.procs"),
                                        os.O_WRONLY | os.O_CLOEXEC))
        except BaseException:
            self.close()
            raise

    @classmethod
    def adopt(cls, folders):
        """A budget for cgroups made earlier (by a grader now gone), to empty and remove."""
        budget = cls.__new__(cls)
        budget.fds, budget.folders = [], list(folders)
        return budget

    def peak_bytes(self):
        """The most memory the cgroup has held (for tests and reports), or None."""
        for folder in self.folders:
            for name in ("memory.max_usage_in_bytes", "memory.peak"):
                try:
                    return int(_read(os.path.join(folder, name)))
                except (OSError, ValueError):
                    continue
        return None

    def oom_kills(self):
        """How many of the student's processes the kernel killed for its memory budget."""
        for folder in self.folders:
            for name in ("memory.oom_control", "memory.events"):
                try:
                    lines = _read(os.path.join(folder, name)).splitlines()
                except OSError:
                    continue
                for line in lines:
                    if line.startswith("oom_kill "):
                        return int(line.split()[1])
        return 0

    def pids(self):
        out = set()
        for folder in self.folders:
            try:
                out |= {int(p) for p in _read(os.path.join(folder, "cgroup.procs")).split()}
            except (OSError, ValueError):
                pass
        return out

    def close(self, wait=5.0):
        """Kill what is left in the cgroups (a detached process of the student's), remove them."""
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self.fds = []
        deadline = time.monotonic() + wait
        for folder in reversed(self.folders):
            while True:
                for pid in self.pids():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:  # EBUSY while a killed process is being reaped
                    if time.monotonic() > deadline:
                        break  # left behind, empty soon; the next run's parent holds it
                    time.sleep(0.002)  # the killed processes are usually gone in a few ms
        self.folders = []


def _limits(controller, memory_mb, processes):
    """(file, value) pairs for one controller's cgroup; absent files (no swap accounting)
    are skipped."""
    memory = str(int(memory_mb * 2 ** 20))
    pids = str(int(processes) + RUNNER_PIDS)
    v1 = {"memory": [("memory.limit_in_bytes", memory), ("memory.memsw.limit_in_bytes", memory)],
          "pids": [("pids.max", pids)]}
    v2 = [("memory.max", memory), ("memory.swap.max", "0"), ("pids.max", pids)]
    return v1.get(controller, v2)
