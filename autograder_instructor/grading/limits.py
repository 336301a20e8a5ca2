"""The limits every student process runs under; each is a command-line option."""
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Limits:
    cell_timeout: float = 60.0  # seconds for one cell, or one grade cell's checks
    notebook_timeout: float = 300.0  # seconds for the whole notebook, restarts included
    memory_mb: int = 2048  # RLIMIT_AS per process, and (+ disk_mb) the cgroup of all of them
    file_mb: int = 64  # largest file the student process may write (RLIMIT_FSIZE)
    disk_mb: int = 256  # all it may write: the size of the sandbox's /tmp (a tmpfs, so RAM)
    processes: int = 128  # processes and threads of one sandbox (RLIMIT_NPROC per user ns)
    output_cap: int = 20_000  # characters of stdout/stderr kept per cell
    max_reply_mb: int = 256  # outputs one grade cell may send back
    restarts: int = 3  # fresh processes after a crash or a timeout, per notebook
    start_timeout: float = 30.0  # seconds for a student process to start
    fork: bool = True  # fork from a pre-warmed zygote (else spawn each); never when sandboxed
    sandbox: bool = True  # kernel isolation (bubblewrap); False only with --no-sandbox
    cgroups: bool = True  # one memory + pids cgroup per student process; False: --no-cgroups

    def as_dict(self):
        return asdict(self)
