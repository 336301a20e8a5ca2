"""One declaration of what is instructor-only (autograder.layout), used everywhere.

A module added to the ``autograder`` package without being declared public must be
hidden from student code at once: by the bundle audit, the sandbox's view, the
audit hook's import and read lists, without being listed anywhere.
"""
import ast
import shutil

import pytest

from autograder import audit, layout
from autograder.grading import process
from autograder.student_blocks import earlier_blocks


def _package_with_new_module(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(layout.PACKAGE, root / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__", "*.npz"))
    (root / "autograder" / "answer_key.py").write_text("SECRET = 1\n")
    (root / "solutions").mkdir()
    (root / "solutions" / "__init__.py").write_text("")
    (root / "solutions" / "dense.py").write_text("def sigmoid(z): ...\n")
    return root


def test_a_new_module_is_instructor_only_everywhere(tmp_path):
    """Is a new, undeclared module instructor-only for the hook, absent from the sandbox's
    view, and flagged by the bundle audit -- with no list edited?"""
    root = _package_with_new_module(tmp_path)
    package = root / "autograder"
    assert "autograder.answer_key" in layout.instructor_modules(package)
    assert "answer_key.py" in layout.instructor_files(package)
    view = {p.name for p in layout.student_files(root, ("solutions.dense",))}
    assert "answer_key.py" not in view and "visible.py" in view and "dense.py" in view
    assert all(f"{m}.py" in view for m in layout.public_modules(package))


def test_the_real_package_declares_the_instructor_side():
    """Do the hook's lists, the audit's and the sandbox's view agree with layout, and does the
    view hold no instructor module, suite, mutant, golden file or later solution?"""
    assert set(layout.INSTRUCTOR_ONLY) == set(layout.instructor_modules())
    for name in ("solutions", "autograder.suites", "autograder.mutants", "autograder.hidden",
                 "autograder.grading", "autograder.keras_golden", "autograder.layout"):
        assert name in layout.INSTRUCTOR_ONLY
    assert set(layout.instructor_files()) <= audit.FORBIDDEN_PARTS
    view = layout.student_files(layout.CHECKOUT, earlier_blocks("02_learning"))
    names = {str(p.relative_to(layout.CHECKOUT)) for p in view}
    assert "solutions/dense.py" in names and "solutions/learning.py" not in names
    assert not any(n.startswith(("autograder/suites", "autograder/mutants", "autograder/grading"))
                   or n.endswith((".npz", "hidden.py")) for n in names)
    allow = process.allow_list(earlier_blocks("02_learning"))
    assert not any("suites" in a or a.endswith(".npz") for a in allow)
    deny = process.deny_list()
    assert str(layout.CHECKOUT / "solutions") in deny and str(layout.PACKAGE) in deny


def _imported_modules(path):
    """Dotted names a top-level module of ``autograder`` imports, at module level or inside
    a function: ``from . import golden`` imports ``autograder`` and ``autograder.golden``."""
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
