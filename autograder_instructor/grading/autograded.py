"""The autograded copy of a notebook, where the formgrader looks for it.

``<course>/autograded/<student>/<assignment>/<notebook>.ipynb``: the student's
cells with the outputs they produced while grading, read-only and grade cells
restored from the course (hidden tests included: this copy is for graders; the
students' feedback is the HTML page), and each grade cell's report as its output
(an error output when it lost points, as under nbgrader). Beside it, the
submission's ``timestamp.txt`` and ``submission_secret.txt`` (made when it was placed
by hand), which ``nbgrader generate_feedback`` carries into ``feedback/``.
"""
import stat
import sys
from pathlib import Path

import nbformat

from .judge import report
from .nbgrader_feedback import complete
from .prepare import read


def _outputs(log):
    outs = []
    for name in ("stdout", "stderr"):
        if log.get(name):
            outs.append(nbformat.v4.new_output("stream", name=name, text=log[name]))
    if log.get("value"):
        outs.append(nbformat.v4.new_output("execute_result", data={"text/plain": log["value"]},
                                           execution_count=None))
    if log.get("error"):
        e = log["error"]
        outs.append(nbformat.v4.new_output("error", ename=e["ename"], evalue=e["evalue"],
                                           traceback=[e.get("traceback", "")]))
    return outs


def build(result, trusted):
    """The autograded notebook of a :class:`.result.Result`, or None if the file was
    unreadable."""
    path = result.copy or result.path
    if not path or result.fatal:
        return None
    try:  # the copy taken before grading; a notebook may have deleted its own file
        data = Path(path).read_bytes()
    except OSError:
        return None
    nb, _ = read(data)
    if nb is None:
        return None
    grades = {g.grade_id: g for g in result.grades}
    seen = set()
    for index, cell in enumerate(nb.cells):
        grade_id = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if grade_id in grades and cell.cell_type == "code":
            seen.add(grade_id)
            cell.source = trusted.cell(grade_id).source
            cell.outputs = _grade_outputs(grades[grade_id])
        elif grade_id in trusted.locked:
            cell.source = trusted.locked[grade_id]
        if cell.cell_type == "code" and str(index) in result.cells and grade_id not in grades:
            cell.outputs = _outputs(result.cells[str(index)])
    for grade_id, grade in grades.items():
        if grade_id not in seen:
            cell = nbformat.v4.new_code_cell(trusted.cell(grade_id).source, metadata={"nbgrader": {
                "grade": True, "solution": False, "locked": True, "grade_id": grade_id,
                "points": grade.points, "schema_version": 3}})
            cell.outputs = _grade_outputs(grade)
            nb.cells.append(cell)
    return nb


def _grade_outputs(grade):
    text = report(grade)
    if grade.score == grade.points:
        return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")]
    if grade.score > 0:  # partial credit: the score as the cell's value, as nbgrader reads it
        return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n"),
                nbformat.v4.new_output("execute_result", data={"text/plain": repr(grade.score)},
                                       execution_count=None)]
    return [nbformat.v4.new_output("error", ename="CheckFailed", evalue=text, traceback=[text])]


def write(result, trusted, course):
    """Write the autograded notebook; on failure warn and go on (the gradebook has the grades)."""
    nb = build(result, trusted)
    if nb is None:
        return None
    path = Path(course) / "autograded" / result.student / trusted.assignment / trusted.notebook
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():  # nbgrader autograde leaves its files read-only (0444)
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
        path.write_text(nbformat.writes(nb) + "\n")
        # nbgrader generate_feedback copies these into feedback/, where release_feedback
        # needs them, also for a submission placed in submitted/ by hand
        own = Path(result.path).parent if result.path else None
        complete(path.parent, own if own and own.name == trusted.assignment else None,
                 result.timestamp)
    except OSError as exc:  # someone else's file: never stop the class's grading for it
        print(f"warning: {result.student}: could not write {path}: {exc}", file=sys.stderr)
        return None
    return path
