"""The student's process: runs one notebook's cells and the probes, nothing else.

This file is started as a script (``python -I kernel.py WORKDIR``) and imports
only the standard library and NumPy, so it works without the instructor's
package. It never sees an expected value: the parent sends code cells, then, per
grade cell, the probe module's source text with the case specs and input arrays,
and receives plain outputs back. Judging happens in the parent.

Before any student code runs it applies the limits it is given (address space,
file size, no core dumps), redirects the process's stdout and stderr to a file,
and installs an audit hook that refuses to open the instructor's files (reference
solutions, hidden tests, golden values, other students' work), to write outside
its working folder, or to start programs. The hook is defence in depth: the
comparison with expected values never happens here, so the worst a student who
escapes it can do is break their own process.

Wire format (both directions, on two pipes): a 4-byte big-endian length, a JSON
header, and, if the header says ``"npz": n``, n bytes of an ``.npz`` file read
with ``allow_pickle=False``. No pickle anywhere.
"""
import io
import json
import os
import struct
import sys
import time

MAX_MESSAGE = 512 * 2 ** 20  # a message larger than this is treated as a broken process


# ---------------------------------------------------------------- wire format
def _read_exact(fd, n):
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def pack(header, arrays=None):
    """One message: header (JSON-able dict) plus optional {name: ndarray}."""
    payload = b""
    if arrays:
        import numpy as np
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        payload = buf.getvalue()
        header = dict(header, npz=len(payload))
    head = json.dumps(header).encode()
    return struct.pack(">I", len(head)) + head + payload


