"""Kernel-enforced isolation of student code: the bubblewrap sandbox.

``bwrap`` (Debian's ``bubblewrap``, the sandbox Flatpak uses) starts a process
-- the sandboxed zygote, or one student process when the zygote cannot be used --
in new user, PID, mount, network, IPC, UTS and cgroup namespaces:

- it cannot see the grader's processes (a fresh ``/proc``), so it cannot signal,
  ptrace, prlimit or read the grader's memory, and every process it starts dies
  with it (``--die-with-parent``; the kernel kills a PID namespace when its first
  process exits);
- its filesystem is an empty root holding, read-only, the system (``/usr``), the
  Python installation, and of the course only the files ``layout.student_files``
  names; everything else (solutions, suites, mutants, golden data, the course,
  the gradebook, grades.csv, other students) is not there at all;
- it can write only ``/sandbox``, a tmpfs of ``Limits.disk_mb``, which holds the
  notebook's folder (a copy of the assignment's files);
- no network (an empty network namespace);
- it runs as a user of its own (see :func:`_user_args`).

Each student forked by the sandboxed zygote then enters namespaces of its own
(:mod:`.nested`), so classmates forked from one zygote are as separate as if each
had its own bwrap, and ``RLIMIT_NPROC`` counts one student alone.

The audit hook of :mod:`.guard` stays as a second layer with clearer messages.
"""
import functools
import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .. import layout

# The one writable place, a size-limited tmpfs. Not /tmp: the course (and its venv) may
# itself live below /tmp (a CI checkout), and a tmpfs there would hide the interpreter.
SCRATCH = "/sandbox"
INSIDE = f"{SCRATCH}/notebook"  # the notebook's folder inside the sandbox
# The student process's runner: kernel.py, started as a script, and the files it loads
# by path from its own folder. Mounted read-only in RUNNER_DIR.
RUNNER = ("kernel.py", "wire.py", "guard.py", "zygote.py", "nested.py")
RUNNER_DIR = "/opt/rnn-course"
KERNEL = f"{RUNNER_DIR}/kernel.py"
HOME = SCRATCH
SYSTEM = ("/usr", "/bin", "/lib", "/lib64", "/sbin")
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
       "nsswitch.conf", "alternatives", "os-release")
NAMESPACES = ("--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc",
              "--unshare-uts", "--unshare-cgroup-try")


class Unavailable(RuntimeError):
    """No kernel isolation here (no bwrap, or user namespaces are disabled)."""


def bwrap():
    return shutil.which("bwrap")


PRIVILEGED = os.geteuid() == 0
UID_BASE = 1_000_000  # as root, each sandbox gets its own unused uid above this


def _user_args(zygote=False):
    """How the sandbox leaves the grader's user.

    As root, bwrap builds the view as root (so it can bind an interpreter under
    /root) and ``setpriv`` then drops to a uid of its own with no capabilities: not
    root, not the grader's user, not a classmate's, so ``RLIMIT_NPROC`` counts this
    sandbox alone. As another user, an unprivileged user namespace does the same:
    the kernel counts ``RLIMIT_NPROC`` per user namespace."""
    if not PRIVILEGED:  # the zygote's children need user namespaces of their own
        return [*NAMESPACES] + ([] if zygote else ["--disable-userns"]), []
    uid = UID_BASE + next(_uids) % 10 ** 8
    keep = ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP") + (("CAP_SYS_ADMIN",) if zygote else ())
    caps = ["--cap-drop", "ALL"] + [a for c in keep for a in ("--cap-add", c)]
    drop = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
            "--inh-caps=-all", "--bounding-set=-all", "--"]
    if zygote:
        # As root, bwrap covers /proc/irq and /proc/bus, and the kernel then refuses a new
        # /proc to the students' PID namespaces (it would reveal what is covered). Uncovered
        # here, before setpriv drops to a uid that cannot write them; no other use of the
        # capability, which setpriv takes away with every other.
        drop = ["/usr/bin/sh", "-c", 'umount /proc/irq /proc/bus 2>/dev/null; exec "$@"', "sh", *drop]
    return [*NAMESPACES[1:], *caps], drop


