"""Release: build the instructor notebooks, run nbgrader, and copy the result to assignments/.

``rnn-course release`` is the one command behind ``assignments/``. It rebuilds the
source notebooks from their authoring specs and ``solutions/``, runs plain
``nbgrader generate_assignment`` in a temporary copy of the course (so the
repository gains no gradebook or release folder), and writes the released
notebooks without outputs. A test runs it into a temporary folder and fails if
the committed ``assignments/`` differ.

Every command that works on a course resolves it with :func:`course_root`: the
current folder when it is a course root (``nbgrader_config.py`` next to
``source/``), else the repository's ``course/``, and says which one it uses.
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


def is_course(path):
    """Whether ``path`` is an nbgrader course root: its config next to its source/ folder."""
    path = Path(path)
    return (path / "nbgrader_config.py").is_file() and (path / "source").is_dir()


def course_root(course=None, here=None):
    """The course a command works on: ``course`` if given, else the current folder when it is
    a course root, else the repository's ``course/`` (what the package was installed from)."""
    if course:
        if not is_course(course):
            raise SystemExit(f"{course} is not an nbgrader course root "
                             "(it needs nbgrader_config.py and a source/ folder)")
        return Path(course).resolve()
    here = Path(here or Path.cwd())
    return here.resolve() if is_course(here) else COURSE


def add_course_option(parser, what="nbgrader course folder"):
    """The ``--course`` option every command that works on a course takes, and its default."""
    parser.add_argument("--course", help=f"{what} (default: ./ if it is a course root, with "
                                         "nbgrader_config.py and source/, else the repository's "
                                         "course/)")


def chosen_course(args):
    """The course a command works on (its ``--course``, else :func:`course_root`), printed
    first, so nobody grades or releases the wrong course."""
    course = course_root(args.course)
    say_course(course)
    return course


def say_course(course, stream=None):
    """Print the course root a command uses, first, so nobody grades the wrong course."""
    print(f"course: {course}", file=stream or sys.stdout, flush=True)


# Local state a course collects; never copied with it (and ignored by git, see .gitignore).
STATE = ("release", "submitted", "autograded", "feedback", "grading", "exchange", "*.db",
         "__pycache__", ".ipynb_checkpoints", ".nbgrader.log")


def copy_course(dest, course=None):
    """Copy a course root (default: the repository's) without local state or authoring specs."""
    shutil.copytree(course or COURSE, dest, ignore=shutil.ignore_patterns(*STATE, "authoring"))
    return Path(dest)


def assignment_ids():
    return sorted({a for a, _ in specs()})


# Inside the course a notebook (source/<id>/, release/<id>/) finds the lecture at
# ../../lectures/; a released one (assignments/<id>/, in the repository and in a student's
# handout) finds it at ../../course/lectures/.
LECTURE_LINK = ("](../../lectures/", "](../../course/lectures/")


def clean(nb):
    """No outputs, no execution counts, no per-run metadata; lecture links that work from
    assignments/<id>/."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            cell.source = cell.source.replace(*LECTURE_LINK)
        cell.metadata.pop("execution", None)
    return nb


def default_out(course):
    """Where released notebooks go: assignments/ beside the course folder."""
    return ASSIGNMENTS if Path(course).resolve() == COURSE.resolve() else Path(course).parent / "assignments"


def source_ids(course):
    """The assignments a course's source/ folder holds."""
    return sorted(p.name for p in (Path(course) / "source").iterdir() if p.is_dir())


def generate(course, assignments, *options):
    """``nbgrader generate_assignment`` for each of ``assignments`` in ``course``: one
    nbgrader run for all of the course's assignments (its ``*`` pattern; each run costs
    seconds of start-up and gradebook set-up), else one run per assignment."""
    every = sorted(assignments) == source_ids(course)
    for assignment in ["*"] if every else assignments:
        nbgrader(course, "generate_assignment", assignment, "--force", *options)


def release(assignments=None, out=None, course=None):
    """Release the named (default: all) assignments of ``course`` (default: the repository's)
    into ``out``; return written paths. Only the repository's course is rebuilt from
    ``solutions/`` first; another course is released as its source/ stands.

    Without ``out`` (a real release, not a test's) the course also gets what plain
    nbgrader ``generate_assignment`` leaves there, its git-ignored ``release/<id>/`` and
    the assignment in its gradebook, so ``nbgrader release_assignment <id>`` and
    formgrader work next, as the instructor guide says."""
    course = Path(course or COURSE).resolve()
    home = course if out is None else None
    own = course == COURSE.resolve()
    assignments = assignments or (assignment_ids() if own else source_ids(course))
    if own:
        build_all(assignments)
    out = Path(out or default_out(course))
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        course = copy_course(Path(tmp) / "course", course)
        db = [f"--db=sqlite:///{home / 'gradebook.db'}"] if home else []
        generate(course, assignments, *db)
        for assignment in assignments:
            if home:
                shutil.rmtree(home / "release" / assignment, ignore_errors=True)
                shutil.copytree(course / "release" / assignment, home / "release" / assignment)
            target = Path(out) / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(course / "release" / assignment, target)
            for path in sorted(target.rglob("*.ipynb")):
                nb = clean(nbformat.read(path, as_version=4))
                path.write_text(nbformat.writes(nb) + "\n")
                written.append(path)
    return written
