"""Make student submissions from a released notebook: for the demo, tests and benchmarks.

A submission is the released notebook with its solution cells filled in, either
with the reference solutions (taken from the instructor notebook) or with some
functions replaced by known mistakes (:mod:`autograder_instructor.mutants`).
"""
import ast
from pathlib import Path

import nbformat

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def _is_solution(cell):
    return cell.metadata.get("nbgrader", {}).get("solution", False) and cell.cell_type == "code"


def strip_markers(source):
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS)


def replace_definition(source, name, new_source):
    """Replace the top-level definition of ``name`` in ``source`` by ``new_source``."""
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
            return "\n".join(lines[:start] + new_source.rstrip().splitlines() + lines[node.end_lineno:])
    raise KeyError(f"no definition of {name!r} in the cell")


def defines(source, name):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name for n in tree.body)


def fill(released, instructor, replacements=None):
    """The released notebook with every solution cell answered.

    ``replacements`` maps a graded name to source that replaces the reference
    definition (a mutant's, for example); the rest comes from ``instructor``.
    """
    released = nbformat.read(released, as_version=4) if isinstance(released, (str, Path)) else released
    instructor = nbformat.read(instructor, as_version=4) if isinstance(instructor, (str, Path)) else instructor
    answers = {c.metadata["nbgrader"]["grade_id"]: strip_markers(c.source)
               for c in instructor.cells if _is_solution(c)}
    replacements = dict(replacements or {})
    nb = nbformat.from_dict(released)
    for cell in nb.cells:
        if not _is_solution(cell):
            continue
        source = answers[cell.metadata["nbgrader"]["grade_id"]]
        for name in list(replacements):
            if defines(source, name):
                source = replace_definition(source, name, replacements.pop(name))
        cell.source = source
    if replacements:
        raise KeyError(f"no solution cell defines {sorted(replacements)}")
    return nb


def write(nb, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb) + "\n")
    return path
