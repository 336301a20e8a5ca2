"""What students may receive, listed once: the public side of the ``autograder`` package.

``rnn-course bundle`` builds the student package from exactly these lists and
nothing else (an allow-list: a module that is not named here stays with the
instructor). Tests check that the public modules import only public modules and
that the built bundle holds no answer.

To make a new module available to students (a plotting helper, a loader), add its
name to :data:`PUBLIC_MODULES` (or :data:`OPTIONAL_PUBLIC_MODULES` while it is being
written): it must import nothing instructor-only at module level, and must hold no
answer to a graded function.
"""

# Modules of ``autograder`` copied as they are into the student package.
# ``golden`` is public for its visible-file helpers (``DATA``, ``case_from_json``);
# its Keras functions import instructor-only modules lazily, inside functions, and
# so fail cleanly in the student package if anyone calls them.
PUBLIC_MODULES = (
    "caches",  # the cache NamedTuples students fill
    "cases",  # Case, judge, reports: what a check does with outputs
    "compare",  # the words of a failed comparison
    "golden",  # reading the visible-case files
    "keras_bridge",  # weight-layout conversions the notebooks' Keras demos use
    "probes",  # calling a student's function on a case's inputs
    "visible",  # check(f): the visible checks
    "selfcheck",  # rnn-course-student check NOTEBOOK
)

# Public modules other engineers are writing: shipped when the file exists.
OPTIONAL_PUBLIC_MODULES = (
    "corpus",  # the built-in sentiment corpus and text loaders
    "loaders",  # IMDB and text<TAB>label loaders (re-exports the corpus)
    "baselines",  # 06's bag of words and polarity vectors (NumPy only, no answers)
    "plotting",  # plotting helpers for the notebooks
)

# Written by the bundle for each bundle, never copied: ``__init__`` (the student
# package's version) and ``blocks`` (only the building blocks the instructor released).
GENERATED_MODULES = ("__init__", "blocks")

# Data files of ``autograder/data`` students receive, per bundled assignment.
PUBLIC_DATA = ("visible_{assignment}.json",)

# Instructor-only, for the record and for the bundle's own leak checks (the bundle
# ships only what is listed above, so this list is a second line of defence).
INSTRUCTOR_ONLY = (
    "solutions",  # the reference implementations
    "autograder.suites",  # hidden cases
    "autograder.mutants",  # known mistakes, as source
    "autograder.hidden",  # what grade cells run
    "autograder.keras_golden",  # Keras golden value generators
    "autograder.grading",  # the grading pipeline
    "autograder.build",
    "autograder.release",
    "autograder.submissions",
    "autograder.demo",
    "autograder.commands",
    "autograder.cli",
    "autograder.bundle",
    "autograder.audit",
    "autograder.student_blocks",
    "autograder.layout",
)
INSTRUCTOR_DATA = ("keras_*.npz",)  # Keras golden values, read by hidden checks

STUDENT_DISTRIBUTION = "rnn-course-student"  # the student package's default name
STUDENT_SCRIPT = "rnn-course-student"  # its command (autograder.selfcheck:main)


def public_modules(package_dir):
    """The public modules present in ``package_dir`` (the ``autograder`` folder), in order."""
    from pathlib import Path
    package_dir = Path(package_dir)
    names = list(PUBLIC_MODULES)
    names += [m for m in OPTIONAL_PUBLIC_MODULES if (package_dir / f"{m}.py").exists()]
    return names
