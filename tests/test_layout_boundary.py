"""The folder is the boundary: ``autograder/`` ships to students, ``autograder_instructor/``
and ``solutions/`` never do.

A module is public by being put in ``autograder/`` and instructor-only by being put in
``autograder_instructor/``: the bundle, its audit, the sandbox's view and the audit
hook's lists all derive from the folders, with no list to keep in step.
"""
import ast
import shutil

import pytest

from autograder_instructor import audit, layout
from autograder_instructor.grading import process
from autograder_instructor.student_blocks import earlier_blocks


def _checkout_with_new_modules(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(layout.PACKAGE, root / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "autograder" / "plotting.py").write_text("def plot(): ...\n")
    (root / layout.INSTRUCTOR_PACKAGE).mkdir()
    (root / layout.INSTRUCTOR_PACKAGE / "answer_key.py").write_text("SECRET = 1\n")
    (root / "solutions").mkdir()
    (root / "solutions" / "__init__.py").write_text("")
    (root / "solutions" / "dense.py").write_text("def sigmoid(z): ...\n")
    (root / "solutions" / "learning.py").write_text("def sgd_step(): ...\n")
    return root


def test_a_new_module_is_public_or_instructor_only_by_its_folder(tmp_path):
    """Is a module added to ``autograder/`` in the sandbox's view at once, and one added to
    the instructor package or an unreleased solution out of it, with no list edited?"""
    root = _checkout_with_new_modules(tmp_path)
    view = {str(p.relative_to(root)) for p in layout.student_files(root, ("solutions.dense",))}
    assert "autograder/plotting.py" in view and "autograder/visible.py" in view
    assert "solutions/dense.py" in view and "solutions/learning.py" not in view
    assert not any(n.startswith(layout.INSTRUCTOR_PACKAGE) for n in view)
    assert "plotting" in layout.public_modules(root / "autograder")
    assert {p.stem for p in (root / "autograder").glob("*.py")} == \
        set(layout.public_modules(root / "autograder")) | set(layout.GENERATED_MODULES)


def test_the_real_checkout_keeps_the_instructor_side_out_of_the_view():
    """Do the hook's lists, the audit's and the sandbox's view agree with the folders, and
    does the view hold no instructor module, suite, mutant, golden file or later solution?"""
    assert set(layout.INSTRUCTOR_ONLY) == {"solutions", "autograder_instructor"}
    assert set(layout.instructor_files()) <= audit.FORBIDDEN_PARTS
    view = layout.student_files(layout.CHECKOUT, earlier_blocks("02_learning"))
    names = {str(p.relative_to(layout.CHECKOUT)) for p in view}
    assert "solutions/dense.py" in names and "solutions/learning.py" not in names
    assert not any(n.startswith("autograder_instructor") or n.endswith(".npz") for n in names)
    shipped = {p for p in layout.PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert shipped <= set(view), "every file of the student package is in the view"
    allow = process.allow_list(earlier_blocks("02_learning"))
    assert not any("suites" in a or a.endswith(".npz") for a in allow)
    deny = process.deny_list()
    assert str(layout.CHECKOUT / "solutions") in deny and str(layout.INSTRUCTOR) in deny


def test_no_golden_value_or_instructor_module_sits_in_the_student_folder():
    """Is every Keras golden file, suite, mutant and grader module outside ``autograder/``?"""
    files = {p.relative_to(layout.PACKAGE).as_posix() for p in layout.PACKAGE.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    assert not [f for f in files if f.endswith(".npz")]
    assert not files & {"suites", "mutants", "hidden.py", "golden.py", "grading", "bundle.py"}
    assert {p.name for p in layout.PACKAGE.iterdir() if p.is_dir()} <= {"data", "__pycache__"}


def _imported_modules(path):
    """Dotted names a top-level module of ``autograder`` imports, at module level or inside
    a function: ``from . import cases`` imports ``autograder`` and ``autograder.cases``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module if node.level == 0 else ".".join(
                filter(None, ["autograder", node.module]))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("module", layout.public_modules(layout.PACKAGE))
def test_a_public_module_imports_nothing_instructor_only(module):
    """Does no public module import an instructor-only one, not even lazily inside a function
    (where it would fail only once a student's code reaches that line)?"""
    imported = _imported_modules(layout.PACKAGE / f"{module}.py")
    upward = sorted({hidden for name in imported for hidden in layout.INSTRUCTOR_ONLY
                     if name == hidden or name.startswith(hidden + ".")})
    assert not upward, f"autograder/{module}.py imports instructor-only {upward}"
