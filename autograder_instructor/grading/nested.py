"""A forked student's own namespaces inside the sandboxed zygote (standard library only).

The zygote runs in a bubblewrap sandbox that holds no instructor file; each child
it forks then calls :func:`enter` before any student code: new user, mount, PID,
network and IPC namespaces of its own (so classmates forked from the same zygote
cannot signal it, talk to it, or see its files), its own size-limited tmpfs on
scratch folder (the parent of the notebook's folder), no capabilities, no new privileges, and
non-dumpable (its /proc/<pid>/mem and environ are closed to a classmate of the
same uid). The caller forks once more after :func:`enter`: that grandchild is PID
1 of the new PID namespace, and the kernel kills everything in it when it exits.

It also joins the student's cgroups first (:func:`join_cgroups`, so everything it
then makes is charged to its budget), forbids any further user namespace
(:func:`ban_user_namespaces`: without one, and with no capability left, the student
can make no namespace of any kind and mount nothing), and gives the student a /dev
of its own (:func:`private_dev`: its own devpts instance and /dev/shm).

Python 3.11 has no ``os.unshare`` or ``mount``: they are called through ctypes.
"""
import ctypes
import os

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER = 0x00020000, 0x08000000, 0x10000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 0x1, 0x2, 0x4, 0x8, 0x20
MS_BIND, MS_REC, MS_PRIVATE, MNT_DETACH = 0x1000, 0x4000, 0x40000, 0x2
# The device nodes a notebook needs, bound from the zygote's /dev into each student's own.
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _mount(source, target, fstype, flags, options=None):
    encode = lambda s: s.encode() if isinstance(s, str) else s  # noqa: E731
    _check(_libc.mount(encode(source), encode(target), encode(fstype), flags, encode(options)),
           f"mount {target}")


def join_cgroups(fds):
    """Move this process into the student's cgroups: ``fds`` are their ``cgroup.procs`` files,
    opened for writing by the grader (the kernel checks the opener's rights, so this
    unprivileged process may write them); ``0`` names the writer. Closed here."""
    for fd in fds:
        try:
            os.write(fd, b"0")
        finally:
            os.close(fd)


def own_user_namespace():
    """A user namespace of this process's own, mapping its uid and gid to themselves: it
    has every capability in it until :func:`lock_down` (which it needs to mount and to
    write its own sysctls), and a later execve gives none back (it would as uid 0)."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER), "unshare user namespace")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def ban_user_namespaces():
    """No user namespace can be made below this one, ever: the kernel counts user namespaces
    against ``user.max_user_namespaces`` of every ancestor, and this namespace's own is 0.
    Only a process with CAP_SYS_RESOURCE here may raise it again, and the student keeps no
    capability (:func:`lock_down`). Without a user namespace of its own an unprivileged
    process can make no other namespace and mount nothing: no tmpfs outside its budget."""
    _write("/proc/sys/user/max_user_namespaces", "0")


def private_dev(scratch, shm_bytes):
    """A /dev of this student's own (its mount namespace): the few device nodes a notebook
    needs, a new devpts instance (a pty a classmate opened is not in it) and a /dev/shm
    tmpfs of ``shm_bytes`` (POSIX shared memory, semaphores); read-only but for those."""
    old = os.path.join(scratch, ".dev")
    os.mkdir(old)
    _mount("/dev", old, None, MS_BIND | MS_REC)  # the zygote's nodes, until they are bound
    _mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=755")
    for name in DEVICES:
        if os.path.exists(os.path.join(old, name)):
            os.close(os.open(f"/dev/{name}", os.O_CREAT | os.O_WRONLY, 0o666))
            _mount(os.path.join(old, name), f"/dev/{name}", None, MS_BIND)
    for name, target in (("ptmx", "pts/ptmx"), ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"/dev/{name}")
    os.mkdir("/dev/pts")
    _mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620")
    os.mkdir("/dev/shm")
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={int(shm_bytes)},mode=1777")
    _check(_libc.umount2(old.encode(), MNT_DETACH), f"umount {old}")
    os.rmdir(old)
    _mount(None, "/dev", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC)


def private_proc():
    """In the PID 1 of the student's namespace: a /proc of that namespace alone, so the
    student sees neither the zygote nor a classmate forked beside it (not even their
    command lines). The kernel allows it only where the zygote's /proc is fully visible
    (as root, the sandbox uncovers it first: see sandbox._user_args)."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def enter(tmp_bytes, folder, files, cgroups=()):
    """Namespaces, a tmpfs of ``tmp_bytes`` on the parent of ``folder`` (the sandbox's
    scratch folder, never /tmp, under which the course itself may live), and ``folder``
    in it holding ``files`` ({relative name: readable fd}, closed here); first the
    student's ``cgroups`` (fds of their ``cgroup.procs``, see :func:`join_cgroups`)."""
    join_cgroups(cgroups)
    # The zygote is non-dumpable, which makes /proc/self/uid_map root's: dumpable again until
    # lock_down (this fork holds nothing yet that a classmate could want).
    _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl DUMPABLE")
    own_user_namespace()
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC), "unshare")
    ban_user_namespaces()
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    scratch = os.path.dirname(folder.rstrip("/"))
    _mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(tmp_bytes)},mode=1777")
    private_dev(scratch, tmp_bytes)
    os.makedirs(folder, exist_ok=True)
    for name, fd in files.items():
        dest = os.path.join(folder, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with os.fdopen(fd, "rb") as src, open(dest, "wb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)


def lock_down():
    """In the PID-1 grandchild, last thing before student code: die with the parent,
    no capabilities, no new privileges, not dumpable."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0), "prctl PDEATHSIG")

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    _check(_libc.capset(ctypes.byref(Header(0x20080522, 0)), (Data * 2)()), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl NO_NEW_PRIVS")
    _check(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl DUMPABLE")
