"""Release: build the instructor notebooks, run nbgrader, and copy the result to assignments/.

``rnn-course release`` is the one command behind ``assignments/``. It rebuilds the
source notebooks from their authoring specs and ``solutions/``, runs plain
``nbgrader generate_assignment`` in a temporary copy of the course (so the
repository gains no gradebook or release folder), and writes the released
notebooks without outputs. A test runs it into a temporary folder and fails if
the committed ``assignments/`` differ.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from .build import COURSE, ROOT, build_all, specs

ASSIGNMENTS = ROOT / "assignments"


def nbgrader_env():
    """The environment nbgrader needs: our interpreter's bin/ on PATH (for alembic)."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    env.setdefault("MPLBACKEND", "Agg")
    return env


def nbgrader(course_dir, *args, check=True):
    """Run a plain nbgrader command in a course folder; return the completed process."""
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir,
                          env=nbgrader_env(), capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def copy_course(dest):
    """Copy the course root (config, source notebooks, lectures) without local state."""
    shutil.copytree(COURSE, dest, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "*.db", "__pycache__",
        ".ipynb_checkpoints", "authoring"))
    return Path(dest)


def assignment_ids():
    return sorted({a for a, _ in specs()})


def clean(nb):
    """No outputs, no execution counts, no per-run metadata."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    return nb


def release(assignments=None, out=ASSIGNMENTS):
    """Release the named (default: all) assignments into ``out``; return written paths."""
    assignments = assignments or assignment_ids()
    build_all(assignments)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        course = copy_course(Path(tmp) / "course")
        for assignment in assignments:
            nbgrader(course, "generate_assignment", assignment, "--force")
            target = Path(out) / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(course / "release" / assignment, target)
            for path in sorted(target.rglob("*.ipynb")):
                nb = clean(nbformat.read(path, as_version=4))
                path.write_text(nbformat.writes(nb) + "\n")
                written.append(path)
    return written