def unpack_arrays(payload):
    import numpy as np
    with np.load(io.BytesIO(payload), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def receive(fd):
    """Read one message: (header, arrays)."""
    (n,) = struct.unpack(">I", _read_exact(fd, 4))
    if n > MAX_MESSAGE:
        raise ValueError(f"message header of {n} bytes")
    header = json.loads(_read_exact(fd, n))
    arrays = {}
    if header.get("npz"):
        if not 0 < header["npz"] <= MAX_MESSAGE:
            raise ValueError("message too large")
        arrays = unpack_arrays(_read_exact(fd, header["npz"]))
    return header, arrays


# ---------------------------------------------------------------- output capture
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


# ---------------------------------------------------------------- the guard
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


# ---------------------------------------------------------------- running cells
def _transform(source):
    """IPython syntax (%magics, !shell) to Python; IPython is imported only if needed."""
    if not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
        return source
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def run_cell(source, namespace, out, err, name="<cell>"):
    """Execute one cell as a notebook would; return its outputs as a small dict.

    A ``name`` such as ``<cell 7>`` is the cell's file name in tracebacks; its source is
    then kept in ``linecache`` so messages can quote the student's line.
    """
    import ast
    import linecache
    import traceback
    result = {"error": None, "value": None}
    try:
        code = _transform(source)
        if name != "<cell>":
            linecache.cache[name] = (len(code), None, code.splitlines(True), name)
        tree = ast.parse(code, name, "exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, name, "exec"), namespace)
        if last is not None:
            value = eval(compile(last, name, "eval"), namespace)
            if value is not None:
                result["value"] = repr(value)[:2000]
    except SystemExit as exc:
        result["error"] = {"ename": "SystemExit", "evalue": str(exc)[:500], "traceback": ""}
    except BaseException as exc:  # the student's error is recorded; the notebook goes on
        if isinstance(exc, KeyboardInterrupt):
            raise
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        result["error"] = {"ename": type(exc).__name__, "evalue": str(exc)[:500],
                           "traceback": "".join(tb[-3:])[-3000:]}
    result["stdout"], result["stderr"] = out.take(), err.take()
    return result


def run_probes(message, arrays, namespace, probe_modules):
    """Run a grade cell's cases; return (header, arrays) of plain outputs."""
    import numpy as np
    key = message["probe_hash"]
    if key not in probe_modules:
        module = {"__name__": "grader_probes"}
        exec(compile(message["probe_source"], "<probes>", "exec"), module)
        probe_modules[key] = module
    run = probe_modules[key]["run"]
    outputs, out_arrays = [], {}
    for i, case in enumerate(message["cases"]):
        mine = {k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith(f"c{i}/")}
        result = run(namespace, case["probe"], case["spec"], mine)
        flat = {}
        for name, value in result.items():
            if isinstance(value, str):
                flat[name] = {"s": value[:2000]}
            elif isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
                ref = f"o{len(out_arrays)}"
                out_arrays[ref] = value  # (ascontiguousarray would turn 0-d into 1-d)
                flat[name] = {"a": ref}
            else:
                flat[name] = {"s": "type:" + type(value).__name__}
        outputs.append(flat)
    return {"outputs": outputs}, out_arrays


def serve(config):
    workdir = config["workdir"]
    os.chdir(workdir)
    cmd_fd, res_fd = config["fds"]
    # The student's prints (and any C-level writes) go to a file, never to our pipes.
    log = os.open(os.path.join(workdir, "kernel-output.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.dont_write_bytecode = True  # -I ignores PYTHONDONTWRITEBYTECODE; never write .pyc files
    out, err = Capped("stdout", config["output_cap"]), Capped("stderr", config["output_cap"])
    sys.stdout, sys.stderr = out, err
    apply_limits(config["memory_mb"], config["file_mb"], config.get("cpu_seconds"),
                 config.get("processes"))
    exit_with_parent()
    import numpy  # noqa: F401  (every notebook of the course uses it; load it before the guard)
    if config.get("preload"):  # what the zygote would have imported (a sandbox starts cold)
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot  # noqa: F401
        except Exception:
            pass
    import platform
    platform.processor()  # cached now: TensorFlow's import asks, and the answer runs `uname -p`
    if config.get("blocks") is not None:
        preload_blocks(set(config["blocks"]))
    refused = install_guard(workdir, config["deny_read"], config["allow_read"],
                            config.get("deny_import", ("solutions",)))
    namespace = {"__name__": "__main__", "__builtins__": __builtins__,
                 "display": lambda *objs, **kw: [print(repr(o)) for o in objs] and None}
    probe_modules = {}
    _write_all(res_fd, pack({"ready": True}))
    while True:
        message, arrays = receive(cmd_fd)
        op = message["op"]
        if op == "exec":
            reply, reply_arrays = run_cell(message["source"], namespace, out, err,
                                           message.get("name", "<cell>")), None
        elif op == "probe":
            started = time.perf_counter()
            try:
                reply, reply_arrays = run_probes(message, arrays, namespace, probe_modules)
            except MemoryError:
                reply, reply_arrays = {"failure": "MemoryError while running the checks"}, None
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                reply, reply_arrays = {"failure": f"{type(exc).__name__}: {str(exc)[:500]}"}, None
            reply["stdout"], reply["stderr"] = out.take(), err.take()
            reply["seconds"] = time.perf_counter() - started
        elif op == "exit":
            break
        else:
            reply, reply_arrays = {"failure": f"unknown op {op}"}, None
        reply["seq"] = message["seq"]
        reply["refused"], refused[:] = refused[:], []
        _write_all(res_fd, pack(reply, reply_arrays))


def zygote(config):
    """A clean, pre-warmed parent of student processes: it forks one per notebook.

    It imports NumPy and matplotlib once and then only forks; it never runs student
    code or holds anything of the instructor's. Requests come on a SEQPACKET socket:
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
            pid, inner = _fork_nested(sock, request["config"], fds)
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
                    os.setsid()
                    os.environ["TMPDIR"] = request["config"]["workdir"]
                    import tempfile
                    tempfile.tempdir = None
                    serve(dict(request["config"], fds=fds))
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


def _fork_nested(sock, config, fds):
    """Fork a student into namespaces of its own (see nested.py); (child pid, PID-1 pid or error).

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
            nested = _load_nested()
            files = dict(zip(config["files"], fds[2:]))
            nested.enter(config["tmp_bytes"], config["workdir"], files)
            inner = os.fork()
            if inner == 0:  # PID 1 of the student's namespace
                os.close(report_w)
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


def _load_nested():
    """nested.py, beside this file (``python -I`` puts no script folder on sys.path)."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nested.py")
    spec = importlib.util.spec_from_file_location("nested", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _status_code(status):
    """A wait status as one exit code: 128 + N for a death by signal N (as bwrap reports)."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    settings = json.loads(sys.argv[1])
    zygote(settings) if settings.get("zygote") else serve(settings)
