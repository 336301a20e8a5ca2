"""Build the instructor notebooks from their authoring specs and the reference solutions.

An authoring spec ``course/authoring/<assignment>/<name>.py`` is a notebook written
as text, one cell per ``# %% [kind args]`` header:

==============================  ==================================================
``# %% [markdown]``             a markdown cell; each line loses its leading ``# ``
``# %% [conventions]``          the course's conventions (letters, layouts, caches),
                                written once in :data:`CONVENTIONS`
``# %% [code]``                 an ordinary code cell the student may edit
``# %% [setup]``                a read-only (nbgrader ``locked``) code cell
``# %% [solution f g ...]``     the named functions or classes, copied from the
                                assignment's ``SOLUTIONS`` modules with each body
                                between ``### BEGIN/END SOLUTION``; any code written
                                under the header goes first
``# %% [grade grade_id]``       the grade cell of that test in the assignment's
                                suite: its docstring, the visible check, and the
                                hidden checks between ``### BEGIN/END HIDDEN TESTS``
``# %% [demo]``                 code that only demonstrates (live Keras, long
                                training); tagged ``demo`` and skipped by
                                ``rnn-course grade``; write it under
                                ``if not GRADING:`` for plain nbgrader
``# %% [answer id points=N]``   a manually graded written answer (markdown); the
                                text under the header is the model answer
==============================  ==================================================

The reference solutions are the only hand-written copy of the answers: a test
rebuilds every notebook and fails if ``course/source`` differs from the build.
"""
import ast
import importlib
import inspect
import re
import textwrap
from pathlib import Path

import nbformat

from .layout import CHECKOUT as ROOT
from .suites import suite

COURSE = ROOT / "course"
AUTHORING = COURSE / "authoring"
CONVENTIONS = """\
### Conventions used in every assignment

- NumPy `float64` everywhere; a batch is a stack of **row vectors** (batch first).
- Letters: **N** batch size, **T** time steps, **D** input features, **H** hidden units,
  **M** outputs, **V** vocabulary size, **C** classes.
- Weights follow the lecture's maths, `y = f(W x + b)` with `W` of shape (out, in); for a
  batch `X` of shape (N, in) that is `X @ W.T + b`. Keras stores the transpose: its
  `kernel` has shape (in, out), so `kernel = W.T`.
- The RNN weight acts on the concatenation `[h_{t-1}; x_t]`: `W` has shape (H, H + D),
  hidden part first. Keras splits it: `recurrent_kernel = W[:, :H].T`, `kernel = W[:, H:].T`.
- Every `*_forward` returns `(out, cache)` and every `*_backward(dout, cache)` returns the
  gradients named `d<name>`. Caches are the provided NamedTuples (`DenseCache`,
  `RNNStepCache`, `RNNCache`, `EmbeddingCache`): fill them, never redesign them.
- `check(f)` runs the visible checks of `f`. Grade cells are read-only: they run the same
  checks plus hidden ones when your notebook is graded."""

# The caches an assignment adds to the four of 01-05, for its conventions cell.
ASSIGNMENT_CACHES = {
    "07_gated": ("LSTMStepCache", "LSTMCache", "GRUStepCache", "GRUCache"),
    "08_cnn_tagging": ("Conv1DCache", "MaxPoolCache", "TemporalDenseCache"),
}


def conventions(assignment):
    """The conventions cell of an assignment: every cache its functions fill is named."""
    extra = ASSIGNMENT_CACHES.get(assignment)
    if not extra:
        return CONVENTIONS
    listed = "`EmbeddingCache`)"
    assert listed in CONVENTIONS
    return CONVENTIONS.replace(listed, "`EmbeddingCache`; in this assignment "
                               + ", ".join(f"`{c}`" for c in extra) + ")")


HEADER = re.compile(r"^# %% \[(\w+)(?:\s+([^\]]*))?\]\s*$")


def specs():
    """Every authoring spec, as (assignment, path), in assignment order."""
    return [(p.parent.name, p) for p in sorted(AUTHORING.glob("*/*.py"))]


def source_path(assignment, spec_path):
    return COURSE / "source" / assignment / (spec_path.stem + ".ipynb")


def parse(text):
    """Split a spec into (kind, args, body) cells."""
    cells, current = [], None
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            current = [m.group(1), (m.group(2) or "").split(), []]
            cells.append(current)
        elif current is not None:
            current[2].append(line)
        elif line.strip() and not line.startswith("#"):
            raise ValueError(f"text before the first cell header: {line!r}")
    return [(kind, args, "\n".join(body).strip("\n")) for kind, args, body in cells]


def markdown(body):
    lines = []
    for line in body.splitlines():
        if line.startswith("# "):
            lines.append(line[2:])
        elif line.strip() == "#":
            lines.append("")
        else:
            raise ValueError(f"markdown lines must start with '# ': {line!r}")
    return "\n".join(lines)


