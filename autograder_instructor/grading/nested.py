"""A forked student's own namespaces inside the sandboxed zygote (standard library only).

The zygote runs in a bubblewrap sandbox that holds no instructor file; each child
it forks then calls :func:`enter` before any student code: new user, mount, PID,
network and IPC namespaces of its own (so classmates forked from the same zygote
cannot signal it, talk to it, or see its files), its own size-limited tmpfs on
scratch folder (the parent of the notebook's folder), no capabilities, no new privileges, and
non-dumpable (its /proc/<pid>/mem and environ are closed to a classmate of the
same uid). The caller forks once more after :func:`enter`: that grandchild is PID
1 of the new PID namespace, and the kernel kills everything in it when it exits.

Python 3.11 has no ``os.unshare`` or ``mount``: they are called through ctypes.
"""
import ctypes
import os

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER = 0x00020000, 0x08000000, 0x10000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x4000, 0x40000
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def enter(tmp_bytes, folder, files):
    """Namespaces, a tmpfs of ``tmp_bytes`` on the parent of ``folder`` (the sandbox's
    scratch folder, never /tmp, under which the course itself may live), and ``folder``
    in it holding ``files`` ({relative name: readable fd}, closed here)."""
    uid, gid = os.getuid(), os.getgid()
    # The zygote is non-dumpable, which makes /proc/self/uid_map root's: dumpable again until
    # lock_down (this fork holds nothing yet that a classmate could want).
    _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl DUMPABLE")
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC),
           "unshare")
    # The same uid inside: a later execve gives no capabilities back (it would as uid 0).
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    scratch = os.path.dirname(folder.rstrip("/"))
    _check(_libc.mount(b"tmpfs", scratch.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                       f"size={int(tmp_bytes)},mode=1777".encode()), f"mount tmpfs {scratch}")
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
