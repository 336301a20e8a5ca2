"""The trusted side of a notebook: its grade cells and read-only cells, from the course.

Grade cells are never taken from a student's copy. Their source, points and order
come from the instructor's source notebook (``course/source/<id>/<nb>.ipynb``),
and the points are checked against the gradebook that ``nbgrader
generate_assignment`` filled, so the gradebook and the run agree.
"""
import ast
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..suites import find_test, suite


@dataclass
class GradeCell:
    grade_id: str
    points: float
    kind: str  # "code" (autograded) or "manual" (a written answer, graded by hand)
    source: str
    checks: list = field(default_factory=list)  # functions whose visible check the cell runs
    has_test: bool = True  # False: no hidden Test registered for this grade_id


@dataclass
class Trusted:
    assignment: str
    notebook: str  # file name, e.g. "dense.ipynb"
    grade_cells: list  # GradeCell, in notebook order
    locked: dict  # grade_id -> source of read-only cells (restored in every submission)
    solution_ids: list  # grade_ids of solution cells (code and written answers)
    checksums: dict  # grade_id -> nbgrader checksum of the released cell (from the gradebook)
    blocks: list = field(default_factory=list)  # solution modules autograder.blocks may use

    @property
    def name(self):
        return self.notebook.removesuffix(".ipynb")

    @property
    def max_score(self):
        return sum(c.points for c in self.grade_cells)

    def cell(self, grade_id):
        return next(c for c in self.grade_cells if c.grade_id == grade_id)


def released_source(source):
    """A grade cell as students received it: without its hidden tests."""
    out, hidden = [], False
    for line in source.splitlines():
        if line.strip() == "### BEGIN HIDDEN TESTS":
            hidden = True
        elif line.strip() == "### END HIDDEN TESTS":
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out).strip()


def visible_calls(source):
    """Names passed to ``check(...)`` in a grade cell's source."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "check" and node.args and isinstance(node.args[0], ast.Name)):
            names.append(node.args[0].id)
    return names


def load(course, assignment):
    """The trusted cells of an assignment's notebook, from the course's source folder."""
    module = suite(assignment)
    path = Path(course) / "source" / assignment / module.NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    from nbgrader.utils import is_grade, is_locked, is_solution
    grade_cells, locked, solutions, checksums = [], {}, [], {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        if is_grade(cell):
            if cell.cell_type == "code" and not is_solution(cell):
                try:
                    find_test(grade_id)
                    has_test = True
                except KeyError:
                    has_test = False
                grade_cells.append(GradeCell(grade_id, float(meta["points"]), "code",
                                             cell.source, visible_calls(cell.source), has_test))
            else:
                grade_cells.append(GradeCell(grade_id, float(meta["points"]), "manual", cell.source))
        if is_solution(cell):
            solutions.append(grade_id)
        elif is_locked(cell) and cell.cell_type == "code":
            locked[grade_id] = cell.source
    from ..student_blocks import earlier_blocks
    return Trusted(assignment, module.NOTEBOOK, grade_cells, locked, solutions, checksums,
                   earlier_blocks(assignment))


def sync_gradebook(trusted, db_url):
    """Read the released checksums; return problems between source notebook and gradebook."""
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(db_url) as gb:
        try:
            nb = gb.find_notebook(trusted.name, trusted.assignment)
        except MissingEntry:
            return [f"the gradebook has no notebook {trusted.name} in {trusted.assignment}"]
        stored = {g.name: g.max_score for g in nb.grade_cells}
        trusted.checksums = {c.name: c.checksum for c in nb.source_cells}
    problems = []
    for cell in trusted.grade_cells:
        if cell.grade_id not in stored:
            problems.append(f"grade cell {cell.grade_id} is not in the gradebook")
        elif abs(stored[cell.grade_id] - cell.points) > 1e-9:
            problems.append(f"grade cell {cell.grade_id}: {cell.points} points in the source, "
                            f"{stored[cell.grade_id]} in the gradebook")
    return problems
