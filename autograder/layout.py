"""What students may receive, listed once: the public side of the ``autograder`` package.

``rnn-course bundle`` builds the student package from exactly these lists and
nothing else (an allow-list: a module that is not named here stays with the
instructor). Tests check that the public modules import only public modules and
that the built bundle holds no answer.

To make a new module available to students (a plotting helper, a loader), add its
name to :data:`PUBLIC_MODULES` (or :data:`OPTIONAL_PUBLIC_MODULES` while it is being
written): it must import nothing instructor-only, even inside a function, and must hold no
answer to a graded function.
"""
from pathlib import Path

# Modules of ``autograder`` copied as they are into the student package. None may
# import an instructor-only module, not even inside a function (a test checks).
PUBLIC_MODULES = (
    "caches",  # the cache NamedTuples students fill
    "cases",  # Case, judge, reports: what a check does with outputs
    "compare",  # the words of a failed comparison
    "keras_bridge",  # weight-layout conversions the notebooks' Keras demos use
    "probes",  # calling a student's function on a case's inputs: the registry, run
    "probes_core",  # the probes' inputs, outputs and plain calls
    "probes_training",  # probes of chained calls, gradients, mini-batches, training runs
    "probes_models",  # probes of model objects and Keras models
    "visible",  # check(f): the visible checks
    "visible_files",  # reading the visible-case files (autograder/data/visible_<id>.json)
    "selfcheck",  # rnn-course-student check NOTEBOOK
)

# Public modules other engineers are writing: shipped when the file exists.
OPTIONAL_PUBLIC_MODULES = (
    "corpus",  # the built-in sentiment corpus and text loaders
    "loaders",  # IMDB and text<TAB>label loaders (re-exports the corpus)
    "baselines",  # 06's bag of words and polarity vectors (NumPy only, no answers)
    "plotting",  # plotting helpers for the notebooks
    "tagging_corpus",  # the built-in tagging corpus (08_cnn_tagging)
)

# Written by the bundle for each bundle, never copied: ``__init__`` (the student
# package's version) and ``blocks`` (only the building blocks the instructor released).
GENERATED_MODULES = ("__init__", "blocks")

# Data files of ``autograder/data`` students receive, per bundled assignment.
PUBLIC_DATA = ("visible_{assignment}.json",)

# Everything else is instructor-only. It is derived, never listed: a module of the
# ``autograder`` package (file or sub-package) that is not public or generated above
# is hidden from student code everywhere at once -- the student bundle, the bundle
# audit, the grader's sandbox view, and the audit hook in the student process.
# ``solutions`` (the reference implementations) is instructor-only as a whole; a
# student process sees only the modules of earlier assignments (``student_files``).
SOLUTIONS = "solutions"
INSTRUCTOR_DATA = ("keras_*.npz",)  # Keras golden values, read by hidden checks

STUDENT_DISTRIBUTION = "rnn-course-student"  # the student package's default name
STUDENT_SCRIPT = "rnn-course-student"  # its command (autograder.selfcheck:main)

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent  # the checkout: the folder that holds the ``autograder`` package


def instructor_modules(package_dir=PACKAGE):
    """Dotted names student code may never import: ``solutions`` and every module of
    ``package_dir`` (the ``autograder`` folder) that is not public or generated."""
    package_dir = Path(package_dir)
    public = set(public_modules(package_dir)) | set(GENERATED_MODULES)
    names = [SOLUTIONS]
    for item in sorted(package_dir.iterdir()):
        name = item.stem if item.suffix == ".py" else item.name
        is_module = item.suffix == ".py" or (item.is_dir() and (item / "__init__.py").exists())
        if is_module and name not in public:
            names.append(f"{package_dir.name}.{name}")
    return tuple(names)


def instructor_files(package_dir=PACKAGE):
    """File and folder names that must never be in a student's package: ``hidden.py``
    for a module, ``suites`` for a sub-package, both for ``solutions``."""
    package_dir = Path(package_dir)
    names = [SOLUTIONS, f"{SOLUTIONS}.py"]
    for module in instructor_modules(package_dir)[1:]:
        name = module.rsplit(".", 1)[-1]
        names.append(name if (package_dir / name).is_dir() else f"{name}.py")
    return tuple(names)


def student_files(root, blocks=(), package_dir=None):
    """Paths under ``root`` (the repository, or wherever the packages are installed)
    that a student process may read: the public modules, the generated ``__init__``
    and ``blocks``, the visible-case files, and of ``solutions`` only ``blocks``
    (dotted names of earlier assignments' reference modules, see
    ``autograder.student_blocks.earlier_blocks``). Everything else under ``root``
    stays out of the sandbox's view."""
    root = Path(root)
    package_dir = Path(package_dir or root / "autograder")
    files = [package_dir / f"{m}.py" for m in (*public_modules(package_dir), *GENERATED_MODULES)]
    for pattern in PUBLIC_DATA:
        files += sorted((package_dir / "data").glob(pattern.format(assignment="*")))
    if blocks:
        files.append(root / SOLUTIONS / "__init__.py")
        files += [root / SOLUTIONS / f"{b.split('.', 1)[1]}.py" for b in blocks]
    return [f for f in files if f.is_file()]


def public_modules(package_dir):
    """The public modules present in ``package_dir`` (the ``autograder`` folder), in order."""
    from pathlib import Path
    package_dir = Path(package_dir)
    names = list(PUBLIC_MODULES)
    names += [m for m in OPTIONAL_PUBLIC_MODULES if (package_dir / f"{m}.py").exists()]
    return names


# For the record and for the bundle's leak checks; computed, so it cannot go stale.
INSTRUCTOR_ONLY = instructor_modules()
