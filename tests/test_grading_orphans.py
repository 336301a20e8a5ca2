"""Does a student process that the grader can no longer stop still end by itself?"""
import signal
import subprocess
import sys
import time

from autograder.grading import kernel


def test_spinning_student_process_dies_when_its_cpu_budget_is_spent():
    """If the grader is killed mid-run, an infinite loop must not spin forever (RLIMIT_CPU)."""
    code = (f"import sys; sys.path.insert(0, {str(kernel.__file__.rsplit('/', 1)[0])!r})\n"
            "import kernel\n"
            "kernel.apply_limits(0, 0, cpu_seconds=1)\n"
            "while True:\n"
            "    pass\n")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL), proc.returncode
    assert time.monotonic() - started < 30
