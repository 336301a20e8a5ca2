"""Is the student process's runner (kernel.py and the files it loads by path) mounted and
allowed as a whole, so that a new sibling cannot work without the sandbox and fail inside it?"""
import os
import re
from pathlib import Path

from autograder_instructor.grading import process, sandbox
from autograder_instructor.grading.limits import Limits

HERE = Path(sandbox.__file__).parent


def test_every_file_the_kernel_loads_is_part_of_the_runner():
    """Does sandbox.RUNNER name every module kernel.py loads beside itself, and do they exist?"""
    loaded = set(re.findall(r'_sibling\("(\w+)"\)', (HERE / "kernel.py").read_text()))
    assert {f"{name}.py" for name in loaded} | {"kernel.py"} == set(sandbox.RUNNER)
    assert all((HERE / name).is_file() for name in sandbox.RUNNER)


def test_the_sandbox_binds_and_the_hook_allows_every_runner_file(tmp_path):
    """Is each runner file bound read-only into RUNNER_DIR, and readable there and here?"""
    args, fds = sandbox.command(["python"], tmp_path, Limits(), None)
    for fd in fds:  # the files bwrap would copy in; not needed here
        os.close(fd)
    binds = {(args[i + 1], args[i + 2]) for i, a in enumerate(args) if a == "--ro-bind"}
    allow = set(process.allow_list())
    for name in sandbox.RUNNER:
        inside = f"{sandbox.RUNNER_DIR}/{name}"
        assert (str(HERE / name), inside) in binds, name
        assert inside in allow and str(HERE / name) in allow, name
    assert sandbox.KERNEL == f"{sandbox.RUNNER_DIR}/kernel.py"
