"""The boundary between students and instructors is a folder, not a list.

- ``autograder/`` is the student package: every module and data file in it ships in the
  student handout (``rnn-course bundle``) and is what the grader's sandbox shows a
  student process. It holds no answer and imports nothing instructor-only.
- ``autograder_instructor/`` (this package) and ``solutions/`` stay with the instructor:
  the suites and their hidden cases, the known mistakes, the Keras golden values, the
  grader, the release and bundle commands, the reference solutions.

Two modules of the student package are written anew for each handout, never copied:
``__init__`` (the handout's version) and ``blocks`` (only the building blocks of earlier
assignments the instructor released). The sandbox binds the checkout's own copies,
whose ``blocks`` the student process trims to the released blocks before any student
code runs (``grading/guard.py``).

Everything below is derived from the folders, so it cannot drift: a new module is
public by being put in ``autograder/`` (a test then holds it to importing nothing
instructor-only) and instructor-only by being put here.
"""
from pathlib import Path

STUDENT_PACKAGE = "autograder"
INSTRUCTOR_PACKAGE = Path(__file__).resolve().parent.name  # autograder_instructor
SOLUTIONS = "solutions"

CHECKOUT = Path(__file__).resolve().parent.parent  # the checkout, holding both packages
PACKAGE = CHECKOUT / STUDENT_PACKAGE  # the student package's folder
INSTRUCTOR = CHECKOUT / INSTRUCTOR_PACKAGE

# Written by the bundle for each handout, never copied (see the docstring).
GENERATED_MODULES = ("__init__", "blocks")

# The student package's data a handout carries per bundled assignment: its visible cases.
PUBLIC_DATA = ("visible_{assignment}.json",)

STUDENT_DISTRIBUTION = "rnn-course-student"  # the student package's default name
STUDENT_SCRIPT = "rnn-course-student"  # its command (autograder.selfcheck:main)


def public_modules(package_dir=PACKAGE):
    """The modules of the student package (its ``.py`` files), but the generated two."""
    return sorted(p.stem for p in Path(package_dir).glob("*.py")
                  if p.stem not in GENERATED_MODULES)


def instructor_modules():
    """Dotted names student code may never import: the instructor package and the
    reference solutions, whole."""
    return (SOLUTIONS, INSTRUCTOR_PACKAGE)


def instructor_files():
    """Folder and file names that must never be in a student's handout."""
    return (SOLUTIONS, f"{SOLUTIONS}.py", INSTRUCTOR_PACKAGE)


def student_files(root, blocks=(), package_dir=None):
    """Paths under ``root`` (the checkout, or wherever the packages are installed) that a
    student process may read: every file of the student package (its modules and data)
    and, of ``solutions``, only ``blocks`` (dotted names of earlier assignments' reference
    modules, see ``autograder_instructor.student_blocks.earlier_blocks``)."""
    root = Path(root)
    package_dir = Path(package_dir or root / STUDENT_PACKAGE)
    files = sorted(p for p in package_dir.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    if blocks:
        files.append(root / SOLUTIONS / "__init__.py")
        files += [root / SOLUTIONS / f"{b.split('.', 1)[1]}.py" for b in blocks]
    return [f for f in files if f.is_file()]


# For the record and for the bundle's leak checks.
INSTRUCTOR_ONLY = instructor_modules()
