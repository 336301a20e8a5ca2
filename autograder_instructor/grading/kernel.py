"""The student's process: runs one notebook's cells and the probes, nothing else.

This file is started as a script (``python -I kernel.py CONFIG``) and imports
only the standard library and NumPy, so it works without the instructor's
package. It never sees an expected value: the parent sends code cells, then, per
grade cell, the probe modules' source text with the case specs and input arrays,
and receives plain outputs back (:mod:`.wire`). Judging happens in the parent.

Before any student code runs it applies the limits it is given, redirects the
process's stdout and stderr to a file, and installs the audit hook (:mod:`.guard`).
With ``"zygote": true`` in its config it is instead the zygote that forks student
processes (:mod:`.zygote`).

Its siblings (``sandbox.RUNNER`` names them) are loaded by their paths, from the
folder this file is in: the source folder without the sandbox, /opt/rnn-course
inside it. ``python -I`` puts no script folder on ``sys.path``, and putting it
there on purpose would let a notebook import the grader's modules by their bare
names (``import judge``) from the source folder.
"""
import json
import os
import sys
import time


def _sibling(name):
    """The module ``name.py`` beside this file, loaded by its path (not put in sys.modules)."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


guard, wire = _sibling("guard"), _sibling("wire")


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


def load_probes(sources):
    """The probe modules, made from their source text; returns their ``run``.

    ``sources`` is ``[[name, text], ...]``, dependencies first, ``probes`` last. They
    import each other relatively (``from .probes_core import build``), so while they
    are made they are ``grader_probes.<name>`` in ``sys.modules``; then they leave it,
    so no later import in the notebook finds them.
    """
    import types
    package = types.ModuleType("grader_probes")
    package.__path__ = []
    names = ["grader_probes"] + [f"grader_probes.{name}" for name, _ in sources]
    sys.modules["grader_probes"] = package
    try:
        for name, text in sources:
            module = types.ModuleType(f"grader_probes.{name}")
            module.__package__ = "grader_probes"
            sys.modules[module.__name__] = module
            exec(compile(text, f"<{name}>", "exec"), module.__dict__)
            setattr(package, name, module)
    finally:
        for name in names:
            sys.modules.pop(name, None)
    return package.probes.run


def run_probes(message, arrays, namespace, probe_runs):
    """Run a grade cell's cases; return (header, arrays) of plain outputs."""
    import numpy as np
    key = message["probe_hash"]
    if key not in probe_runs:
        probe_runs[key] = load_probes(message["probe_sources"])
    run = probe_runs[key]
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
    cap = config["output_cap"]
    out, err = guard.Capped("stdout", cap), guard.Capped("stderr", cap)
    sys.stdout, sys.stderr = out, err
    guard.apply_limits(config["memory_mb"], config["file_mb"], config.get("cpu_seconds"),
                 config.get("processes"))
    guard.exit_with_parent()
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
        guard.preload_blocks(set(config["blocks"]))
    refused = guard.install_guard(workdir, config["deny_read"], config["allow_read"],
                            config.get("deny_import", ("solutions",)))
    namespace = {"__name__": "__main__", "__builtins__": __builtins__,
                 "display": lambda *objs, **kw: [print(repr(o)) for o in objs] and None}
    probe_runs = {}
    wire.write_all(res_fd, wire.pack({"ready": True}))
    while True:
        message, arrays = wire.receive(lambda n: wire.read_exact(cmd_fd, n))
        op = message["op"]
        if op == "exec":
            reply, reply_arrays = run_cell(message["source"], namespace, out, err,
                                           message.get("name", "<cell>")), None
        elif op == "probe":
            started = time.perf_counter()
            try:
                reply, reply_arrays = run_probes(message, arrays, namespace, probe_runs)
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
        wire.write_all(res_fd, wire.pack(reply, reply_arrays))


if __name__ == "__main__":
    settings = json.loads(sys.argv[1])
    # nested.py (namespaces, cgroups): loaded here, once, before any fork or student code.
    nested = _sibling("nested")
    if settings.get("zygote"):
        _sibling("zygote").zygote(settings, serve, nested)
    else:
        nested.join_cgroups(settings.get("cgroup_fds", ()))  # its budget, before anything else
        if settings.get("confine"):  # a sandbox of its own, as root: no user namespace below
            nested.own_user_namespace()
            nested.ban_user_namespaces()
            nested.lock_down()
        serve(settings)
