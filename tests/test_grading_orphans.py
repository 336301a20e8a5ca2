"""Does a student process that the grader can no longer stop still end by itself?"""
import signal
import subprocess
import sys
import time

from autograder_instructor.grading import guard


def test_spinning_student_process_dies_when_its_cpu_budget_is_spent():
    """If the grader is killed mid-run, an infinite loop must not spin forever (RLIMIT_CPU)."""
    code = (f"import sys; sys.path.insert(0, {str(guard.__file__.rsplit('/', 1)[0])!r})\n"
            "import guard\n"
            "guard.apply_limits(0, 0, cpu_seconds=1)\n"
            "while True:\n"
            "    pass\n")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL), proc.returncode
    assert time.monotonic() - started < 30


def test_student_process_ends_soon_after_its_parent():
    """If the grader (or the zygote) dies, does its student process end within seconds?"""
    here = str(guard.__file__.rsplit('/', 1)[0])
    child = (f"import sys; sys.path.insert(0, {here!r})\n"
             "import guard\n"
             "guard.exit_with_parent()\n"
             "print('ready', flush=True)\n"
             "while True:\n"
             "    pass\n")
    # A parent that starts the spinning child, reports its pid, and dies at once.
    parent = ("import subprocess, sys\n"
              f"p = subprocess.Popen([sys.executable, '-c', {child!r}], stdout=subprocess.PIPE)\n"
              "p.stdout.readline()\n"
              "print(p.pid, flush=True)\n")
    pid = int(subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True,
                             timeout=60).stdout)
    import os
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError("the orphaned student process was still running after 20 s")