def _find(name, modules):
    for module_name in modules:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            return getattr(module, name)
    raise KeyError(f"{name!r} is in none of {modules}")


def solution_source(obj):
    """The source of a function or class with every body wrapped in solution markers."""
    source = textwrap.dedent(inspect.getsource(obj))
    lines = source.splitlines()
    tree = ast.parse(source)
    inserts = []  # (line index after which to open, line index after which to close, indent)
    functions = []
    for node in tree.body:  # top-level functions and the methods of top-level classes only
        if isinstance(node, ast.ClassDef):
            functions += [n for n in node.body if isinstance(n, ast.FunctionDef)]
        elif isinstance(node, ast.FunctionDef):
            functions.append(node)
    for node in functions:
        body = node.body
        first = body[1] if (isinstance(body[0], ast.Expr) and isinstance(
            getattr(body[0], "value", None), ast.Constant) and isinstance(
            body[0].value.value, str) and len(body) > 1) else body[0]
        if first is body[0] and isinstance(body[0], ast.Expr) and isinstance(
                getattr(body[0], "value", None), ast.Constant):
            continue  # a docstring alone: nothing to hide
        start = first.lineno - 1
        # keep comments that sit directly above the first statement inside the solution
        while start > 0 and lines[start - 1].strip().startswith("#"):
            start -= 1
        indent = " " * first.col_offset
        inserts.append((start, node.end_lineno, indent))
    out = list(lines)
    for start, end, indent in sorted(inserts, reverse=True):
        out.insert(end, f"{indent}### END SOLUTION")
        out.insert(start, f"{indent}### BEGIN SOLUTION")
    return "\n".join(out)


def _meta(**nbgrader):
    return {"nbgrader": dict(nbgrader, schema_version=3)}


def grade_source(test, visible):
    lines = [f'"""{test.description}"""']
    if visible:
        lines.append(f"check({test.func})")
    lines += ["### BEGIN HIDDEN TESTS", "from autograder_instructor.hidden import grade",
              f'grade("{test.grade_id}")', "### END HIDDEN TESTS"]
    return "\n".join(lines)


def build(assignment, spec_path):
    """The instructor notebook for one spec, as an nbformat notebook."""
    module = suite(assignment)
    tests = {t.grade_id: t for t in module.TESTS}
    cells = []
    setups = 0
    for kind, args, body in parse(Path(spec_path).read_text()):
        if kind == "markdown":
            from .lectures import link_sections  # links that open the lecture at its section
            cell = nbformat.v4.new_markdown_cell(link_sections(markdown(body)))
        elif kind == "conventions":
            cell = nbformat.v4.new_markdown_cell(conventions(assignment))
        elif kind == "code":
            cell = nbformat.v4.new_code_cell(body)
        elif kind == "setup":
            setups += 1
            cell = nbformat.v4.new_code_cell(body, metadata=_meta(
                grade=False, solution=False, locked=True, grade_id=f"setup_{setups}"))
        elif kind == "demo":
            cell = nbformat.v4.new_code_cell(body, metadata={"tags": ["demo"]})
        elif kind == "solution":
            parts = [body] if body else []
            parts += [solution_source(_find(name, module.SOLUTIONS)) for name in args]
            cell = nbformat.v4.new_code_cell("\n\n\n".join(parts), metadata=_meta(
                grade=False, solution=True, locked=False, grade_id=f"solution_{args[0]}"))
        elif kind == "grade":
            test = tests.pop(args[0])
            cell = nbformat.v4.new_code_cell(
                grade_source(test, test.func in module.VISIBLE), metadata=_meta(
                    grade=True, solution=False, locked=True, grade_id=test.grade_id,
                    points=test.points))
        elif kind == "answer":
            points = float(dict(a.split("=") for a in args[1:]).get("points", 1))
            cell = nbformat.v4.new_markdown_cell(markdown(body), metadata=_meta(
                grade=True, solution=True, locked=False, grade_id=args[0], points=points))
        else:
            raise ValueError(f"{spec_path}: unknown cell kind {kind!r}")
        cells.append(cell)
    if tests:
        raise ValueError(f"{spec_path}: no grade cell for {sorted(tests)}")
    return finish(cells)


def finish(cells):
    """A valid notebook of ``cells``, with ids that depend only on their order."""
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i:03d}"
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb


def parse_code(source):
    """The syntax tree of a code cell, IPython lines (%magic, !shell) read as ``pass``.

    Raises SyntaxError for a cell that is not Python.
    """
    import ast
    return ast.parse("\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                               for line in source.splitlines()))


def render(nb):
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def build_all(assignments=None, write=True):
    """Build every (or the named) instructor notebook; return the paths that changed."""
    changed = []
    for assignment, spec_path in specs():
        if assignments and assignment not in assignments:
            continue
        target = source_path(assignment, spec_path)
        text = render(build(assignment, spec_path))
        if not target.exists() or target.read_text() != text:
            changed.append(target)
            if write:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
    return changed