# itertools.count is safe to share between the grader's threads (a generator is not).
_uids = itertools.count(os.getpid() * 1000 + 1)


@functools.lru_cache(maxsize=1)
def probe():
    """'' when a sandbox can start here, else why not (cached for the process)."""
    path = bwrap()
    if not path:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    ns, drop = _user_args()
    try:
        r = subprocess.run([path, *ns, "--die-with-parent", "--ro-bind", "/usr", "/usr",
                            "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                            "--symlink", "usr/lib64", "/lib64", "--proc", "/proc",
                            "--dev", "/dev", *drop, "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap did not run: {exc}"
    if r.returncode:
        return f"bwrap cannot create namespaces here: {r.stderr.decode(errors='replace').strip()}"
    return ""


def describe(enabled=True):
    """One line for the run's start and summary.txt: which isolation is in force."""
    if not enabled:
        return ("isolation: NONE (--no-sandbox): student code ran as the grader's user, "
                "guarded only by the audit hook")
    version = subprocess.run([bwrap(), "--version"], capture_output=True, text=True).stdout.strip()
    user = (f"a uid of its own above {UID_BASE} (setpriv, no capabilities)" if PRIVILEGED
            else f"uid {os.geteuid()} in its own user namespace")
    return (f"isolation: {version}; each student in its own user, PID, mount, network and "
            f"IPC namespaces (and may make none), its own /dev and /proc; read-only view of the "
            f"public modules only; its own size-limited scratch folder; host {user}")


def require(enabled=True):
    """The description, or :class:`Unavailable` naming the reason and the way out."""
    if not enabled:
        return describe(False)
    why = probe()
    if why:
        raise Unavailable(f"refusing to grade: no kernel isolation for student code ({why}). "
                          "Install bubblewrap, run in a container that allows user namespaces "
                          "(docs/grading.md), or pass --no-sandbox to grade without it.")
    return describe(True)


def _mount_points():
    """(host path, sandbox path) read-only binds: the system and the Python installation."""
    binds = []
    for path in SYSTEM:
        if os.path.islink(path):
            continue  # a merged-/usr symlink: recreated below
        if os.path.isdir(path):
            binds.append((path, path))
    for name in ETC:
        if os.path.exists(f"/etc/{name}"):
            binds.append((f"/etc/{name}", f"/etc/{name}"))
    prefixes = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    for prefix in sorted(prefixes):
        if not any(prefix == s or prefix.startswith(s + "/") for s in SYSTEM):
            binds.append((prefix, prefix))
    # The venv's own path, if it is a symlinked one (bin/python -> the base interpreter).
    venv = os.path.abspath(sys.prefix)
    if venv not in prefixes:
        binds.append((os.path.realpath(venv), venv))
    return binds


def _hidden_packages():
    """Folders of instructor packages that a bound prefix would show (a non-editable
    install puts ``solutions`` and ``autograder_instructor`` into site-packages):
    covered by an empty tmpfs; of ``solutions`` only the released blocks are bound back."""
    import importlib.util
    out = []
    for top in layout.instructor_modules():
        spec = importlib.util.find_spec(top)
        for location in (spec.submodule_search_locations or []) if spec else []:
            out.append(os.path.realpath(location))
    return out


def command(argv, workdir, limits, blocks, zygote=False):
    """The bwrap command line running ``argv`` for one student process, and the fds it needs.

    ``workdir`` (the grader's copy of the assignment's files) is copied, file by
    file, into the sandbox's ``/sandbox/notebook``; nothing is written back.
    """
    ns, drop = _user_args(zygote)
    args, fds = [bwrap(), *ns, "--die-with-parent", "--new-session",
                 "--hostname", "grading", "--proc", "/proc", "--dev", "/dev"], []
    made = set()

    def ro(host, dest):
        parents = [p for p in reversed(Path(dest).parents) if str(p) != "/"]
        for parent in parents:  # readable by the sandbox's user (bwrap copies 0700 otherwise)
            if str(parent) not in made:
                made.add(str(parent))
                args.extend(["--perms", "0755", "--dir", str(parent)])
        args.extend(["--ro-bind", host, dest])

    for path in SYSTEM:
        if os.path.islink(path):
            args.extend(["--symlink", os.readlink(path), path])
    bound = _mount_points()
    for host, dest in bound:
        ro(host, dest)
    # A prefix inside the repository (a venv in the checkout) must not show the rest of it.
    for hidden in _hidden_packages():
        if any(hidden == h or hidden.startswith(h + "/") for h, _ in bound):
            args.extend(["--tmpfs", hidden, "--remount-ro", hidden])
    roots = {str(layout.CHECKOUT)} | {str(Path(h).parent) for h in _hidden_packages()}
    for root in sorted(roots):
        for path in layout.student_files(root, blocks or ()):
            ro(str(path), str(path))
    for name in RUNNER:
        ro(str(Path(__file__).with_name(name)), f"{RUNNER_DIR}/{name}")
    # World-writable (sticky) because as root the sandbox's uid is chosen after bwrap made it.
    args.extend(["--size", str(int(limits.disk_mb * 2 ** 20)), "--perms", "1777",
                 "--tmpfs", HOME, "--perms", "1777", "--dir", INSIDE])
    # POSIX shared memory of its own (bwrap's /dev/shm is root's), as large as --disk.
    args.extend(["--size", str(int(limits.disk_mb * 2 ** 20)), "--perms", "1777",
                 "--tmpfs", "/dev/shm"])
    mpl = os.environ.get("MPLCONFIGDIR") or os.path.expanduser("~/.cache/matplotlib")
    copies = [(p, f"{HOME}/matplotlib/{p.name}") for p in Path(mpl).glob("*.json")] \
        if os.path.isdir(mpl) else []
    workdir = Path(workdir)
    for path in sorted(workdir.rglob("*")):
        dest = f"{INSIDE}/{path.relative_to(workdir)}"
        if path.is_dir() and not path.is_symlink():
            args.extend(["--perms", "1777", "--dir", dest])
        elif path.is_file() and not path.is_symlink():
            copies.append((path, dest))
    if copies and any(dest.startswith(f"{HOME}/matplotlib/") for _, dest in copies):
        args.extend(["--perms", "1777", "--dir", f"{HOME}/matplotlib"])
    for host, dest in copies:
        fd = os.open(host, os.O_RDONLY | os.O_CLOEXEC)
        fds.append(fd)
        args.extend(["--perms", "0644", "--file", str(fd), dest])
    args.extend(["--chdir", INSIDE, "--", *drop, *argv])
    return args, fds


def env(base):
    """The student process's environment inside the sandbox."""
    out = dict(base, HOME=HOME, TMPDIR=HOME, USER="student")
    out.pop("MPLCONFIGDIR", None)
    out["MPLCONFIGDIR"] = f"{HOME}/matplotlib"
    return out


def popen(argv, workdir, limits, blocks, base_env, pass_fds, stderr, zygote=False):
    """Start ``argv`` in a sandbox; the caller owns the returned Popen."""
    args, fds = command(argv, workdir, limits, blocks, zygote)
    try:
        return subprocess.Popen(args, env=env(base_env), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=stderr,
                                pass_fds=tuple(pass_fds) + tuple(fds), start_new_session=True)
    finally:
        for fd in fds:
            os.close(fd)


def non_dumpable():
    """Make this process non-dumpable: no core file, and only a ptrace-capable process
    may read its /proc/<pid>/mem or environ (a second layer beside the PID namespace)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass
