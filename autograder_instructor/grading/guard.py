"""The student process's fences, set before any student code runs (standard library only).

- :func:`apply_limits`: address space, file size, CPU time, processes, no core dumps;
- :func:`exit_with_parent`: the process ends soon after the grader (or the zygote);
- :class:`Capped`: each cell's output, kept up to a cap;
- :func:`preload_blocks`: ``autograder.blocks`` holding only earlier assignments' blocks;
- :func:`install_guard`: an audit hook that refuses to open the instructor's files
  (reference solutions, hidden tests, golden values, other students' work), to write
  outside the working folder, or to start programs.

The hook is defence in depth: the comparison with expected values never happens
in the student process, so the worst a student who escapes it can do is break
their own process. This file is loaded by path (see ``kernel.py``).
"""
import io
import os
import sys


class Capped(io.TextIOBase):
    """A text stream that keeps the first ``cap`` characters of each cell's output."""

    def __init__(self, name, cap):
        self.name, self.cap, self.parts, self.size, self.dropped = name, cap, [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.cap - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self):
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters of output were cut by the grader]\n"
        self.parts, self.size, self.dropped = [], 0, 0
        return text


def install_guard(workdir, deny_read, allow_read, blocked_modules=("solutions",)):
    """Refuse reads of the instructor's files, writes outside ``workdir``, new programs,
    imports of ``blocked_modules`` (the grader passes ``layout.instructor_modules()``)."""
    workdir = os.path.realpath(workdir)
    deny_read = [os.path.realpath(p) for p in deny_read]
    allow_read = [os.path.realpath(p) for p in allow_read]
    blocked_modules = tuple(blocked_modules)
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    realpath, startswith = os.path.realpath, str.startswith
    refused = []

    def PermErr(message):  # noqa: N802 (used like the exception class it returns)
        if len(refused) < 20:
            refused.append(message)
        return PermissionError(message)

    def inside(path, roots):
        return any(path == r or startswith(path, r + os.sep) for r in roots)

    def check_path(path, writing):
        if isinstance(path, int):
            return
        try:
            path = realpath(os.fsdecode(path))
        except Exception:
            return
        if writing and not inside(path, [workdir, "/dev/null"]):
            raise PermErr(f"the grader does not let a notebook write outside its folder: {path}")
        if inside(path, deny_read) and not inside(path, allow_read):
            raise PermErr(f"the grader does not let a notebook read {path}")

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
                (flags or 0) & write_flags)
            check_path(path, writing)
        elif event == "os.mkdir" and os.path.isdir(args[0]):
            return  # makedirs(exist_ok=True) on a folder that exists (matplotlib's cache) is harmless
        elif event in ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod",
                       "os.symlink", "os.link", "os.truncate", "shutil.rmtree", "os.utime"):
            check_path(args[0], True)
            if event in ("os.rename", "os.symlink", "os.link"):
                check_path(args[1], True)
        elif event in ("os.listdir", "os.scandir"):
            path = args[0] if args and args[0] is not None else "."
            if not isinstance(path, int):
                path = realpath(os.fsdecode(path))
                if not any(inside(a, [path]) for a in allow_read):  # listing a parent of an allowed file
                    check_path(path, False)
        elif event == "import":
            name = args[0] or ""
            if any(name == m or startswith(name, m + ".") for m in blocked_modules):
                if len(refused) < 20:
                    refused.append(f"the grader does not let a notebook import {name}")
                raise ImportError(f"the grader does not let a notebook import {name}")
        elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
                       "os.spawn", "os.fork", "os.forkpty", "pty.spawn", "os.kill", "os.killpg"):
            raise PermErr(f"the grader does not let a notebook start or signal programs ({event})")

    sys.addaudithook(hook)
    return refused


def preload_blocks(allowed):
    """Make ``autograder.blocks`` hold only the blocks of earlier assignments.

    In the instructor's package that module re-exports every reference solution;
    a student's bundle holds only the released ones. Here, before the guard, the
    ``from solutions.X import ...`` lines of the module are run for the allowed
    modules only (a finder refuses the others, even indirectly), the result
    replaces the module, and ``solutions`` leaves ``sys.modules``, so a later
    import goes through the guard.
    """
    import ast
    import importlib
    import importlib.util
    import types

    class Refuse:
        def find_spec(self, name, path=None, target=None):
            if (name == "solutions" or name.startswith("solutions.")) and name != "solutions" \
                    and name not in allowed:
                raise ImportError(f"{name} is not an earlier assignment's block")
            return None

    try:
        spec = importlib.util.find_spec("autograder.blocks")
    except (ImportError, ValueError):
        return
    if spec is None or not spec.origin:
        return
    with open(spec.origin) as f:
        tree = ast.parse(f.read())
    module = types.ModuleType("autograder.blocks", ast.get_docstring(tree))
    module.__file__ = spec.origin
    finder = Refuse()
    sys.meta_path.insert(0, finder)
    try:
        for node in tree.body:
            if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in allowed):
                continue
            try:
                source = importlib.import_module(node.module)
            except Exception:
                continue
            for alias in node.names:
                if hasattr(source, alias.name):
                    setattr(module, alias.asname or alias.name, getattr(source, alias.name))
    finally:
        sys.meta_path.remove(finder)
    import autograder
    sys.modules["autograder.blocks"] = module
    autograder.blocks = module
    for name in list(sys.modules):
        if name == "solutions" or name.startswith("solutions."):
            del sys.modules[name]


def exit_with_parent():
    """End this process soon after its parent (the grader, or the zygote) is gone."""
    import threading
    import time
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(70)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def apply_limits(memory_mb, file_mb, cpu_seconds=None, processes=None):
    import resource
    import signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails instead of killing
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if file_mb:
        n = int(file_mb * 2 ** 20)
        resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
    if memory_mb:
        n = int(memory_mb * 2 ** 20)
        resource.setrlimit(resource.RLIMIT_AS, (n, n))
    if cpu_seconds:
        # A backstop the kernel enforces by itself: even if the grader is killed and
        # cannot stop this process, it dies once it has used a notebook's whole budget.
        n = int(cpu_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (n, n + 5))
    if processes:
        # Only inside the sandbox's own user namespace: there the kernel counts this
        # student's processes and threads alone (a fork bomb costs only itself). Outside
        # it, the count would include every process of the grader's user.
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
