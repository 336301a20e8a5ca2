"""Each student's own code, per graded function: the part a similarity score may look at.

A student's region for a graded function ``f`` is the last definition of ``f`` in their
notebook's code cells (the one the grader ran), without its docstring, followed by the
helpers it calls that the student defined themselves (transitively), so a copy that
inlines a helper still meets the helper's code. Grade cells and read-only cells are the
course's, never the student's, and are skipped.

The *baseline* of ``f`` is what every student was given or could honestly share: the
starter (the source notebook's solution cell with the solution removed, as nbgrader
releases it), the reference solution itself, and the known mistakes' code
(``autograder_instructor/mutants``). Fragments of the baseline count for nothing.
"""
import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*\n?", re.M | re.S)
MAGIC = re.compile(r"^[ \t]*[%!].*$", re.M)  # IPython magics and shell lines are not Python


@dataclass
class Assignment:
    """What the similarity of one assignment needs from the course."""
    assignment: str
    notebook: str
    functions: list  # graded function (or class) names, in notebook order
    locked: set  # grade_ids of grade and read-only cells (the course's, not the student's)
    baseline: dict = field(default_factory=dict)  # func -> [source the class was given or may share]


def python(source):
    """A cell's source as parseable Python: magics blanked (line numbers kept)."""
    return MAGIC.sub("", source)


def definitions(sources):
    """{name: (node, source)} of the top-level functions and classes in ``sources`` (cells in
    order; a later definition wins, as when the notebook runs). A cell that does not parse
    is skipped."""
    found = {}
    for source in sources:
        text = python(source)
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found[node.name] = (node, text)
    return found


def without_docstring(node, text):
    """The definition's source with its docstring's lines left out."""
    start = node.lineno
    if node.decorator_list:
        start = min(d.lineno for d in node.decorator_list)
    lines = text.splitlines()[start - 1:node.end_lineno]  # whole lines: trailing comments too
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None),
                                                              ast.Constant) \
            and isinstance(body[0].value.value, str):
        first, last = body[0].lineno - start, body[0].end_lineno - start
        lines = lines[:first] + lines[last + 1:]
    return "\n".join(lines) + "\n"


def _called(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def regions(sources, functions):
    """{func: source} of the student's own code for each graded function they defined."""
    defs = definitions(sources)
    graded = set(functions)
    out = {}
    for func in functions:
        if func not in defs:
            continue
        parts, seen, todo = [], {func}, [func]
        while todo:
            name = todo.pop(0)
            node, text = defs[name]
            parts.append(without_docstring(node, text))
            for helper in sorted(_called(node) - seen - graded):
                if helper in defs:
                    seen.add(helper)
                    todo.append(helper)
        out[func] = "".join(parts)
    return out


def student_sources(nb, locked):
    """The code cells a student wrote or could change, in order."""
    out = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code" or not isinstance(cell.get("source"), str):
            continue
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if isinstance(meta, dict) and meta.get("grade_id") in locked:
            continue
        out.append(cell["source"])
    return out


def load_assignment(course, assignment):
    """The graded functions, locked cells and baseline of ``assignment`` in ``course``."""
    from ...mutants import mutants_for
    from ...suites import suite
    module = suite(assignment)
    functions = list(dict.fromkeys(t.func for t in module.TESTS))
    nb = nbformat.read(Path(course) / "source" / assignment / module.NOTEBOOK, as_version=4)
    locked, solutions = set(), []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") and (meta.get("grade") and not meta.get("solution")
                                     or meta.get("locked")):
            locked.add(meta["grade_id"])
        elif meta.get("solution") and cell.cell_type == "code":
            solutions.append(cell.source)
    starter = [SOLUTION.sub("", s) for s in solutions]
    reference = [s.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "")
                 for s in solutions]
    baseline, given_starter, given_reference = {}, regions(starter, functions), \
        regions(reference, functions)
    for func in functions:
        given = [given_starter.get(func, ""), given_reference.get(func, "")]
        for mutant in mutants_for(func):
            try:
                given.append(regions([mutant.source()], functions).get(func, ""))
            except (OSError, TypeError):  # a mutant without source (built at run time)
                continue
        baseline[func] = [g for g in given if g]
    return Assignment(assignment, module.NOTEBOOK, functions, locked, baseline)


def read_notebook(path):
    """(notebook or None, why not) of a submitted file, read as the grader reads it."""
    from ..prepare import read
    try:
        return read(Path(path).read_bytes())
    except OSError as exc:
        return None, f"could not be read ({exc.strerror or exc})"
